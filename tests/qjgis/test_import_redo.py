"""Redo of an undone import batch (issue 13): the rows come back with the same fids,
versions move on by one per write, and anything changed since the undo refuses it."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
import shapely

from qjgis import commands
from qjgis.demo import build_demo
from qjgis.errors import QjgisError
from qjgis.io import importer
from qjgis.io.batches import UndoBatch, redo_batch
from qjgis.store import GpkgStore

N = 200


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("demo_redo")
    build_demo(folder / "demo.gpkg", parcels=N, seed=13, shapefiles=folder / "shp")
    base = folder / "base.gpkg"
    with GpkgStore.create(base) as store:
        importer.import_layer(store, "villages", str(folder / "shp" / "villages.shp"))
    return base, folder / "shp"


def _project(demo: tuple[Path, Path], tmp_path: Path) -> Path:
    path = tmp_path / "p.gpkg"
    shutil.copy(demo[0], path)
    return path


def _state(store: GpkgStore, layer: str) -> tuple:
    cols = ["zddm", "holder_name", "zdmj"] if layer == "parcels" else ["bdcdyh", "floors"]
    data = store.read_layer(layer, cols)
    versions = dict(store.execute_sql(f"SELECT fid, row_version FROM {layer}"))
    return data, versions


def _modified_parcels(shp: Path, out: Path) -> Path:
    """The parcels again, the first two with another holder name and one moved 1 m."""
    from pyogrio import raw

    out.mkdir()
    meta, _, wkb, fields = raw.read(str(shp / "parcels.shp"), encoding="GBK")
    names = list(meta["fields"])
    data = dict(zip(names, fields, strict=True))
    holder = next(n for n in names if n.upper() in ("QLRMC", "QLR", "QLRXM"))
    data[holder] = data[holder].astype(object).copy()
    data[holder][0] = "改名甲"
    data[holder][1] = "改名乙"
    geoms = shapely.from_wkb(wkb)
    geoms[1] = shapely.transform(geoms[1], lambda c: c + np.array([1.0, 0.0]))
    raw.write(
        str(out / "parcels.shp"), shapely.to_wkb(geoms), [data[n] for n in names], names,
        driver="ESRI Shapefile", geometry_type="MultiPolygon", crs="EPSG:4524", encoding="GBK",
        promote_to_multi=True,
    )  # fmt: skip
    return out / "parcels.shp"


def test_redo_puts_added_rows_back_with_their_fids_and_holders(demo, tmp_path) -> None:
    path = _project(demo, tmp_path)
    with GpkgStore.open(path) as store:
        r = importer.import_layer(store, "parcels", str(demo[1] / "parcels.shp"))
        batch = r["batch_id"]
        data, versions = _state(store, "parcels")
        holders = store.execute_sql("SELECT parcel_fid, name, id_number FROM parcel_holders")
        assert holders, "the demo has co-holders to bring back"
        importer.undo_batch(store, batch)
        assert store.counts()["parcels"] == 0
        result = redo_batch(store, batch)
        assert result["redone"]["parcels"] == {"inserted": len(data), "restored": 0}
        again, versions_again = _state(store, "parcels")
        assert np.array_equal(again.fids, data.fids)
        assert (again.attrs["zddm"] == data.attrs["zddm"]).all()
        assert shapely.equals_exact(again.geometry, data.geometry, 0).all()
        # deleted (+1) and inserted again (+1)
        assert versions_again == {f: v + 2 for f, v in versions.items()}
        assert sorted(
            store.execute_sql("SELECT parcel_fid, name, id_number FROM parcel_holders")
        ) == sorted(holders)
        assert not importer.list_batches(store)[-1]["undone"]
        assert store.integrity_check() == []
        # the R-tree follows: the rows are found by extent again
        box = shapely.bounds(data.geometry[0])
        found = store.execute_sql(
            "SELECT id FROM rtree_parcels_geom WHERE maxx >= ? AND minx <= ? "
            "AND maxy >= ? AND miny <= ?",
            (box[0], box[2], box[1], box[3]),
        )
        assert int(data.fids[0]) in {f for (f,) in found}
        # and the batch can be undone and redone again, any number of times
        importer.undo_batch(store, batch)
        redo_batch(store, batch)
        assert _state(store, "parcels")[1] == {f: v + 4 for f, v in versions.items()}
        audit = [c for (c,) in store.execute_sql("SELECT command FROM audit_log")]
    assert audit.count("imports.undo") == 2 and audit.count("imports.redo") == 2


def test_redo_restores_updated_rows_and_a_later_undo_still_checks(demo, tmp_path) -> None:
    path = _project(demo, tmp_path)
    changed = _modified_parcels(demo[1], tmp_path / "changed")
    with GpkgStore.open(path) as store:
        r1 = importer.import_layer(store, "parcels", str(demo[1] / "parcels.shp"))
        r2 = importer.import_layer(store, "parcels", str(changed))
        assert r2["counts"]["updated"] == 2
        data, versions = _state(store, "parcels")
        importer.undo_batch(store, r2["batch_id"])
        names = store.read_layer("parcels", ["holder_name"]).attrs["holder_name"]
        assert "改名甲" not in set(names)
        redo_batch(store, r2["batch_id"])
        again, versions_again = _state(store, "parcels")
        assert (again.attrs["holder_name"] == data.attrs["holder_name"]).all()
        assert shapely.equals_exact(again.geometry, data.geometry, 0).all()
        moved = {f for f, v in versions.items() if versions_again[f] != v}
        assert len(moved) == 2 and all(versions_again[f] == versions[f] + 2 for f in moved)
        # undoing the redone batch is checked against the moved-on versions, and works
        importer.undo_batch(store, r2["batch_id"])
        redo_batch(store, r2["batch_id"])
        importer.undo_batch(store, r2["batch_id"])
        # the first batch's undo counts the later batch's writes (undone twice) right
        importer.undo_batch(store, r1["batch_id"])
        assert store.counts()["parcels"] == 0


def test_redo_is_refused_after_an_edit_or_a_later_import(demo, tmp_path) -> None:
    path = _project(demo, tmp_path)
    changed = _modified_parcels(demo[1], tmp_path / "changed")
    with GpkgStore.open(path) as store:
        importer.import_layer(store, "parcels", str(demo[1] / "parcels.shp"))
        r2 = importer.import_layer(store, "parcels", str(changed))
        batch = r2["batch_id"]
        with pytest.raises(QjgisError) as exc:
            redo_batch(store, batch)
        assert exc.value.code == "batch_not_undone"
        importer.undo_batch(store, batch)
        fid = store.execute_sql(
            "SELECT row_fid FROM import_batch_rows WHERE batch_id = ? AND action = 'updated'",
            (batch,),
        )[0][0]
        with store.transaction() as conn:
            store.update_row(conn, "parcels", fid, {"holder_name": "手改"})
        before = store.execute_sql("SELECT count(*) FROM audit_log")[0][0]
        with pytest.raises(QjgisError) as exc:
            redo_batch(store, batch)
        assert exc.value.code == "redo_blocked_edited" and exc.value.params["fid"] == fid
        # refused whole: nothing written, the batch still undone
        assert store.execute_sql("SELECT count(*) FROM audit_log")[0][0] == before
        assert importer.list_batches(store)[-1]["undone"]
        # a later import of the layer refuses it too
        r3 = importer.import_layer(store, "parcels", str(changed))
        with pytest.raises(QjgisError) as exc:
            redo_batch(store, batch)
        assert exc.value.code == "redo_blocked_later_batch"
        assert exc.value.params["later"] == r3["batch_id"]


def test_batch_undo_as_a_command_reverts_by_redoing(demo, tmp_path) -> None:
    path = _project(demo, tmp_path)
    with GpkgStore.open(path) as store:
        r = importer.import_layer(store, "buildings", str(demo[1] / "buildings.shp"))
        n = store.counts()["buildings"]
        command = UndoBatch(r["batch_id"], "buildings")
        changes = commands.run(store, command)
        assert changes.layers == frozenset({"buildings"})
        assert store.counts()["buildings"] == 0
        commands.undo(store, command)
        assert store.counts()["buildings"] == n
        commands.run(store, command)
        assert store.counts()["buildings"] == 0
