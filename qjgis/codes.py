"""Parcel codes, real-property unit codes and resident ID numbers: validation and masking.

Formats follow GB/T 37346-2019 (宗地代码, 不动产单元代码) and GB 11643-1999 (公民身份号码);
see sections 3 and 7 of the project's domain rules.

The checks return stable problem codes, never sentences: the UI translates the codes. Every
check reports all the problems it can find, because a surveyor fixing a spreadsheet row wants
the whole list at once rather than one round trip per mistake.

Two tiers:
- ``check_zddm`` / ``check_bdcdyh`` / ``check_id_number`` look at one value and explain it;
- ``valid_zddm_mask`` / ``valid_id_mask`` / ``id_check_chars`` answer yes/no for a whole column
  with numpy, so that an import of 100 000 rows only pays the per-row price for the rows that
  fail (run the per-row check on those to tell the user why).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "BDCDYH_LENGTH",
    "CURRENT_ADDRESS_PREFIXES",
    "EXEMPTION_CODES",
    "ID_WEIGHTS",
    "LEGACY_ADDRESS_PREFIXES",
    "PROVINCE_CODES",
    "ZDDM_LENGTH",
    "CodeCheck",
    "CodeProblem",
    "IdCheck",
    "IdProblem",
    "check_bdcdyh",
    "check_id_number",
    "check_zddm",
    "convert_id15",
    "id_check_char",
    "id_check_chars",
    "mask_id",
    "mask_phone",
    "normalize_id",
    "valid_id_mask",
    "valid_zddm_mask",
]


#: Exemption codes a reviewer may give a finding decided 豁免 (domain rules §1, DESIGN.md:
#: inheritance 继承, historical 历史遗留, household split 分户, resettlement 安置/异地搬迁,
#: reclamation 复垦). The checks find the same codes (qjgis.checks.rules_household).
#: Persisted with decisions: never change one.
EXEMPTION_CODES: Final = ("inheritance", "historical", "split", "resettlement", "reclamation")


class CodeProblem(StrEnum):
    """Problems of a 宗地代码 (ZDDM) or 不动产单元代码 (BDCDYH).

    The values are translation keys and are persisted with findings: never change one.
    """

    EMPTY = "code.empty"
    WRONG_LENGTH = "code.wrong_length"
    BAD_COUNTY = "code.bad_county"
    BAD_ZONE_DIGITS = "code.bad_zone_digits"
    BAD_OWNERSHIP_LETTER = "code.bad_ownership_letter"
    BAD_PARCEL_TYPE_LETTER = "code.bad_parcel_type_letter"
    BAD_SERIAL = "code.bad_serial"
    BAD_FIXTURE_LETTER = "code.bad_fixture_letter"
    BAD_FIXTURE_NUMBER = "code.bad_fixture_number"
    FIXTURE_W_NOT_ZERO = "code.fixture_w_not_zero"
    NOT_HOMESTEAD = "code.not_homestead"
    OTHER_COUNTY = "code.other_county"  # a county code, but not the project's district
    FIXTURE_NOT_HOUSE = "code.fixture_not_house"  # a building's unit code must name a house (F)
    # Warnings only: the code is well formed but deserves a look.
    VIRTUAL_UNIT = "code.virtual_unit"
    OLD_COUNTY_CODE = "code.old_county_code"


class IdProblem(StrEnum):
    """Problems of a resident ID number (公民身份号码).

    The values are translation keys and are persisted with findings: never change one.
    """

    EMPTY = "id.empty"
    WRONG_LENGTH = "id.wrong_length"
    NON_DIGIT = "id.non_digit"
    BAD_PROVINCE = "id.bad_province"
    BAD_BIRTH_DATE = "id.bad_birth_date"
    FUTURE_BIRTH_DATE = "id.future_birth_date"
    BAD_CHECK_DIGIT = "id.bad_check_digit"
    SCIENTIFIC_NOTATION = "id.scientific_notation"
    # Warnings only: the number is usable as normalised.
    OLD_ADDRESS_CODE = "id.old_address_code"
    CONVERTED_FROM_15 = "id.converted_from_15"
    FLOAT_SUFFIX_REMOVED = "id.float_suffix_removed"


@dataclass(frozen=True)
class CodeCheck:
    """Outcome of ``check_zddm`` / ``check_bdcdyh``.

    ``normalized`` is set only when ``ok``, so that callers cannot store a code that failed.
    """

    ok: bool
    normalized: str | None
    errors: tuple[CodeProblem, ...]
    warnings: tuple[CodeProblem, ...]

    def __post_init__(self) -> None:
        # A result whose flag disagrees with its error list would let a bad code through.
        if self.ok == bool(self.errors):
            raise ValueError("ok must be True exactly when there are no errors")


@dataclass(frozen=True)
class IdCheck:
    """Outcome of ``check_id_number``.

    ``normalized`` and the derived facts (birth date, sex, address code) are set only when
    ``ok``: facts read from a number that failed its check digit are not trustworthy.
    """

    ok: bool
    normalized: str | None
    errors: tuple[IdProblem, ...]
    warnings: tuple[IdProblem, ...]
    birth_date: datetime.date | None = None
    sex: Literal["M", "F"] | None = None
    address_code: str | None = None

    def __post_init__(self) -> None:
        if self.ok == bool(self.errors):
            raise ValueError("ok must be True exactly when there are no errors")


# ------------------------------------------------------------------------------- constants

ZDDM_LENGTH: Final = 19
BDCDYH_LENGTH: Final = 28

#: First two digits of GB/T 2260 codes that name a real province-level division.
PROVINCE_CODES: Final[frozenset[str]] = frozenset(
    f"{p:02d}"
    for p in (
        *range(11, 16),
        *range(21, 24),
        *range(31, 38),
        *range(41, 47),
        *range(50, 55),
        *range(61, 66),
        71,
        81,
        82,
    )
)

#: 綦江区 today.
CURRENT_ADDRESS_PREFIXES: Final[frozenset[str]] = frozenset({"500110"})
#: 綦江县 before the 2011 merger; still printed on old ID cards and certificates.
LEGACY_ADDRESS_PREFIXES: Final[frozenset[str]] = frozenset({"500222"})
# Chongqing was part of Sichuan until 1997, so older residents may carry a 51xxxx code.
_SICHUAN_ERA_PREFIX: Final = "51"

#: ISO 7064 MOD 11-2 weights, 2**(17 - i) mod 11.
ID_WEIGHTS: Final[tuple[int, ...]] = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS: Final = "10X98765432"
_EARLIEST_BIRTH: Final = datetime.date(1880, 1, 1)

# Python's str.isdigit() and regex \d accept Arabic-Indic and other Unicode digits, which
# int() would happily parse; a code must be plain ASCII to match the registration systems.
_DIGITS: Final = frozenset("0123456789")
_OWNERSHIP_LETTERS: Final = frozenset("GJZ")
_PARCEL_TYPE_LETTERS: Final = frozenset("ABSXCDEFHGWY")
# In sea areas an all-zero zone is a real code, not a placeholder (gtmap's rule).
_SEA_TYPE_LETTERS: Final = frozenset("HG")
_FIXTURE_LETTERS: Final = frozenset("FLQW")

# Chinese input methods type full-width digits and letters (ＪＣ００００１); map them to ASCII
# so that a code typed in a Chinese spreadsheet is not rejected for its width.
_HALFWIDTH: Final = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}

# What Excel and pandas leave of a number stored as a number: the digits past the 15th are
# gone, so the original cannot be rebuilt.
_SCIENTIFIC_RE: Final = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)E[+-]?\d+", re.ASCII)
_DECIMAL_RE: Final = re.compile(r"[+-]?\d+\.\d*", re.ASCII)
# A 15-digit number is below both 2**53 and Excel's 15 significant digits, so its float
# rendering is exact and the ".0" can be dropped safely.
_EXACT_FLOAT15_RE: Final = re.compile(r"(\d{15})\.0*", re.ASCII)


def _clean(s: str) -> str:
    if not isinstance(s, str):
        # Spreadsheet readers hand back floats and None for blank or numeric cells; the caller
        # must decide what those mean instead of us guessing through str().
        raise TypeError(f"expected str, got {type(s).__name__}")
    return s.translate(_HALFWIDTH).strip().upper()


def _is_digits(s: str) -> bool:
    return bool(s) and all(c in _DIGITS for c in s)


# ------------------------------------------------------------------------ parcel/unit codes


def _zddm_field_problems(
    code: str, legacy_counties: frozenset[str], county_code: str | None = None
) -> tuple[list[CodeProblem], list[CodeProblem]]:
    """Problems of the first 19 characters, in the order of their positions."""
    errors: list[CodeProblem] = []
    warnings: list[CodeProblem] = []

    county = code[0:6]
    if not _is_digits(county) or county[:2] not in PROVINCE_CODES:
        errors.append(CodeProblem.BAD_COUNTY)
    elif county in legacy_counties:
        warnings.append(CodeProblem.OLD_COUNTY_CODE)
    elif county_code is not None and county != county_code:
        errors.append(CodeProblem.OTHER_COUNTY)

    zone = code[6:12]
    if not _is_digits(zone):
        errors.append(CodeProblem.BAD_ZONE_DIGITS)
    elif zone == "000000" and code[13] not in _SEA_TYPE_LETTERS:
        warnings.append(CodeProblem.VIRTUAL_UNIT)

    if code[12] not in _OWNERSHIP_LETTERS:
        errors.append(CodeProblem.BAD_OWNERSHIP_LETTER)
    if code[13] not in _PARCEL_TYPE_LETTERS:
        errors.append(CodeProblem.BAD_PARCEL_TYPE_LETTER)

    serial = code[14:19]
    if not _is_digits(serial) or serial == "00000":
        errors.append(CodeProblem.BAD_SERIAL)
    return errors, warnings


def _code_result(text: str, errors: list[CodeProblem], warnings: list[CodeProblem]) -> CodeCheck:
    return CodeCheck(
        ok=not errors,
        normalized=None if errors else text,
        errors=tuple(errors),
        warnings=tuple(warnings),
    )


def check_zddm(
    code: str,
    *,
    homestead: bool = False,
    legacy_counties: frozenset[str] = LEGACY_ADDRESS_PREFIXES,
    county_code: str | None = None,
) -> CodeCheck:
    """Check a 19-character 宗地代码.

    Layout: county(6) zone(3) subzone(3) ownership[GJZ] type[ABSXCDEFHGWY] serial(5), serial
    00001-99999. ``homestead=True`` also requires ``JC`` (collective land, homestead right).

    Leading/trailing whitespace is ignored, full-width characters and lower case are accepted;
    ``normalized`` is ASCII upper case. Errors come in the order of the code's positions, and
    NOT_HOMESTEAD (a rule over two letters) after the single-letter problems that may explain
    it. A wrong length is reported alone: the positions of the fields are then unknown, and
    field-level findings would point at the wrong characters.

    Warnings: VIRTUAL_UNIT for an all-zero zone and subzone (a pre-registration placeholder,
    except for sea types H/G) and OLD_COUNTY_CODE for a county in ``legacy_counties``.
    With ``county_code`` (the project's district), any other well-formed county is
    OTHER_COUNTY, an error; a legacy county still passes with its warning.
    """
    text = _clean(code)
    if not text:
        return _code_result(text, [CodeProblem.EMPTY], [])
    if len(text) != ZDDM_LENGTH:
        return _code_result(text, [CodeProblem.WRONG_LENGTH], [])
    errors, warnings = _zddm_field_problems(text, legacy_counties, county_code)
    if homestead and text[12:14] != "JC":
        errors.append(CodeProblem.NOT_HOMESTEAD)
    return _code_result(text, errors, warnings)


def check_bdcdyh(
    code: str,
    *,
    homestead: bool = False,
    legacy_counties: frozenset[str] = LEGACY_ADDRESS_PREFIXES,
    county_code: str | None = None,
    building: bool = False,
) -> CodeCheck:
    """Check a 28-character 不动产单元代码: a 宗地代码 + fixture letter [FLQW] + 8 digits.

    ``W`` (no fixture) must be followed by ``00000000``. Everything else as in ``check_zddm``;
    the fixture problems follow the parcel-code problems, and NOT_HOMESTEAD comes last.
    ``building=True`` is the code of a building (自然幢): its fixture must be a house, ``F``
    (L forest, Q other fixtures and W none are another unit's): FIXTURE_NOT_HOUSE.
    """
    text = _clean(code)
    if not text:
        return _code_result(text, [CodeProblem.EMPTY], [])
    if len(text) != BDCDYH_LENGTH:
        return _code_result(text, [CodeProblem.WRONG_LENGTH], [])
    errors, warnings = _zddm_field_problems(text[:ZDDM_LENGTH], legacy_counties, county_code)

    letter, number = text[19], text[20:28]
    if letter not in _FIXTURE_LETTERS:
        errors.append(CodeProblem.BAD_FIXTURE_LETTER)
    elif building and letter != "F":
        errors.append(CodeProblem.FIXTURE_NOT_HOUSE)
    if not _is_digits(number):
        errors.append(CodeProblem.BAD_FIXTURE_NUMBER)
    elif letter == "W" and number != "00000000":
        errors.append(CodeProblem.FIXTURE_W_NOT_ZERO)

    if homestead and text[12:14] != "JC":
        errors.append(CodeProblem.NOT_HOMESTEAD)
    return _code_result(text, errors, warnings)


# ------------------------------------------------------------------------------ ID numbers


def id_check_char(body17: str) -> str:
    """The GB 11643 check character (ISO 7064 MOD 11-2) for the first 17 digits of an ID.

    Raises ValueError unless ``body17`` is exactly 17 ASCII digits.
    """
    if len(body17) != 17 or not _is_digits(body17):
        raise ValueError(f"expected 17 ASCII digits, got {body17!r}")
    total = sum(int(c) * w for c, w in zip(body17, ID_WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def convert_id15(id15: str) -> str:
    """Convert a first-generation 15-digit ID to 18 digits.

    The old numbers carry a 2-digit year and were issued to people born in the 1900s, hence the
    inserted ``19``. Raises ValueError unless ``id15`` is exactly 15 ASCII digits.
    """
    if len(id15) != 15 or not _is_digits(id15):
        raise ValueError(f"expected 15 ASCII digits, got {id15!r}")
    body = id15[:6] + "19" + id15[6:]
    return body + id_check_char(body)


def normalize_id(s: str) -> str:
    """Clean an ID for storage and matching: trim, full-width to ASCII, ``x`` to ``X``, 15→18.

    This does not validate: anything that is not a 15-digit number is returned cleaned but
    otherwise unchanged; use ``check_id_number`` to decide whether it is a usable ID.
    """
    text = _clean(s)
    if len(text) == 15 and _is_digits(text):
        return convert_id15(text)
    return text


def _parse_birth_date(yyyymmdd: str) -> datetime.date | None:
    try:
        return datetime.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return None


def _id_failure(*errors: IdProblem) -> IdCheck:
    return IdCheck(ok=False, normalized=None, errors=errors, warnings=())


def check_id_number(
    s: str,
    *,
    today: datetime.date | None = None,
    current_prefixes: frozenset[str] = CURRENT_ADDRESS_PREFIXES,
    legacy_prefixes: frozenset[str] = LEGACY_ADDRESS_PREFIXES,
) -> IdCheck:
    """Check a resident ID number (18 characters, or an old 15-digit one).

    Accepted leniently: surrounding whitespace, full-width characters, lower-case ``x``, a
    15-digit number (converted; warning CONVERTED_FROM_15) and a 15-digit number that went
    through a float column (``"110105491231002.0"``: exact, so repaired; warning
    FLOAT_SUFFIX_REMOVED). An 18-digit number mangled by Excel (``"4.40524E+17"`` or
    ``"440524188001010000.0"``) lost its last digits: SCIENTIFIC_NOTATION, reported alone.

    Errors, in this order: WRONG_LENGTH / NON_DIGIT, BAD_PROVINCE, BAD_BIRTH_DATE (not a
    calendar date or before 1880-01-01) / FUTURE_BIRTH_DATE (after ``today``, default: the
    system date), BAD_CHECK_DIGIT.

    An address code is never an error, because an ID keeps the county code of its issuing
    time. OLD_ADDRESS_CODE warns when the code is not in ``current_prefixes`` and either is in
    ``legacy_prefixes`` (e.g. 500222, the old 綦江县) or is Sichuan-era (``51…``); other
    provinces' ordinary codes are not flagged. Both sets match as prefixes of the address code.
    """
    text = _clean(s)
    if not text:
        return _id_failure(IdProblem.EMPTY)

    warnings: list[IdProblem] = []
    if _SCIENTIFIC_RE.fullmatch(text):
        return _id_failure(IdProblem.SCIENTIFIC_NOTATION)
    exact = _EXACT_FLOAT15_RE.fullmatch(text)
    if exact:
        text = exact.group(1)
        warnings.append(IdProblem.FLOAT_SUFFIX_REMOVED)
    elif _DECIMAL_RE.fullmatch(text):
        return _id_failure(IdProblem.SCIENTIFIC_NOTATION)

    if len(text) == 15 and _is_digits(text):
        text = convert_id15(text)
        warnings.append(IdProblem.CONVERTED_FROM_15)
    elif len(text) != 18:
        errors = [IdProblem.WRONG_LENGTH]
        # An X is legitimate only as the last character, so it does not count against a string
        # that is merely too short or too long.
        if not _is_digits(text.removesuffix("X")):
            errors.append(IdProblem.NON_DIGIT)
        return _id_failure(*errors)

    errors = []
    body, last = text[:17], text[17]
    body_ok = _is_digits(body) and (last in _DIGITS or last == "X")
    if not body_ok:
        errors.append(IdProblem.NON_DIGIT)

    address = text[:6]
    # Non-digit provinces are already covered by NON_DIGIT; one cause, one problem.
    if _is_digits(address[:2]) and address[:2] not in PROVINCE_CODES:
        errors.append(IdProblem.BAD_PROVINCE)

    birth: datetime.date | None = None
    if _is_digits(text[6:14]):
        birth = _parse_birth_date(text[6:14])
        if birth is None or birth < _EARLIEST_BIRTH:
            errors.append(IdProblem.BAD_BIRTH_DATE)
        elif birth > (today or datetime.date.today()):
            errors.append(IdProblem.FUTURE_BIRTH_DATE)

    if body_ok and id_check_char(body) != last:
        errors.append(IdProblem.BAD_CHECK_DIGIT)

    if (
        _is_digits(address)
        and not any(address.startswith(p) for p in current_prefixes)
        and (
            any(address.startswith(p) for p in legacy_prefixes)
            or address.startswith(_SICHUAN_ERA_PREFIX)
        )
    ):
        warnings.append(IdProblem.OLD_ADDRESS_CODE)

    if errors:
        return IdCheck(ok=False, normalized=None, errors=tuple(errors), warnings=tuple(warnings))
    return IdCheck(
        ok=True,
        normalized=text,
        errors=(),
        warnings=tuple(warnings),
        birth_date=birth,
        sex="M" if int(text[16]) % 2 else "F",
        address_code=address,
    )


# ------------------------------------------------------------------------ vectorised checks

_CHECK_CHAR_ARRAY: Final = np.array(list(_CHECK_CHARS), dtype="<U1")
_CHECK_CODEPOINTS: Final = np.array([ord(c) for c in _CHECK_CHARS], dtype=np.uint32)
_WEIGHT_ARRAY: Final = np.array(ID_WEIGHTS, dtype=np.int64)
_PROVINCE_TABLE: Final = np.zeros(100, dtype=bool)
_PROVINCE_TABLE[[int(p) for p in PROVINCE_CODES]] = True
_OWNERSHIP_CODEPOINTS: Final = np.array([ord(c) for c in sorted(_OWNERSHIP_LETTERS)], np.uint32)
_PARCEL_TYPE_CODEPOINTS: Final = np.array([ord(c) for c in sorted(_PARCEL_TYPE_LETTERS)], np.uint32)
_ZERO, _NINE = ord("0"), ord("9")


def id_check_chars(digits: ArrayLike) -> NDArray[np.str_]:
    """``id_check_char`` for many IDs at once.

    ``digits`` is an (n, 17) integer array of single digits; the result is an (n,) array of
    dtype ``<U1``. Raises TypeError for a non-integer array and ValueError for a wrong shape
    or a value outside 0-9.
    """
    d = np.asarray(digits)
    if d.dtype.kind not in "iu":
        raise TypeError(f"expected an integer array, got dtype {d.dtype}")
    if d.ndim != 2 or d.shape[1] != 17:
        raise ValueError(f"expected shape (n, 17), got {d.shape}")
    if d.size and (d.min() < 0 or d.max() > 9):
        raise ValueError("digits must be between 0 and 9")
    # int64 because a uint8 input would overflow the weighted sum (up to 9 * 95).
    sums = d.astype(np.int64) @ _WEIGHT_ARRAY
    return _CHECK_CHAR_ARRAY[sums % 11]


def _codepoint_matrix(
    values: ArrayLike, width: int
) -> tuple[NDArray[np.uint32], NDArray[np.bool_], tuple[int, ...]]:
    """Cleaned strings as an (n, width) matrix of code points, their length mask, and the shape.

    A fixed-width unicode array is UCS-4 in memory, so viewing it as uint32 gives every
    character as a number without a Python loop. Shorter strings are padded with NUL (code 0),
    which fails every character test; longer ones are cut, hence the separate length mask.
    """
    a = np.asarray(values)
    shape = a.shape
    if a.dtype.kind != "U":
        # Object arrays (None, floats from spreadsheets) and bytes become text that simply fails.
        a = a.astype(str)
    a = upper_text(strip_text(a.ravel()))
    right_length = np.strings.str_len(a) == width
    return codepoints(a.astype(f"<U{width}")), right_length, shape


def codepoints(text: np.ndarray) -> np.ndarray:
    """A fixed-width unicode array as its (rows, width) matrix of code points (a view)."""
    text = np.ascontiguousarray(text)
    return text.view(np.uint32).reshape(len(text), text.dtype.itemsize // 4)


def strip_text(text: np.ndarray) -> np.ndarray:
    """`np.strings.strip`, run only on the rows that start or end with whitespace.

    Stored codes and ID numbers are nearly all trimmed already; stripping every
    one of a few million strings cost seconds for a handful of changes.
    """
    text = np.asarray(text)
    n = len(text)
    if not n or not text.dtype.itemsize:
        return text
    cps = codepoints(text)
    length = np.strings.str_len(text)
    first = cps[:, 0]
    last = cps[np.arange(n), np.maximum(length - 1, 0)]
    # Unicode whitespace is ASCII 9-13 and 28-32, or a few code points from U+0085 up.
    maybe = (length > 0) & ((first <= 32) | (first >= 0x85) | (last <= 32) | (last >= 0x85))
    suspect = np.flatnonzero(maybe)
    if not len(suspect):
        return text
    stripped = np.strings.strip(text[suspect])
    if (stripped == text[suspect]).all():
        return text
    out = text.copy()
    out[suspect] = stripped
    return out


def upper_text(text: np.ndarray) -> np.ndarray:
    """`np.strings.upper`, run only on the rows holding a character that may change."""
    text = np.asarray(text)
    if not len(text) or not text.dtype.itemsize:
        return text
    cps = codepoints(text)
    maybe = np.flatnonzero((((cps >= 97) & (cps <= 122)) | (cps >= 128)).any(axis=1))
    if not len(maybe):
        return text
    out = text.copy()
    out[maybe] = np.strings.upper(text[maybe])
    return out


def _digit_mask(cps: NDArray[np.uint32]) -> NDArray[np.bool_]:
    return (cps >= _ZERO) & (cps <= _NINE)


def _province_ok(cps: NDArray[np.uint32], is_digit: NDArray[np.bool_]) -> NDArray[np.bool_]:
    both = is_digit[:, 0] & is_digit[:, 1]
    # Non-digit rows get index 0, which is not a province; computing their garbage value first
    # is harmless because np.where discards it before any indexing.
    index = np.where(both, (cps[:, 0].astype(np.intp) - _ZERO) * 10 + cps[:, 1] - _ZERO, 0)
    return _PROVINCE_TABLE[index]


def valid_id_mask(ids: ArrayLike, *, born_by: np.datetime64 | None = None) -> NDArray[np.bool_]:
    """True where a string is a well-formed 18-character ID: length, digits, province, check.

    Vectorised with numpy (no per-row Python loop). Deliberately stricter and narrower than
    ``check_id_number``:
    - the birth date is checked only when ``born_by`` is given (a real date from 1880 up to
      that day); otherwise True means "well formed", not "valid";
    - only surrounding whitespace and lower-case ``x`` are forgiven; 15-digit numbers,
      full-width characters and float renderings give False even where ``check_id_number``
      repairs them.
    False therefore means "run ``check_id_number`` on this row", never "certainly invalid".
    The result has the shape of ``ids``.
    """
    cps, ok, shape = _codepoint_matrix(ids, 18)
    ok &= ((cps[:, :17] >= _ZERO) & (cps[:, :17] <= _NINE)).all(axis=1)
    ok &= _province_ok(cps, _digit_mask(cps[:, :2]))
    # Column by column in int64: a (rows, 17) int64 temporary costs more than the sums.
    total = np.zeros(len(cps), dtype=np.int64)
    for j, weight in enumerate(ID_WEIGHTS):
        total += (cps[:, j].astype(np.int64) - _ZERO) * weight
    ok &= cps[:, 17] == _CHECK_CODEPOINTS[total % 11]
    if born_by is not None:
        ok &= _birth_dates_ok(cps, ok, np.datetime64(born_by, "D"))
    return ok.reshape(shape)


def _number(cps: NDArray[np.uint32], start: int, stop: int) -> NDArray[np.int64]:
    out = np.zeros(len(cps), dtype=np.int64)
    for j in range(start, stop):
        out = out * 10 + (cps[:, j].astype(np.int64) - _ZERO)
    return out


def _birth_dates_ok(
    cps: NDArray[np.uint32], digits_ok: NDArray[np.bool_], born_by: np.datetime64
) -> NDArray[np.bool_]:
    """Characters 7-14 (all digits where `digits_ok`) a real date from 1880 to `born_by`."""
    year, month, day = _number(cps, 6, 10), _number(cps, 10, 12), _number(cps, 12, 14)
    ok = digits_ok & (month >= 1) & (month <= 12) & (day >= 1) & (year >= 1880) & (year <= 9999)
    m = np.where(ok, (year - 1970) * 12 + month - 1, 0).astype("datetime64[M]")
    length = ((m + 1).astype("datetime64[D]") - m.astype("datetime64[D]")).astype(np.int64)
    ok &= day <= length
    date = m.astype("datetime64[D]") + np.where(ok, day - 1, 0).astype("timedelta64[D]")
    return ok & (date <= born_by)


def valid_zddm_mask(codes: ArrayLike, *, homestead: bool = False) -> NDArray[np.bool_]:
    """True where ``check_zddm(code, homestead=homestead).ok`` would be True.

    Vectorised with numpy code-point views (no regex, no per-row Python loop). Only surrounding
    whitespace and lower case are forgiven; full-width characters give False although
    ``check_zddm`` accepts them. The result has the shape of ``codes``.
    """
    cps, ok, shape = _codepoint_matrix(codes, ZDDM_LENGTH)
    is_digit = _digit_mask(cps)
    ok &= is_digit[:, :12].all(axis=1) & is_digit[:, 14:].all(axis=1)
    ok &= _province_ok(cps, is_digit)
    ok &= np.isin(cps[:, 12], _OWNERSHIP_CODEPOINTS) & np.isin(cps[:, 13], _PARCEL_TYPE_CODEPOINTS)
    ok &= (cps[:, 14:] != _ZERO).any(axis=1)
    if homestead:
        ok &= (cps[:, 12] == ord("J")) & (cps[:, 13] == ord("C"))
    return ok.reshape(shape)


# --------------------------------------------------------------------------------- masking


def mask_id(s: str) -> str:
    """Mask an ID number for printing and exports: ``500110********123X``.

    Keeps the first 6 and last 4 characters of the trimmed text (``x`` shown as ``X``) and
    stars everything between, so the length is kept. Text shorter than 15 characters is not a
    real ID and may be anything personal: it is starred entirely.
    """
    text = s.strip()
    if len(text) < 15:
        return "*" * len(text)
    return text[:6] + "*" * (len(text) - 10) + text[-4:].replace("x", "X")


def mask_phone(s: str) -> str:
    """Mask a phone number for printing and exports: ``13812345678`` → ``138****5678``.

    Works on the digits and leaves separators alone (``138-1234-5678`` → ``138-****-5678``),
    so the length is kept. With 11 or more digits the first 3 and last 4 digits stay; with
    fewer, keeping 7 would reveal nearly the whole number, so every digit is starred. Any
    Unicode decimal digit counts, because a full-width number left unmasked would be a leak.
    """
    total = sum(c.isdecimal() for c in s)
    out: list[str] = []
    seen = 0
    for c in s:
        if c.isdecimal():
            keep = total >= 11 and (seen < 3 or seen >= total - 4)
            out.append(c if keep else "*")
            seen += 1
        else:
            out.append(c)
    return "".join(out)
