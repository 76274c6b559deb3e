"""Opening a vector source for import: shapefile (also zipped), GeoPackage, FileGDB, GeoJSON.

Everything that can be checked before a row is written is checked here, so that
a file that cannot be read is refused whole with its name and what is wrong:
the .shp/.shx/.dbf headers against each other and the files' sizes, a missing
sidecar, a .prj or .cpg that is an HTML page, a zip without a shapefile, an
empty layer, a layer of points where polygons are needed. Reading is in bounded
batches through pyogrio's vectorised API (pandas and pyarrow are not needed). A
shapefile in a legacy code page (GBK, Big5 ...) is read through GDAL's Arrow stream
with GDAL passing the bytes through, and each text column is decoded here in one
call: GDAL's per-value iconv recoding was two thirds of the read (docs/benchmarks.md).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import struct
import tempfile
import warnings
import zipfile
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely

# pyogrio (and so GDAL) is imported in the functions that read a layer: a household
# register's import (calamine) never loads it, which spares it 0.035 s of CPU at start.
from qjgis.errors import QjgisError, register_reasons
from qjgis.io import arrow as arrow_mod
from qjgis.io import encoding as enc

QjgisError.register(
    {
        "source_unreadable": "{path}: cannot be read ({detail})",
        "source_corrupt": "{path}: the file is damaged ({detail})",
        "source_missing_part": "{path}: the shapefile has no {part} file beside it ({detail})",
        "source_format": "{path}: unsupported file type {suffix} (shapefile, zip, GeoPackage, "
        "FileGDB, GeoJSON; XLSX, XLS, CSV for households)",
        "zip_no_shapefile": "{path}: the zip holds no shapefile (.shp)",
        "zip_many_layers": "{path}: the zip holds several shapefiles ({names}); "
        "choose one with --source-layer",
        "zip_too_large": (
            "{path}: {member} would expand to {size} bytes ({ratio}× its compressed size), "
            "more than an import accepts ({limit} bytes, {max_ratio}×): "
            "a damaged or malicious zip; nothing was extracted"
        ),
        "source_layer_unknown": "{path}: no layer {layer} (layers: {names})",
        "source_many_layers": "{path}: several layers ({names}); choose one with --source-layer",
        "empty_layer": "{path}: layer {layer} has no features",
        "wrong_geometry_type": "{path}: layer {layer} holds {found} geometries; {layer_to} "
        "needs polygons",
        "no_geometry": "{path}: layer {layer} has no geometry; {layer_to} needs polygons",
        "source_misnamed": "{path}: the file is a {found} file named {suffix}; rename it to "
        "{real_suffix} and import that{inside}",
        "source_zip_misnamed": "{path}: the file is a ZIP archive named {suffix}; extract it "
        "and import the file inside ({inside})",
        "source_not_data": "{path}: the file is a {found} file, not {suffix}; qjgis imports "
        "shapefiles (also zipped), GeoPackage, FileGDB and GeoJSON, and XLSX, XLS or CSV "
        "registers",
        "encoding_row_undecodable": "{path}: row {row} does not decode as {encoding}; give "
        "the file's encoding with --encoding (GBK, GB18030, UTF-8, BIG5)",
        "source_access_db": "{path}: an Access database (personal geodatabase, .mdb) cannot be "
        "read; export its layers to a shapefile or GeoPackage (ArcGIS, QGIS) and import those",
    }
)

# ------------------------------------------------------------------ what a file really is
#: Leading bytes of the file kinds people hand over under another name.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),  # an empty zip
    (b"SQLite format 3\x00", "sqlite"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole2"),  # Excel 97-2003, old Office
    (b"\x00\x01\x00\x00Standard Jet DB", "mdb"),
    (b"\x00\x01\x00\x00Standard ACE DB", "mdb"),
    (b"\x00\x00\x27\x0a", "shp"),
    (b"%PDF", "pdf"),
    (b"Rar!", "rar"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"\x1f\x8b", "gzip"),
)
#: How each kind is named to the user (proper names, the same in every language).
KIND_NAMES = {
    "zip": "ZIP", "xlsx": "Excel (.xlsx)", "sqlite": "SQLite/GeoPackage",
    "ole2": "Excel 97-2003 (.xls)", "mdb": "Access (.mdb)", "shp": "shapefile (.shp)",
    "pdf": "PDF", "rar": "RAR", "7z": "7-Zip", "gzip": "gzip", "html": "HTML",
}  # fmt: skip
#: The suffix a file of each importable kind should carry.
KIND_SUFFIX = {"zip": ".zip", "xlsx": ".xlsx", "sqlite": ".gpkg", "ole2": ".xls", "shp": ".shp"}
#: The kinds a suffix may hold (a suffix not listed is not checked).
_SUFFIX_KINDS = {
    ".gpkg": {"sqlite"}, ".zip": {"zip"}, ".shp": {"shp"}, ".xlsx": {"xlsx"},
    ".xlsm": {"xlsx"}, ".xls": {"ole2"}, ".mdb": {"mdb"}, ".geojson": {None},
    ".json": {None}, ".csv": {None},
}  # fmt: skip


_DATA_SUFFIXES = {".shp", ".gpkg", ".geojson", ".json", ".xlsx", ".xls", ".csv", ".gdb"}


def sniff(path: Path) -> str | None:
    """The kind of file `path` really is, from its first bytes; None when not one we know."""
    try:
        with path.open("rb") as fh:
            head = fh.read(512)
    except OSError:
        return None
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            if kind == "zip" and _zip_is_xlsx(path):
                return "xlsx"
            return kind
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html")) or b"<html" in text[:200]:
        return "html"
    return None


def _zip_is_xlsx(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as zf:
            return any(n.startswith("xl/") for n in zf.namelist())
    except (zipfile.BadZipFile, OSError, EOFError):
        return False


def _zip_members(path: Path) -> list[str]:
    try:
        with zipfile.ZipFile(path) as zf:
            return [Path(n).name for n in zf.namelist() if not n.endswith("/")]
    except (zipfile.BadZipFile, OSError, EOFError):
        return []


def check_file_kind(path: str) -> None:
    """Refuse a file whose content is not what its name says, naming what it really is.

    A zip saved as `.gpkg` or an `.xlsx` saved as `.xls` is common, and GDAL's own
    message for it ("not recognized as being in a supported file format") says
    nothing a clerk can act on.
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if not p.is_file():
        return
    kind = sniff(p)
    if kind == "mdb":
        raise QjgisError("source_access_db", path=path)
    expected = _SUFFIX_KINDS.get(suffix)
    if expected is None or kind in expected or kind is None:
        return
    if kind in KIND_SUFFIX:
        inside = ""
        if kind == "zip":
            members = _zip_members(p)
            if not any(n.lower().endswith(".shp") for n in members):
                # a zip of a GeoPackage or a register: renaming would not make it importable
                data = [n for n in members if Path(n).suffix.lower() in _DATA_SUFFIXES]
                raise QjgisError(
                    "source_zip_misnamed", path=path, suffix=suffix,
                    inside=", ".join((data or members)[:5]) or "-",
                )  # fmt: skip
            shown = [n for n in members if n.lower().endswith(".shp")]
            inside = f" ({', '.join(shown[:5])})"
        raise QjgisError(
            "source_misnamed", path=path, found=KIND_NAMES[kind], suffix=suffix,
            real_suffix=KIND_SUFFIX[kind], inside=inside,
        )  # fmt: skip
    raise QjgisError("source_not_data", path=path, found=KIND_NAMES[kind], suffix=suffix)


register_reasons({"no_readable_shapes": "none of its {count} shape records can be read"})

_POLYGONAL = {"polygon", "multipolygon", "unknown", "geometrycollection", "geometry"}


@dataclass
class VectorSource:
    """One layer ready to read: the GDAL path, what is known about it, and its hash."""

    path: str  # what the user gave
    gdal_path: str | bytes  # what pyogrio opens
    layer: str | None
    driver: str
    features: int
    fields: list[str]
    geometry_type: str
    crs_wkt: str | None  # from the .prj or the format's own CRS
    prj_path: str | None
    encoding: enc.EncodingDecision | None
    sha256: str
    bounds: tuple[float, float, float, float] | None
    warnings: list[str] = field(default_factory=list)
    text_fields: frozenset[str] = frozenset()  # GDAL string fields: values are str or None
    #: GDAL's warnings while reading rows: up to 5 distinct messages, and their count
    read_notes: list[str] = field(default_factory=list)
    read_note_count: int = 0
    #: 0-based indices of shapefile records whose shape cannot be read (garbage where a
    #: shape should be): GDAL gives them no geometry; the importer flags those rows.
    unreadable: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    _tmp: tempfile.TemporaryDirectory[str] | None = None

    def _note(self, caught: list[warnings.WarningMessage]) -> None:
        for w in caught:
            self.read_note_count += 1
            text = str(w.message).strip()[:200]
            if len(self.read_notes) < 5 and text not in self.read_notes:
                self.read_notes.append(text)

    def note_warnings(self) -> list[dict[str, Any]]:
        """The read's GDAL warnings as report warnings (distinct messages, then the count)."""
        if not self.read_note_count:
            return []
        more = self.read_note_count - len(self.read_notes)
        notes = [{"code": "source_note", "detail": t} for t in self.read_notes]
        if more > 0:
            notes[-1]["detail"] += f" (+{more})"
        return notes

    def close(self) -> None:
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> VectorSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def batches(self, size: int) -> Iterator[tuple[int, np.ndarray, dict[str, np.ndarray]]]:
        """(first row, geometries, {field: values}) for consecutive slices of the layer."""
        from pyogrio import raw
        from pyogrio.errors import DataLayerError, DataSourceError, FieldError, GeometryError

        kwargs: dict[str, Any] = {}
        codec = self._bulk_codec()
        if codec is not None:
            # GDAL recodes each value through its own iconv call, which was two thirds of
            # the read's CPU time on GBK files; Latin-1 passes the bytes through cheaply and
            # `_redecode` decodes each text column once, as one buffer, in the real codec.
            kwargs["encoding"] = "ISO-8859-1"
        elif self.encoding is not None:
            kwargs["encoding"] = self.encoding.gdal_name
        if self.layer is not None:
            kwargs["layer"] = self.layer
        if codec is not None and "m_dropped" not in self.warnings:
            # The Arrow stream spares a Python object per value; False: fall back to
            # raw.read. Not for measured shapes: raw.read drops M (as read_info said),
            # where the Arrow WKB would keep it.
            done = yield from self._arrow_batches(size, codec, kwargs)
            if done:
                return
        start = 0
        while start < self.features:
            try:
                # GDAL's per-value complaints ("Value '.' parsed incompletely") go into the
                # report, not onto the user's terminal; M dropping is reported from read_info.
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    warnings.filterwarnings("ignore", "Measured", UserWarning)
                    meta, _, wkb, values = raw.read(
                        self.gdal_path, skip_features=start, max_features=size, **kwargs
                    )
                self._note(caught)
            except (DataSourceError, DataLayerError, FieldError, GeometryError) as exc:
                raise QjgisError(
                    "source_corrupt",
                    path=self.path,
                    detail="row_unreadable",
                    row=start + 1,
                    error=_first_line(exc),
                ) from None
            except UnicodeDecodeError:
                # beyond the sample the encoding was decided on: name the slice, not a traceback
                raise QjgisError(
                    "encoding_row_undecodable", path=self.path, row=start + 1,
                    encoding=kwargs.get("encoding", "UTF-8"),
                ) from None  # fmt: skip
            n = len(values[0]) if values else (0 if wkb is None else len(wkb))
            if n == 0:
                break
            geoms = (
                shapely.from_wkb(wkb, on_invalid="ignore")
                if wkb is not None
                else np.full(n, None, dtype=object)
            )
            names = [str(f) for f in meta["fields"]]
            if codec is not None:
                names = [_redecode_name(f, codec) for f in names]
                types = meta.get("ogr_types") or [None] * len(names)
                values = [
                    _redecode(v, codec) if t == "OFTString" else v
                    for v, t in zip(values, types, strict=True)
                ]
            yield start, geoms, dict(zip(names, values, strict=True))
            start += n

    def _arrow_batches(
        self, size: int, codec: str, kwargs: dict[str, Any]
    ) -> Generator[tuple[int, np.ndarray, dict[str, np.ndarray]], None, bool]:
        """`batches` over GDAL's Arrow stream; returns False, having yielded nothing,
        when a column has a type that `qjgis.io.arrow` does not read."""
        from pyogrio import raw
        from pyogrio.errors import DataLayerError, DataSourceError, FieldError, GeometryError

        start = 0
        try:
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", "Measured", UserWarning)
                # per-value GDAL complaints: the raw.read path counts them; here the
                # stream hides which row, so they are left out rather than printed
                warnings.filterwarnings("ignore", category=RuntimeWarning, module="pyogrio")
                with raw.open_arrow(
                    self.gdal_path, batch_size=size, use_pyarrow=False, **kwargs
                ) as (meta, reader):
                    capsule, ptr = arrow_mod.stream_pointer(reader)
                    schema = arrow_mod.schema_of(ptr)
                    formats = [f for f, _ in schema]
                    if not set(formats) <= arrow_mod.SUPPORTED:
                        return False
                    # GDAL names an unnamed geometry column (a shapefile's) wkb_geometry
                    geometry = str(meta.get("geometry_name") or "") or "wkb_geometry"
                    names = [n.decode("utf-8", errors="replace") for _, n in schema]
                    geom_at = next(
                        (i for i, (f, n) in enumerate(zip(formats, names, strict=True))
                         if f == b"z" and n == geometry),
                        None,
                    )  # fmt: skip
                    fields = [
                        (i, _redecode_name(n, codec)) for i, n in enumerate(names) if i != geom_at
                    ]

                    def text(offsets: np.ndarray, data: np.ndarray) -> list[str]:
                        return _decode_buffer(offsets, data, codec)

                    for columns in arrow_mod.batches(ptr, formats, text):
                        n = len(columns[0]) if columns else 0
                        if n == 0:
                            continue
                        geoms = (
                            shapely.from_wkb(columns[geom_at], on_invalid="ignore")
                            if geom_at is not None
                            else np.full(n, None, dtype=object)
                        )
                        values = {name: columns[i] for i, name in fields}
                        yield start, geoms, values
                        start += n
                    del capsule
        except (DataSourceError, DataLayerError, FieldError, GeometryError) as exc:
            raise QjgisError(
                "source_corrupt",
                path=self.path,
                detail="row_unreadable",
                row=start + 1,
                error=_first_line(exc),
            ) from None
        except arrow_mod.ArrowStreamError as exc:
            raise QjgisError(
                "source_corrupt",
                path=self.path,
                detail="row_unreadable",
                row=start + 1,
                error=_first_line(exc),
            ) from None
        return True

    def samples(self, rows: int = 50, per_field: int = 3) -> dict[str, list[str]]:
        """Up to `per_field` distinct non-empty values of each field from the first rows,
        as text: what a dry run shows beside a field that could fill a required column."""
        out: dict[str, list[str]] = {f: [] for f in self.fields}
        batches = self.batches(rows)
        try:
            _, _, values = next(batches)
        except StopIteration:
            return out
        finally:
            batches.close()
        for name, column in values.items():
            shown = out.setdefault(name, [])
            for v in np.asarray(column, dtype=object).tolist()[:rows]:
                if isinstance(v, float):
                    if not np.isfinite(v):
                        continue
                    v = int(v) if v == int(v) and abs(v) < 1e15 else v
                text = "" if v is None else str(v).strip()
                if text and text not in shown:
                    shown.append(text[:40])
                if len(shown) >= per_field:
                    break
        return out

    def _bulk_codec(self) -> str | None:
        """The Python codec `batches` decodes shapefile text with itself, if any.

        Only for shapefiles in a stateless legacy code page: UTF-8 and Latin-1 cost
        GDAL nothing to recode, and other formats carry UTF-8 already.
        """
        if self.encoding is None or self.driver != "ESRI Shapefile":
            return None
        codec = self.encoding.encoding
        if codec in ("utf-8", "latin-1") or codec.startswith(("utf", "iso2022")):
            return None
        return codec


def _redecode_name(name: str, codec: str) -> str:
    try:
        return name.encode("latin-1").decode(codec, errors="replace")
    except UnicodeEncodeError:  # not a Latin-1 pass-through (cannot happen with GDAL's stub)
        return name


def _decode_buffer(offsets: np.ndarray, data: np.ndarray, codec: str) -> list[str]:
    """One Arrow utf8 column of GDAL's Latin-1 pass-through, decoded in `codec` at once.

    NUL goes between the values (see `_redecode` for why that is safe), then one
    UTF-8 decode and Latin-1 encode give back the file's bytes, one decode in the
    file's code page reads them, and one split cuts them into values.
    """
    n = len(offsets) - 1
    if n <= 0:
        return []
    joined = np.insert(data, offsets[1:-1], 0).tobytes()
    raw_bytes = joined.decode("utf-8").encode("latin-1")
    parts = raw_bytes.decode(codec, errors="replace").split("\x00")
    if len(parts) == n:
        return parts
    # a codec swallowed a separator: decode value by value
    blob = data.tobytes()
    return [
        blob[a:b].decode("utf-8").encode("latin-1").decode(codec, errors="replace")
        for a, b in zip(offsets[:-1].tolist(), offsets[1:].tolist(), strict=True)
    ]


def _redecode(values: np.ndarray, codec: str) -> np.ndarray:
    """Text read as Latin-1 (the file's raw bytes) decoded in `codec`, a column at a time.

    The values are joined with NUL, which a DBF string cannot hold and which no
    byte of a multi-byte character in the legacy CJK code pages can be, so one
    encode, one decode and one split in C replace a codec call per value. Bytes that
    do not decode become U+FFFD, so a damaged value shows rather than vanishes.
    """
    a = np.asarray(values, dtype=object)
    if a.size == 0:
        return a
    nulls = a == None  # noqa: E711 - elementwise over an object array
    filled = a.copy()
    filled[nulls] = ""
    try:
        raw_bytes = "\x00".join(filled.tolist()).encode("latin-1")
    except (TypeError, UnicodeEncodeError):
        return a  # not the plain str values of a Latin-1 read: leave them as read
    parts = raw_bytes.decode(codec, errors="replace").split("\x00")
    if len(parts) != a.size:  # a codec swallowed a separator: decode value by value
        parts = [v.encode("latin-1").decode(codec, errors="replace") for v in filled.tolist()]
    out = np.empty(a.size, dtype=object)
    out[:] = parts
    out[nulls] = None
    return out


def _first_line(exc: BaseException) -> str:
    """GDAL's message as whole sentences: its driver-prefix advice (which is about
    GDAL's own syntax, not something a clerk can use) left out, a long one cut at a
    sentence end rather than mid-word."""
    lines = str(exc).strip().splitlines()
    if not lines:
        return type(exc).__name__
    text = lines[0].split("; It might help")[0].split(" It might help")[0].rstrip(" ;")
    if len(text) <= 200:
        return text
    cut = max(text.rfind(". ", 0, 200), text.rfind("; ", 0, 200))
    return (text[: cut + 1] if cut > 40 else text[:199]) + "…"


def file_hash(paths: list[Path]) -> str:
    h = hashlib.sha256()
    for p in paths:
        with p.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                h.update(chunk)
    return h.hexdigest()


def _sidecar(shp: Path, ext: str) -> Path | None:
    for candidate in (shp.with_suffix(ext), shp.with_suffix(ext.upper())):
        if candidate.is_file():
            return candidate
    return None


def check_shapefile(shp: Path) -> tuple[Path, Path, int]:
    """Headers of .shp, .shx and .dbf checked against each other; returns (shx, dbf, records)."""
    size = shp.stat().st_size
    if size < 100:
        raise QjgisError("source_corrupt", path=str(shp), detail="shorter_than_header")
    with shp.open("rb") as fh:
        head = fh.read(100)
    (code,) = struct.unpack(">i", head[:4])
    (length_words,) = struct.unpack(">i", head[24:28])
    if code != 9994:
        raise QjgisError("source_corrupt", path=str(shp), detail="bad_shp_magic")
    if length_words * 2 > size:
        raise QjgisError(
            "source_corrupt", path=str(shp),
            detail="shp_truncated", declared=length_words * 2, size=size,
        )  # fmt: skip
    shx = _sidecar(shp, ".shx")
    if shx is None:
        raise QjgisError("source_missing_part", path=str(shp), part=".shx", detail="part_index")
    dbf = _sidecar(shp, ".dbf")
    if dbf is None:
        raise QjgisError(
            "source_missing_part", path=str(shp), part=".dbf", detail="part_attributes"
        )
    shx_size = shx.stat().st_size
    with shx.open("rb") as fh:
        shx_head = fh.read(100)
        if len(shx_head) < 100 or struct.unpack(">i", shx_head[:4])[0] != 9994:
            raise QjgisError("source_corrupt", path=str(shx), detail="not_shx")
        if (shx_size - 100) % 8:
            raise QjgisError("source_corrupt", path=str(shx), detail="shx_truncated")
        records = (shx_size - 100) // 8
        if records:
            fh.seek(shx_size - 8)
            offset, _ = struct.unpack(">ii", fh.read(8))
            # Only the start is checked: some writers count the record header in the
            # .shx length, which GDAL tolerates, and the .shp's own length is checked above.
            if offset * 2 + 8 > size:
                raise QjgisError(
                    "source_corrupt", path=str(shp),
                    detail="record_past_end", record=records,
                )  # fmt: skip
    header = enc.read_dbf_header(dbf)
    if header.records != records:
        raise QjgisError(
            "source_corrupt",
            path=str(dbf),
            detail="rows_shapes_differ",
            rows=header.records,
            shapes=records,
            shx=shx.name,
        )
    return shx, dbf, records


def _extract_zip(path: Path, source_layer: str | None, tmp: Path) -> Path:
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise QjgisError("source_corrupt", path=str(path), detail="bad_zip", error=exc) from None
    with zf:
        names = [n for n in zf.namelist() if not n.endswith("/") and "__MACOSX" not in n]
        shps = [n for n in names if n.lower().endswith(".shp")]
        if not shps:
            raise QjgisError("zip_no_shapefile", path=str(path))
        if source_layer is not None:
            shps = [n for n in shps if Path(n).stem == source_layer] or shps
            if len(shps) > 1 or Path(shps[0]).stem != source_layer:
                raise QjgisError(
                    "source_layer_unknown", path=str(path), layer=source_layer,
                    names=", ".join(Path(n).stem for n in shps),
                )  # fmt: skip
        if len(shps) > 1:
            raise QjgisError(
                "zip_many_layers", path=str(path), names=", ".join(Path(n).stem for n in shps)
            )
        stem = shps[0][:-4]
        members = [
            n
            for n in names
            if n[: len(stem)] == stem and "." not in n[len(stem) + 1 :] and n[len(stem)] == "."
        ]
        check_zip_expansion(zf, path, members)
        try:
            for n in members:
                if n[: len(stem)] == stem and "." not in n[len(stem) + 1 :] and n[len(stem)] == ".":
                    target = tmp / Path(n).name
                    with zf.open(n) as src, target.open("wb") as dst:
                        shutil.copyfileobj(src, dst)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise QjgisError(
                "source_corrupt", path=str(path), detail="bad_zip_member", error=exc
            ) from None
        return tmp / Path(shps[0]).name


#: A shapefile part cannot exceed 2 GiB (its offsets are 32-bit words; GDAL's limit too):
#: a zip member that would expand to more is not a shapefile part.
MAX_ZIP_MEMBER_BYTES = 2 * 1024**3
#: Expanded : compressed, over what one import extracts. Real .dbf files full of blank
#: padding compress up to ~90× (measured on the test corpus); deflate's ceiling, which a
#: bomb of zeros reaches, is ~1030×.
MAX_ZIP_RATIO = 300
#: What one import may extract at most: a .shp and a .dbf at the format's 2 GiB each.
MAX_ZIP_TOTAL_BYTES = 4 * 1024**3
#: Below this many expanded bytes the ratio is not judged: small files cost nothing.
ZIP_RATIO_FLOOR = 16 * 1024**2


def check_zip_expansion(
    zf: zipfile.ZipFile,
    path: Path,
    members: list[str],
    *,
    max_member: int = MAX_ZIP_MEMBER_BYTES,
    max_ratio: float = MAX_ZIP_RATIO,
) -> int:
    """Refuse a decompression bomb before a byte is extracted; returns the expanded size.

    The sizes come from the zip's central directory. They cannot understate what
    extraction writes: Python's zipfile reads a member only up to its declared size
    and fails on a CRC mismatch. So a member above `max_member`, or members that
    expand more than `max_ratio` times (once they pass `ZIP_RATIO_FLOOR`), are
    refused with `zip_too_large`, including in a dry run.
    """
    total = packed = 0
    for name in members:
        info = zf.getinfo(name)
        total += info.file_size
        packed += info.compress_size
        if info.file_size > max_member:
            raise QjgisError(
                "zip_too_large", path=str(path), member=name, size=info.file_size,
                ratio=round(info.file_size / max(info.compress_size, 1)),
                limit=max_member, max_ratio=max_ratio,
            )  # fmt: skip
    ratio = total / max(packed, 1)
    if total > MAX_ZIP_TOTAL_BYTES or (total > ZIP_RATIO_FLOOR and ratio > max_ratio):
        raise QjgisError(
            "zip_too_large", path=str(path), member=", ".join(members), size=total,
            ratio=round(ratio), limit=MAX_ZIP_TOTAL_BYTES, max_ratio=max_ratio,
        )  # fmt: skip
    return total


#: Shape types a polygon shapefile's records may carry besides null (0): by the header's type.
_SHAPE_TYPES = {5: (5,), 15: (15,), 25: (25,), 31: (31,)}


def unreadable_shape_records(shp: Path, shx: Path) -> np.ndarray:
    """Records of a .shp whose bytes are no shape: 0-based indices (vectorised).

    The headers can be sound while the records are garbage (a file overwritten, a
    bad copy): GDAL then reads every such record as a null geometry without an
    error. A record is readable when the .shx points inside the file, the
    record's content fits in the file and its shape type is null or the file's
    own type. A file where no record is readable is refused as damaged.
    """
    size = shp.stat().st_size
    index = np.fromfile(shx, dtype=">i4", offset=100)
    n = len(index) // 2
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    offset = index[0 : 2 * n : 2].astype(np.int64) * 2
    data = np.memmap(shp, dtype=np.uint8, mode="r")
    file_type = int(np.frombuffer(data[32:36].tobytes(), dtype="<i4")[0])
    inside = (offset >= 100) & (offset + 12 <= size)
    ok = np.zeros(n, dtype=bool)
    at = offset[inside]
    if at.size:
        head = np.asarray(data[at[:, None] + np.arange(12)])  # (records, 12) bytes
        content = head[:, 4:8].copy().view(">i4").ravel().astype(np.int64)
        kind = head[:, 8:12].copy().view("<i4").ravel()
        allowed = np.isin(kind, (0, *_SHAPE_TYPES.get(file_type, (file_type,))))
        fits = at + 8 + content * 2 <= size
        # The .shx length is not compared: writers disagree on it and GDAL ignores it.
        ok[inside] = allowed & fits & (content >= 2)
    del data
    bad = np.flatnonzero(~ok)
    if bad.size == n:
        raise QjgisError("source_corrupt", path=str(shp), detail="no_readable_shapes", count=n)
    return bad


def _read_text(p: Path) -> str:
    return p.read_bytes()[:65536].decode("utf-8", errors="replace")


def open_vector(
    path: str,
    target_layer: str,
    *,
    source_layer: str | None = None,
    encoding: str | None = None,
) -> VectorSource:
    """Check and describe one vector layer; refuses unreadable input before any write."""
    import pyogrio
    from pyogrio.errors import DataLayerError, DataSourceError, FieldError, GeometryError

    p = Path(path)
    if not p.exists():
        raise QjgisError("file_not_found", path=path)
    check_file_kind(path)
    suffix = p.suffix.lower()
    tmp: tempfile.TemporaryDirectory[str] | None = None
    hash_paths: list[Path]
    decision: enc.EncodingDecision | None = None
    prj_text: str | None = None
    prj_path: str | None = None
    unreadable = np.zeros(0, dtype=np.int64)
    try:
        if suffix in (".zip", ".shp", ".dbf"):
            shp = p
            if suffix == ".zip":
                tmp = tempfile.TemporaryDirectory(prefix="qjgis-import-")
                shp = _extract_zip(p, source_layer, Path(tmp.name))
            elif suffix == ".dbf":
                raise QjgisError("no_geometry", path=path, layer=p.stem, layer_to=target_layer)
            shx, dbf, _ = check_shapefile(shp)
            unreadable = unreadable_shape_records(shp, shx)
            prj = _sidecar(shp, ".prj")
            cpg = _sidecar(shp, ".cpg")
            if prj is not None:
                prj_text, prj_path = _read_text(prj), str(prj)
            decision = enc.detect_dbf(dbf, override=encoding)
            hash_paths = [x for x in (shp, shx, dbf, prj, cpg) if x is not None]
            if suffix == ".zip":
                hash_paths = [p]
            gdal_path: str | bytes = str(shp)
            layer = None
        elif suffix in (".gpkg", ".gdb", ".geojson", ".json"):
            gdal_path = str(p)
            if suffix == ".gdb":
                hash_paths = sorted(x for x in p.rglob("*") if x.is_file())
            else:
                hash_paths = [p]
            if suffix in (".geojson", ".json"):
                gdal_path = _geojson_bytes(p)
            layer = _choose_layer(gdal_path, path, source_layer, target_layer)
            if encoding is not None:
                decision = enc.decide([], override=encoding)
        else:
            raise QjgisError("source_format", path=path, suffix=suffix or "(none)")
        try:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                info = pyogrio.read_info(
                    gdal_path,
                    layer=layer,
                    encoding=decision.gdal_name if decision is not None else None,
                    force_feature_count=True,
                    force_total_bounds=True,
                )
        except (DataSourceError, DataLayerError, FieldError, GeometryError) as exc:
            raise QjgisError("source_unreadable", path=path, detail=_first_line(exc)) from None
        except UnicodeDecodeError:
            raise QjgisError(
                "encoding_row_undecodable", path=path, row=1,
                encoding=decision.gdal_name if decision is not None else "UTF-8",
            ) from None  # fmt: skip
        name = layer or info.get("layer_name") or p.stem
        if not info["features"]:
            raise QjgisError("empty_layer", path=path, layer=name)
        gtype = str(info.get("geometry_type") or "")
        if not gtype:
            raise QjgisError("no_geometry", path=path, layer=name, layer_to=target_layer)
        base = gtype.lower().replace("3d ", "").replace(" z", "").replace(" m", "").strip()
        # Hazard points (地质灾害隐患点) are points with a threat radius: the importer turns
        # each into the disc it threatens.
        points_ok = target_layer == "hazard-points" and base in ("point", "multipoint")
        if base not in _POLYGONAL and not points_ok:
            raise QjgisError(
                "wrong_geometry_type", path=path, layer=name, found=gtype, layer_to=target_layer
            )
        if prj_text is None and suffix not in (".zip", ".shp"):
            crs = info.get("crs")
            prj_text = None if crs is None else pyogrio_crs_wkt(gdal_path, layer)
        bounds = info.get("total_bounds")
        notes = [
            "m_dropped" if "Measured" in str(w.message) else str(w.message)[:200] for w in caught
        ]
        return VectorSource(
            path=path,
            gdal_path=gdal_path,
            layer=layer,
            driver=str(info.get("driver")),
            features=int(info["features"]),
            fields=[str(f) for f in info["fields"]],
            geometry_type=gtype,
            crs_wkt=prj_text,
            prj_path=prj_path,
            encoding=decision,
            sha256=file_hash(hash_paths),
            bounds=(
                (float(bounds[0]), float(bounds[1]), float(bounds[2]), float(bounds[3]))
                if bounds is not None
                else None
            ),
            warnings=sorted(set(notes)),
            text_fields=frozenset(
                str(f)
                for f, t in zip(info["fields"], info.get("ogr_types", []), strict=False)
                if t == "OFTString"
            ),
            unreadable=unreadable,
            _tmp=tmp,
        )
    except QjgisError as exc:
        if tmp is not None:
            inside = str(exc.params.get("path", ""))
            tmp.cleanup()
            if inside.startswith(tmp.name):
                # Name the member as the user knows it: the zip, then the file inside.
                shown = f"{path}!{Path(inside).name}"
                raise QjgisError(exc.code, **{**exc.params, "path": shown}) from None
        raise
    except BaseException:
        if tmp is not None:
            tmp.cleanup()
        raise


def pyogrio_crs_wkt(gdal_path: str | bytes, layer: str | None) -> str | None:
    """The layer's CRS as WKT (GeoPackage, FileGDB, GeoJSON carry it themselves)."""
    from pyogrio import raw

    meta = raw.read(gdal_path, layer=layer, max_features=0, read_geometry=False)[0]
    crs = meta.get("crs")
    if crs is None:
        return None
    from pyproj import CRS

    return CRS.from_user_input(crs).to_wkt()


def _geojson_bytes(p: Path) -> str | bytes:
    """A bare list of features is wrapped into a FeatureCollection (GDAL reads only that)."""
    with p.open("rb") as fh:
        head = fh.read(4096).lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"["):
        return str(p)
    try:
        features = json.loads(p.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise QjgisError("source_corrupt", path=str(p), detail="not_json", error=exc) from None
    if not isinstance(features, list) or not all(
        isinstance(f, dict) and f.get("type") == "Feature" for f in features
    ):
        raise QjgisError("source_corrupt", path=str(p), detail="json_not_features")
    return json.dumps({"type": "FeatureCollection", "features": features}).encode("utf-8")


def _choose_layer(
    gdal_path: str | bytes, path: str, source_layer: str | None, target_layer: str
) -> str | None:
    import pyogrio
    from pyogrio.errors import DataLayerError, DataSourceError

    if isinstance(gdal_path, bytes):  # a wrapped GeoJSON list: one layer, named per open
        return None
    try:
        layers = pyogrio.list_layers(gdal_path)
    except (DataSourceError, DataLayerError) as exc:
        raise QjgisError("source_unreadable", path=path, detail=_first_line(exc)) from None
    names = [str(n) for n in layers[:, 0]] if len(layers) else []
    if not names:
        raise QjgisError("empty_layer", path=path, layer="-")
    if source_layer is not None:
        if source_layer not in names:
            raise QjgisError(
                "source_layer_unknown", path=path, layer=source_layer, names=", ".join(names)
            )
        return source_layer
    if len(names) == 1:
        return names[0]
    if target_layer in names:
        return target_layer
    raise QjgisError("source_many_layers", path=path, names=", ".join(names))
