"""Printed pages: the 宗地图 of a parcel, the household sheet, village ledgers, onto a PDF.

Content comes from `qjgis.reports` as data; words come in as a mapping from the
texts catalogue (`PAGE_WORDS` lists the keys), because `layers/` never imports
`ui/`. Everything is drawn in millimetres of the page through `Page`, text with
`drawText` so it stays text in the PDF (searchable, small, `pdftotext`
extracts it), in the CJK family `cjk_font_family` picks: WenQuanYi Micro Hei on
Linux, which QPdfWriter embeds as a subset whose text extracts correctly.
Map geometry goes through the renderer's `polygons_to_path` (one path per
symbol, no per-vertex Python).
"""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from PySide6.QtCore import QLineF, QMarginsF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPainterPath,
    QPdfWriter,
    QPen,
    QPolygonF,
)

from layers.renderer import ViewTransform, polygons_to_path
from layers.style import cjk_font_family
from qjgis.reports.boundary import fmt_coord, fmt_length
from qjgis.reports.content import MAP_FRAME_MM, HouseholdReport, ParcelReport
from qjgis.reports.layout import DIRECTIONS

#: resolution of the PDF's coordinate grid: 0.042 mm, finer than any printer needs
DPI = 600
RED = QColor(220, 0, 0)
_VCENTER = int(Qt.AlignmentFlag.AlignVCenter)
#: a line to fill in by hand (a 四至 side with no neighbour and no imported text)
BLANK_LINE = "_" * 16
BLACK = QColor(0, 0, 0)
GREY = QColor(120, 120, 120)

#: every word the pages print; the texts catalogue supplies them (Chinese first)
PAGE_WORDS: tuple[str, ...] = (
    "title_parcel",
    "title_household",
    "units",
    "zddm",
    "bdcdyh",
    "holder",
    "household_no",
    "location",
    "use",
    "area",
    "approved_area",
    "recorded_area",
    "crs",
    "scale",
    "north",
    "point",
    "x_northing",
    "y_easting",
    "to_next",
    "four_to",
    "east",
    "south",
    "west",
    "north_side",
    "colon",
    "members",
    "buildings",
    "findings",
    "cases",
    "none",
    "maker",
    "checker",
    "date",
    "page",
    "continued",
    "no_geometry",
    "structure_floors",
    "status",
    "grade",
    "year_built",
    "footprint",
    "decision_pending",
    "overdue",
    "head",
    "household_type",
    "subsidy_approved",
    "subsidy_paid",
    "parcels",
    "contents",
    "atlas_title",
    "town",
    "village",
    "as_of",
    "survey_unit",
    "signature_preparer",
    "signature_village",
    "signature_town",
    "totals",
    "yuan",
    "m2",
    "m",
)


def ensure_gui_application() -> QGuiApplication:
    """The QGuiApplication fonts need; created (offscreen-capable) when none runs yet."""
    app = QGuiApplication.instance()
    if app is None:
        # A batch job on a Linux server has no display: draw offscreen there.
        headless = not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))
        if sys.platform.startswith("linux") and headless:
            os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QGuiApplication(["qjgis-report"])
    assert isinstance(app, QGuiApplication)
    return app


# ---------------------------------------------------------------------------- the page
class Page:
    """A PDF written page by page, drawn in millimetres; text stays text."""

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        title: str,
        author: str,
        landscape: bool = False,
        device: QPagedPaintDevice | None = None,
    ) -> None:
        """A new PDF at `path`, or pages on `device` (a QPrinter that `ui/` chose, for
        print preview and printing)."""
        ensure_gui_application()
        if device is None:
            if path is None:
                raise ValueError("a path or a device")
            writer = QPdfWriter(str(path))
            writer.setResolution(DPI)
            writer.setTitle(title)
            writer.setAuthor(author)
            writer.setCreator("qjgis")
            device = writer
        self.writer: QPagedPaintDevice = device
        orient = (
            QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait
        )
        self.writer.setPageLayout(
            QPageLayout(
                QPageSize(QPageSize.PageSizeId.A4),
                orient,
                QMarginsF(0, 0, 0, 0),
                QPageLayout.Unit.Millimeter,
            )
        )
        self.width_mm, self.height_mm = (297.0, 210.0) if landscape else (210.0, 297.0)
        self.k = self.writer.logicalDpiX() / 25.4  # device units per millimetre
        self.painter = QPainter(self.writer)
        self.painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        self.family = cjk_font_family()
        self.pages = 1
        self._fonts: dict[tuple[float, bool], QFont] = {}
        self._metrics: dict[int, QFontMetricsF] = {}
        self._state: tuple[QFont, QColor] | None = None

    # ------------------------------------------------------------ basics
    def mm(self, v: float) -> float:
        return v * self.k

    def rect(self, x: float, y: float, w: float, h: float) -> QRectF:
        return QRectF(self.mm(x), self.mm(y), self.mm(w), self.mm(h))

    def font(self, size_pt: float, bold: bool = False) -> QFont:
        key = (size_pt, bold)
        if key not in self._fonts:
            f = QFont(self.family) if self.family else QFont()
            f.setPointSizeF(size_pt)
            f.setBold(bold)
            self._fonts[key] = f
        return self._fonts[key]

    def text(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        s: str,
        size: float = 8.0,
        *,
        align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft,
        bold: bool = False,
        color: QColor = BLACK,
    ) -> None:
        """`s` in the box (mm), vertically centred, cut with an ellipsis when too wide."""
        f = self.font(size, bold)
        p = self.painter
        if self._state != (f, color):  # each Qt call costs: skip the ones that change nothing
            p.setFont(f)
            p.setPen(color)
            self._state = (f, color)
        r = self.rect(x, y, w, h)
        # No glyph is wider than 1.1 em: most strings provably fit without measuring them.
        if len(s) * size * 0.353 * 1.1 > w:
            s = self.metrics(f).elidedText(s, Qt.TextElideMode.ElideRight, r.width())
        p.drawText(r, int(align) | _VCENTER, s)

    def metrics(self, f: QFont) -> QFontMetricsF:
        key = id(f)
        if key not in self._metrics:
            self._metrics[key] = QFontMetricsF(f, self.writer)
        return self._metrics[key]

    def grid(self, xs: Sequence[float], ys: Sequence[float], width: float = 0.1) -> None:
        """The lines of a table whose column edges are `xs` and row edges `ys` (mm)."""
        k = self.k
        x0, x1, y0, y1 = xs[0] * k, xs[-1] * k, ys[0] * k, ys[-1] * k
        lines = [QLineF(x0, y * k, x1, y * k) for y in ys]
        lines += [QLineF(x * k, y0, x * k, y1) for x in xs]
        self.painter.setPen(QPen(BLACK, self.mm(width)))
        self._state = None
        self.painter.drawLines(lines)

    def line(self, x1: float, y1: float, x2: float, y2: float, width: float = 0.2) -> None:
        self._state = None
        self.painter.setPen(QPen(BLACK, self.mm(width)))
        self.painter.drawLine(QPointF(self.mm(x1), self.mm(y1)), QPointF(self.mm(x2), self.mm(y2)))

    def box(self, x: float, y: float, w: float, h: float, width: float = 0.25) -> None:
        self._state = None
        self.painter.setPen(QPen(BLACK, self.mm(width)))
        self.painter.setBrush(Qt.BrushStyle.NoBrush)
        self.painter.drawRect(self.rect(x, y, w, h))

    def new_page(self) -> None:
        self._state = None
        self.writer.newPage()
        self.pages += 1

    def close(self) -> None:
        if self.painter.isActive():
            self.painter.end()


# ---------------------------------------------------------------------------- 宗地图
MARGIN_X = 20.0
TOP = 12.0
CONTENT_W = 170.0
HEADER_Y = 24.0
HEADER_ROW = 6.0
HEADER_ROWS = 5
MAP_Y = HEADER_Y + HEADER_ROW * HEADER_ROWS + 2.0
MAP_W, MAP_H = MAP_FRAME_MM
LOWER_Y = MAP_Y + MAP_H + 6.0
FOOTER_Y = 283.0
ROW_H = 4.2
TABLE_W = 84.0
INFO_X = MARGIN_X + TABLE_W + 4.0
INFO_W = CONTENT_W - TABLE_W - 4.0
LINE_H = 3.7
TABLE_ROWS_FIRST = int((FOOTER_Y - 2.0 - LOWER_Y - ROW_H) // ROW_H)
TABLE_ROWS_NEXT = int((FOOTER_Y - 2.0 - HEADER_Y - ROW_H) // ROW_H)
INFO_LINES_FIRST = int((FOOTER_Y - 2.0 - LOWER_Y) // LINE_H)
INFO_LINES_NEXT = int((FOOTER_Y - 2.0 - HEADER_Y) // LINE_H)


@dataclass(frozen=True)
class Signature:
    """Who drew the page and when, and who checks it (blank lines to sign when None)."""

    maker: str | None
    made: str | None
    checker: str | None = None
    checked: str | None = None


def _w(words: Mapping[str, str], key: str) -> str:
    return words.get(key, key)


def _area(value: float | None, words: Mapping[str, str], decimals: int = 2) -> str:
    return "" if value is None else f"{value:.{decimals}f} {_w(words, 'm2')}"


def info_lines(
    r: ParcelReport, words: Mapping[str, str], *, household: bool = True, four_to: bool = True
) -> list[tuple[str, bool]]:
    """The right-hand column of the page as (text, is_heading) lines."""
    w = lambda k: _w(words, k)  # noqa: E731
    out: list[tuple[str, bool]] = []
    side_word = {"east": "east", "south": "south", "west": "west", "north": "north_side"}
    if four_to:
        out.append((w("four_to"), True))
        for side in DIRECTIONS:
            names = r.four_to.sides[side] if r.four_to else ()
            out.append(
                (
                    f"{w(side_word[side])}{w('colon')}{'；'.join(names) if names else BLANK_LINE}",
                    False,
                )
            )
    hh = r.household
    if household:
        out.append((w("members"), True))
    if household and hh is None:
        out.append((w("none"), False))
    elif household and hh is not None:
        head = f"{w('household_no')} {hh.household_no}  {w('head')} {hh.head_name or ''}"
        out.append((head + (f"  {hh.household_type}" if hh.household_type else ""), False))
        for m in hh.members:
            out.append(
                (
                    f"{m.seq or ''} {m.name or ''} {m.relation or ''} {m.id_number or ''}".strip(),
                    False,
                )
            )
    out.append((w("buildings"), True))
    if not r.buildings:
        out.append((w("none"), False))
    for b in r.buildings:
        parts = [
            b.zrzh or (b.bdcdyh or "")[-8:],
            building_label(b.structure, b.floors),
            b.status or "",
            f"{w('grade')}{b.danger_grade}" if b.danger_grade else "",
            str(b.year_built or ""),
            _area(b.footprint_area, words),
        ]
        out.append((" ".join(p for p in parts if p), False))
    out.append((w("findings"), True))
    if not r.findings:
        out.append((w("none"), False))
    for f in r.findings:
        decision = words.get(f"decision_{f.decision}", f.decision or "") if f.decision else ""
        label = words.get(f"rule_{f.rule_id}", "")
        exempt = words.get(f"exemption_{f.exemption}", f.exemption or "") if f.exemption else ""
        state = decision or exempt or w("decision_pending")
        reason = f"（{f.decision_reason}）" if f.decision_reason else ""
        out.append((f"#{f.fid} {f.rule_id} {label} — {state}{reason}", False))
    out.append((w("cases"), True))
    if not r.cases:
        out.append((w("none"), False))
    for c in r.cases:
        what = c.disposition or (f"{w('grade')}{c.grade}" if c.grade else "")
        tail = f" {w('overdue')}" if c.overdue else ""
        dl = f" → {c.deadline}" if c.deadline else ""
        out.append((f"{c.case_id} {what} {c.state}{dl}{tail}", False))
        for e in c.events:
            note = f" {e.note}" if e.note else ""
            out.append((f"  {e.date} {e.to_state or e.action}{note}", False))
    return out


def building_label(structure: str | None, floors: int | None) -> str:
    """The C3 preset "结构码+层数(2位)": structure code 4, 2 storeys -> "402"."""
    if not structure and floors is None:
        return ""
    return f"{structure or ''}{'' if floors is None else f'{floors:02d}'}"


def parcel_page_count(r: ParcelReport, words: Mapping[str, str]) -> int:
    """Pages the 宗地图 of `r` takes: one, more only when the table or notes overflow."""
    rows = len(r.table)
    lines = len(info_lines(r, words))
    extra_rows = max(0, rows - TABLE_ROWS_FIRST)
    extra_lines = max(0, lines - INFO_LINES_FIRST)
    return 1 + max(
        math.ceil(extra_rows / TABLE_ROWS_NEXT), math.ceil(extra_lines / INFO_LINES_NEXT)
    )


def draw_parcel_pages(
    page: Page,
    r: ParcelReport,
    words: Mapping[str, str],
    signature: Signature,
    *,
    first_page: int = 1,
    total_pages: int | None = None,
) -> int:
    """Draw the 宗地图 of `r` on the current page (and more as needed); returns pages drawn.

    Page numbers run from `first_page` out of `total_pages` (the atlas's), else the report's own.
    """
    n = parcel_page_count(r, words)
    total = total_pages or n
    lines = info_lines(r, words)
    rows = r.table
    for k in range(n):
        if k:
            page.new_page()
        _title(page, r, words, continued=k > 0)
        if k == 0:
            _header_grid(page, r, words)
            _map(page, r, words)
            top = LOWER_Y
            t_rows, t_from = TABLE_ROWS_FIRST, 0
            i_lines, i_from = INFO_LINES_FIRST, 0
        else:
            top = HEADER_Y
            t_from = TABLE_ROWS_FIRST + (k - 1) * TABLE_ROWS_NEXT
            t_rows = TABLE_ROWS_NEXT
            i_from = INFO_LINES_FIRST + (k - 1) * INFO_LINES_NEXT
            i_lines = INFO_LINES_NEXT
        _point_table(page, rows[t_from : t_from + t_rows], top, words)
        _info(page, lines[i_from : i_from + i_lines], top)
        _footer(page, words, signature, first_page + k, total)
    return n


def _title(page: Page, r: ParcelReport, words: Mapping[str, str], *, continued: bool) -> None:
    title = _w(words, "title_parcel")
    if continued:
        title = f"{title}（{_w(words, 'continued')}）"
    page.text(
        MARGIN_X, TOP, CONTENT_W, 9, title, 16, align=Qt.AlignmentFlag.AlignHCenter, bold=True
    )
    page.text(
        MARGIN_X, TOP + 5, CONTENT_W, 5, _w(words, "units"), 7, align=Qt.AlignmentFlag.AlignRight
    )
    if continued:
        page.text(
            MARGIN_X,
            TOP + 5,
            CONTENT_W,
            5,
            f"{_w(words, 'zddm')}{_w(words, 'colon')}{r.zddm or ''}",
            7,
        )


def _header_grid(page: Page, r: ParcelReport, words: Mapping[str, str]) -> None:
    w = lambda k: _w(words, k)  # noqa: E731

    def area(value: float | None) -> str:
        return _area(value, words, r.area_decimals)

    where = " ".join(x for x in (r.town_name, r.village_name, r.location) if x)
    holder = r.holder_name or ""
    if r.holder_id:
        holder += f"（{r.holder_id}）"
    cells = [
        (w("zddm"), r.zddm or "", w("bdcdyh"), r.bdcdyh or ""),
        (w("holder"), holder, w("household_no"), r.household.household_no if r.household else ""),
        (w("location"), where, w("use"), r.use or ""),
        (w("area"), area(r.area_m2), w("approved_area"), area(r.approved_area)),
        (w("recorded_area"), area(r.recorded_area), w("scale"), f"1:{r.scale}"),
    ]
    label_w, value_w = 22.0, CONTENT_W / 2 - 22.0
    half = CONTENT_W / 2
    xs = [MARGIN_X, MARGIN_X + label_w, MARGIN_X + half, MARGIN_X + half + label_w]
    page.grid(
        [*xs, MARGIN_X + CONTENT_W], [HEADER_Y + i * HEADER_ROW for i in range(HEADER_ROWS + 1)]
    )
    for i, (l1, v1, l2, v2) in enumerate(cells):
        y = HEADER_Y + i * HEADER_ROW
        for j, (lab, val) in enumerate(((l1, v1), (l2, v2))):
            x = MARGIN_X + j * half
            page.text(x + 1, y, label_w - 2, HEADER_ROW, lab, 7.5, bold=True)
            page.text(x + label_w + 1, y, value_w - 2, HEADER_ROW, val, 7.5)
    page.box(MARGIN_X, HEADER_Y, CONTENT_W, HEADER_ROW * HEADER_ROWS, 0.35)


def _map(page: Page, r: ParcelReport, words: Mapping[str, str]) -> None:
    p = page.painter
    x0, y0 = page.mm(MARGIN_X), page.mm(MAP_Y)
    wd, ht = page.mm(MAP_W), page.mm(MAP_H)
    page.box(MARGIN_X, MAP_Y, MAP_W, MAP_H, 0.35)
    page.text(
        MARGIN_X, MAP_Y + MAP_H + 0.5, MAP_W, 4.5, f"1:{r.scale}", 8,
        align=Qt.AlignmentFlag.AlignHCenter,
    )  # fmt: skip
    page.text(
        MARGIN_X,
        MAP_Y + MAP_H + 0.5,
        95,
        4.5,
        f"{_w(words, 'crs')}{_w(words, 'colon')}{r.crs_name}",
        6.5,
    )
    if r.geometry is None or shapely.is_empty(r.geometry):
        page.text(
            MARGIN_X,
            MAP_Y,
            MAP_W,
            MAP_H,
            _w(words, "no_geometry"),
            12,
            align=Qt.AlignmentFlag.AlignHCenter,
            color=RED,
        )
        return
    e = r.map_extent
    t = ViewTransform(e[0], e[3], (e[2] - e[0]) / wd, wd, ht)
    p.save()
    try:
        p.translate(x0, y0)
        p.setClipRect(QRectF(0, 0, wd, ht))
        thin = page.mm(0.15)
        if len(r.context_parcels):
            _stroke(p, polygons_to_path(r.context_parcels, t), BLACK, thin, None)
        if len(r.context_buildings):
            _stroke(
                p,
                polygons_to_path(r.context_buildings, t),
                GREY,
                page.mm(0.1),
                QColor(235, 235, 235),
            )
        parcel = polygons_to_path(np.array([r.geometry], dtype=object), t)
        p.fillPath(parcel, QColor(255, 246, 240))
        if r.buildings:
            bg = np.array([b.geometry for b in r.buildings], dtype=object)
            _stroke(p, polygons_to_path(bg, t), BLACK, page.mm(0.12), QColor(225, 225, 225))
        _stroke(p, parcel, RED, page.mm(0.3), None)
        _context_labels(page, r, t)
        _building_labels(page, r, t)
        _edge_lengths(page, r, t)
        _points(page, r, t)
        _four_to_on_map(page, r, words, wd, ht)
    finally:
        p.restore()
    _north_arrow(page, MARGIN_X + MAP_W - 10, MAP_Y + 3, _w(words, "north"))
    _scale_bar(page, r.scale, MARGIN_X + 4, MAP_Y + MAP_H - 6, _w(words, "m"))


def _stroke(
    p: QPainter, path: QPainterPath, color: QColor, width: float, fill: QColor | None
) -> None:
    if fill is not None:
        p.fillPath(path, fill)
    pen = QPen(color, width)
    pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
    p.strokePath(path, pen)


def _label_at(
    page: Page, x: float, y: float, s: str, size: float, color: QColor, *, angle: float = 0.0
) -> None:
    """`s` centred on the device point (x, y), optionally rotated by `angle` degrees."""
    p = page.painter
    f = page.font(size)
    fm = QFontMetricsF(f, page.writer)
    w, h = fm.horizontalAdvance(s), fm.height()
    p.save()
    p.translate(x, y)
    if angle:
        p.rotate(angle)
    p.setFont(f)
    p.setPen(color)
    p.drawText(QPointF(-w / 2, -h / 2 + fm.ascent()), s)
    p.restore()


def _context_labels(page: Page, r: ParcelReport, t: ViewTransform) -> None:
    if not len(r.context_parcels):
        return
    pts = t.world_to_pixel(shapely.get_coordinates(shapely.point_on_surface(r.context_parcels)))
    holders = {n.zddm[-5:]: n.holder for n in r.neighbours if n.zddm and n.holder}
    m = page.mm(4)
    for (x, y), code in zip(pts, r.context_parcel_labels, strict=True):
        if code and m < x < t.width - m and m < y < t.height - m:
            _label_at(page, x, y, code, 6.5, BLACK)
            if code in holders:
                _label_at(page, x, y + page.mm(3), holders[code], 6.5, BLACK)


def _building_labels(page: Page, r: ParcelReport, t: ViewTransform) -> None:
    if not r.buildings:
        return
    geoms = np.array([b.geometry for b in r.buildings], dtype=object)
    pts = t.world_to_pixel(shapely.get_coordinates(shapely.point_on_surface(geoms)))
    for (x, y), b in zip(pts, r.buildings, strict=True):
        text = building_label(b.structure, b.floors)
        if text:
            _label_at(page, x, y, text, 7, BLACK)


def _points(page: Page, r: ParcelReport, t: ViewTransform) -> None:
    p = page.painter
    centre = shapely.get_coordinates(shapely.centroid(r.geometry))[0]
    radius = page.mm(0.4)
    p.setPen(QPen(RED, page.mm(0.15)))
    p.setBrush(QBrush(QColor(255, 255, 255)))
    off = page.mm(2.6)
    for ring in r.rings:
        px = t.world_to_pixel(ring.coords)
        for x, y in px:
            p.drawEllipse(QPointF(x, y), radius, radius)
        away = ring.coords - centre
        norm = np.hypot(*away.T)
        norm[norm == 0] = 1.0
        dx, dy = away[:, 0] / norm, -away[:, 1] / norm  # device y runs down
        if ring.hole:
            dx, dy = -dx, -dy  # a hole's labels go into the hole
        for k, name in enumerate(ring.names):
            _label_at(page, px[k, 0] + dx[k] * off, px[k, 1] + dy[k] * off, name, 7, RED)


def _edge_lengths(page: Page, r: ParcelReport, t: ViewTransform) -> None:
    """Each edge's length outside the boundary, along the edge, upright."""
    f = page.font(6.5)
    fm = QFontMetricsF(f, page.writer)
    off = page.mm(1.6)
    for ring in r.rings:
        px = t.world_to_pixel(ring.coords)
        nxt = np.roll(px, -1, axis=0)
        for k, length in enumerate(ring.lengths):
            (x1, y1), (x2, y2) = px[k], nxt[k]
            dx, dy = x2 - x1, y2 - y1
            seg = math.hypot(dx, dy)
            s = fmt_length(float(length))
            if seg < fm.horizontalAdvance(s) + page.mm(1.5):
                continue  # too short to label: the table has it
            # the ring runs clockwise on the ground, so outside is to its left; on the
            # device (y down) that is the normal (dy, -dx)
            nx, ny = dy / seg, -dx / seg
            angle = math.degrees(math.atan2(dy, dx))
            if angle > 90:
                angle -= 180
            elif angle < -90:
                angle += 180
            cx, cy = (x1 + x2) / 2 + nx * off, (y1 + y2) / 2 + ny * off
            _label_at(page, cx, cy, s, 6.5, BLACK, angle=angle)


def _four_to_on_map(
    page: Page, r: ParcelReport, words: Mapping[str, str], wd: float, ht: float
) -> None:
    if r.four_to is None:
        return
    m = page.mm(3)
    side_word = {"east": "east", "south": "south", "west": "west", "north": "north_side"}
    where = {
        "north": (wd / 2, m),
        "south": (wd / 2, ht - m),
        "west": (m * 3, ht / 2),
        "east": (wd - m * 3, ht / 2),
    }
    for side in DIRECTIONS:
        names = r.four_to.sides.get(side, ())
        if r.four_to.source.get(side) == "imported" and names:
            x, y = where[side]
            _label_at(
                page, x, y, f"{_w(words, side_word[side])}{_w(words, 'colon')}{names[0]}", 7, BLACK
            )


def _north_arrow(page: Page, x: float, y: float, label: str) -> None:
    p = page.painter
    k = page.mm
    tri = QPolygonF(
        [
            QPointF(k(x), k(y + 2)),
            QPointF(k(x - 2.2), k(y + 9)),
            QPointF(k(x), k(y + 7.5)),
            QPointF(k(x + 2.2), k(y + 9)),
        ]
    )
    p.setPen(QPen(BLACK, k(0.2)))
    p.setBrush(QBrush(BLACK))
    p.drawPolygon(tri)
    page.text(x - 4, y - 2.5, 8, 4, label, 8, align=Qt.AlignmentFlag.AlignHCenter, bold=True)


def nice_bar_metres(scale: int, target_mm: float = 25.0) -> float:
    """A 1-2-5 length in metres that is about `target_mm` long on paper at 1:`scale`."""
    want = target_mm * scale / 1000.0
    step = 10 ** math.floor(math.log10(want))
    best = step
    for m in (1, 2, 5, 10):
        if m * step <= want:
            best = m * step
    return float(best)


def _scale_bar(page: Page, scale: int, x: float, y: float, unit: str) -> None:
    metres = nice_bar_metres(scale)
    length = metres * 1000.0 / scale
    p = page.painter
    p.setPen(QPen(BLACK, page.mm(0.15)))
    for i in range(4):
        seg = length / 4
        p.setBrush(QBrush(BLACK if i % 2 == 0 else QColor(255, 255, 255)))
        p.drawRect(page.rect(x + i * seg, y, seg, 1.2))
    page.text(x - 2, y + 1.3, 4, 3, "0", 6, align=Qt.AlignmentFlag.AlignHCenter)
    label = f"{metres:g} {unit}"
    page.text(x + length - 6, y + 1.3, 12, 3, label, 6, align=Qt.AlignmentFlag.AlignHCenter)


def _point_table(page: Page, rows: Sequence[Any], top: float, words: Mapping[str, str]) -> None:
    cols = [
        (_w(words, "point"), 12.0),
        (_w(words, "x_northing"), 27.0),
        (_w(words, "y_easting"), 28.0),
        (_w(words, "to_next"), 17.0),
    ]
    xs = [MARGIN_X]
    for _, wd in cols:
        xs.append(xs[-1] + wd)
    page.grid(xs, [top + ROW_H * i for i in range(len(rows) + 2)], 0.1)
    page.box(MARGIN_X, top, xs[-1] - MARGIN_X, ROW_H * (len(rows) + 1), 0.25)
    for (title, wd), x in zip(cols, xs, strict=False):
        page.text(x, top, wd, ROW_H, title, 7, align=Qt.AlignmentFlag.AlignHCenter, bold=True)
    for i, row in enumerate(rows):
        y = top + ROW_H * (i + 1)
        vals = [
            row.point,
            fmt_coord(row.x),
            fmt_coord(row.y),
            "" if row.to_next is None else fmt_length(row.to_next),
        ]
        x = MARGIN_X
        for (_, wd), v in zip(cols, vals, strict=True):
            align = Qt.AlignmentFlag.AlignHCenter if wd == 12.0 else Qt.AlignmentFlag.AlignRight
            page.text(x + 0.8, y, wd - 1.6, ROW_H, v, 7, align=align)
            x += wd


def _info(page: Page, lines: Sequence[tuple[str, bool]], top: float) -> None:
    for i, (s, heading) in enumerate(lines):
        page.text(
            INFO_X, top + i * LINE_H, INFO_W, LINE_H, s, 7 if not heading else 7.5, bold=heading
        )


def _footer(page: Page, words: Mapping[str, str], sig: Signature, number: int, total: int) -> None:
    w = lambda k: _w(words, k)  # noqa: E731
    y = FOOTER_Y
    page.line(MARGIN_X, y - 1, MARGIN_X + CONTENT_W, y - 1, 0.2)
    c, line = w("colon"), "________"
    made = f"{w('maker')}{c}{sig.maker or line}  {w('date')}{c}{sig.made or line}"
    check = f"{w('checker')}{c}{sig.checker or line}  {w('date')}{c}{sig.checked or line}"
    page.text(MARGIN_X, y, 70, 5, made, 7.5)
    page.text(MARGIN_X + 100, y, 70, 5, check, 7.5, align=Qt.AlignmentFlag.AlignRight)
    page.text(
        MARGIN_X,
        y + 5,
        CONTENT_W,
        5,
        w("page").format(page=number, pages=total),
        7.5,
        align=Qt.AlignmentFlag.AlignHCenter,
    )


# ---------------------------------------------------------------------------- contents
def draw_contents(
    page: Page,
    title: str,
    entries: Sequence[tuple[str, str, int]],
    words: Mapping[str, str],
    *,
    subtitle: str = "",
) -> int:
    """A contents page: (宗地代码, 权利人, first page) per parcel, 50 a page; returns pages."""
    per = 50
    pages = max(1, math.ceil(len(entries) / per))
    for k in range(pages):
        if k:
            page.new_page()
        page.text(
            MARGIN_X, TOP, CONTENT_W, 10, title, 16, align=Qt.AlignmentFlag.AlignHCenter, bold=True
        )
        page.text(
            MARGIN_X, TOP + 10, CONTENT_W, 6, subtitle, 9, align=Qt.AlignmentFlag.AlignHCenter
        )
        y = TOP + 20
        page.text(MARGIN_X, y, 60, 5, _w(words, "zddm"), 8, bold=True)
        page.text(MARGIN_X + 62, y, 70, 5, _w(words, "holder"), 8, bold=True)
        page.text(
            MARGIN_X + 132,
            y,
            38,
            5,
            _w(words, "page"),
            8,
            bold=True,
            align=Qt.AlignmentFlag.AlignRight,
        )
        page.line(MARGIN_X, y + 5, MARGIN_X + CONTENT_W, y + 5, 0.2)
        for i, (code, holder, first) in enumerate(entries[k * per : (k + 1) * per]):
            yy = y + 5.5 + i * 4.8
            page.text(MARGIN_X, yy, 60, 4.8, code, 8)
            page.text(MARGIN_X + 62, yy, 70, 4.8, holder, 8)
            page.text(MARGIN_X + 132, yy, 38, 4.8, str(first), 8, align=Qt.AlignmentFlag.AlignRight)
    return pages


def contents_page_count(n: int) -> int:
    return max(1, math.ceil(n / 50))


# ---------------------------------------------------------------------------- household
def draw_household(
    page: Page,
    sheet: HouseholdReport,
    words: Mapping[str, str],
    signature: Signature,
) -> int:
    """一户一档: the household and members, then each parcel with a small map and its
    buildings, findings and cases; as many pages as it takes. Returns pages drawn."""
    w = lambda k: _w(words, k)  # noqa: E731
    hh = sheet.household
    lines: list[tuple[str, bool, ParcelReport | None]] = []
    lines.append(
        (
            f"{w('household_no')} {hh.household_no}  {w('head')} {hh.head_name or ''}"
            f"（{hh.head_id or ''}）  {hh.household_type or ''}",
            False,
            None,
        )
    )
    lines.append((f"{w('village')} {sheet.village_name or hh.village_code or ''}", False, None))
    money = (
        f"{w('subsidy_approved')} {sheet.renovation_subsidy_approved:,.0f} {w('yuan')}  "
        f"{w('subsidy_paid')} {sheet.renovation_subsidy_paid:,.0f} {w('yuan')}"
    )
    lines.append((money, False, None))
    lines.append((w("members"), True, None))
    for m in hh.members:
        person = (
            f"{m.seq or ''} {m.name or ''} {m.relation or ''} {m.sex or ''} "
            f"{m.birth_date or ''} {m.id_number or ''} {m.phone or ''}"
        )
        lines.append((person, False, None))
    if sheet.household_findings:
        lines.append((w("findings"), True, None))
        for f in sheet.household_findings:
            decision = words.get(f"decision_{f.decision}", f.decision or "") if f.decision else ""
            lines.append(
                (
                    f"#{f.fid} {f.rule_id} {words.get(f'rule_{f.rule_id}', '')} "
                    f"{decision or w('decision_pending')}",
                    False,
                    None,
                )
            )
    lines.append((f"{w('parcels')}（{len(sheet.parcels)}）", True, None))
    for p in sheet.parcels:
        lines.append(
            (
                f"{p.zddm or ''}  {_area(p.area_m2, words)}  {p.use or ''}  "
                f"{p.village_name or ''} {p.location or ''}",
                True,
                p,
            )
        )
        # the household is printed once above; 四至 is on the parcel's own page
        for text, heading in info_lines(p, words, household=False, four_to=False):
            lines.append((text, heading, None))
    # lay out first (so the footers know the page count): a parcel heading starts
    # below the previous small map and reserves a 46 mm map box to the right
    bottom = FOOTER_Y - 2
    placed: list[tuple[int, float, str, bool, ParcelReport | None, float]] = []
    number, y, map_until = 1, HEADER_Y, 0.0
    for text, heading, parcel in lines:
        if parcel is not None:
            y = max(y, map_until)
        need = 48.0 if parcel is not None else LINE_H
        if y + need > bottom:
            number, y, map_until = number + 1, HEADER_Y, 0.0
        width = CONTENT_W - (52 if y < map_until or parcel is not None else 0)
        placed.append((number, y, text, heading, parcel, width))
        if parcel is not None:
            map_until = y + 48
        y += LINE_H
    pages = number
    current = 0
    for number, y, text, heading, parcel, width in placed:
        if number != current:
            if current:
                _footer(page, words, signature, current, pages)
                page.new_page()
            current = number
            page.text(MARGIN_X, TOP, CONTENT_W, 9, w("title_household"), 16,
                      align=Qt.AlignmentFlag.AlignHCenter, bold=True)  # fmt: skip
        page.text(MARGIN_X, y, width, LINE_H, text, 7.5 if heading else 7, bold=heading)
        if parcel is not None:
            x = MARGIN_X + CONTENT_W - 50
            page.box(x, y, 50, 46, 0.2)
            _small_map(page, parcel, x, y, 50, 46)
    _footer(page, words, signature, current, pages)
    return pages


def _small_map(page: Page, r: ParcelReport, x: float, y: float, w: float, h: float) -> None:
    if r.geometry is None or shapely.is_empty(r.geometry):
        return
    wd, ht = page.mm(w), page.mm(h)
    b = shapely.bounds(r.geometry)
    pad = 3.0
    t = ViewTransform.fit((b[0] - pad, b[1] - pad, b[2] + pad, b[3] + pad), (wd, ht))
    p = page.painter
    p.save()
    try:
        p.translate(page.mm(x), page.mm(y))
        p.setClipRect(QRectF(0, 0, wd, ht))
        if len(r.context_parcels):
            _stroke(p, polygons_to_path(r.context_parcels, t), GREY, page.mm(0.1), None)
        if r.buildings:
            bg = np.array([b_.geometry for b_ in r.buildings], dtype=object)
            _stroke(p, polygons_to_path(bg, t), BLACK, page.mm(0.1), QColor(225, 225, 225))
        _stroke(
            p, polygons_to_path(np.array([r.geometry], dtype=object), t), RED, page.mm(0.25), None
        )
    finally:
        p.restore()


# ---------------------------------------------------------------------------- ledgers
LEDGER_ROW = 6.0


def draw_ledger(
    page: Page,
    title: str,
    subtitle: str,
    columns: Sequence[tuple[str, str, float]],
    rows: Sequence[Mapping[str, Any]],
    totals_line: str,
    signatures: Sequence[str],
    words: Mapping[str, str],
) -> int:
    """A landscape ledger: header repeated on every page, totals and signature lines at the end.

    `columns` are (key, header, relative width). Returns the pages drawn.
    """
    left, top = 12.0, 10.0
    width = page.width_mm - 2 * left
    scale = width / sum(c[2] for c in columns)
    widths = [c[2] * scale for c in columns]
    body_top = top + 16 + LEDGER_ROW * 1.4
    bottom = page.height_mm - 12.0
    per_page = int((bottom - body_top) // LEDGER_ROW)
    tail = LEDGER_ROW + 14.0  # totals and signatures
    pages = max(1, math.ceil(len(rows) / per_page))
    if len(rows) - (pages - 1) * per_page > per_page - tail / LEDGER_ROW:
        pages += 1
    for k in range(pages):
        if k:
            page.new_page()
        page.text(left, top, width, 8, title, 14, align=Qt.AlignmentFlag.AlignHCenter, bold=True)
        page.text(left, top + 8, width, 6, subtitle, 8.5)
        y = top + 15
        x = left
        for (_, head, _), wd in zip(columns, widths, strict=True):
            page.box(x, y, wd, LEDGER_ROW * 1.4, 0.25)
            page.text(
                x + 0.5,
                y,
                wd - 1,
                LEDGER_ROW * 1.4,
                head,
                7.5,
                bold=True,
                align=Qt.AlignmentFlag.AlignHCenter,
            )
            x += wd
        y += LEDGER_ROW * 1.4
        for row in rows[k * per_page : (k + 1) * per_page]:
            x = left
            for (key, _, _), wd in zip(columns, widths, strict=True):
                page.box(x, y, wd, LEDGER_ROW, 0.12)
                v = row.get(key)
                s = _cell_text(v, words)
                number = isinstance(v, int | float) and not isinstance(v, bool)
                align = Qt.AlignmentFlag.AlignRight if number else Qt.AlignmentFlag.AlignLeft
                page.text(x + 0.8, y, wd - 1.6, LEDGER_ROW, s, 7, align=align)
                x += wd
            y += LEDGER_ROW
        if k == pages - 1:
            page.text(left, y + 1, width, LEDGER_ROW, totals_line, 8, bold=True)
            y += LEDGER_ROW + 6
            slot = width / max(1, len(signatures))
            for i, s in enumerate(signatures):
                page.text(left + i * slot, y, slot, 6, f"{s}{_w(words, 'colon')}____________", 9)
        page.text(
            left,
            page.height_mm - 9,
            width,
            5,
            _w(words, "page").format(page=k + 1, pages=pages),
            7.5,
            align=Qt.AlignmentFlag.AlignHCenter,
        )
    return pages


def _cell_text(v: Any, words: Mapping[str, str]) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return words.get("yes" if v else "no", "✓" if v else "")
    if isinstance(v, float):
        return f"{v:,.2f}"
    return str(v)
