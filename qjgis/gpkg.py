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


# ---------------------------------------------------------------- R-tree bulk load
_CHUNK = 100_000
#: Bytes of one R-tree cell of SQLite's rtree module: a 64-bit id and four 32-bit floats.
_CELL = np.dtype([("id", ">i8"), ("box", ">f4", (4,))])


def _round_out(box: np.ndarray) -> np.ndarray:
    """float64 boxes [minx, maxx, miny, maxy] to float32, rounded outwards as SQLite does."""
    f = box.astype(np.float32)
    lo, hi = f[:, 0::2], f[:, 1::2]
    down = lo.astype(np.float64) > box[:, 0::2]
    lo[down] = np.nextafter(lo[down], np.float32(-np.inf))
    up = hi.astype(np.float64) < box[:, 1::2]
    hi[up] = np.nextafter(hi[up], np.float32(np.inf))
    f[:, 0::2], f[:, 1::2] = lo, hi
    return f


def _str_order(box: np.ndarray, per_node: int) -> np.ndarray:
    """Sort-Tile-Recursive packing: the order in which `per_node` entries fill each node."""
    n = len(box)
    slices = int(np.ceil(np.sqrt(-(-n // per_node))))
    by_x = np.argsort(box[:, 0] + box[:, 1], kind="stable")  # centres, doubled, float32
    tile = np.empty(n, dtype=np.int32)
    tile[by_x] = np.arange(n, dtype=np.int64) // (slices * per_node)
    del by_x
    return np.lexsort((box[:, 2] + box[:, 3], tile))


def _write_level(
    conn: sqlite3.Connection,
    rtree: str,
    ids: np.ndarray,
    boxes: np.ndarray,
    first: int,
    size: int,
    *,
    leaf: bool,
    depth: int | None,
) -> None:
    """Write the nodes of one level, numbered from `first`, a bounded chunk at a time.

    Entry i goes into node i // per_node (STR fills every node but the last). `ids`
    are feature ids on the leaf level and child node numbers above it; `_rowid`
    (leaves) or `_parent` (inner levels) maps each entry to its node.
    """
    per_node = (size - 4) // _CELL.itemsize
    used = 4 + per_node * _CELL.itemsize
    target = f'"{rtree}_rowid" (rowid, nodeno)' if leaf else f'"{rtree}_parent"'
    step = max(_CHUNK // per_node, 1) * per_node
    for at in range(0, max(len(ids), 1), step):
        chunk_ids, chunk_box = ids[at : at + step], boxes[at : at + step]
        n = len(chunk_ids)
        count = max(-(-n // per_node), 1)
        cells = np.zeros(count * per_node, dtype=_CELL)  # unused slots stay zero
        cells["id"][:n], cells["box"][:n] = chunk_ids, chunk_box
        buf = np.zeros((count, size), dtype=np.uint8)
        filled = np.full(count, per_node, dtype=">u2")
        filled[-1] = n - (count - 1) * per_node
        buf[:, 2:4] = filled.view(np.uint8).reshape(count, 2)
        if depth is not None:  # only the root records the depth of the tree
            buf[:, 0:2] = np.array([depth], dtype=">u2").view(np.uint8)
        buf[:, 4:used] = cells.view(np.uint8).reshape(count, used - 4)
        nodenos = first + at // per_node + np.arange(count)
        conn.executemany(
            f'INSERT INTO "{rtree}_node" (nodeno, data) VALUES (?, ?)',
            zip(nodenos.tolist(), [bytes(row) for row in buf], strict=True),
        )
        conn.executemany(
            f"INSERT INTO {target} VALUES (?, ?)",
            zip(chunk_ids.tolist(), nodenos[np.arange(n) // per_node].tolist(), strict=True),
        )


#: Features read, sorted and written at a time on the leaf level (about 15 MiB): the
#: leaves are packed chunk by chunk (Sort-Tile-Recursive inside each chunk, in fid order
#: between them), so memory stays bounded however large the layer; the levels above
#: hold one entry per node (1/50 of the features) and are packed whole.
LEAF_CHUNK = 50_000


def _envelope_filter(column: str) -> str:
    return (
        f'"{column}" IS NOT NULL AND length("{column}") >= {_HEADER_DTYPE.itemsize} '
        f"AND substr(\"{column}\", 4, 1) = X'{_FLAGS_ENVELOPE:02X}'"
    )


def rtree_bulk_load(
    conn: sqlite3.Connection, table: str, column: str = "geom", *, chunk: int = LEAF_CHUNK
) -> int:
    """Fill the empty R-tree of `table` from its blobs' envelopes; returns the entries.

    Inserting row by row costs SQLite a descent and node rewrite per feature (as much
    CPU as writing the rows themselves); like GDAL's GeoPackage writer, this packs the
    tree once (Sort-Tile-Recursive) and writes the rtree module's own shadow tables:
    a node is `depth (root only), cell count` as big-endian 16-bit numbers and cells
    of a big-endian 64-bit id and four float32 bounds rounded outwards. Blobs without
    an envelope (not written by us) are indexed through the ST_* functions instead.
    """
    rtree = f"rtree_{table}_{column}"
    if conn.execute(f'SELECT EXISTS (SELECT 1 FROM "{rtree}_rowid")').fetchone()[0]:
        raise ValueError(f"{rtree} is not empty")
    size = int(
        conn.execute(f'SELECT length(data) FROM "{rtree}_node" WHERE nodeno = 1').fetchone()[0]
    )
    per_node = (size - 4) // _CELL.itemsize
    where = _envelope_filter(column)
    total = int(conn.execute(f'SELECT count(*) FROM "{table}" WHERE {where}').fetchone()[0])
    sizes = [total]  # entries per level, leaves first; the root holds <= per_node
    while sizes[-1] > per_node:
        sizes.append(-(-sizes[-1] // per_node))
    nodes = [max(-(-m // per_node), 1) for m in sizes]
    first = [0] * len(sizes)
    nxt = 1  # node numbers top-down: the root is 1 (the rtree module's convention)
    for k in range(len(sizes) - 1, -1, -1):
        first[k] = nxt
        nxt += nodes[k]
    depth = len(sizes) - 1
    conn.execute(f'DELETE FROM "{rtree}_node"')
    conn.execute(f'DELETE FROM "{rtree}_parent"')
    step = max(chunk // per_node, 1) * per_node  # whole nodes per chunk
    cur = conn.execute(
        f'SELECT fid, substr("{column}", 1, {_HEADER_DTYPE.itemsize}) FROM "{table}" '
        f"WHERE {where} ORDER BY fid"
    )
    node_boxes: list[np.ndarray] = []
    written = 0
    while rows := cur.fetchmany(step):
        fid, head = zip(*rows, strict=True)
        del rows
        h = np.frombuffer(b"".join(head), dtype=_HEADER_DTYPE)
        ids = np.array(fid, dtype=np.int64)
        box = _round_out(np.column_stack([h["minx"], h["maxx"], h["miny"], h["maxy"]]))
        if depth:
            order = _str_order(box, per_node)
            ids, box = ids[order], box[order]
        _write_level(
            conn, rtree, ids, box, first[0] + written // per_node, size, leaf=True,
            depth=depth if depth == 0 else None,
        )  # fmt: skip
        if depth:
            node_boxes.append(_node_boxes(box, per_node))
        written += len(ids)
    cur.close()
    if written == 0:  # an empty layer: an empty root, as the rtree module has it
        _write_level(
            conn, rtree, np.zeros(0, np.int64), np.zeros((0, 4), np.float32), 1, size,
            leaf=True, depth=0,
        )  # fmt: skip
    if depth:
        box = np.concatenate(node_boxes)
        node_boxes.clear()
        ids = first[0] + np.arange(len(box), dtype=np.int64)
        for k in range(1, depth + 1):
            if k < depth:
                order = _str_order(box, per_node)
                ids, box = ids[order], box[order]
            _write_level(
                conn, rtree, ids, box, first[k], size, leaf=False,
                depth=depth if k == depth else None,
            )  # fmt: skip
            if k < depth:
                box = _node_boxes(box, per_node)
                ids = first[k] + np.arange(len(box), dtype=np.int64)
    # The cheap tests first: SQLite evaluates left to right, ST_IsEmpty is a Python call.
    others = (
        f'SELECT fid FROM "{table}" WHERE "{column}" IS NOT NULL '
        f'AND (length("{column}") < {_HEADER_DTYPE.itemsize} '
        f"OR substr(\"{column}\", 4, 1) != X'{_FLAGS_ENVELOPE:02X}') "
        f'AND NOT ST_IsEmpty("{column}")'
    )
    conn.execute(
        f'INSERT INTO "{rtree}" SELECT fid, ST_MinX("{column}"), ST_MaxX("{column}"), '
        f'ST_MinY("{column}"), ST_MaxY("{column}") FROM "{table}" WHERE fid IN ({others})'
    )
    return total


def _node_boxes(box: np.ndarray, per_node: int) -> np.ndarray:
    """The bounds of each node of `per_node` consecutive entries."""
    starts = np.arange(0, len(box), per_node)
    return np.column_stack([
        np.minimum.reduceat(box[:, 0], starts), np.maximum.reduceat(box[:, 1], starts),
        np.minimum.reduceat(box[:, 2], starts), np.maximum.reduceat(box[:, 3], starts),
    ])  # fmt: skip
