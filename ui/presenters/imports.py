"""How an import's dry run reads to a person, worded once for the CLI and the import
dialog (Qt-free)."""

from __future__ import annotations

from typing import Any

from ui.presenters.words import t


def required_lines(report: dict[str, Any]) -> list[str]:
    """The required targets no source field maps to, each on a line, then the candidate
    source fields (the fields kept in `extra`) with their sample values: what to map."""
    missing = report.get("required_missing") or []
    lines = [
        t("io.required_missing", target=" / ".join(entry["targets"]),
          title=" / ".join(entry.get("titles", [])))
        for entry in missing
    ]  # fmt: skip
    if missing:  # the same candidates for every missing target: listed once
        lines.append(t("io.required_candidates"))
        lines += [
            t("io.required_candidate", field=c["field"], samples=", ".join(c["samples"]) or "-")
            for c in missing[0]["candidates"]
        ]
    return lines


def empty_lines(report: dict[str, Any]) -> list[str]:
    """The dry run's word that an import would write nothing: a register with only its
    header, or a form whose table lists nobody."""
    out = []
    for w in report.get("warnings") or []:
        if w.get("code") == "register_empty":
            out.append(t("io.warn_register_empty", row=w["row"], skipped=w["skipped"]))
        elif w.get("code") == "register_is_form":
            out.append(t("io.warn_register_is_form", row=w["row"], rows=w["rows"]))
    return out
