"""A workbook's first sheet parsed ahead of time, on a thread, for a register import.

Most of a register import's own time is python-calamine parsing the workbook (0.7 s of
CPU for the 20,000-parcel demo's 70,564-row register, docs/benchmarks.md), and
python-calamine releases the GIL while it parses. A program that already knows which
workbook it will import (the command line, once its arguments are read) calls
`prefetch(path)` before it imports its modules and opens the project: the parse then runs
on another core during that start-up. `take(path)`, called by the register reader,
hands the parsed sheet over when the file is still the one that was parsed (same size,
modification time and inode), and returns None otherwise, so the reader parses it as
it always does.

A prefetch never reports anything: a file that cannot be read is read again by the
import, which refuses it with its own message. Nothing here imports numpy or the
engine's other modules, so that starting a prefetch costs nothing at start-up.
"""

from __future__ import annotations

import contextlib
import io
import os
import threading
from typing import Any

from qjgis.gcpause import paused_gc

#: suffixes whose files calamine reads and a register import opens through it
SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb", ".ods")


def _stamp(path: str) -> tuple[int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def open_workbook(path: str | os.PathLike[str]) -> Any:
    """A CalamineWorkbook of `path` (or what reads as one). An .xlsx/.xlsm is read from a
    copy with each worksheet's merged ranges in front (qjgis.io.xlsx_merges: a third less
    to parse), whose `path` is None; anything that copy cannot vouch for opens the file
    itself, so a broken file is refused by calamine's reading of it."""
    from python_calamine import CalamineWorkbook

    if os.fspath(path).lower().endswith((".xlsx", ".xlsm")):
        from qjgis.io.xlsx_merges import copy_of

        copy = copy_of(path)
        if copy is not None:
            try:
                return _MergesFirst(os.fspath(path), copy)
            except Exception:  # the file itself is opened: it says what is wrong
                pass
    return CalamineWorkbook.from_path(os.fspath(path))


class _MergesFirst:
    """A workbook read from an `xlsx_merges.Copy`. The copy's scan (its CRCs, and each
    sheet's merged ranges) runs on another thread while calamine parses a sheet, both
    outside the GIL; when the scan cannot vouch for the copy, the file itself is read
    (and `path` is the file's from then on)."""

    def __init__(self, file: str, copy: Any) -> None:
        from python_calamine import CalamineWorkbook

        self.path: str | None = None
        self._calamine, self._file, self._copy = CalamineWorkbook, file, copy
        self._found: dict[bytes, bytes] | None = None
        self._merges: Any = None
        self._scan = threading.Thread(target=self._run_scan, name="qjgis-xlsx-scan", daemon=True)
        self._scan.start()
        self._wb = CalamineWorkbook.from_filelike(io.BytesIO(copy.data))

    def _run_scan(self) -> None:
        try:
            self._found = self._copy.scan()
        except Exception:  # the file is read instead
            self._found = None

    @property
    def sheet_names(self) -> list[str]:
        return self._wb.sheet_names

    def get_sheet_by_index(self, index: int) -> Any:
        return self.get_sheet_by_name(self.sheet_names[index])

    def get_sheet_by_name(self, name: str) -> Any:
        """The sheet as the file has it. Whatever goes wrong with the copy (the scan does
        not vouch for it, calamine refuses it) reads the file itself, whose own refusal,
        if any, is the one raised."""
        if self.path is not None:
            return self._wb.get_sheet_by_name(name)
        try:
            sheet = self._wb.get_sheet_by_name(name)  # the parse; the scan runs meanwhile
        except Exception:
            sheet = None
        self._scan.join()
        if sheet is None or self._found is None:
            return self._from_file().get_sheet_by_name(name)
        if not self._found:  # no sheet has merged ranges: the copy's [] is the answer
            return sheet
        try:
            if self._merges is None:
                merges = self._copy.merges(self._found)
                self._merges = self._calamine.from_filelike(io.BytesIO(merges))
            merged = self._merges.get_sheet_by_name(name).merged_cell_ranges
        except Exception:
            return self._from_file().get_sheet_by_name(name)
        return _WithMerges(sheet, merged)

    def _from_file(self) -> Any:
        self.close()
        self._wb = self._calamine.from_path(self._file)
        self.path = self._file
        return self._wb

    def close(self) -> None:
        """Close what is open; closing twice is no error (calamine's own close refuses it)."""
        for wb in (self._wb, self._merges):
            if wb is not None:
                with contextlib.suppress(Exception):  # already closed
                    wb.close()
        self._merges = None


class _WithMerges:
    """A sheet of the copy with its merged ranges as the file has them."""

    def __init__(self, sheet: Any, merged: Any) -> None:
        self._sheet, self.merged_cell_ranges = sheet, merged

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sheet, name)


class _Parse:
    """One workbook's first sheet, parsed on a thread."""

    def __init__(self, path: str, stamp: tuple[int, int, int]) -> None:
        self.path, self.stamp = path, stamp
        self.done = threading.Event()
        self.result: tuple[Any, str, list[list[Any]], list[Any]] | None = None

    def run(self) -> None:
        try:
            wb = open_workbook(self.path)
            try:
                name = wb.sheet_names[0]
                # the parse itself (the GIL is released inside): most of the time
                sheet = wb.get_sheet_by_name(name)
                # its cells as Python values (under the GIL: while the window waits for
                # the clerk, or the import for this thread, it costs nobody anything)
                with paused_gc():  # 70,000 row lists: nothing for the collector
                    rows = sheet.to_python(skip_empty_area=False)
                merged = list(sheet.merged_cell_ranges or [])
                self.result = (wb, name, rows, merged)
            except BaseException:
                wb.close()
                raise
        except BaseException:  # the import reads it again and says what is wrong
            self.result = None
        finally:
            self.done.set()


_lock = threading.Lock()
_pending: dict[str, _Parse] = {}


def prefetch(path: str | os.PathLike[str]) -> bool:
    """Start parsing the workbook's first sheet on a daemon thread; False when `path`
    is no workbook file (nothing started)."""
    key = os.path.abspath(os.fspath(path))
    if not key.lower().endswith(SUFFIXES):
        return False
    stamp = _stamp(key)
    if stamp is None:
        return False
    job = _Parse(key, stamp)
    with _lock:
        old = _pending.get(key)
        if old is not None and old.stamp == stamp:  # already parsing this very file
            return True
        _pending[key] = job
    if old is not None:
        _discard(old)
    threading.Thread(target=job.run, name="qjgis-workbook-prefetch", daemon=True).start()
    return True


def take(
    path: str | os.PathLike[str],
) -> tuple[Any, str, list[list[Any]], list[Any]] | None:
    """(the open CalamineWorkbook, its first sheet's name, that sheet's rows as
    `to_python(skip_empty_area=False)` gives them, its merged ranges) of a prefetch of
    `path`, waiting for it to finish; None when there was none, it failed, or the file
    changed since. The caller owns (and closes) the workbook."""
    key = os.path.abspath(os.fspath(path))
    with _lock:
        job = _pending.pop(key, None)
    if job is None:
        return None
    job.done.wait()
    if job.result is not None and _stamp(key) != job.stamp:  # changed since: parse again
        _discard(job)
        return None
    return job.result


def forget(path: str | os.PathLike[str]) -> None:
    """Drop a prefetch of `path` that no import will take (it was refused first)."""
    with _lock:
        job = _pending.pop(os.path.abspath(os.fspath(path)), None)
    if job is not None:
        _discard(job)


def _discard(job: _Parse) -> None:
    """Close a prefetch's workbook once its parse is over (without waiting for it)."""

    def close() -> None:
        job.done.wait()
        if job.result is not None:
            job.result[0].close()
            job.result = None

    if job.done.is_set():
        close()
    else:
        threading.Thread(target=close, daemon=True).start()
