"""Evidence files (photos, scans, PDFs) beside the project, named by content hash.

DESIGN.md, "The project file": files go to `NAME.files/<sha256>.<ext>` (a project in
a database keeps them in the database, by the same hash: `qjgis.pg.store`), photos
downscaled to at most 2,048 px; the project records them in `attachments` and
stays valid without the folder (a missing file is reported, never fatal). The
type is decided from the file's first bytes, not its name: a renamed .exe is
refused whatever it is called.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import sqlite3
import warnings
from dataclasses import dataclass
from pathlib import Path

from qjgis.errors import QjgisError
from qjgis.store import GpkgStore

#: largest file accepted, before any downscaling (a scanned multi-page PDF fits)
MAX_BYTES = 25 * 1024 * 1024
#: longest side of a stored photo, in pixels
MAX_PHOTO_PX = 2048
#: refuse images that would decode to more pixels than this (decompression bombs)
MAX_SOURCE_PIXELS = 120_000_000

#: media type -> (file extension, leading bytes)
MEDIA_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "image/jpeg": ("jpg", (b"\xff\xd8\xff",)),
    "image/png": ("png", (b"\x89PNG\r\n\x1a\n",)),
    "application/pdf": ("pdf", (b"%PDF-",)),
}
PHOTO_TYPES = frozenset({"image/jpeg", "image/png"})

QjgisError.register(
    {
        "attachment_too_large": (
            "{path}: {size} bytes is more than the {limit} bytes an attachment may have"
        ),
        "attachment_type": "{path}: not an accepted attachment type (accepted: {accepted})",
        "attachment_unreadable": "{path}: the image cannot be read ({detail})",
        "attachment_too_many_pixels": (
            "{path}: the image is {width} × {height} pixels, more than the {limit} pixels "
            "a photo may have (a damaged file or a decompression bomb)"
        ),
    }
)


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    file_name: str
    media_type: str
    size_bytes: int
    path: Path


def folder_for(project: str | os.PathLike[str]) -> Path:
    """`NAME.files` beside `NAME.gpkg`."""
    p = Path(project)
    return p.with_name(p.stem + ".files")


def sniff(head: bytes) -> str | None:
    for media, (_ext, magics) in MEDIA_TYPES.items():
        if any(head.startswith(m) for m in magics):
            return media
    return None


def _downscale(data: bytes, media: str, source: Path) -> bytes:
    """A photo no larger than MAX_PHOTO_PX on its longest side, turned upright."""
    from PIL import Image, ImageOps  # Pillow: only needed when a photo is attached

    formats = ["JPEG"] if media == "image/jpeg" else ["PNG"]
    try:
        # Pillow only raises at twice MAX_IMAGE_PIXELS (a warning below): the size is
        # judged here, from the header `open` reads, before a pixel is decoded.
        Image.MAX_IMAGE_PIXELS = MAX_SOURCE_PIXELS
        with warnings.catch_warnings():  # Pillow's own warning: judged just below
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data), formats=formats)
        with img:
            width, height = img.size
            if width * height > MAX_SOURCE_PIXELS:
                raise QjgisError(
                    "attachment_too_many_pixels",
                    path=str(source),
                    width=width,
                    height=height,
                    limit=MAX_SOURCE_PIXELS,
                )
            img.load()
            rotated = img.getexif().get(0x0112, 1) not in (1, None)
            if max(img.size) <= MAX_PHOTO_PX and not rotated:
                return data  # already small and upright: keep the original bytes
            upright = ImageOps.exif_transpose(img)
            upright.thumbnail((MAX_PHOTO_PX, MAX_PHOTO_PX), Image.Resampling.LANCZOS)
            out = io.BytesIO()
            if media == "image/jpeg":
                upright.convert("RGB").save(out, "JPEG", quality=88, optimize=True)
            else:
                upright.save(out, "PNG", optimize=True)
            return out.getvalue()
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise QjgisError("attachment_unreadable", path=str(source), detail=str(exc)) from None


def prepare(source: str | os.PathLike[str]) -> tuple[bytes, str]:
    """The bytes to store and their media type, after the size and type checks."""
    src = Path(source)
    if not src.is_file():
        raise QjgisError("file_not_found", path=str(src))
    size = src.stat().st_size
    if size > MAX_BYTES:
        raise QjgisError("attachment_too_large", path=str(src), size=size, limit=MAX_BYTES)
    data = src.read_bytes()
    media = sniff(data[:16])
    if media is None:
        accepted = ", ".join(ext for ext, _ in MEDIA_TYPES.values())
        raise QjgisError("attachment_type", path=str(src), accepted=accepted)
    if media in PHOTO_TYPES:
        data = _downscale(data, media, src)
    return data, media


def store_file(
    store: GpkgStore, conn: sqlite3.Connection, source: str | os.PathLike[str], entity: str
) -> StoredFile:
    """Copy one file into the project's folder and record it for `entity` (e.g. ruin_cases:3).

    The file is written before the row: if the transaction then rolls back, an
    unreferenced file named by its own hash is left, which is harmless, whereas
    a row without its file would be a lie.
    """
    data, media = prepare(source)
    sha = hashlib.sha256(data).hexdigest()
    ext = MEDIA_TYPES[media][0]
    put = getattr(store, "put_attachment", None)
    if put is not None:  # a database project keeps the content itself (qjgis.pg.store)
        target = put(conn, sha, media, data)
    else:
        folder = folder_for(store.path)
        folder.mkdir(exist_ok=True)
        target = folder / f"{sha}.{ext}"
        if not target.exists():
            tmp = folder / f".{sha}.{os.getpid()}.tmp"
            tmp.write_bytes(data)
            os.replace(tmp, target)
    name = Path(source).name
    store.insert_row(
        conn,
        "attachments",
        {
            "sha256": sha,
            "file_name": name,
            "media_type": media,
            "size_bytes": len(data),
            "added": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "entity": entity,
        },
    )
    return StoredFile(sha, name, media, len(data), target)


def file_path(store: GpkgStore, sha256: str, media_type: str | None) -> Path | None:
    """Where an attachment's file is, or None when the folder or the file is missing."""
    find = getattr(store, "attachment_path", None)
    if find is not None:  # a database project: fetched into a local cache
        return find(sha256, media_type)  # type: ignore[no-any-return]
    ext = MEDIA_TYPES.get(media_type or "", ("bin", ()))[0]
    path = folder_for(store.path) / f"{sha256}.{ext}"
    return path if path.is_file() else None


def list_for(store: GpkgStore, entity: str) -> list[dict[str, object]]:
    """The entity's attachments, each with `missing` set when its file is not on disk."""
    rows = store.execute_sql(
        "SELECT sha256, file_name, media_type, size_bytes, added FROM attachments "
        "WHERE entity = ? ORDER BY fid",
        [entity],
    )
    out = []
    for sha, name, media, size, added in rows:
        path = file_path(store, sha, media)
        out.append(
            {
                "sha256": sha,
                "file_name": name,
                "media_type": media,
                "size_bytes": size,
                "added": added,
                "path": str(path) if path else None,
                "missing": path is None,
            }
        )
    return out
