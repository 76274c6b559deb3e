"""Benchmark: 8 desks at once on one database (issue 18's goal).

Not a test: prints figures (recorded in docs/benchmarks.md). Usage:

    .venv/bin/python tests/bench/bench_pg_clients.py [--parcels 100000] [--clients 8]
        [--reviews 150] [--shared 20] [--cache DIR]

Starts a throwaway PostgreSQL cluster (tests/qjgis/pg/pgcluster.py), pushes the demo
district of --parcels (built or reused from --cache), runs every check and opens the
ruins' cases (so there are findings to review and cases to move), then starts --clients
client processes (tests/qjgis/pg/desk.py, the engine's own commands, one database session
each) at the same moment. Each makes --reviews reviews of its own findings, cancels its
own share of the pending ruin cases, and reviews the --shared findings every desk also
reviews on the same base version (exactly one may win each). Printed: throughput (edits
per second over the window from the common start to the last edit's end), latency of an
edit (median, p95, p99, max; saved and refused apart), and the recount: every edit a desk
reported saved is in the database with the version it made, every shared row has exactly
one winner, one audit entry per saved edit, the hash chains verify. Goal: p95 <= 50 ms,
0 lost updates.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from qjgis import commands  # noqa: E402
from qjgis.cases.commands import OpenFromFindings  # noqa: E402
from qjgis.checks.findings import run_checks  # noqa: E402
from qjgis.demo import AS_OF, build_demo  # noqa: E402
from qjgis.pg import roles  # noqa: E402
from qjgis.pg.store import PgStore  # noqa: E402
from qjgis.pg.transfer import push  # noqa: E402
from tests.qjgis.pg.pgcluster import SUPERUSER, start  # noqa: E402


def demo_file(parcels: int, cache: Path) -> Path:
    path = cache / f"qjgis-bench-demo-{parcels}-seed1.gpkg"
    if not path.exists():
        t0 = time.perf_counter()
        build_demo(path, parcels=parcels, seed=1)
        print(f"  built {path.name} in {time.perf_counter() - t0:.1f} s", flush=True)
    return path


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def prepare(url: str, path: Path, clients: int) -> None:
    """The demo pushed, checked, its ruins opened; a login per desk (identity is the login)."""
    t0 = time.perf_counter()
    push(path, url)
    roles.init_roles(url)
    for k in range(clients):
        roles.add_user(url, f"desk{k}", "admin")
    t1 = time.perf_counter()
    with PgStore.open(url) as store:
        run_checks(store, as_of=AS_OF if isinstance(AS_OF, dt.date) else None)
        t2 = time.perf_counter()
        commands.run(store, OpenFromFindings(date="2025-07-01"))
    t3 = time.perf_counter()
    print(f"  push and logins {t1 - t0:.1f} s, full check {t2 - t1:.1f} s, "
          f"cases opened {t3 - t2:.1f} s")  # fmt: skip


def plans(url: str, clients: int, reviews: int, shared: int) -> tuple[dict, dict, dict]:
    """Each desk's edits; (plans, base versions of findings, base versions of cases)."""
    with PgStore.open(url) as store:
        findings = store.execute_sql(
            "SELECT fid, row_version FROM findings WHERE decision IS NULL ORDER BY fid"
        )
        cases = store.execute_sql(
            "SELECT fid, row_version FROM ruin_cases WHERE state = '待处置' ORDER BY fid"
        )
    need = shared + clients * reviews
    if len(findings) < need:
        raise SystemExit(f"only {len(findings)} open findings, {need} wanted")
    base = dict(findings[:need])
    case_base = dict(cases)
    common = [f for f, _ in findings[:shared]]
    out: dict[str, list[dict[str, Any]]] = {}
    per_case = len(cases) // clients
    for k in range(clients):
        desk = f"desk{k}"
        own = [f for f, _ in findings[shared + k * reviews : shared + (k + 1) * reviews]]
        edits = [review(f, base[f], desk) for f in own]
        for j, (cfid, version) in enumerate(cases[k * per_case : (k + 1) * per_case]):
            edits.insert(1 + j * 3, {"kind": "advance", "case": f"R{cfid}", "version": version,
                                     "to": "cancelled", "note": f"{desk} 撤销"})  # fmt: skip
        for j, f in enumerate(common):  # the contended rows, spread through the run
            edits.insert(
                min(len(edits), j * (len(edits) // max(1, shared))), review(f, base[f], desk)
            )
        out[desk] = edits
    return out, base, case_base


def review(fid: int, version: int, desk: str) -> dict[str, Any]:
    return {"kind": "review", "fid": fid, "version": version, "decision": "confirmed",
            "reason": f"{desk} 复核 {fid}"}  # fmt: skip


def run(url: str, tmp: Path, desk_plans: dict[str, list[dict[str, Any]]]) -> tuple[dict, float]:
    start_at = time.time() + 5.0
    procs = {}
    for desk, edits in desk_plans.items():
        plan = tmp / f"plan-{desk}.json"
        login = url.replace(f"://{SUPERUSER}@", f"://{desk}@")  # the cluster trusts loopback
        plan.write_text(json.dumps({"url": login, "start": start_at, "edits": edits}))
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        procs[desk] = subprocess.Popen(
            [sys.executable, "-m", "tests.qjgis.pg.desk", str(plan)],
            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
    results = {}
    for desk, proc in procs.items():
        out, err = proc.communicate()
        if proc.returncode != 0:
            raise SystemExit(f"{desk} failed: {err[-2000:]}")
        results[desk] = json.loads(out.strip().splitlines()[-1])
    ended = max(r["at"] for rs in results.values() for r in rs)
    return results, ended - start_at


def recount(url: str, plans_: dict, results: dict, base: dict, case_base: dict) -> list[str]:
    """Every reported success in the database; exactly one winner per shared row."""
    problems: list[str] = []
    wins: dict[tuple[str, int], list[str]] = {}
    for desk, edits in plans_.items():
        for edit, result in zip(edits, results[desk], strict=True):
            key = ("f", edit["fid"]) if edit["kind"] == "review" else ("c", int(edit["case"][1:]))
            if result["ok"]:
                wins.setdefault(key, []).append(desk)
            elif (
                result.get("code") != "write_conflict" or not result["params"]["theirs"]["changes"]
            ):
                problems.append(f"{desk} {edit}: refused without the winner's change: {result}")
    with PgStore.open(url) as store:
        rows = {
            f: (reason, by, v)
            for f, reason, by, v in store.execute_sql(
                "SELECT fid, decision_reason, decided_by, row_version FROM findings "
                "WHERE decision IS NOT NULL"
            )
        }
        case_rows = dict(store.execute_sql("SELECT fid, row_version FROM ruin_cases"))
        for (kind, fid), desks in wins.items():
            if len(desks) != 1:
                problems.append(f"{kind}{fid}: {len(desks)} winners {desks}")
                continue
            if kind == "f":
                want = (f"{desks[0]} 复核 {fid}", desks[0], base[fid] + 1)
                if rows.get(fid) != want:
                    problems.append(f"finding {fid}: {rows.get(fid)} != {want} (lost update)")
            elif case_rows.get(fid) != case_base[fid] + 1:
                problems.append(f"case R{fid}: version {case_rows.get(fid)} (lost update)")
        audited = store.execute_sql(
            "SELECT count(*) FROM audit_log WHERE command IN ('findings.review', 'case.advance') "
            "AND \"user\" LIKE 'desk%'"
        )[0][0]
        saved = sum(len(d) for d in wins.values())
        if audited != saved:
            problems.append(f"{audited} audit entries for {saved} saved edits")
        problems += [f"chain: {p.detail}" for p in store.integrity_check()]
    return problems


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--parcels", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--reviews", type=int, default=150)
    parser.add_argument("--shared", type=int, default=20)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()))
    args = parser.parse_args()
    path = demo_file(args.parcels, args.cache)
    server = start()
    tmp = Path(tempfile.mkdtemp(prefix="qjgis-bench-clients-"))
    try:
        url = server.new_database()
        print(f"{args.parcels} parcels, {args.clients} client processes", flush=True)
        prepare(url, path, args.clients)
        desk_plans, base, case_base = plans(url, args.clients, args.reviews, args.shared)
        results, seconds = run(url, tmp, desk_plans)
        flat = [r for rs in results.values() for r in rs]
        saved = [r["ms"] for r in flat if r["ok"]]
        refused = [r["ms"] for r in flat if not r["ok"]]
        print(f"  edits: {len(flat)} in {seconds:.2f} s = {len(flat) / seconds:.0f} edits/s "
              f"({len(saved)} saved, {len(refused)} refused as stale)")  # fmt: skip
        for name, values in (("all", saved + refused), ("saved", saved), ("refused", refused)):
            if not values:
                continue
            print(f"  latency {name:7s} median {statistics.median(values):6.1f} ms  "
                  f"p95 {pct(values, 0.95):6.1f} ms  p99 {pct(values, 0.99):6.1f} ms  "
                  f"max {max(values):6.1f} ms")  # fmt: skip
        problems = recount(url, desk_plans, results, base, case_base)
        verdict = "0 lost updates, every refusal explained, chains verify"
        print(f"  recount: {verdict if not problems else len(problems)}")
        for p in problems:
            print(f"    {p}")
        goal = pct(saved + refused, 0.95) <= 50.0 and not problems
        print(f"  goal p95 <= 50 ms and 0 lost: {'met' if goal else 'NOT met'}")
        return 0 if not problems else 1
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
