"""Symbology: how each store layer is filled, outlined and labelled.

A style classifies a layer's features once into integer categories (numpy, no
per-feature Python), and the renderer then draws each category as a single
path. Sizes are in device-independent pixels (1/96 inch) so the same style
prints at the same physical size on a 1,200 dpi PDF as on a 96 dpi screen.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QGuiApplication

from qjgis.model import BuildingStatus, DangerGrade
from qjgis.settings import ProjectSettings

Attrs = Mapping[str, np.ndarray]
Classifier = Callable[[Attrs, int], np.ndarray]
LabelText = Callable[[Attrs, int], np.ndarray]

# In order of preference: the Linux font we ship against first, then what
# Windows and macOS desktops of the bureaus have.
CJK_FAMILIES: tuple[str, ...] = (
    "WenQuanYi Micro Hei",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
)

_cjk_family_cache: list[str | None] = []


def cjk_font_family() -> str | None:
    """The first installed font family that can draw Simplified Chinese, or None.

    Needs a QGuiApplication; the answer is cached because the font database does
    not change while the application runs.
    """
    if _cjk_family_cache:
        return _cjk_family_cache[0]
    if QGuiApplication.instance() is None:
        return None
    installed = set(QFontDatabase.families())
    found: str | None = next((f for f in CJK_FAMILIES if f in installed), None)
    if found is None:
        # Any family that declares Simplified Chinese beats tofu boxes.
        chinese = QFontDatabase.families(QFontDatabase.WritingSystem.SimplifiedChinese)
        found = chinese[0] if chinese else None
    _cjk_family_cache.append(found)
    return found


def label_font(point_size: float, *, bold: bool = False) -> QFont:
    """A font for map labels: the CJK family when there is one, else Qt's default."""
    font = QFont()
    family = cjk_font_family()
    if family:
        font.setFamily(family)
    font.setPointSizeF(point_size)
    font.setBold(bold)
    return font


@dataclass(frozen=True)
class Symbol:
    """How one category of polygons is drawn; None means no fill or no outline."""

    fill: QColor | None
    stroke: QColor | None
    stroke_width: float = 1.0
    stroke_style: Qt.PenStyle = Qt.PenStyle.SolidLine
    hatch: QColor | None = None
    hatch_style: Qt.BrushStyle = Qt.BrushStyle.BDiagPattern


@dataclass(frozen=True)
class LabelStyle:
    """Labels of one layer; `max_scale` is a scale denominator (None: any scale)."""

    text: LabelText
    columns: tuple[str, ...]
    point_size: float = 9.0
    color: QColor = field(default_factory=lambda: QColor(30, 30, 30))
    halo: QColor | None = field(default_factory=lambda: QColor(255, 255, 255, 220))
    bold: bool = False
    max_scale: float | None = None
    # Only label a feature whose on-screen box holds the text, so a label never
    # suggests it belongs to a neighbour.
    must_fit: bool = True


@dataclass(frozen=True)
class LayerStyle:
    """Symbols in drawing order, the classifier that picks one per feature, labels.

    `max_scale` is the largest scale denominator at which the layer is drawn
    (None: at any scale): a district view shows villages, and parcels and
    buildings appear as the user zooms in, so the renderer neither reads nor
    draws a million features no one can tell apart.
    """

    symbols: Sequence[Symbol]
    classify: Classifier
    columns: tuple[str, ...] = ()
    label: LabelStyle | None = None
    max_scale: float | None = None
    #: what a legend shows: (text code, symbol index) in reading order; `ui` words the codes
    legend: tuple[tuple[str, int], ...] = ()

    def visible_at(self, scale: float) -> bool:
        return self.max_scale is None or scale <= self.max_scale

    def labelled_at(self, scale: float) -> bool:
        label = self.label
        return label is not None and (label.max_scale is None or scale <= label.max_scale)

    @property
    def all_columns(self) -> tuple[str, ...]:
        cols = list(self.columns)
        if self.label is not None:
            cols += [c for c in self.label.columns if c not in cols]
        return tuple(cols)


def _single(_attrs: Attrs, n: int) -> np.ndarray:
    return np.zeros(n, dtype=np.int64)


def _text_column(column: str) -> LabelText:
    def text(attrs: Attrs, n: int) -> np.ndarray:
        values = attrs.get(column)
        if values is None:
            return np.full(n, None, dtype=object)
        out = np.empty(n, dtype=object)
        out[:] = [v if isinstance(v, str) and v.strip() else None for v in values]
        return out

    return text


def _code_tail(column: str, digits: int) -> LabelText:
    def text(attrs: Attrs, n: int) -> np.ndarray:
        values = attrs.get(column)
        if values is None:
            return np.full(n, None, dtype=object)
        out = np.empty(n, dtype=object)
        out[:] = [v[-digits:] if isinstance(v, str) and v else None for v in values]
        return out

    return text


# ---------------------------------------------------------------- villages
VILLAGE_FILL = QColor(246, 242, 226)
VILLAGE_OUTLINE = QColor(110, 84, 150)


def village_style() -> LayerStyle:
    return LayerStyle(
        symbols=[Symbol(VILLAGE_FILL, VILLAGE_OUTLINE, 1.6, Qt.PenStyle.DashDotLine)],
        classify=_single,
        label=LabelStyle(
            text=_text_column("name"),
            columns=("name",),
            point_size=11.0,
            color=QColor(70, 40, 110),
            bold=True,
            # At district scale a village is smaller than its name: names are
            # placed anyway where they collide with no other label.
            must_fit=False,
        ),
    )


# ---------------------------------------------------------------- towns
TOWN_OUTLINE = QColor(60, 30, 90)


def town_style() -> LayerStyle:
    """Town (镇街) outlines over the villages, their names first among the labels."""
    return LayerStyle(
        symbols=[Symbol(None, TOWN_OUTLINE, 2.6)],
        classify=_single,
        label=LabelStyle(
            text=_text_column("name"),
            columns=("name",),
            point_size=14.0,
            color=QColor(50, 20, 80),
            bold=True,
            must_fit=False,
        ),
    )


# ---------------------------------------------------------------- parcels
PARCEL_FILL = QColor(253, 233, 201)
PARCEL_OUTLINE = QColor(196, 120, 60)
# 1:2,500 is the scale of the cadastral sheets (地籍图) the surveyors deliver.
PARCEL_LABEL_MAX_SCALE = 2500.0
# A town fills the screen near 1:25,000; there a 20 m plot is a few pixels wide.
PARCEL_MAX_SCALE = 25000.0
# At 1:10,000 a 10 m house is four pixels: smaller ones would be specks.
BUILDING_MAX_SCALE = 10000.0


def parcel_style(label: str = "code") -> LayerStyle:
    """Parcels; `label` is "code" (last five digits of 宗地代码), "holder" or "none"."""
    text: LabelStyle | None
    if label == "none":
        text = None
    else:
        column = "holder_name" if label == "holder" else "zddm"
        fn = _text_column(column) if label == "holder" else _code_tail(column, 5)
        text = LabelStyle(
            text=fn,
            columns=(column,),
            point_size=8.0,
            color=QColor(120, 60, 20),
            max_scale=PARCEL_LABEL_MAX_SCALE,
        )
    return LayerStyle(
        symbols=[Symbol(PARCEL_FILL, PARCEL_OUTLINE, 0.8)],
        classify=_single,
        label=text,
        max_scale=PARCEL_MAX_SCALE,
    )


# ---------------------------------------------------------------- buildings
STATUS_COLORS: dict[str, QColor] = {
    BuildingStatus.IN_USE.value: QColor(150, 150, 150),
    BuildingStatus.IDLE.value: QColor(255, 240, 150),
    BuildingStatus.RUIN.value: QColor(205, 133, 63),
    BuildingStatus.DEMOLISHED.value: QColor(110, 110, 110),  # outline colour: no fill
    BuildingStatus.RECLAIMED.value: QColor(120, 190, 100),
}
UNKNOWN_STATUS_COLOR = QColor(255, 255, 255)
RUIN_HATCH = QColor(110, 55, 10)
BUILDING_OUTLINE = QColor(70, 70, 70)
DANGER_OUTLINE = QColor(220, 0, 0)
DANGEROUS_GRADES = frozenset(g.value for g in DangerGrade if g.dangerous)

_STATUSES: tuple[str, ...] = tuple(s.value for s in BuildingStatus)


def _building_symbol(status: str | None, dangerous: bool) -> Symbol:
    stroke = DANGER_OUTLINE if dangerous else BUILDING_OUTLINE
    width = 2.2 if dangerous else 0.8
    if status == BuildingStatus.DEMOLISHED.value:
        outline = DANGER_OUTLINE if dangerous else STATUS_COLORS[status]
        return Symbol(None, outline, max(width, 1.2), Qt.PenStyle.DashLine)
    if status == BuildingStatus.RUIN.value:
        return Symbol(STATUS_COLORS[status], stroke, width, hatch=RUIN_HATCH)
    fill = STATUS_COLORS.get(status or "", UNKNOWN_STATUS_COLOR)
    return Symbol(fill, stroke, width)


def _classify_buildings(attrs: Attrs, n: int) -> np.ndarray:
    status = attrs.get("status", np.full(n, None, dtype=object))
    grade = attrs.get("danger_grade", np.full(n, None, dtype=object))
    # Unknown statuses take the last slot; dangerous ones come after all normal
    # ones so their red borders are drawn on top of any neighbour.
    index = np.full(n, len(_STATUSES), dtype=np.int64)
    for i, value in enumerate(_STATUSES):
        index[status == value] = i
    dangerous = np.isin(grade.astype(str), list(DANGEROUS_GRADES))
    return index + dangerous.astype(np.int64) * (len(_STATUSES) + 1)


def building_style() -> LayerStyle:
    statuses: list[str | None] = [*_STATUSES, None]
    symbols = [_building_symbol(s, False) for s in statuses]
    symbols += [_building_symbol(s, True) for s in statuses]
    return LayerStyle(
        symbols=symbols,
        classify=_classify_buildings,
        columns=("status", "danger_grade"),
        max_scale=BUILDING_MAX_SCALE,
    )


# ---------------------------------------------------------------- reference layers
#: Land use by first-level class of GB/T 21010-2017 (domain-rules §8.2). The hues follow the
#: convention of Chinese land-use maps (耕地 yellow, 园地/林地/草地 greens, built land reds and
#: browns, 水域 blue); they are our own palette, NOT the official colours of the 三调 map
#: standard, which we could not read: a bureau that needs those changes them here.
LANDUSE_COLORS: dict[str, QColor] = {
    "01": QColor(250, 232, 120),  # 耕地
    "02": QColor(200, 230, 150),  # 园地
    "03": QColor(120, 185, 110),  # 林地
    "04": QColor(195, 225, 125),  # 草地
    "05": QColor(240, 150, 150),  # 商业服务业用地
    "06": QColor(190, 150, 130),  # 工矿用地
    "07": QColor(245, 185, 140),  # 住宅用地
    "08": QColor(235, 140, 200),  # 公共管理与公共服务用地
    "09": QColor(170, 150, 190),  # 特殊用地
    "10": QColor(175, 175, 175),  # 交通运输用地
    "11": QColor(150, 205, 240),  # 水域及水利设施用地
    "12": QColor(225, 215, 195),  # 其他土地
}
LANDUSE_OTHER = QColor(255, 255, 255)
LANDUSE_OUTLINE = QColor(150, 140, 120)
_LANDUSE_CLASSES: tuple[str, ...] = tuple(LANDUSE_COLORS)
BASIC_FARMLAND = QColor(40, 140, 40)
PLAN_BOUNDARY = QColor(200, 40, 160)
HAZARD = QColor(210, 30, 30)
#: Reference layers are survey maps of a whole county: drawn from about a town's view in,
#: where a 三调 patch is a few pixels across (a 500,000-patch county is not read whole).
REFERENCE_MAX_SCALE = 50000.0


def _classify_landuse(attrs: Attrs, n: int) -> np.ndarray:
    codes = attrs.get("dlbm", np.full(n, None, dtype=object))
    first = np.array([c.strip()[:2] if isinstance(c, str) else "" for c in codes], dtype="U2")
    out = np.full(n, len(_LANDUSE_CLASSES), dtype=np.int64)  # unrecognised: the last slot
    for i, cls in enumerate(_LANDUSE_CLASSES):
        out[first == cls] = i
    return out


def landuse_style() -> LayerStyle:
    """三调 地类图斑 filled by first-level class (01 耕地 ... 12 其他土地), with a legend."""
    symbols = [Symbol(LANDUSE_COLORS[c], LANDUSE_OUTLINE, 0.5) for c in _LANDUSE_CLASSES]
    symbols.append(Symbol(LANDUSE_OTHER, LANDUSE_OUTLINE, 0.5))
    legend = tuple((f"landuse.{c}", i) for i, c in enumerate(_LANDUSE_CLASSES))
    return LayerStyle(
        symbols=symbols,
        classify=_classify_landuse,
        columns=("dlbm",),
        max_scale=REFERENCE_MAX_SCALE,
        legend=(*legend, ("landuse.other", len(_LANDUSE_CLASSES))),
    )


def reference_style(kind: str) -> LayerStyle:
    """The built-in style of a reference layer (`kind` as `import --layer` names it)."""
    if kind == "landuse":
        return landuse_style()
    if kind == "basic-farmland":
        # hatched over the land use, so the class below still shows
        symbol = Symbol(None, BASIC_FARMLAND, 1.4, hatch=BASIC_FARMLAND,
                        hatch_style=Qt.BrushStyle.FDiagPattern)  # fmt: skip
    elif kind == "village-plan":
        symbol = Symbol(None, PLAN_BOUNDARY, 2.0, Qt.PenStyle.DashLine)
    elif kind == "hazard-zones":
        symbol = Symbol(QColor(210, 30, 30, 50), HAZARD, 1.6, hatch=HAZARD,
                        hatch_style=Qt.BrushStyle.DiagCrossPattern)  # fmt: skip
    elif kind == "hazard-points":
        # the disc of each point's threat radius, as the project stores it
        symbol = Symbol(QColor(210, 30, 30, 40), HAZARD, 1.6, Qt.PenStyle.DashLine)
    else:  # another named polygon layer
        symbol = Symbol(None, QColor(90, 90, 90), 1.2)
    legend = (("legend.hazard_disc", 0),) if kind == "hazard-points" else ()
    return LayerStyle(
        symbols=[symbol], classify=_single, max_scale=REFERENCE_MAX_SCALE, legend=legend
    )


def default_style(layer: str) -> LayerStyle:
    """The built-in style of a store layer."""
    if layer == "villages":
        return village_style()
    if layer == "towns":
        return town_style()
    if layer == "parcels":
        return parcel_style()
    if layer == "buildings":
        return building_style()
    return LayerStyle(symbols=[Symbol(QColor(220, 220, 220), QColor(90, 90, 90))], classify=_single)


def project_styles(settings: ProjectSettings) -> dict[str, LayerStyle]:
    """The built-in styles with the scale limits saved in the project (settings map.*)."""
    out: dict[str, LayerStyle] = {}
    for name in ("villages", "towns", "parcels", "buildings"):
        style = default_style(name)
        style = replace(style, max_scale=settings[f"map.{name}.max_scale"])
        key = f"map.{name}.label_max_scale"
        if style.label is not None and key in settings.values:
            style = replace(style, label=replace(style.label, max_scale=settings[key]))
        out[name] = style
    return out
