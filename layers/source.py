"""A map layer read by extent from the project GeoPackage, through its R-tree, with a bounded cache
(or from PostGIS, through its GiST index: `PgLayer`).

Opening a district's map reads nothing but the layers' extents: features are
read when a rendering asks for an extent, in square tiles whose side and
minimum feature size follow the resolution (a level of detail). At district
scale a tile asks the R-tree only for features a pixel or more across, so a
million sub-pixel parcels are never fetched; at village scale a tile holds a
few hundred features. Tiles are kept in least-recently-used order up to a
feature budget, so panning back and forth reads nothing twice and memory stays
bounded whatever the size of the project. Why this and not a compact
in-memory copy: docs/architecture.md, "Map".

The layer has its own read-only SQLite connection, usable from the render
thread while the GUI thread keeps the store's; SQLite gives each reader a
consistent snapshot, and `invalidate` drops the cache after a change.
"""

from __future__ import annotations

import contextlib
import json
import math
import sqlite3
import threading
import urllib.parse
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from layers.style import LayerStyle, default_style
from layers.vector_layer import (
    BATCH_FEATURES,
    STORE_LAYERS,
    Cancel,
    Extent,
    Features,
    LabelPointCache,
    RenderCancelled,
    VectorLayer,
)
from qjgis import gpkg, schema
from qjgis.errors import QjgisError
from qjgis.io.importer import HAZARD_RADIUS_SETTING
from qjgis.pg.url import is_database_url
from qjgis.store import LayerData, ProjectStore

#: A tile is this many pixels of its level across: a 1600 x 1200 view meets 4 to 9 tiles.
TILE_PIXELS = 1024
#: Features cached per layer; beyond it the least recently used tiles go.
CACHE_FEATURES = 150_000
# Finest level: features from 1/8 m up, tiles of 128 m (a survey sheet at 1:500).
_MIN_LEVEL = -3


@dataclass
class _Tile:
    fids: np.ndarray
    geometry: np.ndarray
    bounds: np.ndarray
    categories: np.ndarray
    attrs: dict[str, np.ndarray]

    def __len__(self) -> int:
        return len(self.fids)


def tile_level(min_size: float) -> int:
    """The level whose size threshold 2**level is the largest power of two <= `min_size`."""
    if not math.isfinite(min_size) or min_size <= 0:
        return _MIN_LEVEL
    return max(_MIN_LEVEL, math.floor(math.log2(min_size)))


class GpkgLayer:
    """One spatial layer of a project GeoPackage, read by extent (see the module docstring)."""

    def __init__(
        self,
        path: str | Path,
        name: str,
        style: LayerStyle | None = None,
        *,
        visible: bool = True,
        cache_features: int = CACHE_FEATURES,
        table: str | None = None,
        where: tuple[str, tuple[object, ...]] = ("", ()),
    ) -> None:
        """`table` (default `name`) is the table read; `where` a condition on its rows `t`
        and its parameters: a reference layer is the rows of one kind of one table."""
        spec = schema.TABLE_BY_NAME.get(table or name)
        if spec is None or not spec.geometry:
            raise ValueError(f"{table or name} is not a spatial layer of the project")
        self.name = name
        self.table = spec.name
        self._where, self._where_params = where
        self.visible = visible
        self.path = Path(path)
        self.cache_features = cache_features
        self._style = style or default_style(name)
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        self._tiles: OrderedDict[tuple[int, int, int], _Tile] = OrderedDict()
        self._cached = 0
        self._extent: Extent | None = None
        self._extent_read = False
        self._count: int | None = None
        self._points = LabelPointCache()
        self._default_radius: float | None = None
        #: Tiles read from the file since the layer was made (tests, benchmarks).
        self.tiles_read = 0

    @classmethod
    def from_store(
        cls, store: ProjectStore, name: str, style: LayerStyle | None = None, **kwargs: object
    ) -> GpkgLayer:
        path = getattr(store, "path", None)
        if path is None:
            raise ValueError("the store has no file to read the map from")
        if is_database_url(path):  # a PgStore: its path is the database's address
            return PgLayer.for_store(store, name, style, **kwargs)
        return cls(path, name, style, **kwargs)  # type: ignore[arg-type]

    # ------------------------------------------------------------ description
    @property
    def style(self) -> LayerStyle:
        return self._style

    @style.setter
    def style(self, style: LayerStyle) -> None:
        with self._lock:
            self._style = style
            self._drop_tiles()  # categories and columns follow the style

    @property
    def default_radius(self) -> float | None:
        """For hazard points: the radius (overlay.hazard_radius_m) a point without its own
        is drawn at. Such a point is stored with radius NULL and the disc of the setting
        at import; it is redrawn round its centre at this radius, as QJ-R020 judges it."""
        return self._default_radius

    @default_radius.setter
    def default_radius(self, radius: float | None) -> None:
        with self._lock:
            if radius != self._default_radius:
                self._default_radius = radius
                self._drop_tiles()

    def __len__(self) -> int:
        with self._lock:
            if self._count is None:
                self._count = self._read_count()
            return self._count

    def _read_count(self) -> int:
        row = (
            self._connection()
            .execute(
                f'SELECT count(*) FROM "{self.table}" t WHERE 1 {self._and()}',
                self._where_params,
            )
            .fetchone()
        )
        return int(row[0])

    def known_len(self) -> int | None:
        """The feature count if it has been counted, else None (without counting)."""
        return self._count

    @property
    def is_reference(self) -> bool:
        """A reference layer (land use ...): rows of one kind of `reference_features`."""
        return self.table == schema.REFERENCE_FEATURES.name

    def extent(self) -> Extent | None:
        """From gpkg_contents (the store keeps it exact on every write), else a scan."""
        with self._lock:
            if not self._extent_read:
                self._extent = self._read_extent()
                self._extent_read = True
            return self._extent

    def _read_extent(self) -> Extent | None:
        conn = self._connection()
        row = conn.execute(
            "SELECT min_x, min_y, max_x, max_y FROM gpkg_contents WHERE table_name = ?",
            (self.table,),
        ).fetchone()
        # a reference layer (the rows of one kind) takes its table's extent: a pass over
        # a 500,000-patch R-tree is not for the GUI thread, and the kinds cover the same
        # district
        if row is None or row[0] is None:
            row = conn.execute(
                f'SELECT min(minx), min(miny), max(maxx), max(maxy) FROM "rtree_{self.table}_geom"'
            ).fetchone()
        return None if row is None or row[0] is None else tuple(map(float, row))  # type: ignore[return-value]

    def _and(self) -> str:
        return f"AND ({self._where})" if self._where else ""

    @property
    def cached_features(self) -> int:
        return self._cached

    def invalidate(self) -> None:
        with self._lock:
            self._drop_tiles()
            self._extent_read = False
            self._count = None
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def close(self) -> None:
        self.invalidate()

    # ------------------------------------------------------------ what the renderer asks
    def features(self, extent: Extent, min_size: float, cancel: Cancel | None = None) -> Features:
        level = tile_level(min_size)
        side = TILE_PIXELS * 2.0**level
        i0, i1 = math.floor(extent[0] / side), math.floor(extent[2] / side)
        j0, j1 = math.floor(extent[1] / side), math.floor(extent[3] / side)
        with self._lock:
            tiles = []
            for i in range(i0, i1 + 1):
                for j in range(j0, j1 + 1):
                    if cancel is not None and cancel():
                        raise RenderCancelled
                    tiles.append(self._tile(level, i, j, side, cancel))
            out = _merge(tiles, extent, min_size)
            self._evict()
        return out

    def label_points(self, fids: np.ndarray, geometry: np.ndarray) -> np.ndarray:
        with self._lock:
            return self._points.get(fids, geometry)

    def by_fids(self, fids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Read straight from the table by fid: what a finding or a search points at may lie
        outside every cached tile, and is a handful of rows."""
        wanted = np.unique(np.asarray(fids, dtype=np.int64))
        if not len(wanted):
            return wanted, np.zeros(0, dtype=object)
        with self._lock:
            cols = ["radius_m"] if self._default_radius is not None else []
            rows = self._rows_by_fids(wanted, cols)
            tile = self._redrawn(self._decode(rows, cols))
        return tile.fids, tile.geometry

    def _rows_by_fids(self, wanted: np.ndarray, cols: list[str]) -> list[tuple]:
        select = ", ".join(["t.fid", gpkg.wkb_sql("t.geom")] + [f't."{c}"' for c in cols])
        sql = (
            f'SELECT {select} FROM "{self.table}" t '
            f"WHERE t.fid IN (SELECT value FROM json_each(?)) {self._and()} ORDER BY t.fid"
        )
        params = (json.dumps(wanted.tolist()), *self._where_params)
        return self._connection().execute(sql, params).fetchall()

    def in_box(self, extent: Extent) -> tuple[np.ndarray, np.ndarray]:
        """Every feature meeting `extent` at full detail, through the R-tree (not the cache:
        a click or a box selection must find features too small to be drawn)."""
        with self._lock:
            tile = self._read(extent, 0.0)
        # The R-tree's float32 bounds are rounded outwards: keep the exact meets only.
        b = tile.bounds
        keep = (b[:, 2] >= extent[0]) & (b[:, 0] <= extent[2]) & (b[:, 3] >= extent[1])
        keep &= b[:, 1] <= extent[3]
        return tile.fids[keep], tile.geometry[keep]

    # ------------------------------------------------------------ reading
    @property
    def lock(self) -> threading.RLock:
        return self._lock

    def connection(self) -> sqlite3.Connection:
        """The layer's read-only connection to the file; use it under `lock`."""
        with self._lock:
            return self._connection()

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            uri = "file:" + urllib.parse.quote(str(self.path.resolve())) + "?mode=ro"
            # Used from the render thread and the GUI thread, one at a time (the lock).
            self._conn = sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=5.0)
        return self._conn

    def _tile(self, level: int, i: int, j: int, side: float, cancel: Cancel | None) -> _Tile:
        key = (level, i, j)
        tile = self._tiles.get(key)
        if tile is not None:
            self._tiles.move_to_end(key)
            return tile
        tile = self._read(
            (i * side, j * side, (i + 1) * side, (j + 1) * side),
            2.0**level if level > _MIN_LEVEL else 0.0,
            cancel,
        )
        self._tiles[key] = tile
        self._cached += len(tile)
        self.tiles_read += 1
        return tile

    def _read(self, box: Extent, min_size: float, cancel: Cancel | None = None) -> _Tile:
        cols = list(self._style.all_columns)
        radius = self._default_radius
        if radius is not None:
            # A disc redrawn at the radius of now may reach further than the one stored
            # (of the setting at import) and be larger than its stored size: the box is
            # widened by the radius and no size is asked (a county has a few hundred).
            if "radius_m" not in cols:
                cols.append("radius_m")
            box = (box[0] - radius, box[1] - radius, box[2] + radius, box[3] + radius)
            min_size = 0.0
        cursor = self._query_box(box, min_size, cols)
        parts: list[_Tile] = []
        while True:
            # In batches: each step (row tuples, WKB decoding, orienting) holds
            # the GIL, and a long one would stall the GUI thread.
            rows = cursor.fetchmany(BATCH_FEATURES)
            if not rows:
                break
            if cancel is not None and cancel():
                raise RenderCancelled  # the tile is not kept half read
            parts.append(self._decode(rows, cols))
        if not parts:
            parts.append(self._decode([], cols))
        fids = np.concatenate([p.fids for p in parts])
        oriented = np.concatenate([p.geometry for p in parts])
        bounds = np.concatenate([p.bounds for p in parts])
        attrs = {c: np.concatenate([p.attrs[c] for p in parts]) for c in cols}
        categories = np.asarray(self._style.classify(attrs, len(fids)), dtype=np.int64)
        return self._redrawn(_Tile(fids, oriented, bounds, categories, attrs))

    def _query_box(self, box: Extent, min_size: float, cols: list[str]) -> Any:
        """A cursor over (fid, WKB, *cols) of the rows meeting `box`, `min_size` or larger."""
        select = ", ".join(["t.fid", gpkg.wkb_sql("t.geom")] + [f't."{c}"' for c in cols])
        # The R-tree's float32 bounds are rounded outwards, so its sizes never
        # undercount: the size test drops no feature the level should show.
        # CROSS JOIN keeps the R-tree outside: with a condition on the table's rows (a
        # reference layer's kind) SQLite's planner otherwise walks the kind's index, all
        # 500,000 land-use patches, and probes the R-tree for each (6 s a tile, not 5 ms).
        sql = (
            f'SELECT {select} FROM "rtree_{self.table}_geom" r CROSS JOIN "{self.table}" t '
            "ON t.fid = r.id WHERE r.maxx >= ? AND r.minx <= ? AND r.maxy >= ? AND r.miny <= ?"
        )
        params: list[object] = [box[0], box[2], box[1], box[3]]
        if min_size > 0:
            sql += " AND (r.maxx - r.minx >= ? OR r.maxy - r.miny >= ?)"
            params += [min_size, min_size]
        if self._where:
            sql += f" {self._and()}"
            params += self._where_params
        return self._connection().execute(sql, params)

    # ------------------------------------------------------------ the towns (TownLayer)
    def town_count(self) -> int:
        """How many towns the villages make (the first 9 digits of their codes)."""
        with self._lock:
            row = (
                self._connection()
                .execute(
                    "SELECT count(DISTINCT substr(code, 1, 9)) FROM villages "
                    "WHERE length(code) >= 9 AND geom IS NOT NULL"
                )
                .fetchone()
            )
        return int(row[0])

    def village_outlines(self) -> tuple[list[tuple[object, object]], dict[str, str]]:
        """Every village's (code, WKB) and the towns' names by code."""
        with self._lock:
            conn = self._connection()
            rows = conn.execute(f"SELECT code, {gpkg.wkb_sql('geom')} FROM villages").fetchall()
            names = dict(conn.execute("SELECT code, name FROM towns").fetchall())
        return rows, names

    def sibling(self, name: str, style: LayerStyle | None, *, table: str,
                where: tuple[str, tuple[object, ...]]) -> GpkgLayer:  # fmt: skip
        """Another layer of the same project (a reference layer beside the villages)."""
        return GpkgLayer(self.path, name, style, table=table, where=where)

    def _redrawn(self, tile: _Tile) -> _Tile:
        """Hazard points without a radius of their own as discs of `default_radius`."""
        radius = self._default_radius
        if radius is None or not len(tile):
            return tile
        defaulted = np.array([v is None for v in tile.attrs["radius_m"].tolist()], dtype=bool)
        if not defaulted.any():
            return tile
        geometry, bounds = tile.geometry.copy(), tile.bounds.copy()
        centres = shapely.centroid(geometry[defaulted])
        discs = shapely.orient_polygons(shapely.buffer(centres, radius, quad_segs=16))
        geometry[defaulted] = discs
        bounds[defaulted] = shapely.bounds(discs)
        return _Tile(tile.fids, geometry, bounds, tile.categories, tile.attrs)

    @staticmethod
    def _decode(rows: list[tuple], cols: list[str]) -> _Tile:
        n = len(rows)
        columns = list(zip(*rows, strict=True)) if n else [()] * (2 + len(cols))
        fids = np.fromiter(columns[0], dtype=np.int64, count=n)
        geoms = gpkg.decode(np.fromiter(columns[1], dtype=object, count=n))
        attrs = {c: np.fromiter(columns[2 + k], dtype=object, count=n) for k, c in enumerate(cols)}
        present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms)) if n else np.zeros(0, bool)
        geoms = geoms[present]
        oriented = shapely.orient_polygons(geoms) if len(geoms) else geoms
        bounds = shapely.bounds(oriented) if len(geoms) else np.zeros((0, 4))
        return _Tile(
            fids[present], oriented, bounds, np.zeros(0), {c: v[present] for c, v in attrs.items()}
        )

    def _evict(self) -> None:
        # The tiles just used are at the end: the oldest go first, the newest never.
        while self._cached > self.cache_features and len(self._tiles) > 1:
            _key, tile = self._tiles.popitem(last=False)
            self._cached -= len(tile)

    def _drop_tiles(self) -> None:
        self._tiles.clear()
        self._cached = 0
        self._points.clear()


class PgLayer(GpkgLayer):
    """One spatial layer of a project in PostgreSQL + PostGIS, read by extent.

    The same tiles, levels of detail and bounded cache as a file's layer; a tile is a
    bbox query (`geom && ST_MakeEnvelope(..., srid)`, answered by the layer's GiST index)
    whose rows come over the binary protocol with the geometry as WKB (`ST_AsBinary`),
    decoded by shapely's vectorised `from_wkb` in batches. The size test reads the bbox
    PostGIS keeps in each geometry's header (float4, rounded outwards like the R-tree's).
    The layer has its own read-only connection (made by `connect`, with the credentials
    the window opened the project with), used from the render thread and the GUI thread
    one at a time under the lock; in autocommit each query sees what is committed, so a
    change needs only the cache dropped, not a new connection.
    """

    def __init__(
        self,
        connect: Callable[[], Any],
        srid: int,
        name: str,
        style: LayerStyle | None = None,
        *,
        shown: str = "",
        visible: bool = True,
        cache_features: int = CACHE_FEATURES,
        table: str | None = None,
        where: tuple[str, tuple[object, ...]] = ("", ()),
    ) -> None:
        """`connect()` makes the layer's connection; `srid` is the project's; `shown` the
        database's address without its password; `where` as for a file's layer (with
        `?` for its parameters)."""
        super().__init__(
            shown, name, style, visible=visible, cache_features=cache_features, table=table,
            where=(where[0].replace("?", "%s"), where[1]),
        )  # fmt: skip
        self.path = shown  # type: ignore[assignment]  # a database has an address, no file
        self._connect = connect
        self.srid = int(srid)

    @classmethod
    def for_store(
        cls, store: ProjectStore, name: str, style: LayerStyle | None = None, **kwargs: Any
    ) -> PgLayer:
        """A layer of the database `store` (a `PgStore`) is open on."""
        from qjgis.pg import session

        creds = session.credentials(store)
        return cls(
            lambda: session.connect(creds, read_only=True),
            store.srs_id(),
            name,
            style,
            shown=creds.shown,
            **kwargs,
        )

    def _connection(self) -> Any:
        if self._conn is None:
            self._conn = self._connect()
        return self._conn

    def invalidate(self) -> None:
        with self._lock:
            self._drop_tiles()
            self._extent_read = False
            self._count = None

    def close(self) -> None:
        with self._lock:
            self._drop_tiles()
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def _sql(self, sql: str, params: Sequence[object] = ()) -> Any:
        """A query on the layer's connection, its rows in the binary protocol; the
        server's refusal (or a lost connection) as a one-line `database_error`."""
        with self._refusals():
            cur = self._connection().cursor(binary=True)
            cur.execute(sql, tuple(params) if params else None)
        return cur

    @contextlib.contextmanager
    def _refusals(self) -> Iterator[None]:
        """The server's refusal (or a lost connection) as a one-line `database_error`."""
        import psycopg

        try:
            yield
        except psycopg.Error as exc:
            lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
            detail = lines[0] if lines else type(exc).__name__
            raise QjgisError("database_error", url=str(self.path), detail=detail) from exc

    def _read_count(self) -> int:
        return int(self._sql(self._count_sql(), self._where_params).fetchone()[0])

    def _count_sql(self) -> str:
        return f'SELECT count(*) FROM "{self.table}" t WHERE true {self._and()}'

    def connect(self) -> Any:
        """A new read-only connection to the layer's database (the caller closes it)."""
        return self._connect()

    def measure(self, conn: Any = None) -> tuple[Extent | None, int]:
        """The layer's extent and count, read on `conn` (a worker's, kept open: one for all
        the layers) or on a connection of its own closed again: for a worker thread
        (`ST_Extent` and `count(*)` walk the table, 1.4 s for a 100,000-parcel district's
        layers, too long for the GUI thread; `seed` then hands the figures to the layer).
        Touches none of the layer's state."""
        own = conn is None
        if own:
            conn = self._connect()
        try:
            with self._refusals(), conn.cursor() as cur:
                cur.execute(self._count_sql(), tuple(self._where_params) or None)
                count = int(cur.fetchone()[0])
                cur.execute(self._EXTENT_SQL.format(table=self.table))
                row = cur.fetchone()
        finally:
            if own:
                conn.close()
        return _extent_of(row), count

    def seed(self, extent: Extent | None, count: int | None) -> None:
        """Take the extent (and count, unless None) measured aside: `extent()` and `len()`
        then answer without a query. Before `seed`, the window holds the layer's extent as
        unknown (None) with `seed(None, None)`, so nothing on the GUI thread reads it."""
        with self._lock:
            self._extent = extent
            self._extent_read = True
            if count is not None:
                self._count = count

    #: the table's extent (a reference layer takes its table's, as on a file: the kinds
    #: cover the same district)
    _EXTENT_SQL = (
        "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM "
        '(SELECT ST_Extent(geom)::geometry AS e FROM "{table}") x'
    )

    def _read_extent(self) -> Extent | None:
        # A reference layer takes its table's extent, as on a file (the kinds cover the
        # same district).
        return _extent_of(self._sql(self._EXTENT_SQL.format(table=self.table)).fetchone())

    def _select(self, cols: list[str]) -> str:
        return ", ".join(["t.fid", "ST_AsBinary(t.geom)"] + [f't."{c}"' for c in cols])

    def _rows_by_fids(self, wanted: np.ndarray, cols: list[str]) -> list[tuple]:
        sql = (
            f'SELECT {self._select(cols)} FROM "{self.table}" t '
            f"WHERE t.fid = ANY(%s) {self._and()} ORDER BY t.fid"
        )
        return list(self._sql(sql, (wanted.tolist(), *self._where_params)).fetchall())

    def _query_box(self, box: Extent, min_size: float, cols: list[str]) -> Any:
        sql = (
            f'SELECT {self._select(cols)} FROM "{self.table}" t '
            f"WHERE t.geom && ST_MakeEnvelope(%s, %s, %s, %s, {self.srid})"
        )
        params: list[object] = [float(v) for v in box]
        if min_size > 0:
            sql += (
                " AND (ST_XMax(t.geom) - ST_XMin(t.geom) >= %s"
                " OR ST_YMax(t.geom) - ST_YMin(t.geom) >= %s)"
            )
            params += [float(min_size), float(min_size)]
        if self._where:
            sql += f" {self._and()}"
            params += self._where_params
        return self._sql(sql, params)

    def town_count(self) -> int:
        with self._lock:
            row = self._sql(
                "SELECT count(DISTINCT substr(code, 1, 9)) FROM villages "
                "WHERE length(code) >= 9 AND geom IS NOT NULL"
            ).fetchone()
        return int(row[0])

    def village_outlines(self) -> tuple[list[tuple[object, object]], dict[str, str]]:
        with self._lock:
            rows = list(self._sql("SELECT code, ST_AsBinary(geom) FROM villages").fetchall())
            names = dict(self._sql("SELECT code, name FROM towns").fetchall())
        return rows, names

    def sibling(self, name: str, style: LayerStyle | None, *, table: str,
                where: tuple[str, tuple[object, ...]]) -> GpkgLayer:  # fmt: skip
        return PgLayer(self._connect, self.srid, name, style, shown=str(self.path), table=table,
                       where=where)  # fmt: skip


class TownLayer:
    """Town (镇街) outlines, dissolved from the villages of each town, with the towns' names.

    Towns have no geometry of their own in the project: a village's 12-digit
    code begins with its town's 9. The outlines are made on first use, on the
    render thread (3,334 villages of the 1 M demo: 0.04 s), and kept in memory
    (a few dozen polygons); `invalidate` drops them.
    """

    name = "towns"

    def __init__(self, villages: GpkgLayer, style: LayerStyle | None = None) -> None:
        self.visible = True
        self._villages = villages
        self._style = style or default_style("towns")
        self._lock = threading.RLock()
        self._layer: VectorLayer | None = None

    @property
    def style(self) -> LayerStyle:
        return self._style

    @style.setter
    def style(self, style: LayerStyle) -> None:
        with self._lock:
            self._style = style
            if self._layer is not None:
                self._layer.style = style

    def __len__(self) -> int:
        with self._lock:
            if self._layer is not None:
                return len(self._layer)
        # Counted, not built: the window asks at opening, on the GUI thread.
        return self._villages.town_count()

    def extent(self) -> Extent | None:
        return self._villages.extent()  # the same ground, without building anything

    def features(self, extent: Extent, min_size: float, cancel: Cancel | None = None) -> Features:
        return self._built().features(extent, min_size, cancel)

    def label_points(self, fids: np.ndarray, geometry: np.ndarray) -> np.ndarray:
        return self._built().label_points(fids, geometry)

    def invalidate(self) -> None:
        with self._lock:
            self._layer = None

    def by_fids(self, fids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        layer = self._built()
        rows = np.flatnonzero(np.isin(layer.fids, fids))
        return layer.fids[rows], layer.geometry[rows]

    def in_box(self, extent: Extent) -> tuple[np.ndarray, np.ndarray]:
        layer = self._built()
        rows = layer.query(extent)
        return layer.fids[rows], layer.geometry[rows]

    def _built(self) -> VectorLayer:
        with self._lock:
            if self._layer is None:
                self._layer = self._build()
            return self._layer

    def _build(self) -> VectorLayer:
        rows, names = self._villages.village_outlines()
        codes = np.array([r[0] or "" for r in rows], dtype=object)
        geoms = gpkg.decode(np.array([r[1] for r in rows], dtype=object))
        keys = np.array([c[:9] for c in codes], dtype=object)
        ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms)) & (
            np.char.str_len(keys.astype(str)) == 9
        )
        towns = sorted(set(keys[ok].tolist()))
        outlines = []
        for key in towns:
            parts = geoms[ok & (keys == key)]
            # Villages tile their town without overlaps: a coverage union is
            # exact for them and five times faster than a general union.
            outlines.append(shapely.coverage_union_all(parts))
        data = LayerData(
            fids=np.arange(1, len(towns) + 1, dtype=np.int64),
            geometry=np.array(outlines, dtype=object),
            attrs={
                "code": np.array(towns, dtype=object),
                "name": np.array([names.get(k) for k in towns], dtype=object),
            },
        )
        return VectorLayer(self.name, data, self._style)


def _merge(tiles: list[_Tile], extent: Extent, min_size: float) -> Features:
    """The features of `tiles` meeting `extent` at `min_size`, each once, in fid order."""
    fids = np.concatenate([t.fids for t in tiles]) if tiles else np.zeros(0, np.int64)
    bounds = np.concatenate([t.bounds for t in tiles]) if tiles else np.zeros((0, 4))
    keep = (
        (bounds[:, 2] >= extent[0])
        & (bounds[:, 0] <= extent[2])
        & (bounds[:, 3] >= extent[1])
        & (bounds[:, 1] <= extent[3])
        & (np.maximum(bounds[:, 2] - bounds[:, 0], bounds[:, 3] - bounds[:, 1]) >= min_size)
    )
    rows = np.flatnonzero(keep)
    # A feature across a tile border is in both tiles: keep its first copy.
    _, first = np.unique(fids[rows], return_index=True)
    rows = rows[first]
    geometry = np.concatenate([t.geometry for t in tiles]) if tiles else np.zeros(0, object)
    categories = np.concatenate([t.categories for t in tiles]) if tiles else np.zeros(0, np.int64)
    names = list(tiles[0].attrs) if tiles else []
    attrs = {c: np.concatenate([t.attrs[c] for t in tiles])[rows] for c in names}
    return Features(fids[rows], geometry[rows], bounds[rows], categories[rows], attrs)


def reference_layer(
    path: str | Path | GpkgLayer,
    kind: str,
    style: LayerStyle | None = None,
    *,
    hazard_radius: float | None = None,
) -> GpkgLayer:
    """One reference layer (`kind`: landuse, basic-farmland ...) of a project file: the
    features of that kind in force (not superseded by a newer delivery), read by extent
    through the table's R-tree like any store layer. Hazard points are the discs of their
    threat radius: their file's, else `hazard_radius` (the setting overlay.hazard_radius_m
    as it is now; None draws the disc stored at import)."""
    from layers.style import reference_style

    where = ("t.kind = ? AND t.superseded_by IS NULL", (kind,))
    table = schema.REFERENCE_FEATURES.name
    style = style or reference_style(kind)
    if isinstance(path, GpkgLayer):  # beside a layer of the project (a file's or a database's)
        layer = path.sibling(kind, style, table=table, where=where)
    else:
        layer = GpkgLayer(path, kind, style, table=table, where=where)
    if kind == "hazard-points":
        layer.default_radius = hazard_radius
    return layer


def reference_kinds(store: ProjectStore) -> list[str]:
    """The reference layers a project holds, in the order they are drawn: the known kinds
    (land use first, hazards last, as `import --layer` lists them), then any other."""
    from qjgis.io.mapping import REFERENCE_KINDS

    # A loose index scan: the next kind after the last one, a few index probes whatever the
    # number of patches (DISTINCT would walk all 500,000 of a county's land use), each
    # kind then kept if a feature of it is in force.
    present, last = set(), ""
    while True:
        row = store.execute_sql("SELECT min(kind) FROM reference_features WHERE kind > ?", [last])
        if not row or row[0][0] is None:
            break
        last = row[0][0]
        in_force = store.execute_sql(
            "SELECT 1 FROM reference_features WHERE kind = ? AND superseded_by IS NULL LIMIT 1",
            [last],
        )
        if in_force:
            present.add(last)
    order = {k: i for i, k in enumerate(REFERENCE_KINDS)}
    return sorted(present, key=lambda k: (order.get(k, len(order)), k))


def map_layers(
    store: ProjectStore, names: tuple[str, ...] = STORE_LAYERS, *, reference: bool = False
) -> list[GpkgLayer | TownLayer]:
    """A project's map layers in drawing order, read by extent, styled by its settings.

    With the villages come the towns dissolved from them, drawn over them. With
    `reference`, the reference layers the project holds are drawn over the villages and
    under the towns' outlines and the parcels.
    """
    from layers.style import project_styles

    settings = store.settings()
    styles = project_styles(settings)
    radius = float(settings[HAZARD_RADIUS_SETTING])
    out: list[GpkgLayer | TownLayer] = []
    for name in names:
        layer = GpkgLayer.from_store(store, name, styles.get(name))
        out.append(layer)
        if name == "villages":
            if reference:
                out += [
                    reference_layer(layer, kind, hazard_radius=radius)
                    for kind in reference_kinds(store)
                ]
            out.append(TownLayer(layer, styles.get("towns")))
    return out


def _extent_of(row: Sequence[Any] | None) -> Extent | None:
    """A PostGIS extent row (xmin, ymin, xmax, ymax), None for an empty table."""
    return None if row is None or row[0] is None else tuple(map(float, row))  # type: ignore[return-value]
