"""The desktop application (PySide6): the window, the map canvas, the first-start demo, and
Qt's own translations for Qt's dialogs. Later: docks, dialogs, tasks. Its words come from
`ui.texts`; its logic from the engine `qjgis`; its drawing from `layers`."""
