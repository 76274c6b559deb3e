"""The import's parts on their own: encoding choice, CRS identification, mapping, registers."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest
import shapely
from pyproj import CRS

from qjgis.errors import QjgisError
from qjgis.io import crs as crs_mod
from qjgis.io import encoding as enc
from qjgis.io import importer
from qjgis.io import mapping as mapping_mod
from qjgis.store import GpkgStore, file_sha256

NAMES = ["王建国", "李秀英", "綦江区古南街道三园村02组", "集体成员", "石角镇五口村"]


# ------------------------------------------------------------------ encoding
@pytest.mark.parametrize(
    ("codec", "expected"), [("gbk", "gbk"), ("big5", "big5"), ("utf-8", "utf-8")]
)
def test_trial_decode_finds_the_right_chinese_encoding(codec: str, expected: str) -> None:
    texts = NAMES if codec != "big5" else ["陳國華", "臺北市中正區", "黃秀蘭", "重慶市綦江區"]
    d = enc.decide([t.encode(codec) for t in texts])
    assert (d.encoding, d.reason) == (expected, "detected")
    assert d.samples[0] == texts[0]


def test_cpg_wins_when_it_decodes_and_html_cpg_is_ignored() -> None:
    samples = [t.encode("gbk") for t in NAMES]
    assert enc.decide(samples, cpg="936").reason == "cpg"
    d = enc.decide(samples, cpg="<!DOCTYPE html><html>")
    assert d.encoding == "gbk" and d.reason == "detected" and ".cpg ignored" in d.detail
    d = enc.decide(samples, cpg="UTF-8")  # a .cpg that lies is overruled by the bytes
    assert d.encoding == "gbk" and "does not decode" in d.detail


def test_weak_ldid_gives_way_to_chinese_but_a_real_one_decides() -> None:
    samples = [t.encode("gbk") for t in NAMES]
    assert enc.decide(samples, ldid=0x57).encoding == "gbk"  # "ANSI": GBK on Chinese Windows
    assert enc.decide(samples, ldid=0x4D).reason == "ldid"
    latin = ["Peçeña México".encode("latin-1")]
    d = enc.decide(latin, ldid=0x57)
    assert (d.encoding, d.reason) == ("cp1252", "ldid")


def test_override_and_unknown_encoding() -> None:
    d = enc.decide([NAMES[0].encode("gbk")], override="GB18030")
    assert (d.encoding, d.reason, d.gdal_name) == ("gb18030", "override", "GB18030")
    with pytest.raises(QjgisError) as exc:
        enc.decide([], override="klingon")
    assert exc.value.code == "unknown_encoding"


@pytest.mark.parametrize(
    ("name", "codec"),
    [("ANSI 936", "gbk"), ("65001", "utf-8"), ("Big-5", "big5"), ("GB2312", "gbk"),
     ("windows-1251", "cp1251"), ("<html>", None), ("", None)],
)  # fmt: skip
def test_codec_names(name: str, codec: str | None) -> None:
    assert enc.codec_name(name) == codec


def test_damaged_dbf_is_refused_by_name(tmp_path: Path) -> None:
    p = tmp_path / "t.dbf"
    p.write_bytes(b"\x03" + b"\x00" * 10)
    with pytest.raises(QjgisError) as exc:
        enc.read_dbf_header(p)
    assert exc.value.code == "dbf_corrupt" and str(p) in exc.value.english()


# ------------------------------------------------------------------ CRS
@pytest.mark.parametrize("code", [4523, 4524, 4544, 4545, 4496, 2359, 2380, 2411, 2432, 2435])
def test_esri_gauss_kruger_prj_maps_to_its_epsg(code: int) -> None:
    wkt = CRS.from_epsg(code).to_wkt("WKT1_ESRI")
    decision = crs_mod.from_wkt(wkt, "x.prj")
    assert decision.label == f"EPSG:{code}"


def test_hand_written_esri_gauss_kruger_names() -> None:
    base = (
        'PROJCS["{name}",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",'
        'DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],'
        'PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],'
        'PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",{fe}],'
        'PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",{cm}],'
        'PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]'
    )
    cases = [
        ("CGCS2000_3_Degree_GK_Zone_35", 35500000.0, 105.0, 4523),
        ("CGCS2000_3_Degree_GK_CM_105E", 500000.0, 105.0, 4544),
        ("CGCS2000_3_Degree_GK_Zone_36", 36500000.0, 108.0, 4524),
        ("CGCS2000_3_Degree_GK_CM_108E", 500000.0, 108.0, 4545),
    ]
    for name, fe, cm, code in cases:
        d = crs_mod.from_wkt(base.format(name=name, fe=fe, cm=cm), "x.prj")
        assert d.label == f"EPSG:{code}", name


def test_html_prj_is_refused() -> None:
    with pytest.raises(QjgisError) as exc:
        crs_mod.from_wkt("<!DOCTYPE html><html></html>", "a/b.prj")
    assert exc.value.code == "prj_unreadable" and "a/b.prj" in exc.value.english()


@pytest.mark.parametrize(
    ("bounds", "code"),
    [
        ((36_380_000, 3_190_000, 36_420_000, 3_220_000), 4524),
        ((35_650_000, 3_190_000, 35_700_000, 3_220_000), 4523),
        ((380_000, 3_190_000, 400_000, 3_220_000), 4545),  # east of 106.5: zone 36 meridian
        ((650_000, 3_190_000, 700_000, 3_220_000), 4544),  # far east of 105: CM 105
        ((106.5, 28.8, 106.9, 29.2), 4490),
    ],
)
def test_crs_proposed_from_coordinates(bounds, code: int) -> None:
    d = crs_mod.propose(bounds, 106.65, "x.shp")
    assert d.label == f"EPSG:{code}" and d.reason == "proposed"


def test_no_proposal_for_local_coordinates() -> None:
    with pytest.raises(QjgisError) as exc:
        crs_mod.propose((1000.0, 2000.0, 1500.0, 2500.0), 106.65, "x.shp")
    assert exc.value.code == "crs_unknown" and "--source-crs" in exc.value.english()


def test_old_datum_refused_without_helmert_and_shifted_with_it() -> None:
    xian = CRS.from_epsg(2360)
    with pytest.raises(QjgisError) as exc:
        crs_mod.transformer(xian, CRS.from_epsg(4524), None, "x.shp")
    assert exc.value.params["setting"] == "datum.xian1980"
    zero = {"tx": 0, "ty": 0, "tz": 0, "rx": 0, "ry": 0, "rz": 0, "ds": 0,
            "convention": "position_vector"}  # fmt: skip
    fn = crs_mod.transformer(xian, CRS.from_epsg(4524), zero, "x.shp")
    assert fn is not None
    pt = np.array([[36_400_000.0, 3_200_000.0]])
    moved = fn(pt)
    # Same meridian and prefix, only the ellipsoid differs: metres, not kilometres.
    assert 0.0 < np.hypot(*(moved - pt)[0]) < 200.0


def test_area_of_use_flags_far_features() -> None:
    target = CRS.from_epsg(4524)
    near = shapely.box(36_400_000, 3_200_000, 36_400_010, 3_200_010)
    far = shapely.box(36_400_000, 6_000_000, 36_400_010, 6_000_010)
    out = crs_mod.outside_area_of_use(np.array([near, far, None], dtype=object), target)
    assert out.tolist() == [False, True, False]


# ------------------------------------------------------------------ mapping
def test_chinese_titles_and_national_names_are_detected() -> None:
    m = mapping_mod.detect(
        "parcels", ["宗地代码", "权利人", "身份证号", "户号", "BZ", "坐落(门牌)"]
    )
    assert m.fields == {
        "宗地代码": "zddm", "权利人": "holder_name", "身份证号": "holder_id",
        "户号": "household_no", "BZ": None, "坐落(门牌)": "zl",
    }  # fmt: skip
    assert m.confidence["宗地代码"] == 1.0 and m.confidence["坐落(门牌)"] == 0.7
    v = mapping_mod.detect("villages", ["XZQDM", "xzqmc", "村名称", "村代码"])
    assert v.targets() == {"town_code": "XZQDM", "name": "村名称", "code": "村代码"}


def test_mapping_file_overrides_and_is_checked(tmp_path: Path) -> None:
    m = mapping_mod.detect("buildings", ["BDCDYH", "CS", "JGRQ"])
    f = tmp_path / "m.json"
    f.write_text(json.dumps({"fields": {"CS": "floors", "JGRQ": None}}), encoding="utf-8")
    mapping_mod.apply_overrides(m, mapping_mod.load(f), "src.shp")
    assert m.targets() == {"bdcdyh": "BDCDYH", "floors": "CS"}
    f.write_text(json.dumps({"fields": {"CS": "storeys"}}), encoding="utf-8")
    with pytest.raises(QjgisError) as exc:
        mapping_mod.apply_overrides(m, mapping_mod.load(f), "src.shp")
    assert exc.value.code == "mapping_target_unknown"
    f.write_text(json.dumps({"fields": {"NOPE": "floors"}}), encoding="utf-8")
    with pytest.raises(QjgisError) as exc:
        mapping_mod.apply_overrides(m, mapping_mod.load(f), "src.shp")
    assert exc.value.code == "mapping_source_unknown"
    f.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(QjgisError) as exc:
        mapping_mod.load(f)
    assert exc.value.code == "mapping_file_invalid"


# ------------------------------------------------------------------ conversions
def test_value_conversion() -> None:
    dates, bad = importer.convert(
        "acquired", np.array(["2001-02-03", "2001/2/3", "20010203", "2001年2月3日", "x", None],
                             dtype=object),
    )  # fmt: skip
    assert dates.tolist()[:4] == ["2001-02-03"] * 4 and bad.tolist() == [0, 0, 0, 0, 1, 0]
    flags, bad = importer.convert(
        "must_demolish_old", np.array(["是", "否", "Y", "?"], dtype=object)
    )
    assert flags.tolist() == [1, 0, 1, None] and bad.tolist() == [0, 0, 0, 1]
    years, _ = importer.convert("year_built", np.array(["1998-05-01", 2003, None], dtype=object))
    assert years.tolist() == [1998, 2003, None]
    text, _ = importer.convert("village_code", np.array([500110108200.0, np.nan]))
    assert text.tolist() == ["500110108200", None]


# ------------------------------------------------------------------ registers
REGISTER = """户号,姓名,身份证号,与户主关系,性别,出生日期,农户类型,是否在村居住,分户状态,\
联系电话,村代码,备注
H001,王建国,500110197001011237,户主,男,1970-01-01,一般户,是,无,13800000000,500110108200,
H001,李秀英,4.40524E+17,配偶,女,1972-03-04,一般户,是,无,,500110108200,身份证待核
H002,陈明,500110198002029999,子,男,1980-02-02,脱贫户,否,无,,500110108200,
,赵四,500110196505050016,户主,男,1965-05-05,一般户,是,无,,500110108200,
"""


def test_gbk_csv_register(tmp_path: Path) -> None:
    src = tmp_path / "户籍.csv"
    src.write_bytes(REGISTER.encode("gbk"))
    path = tmp_path / "p.gpkg"
    with GpkgStore.create(path) as store:
        r = importer.import_layer(store, "households", str(src))
        hh = store.read_table("households", ["household_no", "head_name", "lives_in_village"])
        members = store.read_table("members", ["household_no", "name", "id_number", "extra"])
    assert r["encoding"]["encoding"] == "GBK"
    assert r["counts"]["added"] == 3 and r["counts"]["members.added"] == 4
    assert hh["head_name"].tolist() == ["王建国", "陈明", "赵四"]
    assert hh["lives_in_village"].tolist() == [1, 0, 1]
    assert members["id_number"][1] == "4.40524E+17"
    assert json.loads(members["extra"][1]) == {"备注": "身份证待核"}
    issues = r["issues"]
    assert issues["id_excel_unrecoverable"]["rows"][0]["row"] == 3  # the spreadsheet row
    assert issues["id_invalid"]["rows"][0]["row"] == 4
    assert issues["household_head_missing"]["rows"][0]["key"] == "H002"
    assert issues["household_no_missing"]["rows"][0] == {"row": 5, "key": "500110196505050016"}
    # The same register again: nothing changes.
    with GpkgStore.open(path) as store:
        again = importer.import_layer(store, "households", str(src))
    assert again["counts"]["unchanged"] == 3 and again["counts"]["members.unchanged"] == 4


def test_xlsx_register_with_excel_numbers(tmp_path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["2024年 三园村 户籍登记表"])  # a title row above the header
    ws.append(["户号", "姓名", "公民身份号码", "与户主关系"])
    ws.append(["H9", "钱多多", 440524188001010014, "户主"])  # an ID typed as a number
    ws.append(["H9", "钱少少", "44052418800101003X", "子"])
    src = tmp_path / "r.xlsx"
    wb.save(src)
    with GpkgStore.create(tmp_path / "p.gpkg") as store:
        r = importer.import_layer(store, "households", str(src))
    assert r["sheet"] == "Sheet" and r["header_row"] == 2
    excel = r["issues"]["id_excel_unrecoverable"]["rows"]
    assert excel[0]["row"] == 3 and excel[0]["value"].endswith("E+17")


def test_register_without_needed_columns_is_refused(tmp_path: Path) -> None:
    src = tmp_path / "r.csv"
    src.write_text("备注,其他\n王五,男\n", encoding="utf-8")
    path = tmp_path / "p.gpkg"
    GpkgStore.create(path).close()
    digest = file_sha256(path)
    with GpkgStore.open(path) as store, pytest.raises(QjgisError) as exc:
        importer.import_layer(store, "households", str(src))
    assert exc.value.code == "register_no_header"
    src.write_text("户号,性别\nH1,男\n", encoding="utf-8")
    with GpkgStore.open(path) as store, pytest.raises(QjgisError) as exc:
        importer.import_layer(store, "households", str(src))
    assert exc.value.code == "register_needs" and exc.value.params["column"] == "name"
    assert file_sha256(path) == digest


def test_unknown_layer_and_format(tmp_path: Path) -> None:
    with GpkgStore.create(tmp_path / "p.gpkg") as store:
        with pytest.raises(QjgisError) as exc:
            importer.import_layer(store, "roads", "x.shp")
        assert exc.value.code == "import_layer_invalid"
        other = tmp_path / "a.kml"
        other.write_text("<kml/>")
        with pytest.raises(QjgisError) as exc:
            importer.import_layer(store, "parcels", str(other))
        assert exc.value.code == "source_format"


def test_xls_register(tmp_path: Path) -> None:
    xlwt = pytest.importorskip("xlwt", reason="writing the .xls fixture needs xlwt")
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("户籍")
    rows = [
        ["户号", "姓名", "身份证号", "与户主关系", "出生日期"],
        ["H7", "周杰", "500110197001011237", "户主", "1970-01-01"],
        [
            "H7",
            "周伦",
            500110198002029994.0,
            "子",
            None,
        ],  # the date: a real date cell  # an ID stored as a number
    ]
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            if value is not None:
                sheet.write(i, j, value)
    sheet.write(2, 4, dt.datetime(1980, 2, 2), xlwt.easyxf(num_format_str="YYYY-MM-DD"))
    src = tmp_path / "r.xls"
    book.save(str(src))
    with GpkgStore.create(tmp_path / "p.gpkg") as store:
        r = importer.import_layer(store, "households", str(src))
        members = store.read_table("members", ["name", "birth_date"])
    assert r["sheet"] == "户籍" and r["counts"]["members.added"] == 2
    assert members["name"].tolist() == ["周杰", "周伦"]
    assert members["birth_date"].tolist() == ["1970-01-01", "1980-02-02"]
    assert r["issues"]["id_excel_unrecoverable"]["rows"][0]["row"] == 3


def test_damaged_workbook_is_refused_by_name(tmp_path: Path) -> None:
    # The first bytes of an OLE2 .xls and nothing more: calamine cannot read it.
    src = tmp_path / "r.xls"
    src.write_bytes(b"\xd0\xcf\x11\xe0")
    with GpkgStore.create(tmp_path / "p.gpkg") as store, pytest.raises(QjgisError) as exc:
        importer.import_layer(store, "households", str(src))
    assert exc.value.code == "source_corrupt" and str(src) in exc.value.english()
    assert "XLS" in exc.value.english()
