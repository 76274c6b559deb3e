"""Rows an import derives: towns from a village layer, right holders from a parcel layer."""

from __future__ import annotations

from pathlib import Path

import pytest

from qjgis.demo import build_demo
from qjgis.io.importer import REFERENCE_KINDS, import_layer, parse_co_holders, undo_batch
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
    """What a surveyor delivers, with the reference layers the bureau holds, imported into an
    empty project, checks like the demo itself: every rule, the overlay rules QJ-R017..R020
    included, finds exactly the cases of `truth.csv` (precision and recall 1.0;
    co-holders linked by their ID)."""
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
            *((kind, f"{kind}.shp") for kind in REFERENCE_KINDS),
        ):
            import_layer(store, layer, str(files / name))
        result = evaluate(store, as_of=dt.date(2026, 6, 30))
    finally:
        store.close()
    with open(files / "truth.csv", encoding="utf-8-sig", newline="") as fh:
        truth = [r for r in csv.DictReader(fh) if r["rule_id"].startswith("QJ-")]
    overlay = {"QJ-R017", "QJ-R018", "QJ-R019", "QJ-R020"}
    missing_layer = {
        "no_landuse_layer", "no_basic_farmland_layer", "no_village_plan_layer", "no_hazard_layer",
    }  # fmt: skip
    assert overlay <= {r["rule_id"] for r in truth}  # the demo plants every overlay rule
    for rule_id, rule_result in result.results.items():
        found = {(f.key, f.exemption) for f in rule_result.findings}
        if rule_id in overlay:
            # evaluated: no reference layer is missing
            assert not set(rule_result.unevaluated) & missing_layer, rule_id
        expected = {
            (r["entity_key"], r["exemption"] or None) for r in truth if r["rule_id"] == rule_id
        }
        assert found == expected, rule_id


def test_reference_layers_import_as_the_demo_holds_them(survey: Path, tmp_path: Path) -> None:
    """Each reference layer of the delivery (hazard points as points with their radius)
    imports to the demo project's rows: the same keys, codes, dates, radii and shapes."""
    import numpy as np
    import shapely

    columns = ("kind", "ref_key", "dlbm", "dlmc", "tbmj", "radius_m", "ref_date")
    store = GpkgStore.create(tmp_path / "ref.gpkg")
    try:
        for kind in REFERENCE_KINDS:
            report = import_layer(store, kind, str(survey / "files" / f"{kind}.shp"))
            assert report["counts"]["added"] > 0, kind
        got = store.scan("reference_features", columns, geometry=True)
    finally:
        store.close()
    with GpkgStore.open(survey / "demo.gpkg") as demo:
        want = demo.scan("reference_features", columns, geometry=True)

    def rows(data: object) -> dict[str, tuple]:
        attrs = data.attrs  # type: ignore[attr-defined]
        return {
            k: tuple(
                None if v is None or (isinstance(v, float) and np.isnan(v)) else v
                for v in (attrs[c][i] for c in columns)
            )
            for i, k in enumerate(attrs["ref_key"].tolist())
        }

    assert rows(got) == rows(want)
    g = dict(zip(got.attrs["ref_key"].tolist(), got.geometry, strict=True))
    w = dict(zip(want.attrs["ref_key"].tolist(), want.geometry, strict=True))
    for key, geom in w.items():
        # the discs are made again from the points: the same to well under a millimetre
        assert shapely.equals_exact(shapely.normalize(g[key]), shapely.normalize(geom), 1e-6), key
