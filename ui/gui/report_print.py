"""Print preview and printer choice for the printed reports (the window's side).

The pages are drawn by `layers.report_pages` onto whatever paged device they are
given; here that device is the `QPrinter` the user picks in Qt's print preview,
so what the preview shows is what the PDF export and the printer get.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QWidget

from layers.report_pages import Page

Draw = Callable[[Page], int]


def print_to(printer: QPrinter, draw: Draw, *, title: str, author: str, landscape: bool) -> int:
    """Draw the report onto `printer` (a real printer, or its PDF output); returns pages."""
    page = Page(title=title, author=author, landscape=landscape, device=printer)
    try:
        return draw(page)
    finally:
        page.close()


def preview(
    parent: QWidget | None, draw: Draw, *, title: str, author: str, landscape: bool = False
) -> QPrintPreviewDialog:
    """Qt's print preview of the report: zoom, page through, choose a printer, print."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(title)
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setWindowTitle(title)
    dialog.paintRequested.connect(
        lambda p: print_to(p, draw, title=title, author=author, landscape=landscape)
    )
    return dialog
