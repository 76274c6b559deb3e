"""The desktop workbench: the open project, tasks, operations, docks and dialogs."""
