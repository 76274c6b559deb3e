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
        "--layer {layer}：应为 parcels、buildings、villages、households、landuse、basic-farmland、"
        "village-plan、hazard-zones、hazard-points 之一，或 other:名称（其他面图层）",
        "--layer {layer}: one of parcels, buildings, villages, households, landuse, "
        "basic-farmland, village-plan, hazard-zones, hazard-points, or other:NAME "
        "(any other polygon layer)",
    ),
    "err.import_other_name_invalid": (
        "--layer {layer}：other: 后的图层名称应为 1 至 {limit} 个字符，且不含控制字符",
        "--layer {layer}: a reference layer's name after other: must be 1 to {limit} "
        "characters, without control characters",
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
    "err.batch_not_undone": (
        "导入批次 {batch} 未撤销，无需重做",
        "import batch {batch} is not undone: there is nothing to redo",
    ),
    "err.redo_no_snapshot": (
        "导入批次 {batch} 由旧版 qjgis 撤销，未保存其记录，无法重做；请重新导入该文件",
        "import batch {batch} was undone by an older qjgis that kept no copy of its rows: import the file again instead",
    ),
    "err.redo_blocked_later_batch": (
        "导入批次 {batch} 无法重做：撤销后又有批次 {later} 导入了 {layer}（请先撤销该批次）",
        "import batch {batch} cannot be redone: later batch {later} imported {layer} since it was undone (undo that one first)",
    ),
    "err.redo_blocked_edited": (
        "导入批次 {batch} 无法重做：{layer} 第 {fid} 行在撤销后已被修改（应为版本 {expected}，实为版本 {found}）",
        "import batch {batch} cannot be redone: {layer} row {fid} was changed after the undo (version {found}, {expected} expected)",
    ),
    "err.redo_blocked_taken": (
        "导入批次 {batch} 无法重做：{layer} 第 {fid} 行已被其他记录占用",
        "import batch {batch} cannot be redone: {layer} row {fid} is taken by another row",
    ),
    "err.register_no_header": (
        "{path}：所有工作表的前 {rows} 行中均未找到含已知户籍列（户号、姓名、身份证号等）的表头行",
        "{path}: no header row with known register columns (户号, 姓名, 身份证号 ...) in the first {rows} rows of any sheet",
    ),
    "err.import_required_unmapped": (
        "{path}：没有字段对应 {title}（{target}），而 --layer {layer} 必须有此项；请用 --mapping 指定（可选字段：{fields}）",
        "{path}: no field maps to {target} ({title}), which {layer} requires; map one with --mapping (fields: {fields})",
    ),
    "err.source_misnamed": (
        "{path}：该文件实为 {found} 文件，却以 {suffix} 命名；请将其改名为 {real_suffix} 后再导入{inside}",
        "{path}: the file is a {found} file named {suffix}; rename it to {real_suffix} and import that{inside}",
    ),
    "err.source_zip_misnamed": (
        "{path}：该文件实为以 {suffix} 命名的 zip 压缩包；请先解压，再导入其中的文件（{inside}）",
        "{path}: the file is a ZIP archive named {suffix}; extract it and import the file inside ({inside})",
    ),
    "err.source_not_data": (
        "{path}：该文件实为 {found} 文件，不是 {suffix}；qjgis 可导入 shapefile（含 zip 压缩包）、GeoPackage、FileGDB、GeoJSON，以及 XLSX、XLS、CSV 户籍表",
        "{path}: the file is a {found} file, not {suffix}; qjgis imports shapefiles (also zipped), GeoPackage, FileGDB and GeoJSON, and XLSX, XLS or CSV registers",
    ),
    "err.source_access_db": (
        "{path}：无法读取个人地理数据库；请先用地理信息软件将其图层导出为 shapefile 或 GeoPackage，再导入导出的文件",
        "{path}: an Access database (personal geodatabase, .mdb) cannot be read; export its layers to a shapefile or GeoPackage (ArcGIS, QGIS) and import those",
    ),
    "err.encoding_mismatch": (
        "{path}：按 --encoding {given} 无法解码其中文字（{example}）；该文字应按 {detected} 解码：请改用 --encoding {detected}，或不指定 --encoding",
        "{path}: --encoding {given} does not decode the text ({example}); it decodes as {detected}: give --encoding {detected}, or leave --encoding out",
    ),
    "err.encoding_row_undecodable": (
        "{path}：第 {row} 行无法按 {encoding} 解码；请用 --encoding 指定文件的实际编码（GBK、GB18030、UTF-8、BIG5）",
        "{path}: row {row} does not decode as {encoding}; give the file's encoding with --encoding (GBK, GB18030, UTF-8, BIG5)",
    ),
    "err.crs_mismatch": (
        "{path}：坐标 {bounds} 不可能属于 {crs}（来自 {origin}）；这些坐标像是 {suggested}：请用 --source-crs {suggested}",
        "{path}: the coordinates {bounds} cannot lie in {crs} (from {origin}); they look like {suggested}: give --source-crs {suggested}",
    ),
    "err.crs_mismatch_unknown": (
        "{path}：坐标 {bounds} 不可能属于 {crs}（来自 {origin}），也不符合 qjgis 能识别的任何坐标系；请用 --source-crs EPSG:N 指定正确的坐标系",
        "{path}: the coordinates {bounds} cannot lie in {crs} (from {origin}), and they match no CRS qjgis recognises; give the right one with --source-crs EPSG:N",
    ),
    "err.register_needs": (
        "{path}：户籍名册中没有 {column} 列（已映射：{mapped}）",
        "{path}: the register has no {column} column (mapped: {mapped})",
    ),
    "err.register_header_row": (
        "{path}：表头行 {row} 超出工作表 {sheet} 的范围（共 {rows} 行）；请填写表格中显示的行号",
        "{path}: header row {row} is outside the sheet {sheet} ({rows} rows); give the row number the spreadsheet shows",
    ),
    "err.register_header_row_empty": (
        "{path}：工作表 {sheet} 的第 {row} 行不是表头：其中没有可识别的户籍列（{cells}）",
        "{path}: row {row} of sheet {sheet} is no header: none of its cells ({cells}) is a register column",
    ),
    "err.register_empty": (
        "{path}：户籍名册只有表头（第 {row} 行），没有数据行（已跳过占位行 {skipped} 行）；未导入任何内容",
        "{path}: the register has a header (row {row}) but no data rows ({skipped} placeholder rows skipped); nothing imported",
    ),
    "err.register_is_form": (
        "{path}：这是一张表单，不是户籍名册：表头（第 {row} 行）下没有列出任何成员，第 {rows} 行是表单的其他栏目（合并单元格跨越多列）；未导入任何内容",
        "{path}: a form, not a register: under its header (row {row}) no member is listed, and rows {rows} are other parts of the form (cells merged across its columns); nothing imported",
    ),
    "err.header_row_register_only": (
        "--header-row 只适用于户籍名册（表格）；{layer} 图层没有表头行",
        "--header-row is for household registers (tables); a {layer} layer has no header row",
    ),
    "io.imported": (
        "已将 {source} 导入{layer}（批次 {batch}）：读取 {read}，新增 {added}，更新 {updated}，未变 {unchanged}，本次未出现 {absent}",
        "Imported {source} into {layer} (batch {batch}): {read} read, {added} added, {updated} updated, {unchanged} unchanged, {absent} absent",
    ),
    "io.superseded": (
        "新一期数据中已不存在、自本批次起停用的要素：{superseded}（撤销本批次即恢复）",
        "Features the newer delivery no longer has, retired by this batch: {superseded} "
        "(undoing the batch restores them)",
    ),
    "io.reference_layers": ("参考图层：", "Reference layers:"),
    "io.reference_layer": (
        "  {layer}（{kind}）：{features} 个要素，数据日期 {dates}",
        "  {layer} ({kind}): {features} features, data dated {dates}",
    ),
    "io.reference_batch": (
        "    批次 {batch}，{created} 导入自 {source}：{features} 个要素",
        "    batch {batch}, imported {created} from {source}: {features} features",
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
    "io.header": (
        "表头：第 {rows} 行{sheet}",
        "Header: row {rows}{sheet}",
    ),
    "io.header_sheet": ("（工作表 {sheet}）", " (sheet {sheet})"),
    "io.mapping_saved": (
        "字段映射沿用批次 {batch} 中用户确定的映射（字段相同）",
        "Field mapping as the user chose it for batch {batch} (same fields)",
    ),
    "io.lists_heads": (
        "名册只列户主：户人口按登记的家庭人口计",
        "The register lists only the heads: household size is the recorded size",
    ),
    "io.warn_register_empty": (
        "警告：只有表头（第 {row} 行），没有数据行（已跳过占位行 {skipped} 行）；导入时不会写入任何内容",
        "Warning: a header (row {row}) but no data rows ({skipped} placeholder rows skipped); an import would write nothing",
    ),
    "io.warn_register_is_form": (
        "警告：这是一张表单，不是户籍名册：表头（第 {row} 行）下没有列出成员，第 {rows} 行是表单的其他栏目；导入时不会写入任何内容",
        "Warning: a form, not a register: no member is listed under its header (row {row}), and rows {rows} are other parts of the form; an import would write nothing",
    ),
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
    "io.redone": ("已重做批次 {batch}：{details}", "Batch {batch} redone: {details}"),
    "io.redone_layer": (
        "{layer}重新插入 {inserted} 行，恢复为导入后的 {restored} 行",
        "{layer} {inserted} inserted again, {restored} restored as imported",
    ),
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
    "io.required_missing": (
        "拒绝导入：没有字段对应必填项 {title}（{target}）",
        "Refused: no field maps to {target} ({title}), which this layer requires",
    ),
    "io.required_candidates": ("可选字段（示例值）：", "Candidate fields (sample values):"),
    "io.required_candidate": ("  {field}：{samples}", "  {field}: {samples}"),
    "io.warn_encoding_doubtful": (
        "警告：按 --encoding {given} 读出的文字为 {samples}；按 {suggested} 才读作中文",
        "Warning: with --encoding {given} the text reads as {samples}; it reads as Chinese in {suggested}",
    ),
    "issue.row_left_out_empty": ("必填值为空：该行未导入", "required value empty: row left out"),
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
    "issue.row_placeholder": (
        "占位行（无户号、姓名、身份证号）：已跳过",
        "placeholder row (no 户号, name or ID number): skipped",
    ),
    "issue.row_form": (
        "表单的其他栏目（合并单元格跨越多列），不是名册的行：已跳过",
        "another part of the form (a cell merged across its columns), no register row: skipped",
    ),
    "issue.household_size_differs": (
        "登记的家庭人口与列出的成员数不符：按列出的成员计",
        "recorded household size differs from the members listed: the members count",
    ),
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
