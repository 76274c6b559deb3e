"""Every file of the third-party corpus through the importer, each with its expected outcome.

The corpus (../shared/testdata, see SOURCES.md there) holds real shapefiles,
zips and GeoJSON from GIS projects' test suites: Chinese text in GBK without a
.cpg, LDID-declared code pages, Big5 and UTF-8, ESRI and odd .prj files, missing
sidecars, truncated and corrupt files, and much that is not homestead data
(points, lines, US states). Imported as parcels, each gives its own outcome:
refused with a named reason, or imported with its problems reported. Files are
copied to a temporary folder first: GDAL may rewrite a .shx in place.
"""

from __future__ import annotations

import json
import os
import shutil
import warnings
from pathlib import Path

import pytest

from qjgis.errors import QjgisError
from qjgis.io import encoding as enc
from qjgis.io import importer
from qjgis.store import GpkgStore, file_sha256


def _corpus() -> Path | None:
    env = os.environ.get("QJGIS_TESTDATA")
    default = Path(__file__).parents[2].parent / "shared" / "testdata"
    for candidate in ([Path(env)] if env else []) + [default]:
        if (candidate / "SOURCES.md").is_file():
            return candidate
    return None


CORPUS = _corpus()
if CORPUS is None and not os.environ.get("CI"):
    pytest.skip(
        "third-party test data not found (../shared/testdata or $QJGIS_TESTDATA)",
        allow_module_level=True,
    )


@pytest.fixture(autouse=True)
def _corpus_required_in_ci() -> None:
    # In CI each test fails on its own, so the rest of the suite still runs and reports.
    if CORPUS is None:
        pytest.fail("third-party test data missing: set QJGIS_TESTDATA (required in CI)")


# (file, outcome: "ok" or the error code, features added, encoding used, source CRS)
OUTCOMES = [
    ("cahierx-geojson-shp-3dtiles/buildings.geojson", "ok", 690, None, "EPSG:4326"),
    ("cahierx-geojson-shp-3dtiles/shp/buildings-shp.zip", "ok", 690, "ISO-8859-1", "EPSG:4326"),
    ("cahierx-geojson-shp-3dtiles/shp/my-layer.shp", "ok", 690, "ISO-8859-1", "EPSG:4326"),
    (
        "garybikini-chinaadmindivisonshp/2. 省级范围/2. 精确到District/重庆市.shp",
        "ok",
        38,
        "UTF-8",
        "EPSG:4490",
    ),
    (
        "garybikini-chinaadmindivisonshp/3. 市级范围/1. 精确到District/重庆郊县.shp",
        "ok",
        12,
        "UTF-8",
        "EPSG:4490",
    ),
    ("geotools/sample-data-shapes/BooleanTest.shp", "wrong_geometry_type", 0, None, None),
    ("geotools/sample-data-shapes/MultiPointTest.shp", "wrong_geometry_type", 0, None, None),
    ("geotools/sample-data-shapes/chinese_poly.shp", "ok", 1, "GBK", "EPSG:4490"),
    ("geotools/sample-data-shapes/danish_point.shp", "wrong_geometry_type", 0, None, None),
    ("geotools/sample-data-shapes/extraAtEnd.shp", "source_missing_part", 0, None, None),
    ("geotools/sample-data-shapes/holeTouchEdge.shp", "crs_unknown", 0, None, None),
    ("geotools/sample-data-shapes/pointtest.shp", "wrong_geometry_type", 0, None, None),
    ("geotools/sample-data-shapes/polygontest.shp", "ok", 2, "UTF-8", "EPSG:4490"),
    ("geotools/sample-data-shapes/rus-windows-1251.shp", "wrong_geometry_type", 0, None, None),
    ("geotools/sample-data-shapes/wgs1snt.shp", "wrong_geometry_type", 0, None, None),
    ("geotools/shapefile-test-data/bad/state.shp", "wrong_geometry_type", 0, None, None),
    ("geotools/shapefile-test-data/dbase-file-reader/nulls.dbf", "no_geometry", 0, None, None),
    ("geotools/shapefile-test-data/deleted/archsites.shp", "wrong_geometry_type", 0, None, None),
    (
        "geotools/shapefile-test-data/dup-column/dup_column.shp",
        "crs_mismatch_unknown",
        0,
        None,
        None,
    ),
    (
        "geotools/shapefile-test-data/empty-shapefile/empty-shapefile.shp",
        "empty_layer",
        0,
        None,
        None,
    ),
    (
        "geotools/shapefile-test-data/lsOnePoint/lsOnePoint.shp",
        "wrong_geometry_type",
        0,
        None,
        None,
    ),
    ("geotools/shapefile-test-data/measure/multilinezm.shp", "source_missing_part", 0, None, None),
    (
        "geotools/shapefile-test-data/measure/multipointszm.shp",
        "source_missing_part",
        0,
        None,
        None,
    ),
    (
        "geotools/shapefile-test-data/measure/multipolygonzm.shp",
        "source_missing_part",
        0,
        None,
        None,
    ),
    ("geotools/shapefile-test-data/measure/pointzm.shp", "source_missing_part", 0, None, None),
    ("geotools/shapefile-test-data/missing/aaa1.shp", "dbf_corrupt", 0, None, None),
    ("geotools/shapefile-test-data/missing/aaa2.shp", "source_missing_part", 0, None, None),
    ("geotools/shapefile-test-data/mzvalues/linesM.shp", "wrong_geometry_type", 0, None, None),
    ("geotools/shapefile-test-data/mzvalues/linez.shp", "wrong_geometry_type", 0, None, None),
    ("geotools/shapefile-test-data/mzvalues/mlines.shp", "wrong_geometry_type", 0, None, None),
    (
        "geotools/shapefile-test-data/mzvalues/mmultipoints.shp",
        "wrong_geometry_type",
        0,
        None,
        None,
    ),
    ("geotools/shapefile-test-data/mzvalues/mpoints.shp", "wrong_geometry_type", 0, None, None),
    ("geotools/shapefile-test-data/mzvalues/mpolygons.shp", "crs_mismatch_unknown", 0, None, None),
    (
        "geotools/shapefile-test-data/mzvalues/multipointsz.shp",
        "wrong_geometry_type",
        0,
        None,
        None,
    ),
    ("geotools/shapefile-test-data/mzvalues/mzlines.shp", "wrong_geometry_type", 0, None, None),
    ("geotools/shapefile-test-data/mzvalues/mzpolygons.shp", "crs_mismatch_unknown", 0, None, None),
    ("geotools/shapefile-test-data/mzvalues/pointM.shp", "wrong_geometry_type", 0, None, None),
    ("geotools/shapefile-test-data/mzvalues/pointZ.shp", "wrong_geometry_type", 0, None, None),
    ("geotools/shapefile-test-data/mzvalues/polygonm.shp", "ok", 1, "CP1252", "EPSG:4326"),
    ("geotools/shapefile-test-data/mzvalues/polygonz.shp", "crs_unknown", 0, None, None),
    ("geotools/shapefile-test-data/mzvalues/zlines.shp", "wrong_geometry_type", 0, None, None),
    (
        "geotools/shapefile-test-data/mzvalues/zmmultipoints.shp",
        "wrong_geometry_type",
        0,
        None,
        None,
    ),
    ("geotools/shapefile-test-data/mzvalues/zmpoints.shp", "wrong_geometry_type", 0, None, None),
    (
        "geotools/shapefile-test-data/mzvalues/zmultipoints.shp",
        "wrong_geometry_type",
        0,
        None,
        None,
    ),
    ("geotools/shapefile-test-data/mzvalues/zpolygons.shp", "crs_mismatch_unknown", 0, None, None),
    ("geotools/shapefile-test-data/sparse/sparse.shp", "wrong_geometry_type", 0, None, None),
    ("geotools/shapefile-test-data/special-characters/Åéìòù.shp", "empty_layer", 0, None, None),
    ("mapshaper/dbf/POLYGON.dbf", "no_geometry", 0, None, None),
    ("mapshaper/dbf/big5.dbf", "no_geometry", 0, None, None),
    ("mapshaper/dbf/comma_separated.dbf", "no_geometry", 0, None, None),
    ("mapshaper/dbf/cpg/big5.shp", "wrong_geometry_type", 0, None, None),
    ("mapshaper/dbf/cpg/euckr.dbf", "no_geometry", 0, None, None),
    ("mapshaper/dbf/cpg/koi8r.dbf", "no_geometry", 0, None, None),
    ("mapshaper/dbf/cpg/latin2.dbf", "no_geometry", 0, None, None),
    ("mapshaper/dbf/cpg/shiftjis.dbf", "no_geometry", 0, None, None),
    ("mapshaper/dbf/cpg/utf16.dbf", "no_geometry", 0, None, None),
    ("mapshaper/dbf/cpg/win1251.dbf", "no_geometry", 0, None, None),
    ("mapshaper/dbf/cpg/win874.dbf", "no_geometry", 0, None, None),
    ("mapshaper/dbf/duplicate_fields.dbf", "no_geometry", 0, None, None),
    ("mapshaper/dbf/eucjp.dbf", "no_geometry", 0, None, None),
    ("mapshaper/dbf/gb2312.dbf", "no_geometry", 0, None, None),
    ("mapshaper/dbf/gbk.dbf", "no_geometry", 0, None, None),
    ("mapshaper/dbf/latin1.dbf", "no_geometry", 0, None, None),
    ("mapshaper/dbf/ldid/chinese.shp", "wrong_geometry_type", 0, None, None),
    ("mapshaper/dbf/periphereies.dbf", "no_geometry", 0, None, None),
    ("mapshaper/dbf/shiftjis.dbf", "no_geometry", 0, None, None),
    ("mapshaper/dbf/utf8.dbf", "no_geometry", 0, None, None),
    ("mapshaper/features/polygons/ex1.shp", "wrong_geometry_type", 0, None, None),
    ("mapshaper/issues/193/gauss_kruger.shp", "source_missing_part", 0, None, None),
    ("mapshaper/issues/193/three_points.shp", "wrong_geometry_type", 0, None, None),
    (
        "mapshaper/issues/518_519_shp_reading/data_corruption_error.shp",
        "wrong_geometry_type",
        0,
        None,
        None,
    ),
    (
        "mapshaper/issues/518_519_shp_reading/max_callstack_error.shp",
        "wrong_geometry_type",
        0,
        None,
        None,
    ),
    ("mapshaper/issues/68/cell1.shp", "source_missing_part", 0, None, None),
    ("mapshaper/issues/68/clipper.shp", "source_missing_part", 0, None, None),
    (
        "mapshaper/issues/invalid_coords/invalid_coordinates.shp",
        "wrong_geometry_type",
        0,
        None,
        None,
    ),
    (
        "mapshaper/issues/point_shapefile_import_error/points.shp",
        "wrong_geometry_type",
        0,
        None,
        None,
    ),
    ("mapshaper/shapefile/ignore-properties.shp", "source_missing_part", 0, None, None),
    ("mapshaper/shapefile/latin1-property.shp", "wrong_geometry_type", 0, None, None),
    ("mapshaper/shapefile/polygons.shp", "source_missing_part", 0, None, None),
    ("mapshaper/shapefile/shplib/3dpoints.shp", "wrong_geometry_type", 0, None, None),
    ("mapshaper/shapefile/shplib/anno.shp", "ok", 201, "UTF-8", "EPSG:4545"),
    ("mapshaper/shapefile/shplib/brklinz.shp", "wrong_geometry_type", 0, None, None),
    ("mapshaper/shapefile/shplib/csah.shp", "wrong_geometry_type", 0, None, None),
    ("mapshaper/shapefile/shplib/masspntz.shp", "wrong_geometry_type", 0, None, None),
    ("mapshaper/shapefile/shplib/multipnt.shp", "wrong_geometry_type", 0, None, None),
    ("mapshaper/shapefile/shplib/pline.shp", "wrong_geometry_type", 0, None, None),
    ("mapshaper/shapefile/shplib/polygon.shp", "ok", 474, "UTF-8", "EPSG:4545"),
    ("mapshaper/shapefile/three_points.shp", "wrong_geometry_type", 0, None, None),
    ("mapshaper/shapefile/utf8-property.shp", "wrong_geometry_type", 0, None, None),
    ("pyshp/REL.zip", "ok", 1, "UTF-8", "EPSG:31287"),
    ("pyshp/empty_zipfile.zip", "zip_no_shapefile", 0, None, None),
    ("pyshp/shapefiles-test/MyPolyZ.shp", "ok", 1, "UTF-8", "EPSG:4490"),
    ("pyshp/shapefiles-test/NullTest.shp", "wrong_geometry_type", 0, None, None),
    ("pyshp/shapefiles-test/balancing.shp", "wrong_geometry_type", 0, None, None),
    ("pyshp/shapefiles-test/corrupt_too_long.shp", "wrong_geometry_type", 0, None, None),
    ("pyshp/shapefiles-test/dtype.shp", "ok", 2, "UTF-8", "EPSG:4490"),
    ("pyshp/shapefiles-test/latin1.shp", "source_missing_part", 0, None, None),
    ("pyshp/shapefiles-test/linem.shp", "wrong_geometry_type", 0, None, None),
    ("pyshp/shapefiles-test/linez.shp", "wrong_geometry_type", 0, None, None),
    ("pyshp/shapefiles-test/multipatch.shp", "ok", 1, "UTF-8", "EPSG:4490"),
    ("pyshp/shapefiles-test/multipoint.shp", "wrong_geometry_type", 0, None, None),
    ("pyshp/shapefiles-test/onlydbf.dbf", "no_geometry", 0, None, None),
    ("pyshp/shapefiles-test/point.shp", "wrong_geometry_type", 0, None, None),
    ("pyshp/shapefiles-test/polygon.shp", "ok", 1, "UTF-8", "EPSG:4490"),
    ("pyshp/shapefiles-test/shapetype.shp", "empty_layer", 0, None, None),
    ("shapefile-js/SHP_Exclude.zip", "ok", 1, "UTF-8", "EPSG:4490"),
    ("shapefile-js/T8Th4_6n.zip", "wrong_geometry_type", 0, None, None),
    ("shapefile-js/bad.shp", "source_corrupt", 0, None, None),
    ("shapefile-js/badzip.zip", "source_corrupt", 0, None, None),
    ("shapefile-js/codepage.shp", "wrong_geometry_type", 0, None, None),
    ("shapefile-js/codepage.zip", "wrong_geometry_type", 0, None, None),
    ("shapefile-js/export_multipointz.shp", "wrong_geometry_type", 0, None, None),
    ("shapefile-js/export_polylinez.shp", "wrong_geometry_type", 0, None, None),
    ("shapefile-js/htmlcpg.shp", "source_missing_part", 0, None, None),
    ("shapefile-js/htmlprj.shp", "source_missing_part", 0, None, None),
    ("shapefile-js/ipra_dresden_polygon.shp", "ok", 1, "CP1252", "EPSG:4326"),
    ("shapefile-js/mixedcase.zip", "ok", 40, "CP1252", "EPSG:26986"),
    ("shapefile-js/no-dbf.shp", "source_missing_part", 0, None, None),
    ("shapefile-js/noshp.zip", "zip_no_shapefile", 0, None, None),
    ("shapefile-js/qgis.zip", "ok", 2, "UTF-8", "EPSG:4326"),
    ("shapefile-js/utf.shp", "wrong_geometry_type", 0, None, None),
    ("shapefile-js/utf.zip", "wrong_geometry_type", 0, None, None),
    ("shapefile-js/zero-len-line.zip", "wrong_geometry_type", 0, None, None),
    ("tnnevol-gmap/500000.json", "ok", 38, None, "EPSG:4326"),
    ("tnnevol-gmap/500110.json", "ok", 1, None, "EPSG:4326"),
    ("ruiduobao-china-admin-divisions/510104_510104_2023.geojson", "ok", 1, None, "EPSG:4326"),
    (
        "ruiduobao-china-admin-divisions/510104_510104_2023.gpkg",
        "source_zip_misnamed",
        0,
        None,
        None,
    ),
    ("ruiduobao-china-admin-divisions/jiaojiang_331002_2023.zip", "ok", 1, "GB18030", "EPSG:4326"),
    ("ruiduobao-china-admin-divisions/test_jinjiang.zip", "ok", 1, "GB18030", "EPSG:4326"),
    ("wallellen-gov2014/member.xls", "source_format", 0, None, None),
    ("wallellen-gov2014/低收入农户家庭信息导入模板.xls", "source_format", 0, None, None),
    ("wallellen-gov2014/家庭成员数据导入模板.xls", "source_format", 0, None, None),
    ("gaufung-tdqqs/家庭成员信息表.xls", "source_format", 0, None, None),
    ("gaufung-tdqqs/承包方调查表.xls", "source_format", 0, None, None),
    ("gaufung-tdqqs/基础数据模板.mdb", "source_access_db", 0, None, None),
]


def _copy(src: Path, folder: Path) -> Path:
    for f in src.parent.iterdir():
        if f.is_file() and f.stem == src.stem:
            shutil.copy(f, folder / f.name)
    return folder / src.name


def test_the_table_covers_the_corpus() -> None:
    assert CORPUS is not None
    found = set()
    for p in CORPUS.rglob("*"):
        rel = p.relative_to(CORPUS).as_posix()
        suffix = p.suffix.lower()
        if suffix in (
            ".shp",
            ".zip",
            ".geojson",
            ".json",
            ".gpkg",
            ".xls",
            ".xlsx",
            ".csv",
            ".mdb",
        ) or (suffix == ".dbf" and not p.with_suffix(".shp").exists()):
            found.add(rel)
    assert found == {row[0] for row in OUTCOMES}


@pytest.mark.parametrize(
    ("rel", "outcome", "added", "encoding", "crs"), OUTCOMES, ids=[row[0] for row in OUTCOMES]
)
def test_corpus_file(tmp_path: Path, rel, outcome, added, encoding, crs) -> None:
    assert CORPUS is not None
    work = tmp_path / "in"
    work.mkdir()
    source = _copy(CORPUS / rel, work)
    project = tmp_path / "p.gpkg"
    GpkgStore.create(project).close()
    digest = file_sha256(project)
    with GpkgStore.open(project) as store, warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if outcome != "ok":
            with pytest.raises(QjgisError) as exc:
                importer.import_layer(store, "parcels", str(source))
            assert exc.value.code == outcome
            assert source.stem in exc.value.english()  # the message names the file
        else:
            # Readable polygons, but none of these files has a 宗地代码 field: the import
            # is refused whole, naming the target, and the dry run lists the candidates.
            with pytest.raises(QjgisError) as exc:
                importer.import_layer(store, "parcels", str(source))
            assert exc.value.code == "import_required_unmapped"
            assert exc.value.params["target"] == "zddm"
            dry = importer.import_layer(store, "parcels", str(source), dry_run=True)
            assert (dry["encoding"] or {}).get("encoding") == encoding
            assert dry["crs"]["crs"] == crs
            assert dry["required_missing"][0]["targets"] == ["zddm"]
            fields = [c["field"] for c in dry["required_missing"][0]["candidates"]]
            assert fields == list(dry["mapping"]["fields"])
    assert file_sha256(project) == digest
    if outcome != "ok" or not fields:
        return
    # Mapped by hand, a field of another meaning fills 宗地代码: every row is written and
    # every row's code is reported missing or malformed, by row; nothing dropped silently.
    mapping = tmp_path / "m.json"
    mapping.write_text(json.dumps({fields[0]: "zddm"}, ensure_ascii=False), encoding="utf-8")
    with GpkgStore.open(project) as store, warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        report = importer.import_layer(store, "parcels", str(source), mapping_file=str(mapping))
        assert report["counts"]["added"] == added == store.counts()["parcels"]
    flagged = sum(
        report["issues"].get(k, {}).get("count", 0) for k in ("code_missing", "code_malformed")
    )
    assert flagged == added


def test_chinese_poly_comes_out_heilongjiang(tmp_path: Path) -> None:
    assert CORPUS is not None
    source = _copy(CORPUS / "geotools/sample-data-shapes/chinese_poly.shp", tmp_path)
    mapping = tmp_path / "m.json"
    mapping.write_text('{"ADCODE99": "zddm"}', encoding="utf-8")
    with GpkgStore.create(tmp_path / "p.gpkg") as store:
        report = importer.import_layer(store, "parcels", str(source), mapping_file=str(mapping))
        extra = store.read_layer("parcels", ["extra"]).attrs["extra"][0]
    assert report["encoding"]["encoding"] == "GBK"
    assert report["encoding"]["samples"] == ["黑龙江省"]
    assert '"NAME": "黑龙江省"' in extra
    assert report["warnings"][-1]["code"] == "far_outside_crs"


# (dbf, encoding, why, a decoded value)
ENCODINGS = [
    ("geotools/sample-data-shapes/chinese_poly.dbf", "GBK", "detected", "黑龙江省"),
    ("mapshaper/dbf/gbk.dbf", "GBK", "detected", "简体国语"),
    ("mapshaper/dbf/gb2312.dbf", "GBK", "detected", "简体国语"),
    ("mapshaper/dbf/ldid/chinese.dbf", "GBK", "ldid", "简体"),
    ("mapshaper/dbf/big5.dbf", "BIG5", "detected", "繁體國語"),
    ("mapshaper/dbf/cpg/big5.dbf", "BIG5", "cpg", "國語"),
    ("mapshaper/dbf/utf8.dbf", "UTF-8", "detected", "国语國語"),
    ("garybikini-chinaadmindivisonshp/3. 市级范围/1. 精确到District/重庆郊县.dbf", "UTF-8",
     "detected", "巫溪县"),
    ("geotools/sample-data-shapes/rus-windows-1251.dbf", "CP1251", "cpg", "Кириллица"),
    ("shapefile-js/codepage.dbf", "CP1250", "cpg", "Hněvošický háj"),
    ("shapefile-js/htmlcpg.dbf", "UTF-8", "detected", "💩"),
    ("mapshaper/dbf/cpg/shiftjis.dbf", "SHIFT_JIS", "cpg", "カタカナひらがな"),
    ("mapshaper/dbf/latin1.dbf", "ISO-8859-1", "fallback", "Peçeña México"),
    ("mapshaper/shapefile/latin1-property.dbf", "CP1252", "ldid", "México"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("rel", "name", "reason", "value"), ENCODINGS, ids=[e[0] for e in ENCODINGS]
)
def test_encoding_of_corpus_dbf(tmp_path: Path, rel, name, reason, value) -> None:
    assert CORPUS is not None
    dbf = _copy(CORPUS / rel, tmp_path)
    decision = enc.detect_dbf(dbf)
    assert (decision.gdal_name, decision.reason) == (name, reason)
    assert value in decision.samples


def test_html_cpg_is_named_in_the_decision(tmp_path: Path) -> None:
    assert CORPUS is not None
    decision = enc.detect_dbf(_copy(CORPUS / "shapefile-js/htmlcpg.dbf", tmp_path))
    assert ".cpg ignored" in decision.detail
