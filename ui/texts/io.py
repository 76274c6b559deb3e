"""Texts of the import: error messages, report labels, issue names."""

from __future__ import annotations

#: code -> (Chinese, English)
TEXTS: dict[str, tuple[str, str]] = {
    "err.dbf_corrupt": (
        "{path}：.dbf 属性表已损坏（{detail}）",
        "{path}: the .dbf table is damaged ({detail})",
    ),
    "err.unknown_encoding": (
        "{value}：未知的文字编码（可尝试 GBK、GB18030、UTF-8 或 BIG5）",
        "{value}: unknown text encoding (try GBK, GB18030, UTF-8 or BIG5)",
    ),
    "err.prj_unreadable": (
        "{path}：.prj 文件不是坐标系定义（{detail}）",
        "{path}: the .prj file is not a CRS definition ({detail})",
    ),
    "err.crs_unknown": (
        "{path}：无法确定坐标系（{reason}）；请用 --source-crs EPSG:N 指定",
        "{path}: no CRS could be determined ({reason}); give --source-crs EPSG:N",
    ),
    "err.crs_no_transform": (
        "{path}：无法从 {crs} 转换到 {target}（{detail}）",
        "{path}: no transformation from {crs} to {target} ({detail})",
    ),
    "err.old_datum_refused": (
        "{path}：数据采用 {datum}（{crs}）；导入须使用本区的七参数转换，但设置项 {setting} 尚未设置",
        "{path}: the data is in {datum} ({crs}); importing it needs the district's 7-parameter transformation in setting {setting}, which is not set",
    ),
    "err.source_crs_invalid": (
        "--source-crs {value}：不是有效的坐标系（{reason}）",
        "--source-crs {value}: not a CRS ({reason})",
    ),
    "err.mapping_file_invalid": (
        "{path}：不是字段映射文件（{detail}）",
        "{path}: not a field mapping ({detail})",
    ),
    "err.mapping_target_unknown": (
        "字段映射：{target} 不是 {layer} 的字段",
        "mapping: {target} is not a column of {layer}",
    ),
    "err.mapping_source_unknown": (
        "字段映射：{path} 中没有源字段 {field}",
        "mapping: source field {field} is not in {path}",
    ),
    "err.source_unreadable": ("{path}：无法读取（{detail}）", "{path}: cannot be read ({detail})"),
    "err.source_corrupt": (
        "{path}：文件已损坏（{detail}）",
        "{path}: the file is damaged ({detail})",
    ),
    "err.source_missing_part": (
        "{path}：该 shapefile 同目录下缺少 {part} 文件（{detail}）",
        "{path}: the shapefile has no {part} file beside it ({detail})",
    ),
    "err.source_format": (
        "{path}：不支持的文件类型 {suffix}（支持 shapefile、zip、GeoPackage、FileGDB、GeoJSON；户籍数据支持 XLSX、XLS、CSV）",
        "{path}: unsupported file type {suffix} (shapefile, zip, GeoPackage, FileGDB, GeoJSON; XLSX, XLS, CSV for households)",
    ),
    "err.zip_no_shapefile": (
        "{path}：zip 压缩包中没有 shapefile（.shp）",
        "{path}: the zip holds no shapefile (.shp)",
    ),
    "err.zip_too_large": (
        "{path}：{member} 解压后为 {size} 字节（压缩比 {ratio} 倍），超过导入上限（{limit} 字节，"
        "{max_ratio} 倍）：该 zip 已损坏或为恶意文件，未解压任何内容",
        "{path}: {member} would expand to {size} bytes ({ratio}× its compressed size), more "
        "than an import accepts ({limit} bytes, {max_ratio}×): a damaged or malicious zip; "
        "nothing was extracted",
    ),
    "err.zip_many_layers": (
        "{path}：zip 压缩包中有多个 shapefile（{names}）；请用 --source-layer 选择其中一个",
        "{path}: the zip holds several shapefiles ({names}); choose one with --source-layer",
    ),
    "err.source_layer_unknown": (
        "{path}：没有图层 {layer}（现有图层：{names}）",
        "{path}: no layer {layer} (layers: {names})",
    ),
    "err.source_many_layers": (
        "{path}：含有多个图层（{names}）；请用 --source-layer 选择其中一个",
        "{path}: several layers ({names}); choose one with --source-layer",
    ),
    "err.empty_layer": ("{path}：图层 {layer} 没有要素", "{path}: layer {layer} has no features"),
    "err.wrong_geometry_type": (
        "{path}：图层 {layer} 的几何类型为 {found}；{layer_to} 须为面要素",
        "{path}: layer {layer} holds {found} geometries; {layer_to} needs polygons",
    ),
    "err.no_geometry": (
        "{path}：图层 {layer} 没有几何图形；{layer_to} 须为面要素",
        "{path}: layer {layer} has no geometry; {layer_to} needs polygons",
    ),
    "err.import_layer_invalid": (
        "--layer {layer}：应为 parcels、buildings、villages、households 之一",
        "--layer {layer}: one of parcels, buildings, villages, households",
    ),
    "err.batch_not_found": (
        "{path} 中不存在导入批次 {batch}",
        "import batch {batch} does not exist in {path}",
    ),
    "err.batch_already_undone": (
        "导入批次 {batch} 已撤销过",
        "import batch {batch} was already undone",
    ),
    "err.undo_blocked_later_batch": (
        "导入批次 {batch} 无法撤销：之后的批次 {later} 修改了相同的 {layer} 记录（请先撤销该批次）",
        "import batch {batch} cannot be undone: later batch {later} changed the same {layer} rows (undo that one first)",
    ),
    "err.undo_blocked_edited": (
        "导入批次 {batch} 无法撤销：{layer} 第 {fid} 行（{key}）在导入后已被编辑（应为版本 {expected}，实为版本 {found}）",
        "import batch {batch} cannot be undone: {layer} row {fid} ({key}) was edited after the import (version {found}, {expected} expected)",
    ),
    "err.undo_blocked_missing": (
        "导入批次 {batch} 无法撤销：{layer} 第 {fid} 行已不存在",
        "import batch {batch} cannot be undone: {layer} row {fid} no longer exists",
    ),
    "err.register_no_header": (
        "{path}：所有工作表的前 {rows} 行中均未找到含已知户籍列（户号、姓名、身份证号等）的表头行",
        "{path}: no header row with known register columns (户号, 姓名, 身份证号 ...) in the first {rows} rows of any sheet",
    ),
    "err.register_needs": (
        "{path}：户籍名册中没有 {column} 列（已映射：{mapped}）",
        "{path}: the register has no {column} column (mapped: {mapped})",
    ),
    "err.xls_unsupported": (
        "{path}：读取 .xls 需要 xlrd 包；请将文件另存为 .xlsx",
        "{path}: reading .xls needs the xlrd package; save the file as .xlsx",
    ),
    "io.imported": (
        "已将 {source} 导入{layer}（批次 {batch}）：读取 {read}，新增 {added}，更新 {updated}，未变 {unchanged}，本次未出现 {absent}",
        "Imported {source} into {layer} (batch {batch}): {read} read, {added} added, {updated} updated, {unchanged} unchanged, {absent} absent",
    ),
    "io.dry_run": (
        "已检查 {source}（拟导入{layer}）：共 {features} 行；试运行，未写入任何数据",
        "Checked {source} for {layer}: {features} rows; dry run, nothing written",
    ),
    "io.members": (
        "成员：读取 {read}，新增 {added}，更新 {updated}，未变 {unchanged}，本次未出现 {absent}",
        "Members: {read} read, {added} added, {updated} updated, {unchanged} unchanged, {absent} absent",
    ),
    "io.encoding": (
        "编码：{encoding}（{reason}；{detail}）；样例：{samples}",
        "Encoding: {encoding} ({reason}; {detail}); samples: {samples}",
    ),
    "io.crs": (
        "源坐标系：{crs}（{reason}：{detail}）→ {target}",
        "Source CRS: {crs} ({reason}: {detail}) -> {target}",
    ),
    "io.mapping": ("字段映射：{pairs}", "Field mapping: {pairs}"),
    "io.extra": ("保留在 extra 列中的字段：{fields}", "Kept in the extra column: {fields}"),
    "io.issue": ("{name}：{count} 行，例如 {examples}", "{name}: {count} row(s), e.g. {examples}"),
    "io.row": ("第 {row} 行", "row {row}"),
    "io.warn_crs_proposed": (
        "警告：源数据没有坐标系；已根据坐标推测为 {crs}（{detail}）",
        "Warning: the source has no CRS; {crs} was proposed from the coordinates ({detail})",
    ),
    "io.warn_far": (
        "警告：{count} 个要素远在 {crs} 的适用范围之外：行号 {rows}",
        "Warning: {count} feature(s) lie far outside the area of use of {crs}: rows {rows}",
    ),
    "io.warn_encoding": (
        "警告：文字编码不确定：{detail}",
        "Warning: text encoding uncertain: {detail}",
    ),
    "io.warn_m_dropped": (
        "注意：读取时已舍弃 M（测量）值",
        "Note: the reader dropped M (measure) values",
    ),
    "io.warn_note": ("读取程序提示：{detail}", "Note from the reader: {detail}"),
    "io.no_batches": ("没有导入批次", "No import batches"),
    "io.batch_line": (
        "#{batch} {created} {layer} {source}：新增 {added}，更新 {updated}，未变 {unchanged}{state}",
        "#{batch} {created} {layer} {source}: +{added} added, {updated} updated, {unchanged} unchanged{state}",
    ),
    "io.batch_undone_mark": ("（已撤销）", " (undone)"),
    "io.undone": ("已撤销批次 {batch}：{details}", "Batch {batch} undone: {details}"),
    "io.undone_layer": (
        "{layer}删除 {deleted} 行，恢复 {restored} 行",
        "{layer} {deleted} deleted, {restored} restored",
    ),
    "issue.geometry_unreadable": (
        "图形记录无法读取（文件此处为乱码；保留记录，不含几何）",
        "shape record unreadable (garbage in the file; kept without geometry)",
    ),
    "issue.geometry_null": (
        "几何为空值（保留记录，不含几何）",
        "null geometry (kept without geometry)",
    ),
    "issue.geometry_empty": (
        "空几何（保留记录，不含几何）",
        "empty geometry (kept without geometry)",
    ),
    "issue.z_m_dropped": ("已舍弃 Z/M 值", "Z/M values dropped"),
    "issue.geometry_collection_reduced": (
        "几何集合已简化为其中的面",
        "geometry collection reduced to its polygons",
    ),
    "issue.geometry_wrong_type": (
        "不是面（保留记录，不含几何）",
        "not a polygon (kept without geometry)",
    ),
    "issue.geometry_repaired": (
        "无效几何已修复（面积变化已报告）",
        "invalid geometry repaired (area change reported)",
    ),
    "issue.geometry_collapsed": ("修复时几何退化", "geometry collapsed when repaired"),
    "issue.multipart": ("多部件面", "multipart polygon"),
    "issue.geometry_nonfinite": (
        "坐标无效（投影转换后非有限值）：保留记录，不含几何",
        "coordinates not finite (after reprojection): kept without geometry",
    ),
    "issue.far_outside_crs": (
        "远在项目坐标系的适用范围之外",
        "far outside the project CRS's area of use",
    ),
    "issue.code_missing": ("缺少代码", "code missing"),
    "issue.code_malformed": ("代码格式错误", "malformed code"),
    "issue.code_duplicate": (
        "本批次内代码重复（均已保留）",
        "duplicate code in the batch (all kept)",
    ),
    "issue.members.code_duplicate": ("同一户内成员重复", "member listed twice in a household"),
    "issue.id_invalid": ("身份证号校验未通过", "ID number fails the check"),
    "issue.id_excel_unrecoverable": (
        "身份证号被 Excel 转成了数值：末位已丢失，无法恢复",
        "ID number turned into a number by Excel: digits lost, unrecoverable",
    ),
    "issue.value_invalid": ("值无法转换（置为空）", "value not convertible (kept empty)"),
    "issue.household_no_missing": ("无户号：按身份证号识别该户", "no 户号: keyed by the ID number"),
    "issue.household_head_missing": (
        "无户主行：以第一位成员为户主",
        "no 户主 row: first member taken as head",
    ),
    # how the encoding and the CRS of a source were decided (the reports' reason codes)
    "encoding_reason.override": ("按 --encoding 指定", "given with --encoding"),
    "encoding_reason.cpg": ("按 .cpg 文件", "from the .cpg file"),
    "encoding_reason.ascii": ("只有 ASCII 字符", "ASCII text only"),
    "encoding_reason.detected": ("根据内容识别", "detected from the text"),
    "encoding_reason.ldid": ("按 .dbf 的语言标识", "from the .dbf language id"),
    "encoding_reason.fallback": ("无法识别，按 Latin-1 读取", "not recognised, read as Latin-1"),
    "crs_reason.prj": ("按 .prj 文件", "from the .prj file"),
    "crs_reason.prj_gk": ("按 .prj 文件（高斯-克吕格投影）", "from the .prj file (Gauss-Krüger)"),
    "crs_reason.proposed": ("根据坐标推测", "proposed from the coordinates"),
    "crs_reason.override": ("按 --source-crs 指定", "given with --source-crs"),
}
