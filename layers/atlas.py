"""The batch atlas: many 宗地图 pages into one PDF with a contents page, or one PDF each.

Both cores draw: the parcels are split into contiguous runs balanced by page
count; this process draws the first run (and the contents) while spawned
worker processes draw the others into temporary PDFs, which pikepdf then
concatenates in order. Page numbers are known before anything is drawn
(`parcel_page_count` only counts rows), so every part prints "第 i 页 共 n
页" of the whole atlas. Progress goes to the engine's `Feedback`; a cancel
stops the workers and leaves no file. The output appears whole or not at all.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import os
import queue
import re
import shutil
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from layers.report_pages import (
    Page,
    Signature,
    contents_page_count,
    draw_contents,
    draw_parcel_pages,
    parcel_page_count,
)
from qjgis.errors import Canceled, QjgisError
from qjgis.feedback import Feedback, NullFeedback, check_canceled
from qjgis.pg import session
from qjgis.pg.session import Credentials
from qjgis.reports.content import ParcelReport, ReportData
from qjgis.store import GpkgStore


@dataclass
class AtlasResult:
    path: str
    pages: int
    parcels: int
    workers: int
    seconds: float
    files: list[str] = field(default_factory=list)


#: below this many parcels a default atlas draws in one process
SPAWN_WORTH_PARCELS = 200


def default_workers() -> int:
    """Drawing processes: one per core, at most four."""
    return max(1, min(4, os.cpu_count() or 1))


def _split(n: int, parts: int) -> list[tuple[int, int]]:
    """`parts` contiguous [start, stop) runs of `n` parcels, of about equal length."""
    parts = max(1, min(parts, n))
    cuts = [round(k * n / parts) for k in range(parts + 1)]
    return [(cuts[k], cuts[k + 1]) for k in range(parts) if cuts[k] < cuts[k + 1]]


def _safe_name(code: str | None, fid: int) -> str:
    name = re.sub(r"[^0-9A-Za-z#_-]", "_", code or "")
    return f"{name or 'fid' + str(fid)}.pdf"


def _title(report: ParcelReport, words: Mapping[str, str]) -> str:
    return f"{words.get('title_parcel', '宗地图')} {report.zddm or ''}".strip()


def _contents_of(
    store: GpkgStore, fids: Sequence[int], words: Mapping[str, str], as_of: dt.date, unmask: bool
) -> tuple[list[ParcelReport], list[tuple[str, str, int]]]:
    """The reports of `fids` in this order, and per parcel (code, holder, pages)."""
    data = ReportData.load(store, fids, as_of=as_of, unmask=unmask)
    order = {int(f): k for k, f in enumerate(fids)}
    scope = sorted(data.scope.tolist(), key=lambda i: order[int(data.parcels.fids[i])])
    reports = [data.parcel_report(i) for i in scope]
    entries = [(r.zddm or "", r.holder_name or "", parcel_page_count(r, words)) for r in reports]
    return reports, entries


def _draw_run(
    reports: Sequence[ParcelReport],
    target: str,
    words: Mapping[str, str],
    signature: Signature,
    first_page: int,
    total_pages: int,
    per_parcel: bool,
    title: str,
    tick: Any,
) -> list[str]:
    """Draw `reports` (in this order) into `target` (a PDF, or a folder for one PDF each)."""
    files: list[str] = []
    page: Page | None = None
    number = first_page
    try:
        for report in reports:
            if per_parcel:
                name = str(Path(target) / _safe_name(report.zddm, report.fid))
                one = Page(name, title=_title(report, words), author=signature.maker or "")
                try:
                    draw_parcel_pages(one, report, words, signature)
                finally:
                    one.close()
                files.append(name)
            else:
                if page is None:
                    page = Page(target, title=title, author=signature.maker or "")
                else:
                    page.new_page()
                number += draw_parcel_pages(
                    page, report, words, signature, first_page=number, total_pages=total_pages
                )
            if tick():
                break
    finally:
        if page is not None:
            page.close()
    return files


def _worker(
    run: int,
    store_path: str | Credentials,
    fids: list[int],
    target: str,
    words: dict[str, str],
    signature: Signature,
    as_of: dt.date,
    unmask: bool,
    per_parcel: bool,
    title: str,
    messages: Any,
    numbers: Any,
    stop: Any,
) -> None:
    """A worker process: read and lay out its run, report its page counts, wait for its
    page numbers, draw, report each parcel drawn; stop when told."""
    try:
        from layers.report_pages import ensure_gui_application

        ensure_gui_application()
        # a database project's worker connects with the parent's credentials (handed over
        # the process pipe, in memory only: never written down)
        opened = (
            session.open_store(store_path)
            if isinstance(store_path, Credentials)
            else GpkgStore.open(store_path, migrate=False)
        )
        with opened as store:
            reports, entries = _contents_of(store, fids, words, as_of, unmask)
        messages.put(("entries", run, entries))
        first_page, total_pages = numbers.get()
        if stop.is_set():
            return

        def tick() -> bool:
            messages.put(("tick", run, 1))
            return bool(stop.is_set())

        files = _draw_run(
            reports, target, words, signature, first_page, total_pages, per_parcel, title, tick
        )
        messages.put(("done", run, files))
    except BaseException as e:  # reported to the parent, which raises it there
        messages.put(("error", run, f"{type(e).__name__}: {e}"))


def write_atlas(
    store: GpkgStore,
    fids: Sequence[int],
    out: str | os.PathLike[str],
    words: Mapping[str, str],
    signature: Signature,
    *,
    title: str,
    subtitle: str = "",
    per_parcel: bool = False,
    unmask: bool = False,
    as_of: dt.date | None = None,
    workers: int | None = None,
    feedback: Feedback | None = None,
) -> AtlasResult:
    """Draw the atlas of the parcels `fids` (already in print order) to `out`.

    `out` is a PDF (contents page, then every parcel's pages) or, with
    `per_parcel`, a folder that receives one PDF per parcel named by its code.
    The worker processes start first, so their start-up overlaps this process's
    reading; every run reads and lays out its own parcels, sends its page counts,
    and draws once the page numbers of the whole atlas are known.
    """
    started = time.perf_counter()
    fb = feedback or NullFeedback()
    day = as_of or dt.date.today()
    target = Path(out)
    order = [int(f) for f in fids]
    if workers is None:
        # A worker costs about one CPU-second to start (docs/benchmarks.md): worth it for a
        # town's atlas, not for a few dozen pages.
        workers = default_workers() if len(order) >= SPAWN_WORTH_PARCELS else 1
    workers = max(1, workers)
    if not order:
        raise ValueError("no parcels")
    runs = _split(len(order), workers if len(order) >= 8 else 1)
    fb.set_progress(0.0, "read")

    work = target.parent / f".{target.name}.{os.getpid()}.atlas.tmp"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    ctx = mp.get_context("spawn")
    messages = ctx.Queue()
    stop = ctx.Event()
    procs: list[Any] = []
    numbers: list[Any] = []
    drawn = [0]
    entries: dict[int, list[tuple[str, str, int]]] = {}
    results: dict[int, list[str]] = {}

    def handle(message: tuple[str, int, Any]) -> None:
        kind, run, value = message
        if kind == "tick":
            drawn[0] += value
        elif kind == "entries":
            entries[run] = value
        elif kind == "done":
            results[run] = value
        else:
            raise QjgisError("report_draw_failed", path=str(target), detail=value)

    def drain() -> None:
        while True:
            try:
                handle(messages.get_nowait())
            except queue.Empty:
                return

    def wait_for(done: Any) -> None:
        """Read messages until `done()` holds; a cancel or a dead worker ends the wait."""
        while not done():
            if fb.is_canceled():
                raise Canceled()
            try:
                handle(messages.get(timeout=0.2))
            except queue.Empty:
                if any(not p.is_alive() and p.exitcode not in (0, None) for p in procs):
                    raise QjgisError(
                        "report_draw_failed", path=str(target), detail="a drawing process ended"
                    ) from None

    source = session.credentials(store) if session.is_database(store) else str(store.path)
    try:
        for k, (a, b) in enumerate(runs[1:], start=1):
            part = str(work if per_parcel else work / f"part{k}.pdf")
            numbers.append(ctx.Queue())
            proc = ctx.Process(
                target=_worker,
                args=(k, source, order[a:b], part, dict(words), signature, day, unmask,
                      per_parcel, title, messages, numbers[-1], stop),
                daemon=True,
            )  # fmt: skip
            proc.start()
            procs.append(proc)

        a, b = runs[0]
        own, entries[0] = _contents_of(store, order[a:b], words, day, unmask)
        check_canceled(fb)
        wait_for(lambda: len(entries) == len(runs))
        parcels = [e for k in range(len(runs)) for e in entries[k]]
        contents = 0 if per_parcel else contents_page_count(len(parcels))
        total = contents + sum(e[2] for e in parcels)
        firsts, n = [], contents + 1
        for e in parcels:
            firsts.append(n)
            n += e[2]
        for k, (a, _) in enumerate(runs[1:], start=1):
            numbers[k - 1].put((firsts[a], total))

        def tick() -> bool:
            drawn[0] += 1
            drain()
            fb.set_progress(0.05 + 0.9 * drawn[0] / len(parcels), "draw")
            return fb.is_canceled()

        if not per_parcel:
            cover = Page(work / "contents.pdf", title=title, author=signature.maker or "")
            try:
                listed = [(c, h, f) for (c, h, _), f in zip(parcels, firsts, strict=True)]
                draw_contents(cover, title, listed, words, subtitle=subtitle)
            finally:
                cover.close()
        mine = _draw_run(
            own, str(work if per_parcel else work / "part0.pdf"), words, signature,
            firsts[0], total, per_parcel, title, tick,
        )  # fmt: skip
        check_canceled(fb)
        wait_for(lambda: len(results) == len(procs))
        fb.set_progress(0.96, "merge")
        files: list[str] = []
        if per_parcel:
            target.mkdir(parents=True, exist_ok=True)
            for name in mine + [f for k in sorted(results) for f in results[k]]:
                final = target / Path(name).name
                os.replace(name, final)
                files.append(str(final))
        else:
            parts = [work / "contents.pdf"] + [work / f"part{k}.pdf" for k in range(len(runs))]
            merged = work / "atlas.pdf"
            merge_pdfs(parts, merged, title=title, author=signature.maker or "")
            os.replace(merged, target)
        for p in procs:
            p.join(timeout=5)
    except BaseException:
        stop.set()
        for q in numbers:  # a worker waiting for its page numbers must not wait for ever
            q.put((0, 0))
        for p in procs:
            p.join(timeout=2)
            if p.is_alive():
                p.terminate()
                p.join()
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
        messages.close()
    fb.set_progress(1.0, "done")
    return AtlasResult(
        path=str(target),
        pages=total if not per_parcel else total - contents,
        parcels=len(parcels),
        workers=len(runs),
        seconds=time.perf_counter() - started,
        files=files,
    )


def merge_pdfs(parts: Sequence[Path], out: Path, *, title: str, author: str) -> int:
    """Concatenate PDFs in order (pikepdf, over qpdf), with UTF-8 title and author.

    pypdf did the same 2,040 pages in 7.9 s where pikepdf takes 1.9 s (docs/benchmarks.md).
    Returns the pages written."""
    import pikepdf

    merged = pikepdf.Pdf.new()
    sources = [pikepdf.Pdf.open(part) for part in parts]
    try:
        for src in sources:
            merged.pages.extend(src.pages)
        merged.docinfo["/Title"] = title
        merged.docinfo["/Author"] = author
        merged.docinfo["/Creator"] = "qjgis"
        merged.save(out)
        return len(merged.pages)
    finally:
        for src in sources:
            src.close()
