"""The import's fast paths give the same results as the plain ones.

- a legacy-encoded shapefile read through GDAL's Arrow stream with one decode per
  text column equals pyogrio's `raw.read` with GDAL recoding every value;
- the R-tree packed in bulk (`gpkg.rtree_bulk_load`) passes SQLite's own check and
  answers window queries as a brute-force scan does, and keeps working with the
  triggers afterwards;
- an import into an empty layer, which lifts the secondary indexes and packs the
  R-tree at the end, leaves the same schema behind, also when it is cancelled.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest
import shapely
from pyogrio import raw

from qjgis import gpkg
from qjgis.errors import Canceled
from qjgis.feedback import NullFeedback
from qjgis.io import importer, sources
from qjgis.store import GpkgStore, file_sha256

#: where the conftest fixtures put features (EPSG:4524 metres)
ORIGIN_X, ORIGIN_Y = 36_400_000.0, 3_200_000.0

NAMES = ["ZDDM", "ZL", "QLRMC", "ZDMJ", "ZCS", "JGRQ", "BZ"]


TEXTS = {
    "GBK": (["綦江区石角镇和台村08组", "古南街道", "", "三角镇红岩村", "龍門"],
            ["王小明", None, "黄桷树", "陈", "张三丰"], "备注"),
    "BIG5": (["綦江區石角鎮和臺村08組", "古南街道", "", "三角鎮紅岩村", "龍門"],
             ["王小明", None, "黃桷樹", "陳", "張三豐"], "備註"),
}  # fmt: skip


def _write_shapefile(path: Path, n: int, codec: str = "GBK") -> None:
    """A survey-like shapefile in `codec`, with a null of every field type."""
    rng = np.random.default_rng(7)
    k = np.arange(n)
    x = ORIGIN_X + (k % 50) * 30.0
    y = ORIGIN_Y + (k // 50) * 30.0
    geoms = shapely.multipolygons(shapely.box(x, y, x + 20, y + 20)[:, None])
    geoms[5] = None  # a row without a shape
    place_list, name_list, note = TEXTS[codec]
    places = np.array(place_list, dtype=object)
    names = np.array(name_list, dtype=object)
    zddm = np.array([f"500110108001JC{i:05d}" for i in k], dtype=object)
    zddm[3] = None
    area = rng.uniform(50, 300, n)
    area[4] = np.nan
    floors = rng.integers(1, 4, n).astype(np.int32)
    floors_null = np.zeros(n, dtype=bool)
    floors_null[6] = True  # an integer with a null: read as float with NaN
    dates = np.datetime64("1990-01-01") + rng.integers(0, 12000, n).astype("timedelta64[D]")
    dates[7] = np.datetime64("NaT")
    notes = np.array([(note * (i % 5)) or None for i in k], dtype=object)
    fields = [zddm, places[k % 5], names[k % 5], area, floors, dates, notes]
    masks = [None, None, None, None, floors_null, None, None]
    raw.write(
        str(path), shapely.to_wkb(geoms), fields, NAMES, field_mask=masks,
        driver="ESRI Shapefile", geometry_type="MultiPolygon", crs="EPSG:4524",
        encoding=codec, promote_to_multi=True,
    )  # fmt: skip


def _read(src: sources.VectorSource, size: int, *, fast: bool) -> list:
    if not fast:
        src._bulk_codec = lambda: None  # type: ignore[method-assign]
    return list(src.batches(size))


@pytest.mark.parametrize(("codec", "size"), [("GBK", 64), ("GBK", 1000), ("BIG5", 97)])
def test_arrow_read_equals_raw_read(tmp_path: Path, codec: str, size: int) -> None:
    shp = tmp_path / "村庄.shp"
    _write_shapefile(shp, 300, codec)
    fast_src = sources.open_vector(str(shp), "parcels", encoding=codec)
    assert fast_src._bulk_codec() == codec.lower()
    fast = _read(fast_src, size, fast=True)
    plain = _read(sources.open_vector(str(shp), "parcels", encoding=codec), size, fast=False)
    assert [s for s, _, _ in fast] == [s for s, _, _ in plain] == list(range(0, 300, size))
    for (_, g1, v1), (_, g2, v2) in zip(fast, plain, strict=True):
        assert list(v1) == list(v2) == NAMES
        assert (shapely.to_wkb(g1) == shapely.to_wkb(g2)).all()
        for name in NAMES:
            a, b = v1[name], v2[name]
            assert a.dtype == b.dtype, name
            if a.dtype == object:
                assert a.tolist() == b.tolist(), name
            else:
                assert np.array_equal(a, b, equal_nan=True), name
    assert sum(int(shapely.is_missing(g).sum()) for _, g, _ in fast) == 1
    first = fast[0][2]
    assert first["ZL"][0] == TEXTS[codec][0][0] and first["QLRMC"][1] is None
    assert first["ZDDM"][3] is None and np.isnan(first["ZDMJ"][4])
    assert first["ZCS"].dtype == np.float64 and np.isnan(first["ZCS"][6])
    assert np.isnat(first["JGRQ"][7]) and first["BZ"][0] is None


def test_bulk_decode_keeps_a_damaged_value_visible() -> None:
    good = "和台村".encode("gbk")
    values = [good, good[:-1], b"", "古南".encode("gbk")]  # the second lost half a character
    latin = [v.decode("latin-1").encode("utf-8") for v in values]  # GDAL's pass-through
    offsets = np.cumsum([0] + [len(v) for v in latin])
    data = np.frombuffer(b"".join(latin), dtype=np.uint8)
    out = sources._decode_buffer(offsets, data, "gbk")
    assert out == ["和台村", "和台\ufffd", "", "古南"]


# ---------------------------------------------------------------- R-tree bulk load
def _window_ids(conn: sqlite3.Connection, table: str, box: tuple[float, ...]) -> set[int]:
    return {
        r[0]
        for r in conn.execute(
            f"SELECT id FROM rtree_{table}_geom WHERE maxx >= ? AND minx <= ? "
            "AND maxy >= ? AND miny <= ?",
            box,
        )
    }


@pytest.mark.parametrize(
    ("n", "chunk"),
    [(0, 10**6), (1, 10**6), (50, 10**6), (51, 10**6), (52, 10**6), (2_700, 10**6),
     (9_000, 10**6), (2_700, 100), (9_000, 1_000)],  # the last two: leaves in chunks
)  # fmt: skip
def test_rtree_bulk_load_matches_a_scan(project: GpkgStore, scattered, n: int, chunk: int) -> None:
    geoms = scattered(n, seed=n, span=3000.0)
    if n > 10:
        geoms[3] = None
        geoms[4] = shapely.from_wkt("MULTIPOLYGON EMPTY")
    with project.transaction() as conn:
        fids = project.insert_features(conn, "parcels", geoms, {}, rtree=False)
        assert conn.execute("SELECT count(*) FROM rtree_parcels_geom").fetchone()[0] == 0
        loaded = gpkg.rtree_bulk_load(conn, "parcels", chunk=chunk)
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    assert loaded == present.sum()
    conn = project._conn
    assert conn.execute("SELECT rtreecheck('rtree_parcels_geom')").fetchone()[0] == "ok"
    b = shapely.bounds(geoms)
    rng = np.random.default_rng(1)
    for _ in range(40):
        x0, y0 = ORIGIN_X + rng.uniform(-100, 3000), ORIGIN_Y + rng.uniform(-100, 3000)
        box = (x0, x0 + rng.uniform(1, 600), y0, y0 + rng.uniform(1, 600))
        # float32 bounds are rounded outwards: compare with a margin-free scan of the
        # exact bounds, then allow only rows within a float32 step of the window
        exact = set(
            fids[present & (b[:, 2] >= box[0]) & (b[:, 0] <= box[1])
                 & (b[:, 3] >= box[2]) & (b[:, 1] <= box[3])].tolist()
        )  # fmt: skip
        found = _window_ids(conn, "parcels", box)
        assert exact <= found
        near = set(
            fids[present & (b[:, 2] >= box[0] - 8) & (b[:, 0] <= box[1] + 8)
                 & (b[:, 3] >= box[2] - 8) & (b[:, 1] <= box[3] + 8)].tolist()
        )  # fmt: skip
        assert found <= near
    # the triggers keep the packed tree up to date afterwards
    with project.transaction() as c:
        c.execute("DELETE FROM parcels WHERE fid = ?", (int(fids[-1]),) if n else (0,))
        project.insert_features(c, "parcels", scattered(30, seed=99), {})
    assert conn.execute("SELECT rtreecheck('rtree_parcels_geom')").fetchone()[0] == "ok"
    indexed = conn.execute("SELECT count(*) FROM rtree_parcels_geom").fetchone()[0]
    assert indexed == max(int(present.sum()) - (1 if n and present[-1] else 0), 0) + 30


def test_rtree_bulk_load_indexes_blobs_without_an_envelope(project: GpkgStore, squares) -> None:
    geoms = squares(200)
    with project.transaction() as conn:
        fids = project.insert_features(conn, "parcels", geoms, {}, rtree=False)
        # another writer's blob: no envelope in the header (flags 0x01), WKB only
        bare = (
            b"GP\x00\x01"
            + project.srs_id().to_bytes(4, "little")
            + shapely.to_wkb(geoms[7], byte_order=1)
        )
        conn.execute("UPDATE parcels SET geom = ? WHERE fid = ?", (bare, int(fids[7])))
        assert conn.execute("SELECT count(*) FROM rtree_parcels_geom").fetchone()[0] == 1
        conn.execute("DELETE FROM rtree_parcels_geom")
        assert gpkg.rtree_bulk_load(conn, "parcels") == 199
        row = conn.execute(
            "SELECT minx, maxx, miny, maxy FROM rtree_parcels_geom WHERE id = ?", (int(fids[7]),)
        ).fetchone()
    x0, y0, x1, y1 = geoms[7].bounds
    assert row == pytest.approx((x0, x1, y0, y1), abs=4.0)  # a float32 step at 3.6e7
    assert project._conn.execute("SELECT rtreecheck('rtree_parcels_geom')").fetchone()[0] == "ok"
    with project.transaction() as conn, pytest.raises(ValueError, match="not empty"):
        gpkg.rtree_bulk_load(conn, "parcels")


# ---------------------------------------------------------------- the import
def _schema(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as conn:
        return conn.execute(
            "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name"
        ).fetchall()


def test_import_into_an_empty_layer_restores_indexes_and_packs_the_rtree(
    tmp_path: Path, project_path: Path
) -> None:
    shp = tmp_path / "parcels.shp"
    _write_shapefile(shp, 800)
    GpkgStore.create(project_path).close()
    before = _schema(project_path)
    digest = file_sha256(project_path)

    class CancelLate(NullFeedback):
        def set_progress(self, fraction: float, stage: str = "") -> None:
            if fraction > 0.9:
                self.cancel()

    with GpkgStore.open(project_path) as store, pytest.raises(Canceled):
        importer.import_layer(store, "parcels", str(shp), feedback=CancelLate(), batch_size=100)
    assert file_sha256(project_path) == digest
    with GpkgStore.open(project_path) as store:
        report = importer.import_layer(store, "parcels", str(shp), batch_size=100)
        assert report["counts"]["added"] == 800
        conn = store._conn
        assert conn.execute("SELECT rtreecheck('rtree_parcels_geom')").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM rtree_parcels_geom").fetchone()[0] == 799
        plan = conn.execute(
            "EXPLAIN QUERY PLAN SELECT fid FROM parcels WHERE zddm = '500110108001JC00001'"
        ).fetchall()
        assert "idx_parcels_zddm" in str(plan)
        zl = conn.execute("SELECT zl FROM parcels WHERE zddm = '500110108001JC00000'").fetchone()
        assert zl == ("綦江区石角镇和台村08组",)
    assert _schema(project_path) == before
    # a second import goes the row-by-row way (the layer is not empty) and agrees
    with GpkgStore.open(project_path) as store:
        again = importer.import_layer(store, "parcels", str(shp), batch_size=100)
        # the row without a code cannot be matched, so it comes in again as new
        assert (again["counts"]["unchanged"], again["counts"]["added"]) == (799, 1)
        conn = store._conn
        assert conn.execute("SELECT rtreecheck('rtree_parcels_geom')").fetchone()[0] == "ok"


@pytest.mark.parametrize("n", [0, 1, 7, 8, 9, 500, 1001, 1234])
@pytest.mark.parametrize("limit", [4, 7, 10, 999, 32766])
def test_insert_many_writes_every_row_once(n: int, limit: int) -> None:
    """Multi-row INSERTs give the rows executemany gives, at every chunk boundary: whole
    chunks, a remainder, one row per statement when a row barely fits the variable limit."""
    from qjgis.store import insert_many

    rng = np.random.default_rng(n)
    fid = list(range(1, n + 1))
    text = [None if v < 0.1 else f"行{i}" for i, v in enumerate(rng.random(n))]
    real = [None if v < 0.1 else float(v) for v in rng.random(n)]
    blob = [bytes([i % 256]) * 3 for i in range(n)]
    ddl = "CREATE TABLE t (fid INTEGER PRIMARY KEY, a TEXT, b REAL, c BLOB)"
    plain = sqlite3.connect(":memory:")
    plain.execute(ddl)
    plain.executemany("INSERT INTO t VALUES (?, ?, ?, ?)", zip(fid, text, real, blob, strict=True))
    many = sqlite3.connect(":memory:")
    many.execute(ddl)
    many.setlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, limit)
    insert_many(many, "INSERT INTO t (fid, a, b, c)", [fid, text, real, blob])
    query = "SELECT fid, a, b, c FROM t ORDER BY fid"
    assert many.execute(query).fetchall() == plain.execute(query).fetchall()
    assert many.execute("SELECT count(*) FROM t").fetchone()[0] == n
