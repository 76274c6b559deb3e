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
import subprocess
import sys
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pyogrio.raw
import pytest
import shapely

from qjgis.errors import QjgisError
from qjgis.io import encoding as enc
from qjgis.io import importer
from qjgis.io import mapping as mapping_mod
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


# =================================================================== every file, as a user runs it
REPO = Path(__file__).parents[2]
LAYER_KINDS = ("villages", "parcels", "buildings", "households")


def _cli_available() -> str | None:
    """Why the CLI cannot run in this environment, or None."""
    probe = subprocess.run(
        [sys.executable, str(REPO / "main.py"), "import", "--help"],
        cwd=REPO, capture_output=True, text=True, env=_env(), check=False,
    )  # fmt: skip
    if probe.returncode == 0:
        return None
    return (probe.stderr.strip().splitlines() or [f"exit {probe.returncode}"])[-1]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")])
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    return env


#: Suffixes the importer opens, or checks the content of, itself.
SOURCE_SUFFIXES = {".shp", ".dbf", ".zip", ".json", ".geojson", ".gpkg", ".xls", ".xlsx", ".csv",
                   ".mdb"}  # fmt: skip


def _every_file() -> list[str]:
    """Every file a user could pick as a source: each of a suffix the importer opens or
    sniffs, and one of every other suffix (.shx, .prj, .cpg, .qpj, LICENSE ...), which the
    importer refuses by its name alone, before reading a byte (so one shows them all)."""
    if CORPUS is None:
        return []
    chosen: dict[str, str] = {}
    for p in sorted(CORPUS.rglob("*")):
        if not p.is_file():
            continue
        rel = p.relative_to(CORPUS).as_posix()
        suffix = p.suffix.lower()
        chosen.setdefault(rel if suffix in SOURCE_SUFFIXES else f"other:{suffix}", rel)
    return sorted(chosen.values())


def _main(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(REPO / "main.py"), "--lang", "en", *args],
        cwd=REPO, capture_output=True, text=True, env=_env(), check=False,
    )  # fmt: skip


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One empty project made by the CLI, copied for every run."""
    why = _cli_available()
    if why is not None:
        pytest.skip(f"the CLI does not run here: {why}")
    path = tmp_path_factory.mktemp("template") / "p.gpkg"
    result = _main("new", str(path))
    assert result.returncode == 0, result.stderr
    return path


def _import_through_cli(template: Path, folder: Path, source: Path, layer: str, dry: bool) -> str:
    """One `python main.py import` as a user types it; returns what went wrong, or ''."""
    project = folder / f"{layer}{'-dry' if dry else ''}.gpkg"
    shutil.copy(template, project)
    before = file_sha256(project)
    args = ["import", str(project), str(source), "--layer", layer] + (["--dry-run"] if dry else [])
    result = _main(*args)
    said = f"{layer}{' --dry-run' if dry else ''}: exit {result.returncode}"
    if "Traceback" in result.stderr + result.stdout:
        return f"{said}, traceback:\n{result.stderr[-1500:]}"
    if result.returncode not in (0, 1, 2):
        return f"{said}\n{result.stderr[-500:]}"
    if result.returncode != 0:
        lines = result.stderr.strip().splitlines()
        if len(lines) != 1 or not lines[0].startswith("Error: "):
            return f"{said}: a refusal is one line on stderr, got {lines}"
    if (result.returncode != 0 or dry) and file_sha256(project) != before:
        return f"{said}: the project file changed"
    return ""


@pytest.mark.slow
@pytest.mark.parametrize("rel", _every_file())
def test_every_file_into_every_layer_through_the_cli(
    template: Path, tmp_path: Path, rel: str
) -> None:
    """No traceback, exit 0/1/2 only, one line per refusal, a refused or dry-run import
    leaves the project byte-identical: for every file of the corpus (see `_every_file`)
    into every layer kind, with and without --dry-run."""
    assert CORPUS is not None
    work = tmp_path / "in"
    work.mkdir()
    source = _copy(CORPUS / rel, work)
    runs = [(layer, dry) for layer in LAYER_KINDS for dry in (True, False)]
    # The runs of one file are independent processes on their own project copies.
    with ThreadPoolExecutor(max_workers=max(os.cpu_count() or 1, 2)) as pool:
        problems = list(
            pool.map(lambda run: _import_through_cli(template, tmp_path, source, *run), runs)
        )
    problems = [p for p in problems if p]
    assert not problems, f"{rel}:\n" + "\n".join(problems)


# =================================================================== issue 10, point by point
ADMIN = "ruiduobao-china-admin-divisions"
FOOTPRINTS = "cahierx-geojson-shp-3dtiles/buildings.geojson"


def _project(tmp_path: Path) -> tuple[Path, str]:
    path = tmp_path / "p.gpkg"
    GpkgStore.create(path).close()
    return path, file_sha256(path)


def _refused(project: Path, layer: str, source: Path | str, **options: object) -> QjgisError:
    with GpkgStore.open(project) as store, pytest.raises(QjgisError) as exc:
        importer.import_layer(store, layer, str(source), **options)  # type: ignore[arg-type]
    return exc.value


def _write_shp(path: Path, xy: list[tuple[float, float]], fields: dict, crs: str | None) -> Path:
    """A small polygon shapefile at the given corners (a 20 m or 0.0002 degree square)."""
    side = 20.0 if abs(xy[0][0]) > 1000 else 0.0002
    squares = [shapely.box(x, y, x + side, y + side) for x, y in xy]
    with warnings.catch_warnings():  # a file without a CRS is what some tests need
        warnings.filterwarnings("ignore", "'crs' was not provided", UserWarning)
        pyogrio.raw.write(
            str(path), geometry=shapely.to_wkb(np.array(squares, dtype=object)),
            field_data=[np.array(v, dtype=object) for v in fields.values()], fields=list(fields),
            geometry_type="Polygon", crs=crs, driver="ESRI Shapefile", encoding="UTF-8",
        )  # fmt: skip
    return path


def test_point1_unmapped_required_target_refuses_the_whole_import(tmp_path: Path) -> None:
    """A polygon file whose fields map to no village code and name (real building
    footprints): refused whole, with the target named; the dry run lists every field as
    a candidate with sample values. A boundary file's fields map to no 宗地代码 or
    building code: refused as parcels and buildings. A register keying no household:
    refused, and its dry run says so."""
    assert CORPUS is not None
    source = _copy(CORPUS / FOOTPRINTS, tmp_path)
    project, digest = _project(tmp_path)
    error = _refused(project, "villages", source)
    assert (error.code, error.params["target"], error.params["title"]) == (
        "import_required_unmapped",
        "code",
        "村代码",
    )
    assert error.params["fields"].startswith("id, type, buildingId, height")
    boundary = _copy(CORPUS / ADMIN / "test_jinjiang.zip", tmp_path)
    for layer, target in (("parcels", "zddm"), ("buildings", "bdcdyh / zddm")):
        assert _refused(project, layer, boundary).params["target"] == target
    register = tmp_path / "r.csv"
    register.write_text("姓名,性别,备注\n王五,男,外出\n", encoding="utf-8")
    error = _refused(project, "households", register)
    assert (error.code, error.params["column"]) == ("register_needs", "household_no")
    assert file_sha256(project) == digest
    with GpkgStore.open(project) as store:
        dry = importer.import_layer(store, "villages", str(source), dry_run=True)
        dry_register = importer.import_layer(store, "households", str(register), dry_run=True)
    assert dry["mapping"]["fields"]["name"] == "name"  # a name, but no code
    assert [m["targets"] for m in dry["required_missing"]] == [["code"]]
    samples = {c["field"]: c["samples"] for c in dry["required_missing"][0]["candidates"]}
    assert samples["id"] == ["0fa1d28-0bbf35e-10", "0fa1d29-0bbf390-03", "0fa1d4c-0bbf38a-04"]
    assert samples["height"] == ["62.8", "83.4"]
    assert dry["refused"]["code"] == "import_required_unmapped"
    assert dry_register["required_missing"][0]["targets"] == ["household_no"]
    assert dry_register["required_missing"][0]["candidates"] == [
        {"field": "备注", "samples": ["外出"]}
    ]
    assert dry_register["refused"]["code"] == "register_needs"
    assert file_sha256(project) == digest
    # Mapped by the user, the same file imports (its ids are no village codes: flagged).
    mapping = tmp_path / "m.json"
    mapping.write_text('{"id": "code"}', encoding="utf-8")
    with GpkgStore.open(project) as store:
        report = importer.import_layer(store, "villages", str(source), mapping_file=str(mapping))
        # rows without a name cannot be villages: left out, each named by its row
        left_out = report["issues"]["row_left_out_empty"]["count"]
        assert report["counts"]["added"] == 690 - left_out == store.counts()["villages"]
        assert 0 < left_out < 690


def test_point1_refusal_through_the_cli_is_one_line_and_exit_1(
    template: Path, tmp_path: Path
) -> None:
    assert CORPUS is not None
    source = _copy(CORPUS / FOOTPRINTS, tmp_path)
    project = tmp_path / "p.gpkg"
    shutil.copy(template, project)
    digest = file_sha256(project)
    result = _main("import", str(project), str(source), "--layer", "villages")
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "no field maps to code (村代码)" in result.stderr
    result = _main("import", str(project), str(source), "--layer", "villages", "--dry-run")
    assert result.returncode == 1 and "no field maps to code" in result.stderr
    assert "Refused: no field maps to code (村代码)" in result.stdout
    assert "  height: 62.8, 83.4" in result.stdout
    assert file_sha256(project) == digest


def test_point1_empty_required_value_leaves_that_row_out_or_flags_it(tmp_path: Path) -> None:
    """Mapped, but one row's value is empty: a village (whose table cannot hold an empty
    name) is left out alone and reported by row; a parcel is kept and flagged."""
    villages = _write_shp(
        tmp_path / "v.shp", [(36_500_000.0, 3_200_000.0 + 100 * i) for i in range(3)],
        {"村代码": ["500110100201", "500110100202", "500110100203"],
         "村名称": ["永新村", "", "石壕村"]}, "EPSG:4524",
    )  # fmt: skip
    project, _ = _project(tmp_path)
    with GpkgStore.open(project) as store:
        report = importer.import_layer(store, "villages", str(villages))
        assert report["counts"]["added"] == 2 == store.counts()["villages"]
    assert (report["counts"]["read"], report["counts"]["left_out"]) == (3, 1)
    left_out = report["issues"]["row_left_out_empty"]
    assert left_out["count"] == 1
    assert left_out["rows"] == [{"row": 2, "key": "500110100202", "column": "name"}]
    parcels = _write_shp(
        tmp_path / "z.shp", [(36_500_000.0, 3_200_000.0), (36_500_100.0, 3_200_000.0)],
        {"ZDDM": ["500110100201JC00001", ""]}, "EPSG:4524",
    )  # fmt: skip
    with GpkgStore.open(project) as store:
        report = importer.import_layer(store, "parcels", str(parcels))
        assert report["counts"]["added"] == 2
    assert report["issues"]["code_missing"]["rows"][0]["row"] == 2
    # A building is known by its unit number or its parcel's code: with the parcel code
    # alone it is not 'code missing'; with neither it is, and kept.
    with GpkgStore.open(project) as store:
        report = importer.import_layer(store, "buildings", str(parcels))
        assert report["counts"]["added"] == 2
    assert report["issues"]["code_missing"]["count"] == 1
    assert report["issues"]["code_missing"]["rows"][0]["row"] == 2


def test_point2_an_encoding_that_does_not_decode_is_refused(tmp_path: Path) -> None:
    """--encoding UTF-8 on GBK (and GB18030) text: refused, naming the encoding that
    decodes it, before anything is written; the other way round too."""
    assert CORPUS is not None
    project, digest = _project(tmp_path)
    gbk = _copy(CORPUS / "geotools/sample-data-shapes/chinese_poly.shp", tmp_path)
    error = _refused(project, "villages", gbk, encoding="UTF-8")
    assert error.code == "encoding_mismatch"
    assert (error.params["detected"], error.params["example"]) == ("GBK", "黑龙江省")
    zipped = _copy(CORPUS / ADMIN / "jiaojiang_331002_2023.zip", tmp_path)
    error = _refused(project, "parcels", zipped, encoding="UTF-8", dry_run=True)
    assert (error.code, error.params["detected"]) == ("encoding_mismatch", "GB18030")
    utf8 = _copy(
        CORPUS / "garybikini-chinaadmindivisonshp/3. 市级范围/1. 精确到District/重庆郊县.shp",
        tmp_path,
    )
    error = _refused(project, "parcels", utf8, encoding="GBK")
    assert (error.code, error.params["detected"]) == ("encoding_mismatch", "UTF-8")
    # One that decodes, but into mojibake where another reads as Chinese: a warning.
    with GpkgStore.open(project) as store:
        for given in ("BIG5", "latin1"):
            dry = importer.import_layer(store, "parcels", str(gbk), encoding=given, dry_run=True)
            doubt = [w for w in dry["warnings"] if w["code"] == "encoding_doubtful"]
            assert doubt and doubt[0]["suggested"] == "GBK", given
    register = tmp_path / "r.csv"
    register.write_bytes("户号,姓名,身份证号\nH1,张三,\n".encode("gbk"))
    error = _refused(project, "households", register, encoding="UTF-8")
    assert (error.code, error.params["detected"]) == ("encoding_mismatch", "GBK")
    assert file_sha256(project) == digest


def test_point5_a_crs_the_coordinates_cannot_lie_in_is_refused(tmp_path: Path) -> None:
    """Gauss-Krüger metres given as EPSG:4490 (and a .prj that says so), and degrees given
    as EPSG:4524: refused, naming the CRS the coordinates suggest."""
    assert CORPUS is not None
    project, digest = _project(tmp_path)
    fields = {"ZDDM": ["500110100201JC00001"]}
    gk = _write_shp(tmp_path / "gk.shp", [(36_512_345.0, 3_210_000.0)], fields, None)
    error = _refused(project, "parcels", gk, source_crs="EPSG:4490")
    assert error.code == "crs_mismatch"
    assert (error.params["crs"], error.params["suggested"]) == ("EPSG:4490", "EPSG:4524")
    lying = _write_shp(tmp_path / "prj.shp", [(512_345.0, 3_210_000.0)], fields, "EPSG:4490")
    error = _refused(project, "parcels", lying)
    assert (error.code, error.params["suggested"]) == ("crs_mismatch", "EPSG:4545")
    assert error.params["origin"].endswith("prj.prj")
    degrees = _copy(CORPUS / ADMIN / "510104_510104_2023.geojson", tmp_path)
    error = _refused(project, "villages", degrees, source_crs="EPSG:4524", dry_run=True)
    assert (error.code, error.params["suggested"]) == ("crs_mismatch", "EPSG:4490")
    assert file_sha256(project) == digest
    # Degrees far from China given a Chinese geographic CRS are still degrees: imported,
    # with the far-outside warning, not refused with a suggestion of the same CRS.
    europe = _write_shp(tmp_path / "eu.shp", [(10.0, 50.0)], fields, None)
    with GpkgStore.open(project) as store:
        report = importer.import_layer(store, "parcels", str(europe), source_crs="EPSG:4490")
        assert report["counts"]["added"] == 1 and "far_outside_crs" in report["issues"]
        importer.undo_batch(store, report["batch_id"])
    # The right CRS given, the same file imports with its geometry.
    with GpkgStore.open(project) as store:
        report = importer.import_layer(store, "parcels", str(gk), source_crs="EPSG:4524")
        assert report["counts"]["added"] == 1 and "geometry_null" not in report["issues"]


def test_point6_a_zip_named_gpkg_is_named_for_what_it_is(tmp_path: Path) -> None:
    assert CORPUS is not None
    project, digest = _project(tmp_path)
    misnamed = _copy(CORPUS / ADMIN / "510104_510104_2023.gpkg", tmp_path)
    error = _refused(project, "villages", misnamed)
    assert error.code == "source_zip_misnamed"  # a zip of a GeoPackage: extract, not rename
    assert error.params["inside"] == "锦江区_510104.gpkg"
    zipped_shp = tmp_path / "boundary.gpkg"
    shutil.copy(CORPUS / ADMIN / "test_jinjiang.zip", zipped_shp)
    error = _refused(project, "villages", zipped_shp)
    assert (error.code, error.params["real_suffix"]) == ("source_misnamed", ".zip")
    assert error.params["found"] == "ZIP"
    access = _copy(CORPUS / "gaufung-tdqqs" / "基础数据模板.mdb", tmp_path)
    assert _refused(project, "parcels", access).code == "source_access_db"
    # What GDAL says of a file it does not know is passed on in whole sentences.
    garbage = tmp_path / "x.gpkg"
    garbage.write_bytes(b"not a geopackage at all\n" * 10)
    error = _refused(project, "parcels", garbage)
    assert error.code == "source_unreadable"
    assert "prefixing" not in error.english() and error.english().endswith(")")
    assert file_sha256(project) == digest


def test_point7_datav_and_amap_boundaries_map_adcode_and_name_by_their_profile(
    tmp_path: Path,
) -> None:
    """DataV (GeoJSON: adcode, name, level, center, acroutes ...) and AMap's shapefile
    export (adcode, name, level, centerlat ...) are recognised by their field sets: adcode
    is the unit's code, name its name, both sure (1.0). A 6-digit adcode is no village's
    12-digit code: the rows import and are flagged. The fields alone, without one of the
    exporter's own, are a guess (0.9 and 0.6) and name no profile."""
    assert CORPUS is not None
    project, _ = _project(tmp_path)
    datav = _copy(CORPUS / "tnnevol-gmap" / "500000.json", tmp_path)
    amap = _copy(
        CORPUS / "garybikini-chinaadmindivisonshp" / "2. 省级范围" / "2. 精确到District"
        / "重庆市.shp", tmp_path,
    )  # fmt: skip
    with GpkgStore.open(project) as store:
        for source in (datav, amap):
            dry = importer.import_layer(store, "villages", str(source), dry_run=True)
            mapping = dry["mapping"]
            assert {s: t for s, t in mapping["fields"].items() if t} == {
                "adcode": "code", "name": "name"
            }  # fmt: skip
            assert mapping["confidence"] == {"adcode": 1.0, "name": 1.0}
            assert mapping["profile"] == "adcode" and "refused" not in dry
        qijiang = _copy(CORPUS / "tnnevol-gmap" / "500110.json", tmp_path)
        report = importer.import_layer(store, "villages", str(qijiang))
        rows = store.read_layer("villages", ["code", "name"]).attrs
    assert (rows["code"].tolist(), rows["name"].tolist()) == (["500110"], ["綦江区"])
    assert report["issues"]["code_malformed"]["rows"][0]["key"] == "500110"
    guess = mapping_mod.detect("villages", ["adcode", "name", "pop"])
    assert guess.targets() == {"code": "adcode", "name": "name"}
    assert guess.confidence == {"adcode": 0.9, "name": 0.6} and guess.profile is None


def test_a_contract_survey_form_is_refused_as_a_form_not_read_as_households(
    tmp_path: Path,
) -> None:
    """承包方调查表.xls is one contractor's printed form: a member table (row 13) left
    blank, then the 调查记事 and 调查员/日期 boxes, whose labels sit in cells merged
    across the table's columns. They are no households: the import is refused whole,
    naming the form's rows, the project unchanged; the dry run says the same."""
    assert CORPUS is not None
    source = _copy(CORPUS / "gaufung-tdqqs" / "承包方调查表.xls", tmp_path)
    project, digest = _project(tmp_path)
    error = _refused(project, "households", source)
    assert error.code == "register_is_form"
    assert (error.params["row"], error.params["rows"]) == (13, "33, 40, 41, 46")
    assert file_sha256(project) == digest
    with GpkgStore.open(project) as store:
        dry = importer.import_layer(store, "households", str(source), dry_run=True)
    assert "households" not in dry and dry["counts"]["read"] == 0
    assert [w["code"] for w in dry["warnings"]] == ["register_is_form"]
    assert [r["row"] for r in dry["issues"]["row_form"]["rows"]] == [33, 40, 41, 46]
    assert file_sha256(project) == digest
