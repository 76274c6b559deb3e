"""Texts of the window: menus, status bar, first-start dialog."""

from __future__ import annotations

#: code -> (Chinese, English)
TEXTS: dict[str, tuple[str, str]] = {
    "app.stage_generate": (
        "正在生成行政村、农户和宅基地…",
        "Generating villages, households and parcels…",
    ),
    "app.stage_write_project": ("正在写入项目文件…", "Writing the project file…"),
    "app.stage_write_parcels": ("正在写入宗地…", "Writing parcels…"),
    "app.stage_write_buildings": ("正在写入农房…", "Writing buildings…"),
    "app.stage_write_households": ("正在写入户籍…", "Writing households…"),
    "app.stage_write_reference": ("正在写入参考图层…", "Writing reference layers…"),
    "app.stage_done": ("正在打开演示数据…", "Opening the demo district…"),
    "app.no_demo_generator": (
        "此安装不含演示数据生成器。",
        "This installation has no demo district generator.",
    ),
    "app.demo_failed": (
        "无法创建演示数据：{detail}",
        "The demo district could not be created: {detail}",
    ),
    "app.creating_demo": (
        "首次启动，正在创建演示数据…",
        "Creating a demo district for your first start…",
    ),
    "app.cancel": ("取消", "Cancel"),
    "app.canceling": ("正在取消…", "Canceling…"),
    "app.demo_not_created": (
        "未创建演示数据。请通过“文件 › 打开…”打开项目。",
        "The demo district was not created. Use File › Open… to open a project.",
    ),
    "app.no_project": (
        "尚未打开项目。请通过“文件 › 打开…”打开项目。",
        "No project is open. Use File › Open… to open one.",
    ),
    "app.cannot_create_folder": (
        "无法创建文件夹 {path}：{detail}",
        "Cannot create the folder {path}: {detail}",
    ),
    "window.open": ("打开(&O)…", "&Open…"),
    "window.quit": ("退出(&Q)", "&Quit"),
    "window.full_extent": ("全图(&F)", "Zoom to &Full Extent"),
    "window.full_extent_short": ("全图", "Full Extent"),
    "window.full_extent_tip": (
        "显示整个项目范围（也可双击地图）",
        "Show the whole project (double-click the map)",
    ),
    "window.menu_file": ("文件(&F)", "&File"),
    "window.menu_recent": ("最近的项目(&P)", "Recent &Projects"),
    "window.menu_view": ("视图(&V)", "&View"),
    "window.toolbar_map": ("地图", "Map"),
    "window.dock_layers": ("图层", "Layers"),
    "window.open_title": ("打开项目", "Open Project"),
    "window.open_filter": (
        "qjgis 项目 (*.gpkg);;所有文件 (*)",
        "qjgis projects (*.gpkg);;All files (*)",
    ),
    "window.cannot_open": ("无法打开 {path}：{detail}", "Cannot open {path}: {detail}"),
    "window.empty_project": ("此项目还没有地图要素。", "This project has no map features yet."),
    "window.summary": (
        "行政村 {villages} 个 · 宗地 {parcels} 宗 · 农房 {buildings} 幢",
        "{villages} villages · {parcels} parcels · {buildings} buildings",
    ),
    "window.opened": ("已打开 {path}", "Opened {path}"),
    "window.drawing_map": ("正在绘制地图…", "Drawing the map…"),
    "window.coordinates": ("X(北) {n}  Y(东) {e}", "E {e}  N {n}"),
    "window.scale": ("比例尺 {scale}", "Scale {scale}"),
    # stages of long work the engine reports (Feedback.set_progress), shown beside the progress
    "app.stage_context": ("正在读取数据…", "Reading the data…"),
    "app.stage_open": ("正在打开…", "Opening…"),
    "app.stage_read": ("正在读取…", "Reading…"),
    "app.stage_write": ("正在写入…", "Writing…"),
    "app.stage_move": ("正在保存文件…", "Saving the files…"),
    "app.stage_write_shapefiles": ("正在写入 shapefile…", "Writing shapefiles…"),
}
