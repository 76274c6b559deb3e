"""Print preview, printer choice and "save as PDF" for the printed reports (the window's side).

The pages are drawn by `layers.report_pages` onto whatever paged device they are
given; here that device is the `QPrinter` the user picks in Qt's print preview,
so what the preview shows is what the PDF export and the printer get.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtGui import QAction
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog, QPrintPreviewWidget
from PySide6.QtWidgets import QFileDialog, QToolBar, QWidget

from layers.report_pages import Page
from qjgis.errors import QjgisError
from ui.texts import t

Draw = Callable[[Page], int]


def print_to(printer: QPrinter, draw: Draw, *, title: str, author: str, landscape: bool) -> int:
    """Draw the report onto `printer` (a real printer, or its PDF output); returns pages."""
    page = Page(title=title, author=author, landscape=landscape, device=printer)
    try:
        return draw(page)
    finally:
        page.close()


def save_pdf(path: str | Path, draw: Draw, *, title: str, author: str, landscape: bool) -> int:
    """The report as a PDF file, written whole or not at all (as the `report` command)."""
    from ui.gui.report_command import write_pdf

    return write_pdf(Path(path), title, author, draw, landscape=landscape)


def ask_pdf_path(parent: QWidget | None, title: str) -> str:
    """Where to save a PDF ("" when the user cancels); tests replace this."""
    path, _ = QFileDialog.getSaveFileName(
        parent, t("report.menu_save_pdf"), f"{title}.pdf", t("report.filter_pdf")
    )
    return path


def preview(
    parent: QWidget | None, draw: Draw, *, title: str, author: str, landscape: bool = False
) -> QPrintPreviewDialog:
    """Qt's print preview of the report: zoom, page through, choose a printer, print, and
    a 另存为 PDF button that writes the same pages to a file."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(title)
    dialog = QPrintPreviewDialog(printer, parent)
    # The dialog does not own the printer it is given: without this reference Python frees
    # the printer when this function returns, and showing the dialog crashes the process.
    dialog.printer_kept = printer  # type: ignore[attr-defined]
    dialog.setObjectName("dialog_print_preview")
    dialog.setWindowTitle(title)
    dialog.paintRequested.connect(
        lambda p: print_to(p, draw, title=title, author=author, landscape=landscape)
    )
    save = QAction(t("report.menu_save_pdf"), dialog)
    save.setObjectName("action_preview_save_pdf")

    def save_as() -> None:
        path = ask_pdf_path(dialog, title)
        if not path:
            return
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        try:
            pages = save_pdf(path, draw, title=title, author=author, landscape=landscape)
        except (OSError, QjgisError) as exc:  # a folder not writable, a file held open
            from ui.gui.operations import show_error

            show_error(dialog, exc)
            return
        dialog.setWindowTitle(f"{title} — {t('report.saved_pdf', path=path, pages=pages)}")

    save.triggered.connect(save_as)
    bar = dialog.findChild(QToolBar)
    if bar is not None:
        bar.addSeparator()
        bar.addAction(save)
    else:  # a Qt without the toolbar: the action still works from the keyboard
        dialog.addAction(save)
    return dialog


def preview_pages(dialog: QPrintPreviewDialog) -> int:
    """How many pages the preview shows (after it has been painted)."""
    widget = dialog.findChild(QPrintPreviewWidget)
    return widget.pageCount() if widget is not None else 0
