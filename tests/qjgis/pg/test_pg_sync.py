"""A pulled copy pushed back: its edits go in, unless the server changed the same rows."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import psycopg
import pytest
import shapely
from PIL import Image

from qjgis.cases.commands import AttachEvidence, OpenRuinCase, ruins_to_open
from qjgis.checks.findings import Review, list_findings, run_checks
from qjgis.commands import run
from qjgis.demo import build_demo
from qjgis.errors import QjgisError
from qjgis.io import batches, importer
from qjgis.pg.store import PgStore
from qjgis.pg.transfer import pull, push
from qjgis.store import GpkgStore

AS_OF = dt.date(2025, 6, 30)


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.gpkg"
    build_demo(path, parcels=300, seed=11)
    return path


@pytest.fixture
def server_with_findings(demo_file: Path, pg_url: str) -> str:
    push(demo_file, pg_url)
    with PgStore.open(pg_url) as store:
        run_checks(store, as_of=AS_OF)
    return pg_url


def _edit_parcel(store: GpkgStore | PgStore, fid: int, zl: str) -> None:
    with store.transaction() as conn:
        before = store.update_row(conn, "parcels", fid, {"zl": zl})
        store.audit(conn, "parcels.edit", f"parcels/{fid}", before, {"zl": zl})


def _audit_count(url: str) -> int:
    with psycopg.connect(url) as pg:
        return int(pg.execute("SELECT count(*) FROM audit_log").fetchone()[0])


def test_field_edits_go_back_to_the_server(server_with_findings: str, tmp_path: Path) -> None:
    url = server_with_findings
    copy = tmp_path / "外业.gpkg"
    pull(url, copy)
    with GpkgStore.open(copy) as store:
        assert store.integrity_check() == []  # the baseline table does not upset the file
        finding = list_findings(store)[0]
        run(store, Review(finding.fid, "confirmed", "外业核实属实"))
        _edit_parcel(store, 5, "綦江区古南街道 外业更正")
    before = _audit_count(url)
    result = push(copy, url)
    assert result.pushed_back
    assert result.rows == {"findings": 1, "parcels": 1, "audit_log": 2}
    with PgStore.open(url) as store:
        f = next(x for x in list_findings(store) if x.fid == finding.fid)
        assert (f.decision, f.decision_reason) == ("confirmed", "外业核实属实")
        assert store.execute_sql("SELECT zl, row_version FROM parcels WHERE fid = 5") == [
            ("綦江区古南街道 外业更正", 2)
        ]
        assert store.integrity_check() == []  # the appended entries are chained on the server
        commands = [r[0] for r in store.execute_sql(
            "SELECT command FROM audit_log ORDER BY fid DESC LIMIT 3")]  # fmt: skip
        assert commands == ["project.push_back", "parcels.edit", "findings.review"]
    assert _audit_count(url) == before + 3
    with pytest.raises(QjgisError) as err:  # a copy goes back once
        push(copy, url)
    assert err.value.code == "sync_already_applied"


def test_rows_changed_on_the_server_since_the_pull_refuse_the_push(
    server_with_findings: str, tmp_path: Path
) -> None:
    url = server_with_findings
    copy = tmp_path / "copy.gpkg"
    pull(url, copy)
    with PgStore.open(url) as store:  # another desk edits parcel 7 meanwhile
        _edit_parcel(store, 7, "服务器上的修改")
        zddm = store.execute_sql("SELECT zddm FROM parcels WHERE fid = 7")[0][0]
    with GpkgStore.open(copy) as store:
        _edit_parcel(store, 7, "外业的修改")
        _edit_parcel(store, 8, "外业的另一处修改")
    before = _audit_count(url)
    with pytest.raises(QjgisError) as err:
        push(copy, url)
    assert err.value.code == "sync_conflict"
    assert err.value.params["count"] == 1
    assert err.value.params["conflicts"] == [
        {"table": "parcels", "fid": 7, "key": zddm, "pulled": 1, "server": 2, "file": 2}
    ]
    assert zddm in err.value.params["rows"]
    with PgStore.open(url) as store:  # nothing of the copy was written, not even parcel 8
        assert store.execute_sql("SELECT zl FROM parcels WHERE fid = 7") == [("服务器上的修改",)]
        assert store.execute_sql("SELECT row_version FROM parcels WHERE fid = 8") == [(1,)]
    assert _audit_count(url) == before


def _add_parcel(store: GpkgStore | PgStore, zddm: str, x: float) -> int:
    """A new 10 m square parcel far from the demo's, with its holder; its fid."""
    with store.transaction() as conn:
        (fid,) = store.insert_features(
            conn, "parcels", np.array([shapely.box(x, 3_200_000, x + 10, 3_200_010)]),
            {"zddm": [zddm], "household_no": ["H-NEW"], "zdmj": [100.0]},
        )  # fmt: skip
        store.insert_rows(
            conn, "parcel_holders",
            {"parcel_fid": [int(fid)], "zddm": [zddm], "name": ["新户主"], "is_primary": [1]},
        )  # fmt: skip
        store.audit(conn, "parcels.add", f"parcels/{int(fid)}", None, {"zddm": zddm})
    return int(fid)


def _delete(store: GpkgStore | PgStore, table: str, fid: int) -> None:
    with store.transaction() as conn:
        conn.execute(f'DELETE FROM "{table}" WHERE fid = ?', (fid,))


def _photo(path: Path) -> Path:
    Image.new("RGB", (64, 48), (120, 90, 60)).save(path, "JPEG")
    return path


def test_rows_added_and_deleted_in_the_copy_go_back_under_new_fids(
    server_with_findings: str, tmp_path: Path
) -> None:
    url = server_with_findings
    copy = tmp_path / "外业.gpkg"
    pull(url, copy)
    with PgStore.open(url) as store:  # another desk adds a parcel and opens a case meanwhile
        ruins = list(ruins_to_open(store).values())
        server_parcel = _add_parcel(store, "500110108200NEW0001", 40_000_000)
        run(store, OpenRuinCase(ruins[0], date="2026-03-01"))
        server_case = store.execute_sql("SELECT max(fid) FROM ruin_cases")[0][0]
        n_parcels = store.execute_sql("SELECT count(*) FROM parcels")[0][0]
    with GpkgStore.open(copy) as store:
        copy_parcel = _add_parcel(store, "500110108200NEW0002", 40_001_000)
        case = OpenRuinCase(ruins[1], date="2026-03-02", note="外业立案")
        run(store, case)
        run(store, AttachEvidence(f"R{case.fid}", [_photo(tmp_path / "现场.jpg")]))
        with store.transaction() as conn:
            store.insert_rows(
                conn, "households", {"household_no": ["H-NEW"], "head_name": ["新户主"]}
            )
            store.insert_rows(
                conn, "members", {"household_no": ["H-NEW"], "name": ["新户主"], "seq": [1]}
            )
        _delete(store, "parcels", 9)
        _delete(store, "buildings", 12)
        copy_case = case.fid
    assert copy_parcel == server_parcel and copy_case == server_case  # the same fids, both sides

    result = push(copy, url)
    assert result.pushed_back
    assert result.changes["added"] == {
        "parcels": 1, "households": 1, "members": 1, "parcel_holders": 1, "ruin_cases": 1,
        "attachments": 1, "qj_attachment_content": 1,
    }  # fmt: skip
    assert result.changes["deleted"] == {"parcels": 1, "buildings": 1}
    assert result.changes["appended"] == {"audit_log": 3, "case_events": 2}
    with PgStore.open(url) as store:
        q = store.execute_sql
        assert q("SELECT count(*) FROM parcels")[0][0] == n_parcels + 1 - 1
        assert q("SELECT fid FROM parcels WHERE fid IN (9)") == []
        assert q("SELECT fid FROM buildings WHERE fid = 12") == []
        ((new_parcel,),) = q("SELECT fid FROM parcels WHERE zddm = '500110108200NEW0002'")
        assert new_parcel not in (copy_parcel, server_parcel)  # a fresh fid from the server
        # the server's own rows are untouched
        assert q("SELECT zddm FROM parcels WHERE fid = ?", [server_parcel]) == [
            ("500110108200NEW0001",)
        ]
        assert q("SELECT parcel_fid FROM parcel_holders WHERE zddm = '500110108200NEW0002'") == [
            (new_parcel,)
        ]
        ((new_case, building),) = q(
            "SELECT fid, building_fid FROM ruin_cases WHERE bdcdyh = ?", [ruins[1]]
        )
        assert new_case != copy_case
        assert q("SELECT fid FROM buildings WHERE bdcdyh = ?", [ruins[1]]) == [(building,)]
        events = q(
            "SELECT case_fid, action FROM case_events WHERE case_kind = 'ruin' AND case_fid = ? "
            "ORDER BY seq", [new_case],
        )  # fmt: skip
        assert events == [(new_case, "open"), (new_case, "attach")]
        (sha,) = q("SELECT sha256 FROM attachments WHERE entity = ?", [f"ruin_cases:{new_case}"])[0]
        assert store.attachment_path(sha, "image/jpeg") is not None  # every desk sees it
        audited = [r[0] for r in q(
            "SELECT entity FROM audit_log WHERE command IN ('parcels.add', 'case.open_ruin', "
            "'case.attach') ORDER BY fid")]  # fmt: skip
        assert audited == [
            f"parcels/{server_parcel}", f"ruin_cases:{server_case}",
            f"parcels/{new_parcel}", f"ruin_cases:{new_case}", f"ruin_cases:{new_case}",
        ]  # fmt: skip
        assert q("SELECT household_no FROM members WHERE household_no = 'H-NEW'") == [("H-NEW",)]
        assert store.integrity_check() == []
        ((after,),) = q("SELECT after FROM audit_log WHERE command = 'project.push_back'")
        counts = json.loads(after)
        assert counts["added"]["parcels"] == 1 and counts["deleted"] == {
            "parcels": 1,
            "buildings": 1,
        }
    # what the server holds afterwards is a project every command opens: a new pull of it
    again = tmp_path / "again.gpkg"
    pull(url, again)
    with GpkgStore.open(again) as store:
        assert store.integrity_check() == []


def test_a_row_deleted_in_the_copy_but_changed_on_the_server_refuses_the_push(
    server_with_findings: str, tmp_path: Path
) -> None:
    url = server_with_findings
    copy = tmp_path / "copy.gpkg"
    pull(url, copy)
    with PgStore.open(url) as store:
        _edit_parcel(store, 7, "服务器上的修改")
        zddm = store.execute_sql("SELECT zddm FROM parcels WHERE fid = 7")[0][0]
    with GpkgStore.open(copy) as store:
        _delete(store, "parcels", 7)
        _delete(store, "parcels", 8)
        _add_parcel(store, "500110108200NEW0003", 40_002_000)
    before = _audit_count(url)
    with pytest.raises(QjgisError) as err:
        push(copy, url)
    assert err.value.code == "sync_conflict"
    assert err.value.params["conflicts"] == [
        {"table": "parcels", "fid": 7, "key": zddm, "pulled": 1, "server": 2, "file": None}
    ]
    with PgStore.open(url) as store:  # one transaction: parcel 8 stays, nothing was added
        assert store.execute_sql("SELECT count(*) FROM parcels WHERE fid IN (7, 8)") == [(2,)]
        assert store.execute_sql(
            "SELECT count(*) FROM parcels WHERE zddm = '500110108200NEW0003'"
        ) == [(0,)]
    assert _audit_count(url) == before


def test_a_key_added_on_both_sides_refuses_the_push(
    server_with_findings: str, tmp_path: Path
) -> None:
    url = server_with_findings
    copy = tmp_path / "copy.gpkg"
    pull(url, copy)
    with PgStore.open(url) as store:  # the same new parcel surveyed at the bureau
        server_fid = _add_parcel(store, "500110108200NEW0004", 40_003_000)
        n = store.execute_sql("SELECT count(*) FROM parcels")[0][0]
    with GpkgStore.open(copy) as store:
        copy_fid = _add_parcel(store, "500110108200NEW0004", 40_003_000)
        _add_parcel(store, "500110108200NEW0005", 40_004_000)
        _edit_parcel(store, 8, "外业的修改")
    before = _audit_count(url)
    with pytest.raises(QjgisError) as err:
        push(copy, url)
    assert err.value.code == "sync_key_conflict"
    assert err.value.params["conflicts"] == [
        {
            "table": "parcels",
            "fid": copy_fid,
            "key": "500110108200NEW0004",
            "server_fid": server_fid,
        }
    ]
    assert "500110108200NEW0004" in err.value.params["rows"]
    with PgStore.open(url) as store:
        assert store.execute_sql("SELECT count(*) FROM parcels")[0][0] == n
        assert store.execute_sql("SELECT row_version FROM parcels WHERE fid = 8") == [(1,)]
    assert _audit_count(url) == before


def test_changed_settings_are_refused_naming_them(
    server_with_findings: str, tmp_path: Path
) -> None:
    url = server_with_findings
    copy = tmp_path / "copy.gpkg"
    pull(url, copy)
    with GpkgStore.open(copy) as store, store.transaction() as conn:
        store.write_settings(conn, {"area.tolerance_m2": 9.5})
    with pytest.raises(QjgisError) as err:
        push(copy, url)
    assert err.value.code == "sync_unsupported"
    assert err.value.params["tables"] == "qj_settings"


def test_a_pulled_copy_goes_into_an_empty_database_as_a_project(
    server_with_findings: str, tmp_path: Path, pg_server
) -> None:
    copy = tmp_path / "copy.gpkg"
    pull(server_with_findings, copy)
    other = pg_server.new_database()
    try:
        push(copy, other)
        with PgStore.open(other) as store:
            assert "pull_id" not in store.meta()
    finally:
        pg_server.drop_database(other)


def test_a_field_check_run_goes_back_with_its_findings_pointing_at_it(
    server_with_findings: str, tmp_path: Path
) -> None:
    url = server_with_findings
    fresh = tmp_path / "fresh.gpkg"
    pull(url, fresh)
    with PgStore.open(url) as store:  # the bureau opens a check run meanwhile: fids cross
        with store.transaction() as conn:
            conn.execute(
                "INSERT INTO check_runs (started, as_of, rules) VALUES ('2026-01-01', "
                "'2025-06-30', '[]')"
            )
        server_run = store.execute_sql("SELECT max(fid) FROM check_runs")[0][0]
    with GpkgStore.open(fresh) as store:  # the field team runs the checks on a new parcel
        _add_parcel(store, "500110108200NEW0007", 40_006_000)
        run_checks(store, as_of=AS_OF)
        new_run = store.execute_sql("SELECT max(fid) FROM check_runs")[0][0]
        found = store.execute_sql(
            "SELECT rule_id || ':' || key, first_run, last_run FROM findings WHERE last_run = ?",
            [new_run],
        )
    assert new_run == server_run  # the same fid on both sides
    assert any(first == new_run for _k, first, _l in found)  # the new parcel's findings
    result = push(fresh, url)
    assert result.changes["added"]["check_runs"] == 1
    with PgStore.open(url) as store:
        ((run_fid,),) = store.execute_sql("SELECT max(fid) FROM check_runs")
        assert run_fid > server_run
        back = {
            k: (first, last)
            for k, first, last in store.execute_sql(
                "SELECT rule_id || ':' || key, first_run, last_run FROM findings "
                "WHERE last_run = ?",
                [run_fid],
            )
        }
        assert set(back) == {k for k, _f, _l in found}  # every finding points at the run
        for key, first, _last in found:  # a finding first found by the field run: renumbered
            assert back[key][0] == (run_fid if first == new_run else first)
        assert store.integrity_check() == []


REGISTER = """户号,姓名,身份证号,与户主关系,性别,出生日期,村代码
{a},王建国,500110197001011237,户主,男,1970-01-01,500110108200
{a},李秀英,500110197203041228,配偶,女,1972-03-04,500110108200
{b},陈明,500110198002029999,户主,男,1980-02-02,500110108200
"""


def test_an_import_in_the_copy_goes_back_and_undoes_on_the_server(
    server_with_findings: str, tmp_path: Path
) -> None:
    url = server_with_findings
    copy = tmp_path / "copy.gpkg"
    pull(url, copy)
    field = tmp_path / "外业户籍.csv"
    field.write_text(REGISTER.format(a="HF01", b="HF02"), encoding="utf-8")
    bureau = tmp_path / "局户籍.csv"
    bureau.write_text(REGISTER.format(a="HB01", b="HB02"), encoding="utf-8")
    with PgStore.open(url) as store:  # the bureau imports another register meanwhile
        importer.import_layer(store, "households", str(bureau))
        n_households = store.execute_sql("SELECT count(*) FROM households")[0][0]
        batches = store.execute_sql("SELECT count(*) FROM import_batches")[0][0]
    with GpkgStore.open(copy) as store:
        importer.import_layer(store, "households", str(field))
    result = push(copy, url)
    assert result.changes["added"]["households"] == 2
    assert result.changes["added"]["members"] == 3
    assert result.changes["added"]["import_batches"] == 1
    with PgStore.open(url) as store:
        q = store.execute_sql
        assert q("SELECT count(*) FROM households")[0][0] == n_households + 2
        ((batch,),) = q("SELECT max(fid) FROM import_batches")
        # the batch's row records name the rows under their fids on the server
        recorded = set(q(
            "SELECT layer, row_fid FROM import_batch_rows WHERE batch_id = ?", [batch]
        ))  # fmt: skip
        expected = {("households", f) for (f,) in q(
            "SELECT fid FROM households WHERE household_no IN ('HF01', 'HF02')")} | {
            ("members", f) for (f,) in q(
            "SELECT fid FROM members WHERE household_no IN ('HF01', 'HF02')")}  # fmt: skip
        assert recorded == expected
        batch_ids = q("SELECT batch_id FROM households WHERE household_no LIKE 'HF%'")
        assert {b for (b,) in batch_ids} == {batch}
        importer.undo_batch(store, batch)  # so the field import undoes on the server
        assert q("SELECT count(*) FROM households WHERE household_no LIKE 'HF%'") == [(0,)]
        assert q("SELECT count(*) FROM households WHERE household_no LIKE 'HB%'") == [(2,)]
        assert q("SELECT count(*) FROM import_batches")[0][0] == batches + 1


def test_an_import_undone_in_the_copy_is_undone_on_the_server(
    server_with_findings: str, tmp_path: Path
) -> None:
    url = server_with_findings
    register = tmp_path / "户籍.csv"
    register.write_text(REGISTER.format(a="HU01", b="HU02"), encoding="utf-8")
    with PgStore.open(url) as store:
        importer.import_layer(store, "households", str(register))
        ((batch,),) = store.execute_sql("SELECT max(fid) FROM import_batches")
    copy, other = tmp_path / "copy.gpkg", tmp_path / "other.gpkg"
    pull(url, copy)
    pull(url, other)
    with GpkgStore.open(copy) as store:  # the field team finds the register was wrong
        importer.undo_batch(store, batch)
    result = push(copy, url)
    assert result.changes["updated"]["import_batches"] == 1
    assert result.changes["deleted"] == {"households": 2, "members": 3}
    with PgStore.open(url) as store:
        q = store.execute_sql
        assert q("SELECT undone FROM import_batches WHERE fid = ?", [batch]) == [(1,)]
        assert q("SELECT count(*) FROM households WHERE household_no LIKE 'HU%'") == [(0,)]
        batches.redo_batch(store, batch)  # and the server can redo it
        assert q("SELECT count(*) FROM households WHERE household_no LIKE 'HU%'") == [(2,)]
    with GpkgStore.open(other) as store:  # a second copy undid it too, before the redo
        importer.undo_batch(store, batch)
    with pytest.raises(QjgisError) as err:  # the redone rows are newer on the server
        push(other, url)
    assert err.value.code == "sync_conflict"
    assert {c["table"] for c in err.value.params["conflicts"]} == {"households", "members"}
