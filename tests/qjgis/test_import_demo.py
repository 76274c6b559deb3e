"""The demo district's survey files import into an empty project as the demo project holds them.

The demo generator writes GBK shapefiles with national field names and an XLSX
register beside a project holding the same data; importing the files must map
every field automatically and reproduce the project's rows, Chinese text included.
Re-import, undo, cancel and refusal are exercised on the same files.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest
import shapely

from qjgis.demo import build_demo
from qjgis.errors import Canceled, QjgisError
from qjgis.feedback import NullFeedback
from qjgis.io import importer
from qjgis.store import GpkgStore, file_sha256

N = 400


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("demo_import")
    path = folder / "demo.gpkg"
    build_demo(path, parcels=N, seed=11, shapefiles=folder / "shp")
    return path, folder / "shp"


@pytest.fixture(scope="module")
def imported(demo: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> dict:
    _, shp = demo
    path = tmp_path_factory.mktemp("imported") / "p.gpkg"
    reports = {}
    with GpkgStore.create(path) as store:
        for layer in ("villages", "parcels", "buildings"):
            reports[layer] = importer.import_layer(store, layer, str(shp / f"{layer}.shp"))
        reports["households"] = importer.import_layer(
            store, "households", str(shp / "register.xlsx")
        )
    return {"path": path, "reports": reports}


LAYER_COLUMNS = {
    "villages": ["code", "name", "town_code"],
    "parcels": [
        "zddm", "bdcdyh", "village_code", "zl", "yt", "land_type", "zdmj", "pzmj", "acquired",
        "acquisition_mode", "approval_no", "approval_date", "must_demolish_old",
        "demolition_deadline", "disposal", "disposal_deadline", "holder_name", "holder_id",
        "household_no", "co_holders",
    ],
    "buildings": [
        "bdcdyh", "zrzh", "zddm", "floors", "structure", "year_built", "footprint_area",
        "status", "danger_grade", "assessed", "assessed_by",
    ],
}  # fmt: skip


def _same_values(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    out = np.empty(len(a), dtype=bool)
    for i, (x, y) in enumerate(zip(a.tolist(), b.tolist(), strict=True)):
        if isinstance(x, float) and isinstance(y, float):
            out[i] = (np.isnan(x) and np.isnan(y)) or abs(x - y) < 1e-9
        else:
            out[i] = x == y
    return out


@pytest.mark.parametrize("layer", ["villages", "parcels", "buildings"])
def test_every_field_maps_automatically(imported: dict, layer: str) -> None:
    mapping = imported["reports"][layer]["mapping"]
    # The demo's survey has no floor area (JZMJ): every other column is filled.
    assert mapping["unmapped_targets"] == {"buildings": ["floor_area"]}.get(layer, [])
    kept = [s for s, t in mapping["fields"].items() if t is None]
    # Only the fields the project has no column for stay in `extra`.
    assert kept == {"villages": ["XZQMC"], "parcels": ["ZDTZM"], "buildings": []}[layer]
    assert all(c == 1.0 or c >= 0.99 for c in mapping["confidence"].values())


@pytest.mark.parametrize("layer", ["villages", "parcels", "buildings"])
def test_layers_equal_the_demo_project(demo: tuple[Path, Path], imported: dict, layer: str) -> None:
    cols = LAYER_COLUMNS[layer]
    with GpkgStore.open(demo[0]) as a, GpkgStore.open(imported["path"]) as b:
        want = a.read_layer(layer, cols)
        got = b.read_layer(layer, cols)
    assert len(got) == len(want) > 0
    for c in cols:
        same = _same_values(got.attrs[c], want.attrs[c])
        assert same.all(), (c, got.attrs[c][~same][:3], want.attrs[c][~same][:3])
    # Shapefiles store outer rings clockwise: compare normalised rings, vertex by vertex.
    norm = shapely.normalize
    assert shapely.equals_exact(norm(got.geometry), norm(want.geometry), tolerance=1e-6).all()


def test_chinese_text_and_extra_fields(imported: dict) -> None:
    with GpkgStore.open(imported["path"]) as store:
        p = store.read_layer("parcels", ["zl", "holder_name", "extra"])
        v = store.read_layer("villages", ["name", "extra"])
    assert all("村" in z and z.endswith("组") for z in p.attrs["zl"])
    assert json.loads(p.attrs["extra"][0]) == {"ZDTZM": "JC"}
    assert all(json.loads(e)["XZQMC"].endswith(("镇", "街道")) for e in v.attrs["extra"])
    enc = imported["reports"]["parcels"]["encoding"]
    assert enc["encoding"] == "GBK" and any("村" in s for s in enc["samples"])


def test_register_equals_the_demo_project(demo: tuple[Path, Path], imported: dict) -> None:
    hcols = ["household_no", "village_code", "head_name", "head_id", "household_type",
             "lives_in_village", "split_status"]  # fmt: skip
    mcols = ["household_no", "seq", "name", "id_number", "relation", "sex", "birth_date", "phone"]
    with GpkgStore.open(demo[0]) as a, GpkgStore.open(imported["path"]) as b:
        for table, cols in (("households", hcols), ("members", mcols)):
            want, got = a.read_table(table, cols), b.read_table(table, cols)
            assert len(got["fid"]) == len(want["fid"]) > 0
            for c in cols:
                same = _same_values(got[c], want[c])
                assert same.all(), (table, c, got[c][~same][:3], want[c][~same][:3])
    report = imported["reports"]["households"]
    # The demo's register lists members with their 户号: no head-only columns, no dates.
    assert sorted(report["mapping"]["unmapped_targets"]) == [
        "declared_size", "head_id", "head_name", "joined_on", "left_on"
    ]  # fmt: skip
    # The planted bad ID numbers (QJ-R009) are all reported, by spreadsheet row.
    with GpkgStore.open(demo[0]) as a:
        truth = a.read_table("demo_truth")
    planted = int((truth["rule_id"] == "QJ-R009").sum())
    assert report["issues"]["id_invalid"]["count"] == planted


def test_planted_code_problems_are_reported(demo: tuple[Path, Path], imported: dict) -> None:
    with GpkgStore.open(demo[0]) as a:
        truth = a.read_table("demo_truth")
    r008 = truth["note"][truth["rule_id"] == "QJ-R008"]
    issues = imported["reports"]["parcels"]["issues"]
    assert issues["code_malformed"]["count"] == int((r008 == "malformed").sum())
    assert issues["code_duplicate"]["count"] == int((r008 == "duplicate").sum())


def test_batches_are_recorded_and_audited(imported: dict) -> None:
    with GpkgStore.open(imported["path"]) as store:
        batches = importer.list_batches(store)
        audit = store.execute_sql("SELECT command, after FROM audit_log ORDER BY fid")
        saved = store.execute_sql("SELECT mapping, report FROM import_batches WHERE fid = 2")[0]
    assert [b["layer"] for b in batches] == ["villages", "parcels", "buildings", "households"]
    assert [c for c, _ in audit] == ["import"] * 4
    assert json.loads(audit[1][1])["counts"]["added"] == N
    assert json.loads(saved[0])["fields"]["ZDDM"] == "zddm"
    assert json.loads(saved[1])["counts"]["added"] == N


def _copy_project(imported: dict, tmp_path: Path) -> Path:
    path = tmp_path / "copy.gpkg"
    shutil.copy(imported["path"], path)
    return path


def test_reimport_counts_unchanged_updated_absent(demo, imported, tmp_path) -> None:
    _, shp = demo
    path = _copy_project(imported, tmp_path)
    with GpkgStore.open(path) as store:
        again = importer.import_layer(store, "buildings", str(shp / "buildings.shp"))
    assert again["counts"] == {
        "read": again["counts"]["read"], "added": 0, "updated": 0,
        "unchanged": again["counts"]["read"], "absent": 0,
    }  # fmt: skip
    # A second delivery: 2 buildings changed, 1 left out, 1 new.
    src = tmp_path / "b2"
    _write_modified_buildings(shp / "buildings.shp", src)
    with GpkgStore.open(path) as store:
        before = store.counts()["buildings"]
        r = importer.import_layer(store, "buildings", str(src / "buildings.shp"))
        assert store.counts()["buildings"] == before + 1
        new = store.execute_sql(
            "SELECT floors FROM buildings WHERE bdcdyh = '500110108001JC99999F00010001'"
        )
    c = r["counts"]
    assert (c["added"], c["updated"], c["absent"]) == (1, 2, 1)
    assert c["unchanged"] == c["read"] - 3
    assert len(new) == 1


def _write_modified_buildings(shp: Path, out: Path) -> None:
    from pyogrio import raw

    out.mkdir()
    meta, _, wkb, fields = raw.read(str(shp), encoding="GBK")
    names = list(meta["fields"])
    data = dict(zip(names, fields, strict=True))
    keep = np.arange(1, len(wkb))  # row 0 left out
    data = {n: v[keep] for n, v in data.items()}
    wkb = wkb[keep]
    data["ZCS"] = data["ZCS"].copy()
    data["ZCS"][0] += 1  # changed attribute
    geoms = shapely.from_wkb(wkb)
    geoms[1] = shapely.transform(geoms[1], lambda c: c + np.array([0.5, 0.0]))  # changed geometry
    extra = geoms[2:3].copy()
    new = {n: np.concatenate([v, v[2:3]]) for n, v in data.items()}
    new["BDCDYH"] = new["BDCDYH"].astype(object)
    new["BDCDYH"][-1] = "500110108001JC99999F00010001"
    geoms = np.concatenate([geoms, shapely.transform(extra, lambda c: c + np.array([30.0, 0.0]))])
    raw.write(
        str(out / "buildings.shp"), shapely.to_wkb(geoms), [new[n] for n in names], names,
        driver="ESRI Shapefile", geometry_type="MultiPolygon", crs="EPSG:4524", encoding="GBK",
        promote_to_multi=True,
    )  # fmt: skip


def test_undo_restores_and_is_refused_after_an_edit(demo, imported, tmp_path) -> None:
    _, shp = demo
    path = _copy_project(imported, tmp_path)
    src = tmp_path / "b2"
    _write_modified_buildings(shp / "buildings.shp", src)
    with GpkgStore.open(path) as store:
        snapshot = store.read_layer("buildings", ["floors"])
        r = importer.import_layer(store, "buildings", str(src / "buildings.shp"))
        batch = r["batch_id"]
        # A later batch over the same rows blocks the undo of this one.
        r2 = importer.import_layer(store, "buildings", str(shp / "buildings.shp"))
        with pytest.raises(QjgisError) as exc:
            importer.undo_batch(store, batch)
        assert exc.value.code == "undo_blocked_later_batch"
        importer.undo_batch(store, r2["batch_id"])
        result = importer.undo_batch(store, batch)
        assert result["undone"]["buildings"] == {"deleted": 1, "restored": 2}
        after = store.read_layer("buildings", ["floors"])
        assert np.array_equal(after.fids, snapshot.fids)
        assert (after.attrs["floors"] == snapshot.attrs["floors"]).all()
        assert shapely.equals_exact(after.geometry, snapshot.geometry, 0).all()
        assert store.integrity_check() == []
        # An edit after an import blocks undoing it, naming the row.
        r3 = importer.import_layer(store, "buildings", str(src / "buildings.shp"))
        fid = store.execute_sql(
            "SELECT row_fid FROM import_batch_rows WHERE batch_id = ? AND action = 'updated'",
            (r3["batch_id"],),
        )[0][0]
        with store.transaction() as conn:
            store.update_row(conn, "buildings", fid, {"floors": 9})
        with pytest.raises(QjgisError) as exc:
            importer.undo_batch(store, r3["batch_id"])
        assert exc.value.code == "undo_blocked_edited" and exc.value.params["fid"] == fid
        audit = [c for (c,) in store.execute_sql("SELECT command FROM audit_log")]
    assert audit.count("imports.undo") == 2


def test_cancel_leaves_the_file_as_it_was(demo, imported, tmp_path) -> None:
    _, shp = demo
    path = _copy_project(imported, tmp_path)
    digest = file_sha256(path)

    class CancelAfterFirstBatch(NullFeedback):
        def set_progress(self, fraction: float, stage: str = "") -> None:
            if stage == "write":
                self.cancel()

    with GpkgStore.open(path) as store, pytest.raises(Canceled):
        importer.import_layer(
            store, "parcels", str(shp / "parcels.shp"), feedback=CancelAfterFirstBatch(),
            batch_size=100,
        )  # fmt: skip
    assert file_sha256(path) == digest


@pytest.mark.parametrize(
    ("damage", "code"),
    [
        ("truncate_shp", "source_corrupt"),
        ("drop_shx", "source_missing_part"),
        ("drop_dbf", "source_missing_part"),
        ("short_dbf", "dbf_corrupt"),
        ("html_prj", "prj_unreadable"),
    ],
)
def test_bad_files_are_refused_before_any_write(demo, imported, tmp_path, damage, code) -> None:
    _, shp = demo
    path = _copy_project(imported, tmp_path)
    digest = file_sha256(path)
    src = tmp_path / "src dir 目录"  # spaces and Chinese in the path
    src.mkdir()
    for f in shp.glob("parcels.*"):
        shutil.copy(f, src / f.name)
    target = src / "parcels.shp"
    if damage == "truncate_shp":
        target.write_bytes(target.read_bytes()[:-500])
    elif damage == "drop_shx":
        (src / "parcels.shx").unlink()
    elif damage == "drop_dbf":
        (src / "parcels.dbf").unlink()
    elif damage == "short_dbf":
        d = src / "parcels.dbf"
        d.write_bytes(d.read_bytes()[:-1000])
    elif damage == "html_prj":
        (src / "parcels.prj").write_text("<!DOCTYPE html><html><body>404</body></html>")
    with GpkgStore.open(path) as store, pytest.raises(QjgisError) as exc:
        importer.import_layer(store, "parcels", str(target))
    assert exc.value.code == code
    assert str(src) in exc.value.english()
    assert file_sha256(path) == digest


def test_gbk_without_cpg_is_detected(demo, tmp_path) -> None:
    _, shp = demo
    src = tmp_path / "nocpg"
    src.mkdir()
    for f in shp.glob("villages.*"):
        if f.suffix != ".cpg":
            shutil.copy(f, src / f.name)
    with GpkgStore.create(tmp_path / "p.gpkg") as store:
        r = importer.import_layer(store, "villages", str(src / "villages.shp"))
        names = store.read_layer("villages", ["name"]).attrs["name"]
    assert r["encoding"]["encoding"] == "GBK" and r["encoding"]["reason"] == "detected"
    assert all(n.endswith("村") for n in names)


def test_zip_gpkg_filegdb_and_geojson_sources(demo, tmp_path) -> None:
    import zipfile

    from pyogrio import raw

    _, shp = demo
    z = tmp_path / "villages.zip"
    with zipfile.ZipFile(z, "w") as zf:
        for f in shp.glob("villages.*"):
            zf.write(f, f"delivery/{f.name}")
    meta, _, wkb, fields = raw.read(str(shp / "villages.shp"), encoding="GBK")
    names = list(meta["fields"])
    gpkg = tmp_path / "src.gpkg"
    raw.write(str(gpkg), wkb, fields, names, driver="GPKG", layer="cun", crs="EPSG:4524",
              geometry_type="MultiPolygon")  # fmt: skip
    gdb = tmp_path / "src.gdb"
    raw.write(str(gdb), wkb, fields, names, driver="OpenFileGDB", layer="cun", crs="EPSG:4524",
              geometry_type="MultiPolygon")  # fmt: skip
    geoms = shapely.from_wkb(wkb)
    feats = [
        {"type": "Feature", "geometry": json.loads(shapely.to_geojson(g)),
         "properties": {n: str(v[i]) for n, v in zip(names, fields, strict=True)}}
        for i, g in enumerate(geoms)
    ]  # fmt: skip
    bare = tmp_path / "bare.geojson"
    bare.write_text(json.dumps(feats, ensure_ascii=False), encoding="utf-8")
    for source, extra in ((z, {}), (gpkg, {}), (gdb, {}), (bare, {"source_crs": "EPSG:4524"})):
        with GpkgStore.create(tmp_path / f"p_{source.suffix[1:]}.gpkg") as store:
            r = importer.import_layer(store, "villages", str(source), **extra)
            got = store.read_layer("villages", ["code", "name"])
        assert r["counts"]["added"] == len(geoms), source
        assert set(got.attrs["name"]) == {str(x) for x in fields[names.index("CMC")]}


def test_no_prj_proposes_from_coordinates(demo, tmp_path) -> None:
    _, shp = demo
    src = tmp_path / "noprj"
    src.mkdir()
    for f in shp.glob("villages.*"):
        if f.suffix != ".prj":
            shutil.copy(f, src / f.name)
    with GpkgStore.create(tmp_path / "p.gpkg") as store:
        r = importer.import_layer(store, "villages", str(src / "villages.shp"))
    assert r["crs"]["crs"] == "EPSG:4524" and r["crs"]["reason"] == "proposed"
    assert any(w["code"] == "crs_proposed" for w in r["warnings"])


def test_old_datum_needs_the_districts_helmert(demo, tmp_path) -> None:
    from pyogrio import raw

    _, shp = demo
    meta, _, wkb, fields = raw.read(str(shp / "villages.shp"), encoding="GBK")
    src = tmp_path / "xian.shp"
    # Coordinates relabelled as Xian 1980 zone 36 (same numbers): only the datum differs.
    raw.write(str(src), wkb, fields, list(meta["fields"]), driver="ESRI Shapefile",
              crs="EPSG:2360", encoding="GBK", geometry_type="MultiPolygon")  # fmt: skip
    path = tmp_path / "p.gpkg"
    GpkgStore.create(path).close()
    digest = file_sha256(path)
    with GpkgStore.open(path) as store, pytest.raises(QjgisError) as exc:
        importer.import_layer(store, "villages", str(src))
    assert exc.value.code == "old_datum_refused" and "datum.xian1980" in exc.value.english()
    assert file_sha256(path) == digest
    helmert = {"tx": 10.0, "ty": -20.0, "tz": 5.0, "rx": 0, "ry": 0, "rz": 0, "ds": 0}
    with GpkgStore.open(path) as store:
        with store.transaction() as conn:
            store.write_settings(conn, {"datum.xian1980": helmert})
        r = importer.import_layer(store, "villages", str(src))
        got = store.read_layer("villages").geometry
    assert r["counts"]["added"] == len(wkb)
    shift = shapely.centroid(got[0]).distance(shapely.centroid(shapely.from_wkb(wkb[0])))
    assert 0.5 < shift < 200  # moved by the datum change, not by a zone or unit error


def test_row_problems_are_kept_and_reported(tmp_path) -> None:
    from pyogrio import raw

    x0, y0 = 36_400_000.0, 3_200_000.0
    bowtie = shapely.Polygon([(x0, y0), (x0 + 10, y0 + 10), (x0 + 10, y0), (x0, y0 + 10)])
    square_z = shapely.Polygon([(x0 + 20, y0, 5), (x0 + 30, y0, 5), (x0 + 30, y0 + 10, 5),
                                (x0 + 20, y0 + 10, 5)])  # fmt: skip
    multi = shapely.MultiPolygon([shapely.box(x0 + 40, y0, x0 + 45, y0 + 5),
                                  shapely.box(x0 + 50, y0, x0 + 55, y0 + 5)])  # fmt: skip
    geoms = np.array([bowtie, square_z, multi, None], dtype=object)
    zddm = np.array(["500110108001JC00001", "500110108001JC00001", "50011010800JC1", ""],
                    dtype=object)  # fmt: skip
    zjh = np.array(["4.40524E+17", "500110198001011234", "", ""], dtype=object)
    src = tmp_path / "rows.shp"
    wkb = np.array([None if g is None else shapely.to_wkb(g) for g in geoms], dtype=object)
    raw.write(str(src), wkb, [zddm, zjh], ["ZDDM", "ZJH"], driver="ESRI Shapefile",
              crs="EPSG:4524", encoding="UTF-8", geometry_type="Polygon Z")  # fmt: skip
    with GpkgStore.create(tmp_path / "p.gpkg") as store:
        r = importer.import_layer(store, "parcels", str(src))
        got = store.read_layer("parcels", ["zddm", "holder_id"])
    assert r["counts"]["added"] == 4 and len(got) == 4
    issues = r["issues"]
    rep = issues["geometry_repaired"]["rows"][0]
    assert rep["row"] == 1 and rep["area_after"] == pytest.approx(50.0)
    assert issues["z_m_dropped"]["count"] >= 1
    assert [x["row"] for x in issues["multipart"]["rows"]] == [1, 3]  # the bowtie split too
    assert issues["geometry_null"]["rows"][0]["row"] == 4
    assert issues["code_duplicate"]["rows"][0] == {
        "key": "500110108001JC00001", "occurrences": 2, "rows": [1, 2]
    }  # fmt: skip
    assert [x["row"] for x in issues["code_malformed"]["rows"]] == [3]
    assert [x["row"] for x in issues["code_missing"]["rows"]] == [4]
    assert issues["id_excel_unrecoverable"]["rows"][0]["value"] == "4.40524E+17"
    assert issues["id_invalid"]["rows"][0]["row"] == 2
    assert got.attrs["holder_id"][0] == "4.40524E+17"  # kept as written, flagged
    assert not shapely.has_z(got.geometry[~shapely.is_missing(got.geometry)]).any()
    with sqlite3.connect(tmp_path / "p.gpkg") as conn:
        saved = json.loads(conn.execute("SELECT report FROM import_batches").fetchone()[0])
    assert saved["issues"] == json.loads(json.dumps(issues))


def test_import_as_an_undoable_command(demo, tmp_path) -> None:
    from qjgis import commands

    _, shp = demo
    with GpkgStore.create(tmp_path / "p.gpkg") as store:
        cmd = importer.ImportLayer("villages", str(shp / "villages.shp"))
        changes = commands.run(store, cmd)
        assert changes.layers == frozenset({"villages"})
        assert store.counts()["villages"] == cmd.report["counts"]["added"] > 0
        commands.undo(store, cmd)
        assert store.counts()["villages"] == 0
        assert importer.list_batches(store)[0]["undone"]


def test_small_slices_give_the_same_result(demo, imported, tmp_path) -> None:
    """Duplicates split across slices are still found, and re-import still matches them."""
    _, shp = demo
    with GpkgStore.create(tmp_path / "p.gpkg") as store:
        r = importer.import_layer(store, "parcels", str(shp / "parcels.shp"), batch_size=50)
        again = importer.import_layer(store, "parcels", str(shp / "parcels.shp"), batch_size=37)
        fids = store.read_layer("parcels", ["zddm"])
    whole = imported["reports"]["parcels"]["issues"]
    assert r["issues"]["code_duplicate"] == whole["code_duplicate"]
    assert r["issues"]["code_malformed"]["count"] == whole["code_malformed"]["count"]
    assert again["counts"] == {"read": N, "added": 0, "updated": 0, "unchanged": N, "absent": 0}
    assert len(fids) == N
