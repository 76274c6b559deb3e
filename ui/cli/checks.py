"""CLI commands of the checks: `check`, `findings`, `review`, `stats`."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from qjgis import commands
from qjgis.codes import EXEMPTION_CODES
from qjgis.errors import QjgisError
from ui import texts
from ui.cli.common import EXIT_OK, Progress, emit, iso_date, open_project
from ui.texts import t


def unevaluated_text(reason: str) -> str:
    return texts.lookup("unevaluated", reason)


def severity_text(severity: str) -> str:
    return texts.lookup("severity", severity)


def exemption_text(code: str | None) -> str:
    return texts.lookup("exemption", code) if code else ""


def finding_state_text(state: str) -> str:
    return texts.lookup("finding_state", state)


def decision_text(decision: str | None, exemption: str | None = None) -> str:
    """A decision in words, with the reviewer's exemption code when it has one."""
    text = texts.lookup("decision", decision or "pending")
    if exemption:
        words = exemption_text(exemption)
        return texts.t("decision.with_exemption", decision=text, exemption=words)
    return text


def _choice(kind: str, allowed: tuple[str, ...]) -> Callable[[str], str]:
    """argparse type: a value named by its code, Chinese or English name, among `allowed`."""

    def parse(text: str) -> str:
        code = texts.value_code(kind, text)
        if code not in allowed:
            names = ", ".join(a.replace("_", "-") for a in allowed)
            raise argparse.ArgumentTypeError(f"{texts.t('reason.one_of', choices=names)}: {text}")
        return code

    parse.__name__ = kind  # argparse names the option's type in its refusal
    return parse


def _rule_list(text: str) -> list[str]:
    return [r.strip().upper() for r in text.split(",") if r.strip()]


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    s = sub.add_parser(
        "check",
        parents=[common],
        help=t("help.run_the_checks_and_save_their"),
        description=t("help.run_the_registered_rules_all_by"),
    )
    s.add_argument("project", metavar="PROJECT")
    s.add_argument("--rules", type=_rule_list, metavar="QJ-R001,...", help=t("help.rules_to_run"))
    s.add_argument(
        "--as-of", type=iso_date, metavar="DATE", help=t("help.date_deadlines_are_judged_on")
    )
    s.add_argument("--json", action="store_true")

    s = sub.add_parser("findings", parents=[common], help=t("help.list_the_findings"))
    s.add_argument("project", metavar="PROJECT")
    s.add_argument("--rule", metavar="QJ-R001")
    s.add_argument("--village", metavar="CODE|NAME")
    s.add_argument(
        "--decision",
        type=_choice(
            "decision", ("pending", "confirmed", "exempted", "false_positive", "needs_review")
        ),
        metavar="D",
        help=t("help.pending_confirmed_exempted_false_positive_or"),
    )
    s.add_argument("--all", action="store_true", help=t("help.include_findings_no_longer_found"))
    s.add_argument("--format", choices=("csv", "json", "xlsx"))
    s.add_argument("--out", metavar="FILE")
    s.add_argument("--json", action="store_true")

    s = sub.add_parser("review", parents=[common], help=t("help.record_a_decision_on_a_finding"))
    s.add_argument("project", metavar="PROJECT")
    s.add_argument("finding", metavar="FINDING", help=t("help.finding_number_or_rule_key"))
    s.add_argument(
        "--decision",
        required=True,
        type=_choice("decision", ("confirmed", "exempted", "false_positive")),
        metavar="D",
        help=t("help.confirmed_exempted_or_false_positive_or"),
    )
    s.add_argument("--reason", required=True, metavar="TEXT")
    s.add_argument(
        "--exemption",
        type=_choice("exemption", EXEMPTION_CODES),
        metavar="CODE",
        help=t("help.review_exemption", codes=", ".join(EXEMPTION_CODES)),
    )
    s.add_argument(
        "--replace", action="store_true", help="replace a decision the finding already has"
    )
    s.add_argument(
        "--expect-version",
        type=int,
        metavar="N",
        help="the finding's row version you decided on (findings --json); refused if changed",
    )
    s.add_argument("--json", action="store_true")

    s = sub.add_parser("stats", parents=[common], help=t("help.count_findings_or_cases_by_area"))
    s.add_argument("project", metavar="PROJECT")
    what = s.add_mutually_exclusive_group(required=True)
    what.add_argument("--findings", action="store_true", help=t("help.count_the_open_findings"))
    what.add_argument("--cases", action="store_true", help=t("help.count_the_remediation_cases"))
    s.add_argument(
        "--by",
        type=_choice("level", ("village", "town", "district")),
        default="village",
        metavar="village|town|district",
        help=t("help.group_by_village_town_or_the"),
    )
    s.add_argument(
        "--as-of", type=iso_date, metavar="DATE", help=t("help.date_overdue_is_judged_on")
    )
    s.add_argument("--format", choices=("csv", "json", "xlsx"))
    s.add_argument("--out", metavar="FILE")
    s.add_argument("--json", action="store_true")


# ---------------------------------------------------------------- check
def _cmd_check(args: argparse.Namespace, out: TextIO) -> int:
    from qjgis.checks.findings import run_checks

    with open_project(args.project) as store:
        summary = run_checks(store, args.rules, as_of=args.as_of, feedback=Progress(sys.stderr))
        names = {r[0]: r[1] for r in store.execute_sql("SELECT code, name FROM villages")}
    result = summary.as_json()
    lines = [texts.label("check_done").format(**result), texts.label("check_header")]
    for rule_id, s in summary.rules.items():
        skipped = ", ".join(f"{unevaluated_text(k)} {v}" for k, v in s.unevaluated.items()) or "0"
        lines.append(
            f"{rule_id} {texts.rule_title(rule_id)} | {s.found} | {s.exempted} | "
            f"{s.new} | {s.changed} | {s.needs_review} | {s.gone} | {skipped}"
        )
    if summary.villages:
        lines.append(texts.label("check_by_village"))
        for code, counts in summary.villages.items():
            lines.append(
                f"  {code or '-'} {names.get(code, '')}: "
                + ", ".join(f"{k} {v}" for k, v in counts.items())
            )
    emit(result, args.json, "\n".join(lines), out)
    return EXIT_OK


# ---------------------------------------------------------------- findings
def _finding_columns() -> list[tuple[str, str]]:

    keys = (
        ("fid", "col_fid"),
        ("rule_id", "col_rule"),
        ("rule_title", "col_rule_title"),
        ("entity_kind_text", "col_kind"),
        ("key", "col_key"),
        ("village_code", "col_village_code"),
        ("village_name", "col_village"),
        ("severity_text", "col_severity"),
        ("exemption_text", "col_exemption"),
        ("state_text", "col_state"),
        ("decision_text", "col_decision"),
        ("decision_reason", "col_reason"),
        ("decided_by", "col_decided_by"),
        ("decided_at", "col_decided_at"),
        ("needs_review_text", "col_needs_review"),
        # in words, as the lines print it; the evidence as data is in --json / --format json
        ("evidence_text", "col_evidence"),
    )
    return [(k, texts.label(label)) for k, label in keys]


def _finding_rows(records: Sequence[Any]) -> list[dict[str, Any]]:
    from functools import cache

    from ui.presenters.findings import evidence_text

    # each text function builds its whole translated table per call: look each code up
    # once, not once per finding (a district has tens of thousands)
    rule_title, severity, exemption = (
        cache(texts.rule_title),
        cache(severity_text),
        cache(exemption_text),
    )
    state, decision = cache(finding_state_text), cache(decision_text)
    kind = cache(lambda k: texts.value_text(k, "entity_kind"))
    yes = texts.label("yes")
    rows = []
    for r in records:
        row = r.as_json()
        row |= {
            "rule_title": rule_title(r.rule_id),
            "severity_text": severity(r.severity),
            "exemption_text": exemption(r.exemption),
            "state_text": state(r.state),
            "entity_kind_text": kind(r.entity_kind),
            "decision_text": decision(r.decision, r.decision_exemption),
            "needs_review_text": yes if r.needs_review else "",
            "evidence_text": evidence_text(r.evidence),
        }
        rows.append(row)
    return rows


def _write_or_print(
    rows: list[dict[str, Any]],
    columns: list[tuple[str, str]],
    args: argparse.Namespace,
    out: TextIO,
    text: Callable[[], str],
    *,
    sheet: str,
    json_rows: list[dict[str, Any]] | None = None,
) -> None:
    """--out FILE writes csv/json/xlsx (format from --format or the suffix); else print."""
    from qjgis.tables import write_csv, write_table

    plain = json_rows if json_rows is not None else rows
    if args.out:
        fmt = args.format or Path(args.out).suffix.lstrip(".").lower()
        payload = plain if fmt == "json" else rows
        path = write_table(payload, columns, args.out, fmt, sheet=sheet)
        emit(
            {"path": str(path), "rows": len(rows)},
            args.json,
            texts.label("written").format(path=path, n=len(rows)),
            out,
        )
    elif args.json or args.format == "json":
        out.write(json.dumps(plain, ensure_ascii=False, indent=2, default=str) + "\n")
    elif args.format == "csv":
        write_csv(rows, columns, out)
    elif args.format == "xlsx":
        raise QjgisError("invalid_argument", name="--format", value="xlsx", reason="needs_out_file")
    else:
        out.write(text() + "\n")


def _cmd_findings(args: argparse.Namespace, out: TextIO) -> int:
    from qjgis.checks.findings import list_findings

    with open_project(args.project) as store:
        records = list_findings(
            store,
            rule=args.rule,
            village=args.village,
            decision=args.decision,
            include_gone=args.all,
        )
    rows = _finding_rows(records)

    def text() -> str:
        if not rows:
            return texts.label("findings_none")
        lines = []
        for r in rows:
            flags = " ".join(
                x for x in (r["exemption_text"], r["decision_text"], r["needs_review_text"]) if x
            )
            # one line per finding: the evidence in words, worded once for the CLI and the
            # window (ui.presenters); the data itself is in --json and the files
            evidence = r["evidence_text"]
            place = f"{r['village_code'] or '-'} {r['village_name'] or ''}".strip()
            lines.append(
                f"#{r['fid']} {r['rule_id']} {r['rule_title']} | {r['key']} | {place} | "
                f"{flags} | {evidence}"
            )
        lines.append(texts.label("findings_count").format(n=len(rows)))
        return "\n".join(lines)

    _write_or_print(
        rows,
        _finding_columns(),
        args,
        out,
        text,
        sheet="findings",
        json_rows=[r.as_json() for r in records],
    )
    return EXIT_OK


# ---------------------------------------------------------------- review
def _cmd_review(args: argparse.Namespace, out: TextIO) -> int:
    from qjgis.checks.findings import Review, get_finding

    with open_project(args.project) as store:
        review = Review(
            args.finding,
            args.decision,
            args.reason,
            expected_version=args.expect_version,
            replace=args.replace,
            exemption=args.exemption,
        )
        commands.run(store, review)
        record = get_finding(store, args.finding)
    text = texts.label("reviewed").format(
        fid=record.fid,
        rule=record.rule_id,
        key=record.key,
        decision=decision_text(record.decision, record.decision_exemption),
        user=record.decided_by,
    )
    emit(record.as_json(), args.json, text, out)
    return EXIT_OK


# ---------------------------------------------------------------- stats
_STAT_COLUMNS = (
    ("findings", "col_findings"),
    ("pending", "col_pending"),
    ("confirmed", "col_confirmed"),
    ("exempted", "col_exempted"),
    ("false_positive", "col_false_positive"),
    ("multi_homestead_households", "col_multi"),
    ("new_without_demolition", "col_new_old"),
    ("over_area_parcels", "col_over_parcels"),
    ("over_area_m2", "col_over_m2"),
)


def _text_table(rows: Sequence[dict[str, Any]], columns: list[tuple[str, str]]) -> str:
    from qjgis.tables import cell

    lines = [" | ".join(h for _, h in columns)]
    lines += [
        " | ".join("" if r.get(k) is None else str(cell(r.get(k))) for k, _ in columns)
        for r in rows
    ]
    return "\n".join(lines)


def _cmd_stats(args: argparse.Namespace, out: TextIO) -> int:
    if args.cases:
        return _cmd_stats_cases(args, out)
    from qjgis.checks.findings import finding_statistics

    with open_project(args.project) as store:
        stats = finding_statistics(store, by=args.by)
        district = store.settings()["district.name"]
    rules = sorted({r for row in stats for r in row["by_rule"]})
    head: list[tuple[str, str]] = [
        ("code", texts.label("col_code")),
        ("name", texts.label("col_name")),
    ]
    if args.by == "village":
        head += [
            ("town_code", texts.label("col_town_code")),
            ("town_name", texts.label("col_town")),
        ]
    columns = (
        head + [(k, texts.label(label)) for k, label in _STAT_COLUMNS] + [(r, r) for r in rules]
    )
    rows = []
    for row in stats:
        flat = dict(row)
        if args.by == "district":
            flat["name"] = district or texts.label("district")
        for r in rules:
            flat[r] = row["by_rule"].get(r, {}).get("found", 0)
        rows.append(flat)

    # on screen, villages without findings are left out; files keep every village
    shown = [r for r in rows if r["findings"] or args.by != "village"]
    _write_or_print(
        rows, columns, args, out, lambda: _text_table(shown, columns), sheet="stats",
        json_rows=stats,
    )  # fmt: skip
    return EXIT_OK


def _cmd_stats_cases(args: argparse.Namespace, out: TextIO) -> int:
    from qjgis.cases.stats import case_statistics

    with open_project(args.project) as store:
        stats = case_statistics(store, by=args.by, as_of=args.as_of or dt.date.today())
    keys: list[str] = []
    for row in stats:
        keys += [k for k in row if k not in keys]
    columns = [(k, texts.stat_column(k)) for k in keys]
    # the words for people (text, CSV, XLSX); JSON keeps the codes
    rows = [{**r, "level": texts.value_text(r.get("level"), "level")} for r in stats]
    _write_or_print(
        rows, columns, args, out, lambda: _text_table(rows, columns), sheet="cases",
        json_rows=stats,
    )  # fmt: skip
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace, TextIO], int]] = {
    "check": _cmd_check,
    "findings": _cmd_findings,
    "review": _cmd_review,
    "stats": _cmd_stats,
}
