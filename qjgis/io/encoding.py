"""Which text encoding a shapefile's DBF uses: .cpg, the LDID byte, or a scored trial decode.

GDAL falls back to Latin-1 when a DBF declares nothing, which turns GBK names into
mojibake (`ºÚÁú½­Ê¡` for 黑龙江省). We read a bounded sample of the raw record bytes
with a tiny DBF reader, decide the encoding from it, and hand that one encoding to
GDAL for the bulk read: the bulk text is decoded once, by GDAL.
"""

from __future__ import annotations

import codecs
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qjgis.errors import QjgisError

QjgisError.register(
    {
        "dbf_corrupt": "{path}: the .dbf table is damaged ({detail})",
        "unknown_encoding": "{value}: unknown text encoding (try GBK, GB18030, UTF-8 or BIG5)",
        "encoding_mismatch": "{path}: --encoding {given} does not decode the text ({example}); "
        "it decodes as {detected}: give --encoding {detected}, or leave --encoding out",
    }
)

#: DBF language driver ids (byte 29) -> Python codec; from the dBASE/ESRI tables.
LDID_CODECS: dict[int, str] = {
    0x01: "cp437", 0x02: "cp850", 0x03: "cp1252", 0x08: "cp865", 0x09: "cp437",
    0x0A: "cp850", 0x0B: "cp437", 0x0D: "cp437", 0x0E: "cp850", 0x0F: "cp437",
    0x10: "cp850", 0x11: "cp437", 0x12: "cp850", 0x13: "cp932", 0x14: "cp850",
    0x15: "cp437", 0x16: "cp850", 0x17: "cp865", 0x18: "cp437", 0x19: "cp437",
    0x1A: "cp850", 0x1B: "cp437", 0x1C: "cp863", 0x1D: "cp850", 0x1F: "cp852",
    0x22: "cp852", 0x23: "cp852", 0x24: "cp860", 0x25: "cp850", 0x26: "cp866",
    0x37: "cp850", 0x40: "cp852", 0x4D: "gbk", 0x4E: "cp949", 0x4F: "big5",
    0x50: "cp874", 0x57: "cp1252", 0x58: "cp1252", 0x59: "cp1252", 0x64: "cp852",
    0x65: "cp866", 0x66: "cp865", 0x67: "cp861", 0x6A: "cp737", 0x6B: "cp857",
    0x78: "big5", 0x79: "cp949", 0x7A: "gbk", 0x7B: "cp932", 0x7C: "cp874",
    0x7D: "cp1255", 0x7E: "cp1256", 0x86: "cp737", 0x87: "cp852", 0x88: "cp857",
    0xC8: "cp1250", 0xC9: "cp1251", 0xCA: "cp1254", 0xCB: "cp1253", 0xCC: "cp1257",
}  # fmt: skip
#: Declarations that say "the Windows ANSI page" without saying which: on a Chinese
#: Windows that page is GBK, so these only decide when the text does not read as Chinese.
WEAK_LDIDS = frozenset({0x03, 0x57, 0x58, 0x59})

#: GDAL/iconv names for the codecs we pass on.
_GDAL_NAMES = {
    "utf-8": "UTF-8", "gbk": "GBK", "gb18030": "GB18030", "big5": "BIG5",
    "latin-1": "ISO-8859-1", "shift_jis": "SHIFT_JIS", "euc_jp": "EUC-JP",
    "euc_kr": "EUC-KR", "koi8-r": "KOI8-R", "utf-16": "UTF-16",
}  # fmt: skip

# The characters that real Chinese survey text is made of: place words, admin words,
# the commonest surnames and the commonest words of names and addresses, in both
# simplified and traditional forms. A wrong decode of GBK/Big5 bytes lands on these
# only by chance, so their share separates a right decode from mojibake.
_COMMON = set(
    "村组镇社乡街道区县市省州路号巷屯寨坝湾沟塘岭坡山河溪桥场坪岩口嘴垭院坎井堡峰园庄"
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶"
    "程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾"
    "毛郝龚邵万钱严覃武戴莫孔向汤綦古南东西北中上下大小新老民国家华文明建军平安福德永兴长春"
    "红英芳秀兰玉珍丽梅桂凤云霞艳娟华敏静燕琴淑惠强伟勇刚峰志明杰斌涛辉波军林成荣贵富全生"
    "一二三四五六七八九十百千万年月日时的是不了人我在有他这个们来到说为子和你地出道也会要以"
    "用当分工主行面开同发后作里所家学对能过多方经心之事开水电路房屋宅基地宗面积户主人口权利"
    "黑龙江吉辽宁河北京天津海重庆四川贵州云南西藏陕甘肃青新疆湖广浙福建台湾内蒙古宁夏体语"
    "國體語們說時個來這會為學對過發後裡麼當經開動長樣現實點還進種題業應關電話機問見聽東車"
    "華陳楊黃趙吳劉張鄭謝馮鄧蕭葉蘇魏呂蔣許韓羅鍾譚陸龔萬錢嚴湯鎮鄉區縣市號組村廣興寧貴慶"
)
# A trial decode must read at least this share of its non-ASCII characters as common.
_PLAUSIBLE = 0.25


@dataclass
class DbfHeader:
    path: Path
    records: int
    header_len: int
    record_len: int
    ldid: int
    fields: list[tuple[bytes, str, int, int]]  # raw name, type, length, offset in record


def read_dbf_header(path: str | Path) -> DbfHeader:
    """The DBF header, checked against the file's size; refuses a damaged table by name."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            head = fh.read(32)
            if len(head) < 32:
                raise QjgisError("dbf_corrupt", path=str(path), detail="shorter_than_header")
            records, header_len, record_len = struct.unpack("<IHH", head[4:12])
            ldid = head[29]
            desc = fh.read(max(header_len - 32, 0))
    except OSError as exc:
        raise QjgisError("dbf_corrupt", path=str(path), detail=exc.strerror or str(exc)) from None
    if head[0] not in (0x02, 0x03, 0x04, 0x05, 0x30, 0x31, 0x43, 0x63, 0x83, 0x8B, 0xCB, 0xF5):
        raise QjgisError("dbf_corrupt", path=str(path), detail="not_dbase", byte=f"0x{head[0]:02x}")
    if header_len < 33 or record_len < 1:
        raise QjgisError("dbf_corrupt", path=str(path), detail="impossible_header")
    fields: list[tuple[bytes, str, int, int]] = []
    offset = 1  # the deletion flag
    for i in range(0, len(desc) - 31, 32):
        if desc[i] == 0x0D:
            break
        name = desc[i : i + 11].split(b"\x00", 1)[0]
        ftype = chr(desc[i + 11])
        length = desc[i + 16]
        fields.append((name, ftype, length, offset))
        offset += length
    size = path.stat().st_size
    needed = header_len + records * record_len
    if size < needed:
        raise QjgisError(
            "dbf_corrupt",
            path=str(path),
            detail="records_truncated",
            declared=records,
            found=max(size - header_len, 0) // record_len,
        )
    return DbfHeader(path, records, header_len, record_len, ldid, fields)


def sample_text(header: DbfHeader, limit: int = 4000) -> list[bytes]:
    """Raw bytes of non-ASCII text values (and field names) from a bounded sample of records.

    The sample takes records from the start, middle and end of the table, so a
    surveyor's file whose first rows are plain codes still shows its names.
    """
    out = [name for name, *_ in header.fields if not name.isascii()]
    text_fields = [(off, ln) for _, t, ln, off in header.fields if t in "CM" and ln > 0]
    if not text_fields or header.records == 0:
        return out
    per_chunk = max(limit // 3, 1)
    starts = sorted({0, max(header.records // 2 - per_chunk // 2, 0), header.records - per_chunk})
    seen: set[int] = set()
    with header.path.open("rb") as fh:
        for start in starts:
            start = max(start, 0)
            count = min(per_chunk, header.records - start)
            fh.seek(header.header_len + start * header.record_len)
            block = fh.read(count * header.record_len)
            for r in range(len(block) // header.record_len):
                if start + r in seen:
                    continue
                seen.add(start + r)
                rec = block[r * header.record_len : (r + 1) * header.record_len]
                for off, ln in text_fields:
                    value = rec[off : off + ln].rstrip(b" \x00")
                    if not value.isascii():
                        out.append(value)
    return out


@dataclass
class EncodingDecision:
    encoding: str  # Python codec name
    reason: str  # stable code: override, cpg, ldid, detected, ascii, fallback
    detail: str = ""
    samples: list[str] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)
    #: for an override that decodes but reads as mojibake: the encoding the text reads in
    suggested: str | None = None

    @property
    def gdal_name(self) -> str:
        return _GDAL_NAMES.get(self.encoding, self.encoding.upper().replace("_", "-"))

    def as_dict(self) -> dict[str, Any]:
        return {
            "encoding": self.gdal_name,
            "reason": self.reason,
            "detail": self.detail,
            "samples": self.samples,
            "scores": self.scores,
            **({"suggested": self.suggested} if self.suggested else {}),
        }


def codec_name(value: str) -> str | None:
    """A Python codec for a user's or a .cpg's encoding name; None when unknown."""
    text = value.strip().strip("\ufeff").strip()
    if not text or len(text) > 40 or "<" in text or not text.isascii():
        return None
    low = text.lower().replace(" ", "")
    for prefix in ("ansi", "windows-", "windows", "cp", "ibm", "oem"):
        if low.startswith(prefix) and low[len(prefix) :].isdigit():
            low = low[len(prefix) :]
            break
    aliases = {
        "65001": "utf-8", "utf8": "utf-8", "936": "gbk", "gb2312": "gbk", "euc-cn": "gbk",
        "gbk": "gbk", "gb18030": "gb18030", "54936": "gb18030", "950": "big5", "big-5": "big5",
        "big5": "big5", "big5hkscs": "big5hkscs", "932": "cp932", "shiftjis": "shift_jis",
        "sjis": "shift_jis", "949": "cp949", "28591": "latin-1", "iso-8859-1": "latin-1",
        "iso88591": "latin-1", "latin1": "latin-1", "1200": "utf-16", "koi8r": "koi8-r",
    }  # fmt: skip
    if low in aliases:
        return aliases[low]
    if low.isdigit():
        low = "cp" + low
    try:
        return codecs.lookup(low).name
    except LookupError:
        return None


def _decodes(samples: list[bytes], codec: str) -> list[str] | None:
    try:
        return [s.decode(codec) for s in samples]
    except (UnicodeDecodeError, LookupError):
        return None


def plausibility(texts: list[str]) -> float:
    """Share of the non-ASCII characters that are common in Chinese survey text."""
    total = common = 0
    for t in texts:
        for ch in t:
            if ord(ch) < 0x80:
                continue
            total += 1
            common += ch in _COMMON
    return common / total if total else 0.0


def _preview(texts: list[str], n: int = 5) -> list[str]:
    out: list[str] = []
    for t in texts:
        t = t.strip()
        if t and t not in out:
            out.append(t)
        if len(out) == n:
            break
    return out


def decide(
    samples: list[bytes],
    *,
    override: str | None = None,
    cpg: str | None = None,
    ldid: int = 0,
    path: str = "",
) -> EncodingDecision:
    """Choose the encoding of text whose raw bytes are `samples`.

    Order: an explicit override; a .cpg that names a known code page and decodes
    the sample; the trial decodes when they find plausible Chinese (UTF-8 first,
    since random legacy bytes are almost never valid UTF-8, then GBK/GB18030 against
    Big5 by plausibility); the LDID; Latin-1 as the last resort, said as such.

    An override that does not decode the sample is refused, naming the encoding
    that does (GDAL would fail on the first such value, or show U+FFFD); one that
    decodes into mojibake while another reads as Chinese is kept, with that other
    encoding as `suggested`.
    """
    if override is not None:
        codec = codec_name(override)
        if codec is None:
            raise QjgisError("unknown_encoding", value=override)
        strict = _decodes(samples, codec)
        found = decide(samples, cpg=cpg, ldid=ldid) if samples else None
        if strict is None:
            assert found is not None
            if _decodes(samples, found.encoding) is not None and found.encoding != codec:
                bad = next(s for s in samples if _decodes([s], codec) is None)
                raise QjgisError(
                    "encoding_mismatch", path=path, given=override, detected=found.gdal_name,
                    example=bad.decode(found.encoding)[:20],
                )  # fmt: skip
        texts = [s.decode(codec, errors="replace") for s in samples]
        decision = EncodingDecision(codec, "override", override, _preview(texts))
        if (
            found is not None
            and found.encoding != codec
            and found.reason == "detected"
            and (found_score := plausibility(found.samples)) >= _PLAUSIBLE
            and plausibility(texts) < found_score / 2  # reads far less like Chinese text
        ):
            decision.suggested = found.gdal_name
        return decision
    notes: list[str] = []
    if cpg is not None:
        codec = codec_name(cpg)
        if codec is None:
            shown = cpg.strip()[:30]
            notes.append(f".cpg ignored: {shown!r} is not a code page name")
        else:
            cpg_texts = _decodes(samples, codec)
            if cpg_texts is not None:
                return EncodingDecision(codec, "cpg", cpg.strip(), _preview(cpg_texts))
            notes.append(f".cpg says {cpg.strip()} but the text does not decode in it")
    if not samples:
        codec = LDID_CODECS.get(ldid, "utf-8") if ldid else "utf-8"
        return EncodingDecision(codec, "ascii", "; ".join([*notes, "no non-ASCII text"]))
    scores: dict[str, float] = {}
    decoded: dict[str, list[str]] = {}
    for trial in ("utf-8", "gbk", "gb18030", "big5"):
        trial_texts = _decodes(samples, trial)
        if trial_texts is not None:
            decoded[trial] = trial_texts
            scores[trial] = round(plausibility(trial_texts), 3)
    if "utf-8" in decoded:
        notes.append("valid UTF-8")
        return EncodingDecision(
            "utf-8", "detected", "; ".join(notes), _preview(decoded["utf-8"]), scores
        )
    chinese = [c for c in ("gbk", "gb18030", "big5") if c in scores and scores[c] >= _PLAUSIBLE]
    declared = LDID_CODECS.get(ldid) if ldid else None
    if declared and ldid not in WEAK_LDIDS:
        ldid_texts = _decodes(samples, declared)
        if ldid_texts is not None:
            notes.append(f"LDID 0x{ldid:02X}")
            return EncodingDecision(
                declared, "ldid", "; ".join(notes), _preview(ldid_texts), scores
            )
        notes.append(f"LDID 0x{ldid:02X} ({declared}) does not decode the text")
    if chinese:
        best = max(chinese, key=lambda c: (scores[c], c == "gbk"))
        notes.append(f"{scores[best]:.0%} common Chinese characters")
        return EncodingDecision(best, "detected", "; ".join(notes), _preview(decoded[best]), scores)
    if declared:
        texts = [s.decode(declared, errors="replace") for s in samples]
        notes.append(f"LDID 0x{ldid:02X}")
        return EncodingDecision(declared, "ldid", "; ".join(notes), _preview(texts), scores)
    texts = [s.decode("latin-1") for s in samples]
    notes.append("no Chinese encoding fits; Latin-1 assumed, give --encoding to choose")
    return EncodingDecision("latin-1", "fallback", "; ".join(notes), _preview(texts), scores)


def read_cpg(path: Path) -> str | None:
    """The .cpg beside a .shp/.dbf (any case of the extension), as text, or None."""
    for ext in (".cpg", ".CPG", ".Cpg"):
        p = path.with_suffix(ext)
        if p.is_file():
            return p.read_bytes()[:200].decode("latin-1")
    return None


def detect_dbf(dbf: str | Path, *, override: str | None = None) -> EncodingDecision:
    """The encoding decision for one .dbf, from its .cpg, LDID and a sample of its text."""
    dbf = Path(dbf)
    header = read_dbf_header(dbf)
    samples = sample_text(header)
    return decide(samples, override=override, cpg=read_cpg(dbf), ldid=header.ldid, path=str(dbf))
