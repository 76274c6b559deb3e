"""The content of printed reports, Qt-free: 宗地图 pages, household sheets, village ledgers.

What a page says is decided here and tested headless; `layers/` draws it onto a
`QPdfWriter` and `ui/` supplies the words and the commands.
"""
