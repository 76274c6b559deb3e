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
            values: list[Any] = text(offsets, data)
        else:
            blob = data.tobytes()
            bounds = offsets.tolist()
            values = [blob[a:b] for a, b in itertools.pairwise(bounds)]
        out = np.empty(n, dtype=object)
        out[:] = values
        if valid is not None:
            out[~valid] = None
        return out
    if fmt == b"tdD":
        days = _buffer(arr, 1, np.int32, off + n)[off:]
        out = days.astype("datetime64[D]")
        if valid is not None:
            out[~valid] = np.datetime64("NaT")
        return out
    dtype = {b"g": np.float64, b"i": np.int32, b"l": np.int64}[fmt]
    values_arr = _buffer(arr, 1, dtype, off + n)[off:]
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
