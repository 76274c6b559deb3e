"""On the demo district every planted case is found and nothing else.

Precision and recall 1.0 per rule against the demo's `demo_truth`, and the
same exemption codes, at 10,000 and 100,000 parcels. Run with `-s` to see the
per-rule table (TP / FP / FN).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from qjgis.checks.engine import Evaluation, evaluate
from qjgis.demo import AS_OF, build_demo
from qjgis.store import GpkgStore

RULES = [f"QJ-R{i:03d}" for i in (*range(1, 14), *range(16, 21))]


def score(store: GpkgStore, ev: Evaluation) -> dict[str, dict[str, object]]:
    truth = store.read_table("demo_truth")
    expected: dict[str, dict[tuple[str, str], str | None]] = {r: {} for r in RULES}
    for rule_id, kind, key, exemption in zip(
        truth["rule_id"], truth["entity_kind"], truth["entity_key"], truth["exemption"], strict=True
    ):
        if rule_id in expected:
            expected[rule_id][(kind, key)] = exemption
    out = {}
    for rule_id in RULES:
        found = {(f.entity_kind.value, f.key): f.exemption for f in ev.results[rule_id].findings}
        want = expected[rule_id]
        both = found.keys() & want.keys()
        out[rule_id] = {
            "tp": len(both),
            "fp": sorted(found.keys() - want.keys()),
            "fn": sorted(want.keys() - found.keys()),
            "exemption_mismatch": sorted(k for k in both if found[k] != want[k]),
            "seconds": ev.seconds[rule_id],
            "unevaluated": ev.results[rule_id].unevaluated,
        }
    return out


def table(parcels: int, scores: dict[str, dict[str, object]]) -> str:
    lines = [
        f"demo district, {parcels:,} parcels (seed 1, as of {AS_OF})",
        "| rule | TP | FP | FN | precision | recall | exemptions match | seconds |",
        "|---|---:|---:|---:|---:|---:|---|---:|",
    ]
    for rule_id, s in scores.items():
        tp, fp, fn = s["tp"], len(s["fp"]), len(s["fn"])  # type: ignore[arg-type]
        precision = tp / (tp + fp) if tp + fp else 1.0  # type: ignore[operator]
        recall = tp / (tp + fn) if tp + fn else 1.0  # type: ignore[operator]
        lines.append(
            f"| {rule_id} | {tp} | {fp} | {fn} | {precision:.3f} | {recall:.3f} | "
            f"{'yes' if not s['exemption_mismatch'] else 'NO'} | {s['seconds']:.2f} |"
        )
    return "\n".join(lines)


@pytest.mark.parametrize(
    "parcels", [10_000, pytest.param(100_000, marks=pytest.mark.slow)], ids=["10k", "100k"]
)
def test_precision_and_recall_are_one(tmp_path: Path, parcels: int) -> None:
    path = tmp_path / "demo.gpkg"
    build_demo(path, parcels=parcels, seed=1)
    with GpkgStore.open(path) as store:
        ev = evaluate(store, RULES, as_of=AS_OF)
        scores = score(store, ev)
    print("\n" + table(parcels, scores))
    for rule_id, s in scores.items():
        assert s["tp"], f"{rule_id}: the demo plants cases of every rule"
        assert s["fp"] == [], f"{rule_id}: false positives {s['fp'][:5]}"  # type: ignore[index]
        assert s["fn"] == [], f"{rule_id}: missed {s['fn'][:5]}"  # type: ignore[index]
        assert s["exemption_mismatch"] == [], f"{rule_id}: exemption codes differ"
