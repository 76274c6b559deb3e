"""Map themes of the campaign (issue 16, point 6): which category each building falls in
under 整治进度 (ruins by disposition and state, overdue first) and 危房改造 (C/D houses by
renovation state), and the default colours. The theme chosen and its colours are project
settings (`map.theme`, `map.theme_styles`), so a project opens as it was left. Qt-free:
the window draws the categories, a report could too."""

from __future__ import annotations

import datetime as dt
from typing import Any

from qjgis.cases.commands import is_overdue, read_cases
from qjgis.cases.model import CaseKind, Disposition, RenovationState, RuinState, code_name
from qjgis.store import GpkgStore

#: the themes, in toolbar order: no theme, findings outlines, ruin progress, renovation
THEMES = ("none", "findings", "progress", "renovation")

#: theme -> category -> colour, in legend order (overdue first: it is what needs acting on)
DEFAULT_STYLES: dict[str, dict[str, str]] = {
    "progress": {
        "overdue": "#d32f2f",
        "undisposed": "#ec407a",  # not grey: the base map draws ruins grey
        **{
            code_name(d): c
            for d, c in zip(Disposition, ("#e07b39", "#3c8dbc", "#8e6bbf", "#d4b106"), strict=True)
        },
        "closed": "#5aa469",
    },
    "renovation": {
        "no_case": "#f2b6b6",
        **{
            code_name(s): c
            for s, c in zip(
                [s for s in RenovationState if s is not RenovationState.CANCELLED],
                ("#e07b39", "#d4b106", "#3c8dbc", "#5aa469", "#2e7d32"),
                strict=True,
            )
        },
    },
}


def categories(store: GpkgStore, theme: str, as_of: dt.date) -> dict[int, str]:
    """Building fid -> category under `theme` (empty for themes that colour no building).

    整治进度: every ruin case that is not cancelled, as overdue, closed, its disposition,
    or undisposed. 危房改造: every live renovation case by state, and the C/D houses
    without one as `no_case`."""
    out: dict[int, str] = {}
    if theme == "progress":
        for case in read_cases(store, CaseKind.RUIN, ["state != ?"], [RuinState.CANCELLED.value]):
            if is_overdue(case, as_of):
                cat = "overdue"
            elif case.get("closed"):
                cat = "closed"
            elif case.get("disposition"):
                cat = code_name(Disposition(case["disposition"]))
            else:
                cat = "undisposed"
            out[int(case["building_fid"])] = cat
    elif theme == "renovation":
        for (fid,) in store.execute_sql(
            "SELECT fid FROM buildings WHERE danger_grade IN ('C', 'D')"
        ):
            out[int(fid)] = "no_case"
        for case in read_cases(
            store, CaseKind.RENOVATION, ["state != ?"], [RenovationState.CANCELLED.value]
        ):
            out[int(case["building_fid"])] = code_name(RenovationState(case["state"]))
    return out


def styles(store: GpkgStore, theme: str) -> dict[str, str]:
    """The theme's colours: the defaults, overridden by the project's `map.theme_styles`."""
    saved: dict[str, Any] = store.settings()["map.theme_styles"] or {}
    return {**DEFAULT_STYLES.get(theme, {}), **saved.get(theme, {})}
