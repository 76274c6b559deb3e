"""A deterministic demo district with planted cases of every check, and its ground truth.

Everything is generated on columns (numpy, shapely's vectorised constructors):
towns -> villages (a jittered lattice of quads, so neighbours share edges and
nothing overlaps) -> hamlets on hillsides (terraced rows of plots, rotated with
the slope) -> homestead parcels -> 1-3 buildings each -> households and members.

Ordinary plots are sized within the household's area standard (the project's
default settings), spaced at least ~5 m apart, and every building lies well
inside its plot, so nothing is a finding by accident. Planted cases are taken
from disjoint pairs of neighbouring plots and recorded in `demo_truth`, dated
by `AS_OF` so that deadline cases mean the same thing whenever the demo is read.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from qjgis import codes
from qjgis.errors import QjgisError
from qjgis.feedback import Feedback, NullFeedback, check_canceled
from qjgis.model import (
    AcquisitionMode,
    BuildingStatus,
    HouseholdType,
    LandType,
    PlotDisposalStatus,
    SplitStatus,
)
from qjgis.settings import ProjectSettings, defaults
from qjgis.store import GpkgStore

AS_OF = dt.date(2026, 6, 30)  # the date the ground truth holds for (deadline cases)
CRS = "EPSG:4524"
COUNTY = "500110"
MIN_PARCELS, MAX_PARCELS = 200, 2_000_000

# Qijiang proper's towns (domain-rules §3.5); street offices are urban and left out.
TOWNS: tuple[tuple[str, str], ...] = (
    ("108", "石角镇"), ("109", "东溪镇"), ("110", "赶水镇"), ("111", "打通镇"),
    ("112", "石壕镇"), ("113", "永新镇"), ("114", "三角镇"), ("115", "隆盛镇"),
    ("116", "郭扶镇"), ("117", "篆塘镇"), ("118", "丁山镇"), ("119", "安稳镇"),
    ("120", "扶欢镇"), ("121", "永城镇"), ("123", "中峰镇"), ("124", "横山镇"),
)  # fmt: skip

_VILLAGE_A = list(
    "麻石龙凤青白金马桃柳竹松花水高新长大小红黄双三五平安和中上下东西南北杨李梅兰云田山河"
)
_VILLAGE_B = list("柳河林坪坝湾岩沟塘桥溪岭坡园庄寨垭岗台冲院坎口嘴湖池滩井屯堡场峰")
# Two-character words of local village names (新民村, 黄桷坪村): with a B character they
# give the three-character names a large district needs beyond the 1,344 of A + B.
_VILLAGE_W = (
    "新民", "红星", "永丰", "太平", "高峰", "金星", "团结", "民主", "和平", "光明", "胜利",
    "幸福", "先锋", "建设", "前进", "向阳", "东风", "联合", "兴隆", "三合", "五里", "双河",
    "黄桷", "青杠", "白果", "桐梓", "柏杨", "杉木", "楠木", "茶园", "花园", "龙门", "凤凰",
    "狮子", "马鞍", "天池", "石门", "板桥", "观音", "万寿", "长田", "大坪", "小河", "水井",
    "松林", "竹林", "枫香", "桂花", "李子", "梨树", "核桃", "荷花", "青龙", "白鹤", "金鸡",
    "玉泉", "清水", "银杏", "古楼", "石佛",
)  # fmt: skip
_SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛"
)
_GIVEN = list(
    "国华建明军平志强德文永春兴玉秀英芳兰梅丽福贵海洪林成顺友光全世金银学忠正清云霞红燕琴桂"
)
_DANGER_BODIES = ("綦江区房屋安全鉴定站", "重庆市綦江区农村危房鉴定组", "綦江区住房城乡建委鉴定组")

CELL = 2000.0  # village cell edge, m
JITTER = 150.0  # lattice jitter, m (shared vertices keep villages edge to edge)
MARGIN = 300.0  # hamlet slots keep this far from the cell edge
SLOTS = 4  # 4 x 4 hamlet slots per village
SLOT = (CELL - 2 * MARGIN) / SLOTS
MIN_ROWS, MIN_COLS = 3, 4
MAX_ROWS, MAX_COLS = 6, 7
# Plots per village. Random hamlets hold 192..672 plots (396 on average), so 300 needs
# a few villages' hamlets grown (`_hamlet_sizes`); more villages, not fuller ones, carry
# larger districts: 2,000,000 parcels make 6,667 villages, 417 a town, inside the
# 3-digit village codes (200..999) and subzones.
PER_VILLAGE = 300
PITCH = 26.0  # plot pitch within a hamlet row, m (plots are at most ~20.5 m a side)
TERRACE = 4.0  # each row steps sideways along the slope
X0, Y0 = 36_370_000.0, 3_190_000.0  # south-west corner, EPSG:4524 (about 106.66°E, 28.8°N)


@dataclass
class DemoSummary:
    path: str
    seed: int
    towns: int
    villages: int
    parcels: int
    buildings: int
    households: int
    members: int
    truth: dict[str, int]
    seconds: float
    files: list[str] = field(default_factory=list)


# Planted cases: name -> (share of parcels, uses both plots of a pair)
_CASES: dict[str, tuple[float, bool]] = {
    "multi": (0.004, True),  # QJ-R001, no exemption
    "multi_inheritance": (0.0015, True),
    "multi_historical": (0.0015, True),
    "multi_split": (0.0015, True),
    "multi_resettlement": (0.0015, True),
    "multi_reclamation": (0.0015, True),
    "new_not_demolished": (0.002, True),  # QJ-R002 (+ QJ-R001)
    "new_demolished": (0.001, True),  # control: old house demolished, plot reclaimed
    "straddle": (0.002, True),  # QJ-R005
    "overlap": (0.0015, True),  # QJ-R006
    "sliver": (0.0015, True),  # QJ-R013
    "duplicate_code": (0.001, True),  # QJ-R008 (both plots carry one code)
    "co_holder_elsewhere": (0.001, True),  # QJ-R010 (co-holder of L is in R's household)
    "over_area": (0.003, False),  # QJ-R003
    "over_area_historical": (0.0015, False),  # QJ-R003, exempt: historical
    "wrong_village": (0.0015, False),  # QJ-R007
    "malformed_code": (0.0015, False),  # QJ-R008
    "area_mismatch": (0.002, False),  # QJ-R011
    "wrong_recorded_parcel": (0.002, False),  # QJ-R012
    "outside": (0.002, False),  # QJ-R004
    "no_household": (0.001, False),  # QJ-R010
    "ruin_only_home": (0.003, False),  # ruin on a single homestead: QJ-R014
    "grade_c": (0.004, False),
    "grade_d": (0.003, False),
    "beyond": (0.002, False),  # QJ-R016: the main house juts out of its plot
    "beyond_small": (0.001, False),  # control: by less than check.beyond_share
    "unit_not_house": (0.001, False),  # QJ-R008: a house's unit code with fixture L
    "other_county": (0.001, False),  # QJ-R008: 宗地代码 of another county
    "legacy_county": (0.001, False),  # QJ-R008, a warning: 宗地代码 under 綦江县 500222
    "new_approved_kept": (0.0015, True),  # QJ-R002 (approved, no duty) + QJ-R001
    "new_built_kept": (0.0015, True),  # QJ-R002 (a newer house) + QJ-R001
    "new_recent": (0.001, True),  # control: approved under 6 months ago; QJ-R001 only
    "over_area_to_handle": (0.001, False),  # QJ-R003 acquired 1982-1987: no exemption
    "over_approved": (0.001, False),  # control: over the standard, within its PZMJ
}
_MULTI_EXEMPTION = {
    "multi": None,
    "multi_inheritance": "inheritance",
    "multi_historical": "historical",
    "multi_split": "split",
    "multi_resettlement": "resettlement",
    "multi_reclamation": "reclamation",
    "new_not_demolished": None,
    "new_approved_kept": None,
    "new_built_kept": None,
    "new_recent": None,
}
#: Over-area plots, grown past their standard (and, for a control, covered by PZMJ).
_OVER_AREA = ("over_area", "over_area_historical", "over_area_to_handle", "over_approved")


def _count(n: int, share: float) -> int:
    return max(1, round(n * share))


def _dates(rng: np.random.Generator, start: str, end: str, size: int) -> np.ndarray:
    lo, hi = np.datetime64(start, "D"), np.datetime64(end, "D")
    days = rng.integers(0, int((hi - lo).astype(int)) + 1, size)
    return lo + days.astype("timedelta64[D]")


def _pick(rng: np.random.Generator, options: list[str] | tuple[str, ...], size: int) -> np.ndarray:
    return np.asarray(options, dtype=object)[rng.integers(0, len(options), size)]


def _zfill(values: np.ndarray, width: int) -> np.ndarray:
    return np.char.zfill(values.astype(str), width)


def _cat(*parts: Any) -> np.ndarray:
    """Elementwise string concatenation of arrays and scalars."""
    out = np.asarray(parts[0]).astype(str)
    for p in parts[1:]:
        out = np.char.add(out, np.asarray(p).astype(str))
    return out


def _approval_numbers(rng: np.random.Generator, dates: np.ndarray) -> np.ndarray:
    """Homestead approval numbers in the district's style, dated by the approval's year."""
    year = dates.astype("datetime64[Y]").astype(str)
    serial = _zfill(rng.integers(1, 999, len(dates)), 3)
    return _cat("綦江宅批〔", year, "〕", serial, "号").astype(object)


def _year_start(year: np.ndarray) -> np.ndarray:
    """1 January of each calendar year (datetime64 counts years from 1970)."""
    return (np.asarray(year) - 1970).astype("datetime64[Y]").astype("datetime64[D]")


def _with_check_char(body: np.ndarray) -> np.ndarray:
    """18-character ID numbers from 17-digit bodies, check character computed on arrays."""
    body = np.asarray(body).astype("<U17")
    digits = body.view("<U1").reshape(len(body), 17).astype(int)
    return np.char.add(body, codes.id_check_chars(digits))


def _village_names(rng: np.random.Generator, nv: int) -> np.ndarray:
    """`nv` distinct village names, the most plausible first: A + B (石坝村), then a local
    word + B (黄桷坪村), then A + A + B (麻石湾村) for the largest districts."""
    short = _cat(*np.meshgrid(_VILLAGE_A, _VILLAGE_B, indexing="ij")).ravel()
    words = _cat(*np.meshgrid(_VILLAGE_W, _VILLAGE_B, indexing="ij")).ravel()
    a1, a2, b = np.meshgrid(_VILLAGE_A, _VILLAGE_A, _VILLAGE_B, indexing="ij")
    distinct = a1 != a2  # no 石石坝
    longer = np.setdiff1d(_cat(a1[distinct], a2[distinct], b[distinct]), words)
    chosen, left = [], nv
    for tier in (short, np.unique(words), longer):
        take = tier[rng.permutation(len(tier))[:left]]
        chosen.append(take)
        left -= len(take)
    if left > 0:
        raise AssertionError("more villages than village names")
    names = np.concatenate(chosen)
    return np.char.add(names[rng.permutation(nv)], "村")


def _hamlet_sizes(rng: np.random.Generator, target: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows and columns of each village's SLOTS x SLOTS hamlets, holding at least `target`.

    Sizes are drawn at random; where a village's hamlets fall short (16 small ones hold
    only 192 plots), its smallest hamlet grows by a row (else a column) until they fit.
    Each round works on all short villages at once, and at most 16 x 6 rounds are needed.
    """
    nv, nslots = len(target), SLOTS * SLOTS
    if (target > nslots * MAX_ROWS * MAX_COLS).any():
        raise AssertionError("a village's target exceeds the largest hamlets")
    rows = rng.integers(MIN_ROWS, MAX_ROWS + 1, (nv, nslots))
    cols = rng.integers(MIN_COLS, MAX_COLS + 1, (nv, nslots))
    short = np.flatnonzero((rows * cols).sum(axis=1) < target)
    while len(short):
        size = rows[short] * cols[short]
        size = np.where((rows[short] == MAX_ROWS) & (cols[short] == MAX_COLS), 1 << 30, size)
        slot = np.argmin(size, axis=1)
        taller = rows[short, slot] < MAX_ROWS
        rows[short[taller], slot[taller]] += 1
        cols[short[~taller], slot[~taller]] += 1
        short = short[(rows[short] * cols[short]).sum(axis=1) < target[short]]
    return rows, cols


def _redraw_unique(
    ids: np.ndarray,
    draw: Callable[[Any], np.ndarray],
    taken: np.ndarray,
    redraw_arg: np.ndarray | None = None,
) -> np.ndarray:
    """`ids` with every value that is in `taken` or repeated redrawn until none is.

    `draw(x)` returns fresh values for the positions to redraw; `x` is their count, or
    `redraw_arg` at those positions when given (for draws that depend on the row).
    """
    ids = np.asarray(ids).astype(object)
    taken = np.unique(np.asarray(taken).astype(str))
    while True:
        _, first = np.unique(ids.astype(str), return_index=True)
        bad = np.ones(len(ids), dtype=bool)
        bad[first] = False
        bad |= np.isin(ids.astype(str), taken, assume_unique=False)
        if not bad.any():
            return ids
        where = np.flatnonzero(bad)
        ids[where] = draw(len(where) if redraw_arg is None else redraw_arg[where])


def _rotate(local: np.ndarray, theta: np.ndarray, centre: np.ndarray) -> np.ndarray:
    """Rigid transform of (n, k, 2) local coordinates by per-row angle and centre."""
    c, s = np.cos(theta)[:, None], np.sin(theta)[:, None]
    x, y = local[..., 0], local[..., 1]
    return np.stack([c * x - s * y + centre[:, None, 0], s * x + c * y + centre[:, None, 1]], -1)


def _rects(x0: np.ndarray, y0: np.ndarray, x1: np.ndarray, y1: np.ndarray) -> np.ndarray:
    """(n, 5, 2) closed rings of axis-aligned rectangles in local coordinates."""
    return np.stack(
        [np.stack([x0, y0], -1), np.stack([x1, y0], -1), np.stack([x1, y1], -1),
         np.stack([x0, y1], -1), np.stack([x0, y0], -1)],
        axis=1,
    )  # fmt: skip


class _District:
    """The generated columns; `build_demo` writes them out."""

    def __init__(self, n: int, seed: int, feedback: Feedback) -> None:
        self.n, self.seed = n, seed
        self.rng = np.random.default_rng(seed)
        self.fb = feedback
        self.settings = ProjectSettings(defaults())
        self.truth: list[tuple[str, str, str, str | None, str]] = []
        self._villages()
        self._plots()
        check_canceled(feedback)
        self._roles()
        self._households()
        check_canceled(feedback)
        self._geometry()
        self._buildings()
        check_canceled(feedback)
        self._attributes()
        self._record_truth()
        self._overlays()

    # ---------------------------------------------------------------- villages
    def _villages(self) -> None:
        rng, n = self.rng, self.n
        # Two villages at least: a plot recorded in the wrong village needs another one.
        nv = max(2, int(np.ceil(n / PER_VILLAGE)))
        gc = int(np.ceil(np.sqrt(nv)))
        gr = int(np.ceil(nv / gc))
        lattice = np.stack(
            np.meshgrid(np.arange(gc + 1) * CELL + X0, np.arange(gr + 1) * CELL + Y0), -1
        )
        lattice += rng.uniform(-JITTER, JITTER, lattice.shape)
        v = np.arange(nv)
        row, col = v // gc, v % gc
        quad = np.stack(
            [lattice[row, col], lattice[row, col + 1], lattice[row + 1, col + 1],
             lattice[row + 1, col], lattice[row, col]], axis=1,
        )  # fmt: skip
        nt = min(len(TOWNS), max(1, int(np.ceil(nv / 12))), gc)
        order = np.lexsort((row, col))  # column-major: towns are contiguous strips
        town = np.empty(nv, dtype=int)
        town[order] = np.arange(nv) * nt // nv
        rank = np.empty(nv, dtype=int)
        for t in range(nt):  # per town, not per feature: at most 16 iterations
            members = order[town[order] == t]
            rank[members] = np.arange(len(members))
        town_codes = np.array([COUNTY + TOWNS[t][0] for t in range(nt)])
        self.town_codes, self.town_names = town_codes, np.array([t[1] for t in TOWNS[:nt]])
        self.v_town = town
        self.v_subzone = _zfill(rank + 1, 3)
        self.v_code = _cat(town_codes[town], _zfill(rank + 200, 3))
        self.v_name = _village_names(rng, nv)
        self.v_geom = shapely.polygons(quad)
        self.v_inner = np.stack(
            [col * CELL + X0 + JITTER + MARGIN, row * CELL + Y0 + JITTER + MARGIN], -1
        )
        self.v_target = np.full(nv, n // nv) + (v < n % nv)
        self.nv = nv

    # ---------------------------------------------------------------- plots in hamlets
    def _plots(self) -> None:
        rng, nv = self.rng, self.nv
        nslots = SLOTS * SLOTS
        slot_rank = np.argsort(rng.random((nv, nslots)), axis=1)
        rows, cols = _hamlet_sizes(rng, self.v_target)
        theta = rng.uniform(0, np.pi, (nv, nslots))
        v, s, i, j = np.indices((nv, nslots, MAX_ROWS, MAX_COLS)).reshape(4, -1)
        exists = (i < rows[v, s]) & (j < cols[v, s])
        v, s, i, j = v[exists], s[exists], i[exists], j[exists]
        order = np.lexsort((j, i, slot_rank[v, s], v))
        v, s, i, j = v[order], s[order], i[order], j[order]
        start = np.searchsorted(v, np.arange(self.nv))
        rank_in_village = np.arange(len(v)) - start[v]
        keep = rank_in_village < self.v_target[v]
        self.p_village, self.p_slot, self.p_row, self.p_col = v[keep], s[keep], i[keep], j[keep]
        self.p_serial = rank_in_village[keep] + 1
        self.p_rows = rows[self.p_village, self.p_slot]
        self.p_cols = cols[self.p_village, self.p_slot]
        self.p_theta = theta[self.p_village, self.p_slot]
        sx, sy = self.p_slot % SLOTS, self.p_slot // SLOTS
        self.p_centre = self.v_inner[self.p_village] + np.stack([sx + 0.5, sy + 0.5], -1) * SLOT
        self.np_ = len(self.p_village)

    # ---------------------------------------------------------------- planted roles
    def _roles(self) -> None:
        rng, n = self.rng, self.np_
        idx = np.arange(n)
        same_row_next = np.zeros(n, dtype=bool)
        same_row_next[:-1] = (
            (self.p_village[1:] == self.p_village[:-1])
            & (self.p_slot[1:] == self.p_slot[:-1])
            & (self.p_row[1:] == self.p_row[:-1])
            & (self.p_col[1:] == self.p_col[:-1] + 1)
        )
        lefts = idx[(self.p_col % 2 == 0) & same_row_next]
        lefts = lefts[rng.permutation(len(lefts))]
        self.case = np.full(n, "", dtype=object)  # the case a plot belongs to
        self.side = np.zeros(n, dtype=np.int8)  # 1 left plot of the pair, 2 right plot
        self.pairs: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        at = 0
        for name, (share, _pair) in _CASES.items():  # one iteration per case kind
            k = _count(self.n, share)
            if at + k > len(lefts):
                raise QjgisError(
                    "invalid_argument", name="parcels", value=self.n, reason="too_few_plots"
                )
            left = np.sort(lefts[at : at + k])
            at += k
            right = left + 1
            self.pairs[name] = (left, right)
            self.case[left], self.side[left] = name, 1
            if _CASES[name][1]:
                self.case[right], self.side[right] = name, 2
        # The owner of each plot's use right: itself, or the left plot of a multi pair.
        owner = idx.copy()
        for name in (*_MULTI_EXEMPTION, "new_demolished"):
            left, right = self.pairs[name]
            owner[right] = left
        self.owner = owner

    # ---------------------------------------------------------------- households
    def _households(self) -> None:
        rng = self.rng
        no_household = self.pairs["no_household"][0]
        heads = np.setdiff1d(np.unique(self.owner), no_household)
        extra = _count(self.n, 0.002)  # households without a homestead (无房户)
        nh = len(heads) + extra
        self.h_plot = np.concatenate([heads, np.full(extra, -1)])
        h_village = np.concatenate([self.p_village[heads], rng.integers(0, self.nv, extra)])
        self.h_village = h_village
        sizes = rng.choice(np.arange(1, 8), nh, p=[0.08, 0.2, 0.24, 0.2, 0.14, 0.09, 0.05])
        self.h_size = sizes
        plot_household = np.full(self.np_, -1)
        plot_household[heads] = np.arange(len(heads))
        self.p_household = plot_household[self.owner]  # -1: no household in the register
        serial = np.zeros(nh, dtype=int)
        order = np.argsort(h_village, kind="stable")
        start = np.searchsorted(h_village[order], np.arange(self.nv))
        serial[order] = np.arange(nh) - start[h_village[order]] + 1
        self.h_no = _cat(self.v_code[h_village], _zfill(serial, 4))
        self.h_type = rng.choice(
            [HouseholdType.GENERAL.value, HouseholdType.LIFTED_OUT_OF_POVERTY.value,
             HouseholdType.AT_RISK.value], nh, p=[0.82, 0.14, 0.04],
        ).astype(object)  # fmt: skip
        self.h_lives = rng.random(nh) < 0.9
        self.h_split = np.full(nh, SplitStatus.NONE.value, dtype=object)
        split_h = self.p_household[self.pairs["multi_split"][0]]
        self.h_split[split_h] = rng.choice(
            [SplitStatus.PENDING.value, SplitStatus.APPROVED.value], len(split_h)
        )
        self._members()

    def _members(self) -> None:
        rng, nh = self.rng, len(self.h_size)
        m_h = np.repeat(np.arange(nh), self.h_size)
        first = np.searchsorted(m_h, np.arange(nh))
        seq = np.arange(len(m_h)) - first[m_h] + 1
        nm = len(m_h)
        head_year = rng.integers(1938, 1992, nh)
        relation = np.where(seq == 1, "户主", np.where(seq == 2, "配偶", ""))
        child = seq >= 3
        grandchild = seq >= 6
        male = np.where(seq == 1, rng.random(nm) < 0.85, rng.random(nm) < 0.5)
        male = np.where(seq == 2, ~male[np.maximum(np.arange(nm) - 1, 0)], male)
        relation = np.where(child & ~grandchild, np.where(male, "子", "女"), relation)
        relation = np.where(grandchild, np.where(male, "孙子", "孙女"), relation)
        year = head_year[m_h] + np.where(
            seq == 1, 0, np.where(seq == 2, rng.integers(-4, 5, nm), rng.integers(22, 34, nm))
        )
        year = np.where(grandchild, year + 24, year)
        year = np.minimum(year, 2023)
        birth = _year_start(year) + rng.integers(0, 365, nm).astype("timedelta64[D]")
        ymd = np.datetime_as_string(birth, unit="D")
        ymd = np.char.replace(ymd, "-", "")
        # Older residents keep the pre-2011 county code on their ID cards (domain-rules §3.5).
        prefix = np.where((year < 1995) & (rng.random(nm) < 0.6), "500222", COUNTY)
        # The 3-digit sequence code is odd for men, even for women; a woman's 1000 would be a
        # 4th digit that the 17-character body cuts off, so it wraps to 000.
        seq3 = (rng.integers(0, 500, nm) * 2 + np.where(male, 1, 2)) % 1000
        body = _cat(prefix, ymd).astype("<U14")
        while True:  # ID numbers are unique per person: re-number the rare collisions
            full = _cat(body, _zfill(seq3, 3))
            _, first_seen = np.unique(full, return_index=True)
            dup = np.ones(nm, dtype=bool)
            dup[first_seen] = False
            if not dup.any():
                break
            seq3[dup] = (seq3[dup] + 2) % 1000  # keeps the sex parity
        ids = _with_check_char(full)
        surname = _pick(rng, _SURNAMES, nh)
        own_surname = np.where(seq == 2, _pick(rng, _SURNAMES, nm), surname[m_h])
        given_len = rng.random(nm) < 0.7
        given = np.where(
            given_len, _cat(_pick(rng, _GIVEN, nm), _pick(rng, _GIVEN, nm)), _pick(rng, _GIVEN, nm)
        )
        names = _cat(own_surname, given)
        phone = np.where(
            seq == 1,
            _cat("1", _pick(rng, list("3456789"), nm), _zfill(rng.integers(0, 10**9, nm), 9)),
            "",
        )
        self.m_h, self.m_seq, self.m_relation = m_h, seq, relation.astype(object)
        self.m_name, self.m_id = names.astype(object), ids.astype(object)
        self.m_sex = np.where(male, "男", "女").astype(object)
        self.m_birth = birth
        self.m_phone = np.where(phone == "", None, phone).astype(object)
        self.h_head = first
        self._bad_ids()

    def _bad_ids(self) -> None:
        """Plant ID numbers that fail (QJ-R009) on members who are not the head."""
        rng = self.rng
        clean_h = np.flatnonzero((self.h_size >= 2) & (self.h_plot >= 0))
        clean_h = clean_h[self.case[self.h_plot[clean_h]] == ""]
        k = min(len(clean_h), _count(self.n, 0.002))
        chosen = rng.choice(clean_h, k, replace=False)
        victims = self.h_head[chosen] + 1  # the second member
        ids = self.m_id[victims].astype(str)
        bad_check = rng.random(k) < 0.7
        last = np.array([c[-1] for c in ids])  # k is a few hundred at most
        wrong = np.where(last == "0", "1", "0")
        broken = np.where(bad_check, np.char.add(ids.astype("<U17"), wrong), ids)
        # A 30th of February with a check digit that matches: only the date is wrong. The
        # victim is the spouse, the plot's co-holder: two victims sharing an ID would link a
        # co-holder to the other household (a QJ-R010 case nobody planted), so IDs are unique.
        prefix = ids.astype("<U6")

        def feb30(where: np.ndarray) -> np.ndarray:
            year = rng.integers(1950, 2000, len(where)).astype(str)
            serial = _zfill(rng.integers(100, 999, len(where)), 3)
            return _with_check_char(_cat(prefix[where], year, "0230", serial))

        everyone = np.arange(k)
        bad_date = _redraw_unique(feb30(everyone), feb30, self.m_id, redraw_arg=everyone)
        self.m_id[victims] = np.where(bad_check, broken, bad_date).astype(object)
        self.bad_id_members = victims

    # ---------------------------------------------------------------- geometry
    def _geometry(self) -> None:
        rng, n = self.rng, self.np_
        s = self.settings
        hh = self.p_household
        size = np.where(hh >= 0, self.h_size[np.maximum(hh, 0)], 3)
        farmland = rng.random(n) < 0.3
        lo, hi = s["area.household_min"], s["area.household_max"]
        per = np.where(farmland, s["area.per_person_farmland"], s["area.per_person_other"])
        standard = per * np.clip(size, lo, hi)
        area = standard * rng.uniform(0.75, 0.97, n)
        over = np.isin(self.case, _OVER_AREA) & (self.side == 1)
        area[over] = standard[over] + s["area.tolerance_m2"] + rng.uniform(20, 150, over.sum())
        wide = np.isin(self.case, ["overlap"])
        aspect = rng.uniform(0.8, 1.3, n)
        w = np.sqrt(area * aspect)
        # Overlap pairs need plots wide enough that a 1 m overlap misses the buildings.
        w = np.where(wide, np.maximum(w, 14.0), w)
        h = area / w
        # A straddle pair shares one height, so the straddling building's band (above
        # both main houses) lies inside both plots; equal areas keep widths in the pitch.
        left, right = self.pairs["straddle"]
        shared = np.maximum(h[left], h[right])
        h[left], h[right] = shared, shared
        w[left], w[right] = area[left] / shared, area[right] / shared
        self.standard, self.farmland, self.w, self.h = standard, farmland, w, h
        y0 = self.p_row * PITCH
        # Plots of a hamlet row stand side by side and share their side boundaries, as
        # homesteads along a lane do (the lane is the open band between rows); only the
        # planted pairs leave a slit or overlap by a metre. Each plot starts exactly where
        # its left neighbour ends (x0 + w, the same float sum the ring uses), so a shared
        # side is one line, not a sliver of rounding.
        gap = np.zeros(n)
        for name, shift in (("overlap", -1.0), ("sliver", None)):
            left, right = self.pairs[name]
            if shift is None:  # a slit narrower than the sliver tolerance
                new_gap = rng.uniform(0.05, 0.3, len(left))
            else:
                new_gap = np.full(len(left), shift)
            gap[right] = new_gap
        x0 = (self.p_row * TERRACE).astype(float)
        for col in range(1, int(self.p_col.max(initial=0)) + 1):
            k = np.flatnonzero(self.p_col == col)  # the left neighbour is plot k - 1
            x0[k] = (x0[k - 1] + w[k - 1]) + gap[k]
        self.x0, self.y0 = x0, y0
        local_w = self.p_cols * PITCH + self.p_rows * TERRACE
        local_h = self.p_rows * PITCH
        self.local_centre = np.stack([local_w / 2, local_h / 2 - PITCH / 2], -1)
        ring = _rects(x0, y0, x0 + w, y0 + h) - self.local_centre[:, None, :]
        world = _rotate(ring, self.p_theta, self.p_centre)
        self.p_geom = shapely.polygons(world)
        self.p_area = shapely.area(self.p_geom)

    def _to_world(self, plot: np.ndarray, ring: np.ndarray) -> np.ndarray:
        local = ring - self.local_centre[plot][:, None, :]
        return shapely.polygons(_rotate(local, self.p_theta[plot], self.p_centre[plot]))

    # ---------------------------------------------------------------- buildings
    def _buildings(self) -> None:
        rng, n = self.rng, self.np_
        nb = rng.choice([1, 2, 3], n, p=[0.5, 0.3, 0.2])
        straddle_l, straddle_r = self.pairs["straddle"]
        nb[straddle_l] = 1
        nb[straddle_r] = 1
        plot = np.repeat(np.arange(n), nb)
        first = np.searchsorted(plot, np.arange(n))
        self.b_first = first  # the main house of each plot; the main block comes first below
        k = np.arange(len(plot)) - first[plot]  # 0 main house, 1 side room, 2 back room
        fx0 = np.array([0.08, 0.68, 0.08])[k]
        fx1 = np.array([0.62, 0.92, 0.45])[k]
        fy0 = np.array([0.08, 0.08, 0.66])[k]
        fy1 = np.array([0.58, 0.45, 0.92])[k]
        x0, y0, w, h = self.x0[plot], self.y0[plot], self.w[plot], self.h[plot]
        rings = [_rects(x0 + fx0 * w, y0 + fy0 * h, x0 + fx1 * w, y0 + fy1 * h)]
        # A main house built out past its plot's lower edge, into the open band below: by
        # 15-35 % of its footprint (QJ-R016), or by 1-3 % (a control, under the share).
        for name, lo, hi in (("beyond", 0.15, 0.35), ("beyond_small", 0.01, 0.03)):
            jut = self.pairs[name][0]
            main = first[jut]
            r = rng.uniform(lo, hi, len(jut))
            inside = 0.58 * self.h[jut]
            rings[0][main] = _rects(
                self.x0[jut] + 0.08 * self.w[jut],
                self.y0[jut] - inside * r / (1 - r),
                self.x0[jut] + 0.62 * self.w[jut],
                self.y0[jut] + inside,
            )
        plots, numbers, kinds = [plot], [k + 1], [np.full(len(plot), "", dtype=object)]

        # A building across the slit between the straddle pair, recorded on the left plot.
        left, right = straddle_l, straddle_r
        gap_x0 = self.x0[left] + self.w[left]
        gap_x1 = self.x0[right]
        hmin = np.minimum(self.h[left], self.h[right])
        rings.append(
            _rects(
                gap_x0 - 4.0, self.y0[left] + 0.65 * hmin, gap_x1 + 2.5, self.y0[left] + 0.9 * hmin
            )
        )
        plots.append(left)
        numbers.append(np.full(len(left), 2))
        kinds.append(np.full(len(left), "straddle", dtype=object))

        # A building in the open band below its household's plot, inside no plot at all.
        out = self.pairs["outside"][0]
        ox0 = self.x0[out] + 0.2 * self.w[out]
        rings.append(_rects(ox0, self.y0[out] - 4.5, ox0 + 0.5 * self.w[out], self.y0[out] - 1.0))
        plots.append(out)
        numbers.append(nb[out] + 1)
        kinds.append(np.full(len(out), "outside", dtype=object))

        b_plot = np.concatenate(plots)
        ring = np.concatenate(rings)
        self.b_plot = b_plot
        self.b_no = np.concatenate(numbers)
        self.b_kind = np.concatenate(kinds)
        self.b_geom = self._to_world(b_plot, ring)
        nbld = len(b_plot)
        self.nb = nbld
        acquired_year = rng.integers(1975, 2021, n)
        self.acquired_year = acquired_year
        self.b_year = np.minimum(acquired_year[b_plot] + rng.integers(0, 3, nbld), 2024)
        self.b_floors = rng.choice([1, 2, 3], nbld, p=[0.45, 0.45, 0.1])
        self.b_structure = rng.choice(["5", "4", "6", "3"], nbld, p=[0.4, 0.3, 0.2, 0.1]).astype(
            object
        )
        status = rng.choice(
            [BuildingStatus.IN_USE.value, BuildingStatus.IDLE.value], nbld, p=[0.88, 0.12]
        ).astype(object)
        grade = rng.choice(["A", "B", None], nbld, p=[0.6, 0.25, 0.15]).astype(object)
        self.b_status, self.b_grade = status, grade

    # ---------------------------------------------------------------- attributes
    def _attributes(self) -> None:
        rng, n = self.rng, self.np_
        v = self.p_village
        town = self.v_town[v]
        self.p_zddm = _cat(self.town_codes[town], self.v_subzone[v], "JC", _zfill(self.p_serial, 5))
        true_zddm = self.p_zddm.copy()
        self.p_village_code = self.v_code[v].astype(object)
        self.p_zl = _cat(self.town_names[town], self.v_name[v], _zfill(self.p_slot + 1, 2), "组")
        self.p_land = np.where(self.farmland, LandType.FARMLAND.value, LandType.OTHER.value)
        acquired = _year_start(self.acquired_year) + rng.integers(0, 365, n).astype(
            "timedelta64[D]"
        )
        mode = np.where(
            self.acquired_year < 1987, AcquisitionMode.HISTORICAL_APPROVAL.value,
            AcquisitionMode.MEMBER.value,
        ).astype(object)  # fmt: skip
        approval_no = np.full(n, None, dtype=object)
        approval_date = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
        must_demolish = np.zeros(n, dtype=bool)
        deadline = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
        disposal = np.full(n, PlotDisposalStatus.NONE.value, dtype=object)
        disposal_deadline = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
        status, grade, b_plot = self.b_status, self.b_grade, self.b_plot
        pairs = self.pairs

        # Ordinary plots are acquired after the historical cut-off unless a case says so,
        # so that an over-area or second plot is never historical by accident.
        acquired = np.maximum(acquired, np.datetime64("1988-01-01"))
        mode[:] = AcquisitionMode.MEMBER.value
        for name in _MULTI_EXEMPTION:  # the second plot of every multi case: recent
            right = pairs[name][1]
            acquired[right] = _dates(rng, "1995-01-01", "2016-12-31", len(right))
        right = pairs["multi_inheritance"][1]
        mode[right] = AcquisitionMode.INHERITANCE.value
        right = pairs["multi_historical"][1]
        acquired[right] = _dates(rng, "1972-01-01", "1986-06-30", len(right))
        mode[right] = AcquisitionMode.HISTORICAL_APPROVAL.value
        left, right = pairs["multi_resettlement"]
        mode[right] = AcquisitionMode.RELOCATION.value
        acquired[right] = _dates(rng, "2024-01-01", "2025-12-31", len(right))
        disposal[right] = PlotDisposalStatus.RESETTLEMENT.value
        disposal_deadline[right] = _dates(rng, "2027-06-30", "2029-12-31", len(right))
        approval_no[right] = _approval_numbers(rng, acquired[right])
        approval_date[right] = acquired[right]
        must_demolish[right] = True
        deadline[right] = disposal_deadline[right]
        right = pairs["multi_reclamation"][1]
        disposal[right] = PlotDisposalStatus.RECLAMATION_PLANNED.value
        disposal_deadline[right] = _dates(rng, "2027-01-01", "2028-12-31", len(right))
        status[np.isin(b_plot, right)] = BuildingStatus.RUIN.value
        for name, done in (("new_not_demolished", False), ("new_demolished", True)):
            left, right = pairs[name]
            approved = _dates(rng, "2014-01-01", "2020-12-31", len(right))
            acquired[right] = approved
            approval_no[right] = _approval_numbers(rng, approved)
            approval_date[right] = approved
            must_demolish[right] = True
            deadline[right] = approved + rng.integers(365, 3 * 365, len(right)).astype(
                "timedelta64[D]"
            )
            old = np.isin(b_plot, left)
            if done:
                status[old] = BuildingStatus.DEMOLISHED.value
                grade[old] = None
                disposal[left] = PlotDisposalStatus.RECLAIMED.value
            else:
                status[old] = rng.choice(
                    [
                        BuildingStatus.IN_USE.value,
                        BuildingStatus.IDLE.value,
                        BuildingStatus.RUIN.value,
                    ],
                    old.sum(),
                )
        left = pairs["over_area_historical"][0]
        acquired[left] = _dates(rng, "1968-01-01", "1981-12-31", len(left))
        mode[left] = AcquisitionMode.HISTORICAL_APPROVAL.value
        left = pairs["over_area_to_handle"][0]
        acquired[left] = _dates(rng, "1982-03-01", "1986-12-31", len(left))
        mode[left] = AcquisitionMode.HISTORICAL_APPROVAL.value
        self._new_and_old(acquired, approval_no, approval_date)
        # A ruin on a household's only homestead, besides a house still in use.
        left = pairs["ruin_only_home"][0]
        main = self.b_first[left]
        status[main] = BuildingStatus.RUIN.value
        grade[status == BuildingStatus.RUIN.value] = None
        # Danger grades C and D on standing houses of clean plots.
        for name, g in (("grade_c", "C"), ("grade_d", "D")):
            main = self.b_first[pairs[name][0]]
            grade[main] = g
            status[main] = BuildingStatus.IN_USE.value
        graded = np.isin(grade, ["A", "B", "C", "D"])
        self.b_assessed = np.where(
            graded, _dates(rng, "2019-01-01", "2026-05-31", self.nb), np.datetime64("NaT")
        )
        self.b_assessed_by = np.where(graded, _pick(rng, _DANGER_BODIES, self.nb), None)

        # Recorded areas: the computed area, to the hundredth; mismatches planted.
        zdmj = np.round(self.p_area, 2)
        left = pairs["area_mismatch"][0]
        zdmj[left] = np.round(self.p_area[left] * rng.uniform(0.8, 0.88, len(left)), 2)
        pzmj = np.where(acquired >= np.datetime64("1987-01-01"), np.round(self.standard, 2), np.nan)
        left = pairs["over_approved"][0]  # approved as large as it is, and more
        pzmj[left] = np.round(self.p_area[left] + rng.uniform(5, 30, len(left)), 2)

        # Codes: wrong village, malformed codes, duplicates.
        left = pairs["wrong_village"][0]
        other = (v[left] + 1) % self.nv
        self.p_village_code[left] = self.v_code[other]
        left = pairs["malformed_code"][0]
        kind = np.arange(len(left)) % 3
        bad = np.where(
            kind == 0, self.p_zddm[left].astype("<U18"),
            np.where(kind == 1, np.char.replace(self.p_zddm[left], "JC", "KC"),
                     np.char.add(self.p_zddm[left].astype("<U14"), "00000")),
        )  # fmt: skip
        self.p_zddm = self.p_zddm.astype(object)
        self.p_zddm[left] = bad
        left, right = pairs["duplicate_code"]
        self.p_zddm[left] = self.p_zddm[right]
        # Another county's code, and the old county's: the unit codes of their buildings
        # follow the plot's code, as a surveyor writes them.
        for name, county in (("other_county", "500112"), ("legacy_county", "500222")):
            left = pairs[name][0]
            self.p_zddm[left] = _cat(county, np.strings.slice(true_zddm[left], 6, 19))
            true_zddm[left] = self.p_zddm[left]

        # Buildings: unit codes from the true parcel code (unique), recorded parcel code
        # as the surveyor wrote it on the plot, except where a wrong one is planted.
        fixture = np.full(len(b_plot), "F", dtype=object)
        fixture[self.b_first[pairs["unit_not_house"][0]]] = "L"  # a forest's unit, not a house
        self.b_bdcdyh = _cat(true_zddm[b_plot], fixture, _zfill(self.b_no, 4), "0001").astype(
            object
        )
        self.b_zddm = self.p_zddm[b_plot].copy()
        left, right = pairs["wrong_recorded_parcel"]
        wrong = self.b_first[left]
        self.b_zddm[wrong] = self.p_zddm[right]
        self.b_wrong_recorded = wrong
        self.b_zrzh = _zfill(self.b_no, 4).astype(object)
        self.b_footprint = np.round(shapely.area(self.b_geom), 2)

        # Holders: the owner household's head; co-holder the spouse.
        hh = self.p_household
        has = hh >= 0
        head = self.h_head[np.maximum(hh, 0)]
        self.p_holder = np.where(has, self.m_name[head], None).astype(object)
        self.p_holder_id = np.where(has, self.m_id[head], None).astype(object)
        self.p_hh = np.where(has, self.h_no[np.maximum(hh, 0)], None).astype(object)
        spouse = head + 1
        has_spouse = has & (self.h_size[np.maximum(hh, 0)] >= 2)
        self.p_coholder = np.where(
            has_spouse, self.m_name[np.minimum(spouse, len(self.m_name) - 1)], None
        ).astype(object)
        self.p_coholder_id = np.where(
            has_spouse, self.m_id[np.minimum(spouse, len(self.m_id) - 1)], None
        ).astype(object)
        # A plot whose holder is in no household of the register (valid ID, no 户号). The
        # ID is drawn like a member's, so it must be redrawn where it is one: the link rule
        # (any member's ID) would find that member's household and the case would not hold.
        left = pairs["no_household"][0]

        def stranger_ids(k: int) -> np.ndarray:
            body = _cat(
                COUNTY,
                _dates(rng, "1950-01-01", "1990-12-31", k).astype(str),
                _zfill(rng.integers(100, 999, k), 3),
            )
            return _with_check_char(np.char.replace(body, "-", ""))

        self.p_holder_id[left] = _redraw_unique(stranger_ids(len(left)), stranger_ids, self.m_id)
        self.p_holder[left] = _cat(
            _pick(self.rng, _SURNAMES, len(left)), _pick(self.rng, _GIVEN, len(left))
        )
        self.p_hh[left] = None
        self.p_coholder[left] = None
        self.p_coholder_id[left] = None
        # A co-holder who belongs to another household (the right plot's head).
        left, right = pairs["co_holder_elsewhere"]
        other_head = self.h_head[hh[right]]
        self.p_coholder[left] = self.m_name[other_head]
        self.p_coholder_id[left] = self.m_id[other_head]

        self.p_acquired, self.p_mode = acquired, mode
        self.p_approval_no, self.p_approval_date = approval_no, approval_date
        self.p_must_demolish, self.p_deadline = must_demolish, deadline
        self.p_disposal, self.p_disposal_deadline = disposal, disposal_deadline
        self.p_zdmj, self.p_pzmj = zdmj, pzmj
        self.p_bdcdyh = _cat(true_zddm, "F00010001").astype(object)

    def _new_and_old(
        self, acquired: np.ndarray, approval_no: np.ndarray, approval_date: np.ndarray
    ) -> None:
        """Years built and approvals of the two-plot households (QJ-R002's second trigger).

        Both plots of a multi case keep one year built, so no house is newer than the
        other. New-house cases build or approve the right plot after the left plot's
        house: approved 2015-2024 (no duty to demolish recorded), built 2012-2023, or,
        for the control, approved within the last six months before AS_OF.
        """
        rng, year, pairs = self.rng, self.b_year, self.pairs
        b_plot = self.b_plot
        for name in ("multi", "multi_inheritance", "multi_historical", "multi_split",
                     "multi_resettlement", "multi_reclamation", "new_recent"):  # fmt: skip
            left, right = pairs[name]
            same = self.owner[b_plot]
            one = np.isin(b_plot, np.concatenate([left, right]))
            main_year = np.zeros(self.np_, dtype=int)
            main_year[left] = year[self.b_first[left]]
            year[one] = main_year[same[one]]
        for name in ("new_not_demolished", "new_approved_kept", "new_recent"):
            left, right = pairs[name]
            if name == "new_recent":
                approved = _dates(rng, "2026-01-05", "2026-06-01", len(right))
            elif name == "new_approved_kept":
                approved = _dates(rng, "2015-01-01", "2024-06-30", len(right))
                acquired[right] = approved
                approval_no[right] = _approval_numbers(rng, approved)
                approval_date[right] = approved
            else:
                approved = approval_date[right]
            if name == "new_recent":
                acquired[right] = approved
                approval_no[right] = _approval_numbers(rng, approved)
                approval_date[right] = approved
                continue
            y = approved.astype("datetime64[Y]").astype(int) + 1970
            plot_year = np.zeros(self.np_, dtype=int)
            plot_year[right] = y
            plot_year[left] = y  # left's houses: 3-20 years older than the approval
            old = np.isin(b_plot, left)
            new = np.isin(b_plot, right)
            year[old] = plot_year[b_plot[old]] - rng.integers(3, 21, old.sum())
            year[new] = np.minimum(plot_year[b_plot[new]] + rng.integers(0, 2, new.sum()), 2024)
        left, right = pairs["new_built_kept"]
        old = np.isin(b_plot, left)
        new = np.isin(b_plot, right)
        year[old] = rng.integers(1985, 2006, old.sum())
        year[new] = rng.integers(2012, 2024, new.sum())

    # ---------------------------------------------------------------- ground truth
    def _record_truth(self) -> None:
        pairs = self.pairs
        keys = self.parcel_keys()
        add = self.truth.append

        def parcels(rule: str, idx: np.ndarray, exemption: str | None, note: str) -> None:
            for key in keys[idx]:
                add((rule, "parcel", key, exemption, note))

        def buildings(rule: str, idx: np.ndarray, note: str) -> None:
            for key in self.b_bdcdyh[idx]:
                add((rule, "building", key, None, note))

        for name, exemption in _MULTI_EXEMPTION.items():
            for hno in self.h_no[self.p_household[pairs[name][0]]]:
                add(("QJ-R001", "household", hno, exemption, name))
        parcels("QJ-R002", pairs["new_not_demolished"][0], None, "old plot, house still standing")
        parcels("QJ-R002", pairs["new_approved_kept"][0], None, "approved new, old kept")
        parcels("QJ-R002", pairs["new_built_kept"][0], None, "built new, old kept")
        parcels("QJ-R003", pairs["over_area"][0], None, "over_area")
        parcels("QJ-R003", pairs["over_area_historical"][0], "historical", "acquired before 1982")
        parcels("QJ-R003", pairs["over_area_to_handle"][0], None, "acquired 1982-1987")
        buildings("QJ-R004", np.flatnonzero(self.b_kind == "outside"), "outside")
        buildings("QJ-R005", np.flatnonzero(self.b_kind == "straddle"), "straddle")
        for name, rule in (("overlap", "QJ-R006"), ("sliver", "QJ-R013")):
            left, right = pairs[name]
            parcels(rule, np.concatenate([left, right]), None, name)
        parcels("QJ-R007", pairs["wrong_village"][0], None, "wrong_village")
        parcels("QJ-R008", pairs["malformed_code"][0], None, "malformed")
        left, right = pairs["duplicate_code"]
        parcels("QJ-R008", np.concatenate([left, right]), None, "duplicate")
        for name in ("other_county", "legacy_county"):
            left = pairs[name][0]
            parcels("QJ-R008", left, None, name)
            buildings("QJ-R008", np.flatnonzero(np.isin(self.b_plot, left)), name)
        buildings("QJ-R008", self.b_first[pairs["unit_not_house"][0]], "fixture L")
        for i in self.bad_id_members:
            add(("QJ-R009", "member", f"{self.h_no[self.m_h[i]]}/{self.m_seq[i]}", None, "bad_id"))
        parcels("QJ-R010", pairs["no_household"][0], None, "no_household")
        parcels("QJ-R010", pairs["co_holder_elsewhere"][0], None, "co_holder_elsewhere")
        for hno in self.h_no[self.h_plot < 0]:
            add(("QJ-R010", "household", hno, None, "no_homestead"))
        parcels("QJ-R011", pairs["area_mismatch"][0], None, "area_mismatch")
        buildings("QJ-R012", self.b_wrong_recorded, "wrong_recorded_parcel")
        buildings("QJ-R014", np.flatnonzero(self.b_status == BuildingStatus.RUIN.value), "ruin")
        buildings("QJ-R016", self.b_first[pairs["beyond"][0]], "beyond its plot")
        for g in ("C", "D"):
            buildings(f"FACT-GRADE-{g}", np.flatnonzero(self.b_grade == g), f"grade {g}")

    # ---------------------------------------------------------------- reference layers
    def _overlays(self) -> None:
        """Reference layers around the hamlets (issue 19) and the overlay rules' truth.

        In each hamlet's own frame (rows of plots from y = 0 up): the settlement
        (0702) from 10 m around the plots, a field (旱地/水田) in a 30 m band below it
        and a wood (0301) in a band above; fields of every even hamlet slot are also
        permanent basic farmland. Each village's construction boundary is its hamlets'
        settlements, dated by the village plan. Planted, on ordinary plots only, so
        that no other rule's truth moves: row-0 plots the field reaches into (QJ-R017,
        after or before the cut-off; QJ-R018 where the field is basic farmland); top-row
        plots the boundary is cut back over, approved after the plan (QJ-R019) or before
        it (a control); plots inside a hazard zone, and hazard points whose radius sits
        clear of every building's distance (QJ-R020). Drawn with their own generator,
        so the rest of the district is the same as without them.
        """
        rng = np.random.default_rng(self.seed + 19_000)
        n = self.np_
        keys = self.parcel_keys()
        add = self.truth.append
        ordinary = self.case == ""
        hamlet_id = self.p_village * (SLOTS * SLOTS) + self.p_slot
        hamlets, first = np.unique(hamlet_id, return_index=True)
        lw = (self.p_cols * PITCH + self.p_rows * TERRACE)[first]
        lh = (self.p_rows * PITCH)[first]
        z = np.zeros(len(first))
        settle_ring = _rects(z - 10, z - 10, lw + 10, lh + 10)
        field_ring = _rects(z - 10, z - 40, lw + 10, z - 10)
        wood_ring = _rects(z - 10, lh + 10, lw + 10, lh + 40)
        settle = self._to_world(first, settle_ring)
        boundary = settle.copy()
        field_geom = self._to_world(first, field_ring)
        wood = self._to_world(first, wood_ring)
        basic = (self.p_slot[first] % 2) == 0
        paddy = (np.arange(len(first)) % 3) == 0
        h_of = np.searchsorted(hamlets, hamlet_id)  # each plot's hamlet

        def pick(mask: np.ndarray, k: int) -> np.ndarray:
            idx = np.flatnonzero(mask & ordinary & ~taken)
            out = np.sort(rng.choice(idx, min(k, len(idx)), replace=False))
            taken[out] = True
            return out

        taken = np.zeros(n, dtype=bool)
        # QJ-R017/R018: the field reaches a quarter of the way into a row-0 plot.
        bottom = self.p_row == 0
        even = basic[h_of]
        k_after, k_before = _count(self.n, 0.002), _count(self.n, 0.001)
        after = np.concatenate(
            [pick(bottom & even, (k_after + 1) // 2), pick(bottom & ~even, k_after // 2)]
        )
        before = np.concatenate(
            [pick(bottom & even, (k_before + 1) // 2), pick(bottom & ~even, k_before // 2)]
        )
        spill = np.concatenate([after, before])
        x0, w, h = self.x0[spill], self.w[spill], self.h[spill]
        notch = self._to_world(spill, _rects(x0 + 0.1 * w, np.full(len(spill), -10.0),
                                             x0 + 0.9 * w, 0.25 * h))  # fmt: skip
        self.p_acquired[after] = _dates(rng, "2021-01-01", "2025-12-31", len(after))
        self.p_acquired[before] = _dates(rng, "1990-01-01", "2019-12-31", len(before))
        self.p_approval_date[spill] = np.datetime64("NaT")
        self.p_approval_no[spill] = None
        settle = _cut(settle, h_of[spill], notch)
        for idx, note in ((after, "field entered after the cut-off"),
                          (before, "field entered before the cut-off: historical")):  # fmt: skip
            for key in keys[idx]:
                add(("QJ-R017", "parcel", key, None, note))
        for key in keys[spill[even[spill]]]:
            add(("QJ-R018", "parcel", key, None, "permanent basic farmland entered"))

        # QJ-R019: the boundary is cut back over the upper 40 % of a top-row plot.
        nv = self.nv
        plan = _dates(rng, "2019-01-01", "2022-12-31", nv)
        top = self.p_row == self.p_rows - 1
        outside = pick(top, _count(self.n, 0.0015))
        control = pick(top, _count(self.n, 0.0005))
        cut = np.concatenate([outside, control])
        x0, y0, w, h = self.x0[cut], self.y0[cut], self.w[cut], self.h[cut]
        lh_cut = (self.p_rows * PITCH)[cut]
        gap = self._to_world(cut, _rects(x0 + 0.1 * w, y0 + 0.6 * h, x0 + 0.9 * w, lh_cut + 11))
        boundary = _cut(boundary, h_of[cut], gap)
        v_out, v_ctl = self.p_village[outside], self.p_village[control]
        self.p_approval_date[outside] = np.minimum(
            plan[v_out] + rng.integers(30, 900, len(outside)).astype("timedelta64[D]"),
            np.datetime64(AS_OF.isoformat()) - np.timedelta64(1, "D"),
        )
        self.p_approval_date[control] = plan[v_ctl] - rng.integers(30, 900, len(control)).astype(
            "timedelta64[D]"
        )
        self.p_acquired[cut] = self.p_approval_date[cut]
        self.p_approval_no[cut] = _approval_numbers(rng, self.p_approval_date[cut])
        for key in keys[outside]:
            add(("QJ-R019", "parcel", key, None, "approved after the plan, outside its boundary"))

        # QJ-R020: hazard zones 0.5 m around chosen plots (clear of every neighbour and of
        # every building outside the plot), and hazard points.
        zone_plots = pick(self.h <= 18.0, _count(self.n, 0.001))
        zones = shapely.buffer(self.p_geom[zone_plots], 0.5, join_style="mitre")
        standing = np.array([BuildingStatus(s).standing for s in self.b_status.tolist()])
        at_risk = set(np.flatnonzero(np.isin(self.b_plot, zone_plots) & standing).tolist())
        centres = shapely.centroid(
            self.p_geom[pick(np.ones(n, dtype=bool), _count(self.n, 0.0005))]
        )
        tree = shapely.STRtree(self.b_geom)
        radius = np.empty(len(centres))
        for k, c in enumerate(centres):  # a handful of points
            near = tree.query(c, predicate="dwithin", distance=60.0)
            d = shapely.distance(self.b_geom[near], c)
            r = float(rng.uniform(15.0, 40.0))
            while np.any(np.abs(d - r) < 0.5):  # no building on the rim: truth is exact
                r += 0.7
            radius[k] = r
            at_risk.update(near[(d < r) & standing[near]].tolist())
        discs = shapely.buffer(centres, radius, quad_segs=16)
        self.hazard_centres = centres  # what a hazard survey delivers: points and radii
        for b in sorted(at_risk):
            add(("QJ-R020", "building", self.b_bdcdyh[b], None, "house in a hazard area"))

        # The layers, as the tables hold them.
        nh = len(first)
        lu_geom = np.concatenate([settle, field_geom, wood, notch])
        field_code = np.where(paddy, "0101", "0103")
        spill_field = field_code[h_of[spill]]
        lu_code = np.concatenate(
            [np.full(nh, "0702"), field_code, np.full(nh, "0301"), spill_field]
        )
        names = {"0702": "农村宅基地", "0301": "乔木林地", "0101": "水田", "0103": "旱地"}
        named = np.vectorize(names.get, otypes=[object])
        lu_name = named(lu_code)
        bf_geom = np.concatenate([field_geom[basic], notch[even[spill]]])
        bf_code = np.concatenate([field_code[basic], spill_field[even[spill]]])
        vp_geom = shapely.multipolygons(
            shapely.get_parts(boundary), indices=np.repeat(
                self.p_village[first], shapely.get_num_geometries(boundary)
            ),
        )  # fmt: skip
        self.reference = {
            "landuse": (lu_geom, {"dlbm": lu_code, "dlmc": lu_name, "ref_date": "2023-12-31"}),
            "basic-farmland": (
                bf_geom,
                {"dlbm": bf_code, "dlmc": named(bf_code), "ref_date": "2023-12-31"},
            ),
            "village-plan": (vp_geom, {"ref_date": plan.astype(str), "code": self.v_code}),
            "hazard-zones": (zones, {"ref_date": "2025-05-31"}),
            "hazard-points": (discs, {"radius_m": radius, "ref_date": "2025-05-31"}),
        }

    def parcel_keys(self) -> np.ndarray:
        """Unique keys: the parcel code, with '#k' where a code is shared (k by plot order)."""
        zddm = self.p_zddm.astype(str)
        _, inverse, counts = np.unique(zddm, return_inverse=True, return_counts=True)
        keys = zddm.astype(object)
        dup = counts[inverse] > 1
        if dup.any():
            idx = np.flatnonzero(dup)
            order = idx[np.lexsort((idx, zddm[idx]))]
            rank = np.ones(len(order), dtype=int)
            same = zddm[order][1:] == zddm[order][:-1]
            for i in np.flatnonzero(same):  # a handful of planted duplicates
                rank[i + 1] = rank[i] + 1
            keys[order] = _cat(zddm[order], "#", rank).astype(object)
        return keys


def _cut(polys: np.ndarray, which: np.ndarray, holes: np.ndarray) -> np.ndarray:
    """`polys` with each of `holes` taken out of polygon `which[k]` (few, planted ones)."""
    out = polys.copy()
    for i in np.unique(which).tolist():  # one per hamlet that has planted cuts
        out[i] = shapely.difference(out[i], shapely.union_all(holes[which == i]))
    return out


# ==================================================================== writing
def _write_project(d: _District, path: Path, fb: Feedback) -> None:
    store = GpkgStore.create(path, crs=CRS, overwrite=True)
    try:
        with store.transaction() as conn:
            store.insert_rows(conn, "towns", {"code": d.town_codes, "name": d.town_names})
            store.insert_features(
                conn, "villages", d.v_geom,
                {"code": d.v_code, "name": d.v_name, "town_code": d.town_codes[d.v_town]},
            )  # fmt: skip
            fb.set_progress(0.55, "write_parcels")
            check_canceled(fb)
            p_fids = store.insert_features(
                conn,
                "parcels",
                d.p_geom,
                {
                    "zddm": d.p_zddm, "bdcdyh": d.p_bdcdyh, "village_code": d.p_village_code,
                    "zl": d.p_zl, "yt": np.full(d.np_, "0702"), "land_type": d.p_land,
                    "zdmj": d.p_zdmj, "pzmj": d.p_pzmj, "acquired": d.p_acquired,
                    "acquisition_mode": d.p_mode, "approval_no": d.p_approval_no,
                    "approval_date": d.p_approval_date, "must_demolish_old": d.p_must_demolish,
                    "demolition_deadline": d.p_deadline, "disposal": d.p_disposal,
                    "disposal_deadline": d.p_disposal_deadline, "holder_name": d.p_holder,
                    "holder_id": d.p_holder_id, "household_no": d.p_hh,
                    "co_holders": _co_holders(d.p_coholder, d.p_coholder_id),
                },
            )  # fmt: skip
            fb.set_progress(0.7, "write_buildings")
            check_canceled(fb)
            store.insert_features(
                conn,
                "buildings",
                d.b_geom,
                {
                    "bdcdyh": d.b_bdcdyh, "zrzh": d.b_zrzh, "zddm": d.b_zddm,
                    "floors": d.b_floors, "structure": d.b_structure, "year_built": d.b_year,
                    "footprint_area": d.b_footprint, "status": d.b_status,
                    "danger_grade": d.b_grade, "assessed": d.b_assessed,
                    "assessed_by": d.b_assessed_by,
                },
            )  # fmt: skip
            fb.set_progress(0.8, "write_households")
            check_canceled(fb)
            head = d.h_head
            store.insert_rows(
                conn,
                "households",
                {
                    "household_no": d.h_no, "village_code": d.v_code[d.h_village],
                    "head_name": d.m_name[head], "head_id": d.m_id[head],
                    "household_type": d.h_type, "lives_in_village": d.h_lives,
                    "split_status": d.h_split,
                },
            )  # fmt: skip
            store.insert_rows(
                conn,
                "members",
                {
                    "household_no": d.h_no[d.m_h], "seq": d.m_seq, "name": d.m_name,
                    "id_number": d.m_id, "relation": d.m_relation, "sex": d.m_sex,
                    "birth_date": d.m_birth, "phone": d.m_phone,
                },
            )  # fmt: skip
            holder = np.concatenate([np.arange(d.np_), np.flatnonzero(d.p_coholder != None)])  # noqa: E711
            primary = np.arange(len(holder)) < d.np_
            store.insert_rows(
                conn,
                "parcel_holders",
                {
                    "parcel_fid": p_fids[holder], "zddm": d.p_zddm[holder],
                    "name": np.where(primary, d.p_holder[holder], d.p_coholder[holder]),
                    "id_number": np.where(primary, d.p_holder_id[holder], d.p_coholder_id[holder]),
                    "household_no": np.where(primary, d.p_hh[holder], None),
                    "is_primary": primary,
                },
            )  # fmt: skip
            fb.set_progress(0.82, "write_reference")
            _write_reference(store, conn, d)
            truth = np.array(d.truth, dtype=object).reshape(-1, 5)
            store.insert_rows(
                conn,
                "demo_truth",
                {
                    "rule_id": truth[:, 0], "entity_kind": truth[:, 1], "entity_key": truth[:, 2],
                    "exemption": truth[:, 3], "note": truth[:, 4],
                },
            )  # fmt: skip
            store.add_meta(
                conn,
                {"demo_seed": str(d.seed), "demo_as_of": AS_OF.isoformat(),
                 "demo_parcels": str(d.np_)},
            )  # fmt: skip
            store.audit(conn, "demo.create", None, None, {"seed": d.seed, "parcels": d.np_})
    finally:
        store.close()


def _write_reference(store: GpkgStore, conn: Any, d: _District) -> None:
    """The reference layers, one kind after another, keyed as an import keys them."""
    for kind, (geoms, attrs) in d.reference.items():
        m = len(geoms)
        if kind == "village-plan":
            ids = np.asarray(attrs["code"], dtype=str)
        else:
            ids = np.char.zfill(np.arange(1, m + 1).astype(str), 6)
        cols: dict[str, Any] = {
            "kind": np.full(m, kind, dtype=object),
            "ref_key": np.char.add(f"{kind}:", ids).astype(object),
        }
        for name, value in attrs.items():
            if name == "code":
                continue
            cols[name] = (
                np.asarray(value, dtype=object)
                if np.ndim(value)
                else np.full(m, value, dtype=object)
            )
        if "dlbm" in cols:
            cols["tbmj"] = np.round(shapely.area(geoms), 2)
        store.insert_features(conn, "reference_features", geoms, cols)


def build_demo(
    path: str | os.PathLike[str],
    *,
    parcels: int = 2000,
    seed: int = 1,
    shapefiles: str | os.PathLike[str] | None = None,
    feedback: Feedback | None = None,
    overwrite: bool = True,
) -> DemoSummary:
    """Generate the demo district into a new project file (and, optionally, survey files).

    The file appears whole or not at all: it is written under a temporary name and
    renamed at the end; a cancel or an error leaves nothing behind.
    """
    fb = feedback or NullFeedback()
    if isinstance(parcels, bool) or not MIN_PARCELS <= int(parcels) <= MAX_PARCELS:
        raise QjgisError(
            "invalid_argument", name="parcels", value=parcels,
            reason="between", lo=MIN_PARCELS, hi=MAX_PARCELS,
        )  # fmt: skip
    target = Path(path)
    if target.exists() and not overwrite:
        raise QjgisError("file_exists", path=str(target))
    if not target.parent.is_dir():
        raise QjgisError("file_not_found", path=str(target.parent))
    started = time.perf_counter()
    fb.set_progress(0.0, "generate")
    d = _District(int(parcels), int(seed), fb)
    fb.set_progress(0.5, "write_project")
    tmp = target.with_name(f".{target.name}.demo.{os.getpid()}.tmp")
    try:
        _write_project(d, tmp, fb)
        files: list[str] = []
        if shapefiles is not None:
            check_canceled(fb)
            fb.set_progress(0.85, "write_shapefiles")
            files = write_survey_files(d, Path(shapefiles), fb)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    fb.set_progress(1.0, "done")
    truth: dict[str, int] = {}
    for rule, *_ in d.truth:
        truth[rule] = truth.get(rule, 0) + 1
    return DemoSummary(
        path=str(target), seed=d.seed, towns=len(d.town_codes), villages=d.nv,
        parcels=d.np_, buildings=d.nb, households=len(d.h_no), members=len(d.m_h),
        truth=dict(sorted(truth.items())), seconds=time.perf_counter() - started, files=files,
    )  # fmt: skip


# ==================================================================== survey files
def write_survey_files(d: _District, folder: Path, fb: Feedback) -> list[str]:
    """Write what a surveyor delivers: GBK shapefiles with national field names,
    an XLSX household register, and the ground truth as truth.csv."""
    from pyogrio.raw import write  # only here: the project file does not need it

    folder.mkdir(parents=True, exist_ok=True)
    written: list[str] = []

    def shp(
        name: str, geoms: np.ndarray, fields: dict[str, np.ndarray], kind: str = "MultiPolygon"
    ) -> None:
        out = folder / f"{name}.shp"
        names = list(fields)
        data = [np.asarray(fields[k]) for k in names]
        data = [a.astype(str) if a.dtype == object and not _is_nullable(a) else a for a in data]
        write(
            str(out), shapely.to_wkb(geoms), data, names, driver="ESRI Shapefile",
            geometry_type=kind, crs=CRS, encoding="GBK", promote_to_multi=kind != "Point",
        )  # fmt: skip
        written.append(str(out))

    shp("villages", d.v_geom, {
        "CDM": d.v_code, "CMC": d.v_name, "XZQDM": d.town_codes[d.v_town],
        "XZQMC": d.town_names[d.v_town],
    })  # fmt: skip
    check_canceled(fb)
    shp("parcels", d.p_geom, {
        "ZDDM": d.p_zddm.astype(str), "BDCDYH": d.p_bdcdyh.astype(str),
        "ZDTZM": np.full(d.np_, "JC"),
        "ZL": d.p_zl, "YT": np.full(d.np_, "0702"), "ZDMJ": d.p_zdmj, "PZMJ": d.p_pzmj,
        "ZJDQDSJ": d.p_acquired, "QDFS": d.p_mode.astype(str), "PZWH": _text(d.p_approval_no),
        "PZRQ": d.p_approval_date, "SFCJ": np.where(d.p_must_demolish, "是", "否"),
        "CJQX": d.p_deadline, "AZFKZT": d.p_disposal.astype(str), "AZFKQX": d.p_disposal_deadline,
        "QLRMC": _text(d.p_holder), "ZJH": _text(d.p_holder_id), "HH": _text(d.p_hh),
        "GYQLR": _text(_co_holders(d.p_coholder, d.p_coholder_id)),
        "CDM": d.p_village_code.astype(str), "YDL": d.p_land,
    })  # fmt: skip
    check_canceled(fb)
    shp("buildings", d.b_geom, {
        "BDCDYH": d.b_bdcdyh.astype(str), "ZRZH": d.b_zrzh.astype(str),
        "ZDDM": d.b_zddm.astype(str),
        "ZCS": d.b_floors, "FWJG": d.b_structure.astype(str), "JCNF": d.b_year,
        "ZZDMJ": d.b_footprint, "FWZT": d.b_status.astype(str), "WFDJ": _text(d.b_grade),
        "JDRQ": d.b_assessed, "JDDW": _text(d.b_assessed_by),
    })  # fmt: skip
    check_canceled(fb)
    _write_reference_files(d, shp)
    check_canceled(fb)
    written += [str(out) for out in _write_register(d, folder)]
    truth_csv = folder / "truth.csv"
    with truth_csv.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["rule_id", "entity_kind", "entity_key", "exemption", "note"])
        w.writerows((r, k, e, x or "", note) for r, k, e, x, note in d.truth)
    written.append(str(truth_csv))
    (folder / "README.txt").write_text(
        json.dumps({"seed": d.seed, "as_of": AS_OF.isoformat(), "crs": CRS}, ensure_ascii=False),
        encoding="utf-8",
    )
    return written


def _write_reference_files(d: _District, shp: Callable[..., None]) -> None:
    """The reference layers as the bureaus receive them, one file per `import --layer` kind
    (landuse.shp ...): 三调 地类图斑 and 永久基本农田图斑 with BSM/DLBM/DLMC/TBMJ, the plan's
    construction boundary per village (BSM = the village code, PFRQ its approval), hazard
    zones, and hazard points as points with their threat radius (YXBJ), which the import
    turns into the discs the project holds. Keys and values import to the project's rows."""
    for kind, (geoms, attrs) in d.reference.items():
        m = len(geoms)
        if kind == "village-plan":
            ids = np.asarray(attrs["code"], dtype=str)
        else:
            ids = np.char.zfill(np.arange(1, m + 1).astype(str), 6)
        date = np.asarray(attrs["ref_date"], dtype=str)
        dates = (np.full(m, date) if date.ndim == 0 else date).astype("datetime64[D]")
        fields: dict[str, np.ndarray] = {"BSM": ids}
        if "dlbm" in attrs:
            fields |= {
                "DLBM": np.asarray(attrs["dlbm"], dtype=str),
                "DLMC": np.asarray(attrs["dlmc"], dtype=str),
                "TBMJ": np.round(shapely.area(geoms), 2),
            }
        if kind == "hazard-points":
            fields = {"ZHDBH": ids, "YXBJ": np.asarray(attrs["radius_m"], dtype=float)}
            shp(kind, d.hazard_centres, fields | {"GXSJ": dates}, "Point")
            continue
        shp(kind, geoms, fields | {"PFRQ" if kind == "village-plan" else "GXSJ": dates})


def _is_nullable(a: np.ndarray) -> bool:
    return bool((a == None).any())  # noqa: E711 - elementwise over an object array


def _co_holders(names: np.ndarray, ids: np.ndarray) -> np.ndarray:
    """共有权利人 as registers write it, "姓名(证件号)": the ID is what links the co-holder
    to a household (names never do), so it must survive a shapefile delivery."""
    has = names != None  # noqa: E711
    out = np.full(len(names), None, dtype=object)
    out[has] = _cat(names[has], "(", ids[has], ")")
    return out


def _text(a: np.ndarray) -> np.ndarray:
    """Object column with None as empty text (shapefile text has no NULL in practice)."""
    out = np.asarray(a, dtype=object).copy()
    out[out == None] = ""  # noqa: E711
    return out.astype(str)


XLSX_MAX_ROWS = 1_048_576  # rows of an Excel sheet, the header row included


def _register_parts(d: _District, max_rows: int = XLSX_MAX_ROWS) -> list[tuple[str, np.ndarray]]:
    """(file name, members) of the register files: one register.xlsx while every member
    fits in one sheet, else one file per town (register-500110108.xlsx), as towns hand
    them in; a town never comes near the limit (2,000,000 parcels: ~400,000 members)."""
    if len(d.m_h) < max_rows:
        return [("register.xlsx", np.arange(len(d.m_h)))]
    town = d.v_town[d.h_village[d.m_h]]
    order = np.argsort(town, kind="stable")
    bounds = np.searchsorted(town[order], np.arange(len(d.town_codes) + 1))
    parts = []
    for t, code in enumerate(d.town_codes):  # one iteration per town: 16 at most
        members = order[bounds[t] : bounds[t + 1]]
        if len(members) >= max_rows:
            raise AssertionError(f"town {code} has too many members for one sheet")
        if len(members):
            parts.append((f"register-{code}.xlsx", members))
    return parts


def _write_register(d: _District, folder: Path, max_rows: int = XLSX_MAX_ROWS) -> list[Path]:
    """The household register as villages hand it in: one row per member."""
    from openpyxl import Workbook

    written = []
    birth = np.datetime_as_string(d.m_birth, unit="D")
    for name, members in _register_parts(d, max_rows):
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("户籍登记")
        ws.append(["户号", "姓名", "身份证号", "与户主关系", "性别", "出生日期", "农户类型",
                   "是否在村居住", "分户状态", "联系电话", "村代码", "村名称"])  # fmt: skip
        h = d.m_h[members]
        rows = zip(
            d.h_no[h].tolist(), d.m_name[members].tolist(), d.m_id[members].tolist(),
            d.m_relation[members].tolist(), d.m_sex[members].tolist(), birth[members].tolist(),
            d.h_type[h].tolist(), np.where(d.h_lives[h], "是", "否").tolist(),
            d.h_split[h].tolist(), [p or "" for p in d.m_phone[members].tolist()],
            d.v_code[d.h_village[h]].tolist(), d.v_name[d.h_village[h]].tolist(), strict=True,
        )  # fmt: skip
        for row in rows:  # openpyxl's write-only sheet takes rows one by one
            ws.append(row)
        wb.save(folder / name)
        written.append(folder / name)
    return written
