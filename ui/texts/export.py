"""Texts of the export: error messages and labels."""

from __future__ import annotations

#: code -> (Chinese, English)
TEXTS: dict[str, tuple[str, str]] = {
    "err.export_unknown_village": (
        "{path}：项目中没有行政村 {village}",
        "{path}: village {village} is not in the project",
    ),
    "err.export_no_village_polygon": (
        "{path}：行政村 {village} 没有村界多边形，无法据此选取农房",
        "{path}: village {village} has no boundary polygon to select buildings by",
    ),
    "err.export_bad_suffix": (
        "{path}：{format} 格式的导出文件须命名为 *{suffixes}",
        "{path}: a {format} export must be named *{suffixes}",
    ),
    "err.export_text_too_long": (
        "{path}：第 {row} 行（{key}）的字段 {field} 按 {encoding} 编码占 {size} 字节，超过 shapefile 文本字段 254 字节的上限（共 {count} 个值超限）；请改为导出 gpkg 或 xlsx",
        "{path}: field {field} of row {row} ({key}) takes {size} bytes in {encoding}, more than the 254 a shapefile text field holds ({count} value(s) in all); export to gpkg or xlsx instead",
    ),
    "err.export_unencodable": (
        "{path}：第 {row} 行（{key}）的字段 {field} 含有 {encoding} 无法编码的字符 {chars}（共 {count} 个值）；请使用 --encoding utf-8 导出",
        "{path}: field {field} of row {row} ({key}) contains {chars} that {encoding} cannot encode ({count} value(s) in all); export with --encoding utf-8",
    ),
    "err.export_too_many_rows": (
        "{path}：{rows} 行超出单个 Excel 工作表的容量（最多 {limit} 行）；请导出为 gpkg，或按行政村筛选",
        "{path}: {rows} rows do not fit in one Excel sheet (at most {limit}); export to gpkg or filter by village",
    ),
    "err.export_fids_layer": (
        "{path}：只有 {layers} 可按行号导出所选的行",
        "{path}: rows picked by number can be exported from {layers} only",
    ),
    "err.export_write_failed": (
        "{path}：无法写入导出文件（{detail}）",
        "{path}: could not write the export ({detail})",
    ),
    "export_done": (
        "已将{layer}的 {rows} 行导出到 {path}（{format}）",
        "Exported {rows} rows of {layer} to {path} ({format})",
    ),
    "export_masked": (
        "身份证号和电话号码已脱敏（使用 --unmask 可输出明文）",
        "ID and phone numbers are masked (--unmask writes them in clear)",
    ),
    "export_unmasked": (
        "身份证号和电话号码以明文输出；本次导出已记入审计日志",
        "ID and phone numbers are written in clear; the export is in the audit log",
    ),
    "export_crs": ("坐标系：{crs}", "Coordinates: {crs}"),
    "export_encoding": ("文字编码：{encoding}", "Text encoding: {encoding}"),
    "export_files": ("文件：{files}", "Files: {files}"),
    "export_omitted": ("此格式未包含：{columns}", "Not in this format: {columns}"),
}
