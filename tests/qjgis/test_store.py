"""The project store (GpkgStore): real GeoPackage files in tmp_path, read back by GDAL too.

Headless tier: nothing here imports PySide6, pytest-qt, `layers` or `ui`.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyogrio
import pytest
import shapely
from pyogrio import raw
from pyproj import CRS

from qjgis import gpkg, schema
from qjgis import settings as settings_mod
from qjgis.errors import QjgisError
from qjgis.store import GpkgStore, file_sha256

SPATIAL = ("villages", "parcels", "buildings", "reference_features")
OGRINFO = shutil.which("ogrinfo")
OGR2OGR = shutil.which("ogr2ogr")


# ---------------------------------------------------------------- helpers
def _listing(folder: Path) -> list[str]:
    return sorted(os.listdir(folder))


def _geometry_srs(store: GpkgStore) -> dict[str, int]:
    return dict(store.execute_sql("SELECT table_name, srs_id FROM gpkg_geometry_columns"))


def _rtree_rows(store: GpkgStore, layer: str = "parcels") -> list[tuple[float, ...]]:
    return store.execute_sql(f"SELECT * FROM rtree_{layer}_geom ORDER BY id")


def _raw_write(path: Path, *sql: str) -> None:
    """Edit a file behind the store's back, as another program would."""
    conn = sqlite3.connect(path)
    try:
        gpkg.register_functions(conn)
        for statement in sql:
            conn.execute(statement)
        conn.commit()
    finally:
        conn.close()


def _begin(store: GpkgStore) -> None:
    with store.transaction():
        pass


def _srs_rows(epsg: int) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = [
        ("Undefined cartesian SRS", -1, "NONE", -1, "undefined", None),
        ("Undefined geographic SRS", 0, "NONE", 0, "undefined", None),
    ]
    for code in sorted({4326, epsg}):
        crs = CRS.from_epsg(code)
        rows.append((crs.name, code, "EPSG", code, crs.to_wkt("WKT1_GDAL"), None))
    return rows


def write_schema1_project(path: Path, geoms: np.ndarray, zl: list[str], epsg: int = 4524) -> None:
    """A project as schema 1 wrote it: migration step 1 only, run as GpkgStore.create runs it."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        gpkg.register_functions(conn)
        conn.execute(f"PRAGMA application_id = {schema.GPKG_APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {schema.GPKG_USER_VERSION}")
        conn.execute("BEGIN")
        schema.MIGRATIONS[1](conn, epsg)
        conn.executemany("INSERT INTO gpkg_spatial_ref_sys VALUES (?,?,?,?,?,?)", _srs_rows(epsg))
        conn.executemany(
            "INSERT INTO qj_meta VALUES (?, ?)",
            [("application", schema.APPLICATION), ("schema_version", "1")],
        )
        conn.executemany(
            "INSERT INTO qj_settings (key, value) VALUES (?, ?)",
            [(k, json.dumps(v, ensure_ascii=False)) for k, v in settings_mod.defaults().items()],
        )
        blobs = gpkg.encode(shapely.multipolygons([[g] for g in geoms]), epsg)
        # A plain INSERT: the R-tree triggers call the registered ST_* functions.
        conn.executemany(
            "INSERT INTO parcels (geom, zl) VALUES (?, ?)", zip(blobs.tolist(), zl, strict=True)
        )
        conn.execute("COMMIT")
    finally:
        conn.close()


@pytest.fixture
def filled_path(
    project: GpkgStore,
    project_path: Path,
    squares: Callable[..., np.ndarray],
    add_features: Callable[..., np.ndarray],
) -> Path:
    """A closed project holding 12 parcels with Chinese text."""
    names = np.array([f"石角镇麻柳村{i}组" for i in range(12)], dtype=object)
    add_features(project, squares(12), columns={"zl": names})
    project.close()
    return project_path


# ---------------------------------------------------------------- create / open
def test_create_then_open_round_trip(project_path: Path) -> None:
    GpkgStore.create(project_path).close()
    assert project_path.read_bytes()[:16] == b"SQLite format 3\x00"
    with GpkgStore.open(project_path) as store:
        assert store.schema_version == schema.SCHEMA_VERSION
        assert store.meta()["application"] == schema.APPLICATION
        assert store.settings().crs == "EPSG:4524"
        assert _geometry_srs(store) == dict.fromkeys(SPATIAL, 4524)
        counts = store.counts()
        assert counts.pop("qj_settings") == len(settings_mod.SPECS)
        assert set(counts.values()) == {0}
        assert store.execute_sql("PRAGMA application_id")[0][0] == schema.GPKG_APPLICATION_ID
        assert store.integrity_check() == []
        for layer in SPATIAL:
            assert store.extent(layer) is None


def test_create_with_another_projected_crs(project_path: Path) -> None:
    GpkgStore.create(project_path, crs="EPSG:4523").close()
    with GpkgStore.open(project_path) as store:
        assert store.settings().crs == "EPSG:4523"
        assert _geometry_srs(store) == dict.fromkeys(SPATIAL, 4523)
        srs = {r[0] for r in store.execute_sql("SELECT srs_id FROM gpkg_spatial_ref_sys")}
        assert 4523 in srs
        assert store.integrity_check() == []
    assert pyogrio.read_info(project_path, layer="parcels")["crs"] == "EPSG:4523"


@pytest.mark.parametrize("crs", ["EPSG:4490", "EPSG:4326", "EPSG:99999", "garbage"])
def test_create_refuses_a_crs_that_is_not_projected_and_leaves_no_file(
    tmp_path: Path, crs: str
) -> None:
    with pytest.raises(QjgisError) as exc:
        GpkgStore.create(tmp_path / "p.gpkg", crs=crs)
    assert exc.value.code == "invalid_setting"
    assert exc.value.params["key"] == "project.crs"
    assert _listing(tmp_path) == []


@pytest.mark.parametrize(
    "values",
    [
        {"area.per_person_other": -1},
        {"user.role": "boss"},
        {"area.household_min": 6},  # consistent alone, not with the default maximum of 5
    ],
)
def test_create_refuses_invalid_settings_and_leaves_no_file(
    tmp_path: Path, values: dict[str, object]
) -> None:
    with pytest.raises(QjgisError) as exc:
        GpkgStore.create(tmp_path / "p.gpkg", settings=values)
    assert exc.value.code == "invalid_setting"
    assert _listing(tmp_path) == []


def test_create_stores_given_settings(project_path: Path) -> None:
    values = {"user.name": "张三", "area.tolerance_m2": "15"}
    GpkgStore.create(project_path, settings=values).close()
    with GpkgStore.open(project_path) as store:
        assert store.settings().user == "张三"
        assert store.settings()["area.tolerance_m2"] == 15.0


def test_create_refuses_an_existing_path_unless_overwrite(
    filled_path: Path, tmp_path: Path
) -> None:
    before = file_sha256(filled_path)
    with pytest.raises(QjgisError) as exc:
        GpkgStore.create(filled_path)
    assert exc.value.code == "file_exists"
    assert file_sha256(filled_path) == before
    assert _listing(tmp_path) == [filled_path.name]

    with GpkgStore.create(filled_path, overwrite=True, crs="EPSG:4523") as store:
        assert store.counts()["parcels"] == 0
        assert store.settings().crs == "EPSG:4523"
    assert _listing(tmp_path) == [filled_path.name]


def test_create_in_a_missing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(QjgisError) as exc:
        GpkgStore.create(tmp_path / "nowhere" / "p.gpkg")
    assert exc.value.code == "file_not_found"
    assert _listing(tmp_path) == []


# ---------------------------------------------------------------- features in and out
def test_insert_and_read_features_round_trip(
    project: GpkgStore, project_path: Path, origin: tuple[float, float]
) -> None:
    x, y = origin
    two_parts = shapely.MultiPolygon(
        [shapely.box(x + 40, y, x + 50, y + 10), shapely.box(x + 60, y, x + 70, y + 12.5)]
    )
    geoms = np.array(
        [
            shapely.Polygon([(x, y), (x + 12.25, y), (x + 10, y + 9.75), (x + 0.5, y + 11)]),
            two_parts,
            shapely.box(x + 100.125, y + 0.375, x + 118.5, y + 20.875),
        ],
        dtype=object,
    )
    columns = {
        "zddm": np.array(["500110001001JC00001", "500110001001JC00002", "500110001001JC00003"]),
        "zl": np.array(["石角镇麻柳村", "残垣断壁", None], dtype=object),
        "holder_name": np.array(["张三", "李四", "王五"]),
        "zdmj": np.array([123.456789, np.nan, 0.1]),
        "acquired": np.array(["1986-05-01", "NaT", "2001-12-31"], dtype="datetime64[D]"),
        "approval_date": np.array(["2019-07-08T13:45", "NaT", "NaT"], dtype="datetime64[m]"),
        "must_demolish_old": np.array([True, False, True]),
    }
    with project.transaction() as conn:
        fids = project.insert_features(conn, "parcels", geoms, columns)
    assert fids.tolist() == [1, 2, 3]

    data = project.read_layer("parcels")
    assert len(data) == 3
    assert data.fids.tolist() == [1, 2, 3]
    assert all(g.geom_type == "MultiPolygon" for g in data.geometry)
    assert shapely.equals(data.geometry, geoms).all()
    assert shapely.equals_exact(data.geometry[1], two_parts, tolerance=0)
    assert data.attrs["zl"].tolist() == ["石角镇麻柳村", "残垣断壁", None]
    assert data.attrs["holder_name"].tolist() == ["张三", "李四", "王五"]
    assert data.attrs["zddm"][0] == "500110001001JC00001"
    zdmj = data.attrs["zdmj"]
    assert zdmj.dtype == np.float64
    assert zdmj[0] == 123.456789
    assert np.isnan(zdmj[1])
    assert zdmj[2] == 0.1
    assert data.attrs["acquired"].tolist() == ["1986-05-01", None, "2001-12-31"]
    assert data.attrs["approval_date"].tolist() == ["2019-07-08", None, None]
    assert data.attrs["must_demolish_old"].tolist() == [1, 0, 1]
    assert data.attrs["row_version"].tolist() == [1, 1, 1]

    # What is actually stored: NULL for NaN and NaT, ISO dates as text, booleans as 0/1.
    stored = project.execute_sql(
        "SELECT zdmj IS NULL, acquired, typeof(acquired), must_demolish_old, "
        "typeof(must_demolish_old) FROM parcels ORDER BY fid"
    )
    assert stored == [
        (0, "1986-05-01", "text", 1, "integer"),
        (1, None, "null", 0, "integer"),
        (0, "2001-12-31", "text", 1, "integer"),
    ]
    # The blob header carries the project SRS.
    headers = project.execute_sql("SELECT substr(geom, 1, 2), hex(substr(geom, 5, 4)) FROM parcels")
    assert set(headers) == {(b"GP", (4524).to_bytes(4, "little").hex().upper())}

    # The same data after closing and reopening the file.
    project.close()
    with GpkgStore.open(project_path) as again:
        reread = again.read_layer("parcels", columns=["zl", "acquired"])
        assert set(reread.attrs) == {"zl", "acquired"}
        assert reread.attrs["zl"].tolist() == ["石角镇麻柳村", "残垣断壁", None]
        assert shapely.equals(reread.geometry, geoms).all()
        assert again.integrity_check() == []


def test_missing_and_empty_geometries_are_kept_but_not_indexed(
    project: GpkgStore, origin: tuple[float, float], add_features: Callable[..., np.ndarray]
) -> None:
    x, y = origin
    geoms = np.array([shapely.box(x, y, x + 5, y + 5), None, shapely.Polygon()], dtype=object)
    add_features(project, geoms)
    data = project.read_layer("parcels")
    assert data.geometry[1] is None
    assert data.geometry[2].is_empty
    assert [r[0] for r in _rtree_rows(project)] == [1]
    assert project.read_layer("parcels", bbox=(x - 1, y - 1, x + 1, y + 1)).fids.tolist() == [1]
    assert project.integrity_check() == []


def test_attribute_rows_round_trip(project: GpkgStore) -> None:
    with project.transaction() as conn:
        fids = project.insert_rows(
            conn,
            "households",
            {
                "household_no": np.array(["5001100010010001", "5001100010010002"]),
                "head_name": np.array(["张三", "欧阳娜娜"]),
                "lives_in_village": np.array([True, False]),
            },
        )
    assert fids.tolist() == [1, 2]
    table = project.read_table("households", columns=["head_name", "lives_in_village"])
    assert table["fid"].tolist() == [1, 2]
    assert table["head_name"].tolist() == ["张三", "欧阳娜娜"]
    assert table["lives_in_village"].tolist() == [1, 0]


def test_reading_unknown_layers_and_columns_is_refused(project: GpkgStore) -> None:
    with pytest.raises(QjgisError) as exc:
        project.read_layer("roads")
    assert exc.value.code == "unknown_layer"
    with pytest.raises(QjgisError) as exc:
        project.read_layer("households")  # a table, not a spatial layer
    assert exc.value.code == "unknown_layer"
    with pytest.raises(QjgisError) as exc:
        project.extent("households")
    assert exc.value.code == "unknown_layer"
    with pytest.raises(QjgisError) as exc:
        project.read_layer("parcels", columns=["zddm", "no_such_column"])
    assert exc.value.code == "invalid_argument"


def _random_boxes(
    rng: np.random.Generator, origin: tuple[float, float], n: int
) -> list[tuple[float, float, float, float]]:
    x, y = origin
    out = []
    for _ in range(n):
        minx = x + rng.uniform(-50.0, 1000.0)
        miny = y + rng.uniform(-50.0, 1000.0)
        out.append((minx, miny, minx + rng.uniform(0.5, 300.0), miny + rng.uniform(0.5, 300.0)))
    return out


def _bounds_intersect(bounds: np.ndarray, box: tuple[float, float, float, float]) -> np.ndarray:
    return (
        (bounds[:, 2] >= box[0])
        & (bounds[:, 0] <= box[2])
        & (bounds[:, 3] >= box[1])
        & (bounds[:, 1] <= box[3])
    )


def test_bbox_read_never_misses_a_feature(
    project: GpkgStore,
    origin: tuple[float, float],
    scattered: Callable[..., np.ndarray],
    add_features: Callable[..., np.ndarray],
) -> None:
    geoms = scattered(300, seed=1)
    fids = add_features(project, geoms)
    bounds = shapely.bounds(geoms)
    rng = np.random.default_rng(2)
    for box in _random_boxes(rng, origin, 60):
        expected = set(fids[_bounds_intersect(bounds, box)].tolist())
        got = project.read_layer("parcels", bbox=box)
        assert expected <= set(got.fids.tolist()), box
        # Whatever else comes back comes from within the R-tree's float32 rounding (< 10 m).
        grown = (box[0] - 10.0, box[1] - 10.0, box[2] + 10.0, box[3] + 10.0)
        assert set(got.fids.tolist()) <= set(fids[_bounds_intersect(bounds, grown)].tolist())
        # Geometries and attributes come back aligned with their fids.
        assert shapely.equals(got.geometry, geoms[got.fids - 1]).all()


def test_bbox_read_returns_exactly_the_features_whose_bounds_intersect(
    project: GpkgStore,
    origin: tuple[float, float],
    scattered: Callable[..., np.ndarray],
    squares: Callable[..., np.ndarray],
    add_features: Callable[..., np.ndarray],
) -> None:
    x, y = origin
    geoms = np.concatenate([squares(10), scattered(200, seed=3, span=800.0)])
    # Shift the scattered ones north, clear of the first row of squares.
    geoms[10:] = shapely.transform(geoms[10:], lambda c: c + np.array([0.0, 100.0]))
    fids = add_features(project, geoms)
    bounds = shapely.bounds(geoms)
    boxes = _random_boxes(np.random.default_rng(4), origin, 40)
    # Boxes inside the 10 m gaps between squares 1|2 and 2|3: half a metre clear of both.
    boxes += [(x + 10.5, y, x + 19.5, y + 10.0), (x + 30.5, y + 2.0, x + 39.5, y + 8.0)]
    for box in boxes:
        expected = fids[_bounds_intersect(bounds, box)].tolist()
        assert project.read_layer("parcels", bbox=box).fids.tolist() == expected, box


def test_extent_covers_every_feature(
    project: GpkgStore,
    scattered: Callable[..., np.ndarray],
    add_features: Callable[..., np.ndarray],
) -> None:
    assert project.extent("parcels") is None
    geoms = scattered(50, seed=5)
    add_features(project, geoms)
    minx, miny, maxx, maxy = shapely.total_bounds(geoms)
    ext = project.extent("parcels")
    assert ext is not None
    assert ext[0] <= minx
    assert ext[1] <= miny
    assert ext[2] >= maxx
    assert ext[3] >= maxy
    assert np.allclose(ext, (minx, miny, maxx, maxy), rtol=0, atol=10.0)
    assert project.extent("buildings") is None
    # gpkg_contents, where GDAL and QGIS read a layer's extent, is kept up to date too.
    row = project.execute_sql(
        "SELECT min_x, min_y, max_x, max_y FROM gpkg_contents WHERE table_name = 'parcels'"
    )[0]
    assert np.allclose(row, (minx, miny, maxx, maxy), rtol=0, atol=10.0)


def test_extent_is_the_exact_union_of_feature_bounds(
    project: GpkgStore,
    scattered: Callable[..., np.ndarray],
    add_features: Callable[..., np.ndarray],
) -> None:
    geoms = scattered(50, seed=5)
    add_features(project, geoms)
    assert project.extent("parcels") == pytest.approx(tuple(shapely.total_bounds(geoms)), abs=1e-6)


# ---------------------------------------------------------------- GDAL reads and writes our file
def test_gdal_reads_our_file(filled_path: Path, squares: Callable[..., np.ndarray]) -> None:
    info = pyogrio.read_info(filled_path, layer="parcels")
    assert info["features"] == 12
    assert info["crs"] == "EPSG:4524"
    assert info["geometry_type"] == "MultiPolygon"
    assert info["fid_column"] == "fid"
    assert list(info["fields"]) == [c.name for c in schema.PARCELS.columns]
    assert info["layer_metadata"]["DESCRIPTION"] == schema.PARCELS.title

    meta, fids, wkb, field_data = raw.read(filled_path, layer="parcels", return_fids=True)
    assert meta["crs"] == "EPSG:4524"
    assert fids.tolist() == list(range(1, 13))
    names = list(meta["fields"])
    zl = field_data[names.index("zl")]
    assert zl.tolist() == [f"石角镇麻柳村{i}组" for i in range(12)]
    assert shapely.equals(shapely.from_wkb(wkb), squares(12)).all()
    layers = dict(pyogrio.list_layers(filled_path).tolist())
    assert {layers[name] for name in SPATIAL} == {"MultiPolygon"}


def test_gdal_sees_the_chinese_column_titles(filled_path: Path) -> None:
    _, _, _, (column, title) = raw.read(
        filled_path,
        sql="SELECT column_name, title FROM gpkg_data_columns WHERE table_name = 'parcels'",
    )
    titles = dict(zip(column.tolist(), title.tolist(), strict=True))
    assert titles["zddm"] == "宗地代码"
    assert titles == {c.name: c.title for c in schema.PARCELS.columns}


def test_gdal_reads_dates_booleans_and_nulls(
    project: GpkgStore,
    project_path: Path,
    squares: Callable[..., np.ndarray],
    add_features: Callable[..., np.ndarray],
) -> None:
    add_features(
        project,
        squares(2),
        columns={
            "acquired": np.array(["1990-05-01", "NaT"], dtype="datetime64[D]"),
            "must_demolish_old": np.array([True, False]),
            "zdmj": np.array([88.5, np.nan]),
        },
    )
    project.close()
    meta, _, _, field_data = raw.read(project_path, layer="parcels")
    by_name = dict(zip(meta["fields"], field_data, strict=True))
    assert by_name["acquired"][0] == np.datetime64("1990-05-01")
    assert np.isnat(by_name["acquired"][1])
    assert by_name["must_demolish_old"].tolist() == [True, False]
    assert by_name["zdmj"][0] == 88.5
    assert np.isnan(by_name["zdmj"][1])


def _run(*args: str) -> str:
    done = subprocess.run(args, capture_output=True, check=True)
    return done.stdout.decode("utf-8")


@pytest.mark.external
@pytest.mark.skipif(OGRINFO is None, reason="ogrinfo (GDAL command-line tools) is not on PATH")
def test_ogrinfo_lists_and_shows_our_features(filled_path: Path) -> None:
    assert OGRINFO is not None
    summary = _run(OGRINFO, "-so", str(filled_path), "parcels")
    assert "Feature Count: 12" in summary
    assert "Multi Polygon" in summary
    assert 'ID["EPSG",4524]' in summary or "EPSG:4524" in summary
    feature = _run(OGRINFO, str(filled_path), "parcels", "-q", "-fid", "1")
    assert "石角镇麻柳村0组" in feature
    assert "MULTIPOLYGON" in feature


def test_features_appended_by_gdal_are_read_and_indexed(
    filled_path: Path, origin: tuple[float, float]
) -> None:
    x, y = origin
    new = shapely.MultiPolygon([shapely.box(x + 2000, y + 2000, x + 2012, y + 2015)])
    raw.write(
        filled_path,
        shapely.to_wkb(np.array([new], dtype=object)),
        [np.array(["GDAL追加的宗地"], dtype=object), np.array([180.0])],
        fields=["zl", "zdmj"],
        layer="parcels",
        driver="GPKG",
        append=True,
        geometry_type="MultiPolygon",
        crs="EPSG:4524",
    )
    with GpkgStore.open(filled_path) as store:
        assert store.counts()["parcels"] == 13
        data = store.read_layer("parcels", bbox=(x + 1999, y + 1999, x + 2001, y + 2001))
        assert data.fids.tolist() == [13]
        assert data.attrs["zl"].tolist() == ["GDAL追加的宗地"]
        assert shapely.equals(data.geometry[0], new)
        assert store.integrity_check() == []
        # Our next insert continues after GDAL's fid, and GDAL sees both.
        with store.transaction() as conn:
            fids = store.insert_features(
                conn, "parcels", np.array([shapely.box(x, y + 500, x + 5, y + 505)]), {}
            )
        assert fids.tolist() == [14]
        assert store.integrity_check() == []
    assert pyogrio.read_info(filled_path, layer="parcels")["features"] == 14


@pytest.mark.external
@pytest.mark.skipif(OGR2OGR is None, reason="ogr2ogr (GDAL command-line tools) is not on PATH")
def test_features_appended_by_ogr2ogr_are_read_and_indexed(
    filled_path: Path, tmp_path: Path, origin: tuple[float, float]
) -> None:
    assert OGR2OGR is not None
    x, y = origin
    source = tmp_path / "survey.gpkg"
    raw.write(
        source,
        shapely.to_wkb(np.array([shapely.box(x + 3000, y, x + 3010, y + 10)], dtype=object)),
        [np.array(["残垣断壁 外业"], dtype=object)],
        fields=["zl"],
        layer="survey",
        driver="GPKG",
        geometry_type="Polygon",
        crs="EPSG:4524",
    )
    _run(
        OGR2OGR,
        "-append",
        "-nln",
        "parcels",
        "-nlt",
        "MULTIPOLYGON",
        str(filled_path),
        str(source),
        "survey",
    )
    with GpkgStore.open(filled_path) as store:
        data = store.read_layer("parcels", bbox=(x + 3001, y + 1, x + 3002, y + 2))
        assert data.attrs["zl"].tolist() == ["残垣断壁 外业"]
        assert store.counts()["parcels"] == 13
        assert store.integrity_check() == []


# ---------------------------------------------------------------- refusing what is not ours
def _text_file(folder: Path, project: Path) -> Path:
    path = folder / "notes.gpkg"
    path.write_text("宗地代码,坐落\n500110001001JC00001,石角镇\n", encoding="utf-8")
    return path


def _empty_file(folder: Path, project: Path) -> Path:
    path = folder / "empty.gpkg"
    path.write_bytes(b"")
    return path


def _foreign_geopackage(folder: Path, project: Path) -> Path:
    path = folder / "foreign.gpkg"
    raw.write(
        path,
        shapely.to_wkb(np.array([shapely.box(0, 0, 1, 1)], dtype=object)),
        [np.array(["石角镇"], dtype=object)],
        fields=["name"],
        layer="parcels",
        driver="GPKG",
        geometry_type="Polygon",
        crs="EPSG:4524",
    )
    return path


def _plain_sqlite(folder: Path, project: Path) -> Path:
    path = folder / "plain.sqlite"
    _raw_write(path, "CREATE TABLE t (a TEXT)", "INSERT INTO t VALUES ('石角镇')")
    return path


def _truncated(folder: Path, project: Path) -> Path:
    path = folder / "truncated.gpkg"
    data = project.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def _newer_schema(folder: Path, project: Path) -> Path:
    path = folder / "newer.gpkg"
    shutil.copy(project, path)
    _raw_write(
        path,
        f"UPDATE qj_meta SET value = '{schema.SCHEMA_VERSION + 1}' WHERE key = 'schema_version'",
    )
    return path


def _foreign_meta(folder: Path, project: Path) -> Path:
    path = folder / "foreign_meta.gpkg"
    shutil.copy(project, path)
    _raw_write(path, "UPDATE qj_meta SET value = 'otherapp' WHERE key = 'application'")
    return path


@pytest.mark.parametrize(
    ("make", "code"),
    [
        (_text_file, "not_a_project"),
        (_empty_file, "not_a_project"),
        (_foreign_geopackage, "not_a_project"),
        (_plain_sqlite, "not_a_project"),
        (_foreign_meta, "not_a_project"),
        (_truncated, "damaged_project"),
        (_newer_schema, "newer_schema"),
    ],
)
def test_open_refuses_and_changes_nothing(
    filled_path: Path,
    tmp_path: Path,
    make: Callable[[Path, Path], Path],
    code: str,
) -> None:
    folder = tmp_path / "case"
    folder.mkdir()
    path = make(folder, filled_path)
    before_sha = file_sha256(path)
    before_listing = _listing(folder)
    with pytest.raises(QjgisError) as exc:
        GpkgStore.open(path)
    assert exc.value.code == code
    assert exc.value.params["path"] == str(path)
    assert file_sha256(path) == before_sha
    assert _listing(folder) == before_listing  # no journal, backup or temporary left


def test_open_refuses_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(QjgisError) as exc:
        GpkgStore.open(tmp_path / "missing.gpkg")
    assert exc.value.code == "file_not_found"
    assert _listing(tmp_path) == []


def test_newer_schema_error_names_both_versions(filled_path: Path, tmp_path: Path) -> None:
    path = _newer_schema(tmp_path, filled_path)
    with pytest.raises(QjgisError) as exc:
        GpkgStore.open(path)
    assert exc.value.params["found"] == schema.SCHEMA_VERSION + 1
    assert exc.value.params["supported"] == schema.SCHEMA_VERSION


# ---------------------------------------------------------------- migration
def test_schema1_project_is_migrated_after_a_backup(
    tmp_path: Path, squares: Callable[..., np.ndarray]
) -> None:
    path = tmp_path / "qijiang.gpkg"
    geoms = squares(4)
    names = ["石角镇麻柳村", "残垣断壁", "东溪镇", "三角镇"]
    write_schema1_project(path, geoms, names)
    conn = sqlite3.connect(path)
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    conn.close()
    assert "parcels" in tables
    assert "attachments" not in tables
    original = file_sha256(path)

    with GpkgStore.open(path) as store:
        assert store.schema_version == schema.SCHEMA_VERSION
        assert store.counts()["attachments"] == 0
        titles = store.execute_sql(
            "SELECT title FROM gpkg_data_columns WHERE table_name = 'attachments' "
            "AND column_name = 'sha256'"
        )
        assert titles == [("内容哈希",)]
        data = store.read_layer("parcels")
        assert data.attrs["zl"].tolist() == names
        assert shapely.equals(data.geometry, geoms).all()
        assert store.settings().crs == "EPSG:4524"
        assert store.integrity_check() == []

    backup = tmp_path / "qijiang.schema1.bak.gpkg"
    assert _listing(tmp_path) == sorted([path.name, backup.name])
    assert file_sha256(backup) == original
    assert file_sha256(path) != original

    # Opening again neither migrates nor writes another backup.
    migrated = file_sha256(path)
    GpkgStore.open(path).close()
    assert file_sha256(path) == migrated
    assert file_sha256(backup) == original
    assert _listing(tmp_path) == sorted([path.name, backup.name])


def test_open_without_migrate_leaves_an_old_project_alone(
    tmp_path: Path, squares: Callable[..., np.ndarray]
) -> None:
    path = tmp_path / "old.gpkg"
    write_schema1_project(path, squares(1), ["石角镇"])
    original = file_sha256(path)
    with pytest.raises(QjgisError):
        GpkgStore.open(path, migrate=False)
    assert file_sha256(path) == original
    assert _listing(tmp_path) == ["old.gpkg"]


# ---------------------------------------------------------------- transactions
def _failing_write(store: GpkgStore, geoms: np.ndarray) -> None:
    with store.transaction() as conn:
        store.insert_features(conn, "parcels", geoms, {"zl": np.full(len(geoms), "撤销")})
        store.insert_rows(conn, "households", {"household_no": np.array(["H1"])})
        store.audit(conn, "test.write", "parcels", None, {"n": len(geoms)})
        assert store.counts()["parcels"] == 2 + len(geoms)  # visible inside the transaction
        raise RuntimeError("boom")


def test_exception_inside_transaction_leaves_the_file_as_it_was(
    project: GpkgStore,
    project_path: Path,
    squares: Callable[..., np.ndarray],
    add_features: Callable[..., np.ndarray],
) -> None:
    geoms = squares(10)
    add_features(project, geoms[:2])
    counts = project.counts()
    rtree = _rtree_rows(project)
    contents = project.execute_sql("SELECT * FROM gpkg_contents ORDER BY table_name")
    sha = file_sha256(project_path)

    with pytest.raises(RuntimeError, match="boom"):
        _failing_write(project, geoms[2:])

    assert project.counts() == counts
    assert _rtree_rows(project) == rtree
    assert project.execute_sql("SELECT * FROM gpkg_contents ORDER BY table_name") == contents
    assert file_sha256(project_path) == sha
    assert project.integrity_check() == []  # the lifted R-tree insert trigger is back
    # ... and it works: a plain INSERT, as GDAL or QGIS would do, is indexed.
    blob = gpkg.encode(np.array([geoms[5]], dtype=object), 4524)[0]
    with project.transaction() as conn:
        conn.execute("INSERT INTO parcels (geom) VALUES (?)", (blob,))
    assert project.read_layer("parcels", bbox=geoms[5].bounds).fids.tolist() == [3]


def test_nested_transactions_join_the_outer_one(
    project: GpkgStore, project_path: Path, squares: Callable[..., np.ndarray]
) -> None:
    sha = file_sha256(project_path)

    def nested() -> None:
        with project.transaction() as outer:
            project.insert_features(outer, "parcels", squares(1), {})
            with project.transaction() as inner:
                assert inner is outer
                project.insert_features(inner, "parcels", squares(2)[1:], {})
            raise RuntimeError("after the inner block")

    with pytest.raises(RuntimeError):
        nested()
    assert project.counts()["parcels"] == 0
    assert file_sha256(project_path) == sha


def test_a_writing_handle_locks_the_project_for_others(
    project: GpkgStore,
    project_path: Path,
    squares: Callable[..., np.ndarray],
    add_features: Callable[..., np.ndarray],
) -> None:
    # The store waits its busy timeout (5 s) before giving up; a shorter one keeps this fast.
    project.execute_sql("PRAGMA busy_timeout = 100")
    other = GpkgStore.open(project_path)
    try:
        with other.transaction() as conn:
            other.insert_features(conn, "parcels", squares(1), {})
            with pytest.raises(QjgisError) as exc:
                _begin(project)
            assert exc.value.code == "project_locked"
            assert exc.value.params["path"] == str(project_path)
        # Once the other handle commits, the first writes again and sees its feature.
        add_features(project, squares(2)[1:])
        assert project.read_layer("parcels").fids.tolist() == [1, 2]
        assert project.integrity_check() == []
    finally:
        other.close()


# ---------------------------------------------------------------- audit log
def test_audit_log_is_append_only(project: GpkgStore, project_path: Path) -> None:
    with project.transaction() as conn:
        project.audit(conn, "test.cmd", "parcels:1", {"zl": "旧"}, {"zl": "新"})
    entries = project.execute_sql("SELECT * FROM audit_log")
    assert len(entries) == 1

    for sql in ("UPDATE audit_log SET user = 'someone else'", "DELETE FROM audit_log"):
        with (
            pytest.raises(sqlite3.DatabaseError, match="append-only"),
            project.transaction() as conn,
        ):
            conn.execute(sql)
        # The file itself refuses, whoever writes it.
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):
            _raw_write(project_path, sql)
    assert project.execute_sql("SELECT * FROM audit_log") == entries


# ---------------------------------------------------------------- integrity
def test_integrity_check_of_a_good_file_is_empty(filled_path: Path) -> None:
    with GpkgStore.open(filled_path) as store:
        assert store.integrity_check() == []


def test_integrity_check_reports_missing_rtree_entries(filled_path: Path) -> None:
    _raw_write(filled_path, "DELETE FROM rtree_parcels_geom WHERE id IN (2, 3)")
    with GpkgStore.open(filled_path) as store:
        problems = store.integrity_check()
    assert any(p.code.startswith("rtree") and p.table == "parcels" for p in problems), problems


def test_integrity_check_reports_stale_rtree_entries(filled_path: Path) -> None:
    _raw_write(filled_path, "DELETE FROM parcels WHERE fid = 4")  # the delete trigger fires...
    _raw_write(filled_path, "INSERT INTO rtree_parcels_geom VALUES (4, 1, 2, 1, 2)")  # ...undone
    with GpkgStore.open(filled_path) as store:
        problems = store.integrity_check()
    assert any(p.code.startswith("rtree") and p.table == "parcels" for p in problems), problems


@pytest.mark.parametrize(
    ("column", "delta"),
    [
        ("minx", -1000.0),
        pytest.param("maxx", 1000.0),
        pytest.param("miny", -1000.0),
        ("maxy", 1000.0),
    ],
)
def test_integrity_check_reports_an_rtree_entry_off_on_any_bound(
    filled_path: Path, column: str, delta: float
) -> None:
    _raw_write(
        filled_path, f"UPDATE rtree_parcels_geom SET {column} = {column} + {delta} WHERE id = 2"
    )
    with GpkgStore.open(filled_path) as store:
        problems = store.integrity_check()
    assert any(p.code.startswith("rtree") and p.table == "parcels" for p in problems), problems


@pytest.mark.parametrize(
    "trigger", ["rtree_parcels_geom_insert", "rtree_buildings_geom_delete", "audit_log_no_delete"]
)
def test_integrity_check_reports_a_missing_trigger(filled_path: Path, trigger: str) -> None:
    _raw_write(filled_path, f"DROP TRIGGER {trigger}")
    with GpkgStore.open(filled_path) as store:
        problems = store.integrity_check()
    assert any(p.code == "trigger" and trigger in p.detail for p in problems), problems


def test_integrity_check_reports_an_invalid_stored_setting(filled_path: Path) -> None:
    _raw_write(filled_path, "UPDATE qj_settings SET value = '99' WHERE key = 'area.household_min'")
    with GpkgStore.open(filled_path) as store:
        problems = store.integrity_check()
    assert [p.code for p in problems] == ["setting"]
    assert "area.household_min" in problems[0].detail


def test_integrity_check_reports_a_foreign_geometry_blob(filled_path: Path) -> None:
    _raw_write(filled_path, "UPDATE parcels SET geom = X'00010203040506070809' WHERE fid = 1")
    with GpkgStore.open(filled_path) as store:
        problems = store.integrity_check()
    assert any(p.code == "bad_blob" and p.table == "parcels" for p in problems), problems


def test_update_row_refuses_a_stale_version(tmp_path: Path) -> None:
    path = tmp_path / "p.gpkg"
    GpkgStore.create(path).close()
    first, second = GpkgStore.open(path), GpkgStore.open(path)
    try:
        with first.transaction() as conn:
            first.insert_rows(conn, "towns", {"code": ["500110001"], "name": ["古南街道"]})
        fid = 1
        seen = second.row_version("towns", fid)
        assert seen == 1
        with first.transaction() as conn:
            before = first.update_row(conn, "towns", fid, {"name": "文龙街道"}, expected_version=1)
        assert before == {"name": "古南街道"}
        with pytest.raises(QjgisError) as err, second.transaction() as conn:
            second.update_row(conn, "towns", fid, {"name": "三江街道"}, expected_version=seen)
        assert err.value.code == "write_conflict"
        assert second.read_table("towns", ["name"])["name"].tolist() == ["文龙街道"]
        assert second.row_version("towns", fid) == 2
    finally:
        first.close()
        second.close()


def test_open_without_verify_defers_the_page_check(filled_path: Path, tmp_path: Path) -> None:
    # The parcels table's root page gets an invalid page type: the header and
    # the tables the opening reads are intact, so only quick_check notices.
    path = tmp_path / "damaged.gpkg"
    shutil.copy(filled_path, path)
    conn = sqlite3.connect(path)
    try:
        page = conn.execute("PRAGMA page_size").fetchone()[0]
        sql = "SELECT rootpage FROM sqlite_master WHERE name = 'parcels'"
        root = conn.execute(sql).fetchone()[0]
    finally:
        conn.close()
    data = bytearray(path.read_bytes())
    data[(root - 1) * page] = 0x07  # no such b-tree page type
    path.write_bytes(bytes(data))
    before = file_sha256(path)
    GpkgStore.open(path, verify=False).close()  # the map opens at once ...
    with pytest.raises(QjgisError) as exc:  # ... and the check on the side finds the damage
        GpkgStore.check_file(path)
    assert exc.value.code == "damaged_project"
    with pytest.raises(QjgisError):
        GpkgStore.open(path)
    assert file_sha256(path) == before
    GpkgStore.check_file(filled_path)  # an intact file passes


def test_schema5_project_gains_the_register_columns(tmp_path: Path) -> None:
    """Schema 6 adds households.declared_size, members.joined_on/left_on and
    buildings.floor_area to a schema-5 file, with their titles, after a backup."""
    path = tmp_path / "p.gpkg"
    with GpkgStore.create(path) as store, store.transaction() as conn:
        conn.execute("INSERT INTO households (household_no) VALUES ('H1')")
    conn = sqlite3.connect(path)
    for table, cols in schema.V6_COLUMNS.items():
        for col in cols:
            conn.execute(f'ALTER TABLE "{table}" DROP COLUMN "{col}"')
            conn.execute(
                "DELETE FROM gpkg_data_columns WHERE table_name = ? AND column_name = ?",
                (table, col),
            )
    conn.execute("UPDATE qj_meta SET value = '5' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    with GpkgStore.open(path) as store:
        assert store.schema_version == schema.SCHEMA_VERSION == 8
        assert store.read_table("households", ["household_no", "declared_size"])[
            "declared_size"
        ].tolist() == [None]
        titles = dict(
            store.execute_sql(
                "SELECT column_name, title FROM gpkg_data_columns WHERE column_name IN "
                "('declared_size', 'joined_on', 'left_on', 'floor_area')"
            )
        )
        assert titles == {
            "declared_size": "家庭人口", "joined_on": "迁入日期", "left_on": "迁出日期",
            "floor_area": "建筑面积",
        }  # fmt: skip
        assert store.integrity_check() == []
    assert (tmp_path / "p.schema5.bak.gpkg").exists()


def test_schema7_project_gains_the_decision_exemption(tmp_path: Path) -> None:
    """Schema 8 adds findings.decision_exemption (the reviewer's exemption code)."""
    path = tmp_path / "p.gpkg"
    GpkgStore.create(path).close()
    conn = sqlite3.connect(path)
    conn.execute("ALTER TABLE findings DROP COLUMN decision_exemption")
    conn.execute("DELETE FROM gpkg_data_columns WHERE column_name = 'decision_exemption'")
    conn.execute("UPDATE qj_meta SET value = '7' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    with GpkgStore.open(path) as store:
        assert store.schema_version == 8
        cols = [r[1] for r in store.execute_sql('PRAGMA table_info("findings")')]
        assert "decision_exemption" in cols
        title = store.execute_sql(
            "SELECT title FROM gpkg_data_columns WHERE column_name = 'decision_exemption'"
        )
        assert title == [("豁免代码",)]
