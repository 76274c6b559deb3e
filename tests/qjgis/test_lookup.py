"""Reading one household, a search and one feature for a person (qjgis.lookup)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from qjgis.checks.findings import list_findings, run_checks
from qjgis.commands import SetSettings, run
from qjgis.demo import build_demo
from qjgis.errors import QjgisError
from qjgis.lookup import feature_record, household_detail, search
from qjgis.store import GpkgStore


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    path = tmp_path / "demo.gpkg"
    build_demo(path, parcels=400, seed=5)
    with GpkgStore.open(path) as store:
        run_checks(store, ["QJ-R001"])
    return path


def test_household_of_a_multiple_homestead_finding(demo: Path) -> None:
    with GpkgStore.open(demo) as store:
        record = list_findings(store, rule="QJ-R001")[0]
        detail = household_detail(store, record.key)
    parcel_keys = {e["key"] for e in record.entities if e["kind"] == "parcel"}
    assert parcel_keys <= {p.key for p in detail.parcels}
    assert len(detail.parcels) >= 2
    assert (record.fid, "QJ-R001", None) in detail.findings
    assert detail.members and detail.head_name
    assert all(p.bounds is not None for p in detail.parcels)
    assert detail.bounds is not None


def test_ids_masked_for_a_surveyor(demo: Path) -> None:
    with GpkgStore.open(demo) as store:
        no = list_findings(store, rule="QJ-R001")[0].key
        whole = household_detail(store, no)
        assert not whole.ids_masked  # the demo's default role is admin
        run(store, SetSettings({"user.role": "surveyor"}))
        masked = household_detail(store, no)
    assert masked.ids_masked
    for a, b in zip(whole.members, masked.members, strict=True):
        if a.id_number:
            assert b.id_number != a.id_number
            assert b.id_number[:6] == a.id_number[:6] and "*" in b.id_number


def test_parcel_links_by_id_number_when_no_household_number(demo: Path) -> None:
    with GpkgStore.open(demo) as store:
        no = list_findings(store, rule="QJ-R001")[0].key
        detail = household_detail(store, no)
        head_id = store.execute_sql(
            "SELECT id_number FROM members WHERE household_no = ? AND id_number IS NOT NULL",
            (no,),
        )[0][0]
        fid = store.execute_sql(
            "SELECT fid FROM parcels WHERE household_no IS NOT NULL AND household_no <> ? LIMIT 1",
            (no,),
        )[0][0]
        with store.transaction() as conn:
            conn.execute(
                "UPDATE parcels SET household_no = NULL, holder_id = ? WHERE fid = ?",
                (head_id, fid),
            )
        after = household_detail(store, no)
        assert fid in {p.fid for p in after.parcels}
        assert len(after.parcels) == len(detail.parcels) + 1
        # A recorded 户号 of another household wins over the ID number.
        with store.transaction() as conn:
            other = store.execute_sql(
                "SELECT household_no FROM households WHERE household_no <> ? LIMIT 1", (no,)
            )[0][0]
            conn.execute("UPDATE parcels SET household_no = ? WHERE fid = ?", (other, fid))
        assert fid not in {p.fid for p in household_detail(store, no).parcels}


def test_unknown_household_is_an_error(demo: Path) -> None:
    with GpkgStore.open(demo) as store, pytest.raises(QjgisError) as err:
        household_detail(store, "nope")
    assert err.value.code == "unknown_household"


def test_search_finds_codes_numbers_names_and_villages(demo: Path) -> None:
    with GpkgStore.open(demo) as store:
        fid, zddm, holder, hh, holder_id = (
            store.execute_sql(
                "SELECT fid, zddm, holder_name, household_no, holder_id FROM parcels "
                "WHERE household_no IS NOT NULL AND holder_id LIKE '%X' LIMIT 1"
            )[0]
            or store.execute_sql(
                "SELECT fid, zddm, holder_name, household_no, holder_id FROM parcels LIMIT 1"
            )[0]
        )
        village = store.execute_sql("SELECT name FROM villages LIMIT 1")[0][0]
        by_code = search(store, zddm.lower())
        by_no = search(store, hh)
        by_name = search(store, holder)
        by_id = search(store, holder_id.lower())
        by_village = search(store, village)
    assert any(h.kind == "parcel" and h.fids == (fid,) for h in by_code)
    assert any(h.kind == "household" and h.key == hh for h in by_no)
    assert any(h.household_no == hh for h in by_name)
    assert any(h.kind == "parcel" and h.fids == (fid,) for h in by_id)
    assert all(holder_id not in h.label for h in by_id)  # IDs never shown whole
    assert by_village[0].kind == "village" and by_village[0].label == village
    assert search_empty(demo)


def search_empty(path: Path) -> bool:
    with GpkgStore.open(path) as store:
        return search(store, "   ") == [] and search(store, "无此人") == []


def test_feature_record_merges_extra(demo: Path) -> None:
    with GpkgStore.open(demo) as store:
        with store.transaction() as conn:
            conn.execute('UPDATE parcels SET extra = \'{"TFH": "H-48"}\' WHERE fid = 1')
        record = feature_record(store, "parcels", 1)
        assert record["extra:TFH"] == "H-48"
        assert "zddm" in record and "extra" not in record
        with pytest.raises(QjgisError):
            feature_record(store, "nowhere", 1)


def test_ordered_fids_sort_and_filter_in_sql(demo: Path) -> None:
    from qjgis.lookup import ordered_fids, rows_by_fid

    with GpkgStore.open(demo) as store:
        all_fids = ordered_fids(store, "parcels")
        assert list(all_fids) == sorted(all_fids)
        by_area = ordered_fids(store, "parcels", sort="zdmj", descending=True)
        areas = rows_by_fid(store, "parcels", by_area[:20], ["zdmj"])
        values = [areas[int(f)][0] for f in by_area[:20]]
        assert values == sorted(values, reverse=True)
        village = store.execute_sql("SELECT village_code FROM parcels LIMIT 1")[0][0]
        same = ordered_fids(store, "parcels", filters=[("village_code", "=", village)])
        expected = store.execute_sql(
            "SELECT count(*) FROM parcels WHERE village_code = ?", (village,)
        )[0][0]
        assert len(same) == expected
        starts = ordered_fids(store, "parcels", filters=[("zddm", "starts", "500110108001")])
        assert 0 < len(starts) <= len(all_fids)
        # A value with LIKE's wildcards matches literally.
        assert len(ordered_fids(store, "parcels", filters=[("zddm", "contains", "%")])) == 0
        with pytest.raises(QjgisError):
            ordered_fids(store, "parcels", filters=[("zddm; DROP TABLE x", "=", 1)])
        with pytest.raises(QjgisError):
            ordered_fids(store, "parcels", filters=[("zddm", "regexp", 1)])


def test_ordered_fids_read_in_chunks_give_the_whole_order(
    demo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fids come in chunks (the GIL let go between them): every chunk is kept, in order."""
    from qjgis import lookup

    with GpkgStore.open(demo) as store:
        whole = [f for (f,) in store.execute_sql("SELECT fid FROM parcels ORDER BY zdmj, fid")]
        monkeypatch.setattr(lookup, "_FID_CHUNK", 7)
        assert lookup.ordered_fids(store, "parcels", sort="zdmj").tolist() == whole
        assert len(whole) > 7 * 3
        none = lookup.ordered_fids(store, "parcels", filters=[("zddm", "=", "no such code")])
        assert none.dtype == np.int64 and len(none) == 0
