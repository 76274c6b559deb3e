"""GeoPackage geometry blobs and the SQL functions its R-tree triggers call.

We write the project through Python's sqlite3 so that one operation is one
transaction over spatial and attribute tables alike. GDAL-written GeoPackages
(and ours, by the spec) carry R-tree triggers that call ST_IsEmpty, ST_MinX ...,
which sqlite3 lacks: `register_functions` supplies them, reading the blob header.
"""

from __future__ import annotations

import sqlite3
import struct

import numpy as np
import shapely

# flags: bit 0 little-endian, bits 1-3 envelope type 1 ([minx, maxx, miny, maxy]),
# bit 4 empty geometry; version byte 0 (GeoPackage 1.x).
_FLAGS_ENVELOPE = 0b0000_0011
_FLAGS_EMPTY = 0b0001_0011  # an empty geometry keeps a NaN envelope
_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}

_HEADER_DTYPE = np.dtype(
    [
        ("magic", "S2"),
        ("version", "u1"),
        ("flags", "u1"),
        ("srs_id", "<i4"),
        ("minx", "<f8"),
        ("maxx", "<f8"),
        ("miny", "<f8"),
        ("maxy", "<f8"),
    ]
)

# SQL expression that strips the header of a blob in column `geom`, whatever its
# envelope type, so that WKB comes out of SQLite without a Python call per row.
_LOW_NIBBLE = "(instr('0123456789ABCDEF', substr(hex(substr({c}, 4, 1)), 2, 1)) - 1)"
WKB_SQL = (
    "CASE WHEN {c} IS NULL THEN NULL ELSE substr({c}, 9 + "
    "CASE ((" + _LOW_NIBBLE + " >> 1) & 7) WHEN 1 THEN 32 WHEN 2 THEN 48 WHEN 3 THEN 48 "
    "WHEN 4 THEN 64 ELSE 0 END) END"
)


def wkb_sql(column: str = "geom") -> str:
    return WKB_SQL.format(c=column)


def encode(geoms: np.ndarray, srs_id: int) -> np.ndarray:
    """GeoPackage blobs (object array of bytes) for an array of shapely geometries.

    Headers are built as one structured array and joined to the WKB with numpy's
    elementwise object addition, so there is no Python-level loop per feature.
    """
    geoms = np.asarray(geoms, dtype=object)
    n = len(geoms)
    out = np.empty(n, dtype=object)
    if n == 0:
        return out
    missing = shapely.is_missing(geoms)
    empty = shapely.is_empty(geoms) & ~missing
    bounds = shapely.bounds(geoms)
    header = np.zeros(n, dtype=_HEADER_DTYPE)
    header["magic"] = b"GP"
    header["srs_id"] = srs_id
    header["flags"] = np.where(empty, _FLAGS_EMPTY, _FLAGS_ENVELOPE)
    header["minx"], header["miny"] = bounds[:, 0], bounds[:, 1]
    header["maxx"], header["maxy"] = bounds[:, 2], bounds[:, 3]
    size = _HEADER_DTYPE.itemsize
    # numpy's bytes dtype drops trailing NUL bytes on the way to Python objects; only
    # a header whose maxy is exactly 0.0 ends in NUL, so those few are padded back.
    fixed = np.frombuffer(header.tobytes(), dtype=f"S{size}")
    heads = fixed.astype(object)
    short = np.char.str_len(fixed) != size
    if short.any():
        heads[short] = [h.ljust(size, b"\0") for h in heads[short]]
    wkb = shapely.to_wkb(geoms, byte_order=1, include_srid=False, flavor="iso")
    present = ~missing
    out[present] = heads[present] + wkb[present].astype(object)
    out[missing] = None
    return out


def decode(wkb: list[bytes | None] | np.ndarray) -> np.ndarray:
    """Shapely geometries from WKB already stripped of the header by `wkb_sql`."""
    arr = np.asarray(wkb, dtype=object)
    if arr.size == 0:
        return np.empty(0, dtype=object)
    return shapely.from_wkb(arr, on_invalid="ignore")


def _header(blob: bytes | None) -> tuple[int, tuple[float, float, float, float] | None]:
    """(flags, envelope) of a blob; envelope None when the header carries none."""
    if blob is None or len(blob) < 8 or blob[:2] != b"GP":
        return 0, None
    flags = blob[3]
    env_type = (flags >> 1) & 7
    if env_type == 0:
        return flags, None
    order = "<" if flags & 1 else ">"
    return flags, struct.unpack_from(order + "4d", blob, 8)


def _bounds_from_wkb(blob: bytes) -> tuple[float, float, float, float] | None:
    flags = blob[3]
    wkb = blob[8 + _ENVELOPE_BYTES.get((flags >> 1) & 7, 0) :]
    geom = shapely.from_wkb(wkb, on_invalid="ignore")
    if geom is None or geom.is_empty:
        return None
    minx, miny, maxx, maxy = geom.bounds
    return minx, maxx, miny, maxy


def _envelope(blob: bytes | None) -> tuple[float, float, float, float] | None:
    flags, env = _header(blob)
    if blob is None or flags & 0b1_0000:
        return None
    return env if env is not None else _bounds_from_wkb(blob)


def _st_is_empty(blob: bytes | None) -> int | None:
    if blob is None:
        return None
    flags, _ = _header(blob)
    return 1 if flags & 0b1_0000 else 0


def _coord(i: int):  # type: ignore[no-untyped-def]
    def fn(blob: bytes | None) -> float | None:
        env = _envelope(blob)
        return None if env is None else env[i]

    return fn


def register_functions(conn: sqlite3.Connection) -> None:
    """Give a sqlite3 connection the ST_* functions that GeoPackage triggers call."""
    conn.create_function("ST_IsEmpty", 1, _st_is_empty, deterministic=True)
    conn.create_function("ST_MinX", 1, _coord(0), deterministic=True)
    conn.create_function("ST_MaxX", 1, _coord(1), deterministic=True)
    conn.create_function("ST_MinY", 1, _coord(2), deterministic=True)
    conn.create_function("ST_MaxY", 1, _coord(3), deterministic=True)
    # GDAL's GeoPackage driver also declares these; harmless elsewhere.
    conn.create_function("GPKG_IsAssignable", 2, lambda a, b: int(a == b), deterministic=True)
