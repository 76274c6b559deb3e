"""A small village built for the case tests, one household per situation the policy names.

Real GeoPackage, real geometry: each parcel is a 20 m square on a grid, each
building a 10 m square inside it, so the largest-overlap join is unambiguous.
Imported by the case test modules; it holds no tests itself.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import shapely

from qjgis.store import GpkgStore

X0, Y0 = 36_400_000.0, 3_200_000.0
VILLAGE = "500110108200"
TOWN = "500110108"

#: household -> (lives in village, [(parcel code, [(building code, status, grade)])])
HOUSEHOLDS: dict[str, tuple[bool, list[tuple[str, list[tuple[str, str, str | None]]]]]] = {
    # a ruin on the household's only homestead
    "H1": (True, [("P1", [("B1", "残垣断壁", None)])]),
    # a ruin on a second homestead (一户多宅: a confirmed QJ-R001 finding is planted for H2)
    "H2": (True, [("P2", [("B2", "残垣断壁", None)]), ("P3", [("B3", "在用", "A")])]),
    # only homestead, ruin; another ruin case, for the new-build path
    "H7": (True, [("P9", [("B9", "残垣断壁", None)])]),
    # only homestead, ruin; for rights preservation
    "H8": (True, [("P10", [("B10", "残垣断壁", None)])]),
    # only homestead, a shed next to the ruin on the same plot does not make it two
    "H9": (True, [("P11", [("B11", "残垣断壁", None), ("B11S", "在用", None)])]),
    # renovation: C and D on the only house
    "H3": (True, [("P4", [("B4", "在用", "C")])]),
    "H4": (True, [("P5", [("B5", "在用", "D")])]),
    # D house, but the household holds another standing house
    "H5": (True, [("P6", [("B6", "在用", "D")]), ("P7", [("B7", "闲置", "B")])]),
    # C house, household lives elsewhere
    "H6": (False, [("P8", [("B8", "在用", "C")])]),
}


def zddm(code: str) -> str:
    return f"{VILLAGE[:9]}001JC{int(code.strip('PS')):05d}"


def bdcdyh(code: str) -> str:
    """Unit codes of the fixture's buildings (B1 -> ...F00010001)."""
    return f"{zddm('P' + code.strip('BS'))}F{(2 if code.endswith('S') else 1):04d}0001"


def build_village(path: Path, *, findings: bool = True) -> GpkgStore:
    """Create the project at `path` with the households above; return it open."""
    store = GpkgStore.create(path)
    p_geom, p_cols = [], {"zddm": [], "household_no": [], "village_code": []}
    b_geom, b_cols = (
        [],
        {"bdcdyh": [], "zddm": [], "status": [], "danger_grade": [], "footprint_area": []},
    )
    h_cols = {"household_no": [], "village_code": [], "head_name": [], "lives_in_village": []}
    k = 0
    for hno, (lives, parcels) in HOUSEHOLDS.items():
        h_cols["household_no"].append(hno)
        h_cols["village_code"].append(VILLAGE)
        h_cols["head_name"].append("户主" + hno)
        h_cols["lives_in_village"].append(lives)
        for pcode, buildings in parcels:
            x, y = X0 + (k % 10) * 40.0, Y0 + (k // 10) * 40.0
            k += 1
            p_geom.append(shapely.box(x, y, x + 20, y + 20))
            p_cols["zddm"].append(zddm(pcode))
            p_cols["household_no"].append(hno)
            p_cols["village_code"].append(VILLAGE)
            for j, (bcode, status, grade) in enumerate(buildings):
                bx = x + 2 + j * 9
                geom = shapely.box(bx, y + 2, bx + 8, y + 10)
                b_geom.append(geom)
                b_cols["bdcdyh"].append(bdcdyh(bcode))
                b_cols["zddm"].append(zddm(pcode))
                b_cols["status"].append(status)
                b_cols["danger_grade"].append(grade)
                b_cols["footprint_area"].append(round(geom.area, 2))
    with store.transaction() as conn:
        store.insert_rows(conn, "towns", {"code": [TOWN], "name": ["石角镇"]})
        store.insert_features(
            conn,
            "villages",
            np.array([shapely.box(X0 - 100, Y0 - 100, X0 + 1000, Y0 + 1000)], dtype=object),
            {"code": [VILLAGE], "name": ["麻柳村"], "town_code": [TOWN]},
        )
        store.insert_features(conn, "parcels", np.array(p_geom, dtype=object), p_cols)
        store.insert_features(conn, "buildings", np.array(b_geom, dtype=object), b_cols)
        store.insert_rows(conn, "households", h_cols)
        store.write_settings(conn, {"user.name": "李科员", "user.role": "reviewer"})
    if findings:
        add_finding(
            store,
            "QJ-R001",
            "H2",
            [{"kind": "household", "key": "H2", "fid": None}],
            decision="confirmed",  # reviewed: only a confirmed finding grounds a demolition
        )
    return store


def add_finding(
    store: GpkgStore,
    rule_id: str,
    key: str,
    entities: list[dict[str, object]],
    *,
    exemption: str | None = None,
    decision: str | None = None,
    state: str = "open",
) -> None:
    """A findings row as the checks would leave it (the lead's code fills this table)."""
    with store.transaction() as conn:
        store.insert_rows(
            conn,
            "findings",
            {
                "rule_id": [rule_id],
                "rule_version": [1],
                "key": [key],
                "entity_kind": ["household" if rule_id == "QJ-R001" else "parcel"],
                "severity": ["error"],
                "exemption": [exemption],
                "village_code": [VILLAGE],
                "entities": [json.dumps(entities)],
                "evidence": ["{}"],
                "evidence_hash": ["0"],
                "state": [state],
                "first_run": [1],
                "last_run": [1],
                "decision": [decision],
            },
        )


def set_role(store: GpkgStore, role: str, name: str = "王审批") -> None:
    with store.transaction() as conn:
        store.write_settings(conn, {"user.name": name, "user.role": role})
