"""The `report` command: it draws with Qt, so it lives in ui.gui and is loaded by name.

CLI command `report`: 宗地图, household sheets, village ledgers and the batch atlas.

    report PROJECT parcel --parcel ZDDM --out F.pdf
    report PROJECT household --household HH --out F.pdf
    report PROJECT ledger --village V --kind multi|ruins|renovation --format pdf|xlsx --out F
    report PROJECT atlas --village V | --town T --out F.pdf|DIR [--force]

ID and phone numbers are masked unless --unmask; every report written is
audited (`report`, or `report.unmask`). Output appears whole or not at all.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from qjgis.errors import Canceled, QjgisError
from qjgis.store import GpkgStore, open_project
from ui.cli.common import EXIT_OK, Progress, emit, iso_date, needs_gui, village_code
from ui.cli.database import ask_password
from ui.texts import language, t
from ui.texts.report import page_words

KINDS = ("parcel", "household", "ledger", "atlas")
LEDGER_WIDTHS: dict[str, float] = {
    "seq": 5, "household_no": 17, "head_name": 8, "head_id": 19, "parcels": 42,
    "parcel_count": 5, "exemption": 10, "decision": 9, "decision_reason": 22, "decided_by": 8,
    "decided_at": 11, "case_id": 7, "bdcdyh": 29, "zddm": 20, "disposition": 12, "state": 12,
    "opened": 11, "deadline": 11, "closed": 11, "overdue": 5, "grade": 5, "subsidy": 11,
    "subsidy_approved": 11, "subsidy_paid": 11,
}  # fmt: skip


def add_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    r = sub.add_parser(
        "report",
        parents=[common],
        help=t("help.report"),
        description=t("help.report_description"),
    )
    r.add_argument("project", metavar="PROJECT")
    needs_gui("report")
    kinds = r.add_subparsers(dest="report_kind", metavar="KIND", required=True)

    def shared(p: argparse.ArgumentParser) -> None:
        p.add_argument("--out", required=True, metavar="PATH")
        p.add_argument("--unmask", action="store_true", help=t("help.report_unmask"))
        p.add_argument("--as-of", type=iso_date, metavar="YYYY-MM-DD", help=t("help.report_as_of"))
        p.add_argument("--maker", metavar="NAME", help=t("help.report_maker"))
        p.add_argument("--checker", metavar="NAME", help=t("help.report_checker"))
        p.add_argument("--overwrite", action="store_true", help=t("help.replace_an_existing_file"))
        p.add_argument("--json", action="store_true")

    p = kinds.add_parser("parcel", parents=[common], help=t("help.report_parcel"))
    p.add_argument("--parcel", required=True, metavar="ZDDM")
    shared(p)
    h = kinds.add_parser("household", parents=[common], help=t("help.report_household"))
    h.add_argument("--household", required=True, metavar="HH")
    shared(h)
    g = kinds.add_parser("ledger", parents=[common], help=t("help.report_ledger"))
    g.add_argument("--village", required=True, metavar="V", help=t("help.report_village"))
    g.add_argument("--kind", required=True, choices=("multi", "ruins", "renovation"))
    g.add_argument("--format", required=True, choices=("pdf", "xlsx"))
    shared(g)
    a = kinds.add_parser(
        "atlas",
        parents=[common],
        help=t("help.report_atlas"),
        description=t("help.report_atlas_description"),
    )
    where = a.add_mutually_exclusive_group(required=True)
    where.add_argument("--village", metavar="V", help=t("help.report_village"))
    where.add_argument("--town", metavar="T", help=t("help.report_town"))
    a.add_argument("--force", action="store_true", help=t("help.report_force"))
    a.add_argument("--workers", type=int, metavar="N", help=t("help.report_workers"))
    shared(a)


def _check_out(path: Path, overwrite: bool, *, folder: bool = False) -> None:
    if not path.parent.is_dir():
        raise QjgisError("file_not_found", path=str(path.parent))
    if folder:
        if path.exists() and not path.is_dir():
            raise QjgisError("file_exists", path=str(path))
        if path.is_dir() and any(path.iterdir()) and not overwrite:
            raise QjgisError("file_exists", path=str(path))
    elif path.exists() and not overwrite:
        raise QjgisError("file_exists", path=str(path))


def _signature(store: GpkgStore, args: argparse.Namespace, day: dt.date) -> Any:
    from layers.report_pages import Signature

    return Signature(args.maker or store.settings().user, day.isoformat(), args.checker, None)


def write_pdf(
    target: Path, title: str, author: str, draw: Callable[[Any], int], *, landscape: bool = False
) -> int:
    """Draw into a temporary PDF beside `target` and move it into place whole."""
    from layers.report_pages import Page

    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        page = Page(tmp, title=title, author=author, landscape=landscape)
        try:
            pages = draw(page)
        finally:
            page.close()
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return pages


def _cmd_report(args: argparse.Namespace, out: TextIO) -> int:
    # Ctrl-C on the terminal is the command line's Cancel: the atlas stops its processes and
    # removes its temporary files on the way out; the user reads one line, not a traceback.
    try:
        return _report(args, out)
    except KeyboardInterrupt:
        raise Canceled() from None


def _report(args: argparse.Namespace, out: TextIO) -> int:
    from qjgis.reports import content

    started = time.perf_counter()
    lang = language()
    words = page_words(lang)
    target = Path(args.out)
    day = args.as_of or dt.date.today()
    kind = args.report_kind
    per_parcel = kind == "atlas" and target.suffix.lower() != ".pdf"
    _check_out(target, args.overwrite, folder=per_parcel)
    # a project file or a database (`postgresql://…`, `service=NAME`; a password asked on
    # the terminal if the server wants one, never kept)
    with open_project(args.project, ask_password=ask_password) as store:
        sig = _signature(store, args, day)
        result: dict[str, Any] = {"kind": kind, "path": str(target), "masked": not args.unmask}
        if kind == "parcel":
            from layers.report_pages import draw_parcel_pages

            fid = content.parcel_fid(store, args.parcel)
            (report,) = list(
                content.ReportData.load(store, [fid], as_of=day, unmask=args.unmask).reports()
            )
            title = f"{words['title_parcel']} {report.zddm or ''}"
            result["pages"] = write_pdf(
                target, title, sig.maker, lambda pg: draw_parcel_pages(pg, report, words, sig)
            )
            result["parcels"] = 1
            target_key = args.parcel
        elif kind == "household":
            from layers.report_pages import draw_household

            sheet = content.household_report(store, args.household, as_of=day, unmask=args.unmask)
            title = f"{words['title_household']} {sheet.household.household_no}"
            result["pages"] = write_pdf(
                target, title, sig.maker, lambda pg: draw_household(pg, sheet, words, sig)
            )
            result["parcels"] = len(sheet.parcels)
            target_key = args.household
        elif kind == "ledger":
            result |= _ledger(store, args, target, words, lang, day, sig.maker)
            target_key = f"{args.village}:{args.kind}"
        else:
            result |= _atlas(store, args, target, words, lang, day, sig, per_parcel)
            target_key = args.village or args.town
        result["audit_id"] = content.audit_report(
            store,
            kind,
            str(target_key),
            {k: v for k, v in result.items() if k not in ("files",)},
            args.unmask,
        )
    result["seconds"] = round(time.perf_counter() - started, 3)
    emit(result, args.json, _summary(result, lang), out)
    return EXIT_OK


def _summary(result: Mapping[str, Any], lang: str) -> str:
    lines = []
    if result.get("pages") is None:
        lines.append(
            t("report.report_xlsx_written", lang, path=result["path"], rows=result["rows"])
        )
    elif result.get("files"):
        count = len(result["files"])
        lines.append(t("report.report_files_written", lang, count=count, path=result["path"]))
    else:
        lines.append(t("report.report_written", lang, path=result["path"], pages=result["pages"]))
    left = result.get("left_out") or []
    if left:
        key = "report_forced" if result.get("forced") else "report_left_out"
        lines.append(t("report." + key, lang, count=len(left)))
        for item in left:
            reasons = "、".join(t(f"report.gate_{r}", lang) for r in item["reasons"])
            lines.append(f"  {item['zddm'] or '#' + str(item['fid'])}: {reasons}")
    masked = "report.report_masked" if result["masked"] else "report.report_unmasked"
    lines.append(t(masked, lang))
    return "\n".join(lines)


def _ledger(
    store: GpkgStore,
    args: argparse.Namespace,
    target: Path,
    words: Mapping[str, str],
    lang: str,
    day: dt.date,
    maker: str,
) -> dict[str, Any]:
    from qjgis.reports.ledgers import village_ledger

    led = village_ledger(
        store, village_code(store, args.village), args.kind, as_of=day, unmask=args.unmask
    )
    layout = LedgerLayout.of(led, words, lang)
    if args.format == "xlsx":
        layout.write_xlsx(target)
        pages = None
    else:
        pages = write_pdf(target, layout.title, maker, layout.draw, landscape=True)
    return {
        "pages": pages, "format": args.format, "ledger": led.kind, "village": led.village_code,
        "as_of": led.as_of.isoformat(), "rows": len(led.rows), "totals": led.totals,
    }  # fmt: skip


@dataclass
class LedgerLayout:
    """A ledger's title, subtitle, headers, totals line and signature lines in words, as
    the PDF pages and the XLSX print them (the CLI and the window's 报表 menu alike)."""

    ledger: Any  # qjgis.reports.ledgers.Ledger
    words: Mapping[str, str]
    title: str
    subtitle: str
    headers: dict[str, str]
    totals: str
    signatures: list[str]

    @classmethod
    def of(cls, led: Any, words: Mapping[str, str], lang: str) -> LedgerLayout:
        c = words["colon"]
        subtitle = (
            f"{words['town']}{c}{led.town_name or ''}    "
            f"{words['village']}{c}{led.village_name or ''}"
            f"（{led.village_code}）    {words['as_of']}{c}{led.as_of.isoformat()}"
        )
        return cls(
            led,
            words,
            title=t(
                "report.ledger_title",
                lang,
                village=led.village_name or led.village_code,
                ledger=words["ledger_" + led.kind],
            ),
            subtitle=subtitle,
            headers={c: words[f"col_{c}"] for c in led.columns},
            totals=t("report.total_" + led.kind, lang, **led.totals),
            signatures=[
                words["signature_preparer"], words["signature_village"], words["signature_town"]
            ],
        )  # fmt: skip

    def draw(self, page: Any) -> int:
        """The landscape PDF pages onto `page` (a file's, or a printer's); returns pages."""
        from layers.report_pages import draw_ledger

        columns = [(c, self.headers[c], LEDGER_WIDTHS.get(c, 10)) for c in self.ledger.columns]
        return draw_ledger(
            page, self.title, self.subtitle, columns, self.ledger.rows, self.totals,
            self.signatures, self.words,
        )  # fmt: skip

    def write_xlsx(self, target: Path) -> None:
        from qjgis.reports.ledger_xlsx import write_ledger_xlsx

        write_ledger_xlsx(
            self.ledger, target, title=self.title, subtitle=self.subtitle, headers=self.headers,
            widths=LEDGER_WIDTHS, totals_line=self.totals, signatures=self.signatures,
            yes_no=(self.words["yes"], self.words["no"]),
        )  # fmt: skip


def _atlas(
    store: GpkgStore,
    args: argparse.Namespace,
    target: Path,
    words: Mapping[str, str],
    lang: str,
    day: dt.date,
    sig: Any,
    per_parcel: bool,
) -> dict[str, Any]:
    from layers.atlas import write_atlas
    from qjgis.reports.atlas import plan_atlas

    village = village_code(store, args.village) if args.village else None
    plan = plan_atlas(store, village=village, town=args.town, force=args.force)
    if not plan.printed:
        raise QjgisError("report_nothing_to_print", path=str(store.path), scope=plan.scope)
    names = dict(store.execute_sql("SELECT code, name FROM villages"))
    names |= dict(store.execute_sql("SELECT code, name FROM towns"))
    scope_name = names.get(plan.scope, plan.scope)
    title = words["atlas_title"].format(scope=scope_name)
    subtitle = f"{words['as_of']}{words['colon']}{day.isoformat()}"
    res = write_atlas(
        store, plan.printed, target, words, sig, title=title, subtitle=subtitle,
        per_parcel=per_parcel, unmask=args.unmask, as_of=day, workers=args.workers,
        feedback=Progress(sys.stderr),
    )  # fmt: skip
    return {
        "pages": res.pages, "parcels": res.parcels, "workers": res.workers,
        "left_out": plan.left_out, "forced": plan.forced, "files": res.files,
        "villages": plan.villages,
    }  # fmt: skip


COMMANDS: dict[str, Callable[[argparse.Namespace, TextIO], int]] = {"report": _cmd_report}
