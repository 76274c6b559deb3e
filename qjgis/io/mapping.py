"""Field mapping: which source field fills which project column, detected with a confidence.

Presets cover the national 不动产/地籍 database names (ZDDM, BDCDYH, QLRMC ...),
the village layer names (村代码, XZQDM ...), the app's suggested names (HH, WFDJ ...)
and Chinese column titles (宗地代码, 权利人, 身份证号, 户号 ...). A mapping is plain
data, saved with the batch and reusable from a JSON file. Fields that map to
nothing go to the row's `extra` JSON: nothing is dropped.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qjgis import schema
from qjgis.errors import QjgisError

QjgisError.register(
    {
        "mapping_file_invalid": "{path}: not a field mapping ({detail})",
        "mapping_target_unknown": "mapping: {target} is not a column of {layer}",
        "mapping_source_unknown": "mapping: source field {field} is not in {path}",
    }
)

#: A preset name is sure (confidence 1.0) unless given with its own confidence: a
#: generic or ambiguous name (`code`, `NAME`, `编号`) is a guess a person should see.
Preset = str | tuple[str, float]

#: target column -> names it is known by (compared case-, space- and `*`-insensitively)
PRESETS: dict[str, dict[str, tuple[Preset, ...]]] = {
    "parcels": {
        "zddm": ("ZDDM", "宗地代码", "宗地编码", "地籍号码", "地籍号"),
        "bdcdyh": ("BDCDYH", "不动产单元号", "不动产单元代码"),
        "village_code": ("CDM", "村代码", "所在村代码", "CJDM", "XZCDM", ("CUNDM", 0.9)),
        "zl": ("ZL", "坐落", "宗地坐落", "TDZL"),
        "yt": ("YT", "用途", "PZYT", "土地用途"),
        "land_type": ("YDL", "原地类", "DLMC", "地类"),
        "zdmj": ("ZDMJ", "宗地面积", "SJSYMJ", "实际使用面积"),
        "pzmj": ("PZMJ", "批准面积", "DJMJ"),
        "acquired": ("ZJDQDSJ", "取得时间", "宅基地取得时间", "QDSJ"),
        "acquisition_mode": ("QDFS", "取得方式", "宅基地来源"),
        "approval_no": ("PZWH", "批准文号", "宅基地批准文号"),
        "approval_date": ("PZRQ", "批准日期", "PZSJ", "批准时间"),
        "must_demolish_old": ("SFCJ", "SFCQJ", "是否需拆旧", "是否拆旧"),
        "demolition_deadline": ("CJQX", "拆旧期限"),
        "disposal": ("AZFKZT", "安置复垦状态"),
        "disposal_deadline": ("AZFKQX", "安置复垦期限"),
        "holder_name": (
            "QLRMC",
            "QLR",
            "权利人",
            "权利人名称",
            "TDSYZ",
            "土地使用者",
            "HZXM",
            "户主姓名",
        ),
        "holder_id": (
            "ZJH",
            "SFZHM",
            "证件号",
            "证件号码",
            "身份证号",
            "身份证号码",
            "权利人证件号",
            "HZSFZ",
            "户主身份证号",
        ),
        "household_no": ("HH", "户号", "户编号", "户码", "农户编码", ("HBM", 0.9)),
        "co_holders": ("GYQLR", "共有权利人", "共有人"),
    },
    "buildings": {
        "bdcdyh": ("BDCDYH", "不动产单元号", "不动产单元代码"),
        "zrzh": ("ZRZH", "自然幢号", "幢号"),
        "zddm": ("ZDDM", "宗地代码", "登记宗地代码"),
        # CS is 层数 in 房地一体 tables; 0.9 because a short code is a guess
        "floors": ("ZCS", "总层数", "LCS", "楼层数", "层数", ("CS", 0.9), ("FWCS", 0.9)),
        "structure": ("FWJG", "房屋结构", "结构", ("JG", 0.9), "建筑结构"),
        "year_built": ("JCNF", "建成年份", "JGRQ", "竣工日期", "ZFJCSJ", "建成时间", "建房时间"),
        "footprint_area": ("ZZDMJ", "幢占地面积", "JZWZDMJ", "建筑物占地面积", "占地面积"),
        "floor_area": ("JZMJ", "建筑面积", "SCJZMJ", "实测建筑面积", "FWJZMJ", "房屋建筑面积"),
        "status": ("FWZT", "房屋状态", "JZWZT", "建筑物状态"),
        "danger_grade": ("WFDJ", "危房等级", "鉴定等级"),
        "assessed": ("JDRQ", "鉴定日期"),
        "assessed_by": ("JDDW", "鉴定单位"),
    },
    "villages": {
        # 区划码/行政区划代码 and XZQDM name the unit the file is about: at village level, the
        # village. `code` alone is a guess (0.6); CUNDM/CUNMC are 村代码/村名称 in pinyin initials.
        "code": (
            "CDM", "村代码", "XZCDM", "行政村代码", "CJDM", "ZLDWDM", "CUNDM", "村级代码",
            ("区划码", 0.9), ("区划代码", 0.9), ("行政区划代码", 0.9), ("XZQHDM", 0.9),
            ("adcode", 0.9),
            ("XZQDM", 0.8), ("行政区代码", 0.8), ("code", 0.6),
        ),
        "name": (
            "CMC", "村名称", "XZCMC", "行政村名称", "村名", "ZLDWMC", "CUNMC", "村级名称",
            ("XZQMC", 0.8), ("行政区名称", 0.8), ("地名", 0.8), ("名称", 0.7), ("NAME", 0.6),
        ),
        "town_code": (
            "镇街代码", "XZDM", "乡镇代码", "镇代码", "镇街码", "XZQDM",
        ),
    },
    "households": {
        "household_no": ("HH", "户号", "户编号", "户码", "农户编码", "户编码", ("HBM", 0.9)),
        "name": ("XM", "姓名", "成员姓名", "家庭成员姓名"),
        "id_number": (
            "SFZH", "SFZHM", "ZJH", "身份证号", "身份证号码", "公民身份号码", "证件号码",
            "成员身份证号", "成员身份证号码",
        ),
        "relation": ("YHZGX", "与户主关系", "关系", "家庭关系", "成员关系"),
        "sex": ("XB", "性别"),
        "birth_date": ("CSRQ", "出生日期"),
        "household_type": ("HLX", "NHLX", "农户类型", "户类型", "户别"),
        "lives_in_village": ("SFZC", "是否在村居住", "在村居住"),
        "split_status": ("FHZT", "分户状态"),
        "phone": ("LXDH", "DH", "联系电话", "电话", "手机号"),
        "village_code": ("CDM", "村代码", ("CUNDM", 0.9)),
        "head_name": ("HZXM", "户主姓名"),
        "head_id": ("HZSFZ", "HZSFZH", "HZZJHM", "户主身份证号", "户主身份证号码", "户主证件号码"),
        "declared_size": (
            "JTRK", "家庭人口", "家庭人口数", "户籍人口数", "户籍人口", "HJRKS", "家庭成员数量",
            "家庭成员数", "家庭人数", "户内人口", ("人口数", 0.9), ("RKS", 0.9),
        ),
        "joined_on": ("QRRQ", "迁入日期", "迁入时间", "入户日期", ("登记日期", 0.8), ("DJRQ", 0.8)),
        "left_on": ("QCRQ", "迁出日期", "迁出时间", "注销日期", "注销时间", ("ZXRQ", 0.9)),
    },
}  # fmt: skip

#: Reference layers (issue 19): 三调 地类图斑 (DLTB) and 永久基本农田图斑 (YJJBNTTB) carry
#: BSM/DLBM/DLMC/TBMJ; plans and hazard surveys name their features by 编号.
_REFERENCE_PRESETS: dict[str, tuple[Preset, ...]] = {
    "ref_key": (
        "BSM", "标识码", "TBBH", "图斑编号", "TBYBH", "YSDM_BH", "编号", "隐患点编号", "ZHDBH",
        ("ID", 0.6), ("OBJECTID", 0.6), ("FID", 0.5),
    ),
    "dlbm": ("DLBM", "地类编码", "地类代码", "YDDM", "用地代码"),
    "dlmc": ("DLMC", "地类名称", "YDMC", "用地名称", ("名称", 0.7), ("NAME", 0.6)),
    "tbmj": ("TBMJ", "图斑面积", "TBDLMJ", "图斑地类面积", "面积", ("MJ", 0.9)),
    "radius_m": ("YXBJ", "影响半径", "威胁半径", "WXBJ", "半径", ("RADIUS", 0.9)),
    "ref_date": (
        "GXSJ", "更新时间", "SJRQ", "数据日期", "PFRQ", "批复日期", "PFSJ", "批复时间",
        "HDRQ", "划定日期", "调查日期", "DCRQ",
    ),
}  # fmt: skip
#: the reference layers `import --layer` accepts; their rows go to `reference_features`
REFERENCE_KINDS = ("landuse", "basic-farmland", "village-plan", "hazard-zones", "hazard-points")
#: Any other polygon layer a user names (林地保护红线 ...) is imported as `other:NAME`
#: and kept under that kind; all such layers share the presets and keys of "other".
OTHER_PREFIX = "other:"
OTHER = "other"
for _kind in (*REFERENCE_KINDS, OTHER):
    PRESETS[_kind] = _REFERENCE_PRESETS


def is_other(layer: str) -> bool:
    """Whether `layer` is a user-named reference layer (`other:NAME`)."""
    return layer.startswith(OTHER_PREFIX)


def is_reference(layer: str) -> bool:
    """Whether `layer` is imported into `reference_features` (a known kind or `other:NAME`)."""
    return layer in REFERENCE_KINDS or is_other(layer)


def other_name(layer: str) -> str:
    """The name a user gave an `other:NAME` layer."""
    return layer[len(OTHER_PREFIX) :]


def preset_key(layer: str) -> str:
    """The key of `layer`'s presets, key targets and required targets."""
    return OTHER if is_other(layer) else layer


#: Files from a known exporter, told by their field set: (profile, fields that must all be
#: present, marker fields of which one must be, {field: target}). A recognised file's
#: fields map with confidence 1.0, whatever a generic name alone would get. DataV
#: (阿里云 DataV.GeoAtlas) and AMap's (高德) district API export boundaries as
#: adcode/name/level with center, centroid, childrenNum, acroutes, parent (GeoJSON) or
#: centerlat/centerlng/citycode (their shapefiles): adcode is the unit's 区划码.
PROFILES: dict[str, tuple[tuple[str, frozenset[str], frozenset[str], dict[str, str]], ...]] = {
    "villages": (
        (
            "adcode",
            frozenset({"ADCODE", "NAME"}),
            frozenset({"LEVEL", "CENTER", "CENTROID", "CHILDRENNUM", "ACROUTES", "PARENT",
                       "SUBFEATUREINDEX", "CENTERLAT", "CENTERLNG", "CITYCODE"}),
            {"ADCODE": "code", "NAME": "name"},
        ),
    ),
}  # fmt: skip

#: Targets a layer's rows are keyed or named by: filled before optional targets when
#: one field could fill either.
KEY_TARGETS: dict[str, tuple[str, ...]] = {
    "villages": ("code", "name"),
    "parcels": ("zddm",),
    "buildings": ("bdcdyh", "zddm"),
    "households": ("household_no", "name"),
    **dict.fromkeys((*REFERENCE_KINDS, OTHER), ("ref_key",)),
}

#: the type each target column takes (for conversion): text, real, integer, date, year, bool
TYPES: dict[str, str] = {}
for _table in (
    schema.PARCELS,
    schema.BUILDINGS,
    schema.VILLAGES,
    schema.HOUSEHOLDS,
    schema.MEMBERS,
    schema.REFERENCE_FEATURES,
):
    for _col in _table.columns:
        kind = _col.sql.split()[0]
        TYPES.setdefault(
            _col.name,
            {"REAL": "real", "INTEGER": "integer", "DATE": "date", "BOOLEAN": "bool"}.get(
                kind, "text"
            ),
        )
TYPES["year_built"] = "year"
TYPES["name"] = "text"


def _norm(name: str) -> str:
    # `*` (and the full-width ＊) marks a required column in templates: 户号*, *姓名
    return re.sub(r"[\s_\-()（）*＊]+", "", name).upper()


def _preset(entry: Preset) -> tuple[str, float]:
    return (entry, 1.0) if isinstance(entry, str) else entry


@dataclass
class FieldMapping:
    layer: str
    fields: dict[str, str | None]  # source field -> target column, None = kept in extra
    confidence: dict[str, float] = field(default_factory=dict)
    origin: dict[str, str] = field(default_factory=dict)  # preset | file | saved | none
    profile: str | None = None  # the exporter the field set was recognised as (PROFILES)

    def targets(self) -> dict[str, str]:
        return {t: s for s, t in self.fields.items() if t is not None}

    def unmapped(self) -> list[str]:
        return [s for s, t in self.fields.items() if t is None]

    def as_dict(self) -> dict[str, Any]:
        out = {
            "layer": self.layer,
            "fields": self.fields,
            "confidence": self.confidence,
            "origin": self.origin,
            "unmapped_targets": [
                t for t in PRESETS[preset_key(self.layer)] if t not in self.targets()
            ],
        }
        if self.profile is not None:
            out["profile"] = self.profile
        return out


def profile_of(layer: str, source_fields: list[str]) -> tuple[str, dict[str, str]] | None:
    """(profile, {source field: target}) when the field set is a known exporter's."""
    by_norm = {_norm(f): f for f in source_fields}
    for name, needed, markers, targets in PROFILES.get(layer, ()):
        if needed <= by_norm.keys() and markers & by_norm.keys():
            return name, {by_norm[k]: t for k, t in targets.items()}
    return None


@functools.cache
def _known(layer: str) -> dict[str, list[tuple[str, float]]]:
    """The layer's presets normalised, once per process: a register's header is looked
    for by detecting a mapping for each of its first 20 rows."""
    return {
        target: [(_norm(name), conf) for name, conf in map(_preset, names)]
        for target, names in PRESETS[preset_key(layer)].items()
    }


def detect(layer: str, source_fields: list[str]) -> FieldMapping:
    """Map source fields by the presets: a known name has its preset's confidence (1.0
    unless the name is a generic one); a Chinese title that contains a known Chinese
    title is likely (0.7). Each target is filled once, by the most confident source field."""
    known = _known(layer)
    candidates: list[tuple[float, int, str, str]] = []
    profile = profile_of(layer, source_fields)
    if profile is not None:  # sure: ranked above every preset (2.0), shown as 1.0
        candidates += [(2.0, -1, src, tgt) for src, tgt in profile[1].items()]
    for order, src in enumerate(source_fields):
        n = _norm(src)
        if not n:
            continue
        for target, names in known.items():
            exact = [(rank, conf) for rank, (x, conf) in enumerate(names) if x == n]
            if exact:
                rank, conf = exact[0]
                # the earlier a name in its preset, the likelier (ties between targets)
                candidates.append((conf - rank * 1e-4, order, src, target))
            elif not n.isascii() and any(
                len(x) >= 2 and not x.isascii() and x in n for x, _ in names
            ):
                candidates.append((0.7, order, src, target))
    fields: dict[str, str | None] = dict.fromkeys(source_fields)
    confidence: dict[str, float] = {}
    origin: dict[str, str] = dict.fromkeys(source_fields, "none")
    taken: set[str] = set()
    for conf, _, src, target in sorted(candidates, key=lambda c: (-c[0], c[1])):
        if fields[src] is not None or target in taken:
            continue
        fields[src] = target
        confidence[src] = round(min(conf, 1.0), 2)
        origin[src] = "preset"
        taken.add(target)
    # A target the layer cannot do without takes a field from an optional target
    # (XZQDM is the town's code beside a village code, but the village's code alone).
    for need in KEY_TARGETS.get(preset_key(layer), ()):
        if need in taken:
            continue
        for conf, _, src, target in sorted(candidates, key=lambda c: (-c[0], c[1])):
            held = fields[src]
            if target == need and held is not None and held not in KEY_TARGETS[preset_key(layer)]:
                taken.discard(held)
                fields[src] = need
                confidence[src] = round(min(conf, 1.0), 2)
                taken.add(need)
                break
    return FieldMapping(layer, fields, confidence, origin, None if profile is None else profile[0])


def _user_mappings(store: Any, layer: str) -> Iterator[tuple[int, dict[str, str | None]]]:
    """(batch, fields) of the batches of `layer`, newest first, whose mapping the user
    chose (from a mapping file, or remembered from one), undone batches left out."""
    rows = store.execute_sql(
        "SELECT fid, mapping FROM import_batches WHERE layer = ? AND undone = 0 "
        "AND mapping IS NOT NULL ORDER BY fid DESC",
        (layer,),
    )
    for fid, text in rows:
        try:
            stored = json.loads(text)
        except (TypeError, ValueError):
            continue
        fields, origin = stored.get("fields"), stored.get("origin", {})
        mine = isinstance(origin, dict) and any(o in ("file", "saved") for o in origin.values())
        if isinstance(fields, dict) and mine:
            yield int(fid), fields


def saved_fields(store: Any, layer: str) -> frozenset[str]:
    """Every source field name of the user's saved mappings for `layer`."""
    return frozenset(name for _, fields in _user_mappings(store, layer) for name in fields)


def remembered(
    store: Any, layer: str, source_fields: list[str]
) -> tuple[int, dict[str, str | None]] | None:
    """The mapping a user chose (with a mapping file) for an earlier file of `layer` with
    exactly these fields, as (batch, overrides); None when there is none. The latest
    batch not undone wins: the user's last word for this form of file."""
    want = sorted(source_fields)
    for fid, fields in _user_mappings(store, layer):
        if sorted(fields) == want:
            return fid, dict(fields)
    return None


def load(path: str | Path) -> dict[str, str | None]:
    """A mapping file: JSON `{"fields": {"SOURCE": "target" or null, ...}}` (or the bare dict)."""
    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise QjgisError("file_not_found", path=str(p)) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise QjgisError("mapping_file_invalid", path=str(p), detail=str(exc)[:120]) from None
    fields = data.get("fields", data) if isinstance(data, dict) else None
    if not isinstance(fields, dict) or not all(
        isinstance(k, str) and (v is None or isinstance(v, str)) for k, v in fields.items()
    ):
        raise QjgisError("mapping_file_invalid", path=str(p), detail="mapping_shape")
    return dict(fields)


def apply_overrides(
    mapping: FieldMapping, overrides: dict[str, str | None], source: str, origin: str = "file"
) -> FieldMapping:
    """Apply a mapping file (or a remembered mapping: origin "saved") over the detected
    one; its choices win."""
    valid = set(PRESETS[mapping.layer])
    for src, target in overrides.items():
        if src not in mapping.fields:
            raise QjgisError("mapping_source_unknown", field=src, path=source)
        if target is not None and target not in valid:
            raise QjgisError("mapping_target_unknown", target=target, layer=mapping.layer)
        if target is not None:
            for other, t in list(mapping.fields.items()):
                if t == target and other != src:
                    mapping.fields[other] = None
                    mapping.confidence.pop(other, None)
                    mapping.origin[other] = "none"
        mapping.fields[src] = target
        mapping.origin[src] = origin
        if target is None:
            mapping.confidence.pop(src, None)
        else:
            mapping.confidence[src] = 1.0
    return mapping
