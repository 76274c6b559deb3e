"""Reference layers in a project (issue 19): what each holds, from which delivery, of when.

The features themselves are imported by `importer.import_layer(store, kind, ...)` into
the one `reference_features` table; this module answers "which reference layers does
this project have" for `info` and for the overlay rules' not-evaluated reasons.
"""

from __future__ import annotations

from typing import Any

from qjgis.io.mapping import REFERENCE_KINDS
from qjgis.store import GpkgStore

__all__ = ["REFERENCE_KINDS", "reference_layers"]


def reference_layers(store: GpkgStore) -> list[dict[str, Any]]:
    """Per kind present: its feature count, the data dates it carries, and each import
    batch still in force (source file, when imported) with the features it supplies."""
    rows = store.execute_sql(
        "SELECT r.kind, r.batch_id, count(*), min(r.ref_date), max(r.ref_date), "
        "b.source, b.created FROM reference_features r "
        "LEFT JOIN import_batches b ON b.fid = r.batch_id WHERE r.superseded_by IS NULL "
        # b's columns grouped too (one batch per batch_id): PostgreSQL asks for it
        "GROUP BY r.kind, r.batch_id, b.source, b.created ORDER BY r.kind, r.batch_id"
    )
    out: dict[str, dict[str, Any]] = {}
    for kind, batch, count, lo, hi, source, created in rows:
        entry = out.setdefault(
            kind, {"kind": kind, "features": 0, "date_from": None, "date_to": None, "batches": []}
        )
        entry["features"] += int(count)
        if lo is not None and (entry["date_from"] is None or lo < entry["date_from"]):
            entry["date_from"] = lo
        if hi is not None and (entry["date_to"] is None or hi > entry["date_to"]):
            entry["date_to"] = hi
        entry["batches"].append(
            {"batch": batch, "source": source, "created": created, "features": int(count)}
        )
    order = {k: i for i, k in enumerate(REFERENCE_KINDS)}
    return sorted(out.values(), key=lambda e: order.get(e["kind"], len(order)))
