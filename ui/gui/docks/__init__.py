"""Docks of the main window; each subscribes to the open project's `changed` signal."""
