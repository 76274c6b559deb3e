"""Issue 20 point 7: a zip that would expand to far more than it holds is refused unopened."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from qjgis.errors import QjgisError
from qjgis.io import sources


def _zip(path: Path, members: dict[str, bytes | int]) -> Path:
    """A zip; an int member is that many zero bytes, written in chunks (deflated ~1000×)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for name, content in members.items():
            if isinstance(content, int):
                with zf.open(name, "w", force_zip64=True) as fh:
                    chunk = b"\x00" * (1 << 20)
                    for _ in range(content >> 20):
                        fh.write(chunk)
            else:
                zf.writestr(name, content)
    return path


def test_a_zip_bomb_is_refused_before_anything_is_extracted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bomb = _zip(tmp_path / "宗地.zip", {"zd.shp": b"x" * 100, "zd.shx": b"", "zd.dbf": 64 << 20})
    assert bomb.stat().st_size < 1_000_000
    extracted: list[str] = []
    real_open = zipfile.ZipFile.open

    def watch(self: zipfile.ZipFile, name: object, *args: object, **kwargs: object) -> object:
        extracted.append(str(name))
        return real_open(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", watch)
    with pytest.raises(QjgisError) as exc:
        sources.open_vector(str(bomb), "parcels")
    assert exc.value.code == "zip_too_large"
    assert exc.value.params["size"] == (64 << 20) + 100
    assert "宗地.zip" in exc.value.english()
    assert extracted == []  # refused from the central directory alone


def test_a_member_larger_than_a_shapefile_part_can_be_is_refused(tmp_path: Path) -> None:
    z = _zip(tmp_path / "a.zip", {"a.shp": b"x" * 100})
    with zipfile.ZipFile(z) as zf, pytest.raises(QjgisError) as exc:
        sources.check_zip_expansion(zf, z, ["a.shp"], max_member=99)
    assert exc.value.code == "zip_too_large" and exc.value.params["member"] == "a.shp"


def test_an_ordinary_survey_zip_passes(tmp_path: Path) -> None:
    # Blank-padded DBF text (one code per record, 235 blanks) compresses well, not like a bomb.
    import random

    rng = random.Random(1)
    dbf = b"".join(
        b"500110108001JC%05d" % rng.randrange(100_000) + b" " * 235 for _ in range(100_000)
    )
    shp = bytes(rng.randrange(256) for _ in range(200_000))
    z = _zip(tmp_path / "a.zip", {"a.shp": shp, "a.dbf": dbf})
    with zipfile.ZipFile(z) as zf:
        assert sources.check_zip_expansion(zf, z, ["a.shp", "a.dbf"]) == len(dbf) + len(shp)
