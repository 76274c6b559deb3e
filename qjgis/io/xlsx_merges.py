"""An .xlsx workbook as python-calamine reads it fastest: each worksheet with its merged
ranges at the very start of its XML.

`CalamineWorkbook.get_sheet_by_name` reads a worksheet's XML twice: once for its cells,
then once more for its merged ranges, and that second pass stops at the first
`<mergeCells>` element it meets (an empty `<mergeCells/>` too: calamine expands empty
elements). Excel, WPS and openpyxl write that element after the sheet's data, so the
second pass tokenizes the whole sheet again: a third of the parse of the 20,000-parcel
demo's register (docs/benchmarks.md). There is no call that skips it, and the register
reader needs merged ranges (printed forms' two-row headers).

`copy_of(path)` gives a `Copy`: `data`, the workbook's bytes with an empty
`<mergeCells></mergeCells>` in front of every worksheet, so that calamine's second pass
ends at once. It is made without inflating anything: the element goes in front of a
worksheet's deflate stream as a stored block, its CRC is combined with the entry's own
(`crc32_combine`), and every other byte is the file's. `Copy.scan()`, meant for another
core while calamine parses `data`, inflates each worksheet once, a bounded slice at a
time: it checks the entry's CRC and size, and finds the first merged-ranges element, as
calamine's second pass would; `Copy.merges(found)` is a small workbook with those elements
alone, from which calamine reads each sheet's merged ranges.

The copy changes nothing calamine's cell pass reads: the element ahead of the XML
declaration is a start tag that pass skips. Whenever the file is anything but what
this can vouch for (not a plain zip, encrypted, ZIP64, an entry whose CRC or size is
not the directory's, a worksheet in another encoding or with comments, CDATA or
processing instructions before its merged ranges, where a byte search could be fooled),
`copy_of` or `scan` answer None and the reader opens the file itself. One difference
remains by design: XML that is broken after a sheet's data and before its merged ranges,
which calamine's second pass refused, no longer stops the sheet's cells from being read.
"""

from __future__ import annotations

import dataclasses
import io
import os
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from typing import Any

#: CRC-32's reflected polynomial (zlib, zip)
_POLY = 0xEDB88320
#: compressed bytes given to the inflater at a time, and the most it may give back
_SLICE = 1 << 20
_OUT = 4 << 20
#: bytes of one inflated slice kept with the next, so that a tag split between them is
#: found: longer than any `<prefix:mergeCells ` this looks for
_CARRY = 256
#: the longest merged-ranges element kept (about 2,000,000 ranges)
_MAX_ELEMENT = 64 << 20

_SHEET = re.compile(rb"xl/worksheets/[^/]+\.xml", re.IGNORECASE)
_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?mergeCells[\s/>]")
_END = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?mergeCells\s*>")
#: in front of every worksheet of the copy: a start tag, so calamine's second pass stops
_NONE = b"<mergeCells></mergeCells>"
#: a worksheet of `Copy.merges`: its merged-ranges element, then an empty sheet
_EMPTY_SHEET = (
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b"<sheetData/></worksheet>"
)


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


@dataclasses.dataclass
class _Entry:
    """One zip entry as the file holds it: its header's name and extra bytes as they are."""

    name: bytes
    local_extra: bytes
    central_extra: bytes
    flags: int
    method: int
    dos_time: int
    dos_date: int
    crc: int
    size: int
    data: bytes

    @property
    def sheet(self) -> bool:
        return bool(_SHEET.fullmatch(self.name)) and self.method in (
            zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED
        )  # fmt: skip


def _entries(raw: bytes) -> list[_Entry] | None:
    infos = zipfile.ZipFile(io.BytesIO(raw)).infolist()
    if len(infos) >= 0xFFFF:
        return None
    out = []
    for info in infos:
        off, csize = info.header_offset, info.compress_size
        if info.flag_bits & 0x1 or max(off, csize, info.file_size) >= 0xFFFFFFFF:
            return None  # encrypted, or ZIP64
        if raw[off : off + 4] != b"PK\x03\x04":
            return None
        name_len, extra_len = struct.unpack("<HH", raw[off + 26 : off + 30])
        name = raw[off + 30 : off + 30 + name_len]
        local_extra = raw[off + 30 + name_len : off + 30 + name_len + extra_len]
        start = off + 30 + name_len + extra_len
        data = raw[start : start + csize]
        if len(data) != csize or _zip64(local_extra) or _zip64(info.extra):
            return None
        dos_time = info.date_time[3] << 11 | info.date_time[4] << 5 | info.date_time[5] // 2
        dos_date = (info.date_time[0] - 1980) << 9 | info.date_time[1] << 5 | info.date_time[2]
        out.append(_Entry(
            name, local_extra, info.extra, info.flag_bits & ~0x8, info.compress_type,
            dos_time, dos_date, info.CRC, info.file_size, data,
        ))  # fmt: skip
    return out


def _zip64(extra: bytes) -> bool:
    """Whether an extra field holds a ZIP64 record (its sizes would override ours)."""
    at = 0
    while at + 4 <= len(extra):
        kind, length = struct.unpack("<HH", extra[at : at + 4])
        if kind == 0x0001:
            return True
        at += 4 + length
    return False


def _zip(entries: list[_Entry]) -> bytes:
    """A zip of the entries; sizes in the local headers, so no data descriptors (bit 3)."""
    parts: list[bytes] = []
    central = bytearray()
    at = 0
    for e in entries:
        local = struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 20, e.flags, e.method, e.dos_time, e.dos_date,
            e.crc, len(e.data), e.size, len(e.name), len(e.local_extra),
        )  # fmt: skip
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, e.flags, e.method, e.dos_time,
            e.dos_date, e.crc, len(e.data), e.size, len(e.name), len(e.central_extra), 0, 0,
            0, 0, at,
        )  # fmt: skip
        central += e.name + e.central_extra
        parts += (local, e.name, e.local_extra, e.data)
        at += len(local) + len(e.name) + len(e.local_extra) + len(e.data)
    if at + len(central) >= 0xFFFFFFFF:
        raise ValueError("too large for a zip without ZIP64")
    n = len(entries)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, n, n, len(central), at, 0)
    return b"".join([*parts, bytes(central), end])


def _in_front(e: _Entry, head: bytes) -> _Entry:
    """The worksheet entry with `head` in front of its XML."""
    crc = crc32_combine(zlib.crc32(head), e.crc, e.size)
    data = _stored(head) + e.data if e.method == zipfile.ZIP_DEFLATED else head + e.data
    return dataclasses.replace(e, crc=crc, size=e.size + len(head), data=data)


def _first_merges(e: _Entry) -> bytes | None:
    """The sheet's first merged-ranges element as calamine's second pass finds it (b""
    when it has none); None when the entry does not check out (CRC, size, an end
    to its deflate stream) or a byte search cannot vouch for the element (see the
    module's text)."""
    inflater = zlib.decompressobj(-zlib.MAX_WBITS) if e.method == zipfile.ZIP_DEFLATED else None
    seen = check = 0
    carry = b""
    element: bytearray | None = None  # from its start tag on, once found
    done: bytes | None = None
    try:
        for out in _inflated(e.data, inflater):
            if not seen and not out.startswith(b"<"):
                return None  # a byte-order mark, UTF-16
            check = zlib.crc32(out, check)
            window = carry + out
            base = seen - len(carry)  # the stream's offset of window[0]
            seen += len(out)
            carry = window[-_CARRY:]
            if done is not None:
                continue
            if element is None:
                start = _start(window)
                limit = start if start is not None else len(window)
                if _opaque(window, limit, base == 0):
                    return None
                if start is None:
                    continue
                element = bytearray(window[start:])
            else:
                element += out
            closed = _closed(element)
            if closed is not None:
                done = closed
            elif len(element) > _MAX_ELEMENT:
                return None
    except zlib.error:
        return None
    if inflater is not None and not inflater.eof:
        return None
    if check != e.crc or seen != e.size or (element is not None and done is None):
        return None
    if done is not None and _opaque(done, len(done), False):
        return None  # a comment inside the element: its end may not be where it looks
    return done or b""


def _opaque(window: bytes, limit: int, first: bool) -> bool:
    """Whether `<!` or `<?` begin in window[:limit]; `first`: the window is the stream's
    start, where a `<?` (the declaration) is allowed. Their second byte is looked for
    (memchr: rare in a sheet's text), then the `<` before it: the two-byte search itself
    is several times slower."""
    for mark in b"!?":
        at = window.find(mark, 1, limit + 1)
        while at >= 0:
            if window[at - 1] == 0x3C and not (first and mark == 0x3F and at == 1):  # < ?
                return True
            at = window.find(mark, at + 1, limit + 1)
    return False


def _start(window: bytes) -> int | None:
    """Where the first merged-ranges start tag in `window` begins. The name is looked for
    with `bytes.find` (the regular expression alone would try every `<` of the sheet)."""
    at = window.find(b"mergeCells")
    while at >= 0:
        lt = window.rfind(b"<", max(at - 64, 0), at)
        if lt >= 0 and _START.fullmatch(window, lt, at + 11):
            return lt
        at = window.find(b"mergeCells", at + 10)
    return None


def _closed(element: bytearray) -> bytes | None:
    """The element from its start tag to its end, if it has ended yet."""
    tag_end = element.find(b">")
    if tag_end < 0:
        return None
    if element[tag_end - 1 : tag_end] == b"/":  # <mergeCells/>
        return bytes(element[: tag_end + 1])
    end = _END.search(element, tag_end)
    return bytes(element[: end.end()]) if end is not None else None


def _inflated(data: bytes, inflater: Any) -> Iterator[bytes]:
    """The entry's XML, a slice of at most _OUT bytes at a time."""
    for i in range(0, len(data), _SLICE):
        piece = data[i : i + _SLICE]
        if inflater is None:
            yield piece
            continue
        while piece:
            out = inflater.decompress(piece, _OUT)
            piece = inflater.unconsumed_tail
            if out:
                yield out
    if inflater is not None:
        out = inflater.flush()
        if out:
            yield out


class Copy:
    """A workbook's copy for calamine, with what `scan` needs to vouch for it."""

    def __init__(self, entries: list[_Entry]) -> None:
        self._entries = entries
        self.data = _zip([_in_front(e, _NONE) if e.sheet else e for e in entries])

    def scan(self) -> dict[bytes, bytes] | None:
        """{worksheet entry name: its first merged-ranges element} of the sheets that
        have one; None when the copy is not to be read (the module's text)."""
        found: dict[bytes, bytes] = {}
        for e in self._entries:
            if e.sheet:
                first = _first_merges(e)
                if first is None:
                    return None
                if first:
                    found[e.name] = first
        return found

    def merges(self, found: dict[bytes, bytes]) -> bytes:
        """A workbook whose sheets hold only their merged-ranges elements (`scan`), and
        no shared strings (calamine reads those when it opens a workbook)."""
        out = []
        for e in self._entries:
            if e.sheet:
                xml = found.get(e.name, b"") + _EMPTY_SHEET
                e = dataclasses.replace(
                    e, method=zipfile.ZIP_STORED, crc=zlib.crc32(xml), size=len(xml), data=xml
                )
            elif e.name.lower() == b"xl/sharedstrings.xml":
                continue
            out.append(e)
        return _zip(out)


def copy_of(path: str | os.PathLike[str]) -> Copy | None:
    """The copy of the workbook at `path` (the module's text), or None when it is not a
    workbook this can copy."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
        entries = _entries(raw)
        if entries is None or not any(e.sheet for e in entries):
            return None
        return Copy(entries)
    except Exception:  # anything unexpected in a file from elsewhere: the file is read
        return None
