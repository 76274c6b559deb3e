"""Run the registered rules over a project: one context, the rules in id order.

`evaluate` returns data only (`Evaluation`); persisting the findings with their
decisions is `qjgis.checks.findings`' job.
"""

from __future__ import annotations

import datetime as dt
import importlib
import importlib.util
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field

from qjgis.checks import joins
from qjgis.checks.base import REGISTRY, Rule, RuleResult, ordered_rules
from qjgis.checks.context import CheckContext, check_date
from qjgis.errors import QjgisError
from qjgis.feedback import Feedback, NullFeedback, check_canceled
from qjgis.store import GpkgStore

#: The modules that register rules; optional ones are loaded when present.
RULE_MODULES = (
    "qjgis.checks.rules_household",
    "qjgis.checks.rules_spatial",
    "qjgis.checks.rules_codes",
    "qjgis.checks.rules_overlay",
)
OPTIONAL_RULE_MODULES = ("qjgis.checks.rules_remediation",)


def load_rules() -> dict[str, Rule]:
    """Import every rule module (registration happens at import) and return the registry."""
    for name in RULE_MODULES:
        importlib.import_module(name)
    for name in OPTIONAL_RULE_MODULES:
        if importlib.util.find_spec(name) is not None:
            importlib.import_module(name)
    return REGISTRY


@dataclass
class Evaluation:
    """What one run found: per rule its result and time, and the context's load time."""

    as_of: dt.date
    rules: list[Rule]
    results: dict[str, RuleResult]
    seconds: dict[str, float] = field(default_factory=dict)
    context_seconds: float = 0.0


class _Stage:
    """Feedback for one rule: its progress mapped into its slice of the whole run."""

    def __init__(self, parent: Feedback, lo: float, hi: float) -> None:
        self._parent, self._lo, self._hi = parent, lo, hi

    def set_progress(self, fraction: float, stage: str = "") -> None:
        f = min(max(float(fraction), 0.0), 1.0)
        self._parent.set_progress(self._lo + (self._hi - self._lo) * f, stage)

    def is_canceled(self) -> bool:
        return self._parent.is_canceled()


class _Quiet:
    """Feedback for a rule run beside others: cancellation only (progress is per rule done)."""

    def __init__(self, parent: Feedback) -> None:
        self._parent = parent

    def set_progress(self, fraction: float, stage: str = "") -> None:
        pass

    def is_canceled(self) -> bool:
        return self._parent.is_canceled()


def select_rules(rule_ids: Sequence[str] | None) -> list[Rule]:
    """The named rules (all when None) in id order; an unknown id is refused."""
    registry = load_rules()
    if rule_ids is None:
        return ordered_rules()
    wanted = [str(r).strip().upper() for r in rule_ids if str(r).strip()]
    unknown = [r for r in wanted if r not in registry]
    if unknown or not wanted:
        raise QjgisError(
            "invalid_argument",
            name="rules",
            value=",".join(unknown) if unknown else "",
            reason="unknown_rule",
            choices=", ".join(sorted(registry)),
        )
    return ordered_rules(sorted(set(wanted)))


def evaluate(
    store: GpkgStore,
    rule_ids: Sequence[str] | None = None,
    *,
    as_of: dt.date | None = None,
    feedback: Feedback | None = None,
    threads: int | None = None,
) -> Evaluation:
    """Run the chosen rules (all by default) on the project, as of a date (today by default).

    Raises QjgisError("invalid_argument") for an unknown rule id, the input
    checks' errors (layers in another or a geographic CRS), and `Canceled`.
    Nothing is written to the project.
    """
    fb = feedback or NullFeedback()
    rules = select_rules(rule_ids)
    day = check_date(as_of) if as_of is not None else dt.date.today()
    fb.set_progress(0.0, "context")
    started = time.perf_counter()
    ctx = CheckContext(store, as_of=day, threads=threads)
    # A full run reads and joins everything: it loads it first, on both cores, as the
    # first half of its progress.
    loaded = 0.5 if rule_ids is None else 0.0
    if loaded:
        ctx.preload(_Stage(fb, 0.0, loaded))
    context_seconds = time.perf_counter() - started
    results: dict[str, RuleResult] = {}
    seconds: dict[str, float] = {}
    n = len(rules)
    workers = joins.default_threads() if threads is None else max(1, threads)
    if rule_ids is None and workers > 1:
        # After preload the rules only read the context, and much of their work is
        # numpy outside the GIL: on two cores two rules run at once. Progress is
        # reported here, as rules finish, so the feedback is only called from this thread.
        quiet = _Quiet(fb)

        def run(r: Rule) -> tuple[RuleResult, float]:
            t0 = time.perf_counter()
            return r.run(ctx, ctx.settings, quiet), time.perf_counter() - t0

        done_stage = _Stage(fb, loaded, 1.0)
        with ThreadPoolExecutor(min(workers, 2)) as pool:
            futures = {pool.submit(run, r): r for r in rules if not r.reads_project}
            try:
                # Cancel is honoured between rules too: rules that finished while this
                # thread ran the project-reading ones would otherwise report up to 100 %.
                for r in (r for r in rules if r.reads_project):  # on this thread, meanwhile
                    results[r.id], seconds[r.id] = run(r)
                    done_stage.set_progress(len(results) / n, r.id)
                    check_canceled(fb)
                for done in as_completed(futures):
                    r = futures[done]
                    results[r.id], seconds[r.id] = done.result()
                    done_stage.set_progress(len(results) / n, r.id)
                    check_canceled(fb)
            except BaseException:  # canceled or failed: start no other rule
                for future in futures:
                    future.cancel()
                raise
        results = {r.id: results[r.id] for r in rules}
    else:
        for k, r in enumerate(rules):
            check_canceled(fb)
            stage = _Stage(fb, k / n, (k + 1) / n)
            stage.set_progress(0.0, r.id)
            t0 = time.perf_counter()
            results[r.id] = r.run(ctx, ctx.settings, stage)
            seconds[r.id] = time.perf_counter() - t0
            stage.set_progress(1.0, r.id)
    check_canceled(fb)
    fb.set_progress(1.0, "done")
    return Evaluation(
        as_of=day, rules=rules, results=results, seconds=seconds, context_seconds=context_seconds
    )


__all__ = ["Evaluation", "evaluate", "load_rules", "select_rules"]
