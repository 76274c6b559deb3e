"""An .xlsx workbook as python-calamine reads it fastest: each worksheet's `<mergeCells>`
also at the very start of its XML.

`CalamineWorkbook.get_sheet_by_name` reads a worksheet's XML twice: once for its cells,
then once more for its merged ranges, and that second pass stops at the first
`<mergeCells>` element it meets. Excel, WPS and openpyxl write that element after the
sheet's data, so the second pass tokenizes the whole sheet again: a third of the parse
of the 20,000-parcel demo's register (docs/benchmarks.md). There is no call that skips
it, and the register reader needs merged ranges (printed forms' two-row headers).

`merges_first(path)` gives the bytes of a copy of the workbook in which every worksheet
starts with its own merged ranges (an empty element when it has none), so the second
pass ends at once. The copy reuses each entry's compressed bytes as they are: the
element goes in front of a worksheet's deflate stream as a stored block, and its CRC
is combined with the entry's own (`crc32_combine`), so nothing is compressed again.
Each worksheet is inflated once, a slice at a time, to find its element near its end
and to check its CRC; only that end is kept.

The copy changes nothing calamine reads for the cells: the element ahead of the XML
declaration is a start tag its cell pass skips. Whenever the file is anything but a
plain zip of worksheets this can do (not a zip, encrypted, ZIP64, a byte-order mark or
another encoding, a worksheet whose tail after its data is too long to keep) the
answer is None and the reader opens the file itself, as before.
"""

from __future__ import annotations

import io
import os
import re
import struct
import zipfile
import zlib

#: CRC-32's reflected polynomial (zlib, zip)
_POLY = 0xEDB88320
#: compressed bytes inflated at a time: each slice inflates to a few megabytes
_SLICE = 1 << 20
#: what follows a sheet's data (merged ranges, validations, page set-up) is looked for
#: in its last two inflated slices: at least this many bytes of the XML's end
_TAIL_MIN = _SLICE

_SHEET = re.compile(r"xl/worksheets/[^/]+\.xml", re.IGNORECASE)
_NS = rb"(?:[A-Za-z_][\w.-]*:)?"  # a namespace prefix (x:sheetData), if any
#: the end of the cells: </sheetData> or an empty <sheetData/>
_DATA_END = re.compile(rb"</" + _NS + rb"sheetData\s*>|<" + _NS + rb"sheetData\s*/>")
_MERGES = re.compile(rb"<" + _NS + rb"mergeCells[\s>].*?</" + _NS + rb"mergeCells\s*>", re.S)
#: what a worksheet without merged ranges gets in front: a start and an end tag, since
#: calamine's second pass stops only at a start tag (an empty <mergeCells/> is not one)
_NONE = b"<mergeCells></mergeCells>"


def _mult(a: int, b: int) -> int:
    """a·b modulo CRC-32's polynomial, both as reflected bit strings (zlib's multmodp)."""
    m, p = 1 << 31, 0
    while True:
        if a & m:
            p ^= b
            if not a & (m - 1):
                return p
        m >>= 1
        b = (b >> 1) ^ _POLY if b & 1 else b >> 1


def _powers() -> list[int]:
    """x^(2^k) modulo the polynomial, k = 0..31."""
    out, p = [], 1 << 30  # x^1
    for _ in range(32):
        out.append(p)
        p = _mult(p, p)
    return out


_X2N = _powers()


def crc32_combine(crc1: int, crc2: int, len2: int) -> int:
    """The CRC-32 of A+B from crc32(A), crc32(B) and len(B), without reading either
    (zlib's crc32_combine, which Python's zlib does not expose)."""
    p, n, k = 1 << 31, len2, 3  # x^0; len2 bytes are 2^3·len2 bits
    while n:
        if n & 1:
            p = _mult(_X2N[k & 31], p)
        n >>= 1
        k += 1
    return _mult(p, crc1) ^ crc2


def _stored(data: bytes) -> bytes:
    """`data` as non-final stored deflate blocks: a deflate stream may begin with them."""
    out = bytearray()
    for i in range(0, len(data), 0xFFFF):
        chunk = data[i : i + 0xFFFF]
        out += b"\x00" + struct.pack("<HH", len(chunk), len(chunk) ^ 0xFFFF) + chunk
    return bytes(out)


def _front(data: bytes, method: int, crc: int, size: int) -> tuple[bytes, int, int] | None:
    """(the entry's new bytes, CRC, size) with its merged ranges in front; None when the
    XML is not one this can do, its tail is out of reach, or it does not check out."""
    inflater = zlib.decompressobj(-zlib.MAX_WBITS) if method == zipfile.ZIP_DEFLATED else None
    seen, check, first = 0, 0, b""
    last = previous = b""
    try:
        for i in range(0, len(data), _SLICE):
            piece = data[i : i + _SLICE]
            out = inflater.decompress(piece) if inflater is not None else piece
            if not out:
                continue
            if not first:
                first = out[:4]
            check = zlib.crc32(out, check)
            seen += len(out)
            previous, last = last, out
        if inflater is not None:
            out = inflater.flush()
            if out:
                check = zlib.crc32(out, check)
                seen += len(out)
                previous, last = last, out
            if not inflater.eof:
                return None
    except zlib.error:
        return None
    if check != crc or seen != size or not first.startswith(b"<"):
        return None  # not what the directory says, a byte-order mark or UTF-16
    tail = previous + last if len(last) < _TAIL_MIN else last
    at = tail.rfind(b"sheetData")
    end = _DATA_END.search(tail, max(at - 64, 0)) if at >= 0 else None
    if end is None:  # the cells end before the kept tail: the element may too
        return None
    merges = _MERGES.search(tail, end.end())
    head = merges.group(0) if merges is not None else _NONE
    new_crc = crc32_combine(zlib.crc32(head), crc, size)
    body = _stored(head) + data if inflater is not None else head + data
    return body, new_crc, size + len(head)


def _dos_time(date_time: tuple[int, ...]) -> tuple[int, int]:
    y, mo, d, h, mi, s = date_time
    return h << 11 | mi << 5 | s // 2, max(y - 1980, 0) << 9 | mo << 5 | d


def merges_first(path: str | os.PathLike[str]) -> bytes | None:
    """The workbook at `path` with each worksheet's merged ranges in front (see the
    module's text), or None when it is not a workbook this can copy."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
        infos = zipfile.ZipFile(io.BytesIO(raw)).infolist()
    except (OSError, zipfile.BadZipFile, ValueError, NotImplementedError):
        return None
    if len(infos) >= 0xFFFF or not any(_SHEET.fullmatch(i.filename) for i in infos):
        return None
    out, central, moved = bytearray(), bytearray(), 0
    for info in infos:
        off, csize, size = info.header_offset, info.compress_size, info.file_size
        if info.flag_bits & 0x1 or max(off, csize, size) >= 0xFFFFFFFF:
            return None  # encrypted, or ZIP64
        if raw[off : off + 4] != b"PK\x03\x04":
            return None
        name_len, extra_len = struct.unpack("<HH", raw[off + 26 : off + 30])
        start = off + 30 + name_len + extra_len
        data, crc, method = raw[start : start + csize], info.CRC, info.compress_type
        if len(data) != csize:
            return None
        if _SHEET.fullmatch(info.filename) and method in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            done = _front(data, method, crc, size)
            if done is None:
                return None
            data, crc, size = done
            moved += 1
        # the local header's sizes are written, so no data descriptor follows (bit 3)
        flags = info.flag_bits & ~0x8
        name = info.filename.encode("utf-8" if flags & 0x800 else "cp437")
        dos_time, dos_date = _dos_time(info.date_time)
        local = len(out)
        if local >= 0xFFFFFFFF:
            return None
        out += struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 20, flags, method, dos_time, dos_date,
            crc, len(data), size, len(name), 0,
        )  # fmt: skip
        out += name
        out += data
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, flags, method, dos_time, dos_date,
            crc, len(data), size, len(name), 0, 0, 0, 0, 0, local,
        )  # fmt: skip
        central += name
    if not moved or len(out) >= 0xFFFFFFFF:
        return None
    where = len(out)
    out += central
    n = len(infos)
    out += struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, n, n, len(central), where, 0)
    return bytes(out)
