<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>App</name>
    <message>
        <source>Generating villages, households and parcels…</source>
        <translation>正在生成行政村、农户和宅基地…</translation>
    </message>
    <message>
        <source>Writing the project file…</source>
        <translation>正在写入项目文件…</translation>
    </message>
    <message>
        <source>Writing parcels…</source>
        <translation>正在写入宗地…</translation>
    </message>
    <message>
        <source>Writing buildings…</source>
        <translation>正在写入农房…</translation>
    </message>
    <message>
        <source>Writing households…</source>
        <translation>正在写入户籍…</translation>
    </message>
    <message>
        <source>Opening the demo district…</source>
        <translation>正在打开演示数据…</translation>
    </message>
    <message>
        <source>This installation has no demo district generator.</source>
        <translation>此安装不含演示数据生成器。</translation>
    </message>
    <message>
        <source>The demo district could not be created: {detail}</source>
        <translation>无法创建演示数据：{detail}</translation>
    </message>
    <message>
        <source>Creating a demo district for your first start…</source>
        <translation>首次启动，正在创建演示数据…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Canceling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>The demo district was not created. Use File › Open… to open a project.</source>
        <translation>未创建演示数据。请通过“文件 › 打开…”打开项目。</translation>
    </message>
    <message>
        <source>No project is open. Use File › Open… to open one.</source>
        <translation>尚未打开项目。请通过“文件 › 打开…”打开项目。</translation>
    </message>
    <message>
        <source>Cannot create the folder {path}: {detail}</source>
        <translation>无法创建文件夹 {path}：{detail}</translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <source>{path}: file not found</source>
        <translation>{path}：文件不存在</translation>
    </message>
    <message>
        <source>{path}: the file already exists (use --overwrite to replace it)</source>
        <translation>{path}：文件已存在（使用 --overwrite 覆盖）</translation>
    </message>
    <message>
        <source>{path}: not a qjgis project ({reason})</source>
        <translation>{path}：不是 qjgis 项目文件（{reason}）</translation>
    </message>
    <message>
        <source>{path}: the project file is damaged ({detail})</source>
        <translation>{path}：项目文件已损坏（{detail}）</translation>
    </message>
    <message>
        <source>{path}: made by a newer qjgis (schema {found}); this version reads up to {supported}</source>
        <translation>{path}：由较新版本的 qjgis 创建（数据结构版本 {found}），本版本最高只能读取版本 {supported}</translation>
    </message>
    <message>
        <source>{path}: another program is writing the project</source>
        <translation>{path}：另一个程序正在写入该项目</translation>
    </message>
    <message>
        <source>unknown setting {key}</source>
        <translation>未知的设置项 {key}</translation>
    </message>
    <message>
        <source>setting {key} = {value}: {reason}</source>
        <translation>设置项 {key} = {value} 无效：{reason}</translation>
    </message>
    <message>
        <source>the project CRS cannot change once data is in ({count} features)</source>
        <translation>项目中已有数据（{count} 个要素），不能再更改坐标系</translation>
    </message>
    <message>
        <source>{value} is not a usable projected CRS: {reason}</source>
        <translation>{value} 不是可用的投影坐标系：{reason}</translation>
    </message>
    <message>
        <source>unknown layer {layer}</source>
        <translation>未知图层 {layer}</translation>
    </message>
    <message>
        <source>{table} row {fid} was changed by someone else meanwhile (version {expected} expected, {found} found)</source>
        <translation>{table} 第 {fid} 行已被他人修改（应为版本 {expected}，实为版本 {found}）</translation>
    </message>
    <message>
        <source>{name} = {value}: {reason}</source>
        <translation>{name} = {value} 无效：{reason}</translation>
    </message>
    <message>
        <source>canceled; nothing was changed</source>
        <translation>已取消，未做任何更改</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>No project is open. Use File › Open… to open one.</source>
        <translation>尚未打开项目。请通过“文件 › 打开…”打开项目。</translation>
    </message>
    <message>
        <source>&amp;Open…</source>
        <translation>打开(&amp;O)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>Zoom to &amp;Full Extent</source>
        <translation>全图(&amp;F)</translation>
    </message>
    <message>
        <source>Full Extent</source>
        <translation>全图</translation>
    </message>
    <message>
        <source>Show the whole project (double-click the map)</source>
        <translation>显示整个项目范围（也可双击地图）</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>Recent &amp;Projects</source>
        <translation>最近的项目(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>Map</source>
        <translation>地图</translation>
    </message>
    <message>
        <source>Layers</source>
        <translation>图层</translation>
    </message>
    <message>
        <source>Open Project</source>
        <translation>打开项目</translation>
    </message>
    <message>
        <source>qjgis projects (*.gpkg);;All files (*)</source>
        <translation>qjgis 项目 (*.gpkg);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Cannot open {path}: {detail}</source>
        <translation>无法打开 {path}：{detail}</translation>
    </message>
    <message>
        <source>This project has no map features yet.</source>
        <translation>此项目还没有地图要素。</translation>
    </message>
    <message>
        <source>{villages} villages · {parcels} parcels · {buildings} buildings</source>
        <translation>行政村 {villages} 个 · 宗地 {parcels} 宗 · 农房 {buildings} 幢</translation>
    </message>
    <message>
        <source>Opened {path}</source>
        <translation>已打开 {path}</translation>
    </message>
    <message>
        <source>E {e}  N {n}</source>
        <translation>X(北) {n}  Y(东) {e}</translation>
    </message>
    <message>
        <source>Scale {scale}</source>
        <translation>比例尺 {scale}</translation>
    </message>
</context>
<context>
    <name>Reasons</name>
    <message>
        <source>not a number</source>
        <translation>不是数字</translation>
    </message>
    <message>
        <source>not a finite number</source>
        <translation>不是有限数值</translation>
    </message>
    <message>
        <source>not a whole number</source>
        <translation>不是整数</translation>
    </message>
    <message>
        <source>not a date (YYYY-MM-DD)</source>
        <translation>不是日期（应为 YYYY-MM-DD）</translation>
    </message>
    <message>
        <source>not text</source>
        <translation>不是文本</translation>
    </message>
    <message>
        <source>empty</source>
        <translation>为空</translation>
    </message>
    <message>
        <source>has no EPSG code</source>
        <translation>没有 EPSG 代码</translation>
    </message>
    <message>
        <source>not projected: areas must be measured in metres</source>
        <translation>不是投影坐标系：面积必须以米计量</translation>
    </message>
    <message>
        <source>not a JSON object</source>
        <translation>不是 JSON 对象</translation>
    </message>
    <message>
        <source>not a list of 6-digit codes</source>
        <translation>不是 6 位代码列表</translation>
    </message>
    <message>
        <source>expected KEY=VALUE</source>
        <translation>应为 键=值</translation>
    </message>
    <message>
        <source>outside {0}..{1}</source>
        <translation>超出 {0}..{1} 范围</translation>
    </message>
    <message>
        <source>longer than {0} characters</source>
        <translation>超过 {0} 个字符</translation>
    </message>
    <message>
        <source>not {0} digits</source>
        <translation>不是 {0} 位数字</translation>
    </message>
    <message>
        <source>one of {0}</source>
        <translation>应为以下之一：{0}</translation>
    </message>
    <message>
        <source>unknown CRS {0}</source>
        <translation>未知坐标系 {0}</translation>
    </message>
</context>
<context>
    <name>Texts</name>
    <message>
        <source>Towns</source>
        <translation>镇街</translation>
    </message>
    <message>
        <source>Villages</source>
        <translation>行政村</translation>
    </message>
    <message>
        <source>Homestead parcels</source>
        <translation>宅基地宗地</translation>
    </message>
    <message>
        <source>Buildings</source>
        <translation>农房</translation>
    </message>
    <message>
        <source>Households</source>
        <translation>户</translation>
    </message>
    <message>
        <source>Household members</source>
        <translation>户成员</translation>
    </message>
    <message>
        <source>Parcel right holders</source>
        <translation>宗地权利人</translation>
    </message>
    <message>
        <source>Import batches</source>
        <translation>导入批次</translation>
    </message>
    <message>
        <source>Audit log</source>
        <translation>审计日志</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Demo ground truth</source>
        <translation>演示数据真值</translation>
    </message>
    <message>
        <source>Attachments</source>
        <translation>附件</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>CRS</source>
        <translation>坐标系</translation>
    </message>
    <message>
        <source>Schema version</source>
        <translation>数据结构版本</translation>
    </message>
    <message>
        <source>Counts</source>
        <translation>数量</translation>
    </message>
    <message>
        <source>Integrity check: no problems</source>
        <translation>完整性检查：未发现问题</translation>
    </message>
    <message>
        <source>Integrity check: {n} problem(s)</source>
        <translation>完整性检查：发现 {n} 个问题</translation>
    </message>
    <message>
        <source>Created {path}</source>
        <translation>已创建 {path}</translation>
    </message>
    <message>
        <source>Demo district written to {path}: {towns} towns, {villages} villages, {parcels} parcels, {buildings} buildings, {households} households in {seconds:.1f} s</source>
        <translation>演示数据已写入 {path}：{towns} 个镇街、{villages} 个行政村、{parcels} 宗宅基地、{buildings} 幢农房、{households} 户，用时 {seconds:.1f} 秒</translation>
    </message>
    <message>
        <source>Survey files: {files}</source>
        <translation>调查文件：{files}</translation>
    </message>
    <message>
        <source>Planted cases (ground truth)</source>
        <translation>预设案例（真值）</translation>
    </message>
    <message>
        <source>{key}: {old} -&gt; {new}</source>
        <translation>{key}：{old} → {new}</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>错误</translation>
    </message>
</context>
</TS>
