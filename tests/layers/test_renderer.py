"""The renderer draws a small project offscreen; assertions read the pixels."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pytest
import shapely
from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QFontDatabase, QImage, QPainter, QPainterPath, QPdfWriter

import layers.renderer as renderer_mod
from layers import (
    STATUS_COLORS,
    MapRenderer,
    VectorLayer,
    ViewTransform,
    cjk_font_family,
    load_layers,
    polygons_to_path,
    scale_text,
)
from layers.style import DANGER_OUTLINE, PARCEL_FILL, RUIN_HATCH, parcel_style
from qjgis.store import GpkgStore

pytestmark = pytest.mark.gui

X0, Y0 = 36_358_000.0, 3_205_000.0
VILLAGES = ("麻柳村", "石佛村", "永新村")
STATUSES = ("在用", "闲置", "残垣断壁", "已拆除", "已复垦")
SIZE = QSize(600, 400)


@dataclass(frozen=True)
class Building:
    status: str
    grade: str
    box: tuple[float, float, float, float]

    @property
    def centre(self) -> tuple[float, float]:
        return ((self.box[0] + self.box[2]) / 2, (self.box[1] + self.box[3]) / 2)


@dataclass(frozen=True)
class Project:
    path: Path
    buildings: list[Building]
    village_boxes: list[tuple[float, float, float, float]]


def build_project(path: Path) -> Project:
    """Three villages side by side, a grid of 40 x 50 m parcels, one 16 m house on each."""
    store = GpkgStore.create(path)
    village_boxes = [(X0 + i * 400, Y0, X0 + (i + 1) * 400, Y0 + 300) for i in range(3)]
    parcels, zddm, holders, buildings = [], [], [], []
    k = 0
    for v in range(3):
        for i in range(6):
            for j in range(4):
                k += 1
                x, y = X0 + v * 400 + 20 + i * 60, Y0 + 20 + j * 70
                parcels.append(shapely.box(x, y, x + 40, y + 50))
                zddm.append(f"500110108{v + 1:03d}JC{k:05d}")
                holders.append(f"张{k}")
                grade = "D" if k % 7 == 0 else ("C" if k % 11 == 0 else "A")
                buildings.append(Building(STATUSES[k % 5], grade, (x + 4, y + 4, x + 20, y + 20)))
    with store.transaction() as conn:
        store.insert_features(
            conn,
            "villages",
            np.array([shapely.box(*b) for b in village_boxes], dtype=object),
            {
                "code": np.array([f"50011010800{i + 1}" for i in range(3)], dtype=object),
                "name": np.array(VILLAGES, dtype=object),
            },
        )
        store.insert_features(
            conn,
            "parcels",
            np.array(parcels, dtype=object),
            {"zddm": np.array(zddm, dtype=object), "holder_name": np.array(holders, dtype=object)},
        )
        store.insert_features(
            conn,
            "buildings",
            np.array([shapely.box(*b.box) for b in buildings], dtype=object),
            {
                "status": np.array([b.status for b in buildings], dtype=object),
                "danger_grade": np.array([b.grade for b in buildings], dtype=object),
                "zddm": np.array(zddm, dtype=object),
            },
        )
    store.close()
    return Project(path, buildings, village_boxes)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return build_project(tmp_path_factory.mktemp("render") / "small.gpkg")


@pytest.fixture
def renderer(project: Project, qapp: object) -> MapRenderer:
    store = GpkgStore.open(project.path)
    try:
        return MapRenderer(load_layers(store))
    finally:
        store.close()


def around(b: Building, margin: float = 10.0) -> tuple[float, float, float, float]:
    return (b.box[0] - margin, b.box[1] - margin, b.box[2] + margin, b.box[3] + margin)


def pixel_of(extent: tuple[float, float, float, float], x: float, y: float) -> tuple[int, int]:
    p = ViewTransform.fit(extent, SIZE).world_to_pixel(np.array([[x, y]]))[0]
    return int(p[0]), int(p[1])


def rgb(image: QImage, px: tuple[int, int]) -> tuple[int, int, int]:
    c = QColor(image.pixel(px[0], px[1]))
    return (c.red(), c.green(), c.blue())


def rgb_of(color: QColor) -> tuple[int, int, int]:
    return (color.red(), color.green(), color.blue())


def first(project: Project, status: str, *, dangerous: bool = False) -> Building:
    return next(
        b for b in project.buildings if b.status == status and (b.grade in "CD") == dangerous
    )


def as_array(image: QImage) -> np.ndarray:
    """Pixels as an (h, w, 3) RGB array."""
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    arr = np.frombuffer(image.constBits(), dtype=np.uint8).reshape(
        image.height(), image.bytesPerLine() // 4, 4
    )
    return arr[:, : image.width(), 2::-1].copy()  # bytes are B, G, R, A in memory


# ---------------------------------------------------------------- symbology
@pytest.mark.parametrize("status", ["在用", "闲置", "已复垦"])
def test_building_centre_has_its_status_colour(
    renderer: MapRenderer, project: Project, status: str
) -> None:
    b = first(project, status)
    renderer.labels_enabled = False
    extent = around(b)
    image = renderer.render_image(extent, SIZE)
    assert rgb(image, pixel_of(extent, *b.centre)) == rgb_of(STATUS_COLORS[status])


def test_ruin_is_filled_brown_and_hatched(renderer: MapRenderer, project: Project) -> None:
    b = first(project, "残垣断壁")
    renderer.labels_enabled = False
    extent = around(b)
    image = as_array(renderer.render_image(extent, SIZE))
    x0, y1 = pixel_of(extent, b.box[0], b.box[1])
    x1, y0 = pixel_of(extent, b.box[2], b.box[3])
    inside = image[y0 + 5 : y1 - 5, x0 + 5 : x1 - 5].reshape(-1, 3)
    colours = {tuple(int(v) for v in c) for c in inside}
    assert rgb_of(STATUS_COLORS["残垣断壁"]) in colours
    assert rgb_of(RUIN_HATCH) in colours


def test_demolished_building_is_an_outline_only(renderer: MapRenderer, project: Project) -> None:
    b = first(project, "已拆除")
    renderer.labels_enabled = False
    extent = around(b)
    image = renderer.render_image(extent, SIZE)
    # The parcel shows through the footprint: nothing fills it.
    assert rgb(image, pixel_of(extent, *b.centre)) == rgb_of(PARCEL_FILL)
    # ... but its edge is drawn, dashed: some of it in the outline colour, some not.
    x, _ = pixel_of(extent, b.box[0], b.centre[1])
    _, top = pixel_of(extent, b.box[0], b.box[3])
    _, bottom = pixel_of(extent, b.box[0], b.box[1])
    edge = [rgb(image, (x, y)) != rgb_of(PARCEL_FILL) for y in range(top + 8, bottom - 8)]
    assert 0.3 < sum(edge) / len(edge) < 0.9


def test_dangerous_building_has_a_red_border(renderer: MapRenderer, project: Project) -> None:
    b = first(project, "在用", dangerous=True)
    renderer.labels_enabled = False
    extent = around(b)
    image = renderer.render_image(extent, SIZE)
    r, g, bl = rgb(image, pixel_of(extent, b.box[0], b.centre[1]))
    red = rgb_of(DANGER_OUTLINE)
    assert abs(r - red[0]) < 30
    assert max(g, bl) < 60
    # A safe building of the same status keeps a dark grey border.
    safe = first(project, "在用")
    extent = around(safe)
    image = renderer.render_image(extent, SIZE)
    r, g, bl = rgb(image, pixel_of(extent, safe.box[0], safe.centre[1]))
    assert max(r, g, bl) - min(r, g, bl) < 20


def test_area_outside_all_features_stays_background(
    renderer: MapRenderer, project: Project
) -> None:
    full = renderer.full_extent()
    assert full is not None
    extent = (full[0] - 500, full[1] - 500, full[2] + 500, full[3] + 500)
    image = renderer.render_image(extent, SIZE)
    assert rgb(image, (2, 2)) == (255, 255, 255)
    assert rgb(image, (SIZE.width() - 3, SIZE.height() - 3)) == (255, 255, 255)
    # ... while the middle of the data is not.
    assert rgb(image, (SIZE.width() // 2, SIZE.height() // 2)) != (255, 255, 255)


def test_north_is_up(renderer: MapRenderer, project: Project) -> None:
    """Only the lower half of the world extent holds data: it must be drawn at the bottom."""
    full = renderer.full_extent()
    assert full is not None
    height = full[3] - full[1]
    extent = (full[0], full[1], full[2], full[3] + height)
    image = as_array(renderer.render_image(extent, SIZE))
    t = ViewTransform.fit(extent, SIZE)
    _, data_top = t.world_to_pixel(np.array([[full[0], full[3]]]))[0]
    assert (image[: int(data_top) - 2] == 255).all()
    assert not (image[int(data_top) + 2 :] == 255).all()


# ---------------------------------------------------------------- labels
def test_village_label_is_drawn_where_it_fits(renderer: MapRenderer, project: Project) -> None:
    full = renderer.full_extent()
    assert full is not None
    with_labels = as_array(renderer.render_image(full, SIZE))
    assert renderer.last_stats.labels.get("villages") == 3
    renderer.labels_enabled = False
    without = as_array(renderer.render_image(full, SIZE))
    changed = np.argwhere((with_labels != without).any(axis=2))
    assert len(changed) > 100
    layer = renderer.layer("villages")
    assert layer is not None
    t = ViewTransform.fit(full, SIZE)
    anchors = t.world_to_pixel(
        shapely.get_coordinates(shapely.point_on_surface(layer.features(full, 0.0).geometry))
    )
    for ax, ay in anchors:
        near = changed[(abs(changed[:, 0] - ay) < 15) & (abs(changed[:, 1] - ax) < 40)]
        assert len(near) > 20, "no label drawn at a village's representative point"
    # Labels draw dark text, not only a white halo.
    ys, xs = changed[:, 0], changed[:, 1]
    assert (with_labels[ys, xs].sum(axis=1) < 300).sum() > 20


def test_village_names_that_do_not_fit_are_placed_without_overlap(
    renderer: MapRenderer,
) -> None:
    # 1,200 m of villages on 120 px: each village is 40 px wide, its name wider.
    full = renderer.full_extent()
    assert full is not None
    renderer.render_image(full, QSize(120, 40))
    drawn = renderer.last_stats.labels.get("villages", 0)
    assert 1 <= drawn < 3  # names at district scale, but never on top of each other


def test_parcel_labels_must_fit_their_parcel(qapp: object) -> None:
    small = shapely.box(0, 0, 5, 5)  # 19 px at 1:1,000: less than its code is wide
    big = shapely.box(20, 0, 60, 40)
    codes = np.array(["500110108001JC00001", "500110108001JC00002"], dtype=object)
    layer = VectorLayer.from_arrays("parcels", [small, big], {"zddm": codes}, parcel_style())
    renderer = MapRenderer([layer])
    renderer.render_image((-10, -10, 90, 50), QSize(378, 227))  # 1:1,000
    assert renderer.last_stats.scale < 2500
    assert renderer.last_stats.labels["parcels"] == 1


def test_village_name_stays_in_view_when_zoomed_in(renderer: MapRenderer) -> None:
    layer = renderer.layer("villages")
    assert layer is not None
    extent = (X0 + 10, Y0 + 10, X0 + 160, Y0 + 110)  # a corner of 麻柳村, not its centre
    full = layer.extent()
    assert full is not None
    feats = layer.features(full, 0.0)
    x, y = layer.label_points(feats.fids, feats.geometry)[0]
    assert not (extent[0] <= x <= extent[2] and extent[1] <= y <= extent[3])
    renderer.render_image(extent, SIZE)
    assert renderer.last_stats.labels["villages"] == 1


def test_parcel_labels_only_when_zoomed_in(renderer: MapRenderer, project: Project) -> None:
    full = renderer.full_extent()
    assert full is not None
    renderer.render_image(full, SIZE)
    assert renderer.last_stats.scale > 2500
    assert "parcels" not in renderer.last_stats.labels
    b = project.buildings[0]
    extent = around(b, 60)
    renderer.render_image(extent, SIZE)
    assert renderer.last_stats.scale < 2500
    assert renderer.last_stats.labels["parcels"] >= 1


# ---------------------------------------------------------------- culling and visibility
def test_features_outside_the_extent_are_not_converted(
    renderer: MapRenderer, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    converted: list[np.ndarray] = []
    real = renderer_mod.polygons_to_paths

    def spy(
        geoms: np.ndarray, transform: ViewTransform, splits: np.ndarray | None = None
    ) -> list[QPainterPath]:
        converted.append(np.asarray(geoms, dtype=object))
        return real(geoms, transform, splits)

    monkeypatch.setattr(renderer_mod, "polygons_to_paths", spy)
    extent = (X0, Y0, X0 + 150, Y0 + 120)  # the corner of the first village
    renderer.render_image(extent, SIZE)
    drawn = np.concatenate(converted)
    assert len(drawn) > 0
    box = shapely.box(*renderer.last_stats.extent)
    assert shapely.intersects(drawn, box).all()
    parcels = renderer.layer("parcels")
    assert parcels is not None
    every = renderer.full_extent()
    assert every is not None
    expected = int(shapely.intersects(parcels.features(every, 0.0).geometry, box).sum())
    assert renderer.last_stats.features["parcels"] == expected
    assert 0 < expected < len(parcels)


def test_features_smaller_than_a_pixel_are_skipped(renderer: MapRenderer) -> None:
    buildings = renderer.layer("buildings")
    assert buildings is not None
    buildings.style = replace(buildings.style, max_scale=None)  # shown at any scale
    full = renderer.full_extent()
    assert full is not None
    cx, cy = (full[0] + full[2]) / 2, (full[1] + full[3]) / 2
    extent = (cx - 20_000, cy - 15_000, cx + 20_000, cy + 15_000)  # ~67 m a pixel
    renderer.render_image(extent, SIZE)
    assert renderer.last_stats.features["buildings"] == 0
    assert renderer.last_stats.features["villages"] == 3


def test_hidden_layer_is_not_drawn(renderer: MapRenderer, project: Project) -> None:
    b = first(project, "在用")
    renderer.labels_enabled = False
    extent = around(b)
    buildings = renderer.layer("buildings")
    assert buildings is not None
    buildings.visible = False
    image = renderer.render_image(extent, SIZE)
    assert "buildings" not in renderer.last_stats.features
    assert rgb(image, pixel_of(extent, *b.centre)) == rgb_of(PARCEL_FILL)


def test_paths_keep_holes_and_overlaps(qapp: object) -> None:
    ring = shapely.Polygon(
        [(0, 0), (100, 0), (100, 100), (0, 100)], [[(40, 40), (60, 40), (60, 60), (40, 60)]]
    )
    other = shapely.box(80, 80, 140, 140)  # overlaps the first
    layer = VectorLayer.from_arrays("zones", [ring, other])
    extent = (0.0, 0.0, 150.0, 150.0)
    t = ViewTransform.fit(extent, QSize(150, 150))
    image = QImage(QSize(150, 150), QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.fillPath(polygons_to_path(layer.geometry, t), QColor("black"))
    painter.end()

    def at(x: float, y: float) -> tuple[int, int, int]:
        p = t.world_to_pixel(np.array([[x, y]]))[0]
        return rgb(image, (int(p[0]), int(p[1])))

    assert at(20, 20) == (0, 0, 0)
    assert at(50, 50) == (255, 255, 255)  # the hole
    assert at(90, 90) == (0, 0, 0)  # where the two overlap
    assert at(120, 120) == (0, 0, 0)
    assert at(120, 20) == (255, 255, 255)


def test_render_onto_a_pdf(renderer: MapRenderer, tmp_path: Path) -> None:
    out = tmp_path / "map.pdf"
    writer = QPdfWriter(str(out))
    writer.setResolution(300)
    painter = QPainter(writer)
    full = renderer.full_extent()
    assert full is not None
    size = QSize(writer.width(), writer.height())
    stats = renderer.render(painter, full, size)
    painter.end()
    assert out.read_bytes().startswith(b"%PDF")
    assert stats.features["parcels"] == 72
    assert stats.labels["villages"] == 3


# ---------------------------------------------------------------- helpers
def test_view_transform_round_trip() -> None:
    t = ViewTransform.fit((X0, Y0, X0 + 600, Y0 + 400), QSize(600, 400))
    assert t.units_per_pixel == pytest.approx(1.0)
    assert tuple(t.world_to_pixel(np.array([[X0, Y0 + 400]]))[0]) == pytest.approx((0, 0))
    assert t.pixel_to_world(600, 400) == pytest.approx((X0 + 600, Y0))
    assert t.scale_denominator(96) == pytest.approx(1 / (0.0254 / 96))


def test_scale_text() -> None:
    assert scale_text(2512.3) == "1:2,500"
    assert scale_text(123_456) == "1:120,000"
    assert scale_text(0) == "—"


def test_labels_use_a_font_that_has_chinese(qapp: object) -> None:
    family = cjk_font_family()
    if family is None:
        pytest.skip("no CJK font installed")
    systems = QFontDatabase.writingSystems(family)
    assert QFontDatabase.WritingSystem.SimplifiedChinese in systems
