"""Dialogs of the workbench; each opens non-modally (`open()`/`show()`)."""
