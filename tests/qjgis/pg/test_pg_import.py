"""`import` on a database: the demo district's survey files into PostgreSQL as into a file.

The same files go into a new project file and into a new database (an empty project
pushed there), through the same importer and the store's one write path; every table
must then hold the same rows (codes, attributes, geometry WKB, extra JSON, flags), the
reports the same counts and issues. A re-import updates by code on both; a refused or
canceled import leaves the database's rows and audit as they were; undo and redo of a
batch work on the database; files of the third-party corpus through `import URL`
end in exit 0, 1 or 2 with one line of error and no traceback.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import psycopg
import pyogrio.raw
import pytest
import shapely

from qjgis import schema
from qjgis.demo import build_demo
from qjgis.errors import Canceled, QjgisError
from qjgis.feedback import NullFeedback
from qjgis.io import importer
from qjgis.pg.store import PgStore
from qjgis.pg.transfer import push
from qjgis.store import GpkgStore
from ui.cli import main

N = 300
LAYERS = (
    ("villages", "villages.shp"),
    ("parcels", "parcels.shp"),
    ("buildings", "buildings.shp"),
    ("households", "register.xlsx"),
)
#: the tables an import writes, compared row by row
TABLES = ("towns", "villages", "parcels", "buildings", "households", "members", "parcel_holders")
#: columns that name other rows by fid (a database's sequences need not start where a
#: file's do): compared through what they point at, or not at all
BY_FID = {"batch_id", "superseded_by", "parcel_fid"}


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pg_import")
    build_demo(folder / "demo.gpkg", parcels=N, seed=13, shapefiles=folder / "shp")
    shp = folder / "shp"
    # A second delivery of the parcels: ten areas corrected, one parcel moved by a metre,
    # the last five parcels left out (absent), the rest as before.
    meta, _fids, geometry, fields = pyogrio.raw.read(shp / "parcels.shp", encoding="GBK")
    names = list(meta["fields"])
    data = [np.asarray(f) for f in fields]
    zdmj = data[names.index("ZDMJ")].astype(float)
    zdmj[:10] += 1.5
    data[names.index("ZDMJ")] = zdmj
    geoms = shapely.from_wkb(np.asarray(geometry, dtype=object))
    geoms[0] = shapely.affinity.translate(geoms[0], 1.0, 0.0)
    keep = slice(0, len(geoms) - 5)
    (folder / "again").mkdir()
    pyogrio.raw.write(
        str(folder / "again" / "parcels.shp"), shapely.to_wkb(geoms[keep]),
        [d[keep] for d in data], names, driver="ESRI Shapefile", geometry_type="MultiPolygon",
        crs=meta["crs"], encoding="GBK",
    )  # fmt: skip
    return folder


def _empty_database(url: str, tmp: Path) -> PgStore:
    """A new database holding an empty project (pushed from a new file)."""
    empty = tmp / "empty.gpkg"
    GpkgStore.create(empty).close()
    push(empty, url)
    return PgStore.open(url)


def _clean(report: dict[str, Any]) -> dict[str, Any]:
    out = json.loads(json.dumps(report, ensure_ascii=False, default=str))
    out.pop("seconds", None)
    out.pop("batch_id", None)
    return out


def _table(store: Any, name: str) -> dict[str, list[Any]]:
    """A table's rows in fid order, column by column; geometry as WKB; floats with NaN as None."""
    t = schema.TABLE_BY_NAME[name]
    cols = [c.name for c in t.columns if c.name not in BY_FID]
    if t.geometry:
        data = store.read_layer(name, cols)
        out = {c: data.attrs[c] for c in cols}
        out["geom"] = shapely.to_wkb(data.geometry, flavor="iso").tolist()
        fids = data.fids
    else:
        raw = store.read_table(name, cols)
        fids = raw.pop("fid")
        out = dict(raw)
    if name == "parcel_holders":  # the parcel it belongs to, by code
        parcels = store.read_table("parcels", ["zddm"])
        code = dict(zip(parcels["fid"].tolist(), parcels["zddm"].tolist(), strict=True))
        holder = store.read_table(name, ["parcel_fid"])
        out["parcel"] = [code.get(f) for f in holder["parcel_fid"].tolist()]
    assert len(fids) == len(next(iter(out.values())))
    return {
        c: [None if isinstance(v, float) and np.isnan(v) else v for v in np.asarray(a).tolist()]
        for c, a in out.items()
    }


def _same_tables(a: Any, b: Any) -> None:
    for name in TABLES:
        ta, tb = _table(a, name), _table(b, name)
        assert ta.keys() == tb.keys(), name
        for col in ta:
            assert ta[col] == tb[col], f"{name}.{col}"


def _state(url: str) -> dict[str, Any]:
    """Every table's row count, the audit log's last entry and the batches: what a refused
    import must leave as it was."""
    with psycopg.connect(url) as pg:
        counts = {
            t.name: pg.execute(f'SELECT count(*) FROM "{t.name}"').fetchone()[0]
            for t in schema.TABLES
        }
        audit = pg.execute("SELECT fid, chain FROM audit_log ORDER BY fid DESC LIMIT 1").fetchone()
    return {"counts": counts, "audit": audit}


def test_the_demo_files_import_into_a_database_as_into_a_file(
    files: Path, pg_url: str, tmp_path: Path
) -> None:
    shp = files / "shp"
    db = _empty_database(pg_url, tmp_path)
    with GpkgStore.create(tmp_path / "file.gpkg") as gp, db:
        for layer, name in LAYERS:
            on_file = importer.import_layer(gp, layer, str(shp / name))
            on_db = importer.import_layer(db, layer, str(shp / name))
            assert _clean(on_db) == _clean(on_file), layer
            assert on_db["counts"]["added"] > 0
        _same_tables(gp, db)
        assert db.counts()["parcels"] == N
        # Chinese text arrives intact, extra JSON and flags too
        names = db.read_table("villages", ["name", "extra"])
        assert all("村" in n for n in names["name"].tolist())
        assert all(json.loads(e) for e in names["extra"].tolist())
        # one audit entry per batch, the import's own
        audit = db.execute_sql("SELECT command FROM audit_log ORDER BY fid")
        assert [r[0] for r in audit] == ["import"] * len(LAYERS)
        assert db.integrity_check() == []

        # A second delivery updates by code, on both, the same way.
        again = str(files / "again" / "parcels.shp")
        on_file = importer.import_layer(gp, "parcels", again)
        on_db = importer.import_layer(db, "parcels", again)
        assert _clean(on_db) == _clean(on_file)
        counts = on_db["counts"]
        assert counts["updated"] == 10 and counts["absent"] == 5
        assert counts["unchanged"] == N - 15 and counts["added"] == 0
        _same_tables(gp, db)
        row = db.execute_sql("SELECT row_version FROM parcels ORDER BY fid LIMIT 1")
        assert row[0][0] == 2  # one version on, as on a file


def test_a_refused_or_canceled_import_leaves_the_database_as_it_was(
    files: Path, pg_url: str, tmp_path: Path
) -> None:
    shp = files / "shp"
    with _empty_database(pg_url, tmp_path) as db:
        importer.import_layer(db, "villages", str(shp / "villages.shp"))
        importer.import_layer(db, "parcels", str(shp / "parcels.shp"))
        before = _state(pg_url)

        # a required target unmapped: a village layer has no 宗地代码
        with pytest.raises(QjgisError) as refused:
            importer.import_layer(db, "parcels", str(shp / "villages.shp"))
        assert refused.value.code == "import_required_unmapped"
        assert _state(pg_url) == before

        # a file that cannot be read whole, from the third-party corpus
        corpus = _corpus()
        if corpus is not None:
            broken = tmp_path / "broken"
            broken.mkdir()
            for part in (corpus / "geotools" / "sample-data-shapes").glob("extraAtEnd.*"):
                shutil.copy(part, broken / part.name)
            with pytest.raises(QjgisError) as unreadable:
                importer.import_layer(db, "parcels", str(broken / "extraAtEnd.shp"))
            assert unreadable.value.code == "source_missing_part"
            assert _state(pg_url) == before

        # canceled after every row was written and the batch audited: all rolled back
        class CancelAtTheEnd(NullFeedback):
            def set_progress(self, fraction: float, stage: str = "") -> None:
                if fraction >= 0.97:  # every slice written: cancel before the commit
                    self.cancel()

        with pytest.raises(Canceled):
            importer.import_layer(
                db, "buildings", str(shp / "buildings.shp"), feedback=CancelAtTheEnd()
            )
        assert _state(pg_url) == before
        # and the database takes the next import as if nothing had happened
        report = importer.import_layer(db, "buildings", str(shp / "buildings.shp"))
        assert report["counts"]["added"] > 0


def _corpus() -> Path | None:
    env = os.environ.get("QJGIS_TESTDATA")
    default = Path(__file__).parents[3].parent / "shared" / "testdata"
    for candidate in ([Path(env)] if env else []) + [default]:
        if (candidate / "SOURCES.md").is_file():
            return candidate
    if os.environ.get("CI"):
        pytest.fail("third-party test data missing: set QJGIS_TESTDATA (required in CI)")
    return None


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main([*argv], out=out)
    return code, out.getvalue()


def test_undo_and_redo_of_a_batch_on_the_database(
    files: Path, pg_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shp = files / "shp"
    with _empty_database(pg_url, tmp_path) as db:
        pass
    gp = tmp_path / "file.gpkg"
    GpkgStore.create(gp).close()
    for target in (str(gp), pg_url):
        for layer, name in LAYERS[:2]:
            code, _ = run("--lang", "zh", "import", target, str(shp / name), "--layer", layer)
            assert code == 0, capsys.readouterr().err
    with PgStore.open(pg_url) as db:
        first = {name: _table(db, name) for name in TABLES}
    code, out = run("import", pg_url, str(files / "again" / "parcels.shp"), "--layer",
                    "parcels", "--json")  # fmt: skip
    assert code == 0
    batch = json.loads(out)["batch_id"]
    with PgStore.open(pg_url) as db:
        second = {name: _table(db, name) for name in TABLES}
    assert second["parcels"]["zdmj"] != first["parcels"]["zdmj"]

    # the same batch undone on the file and on the database: the same result
    code, out = run("import", str(gp), str(files / "again" / "parcels.shp"), "--layer",
                    "parcels", "--json")  # fmt: skip
    assert code == 0
    code, out = run("imports", str(gp), "--undo", str(json.loads(out)["batch_id"]), "--json")
    assert code == 0
    on_file = json.loads(out)
    code, out = run("imports", pg_url, "--undo", str(batch), "--json")
    assert code == 0, capsys.readouterr().err
    undone = json.loads(out)
    assert undone["undone"]["parcels"] == {"deleted": 0, "restored": 10}
    assert undone["undone"] == on_file["undone"]
    with PgStore.open(pg_url) as db:
        for name in TABLES:
            now = _table(db, name)
            now.pop("row_version")
            was = dict(first[name])
            was.pop("row_version")
            assert now == was, name
        assert db.execute_sql("SELECT undone FROM import_batches WHERE fid = ?", (batch,)) == [(1,)]

    code, out = run("imports", pg_url, "--redo", str(batch), "--json")
    assert code == 0, capsys.readouterr().err
    assert json.loads(out)["redone"]["parcels"] == {"inserted": 0, "restored": 10}
    with PgStore.open(pg_url) as db:
        for name in TABLES:
            now = _table(db, name)
            assert {k: v for k, v in now.items() if k != "row_version"} == {
                k: v for k, v in second[name].items() if k != "row_version"
            }, name
        commands = [r[0] for r in db.execute_sql("SELECT command FROM audit_log ORDER BY fid")]
        assert commands[-3:] == ["import", "imports.undo", "imports.redo"]

    # undo of the batch that added the parcels: they go, with their co-holders
    code, out = run("imports", pg_url, "--undo", str(batch), "--json")
    assert code == 0
    with PgStore.open(pg_url) as db:
        parcels_batch = db.execute_sql(
            "SELECT fid FROM import_batches WHERE layer = 'parcels' ORDER BY fid LIMIT 1"
        )[0][0]
    code, out = run("imports", pg_url, "--undo", str(parcels_batch), "--json")
    assert code == 0, capsys.readouterr().err
    result = json.loads(out)["undone"]
    assert result["parcels"] == {"deleted": N, "restored": 0}
    assert result["parcel_holders"]["deleted"] == len(first["parcel_holders"]["name"])
    with PgStore.open(pg_url) as db:
        assert db.counts()["parcels"] == 0 and db.counts()["parcel_holders"] == 0
    code, out = run("imports", pg_url, "--redo", str(parcels_batch), "--json")
    assert code == 0, capsys.readouterr().err
    with PgStore.open(pg_url) as db:
        holders = _table(db, "parcel_holders")
        holders.pop("row_version")  # deleted and inserted again: versions moved on
        assert holders == {k: v for k, v in first["parcel_holders"].items() if k != "row_version"}
        assert db.counts()["parcels"] == N


def test_the_command_line_report_is_the_same_on_a_database(
    files: Path, pg_url: str, tmp_path: Path
) -> None:
    shp = files / "shp"
    with _empty_database(pg_url, tmp_path):
        pass
    gp = tmp_path / "file.gpkg"
    GpkgStore.create(gp).close()
    outputs = []
    for target in (str(gp), pg_url):
        code, out = run("--lang", "zh", "import", target, str(shp / "parcels.shp"),
                        "--layer", "parcels")  # fmt: skip
        assert code == 0
        # the batch's number is the store's own (a database's sequence): the rest is equal
        text = re.sub(r"（批次 \d+）", "（批次 N）", out.replace(target, "PROJECT"))
        outputs.append([line for line in text.splitlines() if "秒" not in line])
    assert outputs[0] == outputs[1]
    assert "导入宅基地宗地（批次 N）：读取 300，新增 300" in outputs[1][0]
    assert "石角镇" in outputs[1][1]  # GBK text intact


CORPUS_FILES = (
    "geotools/sample-data-shapes/chinese_poly.shp",
    "geotools/sample-data-shapes/polygontest.shp",
    "geotools/sample-data-shapes/extraAtEnd.shp",
    "geotools/sample-data-shapes/holeTouchEdge.shp",
    "geotools/sample-data-shapes/pointtest.shp",
    "geotools/shapefile-test-data/empty-shapefile/empty-shapefile.shp",
    "geotools/shapefile-test-data/dup-column/dup_column.shp",
)


def test_corpus_files_through_import_on_a_url_end_in_0_1_or_2(
    pg_url: str, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """Each file as parcels and as a reference layer of the user's (no required field),
    into the database and into a file: the same exit code and the same message."""
    corpus = _corpus()
    if corpus is None:
        pytest.skip("third-party test data not found (../shared/testdata or $QJGIS_TESTDATA)")
    with _empty_database(pg_url, tmp_path):
        pass
    gp = tmp_path / "file.gpkg"
    GpkgStore.create(gp).close()
    outcomes: dict[tuple[str, str], int] = {}
    for k, rel in enumerate(CORPUS_FILES):
        src = corpus / rel
        folder = tmp_path / f"c{k}"  # GDAL may rewrite a .shx: never in the corpus
        folder.mkdir()
        for part in src.parent.glob(src.stem + ".*"):
            shutil.copy(part, folder / part.name)
        for layer in ("parcels", "other:测试图层"):
            seen = []
            for target in (str(gp), pg_url):
                code, _ = run("import", target, str(folder / src.name), "--layer", layer)
                err = capfd.readouterr().err
                assert code in (0, 1, 2), rel
                assert "Traceback" not in err, rel
                if code:
                    assert err.strip().count("\n") == 0, (rel, err)
                seen.append((code, err.replace(target, "PROJECT")))
            assert seen[0] == seen[1], rel
            outcomes[(rel, layer)] = seen[1][0]
    assert outcomes[(CORPUS_FILES[0], "other:测试图层")] == 0  # GBK Chinese, imported
    assert outcomes[(CORPUS_FILES[2], "other:测试图层")] == 1  # unreadable, refused
    assert outcomes[(CORPUS_FILES[0], "parcels")] == 1  # no 宗地代码 field, refused
    with PgStore.open(pg_url) as db:
        batches = db.execute_sql("SELECT count(*) FROM import_batches")[0][0]
        features = db.counts()["reference_features"]
    assert batches == sum(1 for c in outcomes.values() if c == 0) > 0
    with GpkgStore.open(gp) as store:
        assert store.counts()["reference_features"] == features > 0


def test_checks_on_imported_rows_save_and_revert_through_the_store(
    files: Path, pg_url: str, tmp_path: Path
) -> None:
    """The checks write their new findings through the store's write path: the fids it
    reports are the rows it wrote (a database's sequence, not the table's max + 1), so
    reverting the run (the window's undo) takes exactly those away."""
    import datetime as dt

    from qjgis import commands
    from qjgis.checks.engine import evaluate
    from qjgis.checks.findings import SaveRun

    shp = files / "shp"
    with _empty_database(pg_url, tmp_path) as db:
        for layer, name in LAYERS:
            importer.import_layer(db, layer, str(shp / name))
        run = SaveRun(evaluate(db, as_of=dt.date(2025, 6, 30), threads=1))
        commands.run(db, run)
        saved = sorted(r[0] for r in db.execute_sql("SELECT fid FROM findings"))
        assert len(saved) > 10
        assert sorted(run._inserted) == saved
        commands.undo(db, run)
        assert db.counts()["findings"] == 0
        # run again after the undo: the sequence has moved past the deleted fids
        run = SaveRun(evaluate(db, as_of=dt.date(2025, 6, 30), threads=1))
        commands.run(db, run)
        again = sorted(r[0] for r in db.execute_sql("SELECT fid FROM findings"))
        assert len(again) == len(saved) and again[0] > saved[-1]
        assert sorted(run._inserted) == again
        commands.undo(db, run)
        assert db.counts()["findings"] == 0


def test_check_runs_after_imports_leave_the_same_findings_on_both_back_ends(
    files: Path, pg_url: str, tmp_path: Path
) -> None:
    """Import, check; import a second delivery (ten areas changed), check (new findings,
    the others seen again); the first delivery again, check (those findings gone); undo
    that run: the findings are the same rows on a file and on the database at each step,
    written by each store's insert and update paths."""
    import datetime as dt

    from qjgis import commands
    from qjgis.checks.engine import evaluate
    from qjgis.checks.findings import SaveRun

    shp = files / "shp"
    as_of = dt.date(2025, 6, 30)
    with GpkgStore.create(tmp_path / "file.gpkg") as gp, _empty_database(pg_url, tmp_path) as db:
        steps: list[list[Any]] = []
        for store in (gp, db):
            seen: list[Any] = []
            for layer, name in LAYERS:
                importer.import_layer(store, layer, str(shp / name))
            for parcels in (None, files / "again" / "parcels.shp", shp / "parcels.shp"):
                if parcels is not None:
                    importer.import_layer(store, "parcels", str(parcels))
                run = SaveRun(evaluate(store, as_of=as_of, threads=1))
                commands.run(store, run)
                assert run.summary is not None
                rules = {
                    k: {n: v for n, v in r.items() if n != "seconds"}
                    for k, r in run.summary.as_json()["rules"].items()
                }
                seen += [rules, _findings_table(store)]
            commands.undo(store, run)
            seen.append(_findings_table(store))
            steps.append(seen)
        assert steps[0] == steps[1]
        _, _, second, _, third, _, _ = steps[1]
        assert sum(r["new"] for r in second.values()) > 0
        assert sum(r["gone"] for r in third.values()) > 0


def _findings_table(store: Any) -> list[dict[str, Any]]:
    cols = [c.name for c in schema.TABLE_BY_NAME["findings"].columns]
    data = store.read_table("findings", cols)
    rows = [
        {c: data[c][k] for c in cols} | {"fid": int(data["fid"][k])}
        for k in range(len(data["fid"]))
    ]
    return sorted(
        (
            {c: (None if isinstance(v, float) and np.isnan(v) else v) for c, v in r.items()}
            for r in rows
        ),
        key=lambda r: (r["rule_id"], r["key"]),
    )
