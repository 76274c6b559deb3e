"""Household registers as real files come: templates, printed forms, heads-only lists.

Issue 10 points 3, 4, 7, 8 and issue 11 points 3, 7. Every fixture is written here
(openpyxl or CSV); the real templates in ../shared/testdata are read in the corpus test.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from openpyxl import Workbook

from qjgis.checks.context import CheckContext
from qjgis.checks.engine import evaluate
from qjgis.codes import id_check_char
from qjgis.errors import QjgisError
from qjgis.io import importer
from qjgis.io import mapping as mapping_mod
from qjgis.store import GpkgStore, file_sha256

X0, Y0 = 36_400_000.0, 3_200_000.0


def pid(n: int, year: int = 1970) -> str:
    body = f"500110{year:04d}0101{n:03d}"
    return body + id_check_char(body)


def xlsx(path: Path, rows: list[list[Any]], merged: tuple[str, ...] = ()) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "户籍"
    for r in rows:
        ws.append(r)
    for m in merged:
        ws.merge_cells(m)
    wb.save(path)
    return path


def batches(store: GpkgStore) -> int:
    return store.execute_sql("SELECT count(*) FROM import_batches")[0][0]


# ------------------------------------------------------------ point 3: placeholders
def test_placeholder_rows_are_skipped_and_counted(tmp_path: Path) -> None:
    src = xlsx(
        tmp_path / "r.xlsx",
        [
            ["户号*", "姓名*", "身份证号", "与户主关系", "家庭人口", "备注"],
            ["N", "N", "N", "N", "N", "N"],  # a template's example row of placeholders
            ["H1", "王一", pid(1), "户主", 2, None],
            [None, None, None, None, None, "说明：以上为示例"],  # a note, no person
            ["H1", "王二", pid(2), "子", 2, None],
        ],
    )
    with GpkgStore.create(tmp_path / "p.gpkg") as store:
        r = importer.import_layer(store, "households", str(src))
        hh = store.read_table("households", ["household_no"])
        members = store.read_table("members", ["name"])
    assert hh["household_no"].tolist() == ["H1"]
    assert members["name"].tolist() == ["王一", "王二"]
    assert r["skipped_rows"] == 2 and r["counts"]["members.read"] == 2
    assert [x["row"] for x in r["issues"]["row_placeholder"]["rows"]] == [2, 4]
    assert "household_no_missing" not in r["issues"]
    assert "value_invalid" not in r["issues"]  # the placeholder's N is not a bad size


def test_header_only_template_imports_nothing_and_records_no_batch(tmp_path: Path) -> None:
    src = xlsx(tmp_path / "模板.xlsx", [["户号*", "姓名*", "身份证号*", "与户主关系"]])
    path = tmp_path / "p.gpkg"
    GpkgStore.create(path).close()
    before = file_sha256(path)
    with GpkgStore.open(path) as store, pytest.raises(QjgisError) as exc:
        importer.import_layer(store, "households", str(src))
    assert exc.value.code == "register_empty" and exc.value.params["row"] == 1
    assert str(src) in exc.value.english()
    assert file_sha256(path) == before
    with GpkgStore.open(path) as store:
        dry = importer.import_layer(store, "households", str(src), dry_run=True)
        assert batches(store) == 0
    assert dry["counts"]["read"] == 0
    assert [w["code"] for w in dry["warnings"]] == ["register_empty"]
    assert file_sha256(path) == before


def test_blank_columns_are_neither_mapped_nor_listed(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["户号", "姓名", "身份证号"])
    ws.append(["H1", "王一", pid(1)])
    ws.cell(row=2, column=5, value="孤值")  # an untitled column that holds a value
    for col in range(6, 256):  # formatted, empty: what Excel leaves in a template
        ws.cell(row=1, column=col).number_format = "@"
        ws.cell(row=1, column=col, value="")
    src = tmp_path / "r.xlsx"
    wb.save(src)
    with GpkgStore.create(tmp_path / "p.gpkg") as store:
        r = importer.import_layer(store, "households", str(src))
        extra = store.read_table("members", ["extra"])["extra"]
    assert list(r["mapping"]["fields"]) == ["户号", "姓名", "身份证号", "column5"]
    assert r["columns"] == 4
    assert json.loads(extra[0]) == {"column5": "孤值"}


# ------------------------------------------------------- point 4: two-row headers
FORM = [
    ["家庭成员信息表", None, None, None, None, None],
    ["编号", "户主姓名", "家庭成员情况（含户主）", None, None, None],
    [None, None, "家庭成员数量", "姓名", "身份证号码", "家庭关系"],
    [1, "张三", 3, "张三", pid(1), "户主"],
    [None, None, None, "李四", pid(2), "配偶"],
    [None, None, None, "张小", pid(3, 2005), "子"],
]
MERGED = ("A1:F1", "A2:A3", "B2:B3", "C2:F2")


def test_merged_two_row_header_is_found_and_reported(tmp_path: Path) -> None:
    src = xlsx(tmp_path / "表.xlsx", FORM, MERGED)
    with GpkgStore.create(tmp_path / "p.gpkg") as store:
        r = importer.import_layer(store, "households", str(src))
        hh = store.read_table("households", ["household_no", "head_name", "declared_size"])
        members = store.read_table("members", ["household_no", "name", "relation"])
    assert r["header_row"] == 3 and r["header_rows"] == [2, 3]
    fields = r["mapping"]["fields"]
    assert fields["户主姓名"] == "head_name" and fields["家庭成员数量"] == "declared_size"
    assert fields["姓名"] == "name" and fields["家庭关系"] == "relation"
    # No 户号 column: the head's ID keys the household, the rows below belong to it.
    assert hh["household_no"].tolist() == [pid(1)] and hh["declared_size"].tolist() == [3]
    assert members["name"].tolist() == ["张三", "李四", "张小"]
    assert set(members["household_no"].tolist()) == {pid(1)}
    assert "household_size_differs" not in r["issues"]


def test_header_row_can_be_given(tmp_path: Path) -> None:
    rows = [
        ["说明", "本表由村委会填写"],  # two cells: looks like a header row of titles
        ["户号", "姓名", "身份证号"],
        ["H1", "王一", pid(1)],
    ]
    src = xlsx(tmp_path / "r.xlsx", rows)
    path = tmp_path / "p.gpkg"
    with GpkgStore.create(path) as store:
        r = importer.import_layer(store, "households", str(src), header_row=2, dry_run=True)
        assert r["header_row"] == 2 and r["features"] == 1
        for bad, code in ((9, "register_header_row"), (3, "register_header_row_empty")):
            with pytest.raises(QjgisError) as exc:
                importer.import_layer(store, "households", str(src), header_row=bad)
            assert exc.value.code == code and exc.value.params["row"] == bad
        assert batches(store) == 0


def test_header_row_is_for_registers_only(tmp_path: Path) -> None:
    with GpkgStore.create(tmp_path / "p.gpkg") as store, pytest.raises(QjgisError) as exc:
        importer.import_layer(store, "parcels", str(tmp_path / "x.shp"), header_row=2)
    assert exc.value.code == "header_row_register_only"


# ------------------------------------------------------ point 7: names real files use
@pytest.mark.parametrize(
    ("layer", "fields", "expected"),
    [
        ("villages", ["NAME", "code"], {"NAME": "name", "code": "code"}),
        ("villages", ["地名", "区划码"], {"地名": "name", "区划码": "code"}),
        ("villages", ["行政区划代码", "名称"], {"行政区划代码": "code", "名称": "name"}),
        ("villages", ["XZQDM", "XZQMC"], {"XZQDM": "code", "XZQMC": "name"}),
        ("villages", ["CUNDM", "CUNMC", "XZQDM"],
         {"CUNDM": "code", "CUNMC": "name", "XZQDM": "town_code"}),
        ("households", ["户码", "姓名"], {"户码": "household_no", "姓名": "name"}),
        ("households", ["农户编码", "家庭人口"],
         {"农户编码": "household_no", "家庭人口": "declared_size"}),
        ("households", ["户编号", "户籍人口数"],
         {"户编号": "household_no", "户籍人口数": "declared_size"}),
        ("households", ["HH", "HJRKS"], {"HH": "household_no", "HJRKS": "declared_size"}),
        ("households", ["户号*", "姓名 *", "迁出日期"],
         {"户号*": "household_no", "姓名 *": "name", "迁出日期": "left_on"}),
        ("buildings", ["JG", "CS", "JZMJ"],
         {"JG": "structure", "CS": "floors", "JZMJ": "floor_area"}),
        ("buildings", ["FWJG", "ZCS"], {"FWJG": "structure", "ZCS": "floors"}),
    ],
)  # fmt: skip
def test_names_real_files_use(layer: str, fields: list[str], expected: dict[str, str]) -> None:
    m = mapping_mod.detect(layer, fields)
    assert m.fields == expected
    assert all(0 < c <= 1.0 for c in m.confidence.values())


def test_generic_names_are_less_sure_than_known_ones() -> None:
    m = mapping_mod.detect("villages", ["code", "NAME", "区划码"])
    assert m.fields == {"code": None, "NAME": "name", "区划码": "code"}
    assert m.confidence["NAME"] < 1.0 and m.confidence["区划码"] < 1.0
    assert mapping_mod.detect("villages", ["CDM"]).confidence["CDM"] == 1.0


def test_a_saved_mapping_is_offered_again_for_the_same_fields(tmp_path: Path) -> None:
    head = ["编码", "成员", "证件"]  # names no preset knows
    first = xlsx(tmp_path / "一村.xlsx", [head, ["H1", "王一", pid(1)]])
    second = xlsx(tmp_path / "二村.xlsx", [head, ["H2", "李二", pid(2)]])
    other = xlsx(tmp_path / "三村.xlsx", [[*head, "备注"], ["H3", "赵三", pid(3), "x"]])
    choice = tmp_path / "mapping.json"
    choice.write_text(
        json.dumps({"fields": {"编码": "household_no", "成员": "name", "证件": "id_number"}}),
        encoding="utf-8",
    )
    with GpkgStore.create(tmp_path / "p.gpkg") as store:
        with pytest.raises(QjgisError):  # unmapped without the user's choice
            importer.import_layer(store, "households", str(first))
        r1 = importer.import_layer(store, "households", str(first), mapping_file=str(choice))
        r2 = importer.import_layer(store, "households", str(second))
        with pytest.raises(QjgisError) as exc:  # other fields: not offered
            importer.import_layer(store, "households", str(other))
    assert exc.value.code == "register_needs"
    assert r2["mapping_batch"] == r1["batch_id"]
    assert r2["mapping"]["fields"] == r1["mapping"]["fields"]
    assert set(r2["mapping"]["origin"].values()) == {"saved"}
    assert r2["counts"]["added"] == 1


# ---------------------------------------------- issue 11 point 3: households by head
def test_head_rows_start_households(tmp_path: Path) -> None:
    rows = [
        ["户号", "姓名", "身份证号", "与户主关系"],
        ["H1", "王一", pid(1), "户主"],
        [None, "王妻", pid(2), "配偶"],  # the 户号 written on the head's row only
        [None, "王子", pid(3, 2000), "子"],
        [None, "李一", pid(4), "本人"],  # a head without 户号: keyed by the ID
        [None, "李女", pid(5, 2001), "女"],
    ]
    src = xlsx(tmp_path / "r.xlsx", rows)
    with GpkgStore.create(tmp_path / "p.gpkg") as store:
        r = importer.import_layer(store, "households", str(src))
        hh = store.read_table("households", ["household_no", "head_name", "head_id"])
        members = store.read_table("members", ["household_no", "name", "seq"])
    assert hh["household_no"].tolist() == ["H1", pid(4)]
    assert hh["head_name"].tolist() == ["王一", "李一"]
    assert members["household_no"].tolist() == ["H1", "H1", "H1", pid(4), pid(4)]
    assert members["seq"].tolist() == [1, 2, 3, 1, 2]
    assert r["households"] == 2
    assert r["issues"]["household_no_missing"]["rows"] == [{"row": 5, "key": pid(4)}]


def test_without_relation_a_row_with_a_key_starts_a_household(tmp_path: Path) -> None:
    src = tmp_path / "r.csv"
    src.write_text(
        f"户号,姓名,身份证号\nH1,王一,{pid(1)}\n,王二,{pid(2)}\nH2,李一,{pid(3)}\n",
        encoding="utf-8",
    )
    with GpkgStore.create(tmp_path / "p.gpkg") as store:
        importer.import_layer(store, "households", str(src))
        members = store.read_table("members", ["household_no", "name"])
    assert members["household_no"].tolist() == ["H1", "H1", "H2"]


def test_register_keyed_by_head_id_only(tmp_path: Path) -> None:
    rows = [
        ["户主身份证号", "姓名", "身份证号", "与户主关系"],
        [pid(1), "王一", pid(1), "户主"],
        [pid(1), "王妻", pid(2), "配偶"],
        [pid(3), "李一", pid(3), "户主"],
    ]
    src = xlsx(tmp_path / "r.xlsx", rows)
    with GpkgStore.create(tmp_path / "p.gpkg") as store:
        r = importer.import_layer(store, "households", str(src))
        hh = store.read_table("households", ["household_no", "head_id"])
        members = store.read_table("members", ["household_no"])
    assert hh["household_no"].tolist() == [pid(1), pid(3)]
    assert hh["head_id"].tolist() == [pid(1), pid(3)]
    assert members["household_no"].tolist() == [pid(1), pid(1), pid(3)]
    assert "household_no_missing" not in r["issues"]


# ------------------------------------------- point 8 and issue 11 point 7: sizes
def _project_with_plot(path: Path, area_side: float) -> None:
    """One homestead of side² m² held by H1, acquired after the tiers."""
    with GpkgStore.create(path) as store, store.transaction() as conn:
        geom = shapely.box(X0, Y0, X0 + area_side, Y0 + area_side)
        cols = {k: np.array([v], dtype=object) for k, v in {
            "zddm": "500110108200JC00001", "household_no": "H1", "land_type": "非耕地",
            "acquired": "2000-01-01"}.items()}  # fmt: skip
        store.insert_features(conn, "parcels", np.array([geom], dtype=object), cols)


def _r003(path: Path, as_of: dt.date = dt.date(2024, 6, 1)) -> list[Any]:
    with GpkgStore.open(path) as store:
        return evaluate(store, ["QJ-R003"], as_of=as_of).results["QJ-R003"].findings


def test_heads_only_register_gives_its_size_to_over_area(tmp_path: Path) -> None:
    path = tmp_path / "p.gpkg"
    _project_with_plot(path, 11.0)  # 121 m²: over 30 × 3 + 10, within 30 × 4 + 10
    src = tmp_path / "heads.csv"
    src.write_text(f"户号,户主姓名,户主身份证号,家庭人口\nH1,王一,{pid(1)},5\n", encoding="utf-8")
    with GpkgStore.open(path) as store:
        r = importer.import_layer(store, "households", str(src))
        size = CheckContext(store, as_of=dt.date(2024, 6, 1)).household_size
    assert r["lists"] == "heads" and "household_size_differs" not in r["issues"]
    assert size.tolist() == [5]
    assert _r003(path) == []  # as one person it would be flagged


def test_listed_members_count_and_a_differing_size_is_flagged(tmp_path: Path) -> None:
    path = tmp_path / "p.gpkg"
    _project_with_plot(path, 11.0)
    src = tmp_path / "members.csv"
    src.write_text(
        "户号,姓名,身份证号,与户主关系,家庭人口\n"
        f"H1,王一,{pid(1)},户主,5\nH1,王妻,{pid(2)},配偶,5\nH1,王子,{pid(3, 2000)},子,5\n",
        encoding="utf-8",
    )
    with GpkgStore.open(path) as store:
        r = importer.import_layer(store, "households", str(src))
        size = CheckContext(store, as_of=dt.date(2024, 6, 1)).household_size
    assert r["lists"] == "members"
    differs = r["issues"]["household_size_differs"]["rows"]
    assert differs == [{"row": 2, "key": "H1", "members": 3, "declared": 5}]
    assert size.tolist() == [3]
    found = _r003(path)
    assert [f.evidence["members"] for f in found] == [3]


def test_household_size_counts_members_present_on_the_as_of_date(tmp_path: Path) -> None:
    path = tmp_path / "p.gpkg"
    _project_with_plot(path, 11.0)
    rows = [
        ["户号", "姓名", "身份证号", "与户主关系", "迁入日期", "迁出日期"],
        ["H1", "王一", pid(1), "户主", None, None],
        ["H1", "王妻", pid(2), "配偶", dt.date(1995, 1, 1), None],
        ["H1", "王子", pid(3, 2000), "子", None, dt.date(2022, 3, 1)],  # left in 2022
        ["H1", "王女", pid(4, 2001), "女", None, None],
        ["H1", "王孙", pid(5, 2023), "孙子", dt.date(2023, 5, 1), None],  # born 2023
    ]
    src = xlsx(tmp_path / "r.xlsx", rows)
    with GpkgStore.open(path) as store:
        r = importer.import_layer(store, "households", str(src))
        members = store.read_table("members", ["joined_on", "left_on"])
        sizes = {
            day: int(CheckContext(store, as_of=day).household_size[0])
            for day in (dt.date(2021, 1, 1), dt.date(2022, 6, 1), dt.date(2024, 6, 1))
        }
    assert r["mapping"]["fields"]["迁出日期"] == "left_on"
    assert members["left_on"].tolist()[2] == "2022-03-01"
    assert sizes == {dt.date(2021, 1, 1): 4, dt.date(2022, 6, 1): 3, dt.date(2024, 6, 1): 4}
    # 121 m² against 30 × clamp(size, 3, 5) + 10: over with 3 present, within with 4
    assert [f.evidence["members"] for f in _r003(path, dt.date(2022, 6, 1))] == [3]
    assert _r003(path, dt.date(2024, 6, 1)) == []


def test_a_saved_mapping_is_offered_again_for_a_layer(tmp_path: Path) -> None:
    def geojson(path: Path, code: str, name: str) -> Path:
        ring = [[106.60, 29.00], [106.61, 29.00], [106.61, 29.01], [106.60, 29.01], [106.60, 29.00]]
        feature = {"type": "Feature", "properties": {"BM": code, "MC": name},
                   "geometry": {"type": "Polygon", "coordinates": [ring]}}  # fmt: skip
        path.write_text(
            json.dumps({"type": "FeatureCollection", "features": [feature]}, ensure_ascii=False),
            encoding="utf-8",
        )
        return path

    first = geojson(tmp_path / "一.geojson", "500110108200", "松园村")
    second = geojson(tmp_path / "二.geojson", "500110108201", "石岗村")
    choice = tmp_path / "m.json"
    choice.write_text(json.dumps({"fields": {"BM": "code", "MC": "name"}}), encoding="utf-8")
    with GpkgStore.create(tmp_path / "p.gpkg") as store:
        plain = importer.import_layer(store, "villages", str(first), dry_run=True)
        r1 = importer.import_layer(store, "villages", str(first), mapping_file=str(choice))
        r2 = importer.import_layer(store, "villages", str(second), dry_run=True)
    assert plain["mapping"]["fields"] == {"BM": None, "MC": None}
    assert "mapping_batch" not in plain
    assert r2["mapping_batch"] == r1["batch_id"]
    assert r2["mapping"]["fields"] == {"BM": "code", "MC": "name"}


# ------------------------------------------------------------ point 9: the fast paths
def test_stripping_and_placeholders_agree_with_the_plain_rule() -> None:
    """The register's C-level fast paths (strip only columns that need it, placeholders
    by a set of spellings) give what stripping and upper-casing every value gives."""
    from qjgis.io import register

    cells = ["王一", " 王二", "王三\u3000", "\t", "n/a", "Null", "nan", "无", "N", "Nn", "#n/A",
             None, "——", "...", "户主 ", "500110"]  # fmt: skip
    values = np.array(cells, dtype=object)
    plain = [(v.strip() or None) if isinstance(v, str) else v for v in cells]
    assert register.stripped(values).tolist() == plain
    assert register.stripped(values, True).tolist() == plain
    clean = np.array(["王一", "户主", None], dtype=object)
    assert register.stripped(clean, True) is clean  # nothing to strip: not copied
    expected = [v is not None and v.upper() in register.PLACEHOLDERS for v in plain]
    assert register._placeholder(np.array(plain, dtype=object)).tolist() == expected
    assert sum(expected) == 8
    mixed = np.array([1.0, "null", None, 7], dtype=object)  # numbers are never placeholders
    assert register._placeholder(mixed).tolist() == [False, True, False, False]


# ------------------------------------------------------ forms: sections that are no rows
def test_cells_merged_across_titles_are_no_rows_cells_merged_under_one_title_are(
    tmp_path: Path,
) -> None:
    """A section title merged across the columns ("第一村民小组") is skipped and named,
    and the members after it still import; a 户号 merged down over its household's
    members, and a name merged across the two sheet columns its title spans, are the
    table's own cells and change nothing."""
    src = xlsx(
        tmp_path / "r.xlsx",
        [
            ["户号", "姓名", None, "身份证号", "与户主关系"],
            ["第一村民小组", None, None, None, None],
            ["H1", "王一", None, pid(1), "户主"],
            [None, "王二", None, pid(2), "子"],
            ["第二村民小组", None, None, None, None],
            ["H2", "李三", None, pid(3), "户主"],
        ],
        merged=("A2:E2", "A5:E5", "B1:C1", "B3:C3", "B4:C4", "B6:C6", "A3:A4"),
    )
    with GpkgStore.create(tmp_path / "p.gpkg") as store:
        r = importer.import_layer(store, "households", str(src))
        hh = store.read_table("households", ["household_no"])
        members = store.read_table("members", ["household_no", "name"])
    assert hh["household_no"].tolist() == ["H1", "H2"]
    assert members["household_no"].tolist() == ["H1", "H1", "H2"]
    assert members["name"].tolist() == ["王一", "王二", "李三"]
    assert [x["row"] for x in r["issues"]["row_form"]["rows"]] == [2, 5]
    assert "row_placeholder" not in r["issues"] and "household_no_missing" not in r["issues"]


@pytest.mark.parametrize("numbers", [False, True])
def test_values_with_blanks_around_them_are_stored_stripped(tmp_path: Path, numbers: bool) -> None:
    """A sheet of text with a blank around one value (the sheet-wide 'nothing to strip'
    check fails, each mapped column is looked at), and a sheet with a number column (the
    text columns are told one by one): the values are stored stripped, a blank-only
    relation is empty, and the head is still found."""
    size = 2 if numbers else "2"
    src = xlsx(
        tmp_path / "r.xlsx",
        [
            ["户号", "姓名", "身份证号", "与户主关系", "家庭人口"],
            ["H1 ", " 王一", pid(1), "户主\u3000", size],
            ["H1", "王二", pid(2), " ", size],
        ],
    )
    with GpkgStore.create(tmp_path / "p.gpkg") as store:
        importer.import_layer(store, "households", str(src))
        hh = store.read_table("households", ["household_no", "head_name", "declared_size"])
        members = store.read_table("members", ["household_no", "name", "relation"])
    assert hh["household_no"].tolist() == ["H1"] and hh["head_name"].tolist() == ["王一"]
    assert hh["declared_size"].tolist() == [2]
    assert members["name"].tolist() == ["王一", "王二"]
    assert members["relation"].tolist() == ["户主", None]
    assert members["household_no"].tolist() == ["H1", "H1"]


@pytest.mark.parametrize(
    "cells",
    [
        ["1970-01-01", "2020-02-29", None, "1999-12-31", "2023/1/2", "20230105"],
        ["1970-01-01", " 023-01-01", "0023-01-01", "1999-1-31 ", "2023年1月2日"],
        ["1970-01-01", " 023-01-01", "1970+01-01"],  # numpy alone would take them
        ["1970-01-01", "2023-02-30", "1999-12-31"],  # an impossible date among good ones
        ["1970-01-01", "１９７０-01-01", "2021-11-3x", 19700101.0],
        # text only (the register's columns): past ten characters, "None", blanks
        ["1970-01-01", "2020-01-011", "2020-01-01x", "None", None, "1999-12-31", "2020-01-01 "],
        [None, None],
    ],
)  # fmt: skip
def test_dates_by_numpy_agree_with_parsing_each_value(cells: list[Any]) -> None:
    """The vectorised YYYY-MM-DD path (code points checked, numpy parses) gives what
    parsing every value with the register's formats gives."""

    def plain(v: Any) -> tuple[str | None, bool]:
        if v is None:
            return None, False
        for fmt in importer._DATE_FORMATS:
            try:
                return dt.datetime.strptime(str(v).strip(), fmt).date().isoformat(), False
            except ValueError:
                continue
        return None, True

    out, bad = importer.convert("birth_date", np.array(cells, dtype=object))
    assert list(zip(out.tolist(), bad.tolist(), strict=True)) == [plain(v) for v in cells]
    if all(v is None or isinstance(v, str) for v in cells):  # the text columns' fast path
        out, bad = importer.convert("birth_date", np.array(cells, dtype=object), strings=True)
        assert list(zip(out.tolist(), bad.tolist(), strict=True)) == [plain(v) for v in cells]


def test_extra_json_holds_every_unmapped_field_of_every_row() -> None:
    """Each row's `extra` is a JSON object of the unmapped fields, formatted at once
    per row: names and values with quotes, % and CJK, None as null, numbers as text."""
    import json

    fields = {
        "村名称": np.array(["松园村", None, 'a"b', "50%"], dtype=object),
        "备注%s": np.array([None, "x\\y", "", "第二组"], dtype=object),
        "编号": np.array([1.0, 2.5, None, 7], dtype=object),
    }
    out = importer.extra_json(fields, 4, frozenset({"村名称", "备注%s"}))
    expected = [
        {"村名称": "松园村", "备注%s": None, "编号": "1"},
        {"村名称": None, "备注%s": "x\\y", "编号": "2.5"},
        {"村名称": 'a"b', "备注%s": None, "编号": None},
        {"村名称": "50%", "备注%s": "第二组", "编号": "7"},
    ]
    assert [json.loads(v) for v in out.tolist()] == expected
    assert importer.extra_json({}, 2).tolist() == [None, None]


@pytest.mark.parametrize(
    "keys",
    [["a", "b", "c"], ["a", None, "b", None], ["a", "b", "a", None, "c", "a", "b"], []],
)
def test_duplicates_of_one_slice_are_counted_as_sql_would(keys: list[Any]) -> None:
    """A file of one slice counts its duplicated keys in memory; a file whose keys are
    all different (or empty) says so without looking at each row again."""
    from collections import Counter

    w = importer.BatchWriter.__new__(importer.BatchWriter)
    w.held, w.existing = (list(range(len(keys))), keys), 0
    counts = Counter(k for k in keys if k is not None)
    dup = {k: n for k, n in counts.items() if n > 1}
    where = {k: [i + 1 for i, x in enumerate(keys) if x == k] for k in dup}
    assert w._duplicates() == (sum(dup.values()), sorted(dup.items()), where)
