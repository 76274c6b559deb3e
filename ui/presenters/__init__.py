"""How findings, households and features read to a person, written once and Qt-free.

The CLI, the window's docks and dialogs and later the printed reports take their
words from here, so a finding reads the same wherever it shows. Nothing here
imports Qt: the CLI runs without PySide6.
"""
