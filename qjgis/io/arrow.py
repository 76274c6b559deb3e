"""Reading GDAL's Arrow C stream into numpy without pyarrow, for the import's hot path.

pyogrio hands a layer over as an Arrow C stream (`raw.open_arrow(use_pyarrow=False)`);
this reads its record batches through ctypes, straight from the Arrow buffers:
numbers and dates become numpy arrays without a Python object per value, and each
text column becomes Python strings in one decode of one buffer. The arrays match
what `pyogrio.raw.read` returns (float64 with NaN for a null integer or real,
datetime64[D] with NaT, an object array of str and None for text), so callers see
no difference. Only the Arrow types GDAL gives for those field types are handled:
`schema_supported` says whether a layer qualifies, and callers fall back otherwise.
"""

from __future__ import annotations

import ctypes
import itertools
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


class ArrowSchema(ctypes.Structure):
    pass


ArrowSchema._fields_ = [
    ("format", ctypes.c_char_p),
    ("name", ctypes.c_char_p),
    ("metadata", ctypes.c_void_p),
    ("flags", ctypes.c_int64),
    ("n_children", ctypes.c_int64),
    ("children", ctypes.POINTER(ctypes.POINTER(ArrowSchema))),
    ("dictionary", ctypes.c_void_p),
    ("release", ctypes.CFUNCTYPE(None, ctypes.c_void_p)),
    ("private_data", ctypes.c_void_p),
]


class ArrowArray(ctypes.Structure):
    pass


ArrowArray._fields_ = [
    ("length", ctypes.c_int64),
    ("null_count", ctypes.c_int64),
    ("offset", ctypes.c_int64),
    ("n_buffers", ctypes.c_int64),
    ("n_children", ctypes.c_int64),
    ("buffers", ctypes.POINTER(ctypes.c_void_p)),
    ("children", ctypes.POINTER(ctypes.POINTER(ArrowArray))),
    ("dictionary", ctypes.c_void_p),
    ("release", ctypes.CFUNCTYPE(None, ctypes.c_void_p)),
    ("private_data", ctypes.c_void_p),
]


class ArrowArrayStream(ctypes.Structure):
    _fields_ = [
        ("get_schema", ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)),
        ("get_next", ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)),
        ("get_last_error", ctypes.CFUNCTYPE(ctypes.c_char_p, ctypes.c_void_p)),
        ("release", ctypes.CFUNCTYPE(None, ctypes.c_void_p)),
        ("private_data", ctypes.c_void_p),
    ]


_capsule_pointer = ctypes.pythonapi.PyCapsule_GetPointer
_capsule_pointer.restype = ctypes.c_void_p
_capsule_pointer.argtypes = [ctypes.py_object, ctypes.c_char_p]

#: Arrow formats read here: utf8, float64, int32, int64, date32 (days), binary (WKB).
SUPPORTED = frozenset({b"u", b"g", b"i", b"l", b"tdD", b"z"})


class ArrowStreamError(RuntimeError):
    """The producer (GDAL) failed while reading a batch; the message is GDAL's."""


def _buffer(arr: ArrowArray, i: int, dtype: Any, count: int, *, copy: bool = True) -> np.ndarray:
    """Buffer `i` as `count` items of `dtype`: a copy, or with `copy=False` a view that
    is valid only until the batch is released."""
    address = arr.buffers[i]
    if not address or count == 0:
        return np.zeros(count, dtype=dtype)
    size = np.dtype(dtype).itemsize * count
    raw = (ctypes.c_char * size).from_address(address)
    view = np.frombuffer(raw, dtype=dtype)
    return view.copy() if copy else view


def _valid(arr: ArrowArray) -> np.ndarray | None:
    """The validity mask (True = present), or None when the column has no nulls."""
    n, off = int(arr.length), int(arr.offset)
    if arr.null_count == 0 or not arr.buffers[0]:
        return None
    bits = _buffer(arr, 0, np.uint8, (off + n + 7) // 8)
    return np.unpackbits(bits, bitorder="little")[off : off + n].astype(bool)


def _binary_parts(arr: ArrowArray) -> tuple[np.ndarray, np.ndarray]:
    """(offsets relative to the first value, the values' bytes) of a utf8/binary array.

    The bytes are a view into the batch: they are turned into Python objects before
    the batch is released.
    """
    n, off = int(arr.length), int(arr.offset)
    offsets = _buffer(arr, 1, np.int32, off + n + 1, copy=False)[off:].astype(np.int64)
    data = _buffer(arr, 2, np.uint8, int(offsets[-1]), copy=False)[int(offsets[0]) :]
    return offsets - offsets[0], data


def _column(
    fmt: bytes, arr: ArrowArray, text: Callable[[np.ndarray, np.ndarray], list[str]]
) -> np.ndarray:
    n, off = int(arr.length), int(arr.offset)
    valid = _valid(arr)
    if fmt in (b"u", b"z"):
        offsets, data = _binary_parts(arr)
        if fmt == b"u":
            out = np.empty(n, dtype=object)
            out[:] = text(offsets, data)
        else:
            out = _blobs(offsets, data)
        if valid is not None:
            out[~valid] = None
        return out
    if fmt == b"tdD":
        days = _buffer(arr, 1, np.int32, off + n)[off:]
        out = days.astype("datetime64[D]")
        if valid is not None:
            out[~valid] = np.datetime64("NaT")
        return out
    values_arr = _numbers(fmt, arr)
    if valid is not None:  # as pyogrio: an integer column with nulls comes as float with NaN
        values_arr = values_arr.astype(np.float64)
        values_arr[~valid] = np.nan
    return values_arr


def schema_of(stream_ptr: int) -> list[tuple[bytes, bytes]]:
    """(format, name) of each top-level column of the stream's struct schema."""
    stream = ArrowArrayStream.from_address(stream_ptr)
    schema = ArrowSchema()
    if stream.get_schema(stream_ptr, ctypes.addressof(schema)) != 0:
        raise ArrowStreamError(_last_error(stream, stream_ptr))
    try:
        return [
            (schema.children[i].contents.format, schema.children[i].contents.name)
            for i in range(schema.n_children)
        ]
    finally:
        if schema.release:
            schema.release(ctypes.addressof(schema))


def _last_error(stream: ArrowArrayStream, ptr: int) -> str:
    message = stream.get_last_error(ptr) if stream.get_last_error else None
    return message.decode("utf-8", errors="replace") if message else "read error"


def stream_pointer(reader: Any) -> tuple[Any, int]:
    """The capsule (keep it alive) and the address of the ArrowArrayStream it holds."""
    capsule = reader.__arrow_c_stream__()
    return capsule, int(_capsule_pointer(capsule, b"arrow_array_stream"))


def batches(
    stream_ptr: int,
    formats: list[bytes],
    text: Callable[[np.ndarray, np.ndarray], list[str]],
) -> Iterator[list[np.ndarray]]:
    """Each record batch as one numpy array per column, in schema order.

    `text(offsets, data)` turns one utf8 column (offsets relative to `data`) into
    its list of strings: the caller decides how the bytes are decoded.
    """
    stream = ArrowArrayStream.from_address(stream_ptr)
    while True:
        arr = ArrowArray()
        if stream.get_next(stream_ptr, ctypes.addressof(arr)) != 0:
            raise ArrowStreamError(_last_error(stream, stream_ptr))
        if not arr.release:  # the end of the stream
            return
        try:
            columns = [
                _column(fmt, arr.children[i].contents, text) for i, fmt in enumerate(formats)
            ]
        finally:
            arr.release(ctypes.addressof(arr))
        yield columns


# ---------------------------------------------------------------- whole-table scans
def utf8_fixed(offsets: np.ndarray, data: np.ndarray) -> np.ndarray:
    """A utf8 column (offsets relative to `data`) as fixed-width unicode, "" where empty.

    No Python object per value: pure ASCII (codes, ID numbers) is widened in
    place; other text is decoded once for the whole column and its character
    offsets found from the UTF-8 lead bytes. Values of one length (the usual
    case for codes) are a reshape; otherwise one gather of rows.
    """
    n = len(offsets) - 1
    if n <= 0:
        return np.empty(0, dtype="U1")
    if not len(data):
        return np.zeros(n, dtype="U1")
    if int(data.max()) < 0x80:
        points: np.ndarray = data
        starts, ends = offsets[:-1], offsets[1:]
    else:
        text = data.tobytes().decode("utf-8")  # GDAL gives valid UTF-8; raises otherwise
        points = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        lead = np.zeros(len(data) + 1, dtype=np.int64)
        np.cumsum((data & 0xC0) != 0x80, out=lead[1:])
        starts, ends = lead[offsets[:-1]], lead[offsets[1:]]
    lengths = ends - starts
    width = max(int(lengths.max()), 1)
    if (lengths == width).all() and int(starts[0]) == 0:
        matrix = points[: n * width].reshape(n, width)
    else:
        # Each row is the `width` points from its start, cut at its length: one gather
        # of rows from a sliding window over the points, without an index per point.
        padded = np.concatenate([points, np.zeros(width, dtype=points.dtype)])
        matrix = sliding_window_view(padded, width)[starts]
        matrix[np.arange(width)[None, :] >= lengths[:, None]] = 0
    matrix = matrix.astype(np.uint32, copy=False)
    return matrix.view(f"U{width}").ravel()


def _scan_column(fmt: bytes, arr: ArrowArray) -> tuple[Any, np.ndarray | None]:
    """(values, validity or None) of one column of a batch, copied out of the batch.

    Text stays as its (offsets, bytes) until all batches are in: widening each
    batch to unicode and joining them would copy four times the bytes twice.
    """
    n, off = int(arr.length), int(arr.offset)
    valid = _valid(arr)
    if fmt in (b"u", b"z"):
        offsets, data = _binary_parts(arr)
        return (offsets, data.copy()), valid
    if fmt == b"b":
        bits = _buffer(arr, 1, np.uint8, (off + n + 7) // 8)
        return np.unpackbits(bits, bitorder="little")[off : off + n].astype(bool), valid
    return _numbers(fmt, arr), valid


def _numbers(fmt: bytes, arr: ArrowArray) -> np.ndarray:
    """A float64, int32 or int64 column copied out of the batch, nulls not yet handled."""
    n, off = int(arr.length), int(arr.offset)
    dtype = {b"g": np.float64, b"i": np.int32, b"l": np.int64}[fmt]
    return _buffer(arr, 1, dtype, off + n)[off:]


def _blobs(offsets: np.ndarray, data: np.ndarray) -> np.ndarray:
    blob = data.tobytes()
    out = np.empty(len(offsets) - 1, dtype=object)
    out[:] = [blob[a:b] for a, b in itertools.pairwise(offsets.tolist())]
    return out


def _joined_text(chunks: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """utf8 batches joined into one fixed-width unicode array."""
    if len(chunks) == 1:
        return utf8_fixed(*chunks[0])
    shift = np.cumsum([0] + [len(d) for _, d in chunks[:-1]])
    offsets = np.concatenate(
        [chunks[0][0][:1]] + [o[1:] + s for (o, _), s in zip(chunks, shift, strict=True)]
    )
    return utf8_fixed(offsets, np.concatenate([d for _, d in chunks]))


#: What `scan_columns` reads; a date (tdD) is not among them: see `qjgis.store`.
SCAN_SUPPORTED = frozenset({b"u", b"g", b"i", b"l", b"b", b"z"})


def scan_columns(
    stream_ptr: int,
    decode: Callable[[np.ndarray], np.ndarray] | None = None,
) -> dict[str, tuple[np.ndarray, np.ndarray | None]]:
    """Every column of a stream as (values, validity or None), batches joined.

    Text comes as fixed-width unicode, numbers and booleans in their dtype,
    binary as bytes objects, or through `decode` (WKB to geometries) batch by
    batch so that the blobs of a whole layer are never held at once. Raises
    ArrowStreamError for a failing batch or a column type outside SCAN_SUPPORTED.
    """
    schema = schema_of(stream_ptr)
    unsupported = [n for f, n in schema if f not in SCAN_SUPPORTED]
    if unsupported:
        raise ArrowStreamError(f"unsupported column types: {unsupported}")
    parts: list[list[tuple[np.ndarray, np.ndarray | None]]] = [[] for _ in schema]
    stream = ArrowArrayStream.from_address(stream_ptr)
    while True:
        arr = ArrowArray()
        if stream.get_next(stream_ptr, ctypes.addressof(arr)) != 0:
            raise ArrowStreamError(_last_error(stream, stream_ptr))
        if not arr.release:
            break
        try:
            for i, (fmt, _) in enumerate(schema):
                values, valid = _scan_column(fmt, arr.children[i].contents)
                if fmt == b"z":
                    values = _blobs(*values)
                    if valid is not None:
                        values[~valid] = None
                    if decode is not None:
                        values = decode(values)
                parts[i].append((values, valid))
        finally:
            arr.release(ctypes.addressof(arr))
    out: dict[str, tuple[np.ndarray, np.ndarray | None]] = {}
    for (fmt, name), chunks in zip(schema, parts, strict=True):
        key = name.decode("utf-8")
        if not chunks:
            empty = np.empty(0, dtype={b"u": "U1", b"z": object, b"b": bool}.get(fmt, np.float64))
            out[key] = (empty, None)
            continue
        if fmt == b"u":
            values = _joined_text([c[0] for c in chunks])
        else:
            values = np.concatenate([c[0] for c in chunks])
        if all(c[1] is None for c in chunks):
            out[key] = (values, None)
        else:
            # a text chunk is (offsets, data): its rows are len(offsets) - 1, not len(c[0])
            rows = [len(c[0][0]) - 1 if fmt == b"u" else len(c[0]) for c in chunks]
            masks = [
                c[1] if c[1] is not None else np.ones(n, bool)
                for c, n in zip(chunks, rows, strict=True)
            ]
            out[key] = (values, np.concatenate(masks))
    return out
