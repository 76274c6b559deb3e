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
    <name>Decisions</name>
    <message>
        <source>pending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>confirmed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>exempted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>false positive</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Errors</name>
    <message>
        <source>{path}: file not found</source>
        <extracomment>Feature modules that carry their own translated strings, each with optional `error_templates()` and `labels()` returning dicts like the ones below.</extracomment>
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
    <message>
        <source>{path}: {size} bytes is more than the {limit} bytes an attachment may have</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: not an accepted attachment type (accepted: {accepted})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: the image cannot be read ({detail})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: there is no case {case}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: no building has the unit code {bdcdyh}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: {count} buildings share the unit code {bdcdyh}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: building {bdcdyh} is {status}, not a ruin (残垣断壁)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: building {bdcdyh} already has the case {case} (a building has one case, unless it was cancelled)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: household {household} already has the open renovation case {case}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: case {case} is closed ({state}) and cannot change</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: case {case} already has the disposition {disposition}; cancel it and open a new case to change it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: case {case} is {state}; it cannot move to {target} (allowed: {allowed})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: case {case}: {target} needs a deadline (--deadline)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: case {case}: the deadline {deadline} is before the date {date}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: case {case}: the date {date} is before its last recorded event ({last})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: case {case}: {action} needs a note saying why</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: case {case}: building {bdcdyh} lies on no parcel held by a household, so {disposition} cannot be checked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: case {case}: ordered self-demolition needs an open, not exempted finding of 一户多宅 (QJ-R001) or 建新不拆旧 (QJ-R002) for household {household}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: case {case}: {disposition} is only for a household&apos;s only homestead; household {household} holds {count} homestead parcels</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: case {case}: reinforcement needs the owner&apos;s wish to keep the house (--owner-keeps) and a feasible reinforcement (--feasible)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: {user} ({role}) cannot override a precondition: only an approver can, with a reason</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: building {bdcdyh} has grade {grade}; only C and D houses are renovated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: building {bdcdyh} is {status}, not a house in use</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: building {bdcdyh} lies on no parcel held by a household of the register</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: household {household} (building {bdcdyh}) does not live in the village</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: household {household} (building {bdcdyh}) holds another house: {others}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: case {case} is {state}; subsidies are paid only once approved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: case {case}: paying {amount} would bring the total to {total}, above the approved subsidy of {subsidy}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: case {case}: a payment must be more than 0 ({amount})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: case {case}: only renovation cases receive subsidies</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: no village has the code or name {village}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: not a case sheet exported by qjgis ({reason})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path} row {row}: {value} is not a case id (R12, W3)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path} row {row}: {value} is not a state of case {case}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path} row {row}: the date {value} is not a date (YYYY-MM-DD)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path} row {row}: fill both the state reached and its date</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: {count} row(s) are invalid, so nothing was applied (fix them, or apply the valid rows with --apply-valid)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no finding {finding} in this project (give its number or RULE:KEY)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the role {role} may not {action}; change user.role in the settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a decision of {decision} needs a reason (--reason)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: village {village} is not in the project</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: village {village} has no boundary polygon to select buildings by</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: a {format} export must be named *{suffixes}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: field {field} of row {row} ({key}) takes {size} bytes in {encoding}, more than the 254 a shapefile text field holds ({count} value(s) in all); export to gpkg or xlsx instead</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: field {field} of row {row} ({key}) contains {chars} that {encoding} cannot encode ({count} value(s) in all); export with --encoding utf-8</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: {rows} rows do not fit in one Excel sheet (at most {limit}); export to gpkg or filter by village</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: could not write the export ({detail})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: the .dbf table is damaged ({detail})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{value}: unknown text encoding (try GBK, GB18030, UTF-8 or BIG5)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: the .prj file is not a CRS definition ({detail})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: no CRS could be determined ({reason}); give --source-crs EPSG:N</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: the data is in {datum} ({crs}); importing it needs the district&apos;s 7-parameter transformation in setting {setting}, which is not set</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--source-crs {value}: not a CRS ({reason})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: not a field mapping ({detail})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>mapping: {target} is not a column of {layer}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>mapping: source field {field} is not in {path}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: cannot be read ({detail})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: the file is damaged ({detail})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: the shapefile has no {part} file beside it ({detail})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: unsupported file type {suffix} (shapefile, zip, GeoPackage, FileGDB, GeoJSON; XLSX, XLS, CSV for households)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: the zip holds no shapefile (.shp)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: the zip holds several shapefiles ({names}); choose one with --source-layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: no layer {layer} (layers: {names})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: several layers ({names}); choose one with --source-layer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: layer {layer} has no features</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: layer {layer} holds {found} geometries; {layer_to} needs polygons</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: layer {layer} has no geometry; {layer_to} needs polygons</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>--layer {layer}: one of parcels, buildings, villages, households</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>import batch {batch} does not exist in {path}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>import batch {batch} was already undone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>import batch {batch} cannot be undone: later batch {later} changed the same {layer} rows (undo that one first)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>import batch {batch} cannot be undone: {layer} row {fid} ({key}) was edited after the import (version {found}, {expected} expected)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>import batch {batch} cannot be undone: {layer} row {fid} no longer exists</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: no header row with known register columns (户号, 姓名, 身份证号 ...) in the first {rows} rows of any sheet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: the register has no {column} column (mapped: {mapped})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{path}: reading .xls needs the xlrd package; save the file as .xlsx</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Exemptions</name>
    <message>
        <source>inheritance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>historical case</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>household split</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>resettlement</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>scheduled for reclamation</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>FindingState</name>
    <message>
        <source>open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no longer found</source>
        <translation type="unfinished"></translation>
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
        <source>is the project file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>only shapefiles take an encoding; the other formats are UTF-8</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no such village</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no such row</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not editable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>needs --out FILE</source>
        <translation type="unfinished"></translation>
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
    <name>Rules</name>
    <message>
        <source>One household, several homesteads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New house built, old one not demolished</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Homestead over the area standard</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Building outside every parcel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Building straddling parcels</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Overlapping parcels</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Parcel lies in another village</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Malformed or duplicate code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Invalid ID number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Parcel and household do not match</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recorded area differs from the map</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Building recorded on another parcel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sliver between neighbouring parcels</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ruin without disposition or past its deadline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Renovation for a household that has another house</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Severity</name>
    <message>
        <source>violation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>survey problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>note</source>
        <translation type="unfinished"></translation>
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
        <source>Check runs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import batch rows</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ruin cases</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Renovation cases</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Case history</source>
        <translation type="unfinished"></translation>
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
    <message>
        <source>no disposition yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>deadline {date}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OVERDUE</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Approver&apos;s override</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rights preserved on {date}: parcel {zddm} ({parcel:.1f} m²), footprint {footprint:.1f} m², household {household}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paid {paid:,.0f} of {subsidy:,.0f} yuan</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>History</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>file missing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} file(s) attached to {case}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} ruin case(s) opened from the QJ-R014 findings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{cases} open case(s) of {village_name} ({village}) written to {path}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>row {row}: {message}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} row(s) applied, {errors} invalid row(s) left out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checks done: run {run_id}, as of {as_of}, {seconds:.1f} s</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>rule | found | exempted | new | changed | review again | gone | not evaluated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>By village:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No findings match.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} finding(s)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Written to {path} ({n} rows)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Finding {fid} ({rule} {key}): {decision}, by {user}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>review again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rule</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rule name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Entity type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Entity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Village code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Village</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Town code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Town</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Severity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exemption</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Decision</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reason</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Decided by</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Decided at</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Review again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Evidence</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Findings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Confirmed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exempted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>False positives</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Households with several homesteads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New built, old kept</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Over-area parcels</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Over-area m²</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Whole district</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>yes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exported {rows} rows of {layer} to {path} ({format})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ID and phone numbers are masked (--unmask writes them in clear)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ID and phone numbers are written in clear; the export is in the audit log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Coordinates: {crs}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Text encoding: {encoding}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Files: {files}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not in this format: {columns}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Imported {source} into {layer} (batch {batch}): {read} read, {added} added, {updated} updated, {unchanged} unchanged, {absent} absent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checked {source} for {layer}: {features} rows; dry run, nothing written</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Members: {read} read, {added} added, {updated} updated, {unchanged} unchanged, {absent} absent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Encoding: {encoding} ({reason}; {detail}); samples: {samples}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Source CRS: {crs} ({reason}: {detail}) -&gt; {target}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Field mapping: {pairs}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kept in the extra column: {fields}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name}: {count} row(s), e.g. {examples}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>row {row}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Warning: the source has no CRS; {crs} was proposed from the coordinates ({detail})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Warning: {count} feature(s) lie far outside the area of use of {crs}: rows {rows}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Warning: text encoding uncertain: {detail}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Note: the reader dropped M (measure) values</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Note from the reader: {detail}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No import batches</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>#{batch} {created} {layer} {source}: +{added} added, {updated} updated, {unchanged} unchanged{state}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (undone)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Batch {batch} undone: {details}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{layer} {deleted} deleted, {restored} restored</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>null geometry (kept without geometry)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>empty geometry (kept without geometry)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Z/M values dropped</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>geometry collection reduced to its polygons</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not a polygon (kept without geometry)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>invalid geometry repaired (area change reported)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>geometry collapsed when repaired</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>multipart polygon</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>coordinates not finite (after reprojection): kept without geometry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>far outside the project CRS&apos;s area of use</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>code missing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>malformed code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>duplicate code in the batch (all kept)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>member listed twice in a household</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ID number fails the check</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ID number turned into a number by Excel: digits lost, unrecoverable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>value not convertible (kept empty)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no 户号: keyed by the ID number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no 户主 row: first member taken as head</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
