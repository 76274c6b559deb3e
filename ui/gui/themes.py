"""专题 (map themes, issue 16 point 6): 核查 (the findings outlines), 整治进度 (ruins by
disposition and state, overdue in red) and 危房改造 (C/D houses by renovation state),
each with its legend drawn in the map's corner. A transparent overlay of the canvas,
like the findings outlines: it fills the themed buildings by fid from the loaded
layers, so the map's cached image is kept."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np
import shapely
from PySide6.QtCore import QEvent, QObject, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtWidgets import QComboBox, QToolBar, QWidget

from qjgis.cases import themes
from qjgis.cases.themes import THEMES
from qjgis.commands import Changes, SetSettings
from qjgis.errors import QjgisError
from ui.gui.highlight import ViewPaths, outline_pen
from ui.gui.map_canvas import MapCanvas
from ui.gui.operations import show_error
from ui.gui.project import OpenProject, TaskBusy
from ui.presenters.words import t

if TYPE_CHECKING:
    from ui.gui.workbench import Workbench


class ThemeLayer(QWidget):
    def __init__(self, canvas: MapCanvas) -> None:
        super().__init__(canvas)
        self.setObjectName("theme_layer")
        self.canvas = canvas
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.theme = "none"
        self.categories: dict[int, str] = {}
        self.colours: dict[str, str] = {}
        self.counts: dict[str, int] = {}
        self._geoms: dict[str, np.ndarray] = {}
        self._bounds: dict[str, np.ndarray] = {}
        self.paths = ViewPaths(self)
        self.paths.ready.connect(self.update)
        self.setGeometry(canvas.rect())
        canvas.installEventFilter(self)
        canvas.extentChanged.connect(self.update)
        self.show()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.canvas and event.type() == QEvent.Type.Resize:
            self.setGeometry(self.canvas.rect())
        return False

    def set_theme(self, theme: str, categories: dict[int, str], colours: dict[str, str]) -> None:
        """Fill these buildings (fid -> category) in the category's colour; legend rows in
        the order of `colours`."""
        self.theme, self.categories, self.colours = theme, dict(categories), dict(colours)
        self.counts = dict.fromkeys(colours, 0)
        for cat in categories.values():
            self.counts[cat] = self.counts.get(cat, 0) + 1
        self._geoms = {}
        renderer = self.canvas.renderer
        layer = renderer.layer("buildings") if renderer is not None else None
        if layer is not None and categories:
            found, geoms = layer.by_fids(np.fromiter(categories, dtype=np.int64))
            cats = np.array([categories[int(f)] for f in found], dtype=object)
            for cat in colours:
                pick = cats == cat
                if pick.any():
                    self._geoms[cat] = geoms[pick]
        self._bounds = {cat: shapely.bounds(g) for cat, g in self._geoms.items()}
        self.paths.invalidate()
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        if not self.colours:
            return
        view = self.canvas.transform()
        paths, moved, many = self.paths.paths(self._geoms, self._bounds, view)
        painter = QPainter(self)
        try:
            if not many:
                painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.save()
            painter.setTransform(moved)
            # drawn in reverse legend order, so the first row (overdue) ends on top
            for cat in reversed(list(self.colours)):
                runs = paths.get(cat)
                if runs is None:
                    continue
                colour = QColor(self.colours[cat])
                painter.setPen(outline_pen(colour.darker(160), 2.0, many))
                fill = QColor(colour)
                fill.setAlpha(200)
                painter.setBrush(fill)
                for path in runs:
                    painter.drawPath(path)
            painter.restore()  # the legend is placed in the widget's own pixels
            self._legend(painter)
        finally:
            painter.end()

    def legend_rows(self) -> list[tuple[str, str, int]]:
        """(colour, words, count) per category, as the legend shows them."""
        return [
            (colour, t(f"theme.{self.theme}.{cat}"), self.counts.get(cat, 0))
            for cat, colour in self.colours.items()
        ]

    def _legend(self, p: QPainter) -> None:
        fm = p.fontMetrics()
        rows = self.legend_rows()
        title = t(f"theme.{self.theme}")
        texts = [f"{words}  {n}" for _c, words, n in rows]
        width = max([fm.horizontalAdvance(title), *(fm.horizontalAdvance(x) + 22 for x in texts)])
        line = fm.height() + 2
        box = QRectF(
            8, self.height() - 16 - line * (len(rows) + 1), width + 16, line * (len(rows) + 1) + 8
        )
        p.setPen(QColor(160, 160, 160))
        p.setBrush(QColor(255, 255, 255, 235))
        p.drawRect(box)
        p.setPen(QColor(30, 30, 30))
        y = box.top() + 4 + fm.ascent()
        p.drawText(box.left() + 8, y, title)
        for (colour, _w, _n), text in zip(rows, texts, strict=True):
            y += line
            p.setPen(QColor(colour).darker(140))
            p.setBrush(QColor(colour))
            p.drawRect(QRectF(box.left() + 8, y - fm.ascent() + 1, 14, fm.ascent() - 2))
            p.setPen(QColor(30, 30, 30))
            p.drawText(int(box.left() + 30), int(y), text)


class ThemeSwitch(QObject):
    """The toolbar's 专题 box: shows the project's theme, saves a change in the project
    (`map.theme`, one undo step) and keeps the overlay and the findings outlines in step."""

    def __init__(self, workbench: Workbench) -> None:
        super().__init__(workbench)
        self.wb = workbench
        self.layer = ThemeLayer(workbench.window.canvas)
        self.box = QComboBox(workbench.window)
        self.box.setObjectName("combo_theme")
        self.box.setToolTip(t("theme.label"))
        for theme in THEMES:
            self.box.addItem(t(f"theme.{theme}"), theme)
        self.box.setEnabled(False)
        self.box.activated.connect(self._chosen)
        toolbar = workbench.window.findChild(QToolBar, "map_toolbar")
        if toolbar is not None:
            toolbar.addWidget(self.box)

    def current(self) -> str:
        return str(self.box.currentData())

    def project_opened(self, project: OpenProject | None) -> None:
        self.box.setEnabled(project is not None)
        if project is None:
            self.layer.set_theme("none", {}, {})
            return
        self.refresh()

    def changed(self, changes: Changes) -> None:
        touched = {"ruin_cases", "renovation_cases"} & changes.tables
        if touched or changes.layers or {"map.theme", "map.theme_styles"} & changes.settings:
            self.refresh()

    def refresh(self) -> None:
        project = self.wb.project
        if project is None:
            return
        theme = str(project.settings_value("map.theme"))
        self.box.setCurrentIndex(max(0, self.box.findData(theme)))
        findings = theme == "findings"
        if self.wb.action_show_findings.isChecked() != findings:
            self.wb.action_show_findings.setChecked(findings)
        cats = themes.categories(project.store, theme, dt.date.today())
        self.layer.set_theme(theme, cats, themes.styles(project.store, theme))

    def _chosen(self, _index: int) -> None:
        project = self.wb.project
        theme = self.current()
        if project is None or theme == project.settings_value("map.theme"):
            return
        try:
            project.apply(
                SetSettings({"map.theme": theme}), t("undo.theme", theme=t(f"theme.{theme}"))
            )
        except (QjgisError, TaskBusy) as exc:
            show_error(self.wb.window, exc)
            self.refresh()
