"""Issue 20 point 8: a .shp whose headers are sound but whose records are garbage."""

from __future__ import annotations

import random
import shutil
import struct
from pathlib import Path

import numpy as np
import pytest
import shapely
from pyogrio.raw import write

from qjgis.errors import QjgisError
from qjgis.io.importer import import_layer
from qjgis.store import GpkgStore, file_sha256

N = 20


@pytest.fixture
def shp(tmp_path: Path) -> Path:
    x = 36_400_000.0 + np.arange(N) * 50.0
    geoms = shapely.box(x, 3_200_000.0, x + 20, 3_200_020.0)
    path = tmp_path / "src" / "parcels.shp"
    path.parent.mkdir()
    write(
        str(path),
        geometry=shapely.to_wkb(shapely.multipolygons([[g] for g in geoms])),
        field_data=[np.array([f"500110108001JC{i:05d}" for i in range(1, N + 1)], dtype=object)],
        fields=["ZDDM"],
        geometry_type="MultiPolygon",
        crs="EPSG:4524",
        driver="ESRI Shapefile",
    )
    return path


def _scribble(shp: Path, records: list[int] | None) -> None:
    """Overwrite records (0-based; None: all of them) with random bytes; headers stay."""
    data = bytearray(shp.read_bytes())
    index = shp.with_suffix(".shx").read_bytes()[100:]
    rng = random.Random(7)
    for i in range(N) if records is None else records:
        offset, length = struct.unpack(">ii", index[8 * i : 8 * i + 8])
        start = offset * 2
        for b in range(start, start + 8 + length * 2):
            data[b] = rng.randrange(256)
    shp.write_bytes(bytes(data))


def test_a_shp_whose_records_are_all_garbage_is_refused_as_damaged(
    shp: Path, tmp_path: Path
) -> None:
    _scribble(shp, None)
    project = tmp_path / "p.gpkg"
    GpkgStore.create(project).close()
    before = file_sha256(project)
    with GpkgStore.open(project) as store, pytest.raises(QjgisError) as exc:
        import_layer(store, "parcels", str(shp))
    assert exc.value.code == "source_corrupt"
    assert "parcels.shp" in exc.value.english() and "20 shape records" in exc.value.english()
    assert file_sha256(project) == before


def test_some_garbage_records_are_kept_and_flagged_with_their_count(
    shp: Path, tmp_path: Path
) -> None:
    _scribble(shp, [3, 7])
    project = tmp_path / "p.gpkg"
    with GpkgStore.create(project) as store:
        report = import_layer(store, "parcels", str(shp))
        assert store.counts()["parcels"] == N
    assert "geometry_null" not in report["issues"]  # counted once, for what it is
    flagged = report["issues"]["geometry_unreadable"]
    assert flagged["count"] == 2
    assert [(r["row"], r["key"]) for r in flagged["rows"]] == [
        (4, "500110108001JC00004"),
        (8, "500110108001JC00008"),
    ]


def test_a_zipped_copy_is_judged_the_same(shp: Path, tmp_path: Path) -> None:
    _scribble(shp, None)
    archive = shutil.make_archive(str(tmp_path / "parcels"), "zip", shp.parent)
    with GpkgStore.create(tmp_path / "p.gpkg") as store, pytest.raises(QjgisError) as exc:
        import_layer(store, "parcels", archive)
    assert exc.value.code == "source_corrupt" and "parcels.zip" in exc.value.english()
