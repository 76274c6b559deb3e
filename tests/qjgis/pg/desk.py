"""One desk of a bureau, as its own client process: for the concurrency tests and the bench.

`python -m tests.qjgis.pg.desk PLAN.json` opens the project at the plan's URL with the
engine (`PgStore`), waits until the plan's start time (so that every desk starts at once),
runs the plan's edits one after the other, each with the row version the plan says it was
based on, and prints one JSON line: per edit whether it was saved, the refusal's code and
its `theirs` (the other desk's change), its latency in milliseconds. The desk's name is
the database login in the plan's URL: the audit's user (issue 18: identity from the login).

A plan: {"url": …, "start": UNIX_TIME, "edits": [
  {"kind": "review", "fid": 12, "version": 3, "decision": "confirmed", "reason": …},
  {"kind": "advance", "case": "R4", "version": 1, "to": "cancelled", "note": …},
  {"kind": "hold", "fid": 12, "version": 3, …, "seconds": 60}  # a review left uncommitted
]}
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any


def run_edit(store: Any, edit: dict[str, Any]) -> dict[str, Any]:
    from qjgis import commands
    from qjgis.cases.commands import AdvanceCase
    from qjgis.checks.findings import Review
    from qjgis.errors import QjgisError

    started = time.perf_counter()
    try:
        if edit["kind"] == "review":
            command: Any = Review(
                int(edit["fid"]),
                edit["decision"],
                edit["reason"],
                expected_version=int(edit["version"]),
                replace=True,
            )
        elif edit["kind"] == "advance":
            command = AdvanceCase(
                edit["case"],
                to=edit["to"],
                note=edit.get("note"),
                date=edit.get("date"),
                expected_version=int(edit["version"]),
            )
        elif edit["kind"] == "hold":  # a review whose transaction stays open (killed in it)
            review = Review(int(edit["fid"]), edit["decision"], edit["reason"],
                            expected_version=int(edit["version"]), replace=True)  # fmt: skip
            with store.transaction() as conn:
                review.apply(store, conn)  # the row written, the audit chain's lock held
                print(json.dumps({"holding": True}), flush=True)
                time.sleep(float(edit["seconds"]))
            return {"ok": True}
        else:
            raise ValueError(edit["kind"])
        commands.run(store, command)
        out: dict[str, Any] = {"ok": True}
    except QjgisError as exc:
        out = {"ok": False, "code": exc.code, "params": exc.params}
    out["ms"] = (time.perf_counter() - started) * 1000
    out["at"] = time.time()  # when it ended: the bench's throughput window
    return out


def main(argv: list[str]) -> int:
    from qjgis.pg.store import PgStore

    with open(argv[0], encoding="utf-8") as f:
        plan = json.load(f)
    store = PgStore.open(plan["url"])
    try:
        store.settings()  # read before the start, as a desk that has the project open
        delay = float(plan.get("start", 0)) - time.time()
        if delay > 0:
            time.sleep(delay)
        results = [run_edit(store, edit) for edit in plan["edits"]]
    finally:
        store.close()
    print(json.dumps(results, ensure_ascii=False, default=str), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
