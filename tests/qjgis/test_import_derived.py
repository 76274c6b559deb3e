"""Rows an import derives: towns from a village layer, right holders from a parcel layer."""

from __future__ import annotations

from pathlib import Path

import pytest

from qjgis.demo import build_demo
from qjgis.io.importer import import_layer, parse_co_holders, undo_batch
from qjgis.store import GpkgStore


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (None, []),
        ("", []),
        ("金学顺", [("金学顺", None)]),
        ("金学顺(500110196503083439)", [("金学顺", "500110196503083439")]),
        (
            "金学顺（50011019650308343x）；梁银、 沈洪成 (500222198504195096)",
            [
                ("金学顺", "50011019650308343X"),
                ("梁银", None),
                ("沈洪成", "500222198504195096"),
            ],
        ),
    ],
)
def test_parse_co_holders(text: str | None, expected: list[tuple[str, str | None]]) -> None:
    assert parse_co_holders(text) == expected


@pytest.fixture(scope="module")
def survey(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("survey")
    build_demo(out / "demo.gpkg", parcels=600, seed=4, shapefiles=out / "files")
    return out


def test_towns_and_holders_come_with_their_batch(survey: Path, tmp_path: Path) -> None:
    project = tmp_path / "p.gpkg"
    store = GpkgStore.create(project)
    try:
        villages = import_layer(store, "villages", str(survey / "files" / "villages.shp"))
        parcels = import_layer(store, "parcels", str(survey / "files" / "parcels.shp"))
        with GpkgStore.open(survey / "demo.gpkg") as demo:
            towns = demo.execute_sql("SELECT code, name FROM towns ORDER BY code")
            holders = demo.execute_sql(
                "SELECT zddm, name, id_number, is_primary FROM parcel_holders "
                "WHERE NOT is_primary ORDER BY 1, 4, 2"
            )
        assert store.execute_sql("SELECT code, name FROM towns ORDER BY code") == towns
        assert villages["towns_added"] == len(towns)
        got = store.execute_sql(
            "SELECT zddm, name, id_number, is_primary FROM parcel_holders ORDER BY 1, 4, 2"
        )
        assert got == holders  # co-holders keep the ID number given beside their name
        assert parcels["holders_added"] == len(holders)

        # a second import of the same parcels updates nothing and adds no holders
        again = import_layer(store, "parcels", str(survey / "files" / "parcels.shp"))
        assert "holders_added" not in again
        assert store.counts()["parcel_holders"] == len(holders)

        undo_batch(store, again["batch_id"])
        undo_batch(store, parcels["batch_id"])
        undo_batch(store, villages["batch_id"])
        counts = store.counts()
        assert counts["parcel_holders"] == counts["towns"] == counts["parcels"] == 0
    finally:
        store.close()


def test_checks_on_imported_survey_files_find_the_planted_truth(
    survey: Path, tmp_path: Path
) -> None:
    """What a surveyor delivers, imported into an empty project, checks like the demo itself:
    every rule finds exactly the cases of `truth.csv` (co-holders linked by their ID)."""
    import csv
    import datetime as dt

    from qjgis.checks.engine import evaluate

    files = survey / "files"
    store = GpkgStore.create(tmp_path / "imported.gpkg")
    try:
        for layer, name in (
            ("villages", "villages.shp"),
            ("parcels", "parcels.shp"),
            ("buildings", "buildings.shp"),
            ("households", "register.xlsx"),
        ):
            import_layer(store, layer, str(files / name))
        result = evaluate(store, as_of=dt.date(2026, 6, 30))
    finally:
        store.close()
    with open(files / "truth.csv", encoding="utf-8-sig", newline="") as fh:
        truth = [r for r in csv.DictReader(fh) if r["rule_id"].startswith("QJ-")]
    # The delivery holds the survey's own layers, not the land-use, farmland, plan and
    # hazard maps: the overlay rules find nothing there and say why, never "zero found".
    overlay_missing = {
        "QJ-R017": "no_landuse_layer",
        "QJ-R018": "no_basic_farmland_layer",
        "QJ-R019": "no_village_plan_layer",
        "QJ-R020": "no_hazard_layer",
    }
    for rule_id, rule_result in result.results.items():
        found = {(f.key, f.exemption) for f in rule_result.findings}
        if rule_id in overlay_missing:
            assert found == set() and rule_result.unevaluated.get(overlay_missing[rule_id]), rule_id
            continue
        expected = {
            (r["entity_key"], r["exemption"] or None) for r in truth if r["rule_id"] == rule_id
        }
        assert found == expected, rule_id
