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
        <translation>待审核</translation>
    </message>
    <message>
        <source>confirmed</source>
        <translation>已确认</translation>
    </message>
    <message>
        <source>exempted</source>
        <translation>已豁免</translation>
    </message>
    <message>
        <source>false positive</source>
        <translation>误报</translation>
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
        <translation>{path}：文件大小 {size} 字节，超过附件上限 {limit} 字节</translation>
    </message>
    <message>
        <source>{path}: not an accepted attachment type (accepted: {accepted})</source>
        <translation>{path}：不是允许的附件类型（允许：{accepted}）</translation>
    </message>
    <message>
        <source>{path}: the image cannot be read ({detail})</source>
        <translation>{path}：无法读取该图片（{detail}）</translation>
    </message>
    <message>
        <source>{path}: there is no case {case}</source>
        <translation>{path}：不存在案件 {case}</translation>
    </message>
    <message>
        <source>{path}: no building has the unit code {bdcdyh}</source>
        <translation>{path}：没有不动产单元代码为 {bdcdyh} 的农房</translation>
    </message>
    <message>
        <source>{path}: {count} buildings share the unit code {bdcdyh}</source>
        <translation>{path}：有 {count} 幢农房的不动产单元代码同为 {bdcdyh}</translation>
    </message>
    <message>
        <source>{path}: building {bdcdyh} is {status}, not a ruin (残垣断壁)</source>
        <translation>{path}：农房 {bdcdyh} 的状态为 {status}，不属于残垣断壁</translation>
    </message>
    <message>
        <source>{path}: building {bdcdyh} already has the case {case} (a building has one case, unless it was cancelled)</source>
        <translation>{path}：农房 {bdcdyh} 已有案件 {case}（每幢农房只能有一件案件，已撤销的除外）</translation>
    </message>
    <message>
        <source>{path}: household {household} already has the open renovation case {case}</source>
        <translation>{path}：农户 {household} 已有未办结的危房改造案件 {case}</translation>
    </message>
    <message>
        <source>{path}: case {case} is closed ({state}) and cannot change</source>
        <translation>{path}：案件 {case} 已办结（{state}），不能再更改</translation>
    </message>
    <message>
        <source>{path}: case {case} already has the disposition {disposition}; cancel it and open a new case to change it</source>
        <translation>{path}：案件 {case} 已确定处置方式 {disposition}；如需更改，请先撤销该案件，再重新立案</translation>
    </message>
    <message>
        <source>{path}: case {case} is {state}; it cannot move to {target} (allowed: {allowed})</source>
        <translation>{path}：案件 {case} 当前状态为 {state}，不能转为 {target}（可转为：{allowed}）</translation>
    </message>
    <message>
        <source>{path}: case {case}: {target} needs a deadline (--deadline)</source>
        <translation>{path}：案件 {case}：转为 {target} 须设定期限（--deadline）</translation>
    </message>
    <message>
        <source>{path}: case {case}: the deadline {deadline} is before the date {date}</source>
        <translation>{path}：案件 {case}：期限 {deadline} 早于办理日期 {date}</translation>
    </message>
    <message>
        <source>{path}: case {case}: the date {date} is before its last recorded event ({last})</source>
        <translation>{path}：案件 {case}：日期 {date} 早于最近一条办理记录的日期（{last}）</translation>
    </message>
    <message>
        <source>{path}: case {case}: {action} needs a note saying why</source>
        <translation>{path}：案件 {case}：转为 {action} 须填写理由说明</translation>
    </message>
    <message>
        <source>{path}: case {case}: building {bdcdyh} lies on no parcel held by a household, so {disposition} cannot be checked</source>
        <translation>{path}：案件 {case}：农房 {bdcdyh} 不在任何农户的宗地上，无法核验能否适用 {disposition}</translation>
    </message>
    <message>
        <source>{path}: case {case}: ordered self-demolition needs an open, not exempted finding of 一户多宅 (QJ-R001) or 建新不拆旧 (QJ-R002) for household {household}</source>
        <translation>{path}：案件 {case}：责令自行拆除须以农户 {household} 存在未消除、未豁免的一户多宅（QJ-R001）或建新不拆旧（QJ-R002）核查结果为前提</translation>
    </message>
    <message>
        <source>{path}: case {case}: {disposition} is only for a household&apos;s only homestead; household {household} holds {count} homestead parcels</source>
        <translation>{path}：案件 {case}：{disposition} 仅适用于农户唯一的宅基地；农户 {household} 持有 {count} 宗宅基地</translation>
    </message>
    <message>
        <source>{path}: case {case}: reinforcement needs the owner&apos;s wish to keep the house (--owner-keeps) and a feasible reinforcement (--feasible)</source>
        <translation>{path}：案件 {case}：排危加固须房主愿意保留房屋（--owner-keeps）且具备加固条件（--feasible）</translation>
    </message>
    <message>
        <source>{path}: {user} ({role}) cannot override a precondition: only an approver can, with a reason</source>
        <translation>{path}：{user}（{role}）无权越过前提条件：仅审批人可说明理由后特批</translation>
    </message>
    <message>
        <source>{path}: building {bdcdyh} has grade {grade}; only C and D houses are renovated</source>
        <translation>{path}：农房 {bdcdyh} 的危房等级为 {grade}；仅 C 级、D 级危房可纳入危房改造</translation>
    </message>
    <message>
        <source>{path}: building {bdcdyh} is {status}, not a house in use</source>
        <translation>{path}：农房 {bdcdyh} 的状态为 {status}，不是在用住房</translation>
    </message>
    <message>
        <source>{path}: building {bdcdyh} lies on no parcel held by a household of the register</source>
        <translation>{path}：农房 {bdcdyh} 不在户籍名册中任何农户的宗地上</translation>
    </message>
    <message>
        <source>{path}: household {household} (building {bdcdyh}) does not live in the village</source>
        <translation>{path}：农户 {household}（农房 {bdcdyh}）不在本村居住</translation>
    </message>
    <message>
        <source>{path}: household {household} (building {bdcdyh}) holds another house: {others}</source>
        <translation>{path}：农户 {household}（农房 {bdcdyh}）另有住房：{others}</translation>
    </message>
    <message>
        <source>{path}: case {case} is {state}; subsidies are paid only once approved</source>
        <translation>{path}：案件 {case} 当前状态为 {state}；补助资金须批准后方可拨付</translation>
    </message>
    <message>
        <source>{path}: case {case}: paying {amount} would bring the total to {total}, above the approved subsidy of {subsidy}</source>
        <translation>{path}：案件 {case}：拨付 {amount} 后累计将达 {total}，超过核定补助 {subsidy}</translation>
    </message>
    <message>
        <source>{path}: case {case}: a payment must be more than 0 ({amount})</source>
        <translation>{path}：案件 {case}：拨付金额须大于 0（{amount}）</translation>
    </message>
    <message>
        <source>{path}: case {case}: only renovation cases receive subsidies</source>
        <translation>{path}：案件 {case}：只有危房改造案件可拨付补助资金</translation>
    </message>
    <message>
        <source>{path}: no village has the code or name {village}</source>
        <translation>{path}：没有代码或名称为 {village} 的行政村</translation>
    </message>
    <message>
        <source>{path}: not a case sheet exported by qjgis ({reason})</source>
        <translation>{path}：不是 qjgis 导出的案件台账（{reason}）</translation>
    </message>
    <message>
        <source>{path} row {row}: {value} is not a case id (R12, W3)</source>
        <translation>{path} 第 {row} 行：{value} 不是案件编号（如 R12、W3）</translation>
    </message>
    <message>
        <source>{path} row {row}: {value} is not a state of case {case}</source>
        <translation>{path} 第 {row} 行：{value} 不是案件 {case} 的状态</translation>
    </message>
    <message>
        <source>{path} row {row}: the date {value} is not a date (YYYY-MM-DD)</source>
        <translation>{path} 第 {row} 行：{value} 不是有效日期（应为 YYYY-MM-DD）</translation>
    </message>
    <message>
        <source>{path} row {row}: fill both the state reached and its date</source>
        <translation>{path} 第 {row} 行：请同时填写所达状态及其日期</translation>
    </message>
    <message>
        <source>{path}: {count} row(s) are invalid, so nothing was applied (fix them, or apply the valid rows with --apply-valid)</source>
        <translation>{path}：有 {count} 行无效，未录入任何数据（请修正后重试，或使用 --apply-valid 只录入有效行）</translation>
    </message>
    <message>
        <source>no finding {finding} in this project (give its number or RULE:KEY)</source>
        <translation>本项目中没有核查结果 {finding}（请给出其编号，或按 RULE:KEY 形式给出）</translation>
    </message>
    <message>
        <source>the role {role} may not {action}; change user.role in the settings</source>
        <translation>角色 {role} 无权执行“{action}”；请在设置中修改 user.role</translation>
    </message>
    <message>
        <source>a decision of {decision} needs a reason (--reason)</source>
        <translation>审核结论为“{decision}”时须填写理由（--reason）</translation>
    </message>
    <message>
        <source>{layer}: in {found}, but {other} is in {expected}; a spatial check needs both layers in one CRS</source>
        <translation>{layer} 的坐标系为 {found}，而 {other} 的坐标系为 {expected}；空间核查要求两个图层使用同一坐标系</translation>
    </message>
    <message>
        <source>{layer}: {crs} is not a projected CRS; areas must be measured in metres</source>
        <translation>{layer}：{crs} 不是投影坐标系，面积须以米为单位量算</translation>
    </message>
    <message>
        <source>{path}: village {village} is not in the project</source>
        <translation>{path}：项目中没有行政村 {village}</translation>
    </message>
    <message>
        <source>{path}: village {village} has no boundary polygon to select buildings by</source>
        <translation>{path}：行政村 {village} 没有村界多边形，无法据此选取农房</translation>
    </message>
    <message>
        <source>{path}: a {format} export must be named *{suffixes}</source>
        <translation>{path}：{format} 格式的导出文件须命名为 *{suffixes}</translation>
    </message>
    <message>
        <source>{path}: field {field} of row {row} ({key}) takes {size} bytes in {encoding}, more than the 254 a shapefile text field holds ({count} value(s) in all); export to gpkg or xlsx instead</source>
        <translation>{path}：第 {row} 行（{key}）的字段 {field} 按 {encoding} 编码占 {size} 字节，超过 shapefile 文本字段 254 字节的上限（共 {count} 个值超限）；请改为导出 gpkg 或 xlsx</translation>
    </message>
    <message>
        <source>{path}: field {field} of row {row} ({key}) contains {chars} that {encoding} cannot encode ({count} value(s) in all); export with --encoding utf-8</source>
        <translation>{path}：第 {row} 行（{key}）的字段 {field} 含有 {encoding} 无法编码的字符 {chars}（共 {count} 个值）；请使用 --encoding utf-8 导出</translation>
    </message>
    <message>
        <source>{path}: {rows} rows do not fit in one Excel sheet (at most {limit}); export to gpkg or filter by village</source>
        <translation>{path}：{rows} 行超出单个 Excel 工作表的容量（最多 {limit} 行）；请导出为 gpkg，或按行政村筛选</translation>
    </message>
    <message>
        <source>{path}: could not write the export ({detail})</source>
        <translation>{path}：无法写入导出文件（{detail}）</translation>
    </message>
    <message>
        <source>{path}: the .dbf table is damaged ({detail})</source>
        <translation>{path}：.dbf 属性表已损坏（{detail}）</translation>
    </message>
    <message>
        <source>{value}: unknown text encoding (try GBK, GB18030, UTF-8 or BIG5)</source>
        <translation>{value}：未知的文字编码（可尝试 GBK、GB18030、UTF-8 或 BIG5）</translation>
    </message>
    <message>
        <source>{path}: the .prj file is not a CRS definition ({detail})</source>
        <translation>{path}：.prj 文件不是坐标系定义（{detail}）</translation>
    </message>
    <message>
        <source>{path}: no CRS could be determined ({reason}); give --source-crs EPSG:N</source>
        <translation>{path}：无法确定坐标系（{reason}）；请用 --source-crs EPSG:N 指定</translation>
    </message>
    <message>
        <source>{path}: the data is in {datum} ({crs}); importing it needs the district&apos;s 7-parameter transformation in setting {setting}, which is not set</source>
        <translation>{path}：数据采用 {datum}（{crs}）；导入须使用本区的七参数转换，但设置项 {setting} 尚未设置</translation>
    </message>
    <message>
        <source>--source-crs {value}: not a CRS ({reason})</source>
        <translation>--source-crs {value}：不是有效的坐标系（{reason}）</translation>
    </message>
    <message>
        <source>{path}: not a field mapping ({detail})</source>
        <translation>{path}：不是字段映射文件（{detail}）</translation>
    </message>
    <message>
        <source>mapping: {target} is not a column of {layer}</source>
        <translation>字段映射：{target} 不是 {layer} 的字段</translation>
    </message>
    <message>
        <source>mapping: source field {field} is not in {path}</source>
        <translation>字段映射：{path} 中没有源字段 {field}</translation>
    </message>
    <message>
        <source>{path}: cannot be read ({detail})</source>
        <translation>{path}：无法读取（{detail}）</translation>
    </message>
    <message>
        <source>{path}: the file is damaged ({detail})</source>
        <translation>{path}：文件已损坏（{detail}）</translation>
    </message>
    <message>
        <source>{path}: the shapefile has no {part} file beside it ({detail})</source>
        <translation>{path}：该 shapefile 同目录下缺少 {part} 文件（{detail}）</translation>
    </message>
    <message>
        <source>{path}: unsupported file type {suffix} (shapefile, zip, GeoPackage, FileGDB, GeoJSON; XLSX, XLS, CSV for households)</source>
        <translation>{path}：不支持的文件类型 {suffix}（支持 shapefile、zip、GeoPackage、FileGDB、GeoJSON；户籍数据支持 XLSX、XLS、CSV）</translation>
    </message>
    <message>
        <source>{path}: the zip holds no shapefile (.shp)</source>
        <translation>{path}：zip 压缩包中没有 shapefile（.shp）</translation>
    </message>
    <message>
        <source>{path}: the zip holds several shapefiles ({names}); choose one with --source-layer</source>
        <translation>{path}：zip 压缩包中有多个 shapefile（{names}）；请用 --source-layer 选择其中一个</translation>
    </message>
    <message>
        <source>{path}: no layer {layer} (layers: {names})</source>
        <translation>{path}：没有图层 {layer}（现有图层：{names}）</translation>
    </message>
    <message>
        <source>{path}: several layers ({names}); choose one with --source-layer</source>
        <translation>{path}：含有多个图层（{names}）；请用 --source-layer 选择其中一个</translation>
    </message>
    <message>
        <source>{path}: layer {layer} has no features</source>
        <translation>{path}：图层 {layer} 没有要素</translation>
    </message>
    <message>
        <source>{path}: layer {layer} holds {found} geometries; {layer_to} needs polygons</source>
        <translation>{path}：图层 {layer} 的几何类型为 {found}；{layer_to} 须为面要素</translation>
    </message>
    <message>
        <source>{path}: layer {layer} has no geometry; {layer_to} needs polygons</source>
        <translation>{path}：图层 {layer} 没有几何图形；{layer_to} 须为面要素</translation>
    </message>
    <message>
        <source>--layer {layer}: one of parcels, buildings, villages, households</source>
        <translation>--layer {layer}：应为 parcels、buildings、villages、households 之一</translation>
    </message>
    <message>
        <source>import batch {batch} does not exist in {path}</source>
        <translation>{path} 中不存在导入批次 {batch}</translation>
    </message>
    <message>
        <source>import batch {batch} was already undone</source>
        <translation>导入批次 {batch} 已撤销过</translation>
    </message>
    <message>
        <source>import batch {batch} cannot be undone: later batch {later} changed the same {layer} rows (undo that one first)</source>
        <translation>导入批次 {batch} 无法撤销：之后的批次 {later} 修改了相同的 {layer} 记录（请先撤销该批次）</translation>
    </message>
    <message>
        <source>import batch {batch} cannot be undone: {layer} row {fid} ({key}) was edited after the import (version {found}, {expected} expected)</source>
        <translation>导入批次 {batch} 无法撤销：{layer} 第 {fid} 行（{key}）在导入后已被编辑（应为版本 {expected}，实为版本 {found}）</translation>
    </message>
    <message>
        <source>import batch {batch} cannot be undone: {layer} row {fid} no longer exists</source>
        <translation>导入批次 {batch} 无法撤销：{layer} 第 {fid} 行已不存在</translation>
    </message>
    <message>
        <source>{path}: no header row with known register columns (户号, 姓名, 身份证号 ...) in the first {rows} rows of any sheet</source>
        <translation>{path}：所有工作表的前 {rows} 行中均未找到含已知户籍列（户号、姓名、身份证号等）的表头行</translation>
    </message>
    <message>
        <source>{path}: the register has no {column} column (mapped: {mapped})</source>
        <translation>{path}：户籍名册中没有 {column} 列（已映射：{mapped}）</translation>
    </message>
    <message>
        <source>{path}: reading .xls needs the xlrd package; save the file as .xlsx</source>
        <translation>{path}：读取 .xls 需要 xlrd 包；请将文件另存为 .xlsx</translation>
    </message>
    <message>
        <source>{path}: no field maps to {target} ({title}), which {layer} requires; map one with --mapping (fields: {fields})</source>
        <translation>{path}：没有字段对应 {title}（{target}），而导入{layer_title}必须有此项；请用 --mapping 指定（可选字段：{fields}）</translation>
    </message>
    <message>
        <source>{path}: the file is a {found} file named {suffix}; rename it to {real_suffix} and import that{inside}</source>
        <translation>{path}：该文件实为 {found} 文件，却以 {suffix} 命名；请将其改名为 {real_suffix} 后再导入{inside}</translation>
    </message>
    <message>
        <source>{path}: the file is a {found} file, not {suffix}; qjgis imports shapefiles (also zipped), GeoPackage, FileGDB and GeoJSON, and XLSX, XLS or CSV registers</source>
        <translation>{path}：该文件实为 {found} 文件，不是 {suffix}；qjgis 可导入 shapefile（含 zip 压缩包）、GeoPackage、FileGDB、GeoJSON，以及 XLSX、XLS、CSV 户籍表</translation>
    </message>
    <message>
        <source>{path}: an Access database (personal geodatabase, .mdb) cannot be read; export its layers to a shapefile or GeoPackage (ArcGIS, QGIS) and import those</source>
        <translation>{path}：无法读取 Access 数据库（个人地理数据库 .mdb）；请先用 ArcGIS 或 QGIS 将其图层导出为 shapefile 或 GeoPackage，再导入导出的文件</translation>
    </message>
    <message>
        <source>{path}: --encoding {given} does not decode the text ({example}); it decodes as {detected}: give --encoding {detected}, or leave --encoding out</source>
        <translation>{path}：按 --encoding {given} 无法解码其中文字（{example}）；该文字应按 {detected} 解码：请改用 --encoding {detected}，或不指定 --encoding</translation>
    </message>
    <message>
        <source>{path}: row {row} does not decode as {encoding}; give the file's encoding with --encoding (GBK, GB18030, UTF-8, BIG5)</source>
        <translation>{path}：第 {row} 行无法按 {encoding} 解码；请用 --encoding 指定文件的实际编码（GBK、GB18030、UTF-8、BIG5）</translation>
    </message>
    <message>
        <source>{path}: the coordinates {bounds} cannot lie in {crs} (from {origin}); they look like {suggested}: give --source-crs {suggested}</source>
        <translation>{path}：坐标 {bounds} 不可能属于 {crs}（来自 {origin}）；这些坐标像是 {suggested}：请用 --source-crs {suggested}</translation>
    </message>
    <message>
        <source>{path}: the coordinates {bounds} cannot lie in {crs} (from {origin}), and they match no CRS qjgis recognises; give the right one with --source-crs EPSG:N</source>
        <translation>{path}：坐标 {bounds} 不可能属于 {crs}（来自 {origin}），也不符合 qjgis 能识别的任何坐标系；请用 --source-crs EPSG:N 指定正确的坐标系</translation>
    </message>
    <message>
        <source>{path}: the file is a ZIP archive named {suffix}; extract it and import the file inside ({inside})</source>
        <translation>{path}：该文件实为以 {suffix} 命名的 ZIP 压缩包；请先解压，再导入其中的文件（{inside}）</translation>
    </message>
</context>
<context>
    <name>Exemptions</name>
    <message>
        <source>inheritance</source>
        <translation>继承</translation>
    </message>
    <message>
        <source>historical case</source>
        <translation>历史遗留</translation>
    </message>
    <message>
        <source>household split</source>
        <translation>分户</translation>
    </message>
    <message>
        <source>resettlement</source>
        <translation>搬迁安置</translation>
    </message>
    <message>
        <source>scheduled for reclamation</source>
        <translation>拟复垦</translation>
    </message>
    <message>
        <source>historical case (between the two cut-off dates)</source>
        <translation>历史遗留（两个时间节点之间）</translation>
    </message>
</context>
<context>
    <name>FindingState</name>
    <message>
        <source>open</source>
        <translation>未消除</translation>
    </message>
    <message>
        <source>no longer found</source>
        <translation>已消除</translation>
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
        <translation>是项目文件本身</translation>
    </message>
    <message>
        <source>only shapefiles take an encoding; the other formats are UTF-8</source>
        <translation>只有 shapefile 可指定编码，其他格式均为 UTF-8</translation>
    </message>
    <message>
        <source>no such row</source>
        <translation>无此行</translation>
    </message>
    <message>
        <source>not editable</source>
        <translation>不可编辑</translation>
    </message>
    <message>
        <source>needs --out FILE</source>
        <translation>须用 --out FILE 指定输出文件</translation>
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
        <translation>一户多宅</translation>
    </message>
    <message>
        <source>New house built, old one not demolished</source>
        <translation>建新不拆旧</translation>
    </message>
    <message>
        <source>Homestead over the area standard</source>
        <translation>超标准占地</translation>
    </message>
    <message>
        <source>Building outside every parcel</source>
        <translation>农房不在任何宗地内</translation>
    </message>
    <message>
        <source>Building straddling parcels</source>
        <translation>农房跨宗地</translation>
    </message>
    <message>
        <source>Overlapping parcels</source>
        <translation>宗地相互重叠</translation>
    </message>
    <message>
        <source>Parcel lies in another village</source>
        <translation>宗地位于其他行政村</translation>
    </message>
    <message>
        <source>Malformed or duplicate code</source>
        <translation>代码格式错误或重复</translation>
    </message>
    <message>
        <source>Invalid ID number</source>
        <translation>身份证号无效</translation>
    </message>
    <message>
        <source>Parcel and household do not match</source>
        <translation>宗地与农户无法对应</translation>
    </message>
    <message>
        <source>Recorded area differs from the map</source>
        <translation>登记面积与图上面积不符</translation>
    </message>
    <message>
        <source>Building recorded on another parcel</source>
        <translation>农房登记的宗地与实际坐落不符</translation>
    </message>
    <message>
        <source>Sliver between neighbouring parcels</source>
        <translation>相邻宗地间存在细小缝隙或重叠</translation>
    </message>
    <message>
        <source>Ruin without disposition or past its deadline</source>
        <translation>残垣断壁未确定处置方式或已逾期</translation>
    </message>
    <message>
        <source>Renovation for a household that has another house</source>
        <translation>危房改造户另有住房</translation>
    </message>
</context>
<context>
    <name>Severity</name>
    <message>
        <source>violation</source>
        <translation>违规</translation>
    </message>
    <message>
        <source>survey problem</source>
        <translation>调查数据问题</translation>
    </message>
    <message>
        <source>note</source>
        <translation>提示</translation>
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
        <translation>核查运行记录</translation>
    </message>
    <message>
        <source>Import batch rows</source>
        <translation>导入批次明细</translation>
    </message>
    <message>
        <source>Ruin cases</source>
        <translation>残垣断壁整治案件</translation>
    </message>
    <message>
        <source>Renovation cases</source>
        <translation>危房改造案件</translation>
    </message>
    <message>
        <source>Case history</source>
        <translation>案件办理记录</translation>
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
        <source>Error: {message}</source>
        <translation>错误：{message}</translation>
    </message>
    <message>
        <source>no disposition yet</source>
        <translation>尚未确定处置方式</translation>
    </message>
    <message>
        <source>deadline {date}</source>
        <translation>期限 {date}</translation>
    </message>
    <message>
        <source>OVERDUE</source>
        <translation>已逾期</translation>
    </message>
    <message>
        <source>Approver&apos;s override</source>
        <translation>审批人特批</translation>
    </message>
    <message>
        <source>Rights preserved on {date}: parcel {zddm} ({parcel:.1f} m²), footprint {footprint:.1f} m², household {household}</source>
        <translation>{date} 已办理房屋权益保全：宗地 {zddm}（{parcel:.1f} m²），房屋占地 {footprint:.1f} m²，户号 {household}</translation>
    </message>
    <message>
        <source>Paid {paid:,.0f} of {subsidy:,.0f} yuan</source>
        <translation>已拨付 {paid:,.0f} 元，核定补助 {subsidy:,.0f} 元</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>下一步</translation>
    </message>
    <message>
        <source>History</source>
        <translation>办理记录</translation>
    </message>
    <message>
        <source>file missing</source>
        <translation>文件缺失</translation>
    </message>
    <message>
        <source>{n} file(s) attached to {case}</source>
        <translation>已为案件 {case} 添加 {n} 个附件</translation>
    </message>
    <message>
        <source>{n} ruin case(s) opened from the QJ-R014 findings</source>
        <translation>已根据 QJ-R014 核查结果立案 {n} 件残垣断壁整治案件</translation>
    </message>
    <message>
        <source>{cases} open case(s) of {village_name} ({village}) written to {path}</source>
        <translation>{village_name}（{village}）的 {cases} 件未办结案件已写入 {path}</translation>
    </message>
    <message>
        <source>row {row}: {message}</source>
        <translation>第 {row} 行：{message}</translation>
    </message>
    <message>
        <source>{n} row(s) applied, {errors} invalid row(s) left out</source>
        <translation>已录入 {n} 行，跳过无效行 {errors} 行</translation>
    </message>
    <message>
        <source>Checks done: run {run_id}, as of {as_of}, {seconds:.1f} s</source>
        <translation>核查完成：第 {run_id} 次核查，基准日 {as_of}，用时 {seconds:.1f} 秒</translation>
    </message>
    <message>
        <source>rule | found | exempted | new | changed | review again | gone | not evaluated</source>
        <translation>规则 | 查出 | 已豁免 | 新增 | 有变化 | 需复核 | 已消除 | 未核查</translation>
    </message>
    <message>
        <source>By village:</source>
        <translation>按行政村：</translation>
    </message>
    <message>
        <source>No findings match.</source>
        <translation>没有符合条件的核查结果。</translation>
    </message>
    <message>
        <source>{n} finding(s)</source>
        <translation>共 {n} 条核查结果</translation>
    </message>
    <message>
        <source>Written to {path} ({n} rows)</source>
        <translation>已写入 {path}（{n} 行）</translation>
    </message>
    <message>
        <source>Finding {fid} ({rule} {key}): {decision}, by {user}</source>
        <translation>核查结果 {fid}（{rule} {key}）：{decision}，审核人 {user}</translation>
    </message>
    <message>
        <source>review again</source>
        <translation>需复核</translation>
    </message>
    <message>
        <source>No.</source>
        <translation>序号</translation>
    </message>
    <message>
        <source>Rule</source>
        <translation>规则</translation>
    </message>
    <message>
        <source>Rule name</source>
        <translation>规则名称</translation>
    </message>
    <message>
        <source>Entity type</source>
        <translation>对象类型</translation>
    </message>
    <message>
        <source>Entity</source>
        <translation>对象</translation>
    </message>
    <message>
        <source>Village code</source>
        <translation>行政村代码</translation>
    </message>
    <message>
        <source>Village</source>
        <translation>行政村</translation>
    </message>
    <message>
        <source>Town code</source>
        <translation>镇街代码</translation>
    </message>
    <message>
        <source>Town</source>
        <translation>镇街</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>代码</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>问题性质</translation>
    </message>
    <message>
        <source>Exemption</source>
        <translation>豁免情形</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Decision</source>
        <translation>审核结论</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>理由</translation>
    </message>
    <message>
        <source>Decided by</source>
        <translation>审核人</translation>
    </message>
    <message>
        <source>Decided at</source>
        <translation>审核时间</translation>
    </message>
    <message>
        <source>Review again</source>
        <translation>需复核</translation>
    </message>
    <message>
        <source>Evidence</source>
        <translation>核查依据</translation>
    </message>
    <message>
        <source>Findings</source>
        <translation>核查结果</translation>
    </message>
    <message>
        <source>Pending</source>
        <translation>待审核</translation>
    </message>
    <message>
        <source>Confirmed</source>
        <translation>已确认</translation>
    </message>
    <message>
        <source>Exempted</source>
        <translation>已豁免</translation>
    </message>
    <message>
        <source>False positives</source>
        <translation>误报</translation>
    </message>
    <message>
        <source>Households with several homesteads</source>
        <translation>一户多宅户数</translation>
    </message>
    <message>
        <source>New built, old kept</source>
        <translation>建新不拆旧</translation>
    </message>
    <message>
        <source>Over-area parcels</source>
        <translation>超标准占地宗数</translation>
    </message>
    <message>
        <source>Over-area m²</source>
        <translation>超标准占地面积（m²）</translation>
    </message>
    <message>
        <source>Whole district</source>
        <translation>全区</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>Exported {rows} rows of {layer} to {path} ({format})</source>
        <translation>已将{layer}的 {rows} 行导出到 {path}（{format}）</translation>
    </message>
    <message>
        <source>ID and phone numbers are masked (--unmask writes them in clear)</source>
        <translation>身份证号和电话号码已脱敏（使用 --unmask 可输出明文）</translation>
    </message>
    <message>
        <source>ID and phone numbers are written in clear; the export is in the audit log</source>
        <translation>身份证号和电话号码以明文输出；本次导出已记入审计日志</translation>
    </message>
    <message>
        <source>Coordinates: {crs}</source>
        <translation>坐标系：{crs}</translation>
    </message>
    <message>
        <source>Text encoding: {encoding}</source>
        <translation>文字编码：{encoding}</translation>
    </message>
    <message>
        <source>Files: {files}</source>
        <translation>文件：{files}</translation>
    </message>
    <message>
        <source>Not in this format: {columns}</source>
        <translation>此格式未包含：{columns}</translation>
    </message>
    <message>
        <source>Imported {source} into {layer} (batch {batch}): {read} read, {added} added, {updated} updated, {unchanged} unchanged, {absent} absent</source>
        <translation>已将 {source} 导入{layer}（批次 {batch}）：读取 {read}，新增 {added}，更新 {updated}，未变 {unchanged}，本次未出现 {absent}</translation>
    </message>
    <message>
        <source>Checked {source} for {layer}: {features} rows; dry run, nothing written</source>
        <translation>已检查 {source}（拟导入{layer}）：共 {features} 行；试运行，未写入任何数据</translation>
    </message>
    <message>
        <source>Members: {read} read, {added} added, {updated} updated, {unchanged} unchanged, {absent} absent</source>
        <translation>成员：读取 {read}，新增 {added}，更新 {updated}，未变 {unchanged}，本次未出现 {absent}</translation>
    </message>
    <message>
        <source>Encoding: {encoding} ({reason}; {detail}); samples: {samples}</source>
        <translation>编码：{encoding}（{reason}；{detail}）；样例：{samples}</translation>
    </message>
    <message>
        <source>Source CRS: {crs} ({reason}: {detail}) -&gt; {target}</source>
        <translation>源坐标系：{crs}（{reason}：{detail}）→ {target}</translation>
    </message>
    <message>
        <source>Field mapping: {pairs}</source>
        <translation>字段映射：{pairs}</translation>
    </message>
    <message>
        <source>Kept in the extra column: {fields}</source>
        <translation>保留在 extra 列中的字段：{fields}</translation>
    </message>
    <message>
        <source>{name}: {count} row(s), e.g. {examples}</source>
        <translation>{name}：{count} 行，例如 {examples}</translation>
    </message>
    <message>
        <source>row {row}</source>
        <translation>第 {row} 行</translation>
    </message>
    <message>
        <source>Warning: the source has no CRS; {crs} was proposed from the coordinates ({detail})</source>
        <translation>警告：源数据没有坐标系；已根据坐标推测为 {crs}（{detail}）</translation>
    </message>
    <message>
        <source>Warning: {count} feature(s) lie far outside the area of use of {crs}: rows {rows}</source>
        <translation>警告：{count} 个要素远在 {crs} 的适用范围之外：行号 {rows}</translation>
    </message>
    <message>
        <source>Warning: text encoding uncertain: {detail}</source>
        <translation>警告：文字编码不确定：{detail}</translation>
    </message>
    <message>
        <source>Note: the reader dropped M (measure) values</source>
        <translation>注意：读取时已舍弃 M（测量）值</translation>
    </message>
    <message>
        <source>Note from the reader: {detail}</source>
        <translation>读取程序提示：{detail}</translation>
    </message>
    <message>
        <source>No import batches</source>
        <translation>没有导入批次</translation>
    </message>
    <message>
        <source>#{batch} {created} {layer} {source}: +{added} added, {updated} updated, {unchanged} unchanged{state}</source>
        <translation>#{batch} {created} {layer} {source}：新增 {added}，更新 {updated}，未变 {unchanged}{state}</translation>
    </message>
    <message>
        <source> (undone)</source>
        <translation>（已撤销）</translation>
    </message>
    <message>
        <source>Batch {batch} undone: {details}</source>
        <translation>已撤销批次 {batch}：{details}</translation>
    </message>
    <message>
        <source>{layer} {deleted} deleted, {restored} restored</source>
        <translation>{layer}删除 {deleted} 行，恢复 {restored} 行</translation>
    </message>
    <message>
        <source>null geometry (kept without geometry)</source>
        <translation>几何为空值（保留记录，不含几何）</translation>
    </message>
    <message>
        <source>empty geometry (kept without geometry)</source>
        <translation>空几何（保留记录，不含几何）</translation>
    </message>
    <message>
        <source>Z/M values dropped</source>
        <translation>已舍弃 Z/M 值</translation>
    </message>
    <message>
        <source>geometry collection reduced to its polygons</source>
        <translation>几何集合已简化为其中的面</translation>
    </message>
    <message>
        <source>not a polygon (kept without geometry)</source>
        <translation>不是面（保留记录，不含几何）</translation>
    </message>
    <message>
        <source>invalid geometry repaired (area change reported)</source>
        <translation>无效几何已修复（面积变化已报告）</translation>
    </message>
    <message>
        <source>geometry collapsed when repaired</source>
        <translation>修复时几何退化</translation>
    </message>
    <message>
        <source>multipart polygon</source>
        <translation>多部件面</translation>
    </message>
    <message>
        <source>coordinates not finite (after reprojection): kept without geometry</source>
        <translation>坐标无效（投影转换后非有限值）：保留记录，不含几何</translation>
    </message>
    <message>
        <source>far outside the project CRS&apos;s area of use</source>
        <translation>远在项目坐标系的适用范围之外</translation>
    </message>
    <message>
        <source>code missing</source>
        <translation>缺少代码</translation>
    </message>
    <message>
        <source>malformed code</source>
        <translation>代码格式错误</translation>
    </message>
    <message>
        <source>duplicate code in the batch (all kept)</source>
        <translation>本批次内代码重复（均已保留）</translation>
    </message>
    <message>
        <source>member listed twice in a household</source>
        <translation>同一户内成员重复</translation>
    </message>
    <message>
        <source>ID number fails the check</source>
        <translation>身份证号校验未通过</translation>
    </message>
    <message>
        <source>ID number turned into a number by Excel: digits lost, unrecoverable</source>
        <translation>身份证号被 Excel 转成了数值：末位已丢失，无法恢复</translation>
    </message>
    <message>
        <source>value not convertible (kept empty)</source>
        <translation>值无法转换（置为空）</translation>
    </message>
    <message>
        <source>no 户号: keyed by the ID number</source>
        <translation>无户号：按身份证号识别该户</translation>
    </message>
    <message>
        <source>no 户主 row: first member taken as head</source>
        <translation>无户主行：以第一位成员为户主</translation>
    </message>
    <message>
        <source>Refused: no field maps to {target} ({title}), which this layer requires</source>
        <translation>拒绝导入：没有字段对应必填项 {title}（{target}）</translation>
    </message>
    <message>
        <source>  {field}: {samples}</source>
        <translation>  {field}：{samples}</translation>
    </message>
    <message>
        <source>Warning: with --encoding {given} the text reads as {samples}; it reads as Chinese in {suggested}</source>
        <translation>警告：按 --encoding {given} 读出的文字为 {samples}；按 {suggested} 才读作中文</translation>
    </message>
    <message>
        <source>required value empty: row left out</source>
        <translation>必填值为空：该行未导入</translation>
    </message>
    <message>
        <source>Candidate fields (sample values):</source>
        <translation>可选字段（示例值）：</translation>
    </message>
</context>
<context>
    <name>Unevaluated</name>
    <message>
        <source>empty geometry</source>
        <translation>几何为空</translation>
    </message>
    <message>
        <source>invalid geometry</source>
        <translation>几何无效</translation>
    </message>
    <message>
        <source>zero area</source>
        <translation>面积为零</translation>
    </message>
    <message>
        <source>no household linked</source>
        <translation>未关联到农户</translation>
    </message>
    <message>
        <source>household has no members</source>
        <translation>农户无成员</translation>
    </message>
    <message>
        <source>no demolition deadline recorded</source>
        <translation>未登记拆旧期限</translation>
    </message>
    <message>
        <source>no parcel code recorded</source>
        <translation>未登记宗地代码</translation>
    </message>
    <message>
        <source>no village code recorded</source>
        <translation>未登记村代码</translation>
    </message>
    <message>
        <source>outside every village</source>
        <translation>不在任何行政村内</translation>
    </message>
    <message>
        <source>the project has no villages</source>
        <translation>项目中没有行政村</translation>
    </message>
    <message>
        <source>no area recorded</source>
        <translation>未登记面积</translation>
    </message>
    <message>
        <source>no household number</source>
        <translation>无户号</translation>
    </message>
    <message>
        <source>household number used twice</source>
        <translation>户号重复</translation>
    </message>
</context>
</TS>
