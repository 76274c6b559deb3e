"""Evidence files: stored beside the project by content hash, photos downscaled,
type and size limits with clear errors, and a project that stays valid without them."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from PIL import Image
from test_cases_support import bdcdyh, build_village

from qjgis import commands
from qjgis.cases import attachments
from qjgis.cases.commands import (
    AdvanceCase,
    AttachEvidence,
    DisposeRuin,
    OpenRuinCase,
    case_events,
    current_evidence,
)
from qjgis.cases.model import CaseKind
from qjgis.errors import QjgisError
from qjgis.store import GpkgStore


@pytest.fixture
def village(tmp_path: Path) -> GpkgStore:
    store = build_village(tmp_path / "village.gpkg")
    commands.run(store, OpenRuinCase(bdcdyh("B2"), date="2026-03-01"))
    yield store
    store.close()


def _photo(path: Path, size: tuple[int, int], orientation: int | None = None) -> Path:
    img = Image.new("RGB", size, (120, 90, 60))
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    img.save(path, "JPEG", exif=exif.tobytes())
    return path


def test_a_large_photo_is_downscaled_and_named_by_its_hash(
    village: GpkgStore, tmp_path: Path
) -> None:
    photo = _photo(tmp_path / "现场照片.jpg", (4000, 3000))
    cmd = AttachEvidence("R1", [photo], date="2026-03-02", note="现场")
    commands.run(village, cmd)
    (sha,) = cmd.shas
    stored = attachments.folder_for(village.path) / f"{sha}.jpg"
    assert stored.parent.name == "village.files"
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == sha
    with Image.open(stored) as img:
        assert max(img.size) == 2048 and img.size == (2048, 1536)
    (row,) = attachments.list_for(village, "ruin_cases:1")
    assert (row["file_name"], row["media_type"], row["missing"]) == (
        "现场照片.jpg",
        "image/jpeg",
        False,
    )
    assert row["size_bytes"] == stored.stat().st_size
    assert current_evidence(village, CaseKind.RUIN, 1) == [sha]


def test_rotated_photo_is_turned_upright(village: GpkgStore, tmp_path: Path) -> None:
    photo = _photo(tmp_path / "p.jpg", (300, 100), orientation=6)  # camera held sideways
    cmd = AttachEvidence("R1", [photo], date="2026-03-02")
    commands.run(village, cmd)
    stored = attachments.folder_for(village.path) / f"{cmd.shas[0]}.jpg"
    with Image.open(stored) as img:
        assert img.size == (100, 300)


def test_small_png_and_pdf_are_kept_as_they_are(village: GpkgStore, tmp_path: Path) -> None:
    png = tmp_path / "scan.png"
    Image.new("L", (200, 100), 255).save(png, "PNG")
    pdf = tmp_path / "通知书.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    cmd = AttachEvidence("R1", [png, pdf], date="2026-03-02")
    commands.run(village, cmd)
    assert cmd.shas == [hashlib.sha256(p.read_bytes()).hexdigest() for p in (png, pdf)]
    media = [r["media_type"] for r in attachments.list_for(village, "ruin_cases:1")]
    assert media == ["image/png", "application/pdf"]


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("renamed.jpg", b"MZ\x90\x00 an executable, whatever its name", "attachment_type"),
        ("notes.txt", "现场情况说明".encode(), "attachment_type"),
        ("broken.jpg", b"\xff\xd8\xff\xe0 not really a jpeg", "attachment_unreadable"),
    ],
)
def test_refused_files_name_the_file_and_leave_no_record(
    village: GpkgStore, tmp_path: Path, name: str, content: bytes, code: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(QjgisError) as exc:
        commands.run(village, AttachEvidence("R1", [path], date="2026-03-02"))
    assert exc.value.code == code and name in exc.value.english()
    assert village.execute_sql("SELECT count(*) FROM attachments")[0][0] == 0
    assert [e["action"] for e in case_events(village, CaseKind.RUIN, 1)] == ["open"]


def test_size_limit(village: GpkgStore, tmp_path: Path) -> None:
    big = tmp_path / "big.pdf"
    with big.open("wb") as fh:
        fh.write(b"%PDF-1.4\n")
        fh.truncate(attachments.MAX_BYTES + 1)
    with pytest.raises(QjgisError) as exc:
        commands.run(village, AttachEvidence("R1", [big], date="2026-03-02"))
    assert exc.value.code == "attachment_too_large"
    assert str(attachments.MAX_BYTES) in exc.value.english() and "big.pdf" in exc.value.english()


def test_evidence_with_a_transition_and_with_a_refused_one(
    village: GpkgStore, tmp_path: Path
) -> None:
    notice = tmp_path / "notice.pdf"
    notice.write_bytes(b"%PDF-1.4 notice")
    with pytest.raises(QjgisError):  # refused transition: its evidence is not recorded
        commands.run(
            village, AdvanceCase("R1", to="demolished", evidence=[notice], date="2026-03-02")
        )
    assert village.execute_sql("SELECT count(*) FROM attachments")[0][0] == 0
    commands.run(
        village,
        DisposeRuin(
            "R1",
            disposition="责令自行拆除",
            deadline="2026-05-31",
            evidence=[notice],
            date="2026-03-02",
        ),
    )
    event = case_events(village, CaseKind.RUIN, 1)[-1]
    assert event["action"] == "dispose"
    assert event["evidence"] == [hashlib.sha256(notice.read_bytes()).hexdigest()]


def test_undo_detaches_and_the_project_is_valid_without_the_folder(
    village: GpkgStore, tmp_path: Path
) -> None:
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(b"%PDF-1.4 a")
    cmd = AttachEvidence("R1", [pdf], date="2026-03-02")
    commands.run(village, cmd)
    commands.undo(village, cmd)
    assert current_evidence(village, CaseKind.RUIN, 1) == []
    assert [e["action"] for e in case_events(village, CaseKind.RUIN, 1)][-2:] == [
        "attach",
        "detach",
    ]
    shutil.rmtree(attachments.folder_for(village.path))
    (row,) = attachments.list_for(village, "ruin_cases:1")
    assert row["missing"] is True and row["path"] is None
    assert village.integrity_check() == []


# ---------------------------------------------------------------- issue 20 point 7
def _png_bomb(path: Path, side: int) -> Path:
    """A valid 1-bit PNG of side² pixels, all black: a few tens of KB that decode to a lot."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + b"\x00" * ((side + 7) // 8)  # filter byte + packed bits
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(side)) + packer.flush()
    ihdr = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )
    return path


def test_a_png_bomb_is_refused_from_its_header(village: GpkgStore, tmp_path: Path) -> None:
    # 15,490² = 2 × MAX_SOURCE_PIXELS: Pillow itself only warns at exactly twice its limit.
    bomb = _png_bomb(tmp_path / "bomb.png", 15_490)
    assert bomb.stat().st_size < 1_000_000
    with pytest.raises(QjgisError) as exc:
        commands.run(village, AttachEvidence("R1", [bomb], date="2026-03-02"))
    assert exc.value.code == "attachment_too_many_pixels"
    assert exc.value.params["width"] == 15_490 and "bomb.png" in exc.value.english()
    assert village.execute_sql("SELECT count(*) FROM attachments")[0][0] == 0
