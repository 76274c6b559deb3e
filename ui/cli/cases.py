"""CLI commands of the remediation cases: `case` and `sheet`.

python main.py case PROJECT open --bdcdyh CODE [--renovation] | --from-checks
python main.py case PROJECT dispose R12 --as self-demolition --deadline DATE ...
python main.py case PROJECT advance R12 --to demolished --date DATE --evidence photo.jpg
python main.py case PROJECT pay W3 --amount 7500 --date DATE
python main.py case PROJECT attach R12 FILE...
python main.py case PROJECT show R12 [--as-of DATE]
python main.py case PROJECT list [--village V] [--open] [--as-of DATE]
python main.py sheet PROJECT export --village V --out FILE.xlsx
python main.py sheet PROJECT import FILE.xlsx [--apply-valid]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from typing import Any, TextIO

from qjgis import commands
from qjgis.cases import allowed, attachments
from qjgis.cases.commands import (
    AdvanceCase,
    AttachEvidence,
    DisposeRuin,
    OpenFromFindings,
    OpenRenovationCase,
    OpenRuinCase,
    RecordPayment,
    case_events,
    current_evidence,
    entity_of,
    is_overdue,
    paid_total,
    paid_totals,
    read_case,
    read_cases,
)
from qjgis.cases.model import (
    CaseKind,
    Disposition,
    RenovationState,
    RuinState,
    code_name,
    format_case_id,
    next_states,
    parse_case_id,
)
from qjgis.errors import QjgisError
from qjgis.store import GpkgStore
from ui import texts
from ui.cli.common import EXIT_ERROR, EXIT_OK, emit, iso_date, open_project, village_code
from ui.presenters.cases import allowed_dict, allowed_line, next_steps
from ui.texts import t

DISPOSITIONS = [code_name(d) for d in Disposition]
STATES = sorted({code_name(s) for s in RuinState} | {code_name(s) for s in RenovationState})


def _case_id(text: str) -> str:
    try:
        kind, fid = parse_case_id(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a case id (R12 or W3): {text}") from exc
    return format_case_id(kind, fid)


def _disposition(text: str) -> str:
    code = texts.value_code("disposition", text)
    if code is None:
        raise argparse.ArgumentTypeError(
            texts.t("reason.one_of", choices=", ".join(DISPOSITIONS)) + f": {text}"
        )
    return code


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    c = sub.add_parser(
        "case",
        parents=[common],
        help=t("help.open_decide_and_follow_remediation_cases"),
        description=t(
            "help.case_description", dispositions=", ".join(DISPOSITIONS), states=", ".join(STATES)
        ),
    )
    c.add_argument("project", metavar="PROJECT")
    actions = c.add_subparsers(dest="action", metavar="ACTION", required=True)

    def action(name: str, help_text: str) -> argparse.ArgumentParser:
        p = actions.add_parser(name, parents=[common], help=help_text, description=help_text)
        p.add_argument("--json", action="store_true", help=t("help.print_the_result_as_json"))
        return p

    def when(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--date", type=iso_date, metavar="DATE", help=t("help.when_it_happened_today")
        )
        p.add_argument("--note", metavar="TEXT", help=t("help.what_was_done_by_whom_on"))

    p = action("open", t("help.open_a_ruin_case_for_a"))
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--bdcdyh", metavar="CODE", help=t("help.the_building_s"))
    which.add_argument(
        "--from-checks",
        action="store_true",
        help=t("help.open_a_ruin_case_for_every"),
    )
    p.add_argument("--renovation", action="store_true", help=t("help.a_application_c_d_house"))
    p.add_argument(
        "--override-reason",
        metavar="TEXT",
        help=t("help.approver_only_open_although_the_eligibility"),
    )
    when(p)

    p = action("dispose", t("help.classify_a_pending_ruin_case_under"))
    p.add_argument("case", type=_case_id, metavar="CASE", help=t("help.r12"))
    p.add_argument(
        "--as",
        dest="disposition",
        required=True,
        type=_disposition,
        metavar="DISPOSITION",
        help=t("help.disposition_choices", choices=", ".join(DISPOSITIONS)),
    )
    p.add_argument(
        "--deadline", type=iso_date, metavar="DATE", help=t("help.the_notice_s_deadline")
    )
    p.add_argument(
        "--owner-keeps", action="store_true", help=t("help.owner_wants_to_keep_the_house")
    )
    p.add_argument("--feasible", action="store_true", help=t("help.reinforcement_is_feasible"))
    p.add_argument(
        "--override-reason",
        metavar="TEXT",
        help=t("help.approver_only_dispose_although_a_precondition"),
    )
    p.add_argument(
        "--evidence",
        action="append",
        default=[],
        metavar="FILE",
        help=t("help.photo_scan_or_pdf_repeatable"),
    )
    p.add_argument("--version", type=int, metavar="N", help=t("help.refuse_if_the_case_is_not"))
    when(p)

    p = action("advance", t("help.record_the_state_a_case_reached"))
    p.add_argument("case", type=_case_id, metavar="CASE", help=t("help.r12_or_w3"))
    p.add_argument(
        "--to",
        required=True,
        metavar="STATE",
        help=t("help.state_choices", choices=", ".join(STATES)),
    )
    p.add_argument(
        "--deadline", type=iso_date, metavar="DATE", help=t("help.deadline_of_the_next_step")
    )
    p.add_argument(
        "--evidence",
        action="append",
        default=[],
        metavar="FILE",
        help=t("help.photo_scan_or_pdf_repeatable"),
    )
    p.add_argument("--version", type=int, metavar="N", help=t("help.refuse_if_the_case_is_not"))
    when(p)

    p = action("pay", t("help.record_a_subsidy_payment_on_a"))
    p.add_argument("case", type=_case_id, metavar="CASE", help=t("help.w3"))
    p.add_argument("--amount", type=float, required=True, metavar="YUAN")
    when(p)

    p = action("attach", t("help.add_photos_scans_or_pdfs_to"))
    p.add_argument("case", type=_case_id, metavar="CASE")
    p.add_argument("files", nargs="+", metavar="FILE")
    when(p)

    p = action("show", t("help.a_case_with_its_history_and"))
    p.add_argument("case", type=_case_id, metavar="CASE")
    p.add_argument(
        "--as-of", type=iso_date, metavar="DATE", help=t("help.date_overdue_is_judged_on")
    )

    p = action("list", t("help.list_cases"))
    p.add_argument("--village", metavar="CODE|NAME")
    p.add_argument("--open", action="store_true", help=t("help.only_cases_not_closed"))
    p.add_argument(
        "--as-of", type=iso_date, metavar="DATE", help=t("help.date_overdue_is_judged_on")
    )

    s = sub.add_parser(
        "sheet",
        parents=[common],
        help=t("help.the_village_sheet_export_open_cases"),
    )
    s.add_argument("project", metavar="PROJECT")
    sheet_actions = s.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = sheet_actions.add_parser(
        "export", parents=[common], help=t("help.write_a_village_s_open_cases")
    )
    p.add_argument("--village", required=True, metavar="CODE|NAME")
    p.add_argument("--out", required=True, metavar="FILE.xlsx")
    p.add_argument(
        "--as-of", type=iso_date, metavar="DATE", help=t("help.date_overdue_is_judged_on")
    )
    p.add_argument("--json", action="store_true")
    p = sheet_actions.add_parser(
        "import",
        parents=[common],
        help=t("help.apply_a_filled_sheet_every_row"),
    )
    p.add_argument("file", metavar="FILE.xlsx")
    p.add_argument("--apply-valid", action="store_true", help=t("help.apply_the_valid_rows_anyway"))
    p.add_argument("--json", action="store_true")


# ---------------------------------------------------------------- output
def _summary(store: GpkgStore, case_id: str, as_of: dt.date) -> dict[str, Any]:
    kind, fid = parse_case_id(case_id)
    row = read_case(store, kind, fid)
    paid = paid_total(store, fid) if kind is CaseKind.RENOVATION else 0.0
    return _summarise(row, kind, as_of, paid)


def _summarise(row: dict[str, Any], kind: CaseKind, as_of: dt.date, paid: float) -> dict[str, Any]:
    row["overdue"] = is_overdue(row, as_of)
    row["next_states"] = [s.value for s in next_states(kind, row["state"], row.get("disposition"))]
    if kind is CaseKind.RENOVATION:
        row["paid"] = paid
    return row


def _state(kind: str, value: str | None) -> str:
    """A state stored in Chinese, named in the language of the output."""
    return texts.value_text(value, f"{kind}_state") if value else ""


def _line(row: dict[str, Any]) -> str:

    parts = [
        row["id"],
        row["bdcdyh"] or "",
        row.get("household_no") or "-",
        row.get("village_code") or "-",
    ]
    if row["kind"] == "ruin":
        disposition = row.get("disposition")
        parts.append(
            texts.value_text(disposition, "disposition") if disposition else texts.t("undisposed")
        )
    else:
        parts.append(f"{row['grade']} {row['subsidy']:,.0f}")
    parts.append(_state(row["kind"], row["state"]))
    if row.get("deadline"):
        parts.append(texts.label("deadline").format(date=row["deadline"]))
    if row.get("overdue"):
        parts.append(texts.label("overdue"))
    return "  ".join(str(p) for p in parts)


def _done(args: argparse.Namespace, out: TextIO, store: GpkgStore, case_id: str) -> int:
    # judged on the day the user recorded, so a late report does not read as overdue
    row = _summary(store, case_id, args.date or dt.date.today())
    emit(row, args.json, _line(row), out)
    return EXIT_OK


# ---------------------------------------------------------------- case
def _cmd_case(args: argparse.Namespace, out: TextIO) -> int:
    with open_project(args.project) as store:
        return _CASE_ACTIONS[args.action](args, out, store)


def _open(args: argparse.Namespace, out: TextIO, store: GpkgStore) -> int:

    if args.from_checks:
        cmd = OpenFromFindings(date=args.date)
        commands.run(store, cmd)
        ids = [format_case_id(c.kind, c.fid) for c in cmd.opened if c.fid is not None]
        emit({"opened": ids}, args.json, texts.label("opened_from_checks").format(n=len(ids)), out)
        return EXIT_OK
    if args.renovation:
        cmd2: Any = OpenRenovationCase(
            args.bdcdyh, date=args.date, note=args.note, override_reason=args.override_reason
        )
    else:
        if args.override_reason:
            raise QjgisError(
                "invalid_argument",
                name="--override-reason",
                value=args.override_reason,
                reason="only with --renovation",
            )
        cmd2 = OpenRuinCase(args.bdcdyh, date=args.date, note=args.note)
    commands.run(store, cmd2)
    return _done(args, out, store, format_case_id(cmd2.kind, cmd2.fid))


def _dispose(args: argparse.Namespace, out: TextIO, store: GpkgStore) -> int:
    cmd = DisposeRuin(
        args.case,
        date=args.date,
        deadline=args.deadline,
        note=args.note,
        evidence=args.evidence,
        expected_version=args.version,
        disposition=args.disposition,
        owner_keeps=args.owner_keeps,
        feasible=args.feasible,
        override_reason=args.override_reason,
    )
    commands.run(store, cmd)
    return _done(args, out, store, args.case)


def _advance(args: argparse.Namespace, out: TextIO, store: GpkgStore) -> int:
    kind, _fid = parse_case_id(args.case)
    value_kind = f"{kind.value}_state"
    target = texts.value_code(value_kind, args.to)
    if target is None:
        raise QjgisError(
            "invalid_argument",
            name="--to",
            value=args.to,
            reason="one_of",
            choices=", ".join(texts.value_names(value_kind)),
        )
    cmd = AdvanceCase(
        args.case,
        to=target,
        date=args.date,
        deadline=args.deadline,
        note=args.note,
        evidence=args.evidence,
        expected_version=args.version,
    )
    commands.run(store, cmd)
    return _done(args, out, store, args.case)


def _pay(args: argparse.Namespace, out: TextIO, store: GpkgStore) -> int:
    commands.run(store, RecordPayment(args.case, args.amount, date=args.date, note=args.note))
    return _done(args, out, store, args.case)


def _attach(args: argparse.Namespace, out: TextIO, store: GpkgStore) -> int:

    cmd = AttachEvidence(args.case, args.files, date=args.date, note=args.note)
    commands.run(store, cmd)
    emit(
        {"case": args.case, "attached": cmd.shas},
        args.json,
        texts.label("attached").format(n=len(cmd.shas), case=args.case),
        out,
    )
    return EXIT_OK


def _show(args: argparse.Namespace, out: TextIO, store: GpkgStore) -> int:

    kind, fid = parse_case_id(args.case)
    row = _summary(store, args.case, args.as_of or dt.date.today())
    row["events"] = case_events(store, kind, fid)
    row["evidence"] = current_evidence(store, kind, fid)
    row["attachments"] = attachments.list_for(store, entity_of(kind, fid))
    # what may be done now and why not: the same checks the commands enforce
    items = allowed.for_case(store, kind, fid)
    row["allowed"] = [allowed_dict(a) for a in items]
    lines = [_line(row)]
    if row.get("override_reason"):
        lines.append(f"  {texts.label('override')}: {row['override_reason']}")
    if row.get("preserved_on"):
        lines.append(
            "  "
            + texts.label("preserved").format(
                date=row["preserved_on"],
                zddm=row["preserved_zddm"],
                parcel=row["preserved_parcel_area"] or 0,
                footprint=row["preserved_footprint_area"] or 0,
                household=row["preserved_household_no"],
            )
        )
    if "paid" in row:
        lines.append("  " + texts.label("paid").format(paid=row["paid"], subsidy=row["subsidy"]))
    if row["next_states"]:
        nexts = " / ".join(next_steps(row["kind"], row["state"], row.get("disposition")))
        lines.append(f"  {texts.label('next')}: {nexts}")
    lines.append(f"  {texts.label('allowed')}:")
    lines += [f"    {allowed_line(a)}" for a in items]
    lines.append(f"  {texts.label('history')}:")
    for e in row["events"]:
        kind = row["kind"]
        move = (
            f"{_state(kind, e['from_state'])} -> {_state(kind, e['to_state'])}"
            if e["to_state"]
            else ""
        )
        action = texts.lookup("case_action", e["action"])
        role = texts.value_text(e["role"], "role")
        extra = [
            f"{e['amount']:+,.0f}" if e["amount"] is not None else "",
            texts.label("deadline").format(date=e["deadline"]) if e["deadline"] else "",
            e["note"] or "",
            f"[{texts.label('override')}: {e['override_reason']}]" if e["override_reason"] else "",
            f"[{len(e['evidence'])}]" if e["evidence"] else "",
        ]
        lines.append(
            f"  {e['seq']:>3} {e['event_date']} {action:<8} {move} "
            f"{' '.join(x for x in extra if x)}  ({e['user']}, {role})".rstrip()
        )
    for a in row["attachments"]:
        state = texts.label("missing") if a["missing"] else a["path"]
        lines.append(f"  {a['file_name']} {a['media_type']} {a['size_bytes']:,} B  {state}")
    emit(row, args.json, "\n".join(lines), out)
    return EXIT_OK


def _list(args: argparse.Namespace, out: TextIO, store: GpkgStore) -> int:
    as_of = args.as_of or dt.date.today()
    village = None
    if args.village:
        village = village_code(store, args.village)
    where, params = [], []
    if village:
        where.append("village_code = ?")
        params.append(village)
    if args.open:
        where.append("closed IS NULL")
    # one query per kind and one for all payments, not three per case
    paid = paid_totals(store)
    rows = [
        _summarise(row, kind, as_of, paid.get(row["fid"], 0.0))
        for kind in CaseKind
        for row in read_cases(store, kind, where, params)
    ]
    emit(rows, args.json, "\n".join(_line(r) for r in rows), out)
    return EXIT_OK


_CASE_ACTIONS = {
    "open": _open,
    "dispose": _dispose,
    "advance": _advance,
    "pay": _pay,
    "attach": _attach,
    "show": _show,
    "list": _list,
}


# ---------------------------------------------------------------- sheet
def _cmd_sheet(args: argparse.Namespace, out: TextIO) -> int:
    from qjgis.cases.sheet import ImportSheet, export_sheet

    with open_project(args.project) as store:
        if args.action == "export":
            result = export_sheet(store, args.village, args.out, args.as_of or dt.date.today())
            emit(result, args.json, texts.label("sheet_written").format(**result), out)
            return EXIT_OK
        cmd = ImportSheet(args.file, apply_valid=args.apply_valid)
        failure: QjgisError | None = None
        try:
            commands.run(store, cmd)
        except QjgisError as exc:
            if exc.code != "sheet_invalid_rows":
                raise
            failure = exc
    errors = [
        {"row": e.row, "case": e.case, "code": e.error.code, "message": texts.error_text(e.error)}
        for e in cmd.errors
    ]
    result = {
        "file": str(args.file),
        "rows": cmd.rows_read,
        "applied": [] if failure else [vars(a) for a in cmd.applied],
        "errors": errors,
    }
    lines = [
        texts.label("sheet_row_error").format(row=e["row"], message=e["message"]) for e in errors
    ]
    if failure is not None:
        lines.append(texts.error_text(failure))
    else:
        lines += [
            f"{a['case']}: {texts.value_text(a['from_state'], 'state')} -> "
            f"{texts.value_text(a['to_state'], 'state')} ({a['date']})"
            for a in result["applied"]
        ]
        lines.append(
            texts.label("sheet_applied").format(n=len(result["applied"]), errors=len(errors))
        )
    if args.json:
        emit(result, True, "", out)
    else:
        (out if failure is None else sys.stderr).write("\n".join(lines) + "\n")
    return EXIT_ERROR if failure is not None else EXIT_OK


COMMANDS = {"case": _cmd_case, "sheet": _cmd_sheet}
