"""Reference layers (issue 19): imported through the ordinary import, listed with their
source and date, replaced by a newer delivery, undone as one batch."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import shapely
from pyogrio import raw

from qjgis import schema
from qjgis.errors import QjgisError
from qjgis.io import importer, reference
from qjgis.store import GpkgStore, file_sha256

X, Y = 36_400_000.0, 3_200_000.0


def _write(path: Path, geoms: list, fields: dict[str, list], *, kind: str = "Polygon",
           crs: str = "EPSG:4524") -> str:  # fmt: skip
    names = list(fields)
    data = [np.array(v, dtype=object if isinstance(v[0], str) else float) for v in fields.values()]
    raw.write(
        str(path), shapely.to_wkb(np.array(geoms, dtype=object)), data, names, crs=crs,
        encoding="GBK", geometry_type=kind, driver="ESRI Shapefile",
    )  # fmt: skip
    return str(path)


def _landuse(path: Path, n: int = 2) -> str:
    boxes = [shapely.box(X + 100 * i, Y, X + 100 * (i + 1), Y + 100) for i in range(n)]
    return _write(
        path, boxes,
        {
            "BSM": [str(i + 1) for i in range(n)],
            "DLBM": ["0103", "0702", "0101"][:n],
            "DLMC": ["旱地", "农村宅基地", "水田"][:n],
            "TBMJ": [1e4] * n,
            "GXSJ": ["2023-12-31"] * n,
        },
    )  # fmt: skip


def _rows(store: GpkgStore) -> list[tuple]:
    return store.execute_sql(
        "SELECT kind, ref_key, dlbm, dlmc, superseded_by FROM reference_features ORDER BY fid"
    )


def test_landuse_import_maps_the_three_survey_fields_from_gbk(
    project: GpkgStore, tmp_path: Path
) -> None:
    report = importer.import_layer(project, "landuse", _landuse(tmp_path / "DLTB.shp"))
    assert report["counts"]["added"] == 2
    assert report["encoding"]["encoding"] == "GBK"
    fields = report["mapping"]["fields"]
    assert fields["BSM"] == "ref_key" and fields["DLBM"] == "dlbm" and fields["DLMC"] == "dlmc"
    assert fields["TBMJ"] == "tbmj" and fields["GXSJ"] == "ref_date"
    assert _rows(project) == [
        ("landuse", "landuse:1", "0103", "旱地", None),
        ("landuse", "landuse:2", "0702", "农村宅基地", None),
    ]
    (entry,) = reference.reference_layers(project)
    assert entry["kind"] == "landuse" and entry["features"] == 2
    assert entry["date_from"] == entry["date_to"] == "2023-12-31"
    assert entry["batches"][0]["source"].endswith("DLTB.shp")


def test_newer_delivery_supersedes_absent_features_and_undo_restores_them(
    project: GpkgStore, tmp_path: Path
) -> None:
    importer.import_layer(project, "landuse", _landuse(tmp_path / "a.shp", 2))
    # another kind is not touched by a landuse delivery
    importer.import_layer(project, "basic-farmland", _landuse(tmp_path / "b.shp", 1))
    newer = _write(
        tmp_path / "c.shp", [shapely.box(X, Y, X + 100, Y + 100)],
        {"BSM": ["1"], "DLBM": ["0101"], "DLMC": ["水田"]},
    )  # fmt: skip
    report = importer.import_layer(project, "landuse", newer)
    assert report["counts"]["updated"] == 1
    assert report["counts"]["superseded"] == 1
    assert report["counts"]["absent"] == 0
    assert _rows(project) == [
        ("landuse", "landuse:1", "0101", "水田", None),
        ("landuse", "landuse:2", "0702", "农村宅基地", report["batch_id"]),
        ("basic-farmland", "basic-farmland:1", "0103", "旱地", None),
    ]
    listed = {e["kind"]: e["features"] for e in reference.reference_layers(project)}
    assert listed == {"landuse": 1, "basic-farmland": 1}
    # delivered once more: the retired feature is neither absent nor retired again
    again = importer.import_layer(project, "landuse", newer)
    assert again["counts"]["unchanged"] == 1
    assert again["counts"].get("absent", 0) == 0 and again["counts"]["superseded"] == 0
    importer.undo_batch(project, again["batch_id"])
    importer.undo_batch(project, report["batch_id"])
    assert _rows(project) == [
        ("landuse", "landuse:1", "0103", "旱地", None),
        ("landuse", "landuse:2", "0702", "农村宅基地", None),
        ("basic-farmland", "basic-farmland:1", "0103", "旱地", None),
    ]


def test_hazard_points_become_discs_of_their_radius(project: GpkgStore, tmp_path: Path) -> None:
    src = _write(
        tmp_path / "zhd.shp", [shapely.Point(X, Y), shapely.Point(X + 500, Y)],
        {"ZHDBH": ["H1", "H2"], "YXBJ": [30.0, 0.0]}, kind="Point",
    )  # fmt: skip
    importer.import_layer(project, "hazard-points", src)
    data = project.scan("reference_features", ("ref_key", "radius_m"), geometry=True)
    assert list(data.attrs["ref_key"]) == ["hazard-points:H1", "hazard-points:H2"]
    radius = np.asarray(data.attrs["radius_m"], dtype=float)
    # H2 has no radius of its own: stored as NULL, drawn with the project's setting
    assert radius[0] == 30.0 and np.isnan(radius[1])
    drawn = np.array([30.0, project.settings()[importer.HAZARD_RADIUS_SETTING]])
    area = shapely.area(data.geometry)
    np.testing.assert_allclose(area, np.pi * drawn**2, rtol=0.01)
    assert shapely.contains_xy(data.geometry[0], X + 29, Y)
    assert not shapely.contains_xy(data.geometry[0], X + 31, Y)


def test_points_are_refused_for_polygon_reference_layers(
    project: GpkgStore, tmp_path: Path, project_path: Path
) -> None:
    src = _write(tmp_path / "p.shp", [shapely.Point(X, Y)], {"BSM": ["1"]}, kind="Point")
    before = file_sha256(project_path)
    with pytest.raises(QjgisError) as exc:
        importer.import_layer(project, "landuse", src)
    assert exc.value.code == "wrong_geometry_type"
    assert file_sha256(project_path) == before


def test_unknown_layer_names_the_reference_layers(project: GpkgStore, tmp_path: Path) -> None:
    with pytest.raises(QjgisError) as exc:
        importer.import_layer(project, "dltb", str(tmp_path / "x.shp"))
    assert exc.value.code == "import_layer_invalid"


def test_migration_to_7_adds_the_reference_table(project_path: Path) -> None:
    import sqlite3

    GpkgStore.create(project_path).close()
    conn = sqlite3.connect(project_path)
    conn.executescript(
        "DROP TABLE reference_features; DROP TABLE rtree_reference_features_geom;"
        "DELETE FROM gpkg_contents WHERE table_name = 'reference_features';"
        "DELETE FROM gpkg_geometry_columns WHERE table_name = 'reference_features';"
        "DELETE FROM gpkg_data_columns WHERE table_name = 'reference_features';"
        "DELETE FROM gpkg_extensions WHERE table_name = 'reference_features';"
        "UPDATE qj_meta SET value = '6' WHERE key = 'schema_version';"
    )
    conn.commit()
    conn.close()
    with GpkgStore.open(project_path) as store:
        assert store.schema_version == schema.SCHEMA_VERSION == 8
        assert store.counts()["reference_features"] == 0
        assert store.integrity_check() == []


def test_a_land_use_layer_without_class_codes_is_refused_whole(
    project: GpkgStore, tmp_path: Path, project_path: Path
) -> None:
    src = _write(tmp_path / "nocode.shp", [shapely.box(X, Y, X + 10, Y + 10)], {"BSM": ["1"]})
    before = file_sha256(project_path)
    with pytest.raises(QjgisError) as exc:
        importer.import_layer(project, "landuse", src)
    assert "dlbm" in str(exc.value.params)
    assert file_sha256(project_path) == before
    # the other reference layers need no class code: a boundary is its shape
    report = importer.import_layer(project, "village-plan", src)
    assert report["counts"]["added"] == 1


def test_a_user_named_layer_is_imported_listed_replaced_and_undone(
    project: GpkgStore, tmp_path: Path
) -> None:
    """`other:NAME` (issue 19 point 1): any other polygon layer, under the name a user gives."""
    first = _write(
        tmp_path / "lbhx.shp", [shapely.box(X, Y, X + 50, Y + 50), shapely.box(X, Y, X + 9, Y + 9)],
        {"BSM": ["A", "B"], "GXSJ": ["2022-06-30", "2022-06-30"]},
    )  # fmt: skip
    report = importer.import_layer(project, "other: 林地保护红线 ", first)
    assert report["layer"] == "other:林地保护红线"  # the name trimmed
    importer.import_layer(project, "landuse", _landuse(tmp_path / "DLTB.shp", 1))
    assert _rows(project)[:2] == [
        ("other:林地保护红线", "other:林地保护红线:A", None, None, None),
        ("other:林地保护红线", "other:林地保护红线:B", None, None, None),
    ]
    entry = {e["kind"]: e for e in reference.reference_layers(project)}["other:林地保护红线"]
    assert entry["features"] == 2 and entry["date_from"] == "2022-06-30"
    assert entry["batches"][0]["source"].endswith("lbhx.shp")
    # a newer delivery of the same name retires what it no longer holds, not other layers
    newer = _write(tmp_path / "lbhx2.shp", [shapely.box(X, Y, X + 60, Y + 60)], {"BSM": ["A"]})
    again = importer.import_layer(project, "other:林地保护红线", newer)
    assert again["counts"]["updated"] == 1 and again["counts"]["superseded"] == 1
    listed = {e["kind"]: e["features"] for e in reference.reference_layers(project)}
    assert listed == {"landuse": 1, "other:林地保护红线": 1}
    # another name is another layer
    importer.import_layer(project, "other:生态保护红线", newer)
    assert len(reference.reference_layers(project)) == 3
    importer.undo_batch(project, again["batch_id"])
    listed = {e["kind"]: e["features"] for e in reference.reference_layers(project)}
    assert listed == {"landuse": 1, "other:林地保护红线": 2, "other:生态保护红线": 1}


@pytest.mark.parametrize("layer", ["other:", "other:   ", "other:" + "长" * 41, "other:a\tb"])
def test_a_user_named_layer_needs_a_name(project: GpkgStore, tmp_path: Path, layer: str) -> None:
    with pytest.raises(QjgisError) as exc:
        importer.import_layer(project, layer, _landuse(tmp_path / "x.shp", 1))
    assert exc.value.code == "import_other_name_invalid"


def test_points_are_refused_for_a_user_named_layer(
    project: GpkgStore, tmp_path: Path, project_path: Path
) -> None:
    src = _write(tmp_path / "p.shp", [shapely.Point(X, Y)], {"BSM": ["1"]}, kind="Point")
    before = file_sha256(project_path)
    with pytest.raises(QjgisError) as exc:
        importer.import_layer(project, "other:林地保护红线", src)
    assert exc.value.code == "wrong_geometry_type"
    assert exc.value.params["layer_to"] == "other:林地保护红线"
    assert file_sha256(project_path) == before
