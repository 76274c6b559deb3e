"""Tests for qjgis.codes: parcel/unit codes, ID numbers, vectorised masks and masking."""

from __future__ import annotations

import dataclasses
import datetime
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qjgis.codes import (
    PROVINCE_CODES,
    CodeCheck,
    CodeProblem,
    IdCheck,
    IdProblem,
    check_bdcdyh,
    check_id_number,
    check_zddm,
    convert_id15,
    id_check_char,
    id_check_chars,
    mask_id,
    mask_phone,
    normalize_id,
    valid_id_mask,
    valid_zddm_mask,
)

TODAY = datetime.date(2025, 6, 30)
CHECK_ALPHABET = "0123456789X"
DATE_PROBLEMS = {IdProblem.BAD_BIRTH_DATE, IdProblem.FUTURE_BIRTH_DATE}


def reference_check_char(body17: str) -> str:
    """ISO 7064 MOD 11-2 from its definition, independent of the weight table under test.

    The check character c (X = 10) is the one for which sum(d_i * 2**(17 - i)) over all 18
    positions is congruent to 1 mod 11.
    """
    matches = [
        c
        for value, c in enumerate(CHECK_ALPHABET)
        if (sum(int(d) * 2 ** (17 - i) for i, d in enumerate(body17)) + value) % 11 == 1
    ]
    assert len(matches) == 1
    return matches[0]


def with_check(body17: str) -> str:
    return body17 + reference_check_char(body17)


# ------------------------------------------------------------------------- ID: test vectors


@pytest.mark.parametrize(
    ("number", "birth", "sex", "address"),
    [
        ("11010519491231002X", datetime.date(1949, 12, 31), "F", "110105"),
        ("440524188001010014", datetime.date(1880, 1, 1), "M", "440524"),
    ],
)
def test_published_vectors_pass(number: str, birth: datetime.date, sex: str, address: str) -> None:
    result = check_id_number(number, today=TODAY)
    assert result == IdCheck(
        ok=True,
        normalized=number,
        errors=(),
        warnings=(),
        birth_date=birth,
        sex=sex,  # type: ignore[arg-type]
        address_code=address,
    )


def test_published_vectors_check_chars() -> None:
    assert id_check_char("11010519491231002") == "X"
    assert id_check_char("44052418800101001") == "4"


@pytest.mark.parametrize(
    "number",
    [
        "440524188001010015",  # last digit
        "440524188001010024",  # a sequence digit
        "440525188001010014",  # an address digit
        "110105194912310020",  # X replaced by 0
    ],
)
def test_one_changed_character_fails_the_check_digit(number: str) -> None:
    result = check_id_number(number, today=TODAY)
    assert not result.ok
    assert result.errors == (IdProblem.BAD_CHECK_DIGIT,)
    assert result.normalized is None
    assert result.birth_date is None
    assert result.sex is None
    assert result.address_code is None


def test_lower_case_x_and_whitespace_are_normalised() -> None:
    result = check_id_number("  11010519491231002x\t", today=TODAY)
    assert result.ok
    assert result.normalized == "11010519491231002X"
    assert normalize_id(" 11010519491231002x ") == "11010519491231002X"


def test_full_width_digits_are_accepted() -> None:
    full = "１１０１０５１９４９１２３１００２ｘ"
    result = check_id_number(full, today=TODAY)
    assert result.ok
    assert result.normalized == "11010519491231002X"


def test_non_ascii_digits_are_not_digits() -> None:
    # Arabic-Indic digits pass str.isdigit() and int(); they must not pass here.
    arabic = "".join(chr(0x0660 + int(d)) for d in "44052418800101001") + "4"
    assert check_id_number(arabic, today=TODAY).errors[0] == IdProblem.NON_DIGIT


def test_fifteen_digit_number_is_converted() -> None:
    assert convert_id15("110105491231002") == "11010519491231002X"
    assert normalize_id("110105491231002") == "11010519491231002X"
    result = check_id_number("110105491231002", today=TODAY)
    assert result.ok
    assert result.normalized == "11010519491231002X"
    assert result.warnings == (IdProblem.CONVERTED_FROM_15,)
    assert result.birth_date == datetime.date(1949, 12, 31)


@pytest.mark.parametrize("bad", ["11010549123100", "1101054912310021", "11010549123100X", ""])
def test_convert_id15_rejects_other_input(bad: str) -> None:
    with pytest.raises(ValueError, match="15 ASCII digits"):
        convert_id15(bad)


def test_normalize_id_leaves_non_ids_alone() -> None:
    assert normalize_id(" abc ") == "ABC"
    assert normalize_id("11010549123100X") == "11010549123100X"


def test_future_birth_date_is_rejected() -> None:
    number = with_check("11010520300101001")
    result = check_id_number(number, today=TODAY)
    assert result.errors == (IdProblem.FUTURE_BIRTH_DATE,)
    # The same number is fine once that day has come.
    assert check_id_number(number, today=datetime.date(2030, 1, 1)).ok


@pytest.mark.parametrize("yyyymmdd", ["19990230", "19991301", "19990000", "18791231", "00000101"])
def test_impossible_birth_date_is_rejected(yyyymmdd: str) -> None:
    number = with_check("110105" + yyyymmdd + "001")
    assert check_id_number(number, today=TODAY).errors == (IdProblem.BAD_BIRTH_DATE,)


def test_leap_day_is_a_real_date() -> None:
    assert check_id_number(with_check("11010520000229001"), today=TODAY).ok


@pytest.mark.parametrize(
    "text", ["4.40524E+17", "4.40524e17", "4.40524E+017", "440524188001010000.0", "4.4E17", "1e5"]
)
def test_excel_mangled_numbers_are_unrecoverable(text: str) -> None:
    result = check_id_number(text, today=TODAY)
    assert result.errors == (IdProblem.SCIENTIFIC_NOTATION,)
    assert result.normalized is None


def test_fifteen_digit_float_rendering_is_exact_and_repaired() -> None:
    result = check_id_number("110105491231002.0", today=TODAY)
    assert result.ok
    assert result.normalized == "11010519491231002X"
    assert result.warnings == (IdProblem.FLOAT_SUFFIX_REMOVED, IdProblem.CONVERTED_FROM_15)


@pytest.mark.parametrize(
    ("prefix", "warned"),
    [
        ("500222", True),  # 綦江县 before 2011
        ("510222", True),  # Sichuan era
        ("500110", False),  # 綦江区 today
        ("440524", False),  # another province's ordinary code
        ("500112", False),  # a Chongqing code that is not legacy
    ],
)
def test_old_address_code_warns_but_passes(prefix: str, warned: bool) -> None:
    result = check_id_number(with_check(prefix + "19800101123"), today=TODAY)
    assert result.ok
    assert result.errors == ()
    assert result.warnings == ((IdProblem.OLD_ADDRESS_CODE,) if warned else ())
    assert result.address_code == prefix


def test_address_prefix_sets_are_configurable() -> None:
    number = with_check("50022219800101123")
    current = frozenset({"500222"})
    assert check_id_number(number, today=TODAY, current_prefixes=current).warnings == ()
    other = check_id_number(
        with_check("44052419800101123"), today=TODAY, legacy_prefixes=frozenset({"4405"})
    )
    assert other.warnings == (IdProblem.OLD_ADDRESS_CODE,)


@pytest.mark.parametrize("province", ["99", "00", "10", "20", "55", "70", "83"])
def test_unknown_province_is_rejected(province: str) -> None:
    result = check_id_number(with_check(province + "010519491231002"), today=TODAY)
    assert result.errors == (IdProblem.BAD_PROVINCE,)


def test_every_real_province_is_accepted() -> None:
    expected = {
        *range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47),
        *range(50, 55), *range(61, 66), 71, 81, 82,
    }  # fmt: skip
    assert {int(p) for p in PROVINCE_CODES} == expected
    for p in PROVINCE_CODES:
        assert check_id_number(with_check(p + "010519491231002"), today=TODAY).ok, p


@pytest.mark.parametrize(
    ("text", "errors"),
    [
        ("", (IdProblem.EMPTY,)),
        ("   ", (IdProblem.EMPTY,)),
        ("1101051949123100", (IdProblem.WRONG_LENGTH,)),
        ("1101051949123100X", (IdProblem.WRONG_LENGTH,)),
        ("11010519491231002X1", (IdProblem.WRONG_LENGTH, IdProblem.NON_DIGIT)),
        ("张三", (IdProblem.WRONG_LENGTH, IdProblem.NON_DIGIT)),
        ("1101051949123100XX", (IdProblem.NON_DIGIT,)),
        ("11010519491231002Y", (IdProblem.NON_DIGIT,)),
        ("110105 19491231 02", (IdProblem.NON_DIGIT,)),
        ("11010519990230A01X", (IdProblem.NON_DIGIT, IdProblem.BAD_BIRTH_DATE)),
    ],
)
def test_format_problems(text: str, errors: tuple[IdProblem, ...]) -> None:
    result = check_id_number(text, today=TODAY)
    assert result.errors == errors
    assert not result.ok


def test_several_id_problems_are_reported_together_in_order() -> None:
    body = "99010519990230001"
    wrong = next(c for c in CHECK_ALPHABET if c != reference_check_char(body))
    result = check_id_number(body + wrong, today=TODAY)
    assert result.errors == (
        IdProblem.BAD_PROVINCE,
        IdProblem.BAD_BIRTH_DATE,
        IdProblem.BAD_CHECK_DIGIT,
    )


def test_sex_follows_the_sequence_parity() -> None:
    assert check_id_number(with_check("11010519800101001"), today=TODAY).sex == "M"
    assert check_id_number(with_check("11010519800101010"), today=TODAY).sex == "F"


def test_non_string_input_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        check_id_number(4.40524e17)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        check_zddm(None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "bad", ["1101051949123100", "1101051949123100A", "１１０１０５１９４９１２３１００２"]
)
def test_id_check_char_rejects_non_bodies(bad: str) -> None:
    with pytest.raises(ValueError, match="17 ASCII digits"):
        id_check_char(bad)


def test_results_are_frozen_and_consistent() -> None:
    result = check_id_number("11010519491231002X", today=TODAY)
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.ok = False  # type: ignore[misc]
    with pytest.raises(ValueError, match="ok must be"):
        IdCheck(ok=True, normalized=None, errors=(IdProblem.EMPTY,), warnings=())
    with pytest.raises(ValueError, match="ok must be"):
        CodeCheck(ok=False, normalized=None, errors=(), warnings=())


def test_problem_values_are_stable_codes_not_sentences() -> None:
    values = [p.value for p in CodeProblem] + [p.value for p in IdProblem]
    assert len(values) == len(set(values))
    for v in values:
        assert re.fullmatch(r"(code|id)\.[a-z0-9_]+", v), v
    assert CodeProblem.NOT_HOMESTEAD.value == "code.not_homestead"
    assert IdProblem.BAD_CHECK_DIGIT.value == "id.bad_check_digit"


# --------------------------------------------------------------------------- parcel codes

ZDDM = "500110108001JC00001"


def test_homestead_parcel_code_is_valid() -> None:
    for homestead in (False, True):
        result = check_zddm(ZDDM, homestead=homestead)
        assert result == CodeCheck(ok=True, normalized=ZDDM, errors=(), warnings=())


@pytest.mark.parametrize(
    "code", ["500110108001JC00001F00010001", "500110108001JC00001W00000000", ZDDM + "L00010002"]
)
def test_valid_unit_codes(code: str) -> None:
    result = check_bdcdyh(code, homestead=True)
    assert result.ok
    assert result.normalized == code


def test_no_fixture_must_be_all_zero() -> None:
    result = check_bdcdyh("500110108001JC00001W00010001")
    assert result.errors == (CodeProblem.FIXTURE_W_NOT_ZERO,)
    assert result.normalized is None


@pytest.mark.parametrize(
    ("code", "errors"),
    [
        (ZDDM + "X00010001", (CodeProblem.BAD_FIXTURE_LETTER,)),
        (ZDDM + "F0001000A", (CodeProblem.BAD_FIXTURE_NUMBER,)),
        (ZDDM + "W0000000O", (CodeProblem.BAD_FIXTURE_NUMBER,)),
        (ZDDM, (CodeProblem.WRONG_LENGTH,)),
        (ZDDM + "F000100010", (CodeProblem.WRONG_LENGTH,)),
        ("500110108001KC00000X0001000A", (
            CodeProblem.BAD_OWNERSHIP_LETTER,
            CodeProblem.BAD_SERIAL,
            CodeProblem.BAD_FIXTURE_LETTER,
            CodeProblem.BAD_FIXTURE_NUMBER,
        )),
    ],
)  # fmt: skip
def test_unit_code_problems(code: str, errors: tuple[CodeProblem, ...]) -> None:
    assert check_bdcdyh(code).errors == errors


def test_unit_code_homestead_rule_comes_last() -> None:
    result = check_bdcdyh("500110108001JB00001W00010001", homestead=True)
    assert result.errors == (CodeProblem.FIXTURE_W_NOT_ZERO, CodeProblem.NOT_HOMESTEAD)


@pytest.mark.parametrize(
    ("code", "errors"),
    [
        ("500110108001JC0001", (CodeProblem.WRONG_LENGTH,)),
        ("500110108001JC000001", (CodeProblem.WRONG_LENGTH,)),
        ("500110108001JC00001F00010001", (CodeProblem.WRONG_LENGTH,)),
        ("", (CodeProblem.EMPTY,)),
        (" \t\n", (CodeProblem.EMPTY,)),
        ("500110108001KC00001", (CodeProblem.BAD_OWNERSHIP_LETTER,)),
        ("500110108001JK00001", (CodeProblem.BAD_PARCEL_TYPE_LETTER,)),
        ("500110108001JC00000", (CodeProblem.BAD_SERIAL,)),
        ("500110108001JC0000A", (CodeProblem.BAD_SERIAL,)),
        ("990110108001JC00001", (CodeProblem.BAD_COUNTY,)),
        ("5001A0108001JC00001", (CodeProblem.BAD_COUNTY,)),
        ("5001101O8001JC00001", (CodeProblem.BAD_ZONE_DIGITS,)),
    ],
)
def test_parcel_code_problems(code: str, errors: tuple[CodeProblem, ...]) -> None:
    result = check_zddm(code)
    assert result.errors == errors
    assert not result.ok
    assert result.normalized is None


def test_collective_construction_land_is_not_a_homestead() -> None:
    code = "500110108001JB00001"
    assert check_zddm(code).ok
    assert check_zddm(code, homestead=True).errors == (CodeProblem.NOT_HOMESTEAD,)
    assert check_zddm("500110108001GC00001", homestead=True).errors == (CodeProblem.NOT_HOMESTEAD,)


def test_bad_ownership_letter_on_a_homestead_reports_both() -> None:
    result = check_zddm("500110108001KC00001", homestead=True)
    assert result.errors == (CodeProblem.BAD_OWNERSHIP_LETTER, CodeProblem.NOT_HOMESTEAD)


def test_virtual_unit_is_a_warning() -> None:
    result = check_zddm("500110000000JC00001")
    assert result.ok
    assert result.warnings == (CodeProblem.VIRTUAL_UNIT,)
    # Only both zero counts, and sea areas legitimately use zero zones.
    assert check_zddm("500110000001JC00001").warnings == ()
    assert check_zddm("500110000000GH00001").warnings == ()


def test_legacy_county_is_a_warning() -> None:
    result = check_zddm("500222108001JC00001")
    assert result.ok
    assert result.warnings == (CodeProblem.OLD_COUNTY_CODE,)
    assert check_zddm("500222108001JC00001", legacy_counties=frozenset()).warnings == ()


def test_many_parcel_problems_are_reported_at_once_in_position_order() -> None:
    result = check_zddm("9901101O8001KQ00000", homestead=True)
    assert result.errors == (
        CodeProblem.BAD_COUNTY,
        CodeProblem.BAD_ZONE_DIGITS,
        CodeProblem.BAD_OWNERSHIP_LETTER,
        CodeProblem.BAD_PARCEL_TYPE_LETTER,
        CodeProblem.BAD_SERIAL,
        CodeProblem.NOT_HOMESTEAD,
    )


def test_parcel_code_is_trimmed_and_upper_cased() -> None:
    assert check_zddm("  500110108001jc00001\n", homestead=True).normalized == ZDDM
    full_width = "５００１１０１０８００１ＪＣ００００１"
    assert check_zddm(full_width).normalized == ZDDM


def test_parcel_code_needs_ascii_digits() -> None:
    arabic = "".join(chr(0x0660 + int(d)) for d in "500110108001") + "JC00001"
    assert check_zddm(arabic).errors == (CodeProblem.BAD_COUNTY, CodeProblem.BAD_ZONE_DIGITS)


# ----------------------------------------------------------------------- vectorised helpers


def test_id_check_chars_vectors_and_dtype() -> None:
    digits = np.array(
        [[int(c) for c in "11010519491231002"], [int(c) for c in "44052418800101001"]]
    )
    out = id_check_chars(digits.astype(np.uint8))  # uint8 would overflow a naive sum
    assert out.dtype == np.dtype("<U1")
    assert out.tolist() == ["X", "4"]
    assert id_check_chars(np.zeros((0, 17), dtype=int)).shape == (0,)


@pytest.mark.parametrize(
    ("array", "error"),
    [
        (np.zeros((3, 16), dtype=int), ValueError),
        (np.zeros(17, dtype=int), ValueError),
        (np.full((2, 17), 10), ValueError),
        (np.full((2, 17), -1), ValueError),
        (np.zeros((2, 17)), TypeError),
    ],
)
def test_id_check_chars_rejects_bad_input(array: np.ndarray, error: type[Exception]) -> None:
    with pytest.raises(error):
        id_check_chars(array)


def test_valid_id_mask_examples() -> None:
    ids = np.array(
        [
            "11010519491231002X",
            " 11010519491231002x ",
            "440524188001010015",
            "99010519491231002" + reference_check_char("99010519491231002"),
            "110105491231002",  # 15 digits: per-row check converts it, the mask does not
            "4.40524E+17",
            "",
            "11010519491231002X0",
        ]
    )
    assert valid_id_mask(ids).tolist() == [True, True, False, False, False, False, False, False]


def test_valid_id_mask_ignores_the_birth_date_as_documented() -> None:
    number = with_check("11010519990230001")
    assert valid_id_mask([number]).tolist() == [True]
    assert not check_id_number(number, today=TODAY).ok


def test_masks_accept_object_arrays_and_keep_shape() -> None:
    ids = np.array([["11010519491231002X", None], [4.4e17, b"x"]], dtype=object)
    assert valid_id_mask(ids).tolist() == [[True, False], [False, False]]
    codes = np.array([ZDDM, None, 1.0], dtype=object)
    assert valid_zddm_mask(codes).tolist() == [True, False, False]
    assert valid_id_mask(np.array([], dtype=str)).shape == (0,)
    assert valid_zddm_mask([]).shape == (0,)


def test_valid_zddm_mask_examples() -> None:
    codes = [ZDDM, "500110108001JB00001", "500110108001JC00000", "500110108001KC00001", ""]
    assert valid_zddm_mask(codes).tolist() == [True, True, False, False, False]
    assert valid_zddm_mask(codes, homestead=True).tolist() == [True, False, False, False, False]


# ---------------------------------------------------------------------------------- masking


def test_mask_examples() -> None:
    assert mask_id("500110198001011234") == "500110********1234"
    assert mask_id(" 50011019800101123x ") == "500110********123X"
    assert mask_id("110105491231002") == "110105*****1002"
    assert mask_id("12345") == "*****"
    assert mask_id("") == ""
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("138-1234-5678") == "138-****-5678"
    assert mask_phone("48621234") == "********"
    assert mask_phone("１３８１２３４５６７８") == "１３８****５６７８"
    assert mask_phone("") == ""


# ------------------------------------------------------------------------------- properties

digit_text = st.text(alphabet="0123456789", min_size=1, max_size=1)


@st.composite
def valid_bodies(draw: st.DrawFn) -> str:
    province = draw(st.sampled_from(sorted(PROVINCE_CODES)))
    county = draw(st.text(alphabet="0123456789", min_size=4, max_size=4))
    born = draw(st.dates(min_value=datetime.date(1880, 1, 1), max_value=TODAY))
    sequence = draw(st.text(alphabet="0123456789", min_size=3, max_size=3))
    return f"{province}{county}{born:%Y%m%d}{sequence}"


@given(valid_bodies())
def test_only_the_right_check_char_passes(body: str) -> None:
    right = id_check_char(body)
    assert right == reference_check_char(body)
    good = check_id_number(body + right, today=TODAY)
    assert good.ok
    assert good.normalized == body + right
    assert good.birth_date == datetime.date(int(body[6:10]), int(body[10:12]), int(body[12:14]))
    assert good.sex == ("M" if int(body[16]) % 2 else "F")
    for other in CHECK_ALPHABET.replace(right, ""):
        bad = check_id_number(body + other, today=TODAY)
        assert bad.errors == (IdProblem.BAD_CHECK_DIGIT,)


@given(valid_bodies(), st.integers(0, 16), st.integers(1, 9))
def test_any_single_digit_error_is_caught(body: str, position: int, shift: int) -> None:
    # MOD 11-2 detects every single substitution; the other checks may notice it first.
    number = body + id_check_char(body)
    changed = str((int(number[position]) + shift) % 10)
    mutated = number[:position] + changed + number[position + 1 :]
    assert not check_id_number(mutated, today=TODAY).ok


@given(st.lists(st.lists(st.integers(0, 9), min_size=17, max_size=17), max_size=40))
def test_vectorised_check_chars_match_scalar(rows: list[list[int]]) -> None:
    digits = np.array(rows, dtype=np.int64).reshape(-1, 17)
    expected = [id_check_char("".join(map(str, row))) for row in rows]
    assert id_check_chars(digits).tolist() == expected


@st.composite
def mutated_ids(draw: st.DrawFn) -> str:
    body = draw(valid_bodies())
    number = body + id_check_char(body)
    kind = draw(st.sampled_from(["valid", "lower", "padded", "swap", "drop", "extra", "letter"]))
    i = draw(st.integers(0, 17))
    if kind == "lower":
        return number.lower()
    if kind == "padded":
        return draw(st.sampled_from([" ", "\t", ""])) + number + draw(st.sampled_from([" ", ""]))
    if kind == "swap":
        return number[:i] + draw(st.sampled_from(CHECK_ALPHABET)) + number[i + 1 :]
    if kind == "drop":
        return number[:i] + number[i + 1 :]
    if kind == "extra":
        return number[:i] + draw(st.sampled_from(CHECK_ALPHABET)) + number[i:]
    if kind == "letter":
        return number[:i] + draw(st.sampled_from("AbZ.-")) + number[i + 1 :]
    return number


id_samples = st.one_of(
    mutated_ids(),
    st.text(alphabet="0123456789Xx .E+", max_size=22),
    st.sampled_from(["4.40524E+17", "440524188001010000.0", "", "None"]),
).filter(
    # The mask leaves 15-digit numbers (also as floats) to the row check, as documented.
    lambda s: not re.fullmatch(r"\s*\d{15}(\.0*)?\s*", s)
)


@settings(max_examples=200)
@given(st.lists(id_samples, max_size=25))
def test_valid_id_mask_agrees_with_the_row_check(sample: list[str]) -> None:
    mask = valid_id_mask(np.array(sample, dtype=object)).tolist()
    assert valid_id_mask(np.array(sample, dtype=str)).tolist() == mask
    for text, flag in zip(sample, mask, strict=True):
        result = check_id_number(text, today=TODAY)
        # The mask skips the birth date by design; everything else must agree.
        assert flag == set(result.errors).issubset(DATE_PROBLEMS), (text, result)


@given(st.lists(mutated_ids(), max_size=25))
def test_valid_id_mask_equals_ok_for_valid_dates(sample: list[str]) -> None:
    dated = [s for s in sample if not DATE_PROBLEMS & set(check_id_number(s, today=TODAY).errors)]
    expected = [check_id_number(s, today=TODAY).ok for s in dated]
    assert valid_id_mask(np.array(dated, dtype=object)).tolist() == expected


@st.composite
def mutated_zddms(draw: st.DrawFn) -> str:
    county = draw(st.sampled_from(["500110", "500222", "441900", "990110"]))
    zone = draw(st.sampled_from(["108001", "000000", "1O8001"]))
    letters = draw(st.sampled_from(["JC", "JB", "GB", "jc", "KC", "JK", "GH"]))
    serial = draw(st.sampled_from(["00001", "99999", "00000", "0000A"]))
    code = county + zone + letters + serial
    kind = draw(st.sampled_from(["as is", "drop", "pad", "swap"]))
    i = draw(st.integers(0, 18))
    if kind == "drop":
        return code[:i] + code[i + 1 :]
    if kind == "pad":
        return f" {code}\t"
    if kind == "swap":
        return code[:i] + draw(st.sampled_from("0123456789GJZCBKx ")) + code[i + 1 :]
    return code


@settings(max_examples=200)
@given(
    st.lists(st.one_of(mutated_zddms(), st.text("0123456789JCBK ", max_size=21)), max_size=25),
    st.booleans(),
)
def test_valid_zddm_mask_equals_row_check(sample: list[str], homestead: bool) -> None:
    expected = [check_zddm(s, homestead=homestead).ok for s in sample]
    assert valid_zddm_mask(np.array(sample, dtype=object), homestead=homestead).tolist() == expected


@given(st.text())
def test_mask_id_keeps_length_and_hides_the_middle(text: str) -> None:
    core = text.strip()
    out = mask_id(text)
    assert len(out) == len(core)
    if len(core) >= 15:
        assert out[:6] == core[:6]
        assert out[-4:] == core[-4:].replace("x", "X")
        assert set(out[6:-4]) == {"*"}
    else:
        assert set(out) <= {"*"}


@given(valid_bodies())
def test_mask_id_never_shows_the_birth_date(body: str) -> None:
    number = body + id_check_char(body)
    assert mask_id(number) == number[:6] + "********" + number[14:]


@given(st.text(alphabet="0123456789", min_size=11, max_size=11))
def test_mask_phone_on_mobiles(phone: str) -> None:
    assert mask_phone(phone) == phone[:3] + "****" + phone[7:]


@given(st.text())
def test_mask_phone_keeps_length_and_reveals_at_most_seven_digits(text: str) -> None:
    out = mask_phone(text)
    assert len(out) == len(text)
    positions = [i for i, c in enumerate(text) if c.isdecimal()]
    revealed = [i for i in positions if out[i] != "*"]
    if len(positions) >= 11:
        assert revealed == positions[:3] + positions[-4:]
    else:
        assert revealed == []
    others = [i for i in range(len(text)) if i not in positions]
    assert all(out[i] == text[i] for i in others)


@settings(max_examples=200)
@given(st.lists(id_samples, max_size=25))
def test_valid_id_mask_with_the_birth_date_equals_the_row_check(sample: list[str]) -> None:
    # born_by adds what the plain mask leaves out: a real birth date from 1880 to that day.
    mask = valid_id_mask(np.array(sample, dtype=object), born_by=np.datetime64(TODAY, "D"))
    for text, flag in zip(sample, mask.tolist(), strict=True):
        assert flag == check_id_number(text, today=TODAY).ok, text


def test_valid_id_mask_birth_date_bounds() -> None:
    ids = [
        with_check("11010518800101001"),  # the first day accepted
        with_check("11010518791231001"),
        with_check("11010520000229001"),  # a leap day
        with_check("11010519000229001"),  # not one
        with_check("11010519491231001"),
    ]
    got = valid_id_mask(ids, born_by=np.datetime64("1949-12-30", "D")).tolist()
    assert got == [True, False, False, False, False]
    got = valid_id_mask(ids, born_by=np.datetime64("2000-02-29", "D")).tolist()
    assert got == [True, False, True, False, True]
