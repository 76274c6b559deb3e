"""Export round trips on a real demo project: what is written is read back identical.

Every format is read back with a different reader than the one that wrote it where one
exists (pyogrio for the GDAL formats, openpyxl for XLSX, sqlite3 for the GeoPackage's
titles, GDAL's own `ogrinfo` for the shapefile's code page), and compared with the project
as `GpkgStore` reads it. Masked values are compared with `qjgis.codes.mask_id` /
`mask_phone` applied one by one, the reference the vectorised masking must equal.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from pyogrio.raw import read
from pyproj import CRS

from qjgis import codes
from qjgis.demo import build_demo
from qjgis.errors import QjgisError
from qjgis.feedback import NullFeedback
from qjgis.io import export
from qjgis.io.export import (
    FIELDS,
    export_layer,
    from_wgs84,
    mask_id_column,
    mask_phone_column,
    mask_text_column,
)
from qjgis.store import GpkgStore, to_multipolygons

OGRINFO = shutil.which("ogrinfo")
MASKED_ID = re.compile(r"^\d{6}\*{8}\d{3}[\dX]$")
PHONE = "13812345678"


# ------------------------------------------------------------------ fixtures
def _add_findings(store: GpkgStore) -> dict[str, Any]:
    """Findings of each entity kind, as the checks engine stores them."""
    p = store.read_layer("parcels", ["zddm", "household_no", "village_code"])
    b = store.read_layer("buildings", ["bdcdyh"])
    members = store.read_table("members", ["household_no", "seq", "id_number"])
    hno = p.attrs["household_no"].astype(str)
    values, counts = np.unique(hno[hno != "None"], return_counts=True)
    multi = values[counts >= 2][0]  # a planted 一户多宅 household
    two = np.flatnonzero(hno == multi)[:2]
    single = values[counts == 1][0]
    m = int(np.flatnonzero(members["seq"] == 2)[0])
    member_key = f"{members['household_no'][m]}/2"

    def ref(kind: str, key: str, fid: int | None) -> dict[str, Any]:
        return {"kind": kind, "key": key, "fid": fid}

    rows = [
        ("QJ-R003", "parcel", str(p.attrs["zddm"][0]),
         [ref("parcel", str(p.attrs["zddm"][0]), int(p.fids[0]))],
         {"area": 153.27000000000001, "standard": 120.0}),
        ("QJ-R004", "building", str(b.attrs["bdcdyh"][3]), [], {"share": 0.0}),
        ("QJ-R001", "household", str(multi),
         [ref("household", str(multi), None)]
         + [ref("parcel", str(p.attrs["zddm"][i]), int(p.fids[i])) for i in two],
         {"parcels": 2, "note": "历史遗留" * 100}),  # far beyond a DBF's 254 bytes
        ("QJ-R010", "household", str(single), [ref("household", str(single), None)], {}),
        ("QJ-R009", "member", member_key, [ref("member", member_key, None)],
         {"id_number": str(members["id_number"][m]), "phone": PHONE, "area": 0.1234567890123456}),
    ]  # fmt: skip
    village = str(p.attrs["village_code"][0])
    n = len(rows)
    with store.transaction() as conn:
        store.insert_rows(
            conn,
            "findings",
            {
                "rule_id": [r[0] for r in rows],
                "rule_version": [1] * n,
                "key": [r[2] for r in rows],
                "entity_kind": [r[1] for r in rows],
                "severity": ["error"] * n,
                "exemption": [None] * n,
                "village_code": [village] * n,
                "entities": [json.dumps(r[3], ensure_ascii=False) for r in rows],
                "evidence": [json.dumps(r[4], ensure_ascii=False) for r in rows],
                "evidence_hash": ["h"] * n,
                "state": ["open"] * n,
                "first_run": [1] * n,
                "last_run": [1] * n,
                "decision": [None, "confirmed", None, None, None],
                "decision_reason": [None, "联系人电话13912345678", None, None, None],
            },
        )
    return {
        "parcel_fid": int(p.fids[0]),
        "building_fid": int(b.fids[3]),
        "multi_fids": p.fids[two].tolist(),
        "single": str(single),
        "member_id": str(members["id_number"][m]),
    }


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    path = tmp_path_factory.mktemp("export") / "demo.gpkg"
    build_demo(path, parcels=300, seed=3)
    with GpkgStore.open(path) as store:
        facts = _add_findings(store)
    return path, facts


@pytest.fixture
def project(demo: tuple[Path, dict[str, Any]], tmp_path: Path) -> Iterator[GpkgStore]:
    """A private copy of the demo project (tests write audit entries and edit rows)."""
    copy = tmp_path / "project.gpkg"
    shutil.copy(demo[0], copy)
    store = GpkgStore.open(copy)
    try:
        yield store
    finally:
        store.close()


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "导出 文件"  # Chinese and a space, as on a bureau desktop
    folder.mkdir()
    return folder


def _source(store: GpkgStore, layer: str) -> tuple[dict[str, np.ndarray], np.ndarray | None]:
    """The project's rows of a spatial layer: columns and geometry."""
    cols = [f.column for f in FIELDS[layer] if f.column != "town_name"]
    data = store.read_layer(layer, cols)
    return data.attrs, to_multipolygons(data.geometry)


def _read(path: Path, **kwargs: Any) -> tuple[dict[str, Any], np.ndarray | None, dict]:
    meta, _fids, geometry, values = read(str(path), **kwargs)
    fields = dict(zip(meta["fields"].tolist(), values, strict=True))
    geoms = None if geometry is None else shapely.from_wkb(geometry)
    return fields, geoms, meta


def _same(a: Any, b: Any) -> np.ndarray:
    """Equal within 1e-6 m, whatever the ring order, start vertex or single/multi part."""
    a = shapely.normalize(to_multipolygons(np.atleast_1d(np.asarray(a, dtype=object))))
    b = shapely.normalize(to_multipolygons(np.atleast_1d(np.asarray(b, dtype=object))))
    return shapely.equals_exact(a, b, tolerance=1e-6)


def _expected(f: export.Field, values: np.ndarray, masked: bool) -> list[Any]:
    """What a field should read back as: the source value, masked one by one."""
    out: list[Any] = []
    for v in values.tolist():
        if v is None or not masked or f.personal is None:
            out.append(v)
        elif f.personal == "id":
            out.append(codes.mask_id(v))
        elif f.personal == "phone":
            out.append(codes.mask_phone(v))
        else:  # free text: numbers that look like IDs or phones inside it are masked
            out.append(export.mask_text_column([v])[0])
    return out


def _compare(
    f: export.Field, read_back: np.ndarray, source: np.ndarray, *, masked: bool, shp: bool
) -> None:
    expected = _expected(f, source, masked)
    got = read_back.tolist()
    if f.kind == "real":
        np.testing.assert_allclose(
            np.asarray(got, dtype=float), np.asarray(source, dtype=float), rtol=1e-12
        )
    elif f.kind == "date":
        text = [None if np.isnat(np.datetime64(g)) else str(np.datetime64(g, "D")) for g in got]
        assert text == expected, f.column
    elif f.kind == "bool":
        want = [None if e is None else bool(e) for e in expected]
        if shp:
            want = [None if w is None else ("是" if w else "否") for w in want]
        assert [None if g is None else (g if shp else bool(g)) for g in got] == want, f.column
    elif f.kind == "int":
        assert [None if g is None else int(g) for g in got] == expected, f.column
    else:
        assert got == expected, f.column


# ------------------------------------------------------------------ shapefile
@pytest.mark.parametrize("layer", ["parcels", "buildings", "villages"])
@pytest.mark.parametrize("encoding", ["gbk", "utf-8"])
def test_shapefile_round_trip(project: GpkgStore, out: Path, layer: str, encoding: str) -> None:
    target = out / f"{layer}.shp"
    result = export_layer(project, layer, "shp", target, encoding=encoding)
    attrs, geoms = _source(project, layer)
    assert result.rows == len(geoms) > 0
    assert result.omitted == ["extra"]
    assert (out / f"{layer}.cpg").read_text(encoding="ascii") == encoding.upper()
    prj = (out / f"{layer}.prj").read_text(encoding="ascii")
    assert "CGCS2000_3_Degree_GK_Zone_36" in prj  # ESRI WKT, as GDAL writes it
    assert CRS.from_user_input(prj).to_epsg() == 4524

    fields, back, _meta = _read(target)
    shp_fields = [f for f in FIELDS[layer] if f.shp]
    assert list(fields) == [f.shp for f in shp_fields]
    assert all(len(name.encode("ascii")) <= 10 for name in fields)
    for f in shp_fields:
        if f.column == "town_name":
            t = project.read_table("towns", ["code", "name"])
            towns = dict(zip(t["code"], t["name"], strict=True))
            assert fields["XZQMC"].tolist() == [towns.get(c) for c in attrs["town_code"]]
            continue
        _compare(f, fields[f.shp], attrs[f.column], masked=True, shp=True)
    assert back is not None
    assert _same(back, geoms).all()

    # The bytes in the DBF are really in the declared encoding.
    dbf = (out / f"{layer}.dbf").read_bytes()
    sample = next(v for v in attrs[{"parcels": "zl", "buildings": "status",
                                    "villages": "name"}[layer]] if v)  # fmt: skip
    assert sample.encode(encoding) in dbf
    if encoding == "gbk":
        assert sample.encode("utf-8") not in dbf


def test_shapefile_masks_ids_and_writes_alias_table(project: GpkgStore, out: Path) -> None:
    export_layer(project, "parcels", "shp", out / "parcels.shp")
    fields, _, _ = _read(out / "parcels.shp")
    ids = [v for v in fields["ZJH"].tolist() if v]
    assert ids and all(MASKED_ID.match(v) for v in ids)
    with (out / "parcels_fields.csv").open(encoding="utf-8") as fh:
        assert fh.read(1) == "\ufeff"  # the BOM that makes Excel read UTF-8
        rows = list(csv.reader(fh))
    assert rows[0] == ["field", "column", "title", "type"]
    table = {r[0]: (r[1], r[2]) for r in rows[1:]}
    assert table["ZDDM"] == ("zddm", "宗地代码")
    assert table["ZJH"] == ("holder_id", "权利人证件号")
    assert table["ZJDQDSJ"] == ("acquired", "取得时间")
    assert len(table) == len([f for f in FIELDS["parcels"] if f.shp])


@pytest.mark.external
@pytest.mark.skipif(OGRINFO is None, reason="ogrinfo (GDAL command-line tools) is not on PATH")
@pytest.mark.parametrize("encoding", ["gbk", "utf-8"])
def test_ogrinfo_decodes_by_the_cpg(project: GpkgStore, out: Path, encoding: str) -> None:
    export_layer(project, "parcels", "shp", out / "parcels.shp", encoding=encoding)
    assert OGRINFO is not None
    text = subprocess.run(
        [OGRINFO, "-q", str(out / "parcels.shp"), "parcels", "-fid", "0"],
        capture_output=True, check=True,
    ).stdout.decode("utf-8")  # fmt: skip
    attrs, _ = _source(project, "parcels")
    assert f"ZL (String) = {attrs['zl'][0]}" in text
    assert f"QLRMC (String) = {attrs['holder_name'][0]}" in text


def test_unencodable_text_is_refused_naming_field_and_row(project: GpkgStore, out: Path) -> None:
    data = project.read_layer("parcels", ["zddm", "holder_name"])
    with project.transaction() as conn:  # 𠮷 (U+20BB7) is in GB18030 but not in GBK
        project.update_row(conn, "parcels", int(data.fids[4]), {"holder_name": "吉𠮷祥"})
    audits = len(project.read_table("audit_log", ["command"])["fid"])
    with pytest.raises(QjgisError) as exc:
        export_layer(project, "parcels", "shp", out / "parcels.shp")
    e = exc.value
    assert e.code == "export_unencodable"
    assert e.params["field"] == "QLRMC" and e.params["row"] == 5
    assert e.params["key"] == data.attrs["zddm"][4]
    assert "U+20BB7" in e.params["chars"] and e.params["count"] == 1
    assert list(out.iterdir()) == []  # no half file, no temporary folder
    assert len(project.read_table("audit_log", ["command"])["fid"]) == audits
    # UTF-8 holds it, and it comes back whole.
    export_layer(project, "parcels", "shp", out / "parcels.shp", encoding="utf-8")
    fields, _, _ = _read(out / "parcels.shp")
    assert fields["QLRMC"][4] == "吉𠮷祥"


@pytest.mark.parametrize(
    ("encoding", "chars", "fits"),
    [("gbk", 127, True), ("gbk", 128, False), ("utf-8", 84, True), ("utf-8", 85, False)],
)
def test_text_longer_than_254_bytes_is_refused(
    project: GpkgStore, out: Path, encoding: str, chars: int, fits: bool
) -> None:
    fid = int(project.read_layer("parcels", ["zl"]).fids[7])
    long = "綦" * chars  # 2 bytes in GBK, 3 in UTF-8
    with project.transaction() as conn:
        project.update_row(conn, "parcels", fid, {"zl": long})
    target = out / "parcels.shp"
    if fits:
        export_layer(project, "parcels", "shp", target, encoding=encoding)
        fields, _, _ = _read(target)
        assert fields["ZL"][7] == long  # not truncated
        return
    with pytest.raises(QjgisError) as exc:
        export_layer(project, "parcels", "shp", target, encoding=encoding)
    assert exc.value.code == "export_text_too_long"
    assert exc.value.params["field"] == "ZL" and exc.value.params["row"] == 8
    assert exc.value.params["size"] == len(long.encode(encoding))
    assert list(out.iterdir()) == []


# ------------------------------------------------------------------ GeoPackage, GeoJSON, XLSX
@pytest.mark.parametrize("layer", ["parcels", "buildings"])
def test_geopackage_round_trip_with_titles(project: GpkgStore, out: Path, layer: str) -> None:
    target = out / f"{layer}.gpkg"
    result = export_layer(project, layer, "gpkg", target, unmask=True)
    assert result.masked is False and result.omitted == []
    attrs, geoms = _source(project, layer)
    fields, back, meta = _read(target, layer=layer)
    assert list(fields) == [f.column for f in FIELDS[layer]]
    assert CRS.from_user_input(meta["crs"]).to_epsg() == 4524
    for f in FIELDS[layer]:
        _compare(f, fields[f.column], attrs[f.column], masked=False, shp=False)
    assert back is not None and _same(back, geoms).all()
    with sqlite3.connect(target) as conn:
        titles = dict(
            conn.execute(
                "SELECT column_name, title FROM gpkg_data_columns WHERE table_name = ?", (layer,)
            ).fetchall()
        )
    assert titles == {f.column: f.title for f in FIELDS[layer]}


def test_geojson_is_wgs84_and_round_trips(project: GpkgStore, out: Path) -> None:
    target = out / "parcels.geojson"
    result = export_layer(project, "parcels", "geojson", target)
    assert result.crs == "EPSG:4326"
    attrs, geoms = _source(project, "parcels")
    fields, back, meta = _read(target)
    assert CRS.from_user_input(meta["crs"]).equals(CRS.from_epsg(4326), ignore_axis_order=True)
    assert back is not None
    lon, lat = shapely.get_coordinates(back).T
    assert (lon > 105).all() and (lon < 110).all() and (lat > 28).all() and (lat < 30).all()
    again = from_wgs84(back, "EPSG:4524")
    assert _same(again, geoms).all()
    for f in FIELDS["parcels"]:
        if f.personal != "text":
            _compare(f, fields[f.column], attrs[f.column], masked=True, shp=False)
    doc = json.loads(target.read_text(encoding="utf-8"))
    assert "EPSG:4524" in doc["description"]


def test_xlsx_has_titles_text_ids_dates_and_geometry_figures(project: GpkgStore, out: Path) -> None:
    target = out / "parcels.xlsx"
    export_layer(project, "parcels", "xlsx", target, unmask=True)
    attrs, geoms = _source(project, "parcels")
    wb = load_workbook(target, read_only=False)
    assert wb.sheetnames == ["宅基地宗地"]
    rows = list(wb.active.iter_rows())
    header = [c.value for c in rows[0]]
    titles = [f.title for f in FIELDS["parcels"]]
    assert header == [*titles, "面积(平方米)", "中心点东坐标(E)", "中心点北坐标(N)"]
    col = {t: i for i, t in enumerate(header)}
    body = rows[1:]
    assert len(body) == len(geoms)
    ids = [r[col["权利人证件号"]] for r in body]
    assert [c.value for c in ids] == attrs["holder_id"].tolist()  # unmasked: in clear
    assert all(c.data_type == "s" for c in ids if c.value is not None)
    assert [r[col["坐落"]].value for r in body] == attrs["zl"].tolist()
    acquired = [r[col["取得时间"]].value for r in body]
    assert all(isinstance(v, dt.datetime) for v in acquired if v is not None)
    assert [None if v is None else v.date().isoformat() for v in acquired] == attrs[
        "acquired"
    ].tolist()
    area = np.array([r[col["面积(平方米)"]].value for r in body], dtype=float)
    np.testing.assert_allclose(area, shapely.area(geoms), atol=0.005)
    e = np.array([r[col["中心点东坐标(E)"]].value for r in body], dtype=float)
    np.testing.assert_allclose(e, shapely.get_x(shapely.centroid(geoms)), atol=0.0005)
    demolish = [r[col["是否需拆旧"]].value for r in body]
    assert set(demolish) <= {"是", "否", None}
    wb.close()


def test_xlsx_never_writes_a_formula(project: GpkgStore, out: Path) -> None:
    fid = int(project.read_layer("parcels", ["zl"]).fids[0])
    with project.transaction() as conn:
        project.update_row(conn, "parcels", fid, {"zl": '=HYPERLINK("http://x","点击")'})
    export_layer(project, "parcels", "xlsx", out / "p.xlsx")
    ws = load_workbook(out / "p.xlsx").active
    col = [c.value for c in ws[1]].index("坐落") + 1
    cell = ws.cell(row=2, column=col)
    assert cell.value == '=HYPERLINK("http://x","点击")' and cell.data_type == "s"


def test_xlsx_masks_by_default(project: GpkgStore, out: Path) -> None:
    export_layer(project, "households", "xlsx", out / "h.xlsx")
    wb = load_workbook(out / "h.xlsx", read_only=False)
    rows = list(wb.active.values)
    col = {t: i for i, t in enumerate(rows[0])}
    ids = [r[col["身份证号"]] for r in rows[1:] if r[col["身份证号"]]]
    phones = [r[col["联系电话"]] for r in rows[1:] if r[col["联系电话"]]]
    assert ids and all(MASKED_ID.match(v) for v in ids)
    assert phones and all(re.fullmatch(r"1\d\d\*{4}\d{4}", p) for p in phones)
    wb.close()


def test_xlsx_refuses_more_rows_than_a_sheet_holds(
    project: GpkgStore, out: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export, "XLSX_MAX_ROWS", 10)
    with pytest.raises(QjgisError) as exc:
        export_layer(project, "parcels", "xlsx", out / "p.xlsx")
    assert exc.value.code == "export_too_many_rows" and exc.value.params["rows"] == 300
    assert list(out.iterdir()) == []


# ------------------------------------------------------------------ households and findings
def test_households_one_row_per_member(project: GpkgStore, out: Path) -> None:
    with project.transaction() as conn:  # a household without members keeps its row
        project.insert_rows(conn, "households", {"household_no": ["9999"], "head_name": ["空户"]})
        # ... and so does a member whose household is not in the register
        project.insert_rows(
            conn, "members", {"household_no": ["8888"], "seq": [1], "name": ["孤儿"]}
        )
    h = project.read_table("households")
    m = project.read_table("members")
    result = export_layer(project, "households", "shp", out / "households.shp", unmask=True)
    assert [Path(f).name for f in result.files] == [
        "households.cpg", "households.dbf", "households_fields.csv"
    ]  # fmt: skip
    assert result.crs is None
    fields, geoms, _ = _read(out / "households.dbf")
    assert geoms is None
    assert result.rows == len(m["fid"]) + 1 == len(fields["HH"])
    by_member = {
        (hh, seq): (name, idn)
        for hh, seq, name, idn in zip(
            m["household_no"], m["seq"], m["name"], m["id_number"], strict=True
        )
    }
    got = {
        (hh, int(seq)): (name, idn)
        for hh, seq, name, idn in zip(
            fields["HH"], fields["XH"], fields["XM"], fields["SFZHM"], strict=True
        )
        if hh != "9999"
    }
    assert got == by_member
    heads = dict(zip(h["household_no"], h["head_name"], strict=True))
    pairs = zip(fields["HH"], fields["HZXM"], strict=True)
    assert all(heads[hh] == hz for hh, hz in pairs if hh != "8888")
    lonely = np.flatnonzero(fields["HH"] == "9999")
    assert len(lonely) == 1 and fields["XM"][lonely[0]] is None
    orphan = np.flatnonzero(fields["HH"] == "8888")
    assert len(orphan) == 1 and fields["XM"][orphan[0]] == "孤儿"
    assert fields["HZXM"][orphan[0]] is None


def test_households_geojson_has_null_geometry(project: GpkgStore, out: Path) -> None:
    export_layer(project, "households", "geojson", out / "h.geojson")
    doc = json.loads((out / "h.geojson").read_text(encoding="utf-8"))
    assert doc["features"] and all(f["geometry"] is None for f in doc["features"])
    ids = [f["properties"]["id_number"] for f in doc["features"]]
    assert all(MASKED_ID.match(i) for i in ids if i)


@pytest.mark.parametrize("fmt", ["gpkg", "shp"])
def test_findings_take_their_entity_geometry(
    project: GpkgStore, out: Path, demo: tuple[Path, dict[str, Any]], fmt: str
) -> None:
    facts = demo[1]
    target = out / f"findings.{fmt}"
    result = export_layer(project, "findings", fmt, target)
    assert result.omitted == []
    fields, geoms, _ = _read(target)
    assert geoms is not None
    if fmt == "shp":  # national-style names; JSON of any length beside the DBF
        fields = {f.column: fields[f.shp] for f in FIELDS["findings"] if f.shp}
        with (out / "findings_details.csv").open(encoding="utf-8-sig") as fh:
            details = {int(r["FINDING_ID"]): r for r in csv.DictReader(fh)}
        assert sorted(details) == fields["fid"].tolist()
        for name in ("entities", "evidence"):
            fields[name] = np.array([details[int(i)][name] for i in fields["fid"]], dtype=object)
    stored = project.read_table("findings", ["entities"])
    assert [json.loads(e) for e in fields["entities"]] == [
        json.loads(e) for e in stored["entities"]
    ]
    rule = {r: i for i, r in enumerate(fields["rule_id"].tolist())}
    long = project.execute_sql("SELECT evidence FROM findings WHERE rule_id = 'QJ-R001'")[0][0]
    assert len(long.encode("gbk")) > 254 and fields["evidence"][rule["QJ-R001"]] == long
    parcels = project.read_layer("parcels")
    pgeom = dict(zip(parcels.fids.tolist(), to_multipolygons(parcels.geometry), strict=True))
    buildings = project.read_layer("buildings")
    bgeom = dict(zip(buildings.fids.tolist(), to_multipolygons(buildings.geometry), strict=True))
    assert _same(geoms[rule["QJ-R003"]], pgeom[facts["parcel_fid"]]).all()
    assert _same(geoms[rule["QJ-R004"]], bgeom[facts["building_fid"]]).all()
    union = shapely.union_all([pgeom[f] for f in facts["multi_fids"]])
    assert shapely.equals(geoms[rule["QJ-R001"]], union)
    single = [f for f, h in zip(parcels.fids, parcels.attrs["household_no"], strict=True)
              if h == facts["single"]]  # fmt: skip
    assert shapely.equals(geoms[rule["QJ-R010"]], shapely.union_all([pgeom[f] for f in single]))
    assert geoms[rule["QJ-R009"]] is None
    # Personal numbers inside JSON and free text are masked; fractions are not numbers to hide.
    evidence = json.loads(fields["evidence"][rule["QJ-R009"]])
    assert evidence["id_number"] == codes.mask_id(facts["member_id"])
    assert evidence["phone"] == "138****5678"
    assert evidence["area"] == 0.1234567890123456
    assert fields["decision_reason"][rule["QJ-R004"]] == "联系人电话139****5678"


# ------------------------------------------------------------------ masking
id_like = st.text(alphabet="0123456789xX *-５", min_size=0, max_size=22)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), id_like), max_size=30))
def test_vectorised_id_masking_equals_mask_id(values: list[str | None]) -> None:
    got = mask_id_column(np.array(values, dtype=object)).tolist()
    assert got == [None if v is None else codes.mask_id(v) for v in values]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(alphabet="0123456789-+ ０１", max_size=16)),
                max_size=30))  # fmt: skip
def test_vectorised_phone_masking_equals_mask_phone(values: list[str | None]) -> None:
    got = mask_phone_column(np.array(values, dtype=object)).tolist()
    assert got == [None if v is None else codes.mask_phone(v) for v in values]


def test_text_masking_finds_numbers_inside_text() -> None:
    values = np.array(
        [
            "张三(50011019800101123x)、李四",
            '{"id": "500110800101123", "area": 153.27000000000001}',
            "户号5001101082000001 宗地500110108001JC00001",
            "电话 138-1234-5678 或13812345678",
            None,
        ],
        dtype=object,
    )
    got = mask_text_column(values).tolist()
    assert got[0] == "张三(500110********123X)、李四"
    assert got[1] == '{"id": "500110*****1123", "area": 153.27000000000001}'
    assert got[2] == values[2]  # a 16-digit household number and a parcel code are not IDs
    assert got[3] == "电话 138-1234-5678 或138****5678"
    assert got[4] is None


# ------------------------------------------------------------------ audit, safety, options
def test_every_export_is_audited(project: GpkgStore, out: Path) -> None:
    masked = export_layer(project, "parcels", "gpkg", out / "a.gpkg")
    clear = export_layer(project, "households", "xlsx", out / "b.xlsx", unmask=True)
    log = project.read_table("audit_log", ["command", "entity", "after"])
    by_id = dict(zip(log["fid"].tolist(), zip(log["command"], log["entity"], log["after"],
                                                strict=True), strict=True))  # fmt: skip
    command, entity, after = by_id[clear.audit_id]
    assert (command, entity) == ("export.unmask", "households")
    after = json.loads(after)
    assert after["path"] == str((out / "b.xlsx").resolve())
    assert after["format"] == "xlsx" and after["rows"] == clear.rows and after["masked"] is False
    assert by_id[masked.audit_id][:2] == ("export", "parcels")


def test_existing_files_are_refused_unless_overwrite(project: GpkgStore, out: Path) -> None:
    export_layer(project, "parcels", "shp", out / "p.shp")
    (out / "p.qix").write_bytes(b"stale spatial index")
    before = (out / "p.dbf").read_bytes()
    with pytest.raises(QjgisError) as exc:
        export_layer(project, "parcels", "shp", out / "p.shp", encoding="utf-8")
    assert exc.value.code == "file_exists"
    assert (out / "p.dbf").read_bytes() == before
    export_layer(project, "parcels", "shp", out / "p.shp", encoding="utf-8", overwrite=True)
    assert (out / "p.cpg").read_text() == "UTF-8"
    assert not (out / "p.qix").exists()  # it indexed the old file
    assert sorted(p.name for p in out.iterdir()) == [
        "p.cpg", "p.dbf", "p.prj", "p.shp", "p.shx", "p_fields.csv"
    ]  # fmt: skip


def test_cancel_leaves_nothing(project: GpkgStore, out: Path) -> None:
    fb = NullFeedback()
    fb.cancel()
    audits = len(project.read_table("audit_log", ["command"])["fid"])
    with pytest.raises(QjgisError) as exc:
        export_layer(project, "parcels", "gpkg", out / "p.gpkg", feedback=fb)
    assert exc.value.code == "canceled"
    assert list(out.iterdir()) == []
    assert len(project.read_table("audit_log", ["command"])["fid"]) == audits


@pytest.mark.parametrize(
    ("layer", "fmt", "name", "kwargs", "code"),
    [
        ("parcels", "shp", "p.gpkg", {}, "export_bad_suffix"),
        ("parcels", "shp", "p.dbf", {}, "export_bad_suffix"),
        ("parcels", "xlsx", "p.xlsx", {"encoding": "gbk"}, "invalid_argument"),
        ("parcels", "shp", "p.shp", {"encoding": "big5"}, "invalid_argument"),
        ("towns", "shp", "p.shp", {}, "invalid_argument"),
        ("parcels", "kml", "p.kml", {}, "invalid_argument"),
        ("parcels", "shp", "p.shp", {"village": "500110999999"}, "export_unknown_village"),
        ("parcels", "shp", "missing/p.shp", {}, "file_not_found"),
    ],
)
def test_bad_options_are_refused(
    project: GpkgStore, out: Path, layer: str, fmt: str, name: str, kwargs: dict, code: str
) -> None:
    with pytest.raises(QjgisError) as exc:
        export_layer(project, layer, fmt, out / name, **kwargs)
    assert exc.value.code == code
    assert list(out.iterdir()) == []


def test_the_project_itself_is_never_a_target(project: GpkgStore) -> None:
    with pytest.raises(QjgisError) as exc:
        export_layer(project, "parcels", "gpkg", project.path, overwrite=True)
    assert exc.value.code == "invalid_argument" and exc.value.params["name"] == "--out"
    with GpkgStore.open(project.path) as again:
        assert again.counts()["parcels"] == 300


def test_village_filter(project: GpkgStore, out: Path) -> None:
    villages = project.read_layer("villages", ["code"])
    code = str(villages.attrs["code"][0])
    p = project.read_layer("parcels", ["village_code"])
    r = export_layer(project, "parcels", "gpkg", out / "p.gpkg", village=code)
    assert r.rows == int((p.attrs["village_code"] == code).sum())
    b = export_layer(project, "buildings", "gpkg", out / "b.gpkg", village=code)
    inside = shapely.contains(
        villages.geometry[0], shapely.point_on_surface(project.read_layer("buildings").geometry)
    )
    assert b.rows == int(inside.sum()) > 0
    h = export_layer(project, "households", "xlsx", out / "h.xlsx", village=code)
    fields = load_workbook(out / "h.xlsx", read_only=False).active.values
    rows = list(fields)
    assert h.rows == len(rows) - 1
    assert {r[1] for r in rows[1:]} == {code}


def test_picked_rows_in_their_order(project: GpkgStore, out: Path) -> None:
    """An attribute table's filtered and sorted rows: only those fids, in that order."""
    data = project.read_layer("parcels", ["zddm", "zdmj"])
    order = np.argsort(-np.asarray(data.attrs["zdmj"], dtype=float), kind="stable")[:7]
    fids = data.fids[order]
    picked = np.concatenate([fids, [10**9]])  # a fid gone meanwhile is left out
    r = export_layer(project, "parcels", "gpkg", out / "p.gpkg", fids=picked)
    assert r.rows == 7
    _, _, _, (zddm,) = read(str(out / "p.gpkg"), columns=["zddm"])[:4]
    assert zddm.tolist() == data.attrs["zddm"][order].tolist()
    audit = json.loads(
        project.execute_sql("SELECT after FROM audit_log WHERE command = 'export'")[-1][0]
    )
    assert audit["picked"] == 8 and audit["rows"] == 7
    with pytest.raises(QjgisError) as exc:
        export_layer(project, "households", "xlsx", out / "h.xlsx", fids=[1])
    assert exc.value.code == "export_fids_layer"


def test_csv_has_titles_and_never_a_formula(project: GpkgStore, out: Path) -> None:
    fid = int(project.read_layer("parcels", ["zl"]).fids[0])
    with project.transaction() as conn:
        project.update_row(conn, "parcels", fid, {"zl": "=cmd|' /C calc'!A0"})
    r = export_layer(project, "parcels", "csv", out / "p.csv", fids=[fid])
    assert r.rows == 1 and r.masked
    text = (out / "p.csv").read_bytes()
    assert text.startswith("\ufeff".encode())  # Excel on a Chinese desktop reads it as UTF-8
    header, row = list(csv.reader(text.decode("utf-8-sig").splitlines()))
    assert "坐落" in header and "面积(平方米)" in header
    assert row[header.index("坐落")] == "'=cmd|' /C calc'!A0"
    holder = row[header.index(next(h for h in header if "证件" in h or "身份证" in h))]
    assert holder == "" or MASKED_ID.match(holder)
