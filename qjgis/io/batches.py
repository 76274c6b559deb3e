"""Redo of an undone import batch, and batch undo as a command the window can redo.

`undo_batch` (qjgis.io.importer) deletes a batch's added rows and restores its
updated ones. Before it does, it saves each of those rows as the batch left it
(`save_for_redo`): one `import_batch_rows` entry per row with action `undone`
and the whole row (geometry as base64 WKB, a parcel's co-holders too) in its
`before` column, which here means "before the undo". `redo_batch` puts those
rows back with the same fids, in one transaction, audited as `imports.redo`.

Row versions: every write moves a row's version on by one, undo and redo
included. So an undone row comes back one version past its deletion or
restoration (an added row at its version when undone + 2, an updated one at
+1 over the restored version), and an edit or another import made since the
undo shows as a version the redo does not expect: the redo is then refused,
naming the row, as an undo is.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from typing import Any

import numpy as np

from qjgis import schema
from qjgis.commands import Changes
from qjgis.errors import QjgisError
from qjgis.feedback import Feedback, NullFeedback, check_canceled
from qjgis.store_api import ProjectStore

QjgisError.register(
    {
        "batch_not_undone": "import batch {batch} is not undone: there is nothing to redo",
        "redo_no_snapshot": (
            "import batch {batch} was undone by an older qjgis that kept no copy of its rows: "
            "import the file again instead"
        ),
        "redo_blocked_later_batch": (
            "import batch {batch} cannot be redone: later batch {later} imported {layer} "
            "since it was undone (undo that one first)"
        ),
        "redo_blocked_edited": (
            "import batch {batch} cannot be redone: {layer} row {fid} was changed after the "
            "undo (version {found}, {expected} expected)"
        ),
        "redo_blocked_taken": (
            "import batch {batch} cannot be redone: {layer} row {fid} is taken by another row"
        ),
    }
)

UNDONE = "undone"  # import_batch_rows.action of a row saved by an undo, for redo
_CHUNK = 900


def _columns(layer: str) -> tuple[list[str], bool]:
    table = schema.TABLE_BY_NAME[layer]
    return [c.name for c in table.columns], bool(table.geometry)


def _rows(
    conn: Any, table: str, where: str, ids: Sequence[int], select: str
) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = []
    for start in range(0, len(ids), _CHUNK):
        chunk = list(ids[start : start + _CHUNK])
        marks = ",".join("?" * len(chunk))
        out += conn.execute(f'SELECT {select} FROM "{table}" WHERE {where} IN ({marks})', chunk)
    return out


def save_for_redo(
    store: ProjectStore,
    conn: Any,
    batch: int,
    layer: str,
    fids: Sequence[int],
    added: Sequence[int],
) -> None:
    """Save the rows `fids` of `layer` as they are now (as the batch left them), inside
    the undo's transaction; `added` are those the undo deletes (their co-holders too)."""
    cols, spatial = _columns(layer)
    # the geometry as the store gives it, kept as a GeoPackage blob on both back ends
    geom = [store.geom_select] if spatial else []
    select = ", ".join(["fid", *geom] + [f'"{c}"' for c in cols])
    holders: dict[int, list[dict[str, Any]]] = {}
    if layer == "parcels" and added:
        h_cols, _ = _columns("parcel_holders")
        h_select = ", ".join(["fid"] + [f'"{c}"' for c in h_cols])
        for h_fid, *h_values in _rows(conn, "parcel_holders", "parcel_fid", added, h_select):
            row = dict(zip(h_cols, h_values, strict=True))
            row["fid"] = h_fid
            holders.setdefault(int(row["parcel_fid"]), []).append(row)
    saved = []
    current = _rows(conn, layer, "fid", fids, select)
    blobs = store.geom_blobs([r[1] for r in current]) if spatial else []
    for k, row_now in enumerate(current):
        fid = int(row_now[0])
        values = row_now[2:] if spatial else row_now[1:]
        snap: dict[str, Any] = dict(zip(cols, values, strict=True))
        if spatial:
            blob = blobs[k]
            snap["geom"] = None if blob is None else base64.b64encode(blob).decode("ascii")
        if fid in holders:
            snap["_holders"] = holders[fid]
        saved.append((fid, json.dumps(snap, ensure_ascii=False)))
    from qjgis.io.importer import record_batch_rows

    fids_saved = [f for f, _ in saved]
    record_batch_rows(store, conn, batch, layer, fids_saved, UNDONE, [b for _, b in saved])


def undo_cycles(conn: Any, batch: int, layer: str) -> dict[int, int]:
    """How many times each row of `batch` was saved by an undo (= undone and redone
    again, while the batch stands): each such cycle moved its version on by two."""
    return {
        int(f): int(n)
        for f, n in conn.execute(
            "SELECT row_fid, count(*) FROM import_batch_rows WHERE batch_id = ? AND layer = ? "
            "AND action = ? GROUP BY row_fid",
            (batch, layer, UNDONE),
        ).fetchall()
    }


def later_undone_bumps(conn: Any, batch: int, layer: str) -> dict[int, int]:
    """Version steps a row of `batch` took from later batches that updated it and are
    undone now: two per undo (its update and its restore, a redo and the next undo);
    a batch undone before redo existed saved nothing, and counts once."""
    # (CASE rather than SQLite's two-argument max: the same SQL runs on PostgreSQL)
    return {
        int(f): int(n)
        for f, n in conn.execute(
            "SELECT r2.row_fid, sum(2 * (SELECT CASE WHEN count(*) > 1 THEN count(*) ELSE 1 "
            "  END FROM import_batch_rows u WHERE u.batch_id = r2.batch_id "
            "  AND u.layer = r2.layer AND u.row_fid = r2.row_fid AND u.action = ?)) "
            "FROM import_batch_rows r2 JOIN import_batches b ON b.fid = r2.batch_id "
            "AND b.undone = 1 WHERE r2.batch_id > ? AND r2.layer = ? AND r2.action = 'updated' "
            "AND r2.row_fid IN (SELECT row_fid FROM import_batch_rows "
            "WHERE batch_id = ? AND layer = ?) GROUP BY r2.row_fid",
            (UNDONE, batch, layer, batch, layer),
        ).fetchall()
    }


def redo_batch(store: ProjectStore, batch: int, feedback: Feedback | None = None) -> dict[str, Any]:
    """Re-apply an undone batch in one transaction: its rows come back as the batch left
    them, with the same fids; refused, naming the row, when anything since would be lost."""
    fb = feedback or NullFeedback()
    with store.transaction() as conn:
        row = conn.execute(
            "SELECT layer, undone FROM import_batches WHERE fid = ?", (batch,)
        ).fetchone()
        if row is None:
            raise QjgisError("batch_not_found", batch=batch, path=store.path)
        if not row[1]:
            raise QjgisError("batch_not_undone", batch=batch)
        entries = conn.execute(
            "SELECT layer, row_fid, action FROM import_batch_rows "
            "WHERE batch_id = ? AND action IN ('added', 'updated') ORDER BY fid",
            (batch,),
        ).fetchall()
        # The latest snapshot of each row (a batch undone, redone and undone again has two).
        snaps: dict[tuple[str, int], dict[str, Any]] = {}
        for layer, fid, before in conn.execute(
            "SELECT layer, row_fid, before FROM import_batch_rows WHERE batch_id = ? "
            "AND action = ? ORDER BY fid",
            (batch, UNDONE),
        ):
            snaps[(layer, int(fid))] = json.loads(before)
        if entries and not snaps:
            raise QjgisError("redo_no_snapshot", batch=batch)
        by_layer: dict[str, list[tuple[int, str]]] = {}
        for layer, fid, action in entries:
            by_layer.setdefault(layer, []).append((int(fid), action))
        for layer in by_layer:
            later = conn.execute(
                "SELECT b.fid FROM import_batches b WHERE b.fid > ? AND b.undone = 0 AND "
                "EXISTS (SELECT 1 FROM import_batch_rows r WHERE r.batch_id = b.fid "
                "AND r.layer = ?) ORDER BY b.fid LIMIT 1",
                (batch, layer),
            ).fetchone()
            if later is not None:
                raise QjgisError(
                    "redo_blocked_later_batch", batch=batch, later=later[0], layer=layer
                )
        counts: dict[str, dict[str, int]] = {}
        for layer, items in by_layer.items():
            check_canceled(fb)
            cols, spatial = _columns(layer)
            current = {
                int(f): int(v)
                for f, v in _rows(conn, layer, "fid", [f for f, _ in items], "fid, row_version")
            }
            for fid, action in items:
                snap = snaps.get((layer, fid))
                if snap is None:
                    raise QjgisError("redo_no_snapshot", batch=batch)
                if action == "added" and fid in current:
                    raise QjgisError("redo_blocked_taken", batch=batch, layer=layer, fid=fid)
                if action == "updated":
                    expected = int(snap["row_version"]) + 1  # the undo's restore
                    if fid not in current:
                        raise QjgisError("undo_blocked_missing", batch=batch, layer=layer, fid=fid)
                    if current[fid] != expected:
                        raise QjgisError(
                            "redo_blocked_edited", batch=batch, layer=layer, fid=fid,
                            found=current[fid], expected=expected,
                        )  # fmt: skip
            names = [c for c in cols if c != "row_version"]
            geom = ["geom"] if spatial else []
            inserts: list[tuple[Any, ...]] = []
            updates: list[tuple[Any, ...]] = []
            inserted: list[int] = []
            updated: list[int] = []
            holders = []
            for fid, action in items:
                snap = snaps[(layer, fid)]
                blob = [_blob(snap.get("geom"))] if spatial else []
                values = [snap.get(c) for c in names]
                if action == "added":
                    # deleted by the undo (+1), inserted again (+1)
                    inserts.append((*blob, *values, int(snap["row_version"]) + 2))
                    inserted.append(fid)
                    holders += snap.get("_holders", [])
                else:
                    updates.append((*blob, *values))
                    updated.append(fid)
            store.restore_rows(conn, layer, inserted, [*geom, *names, "row_version"], inserts)
            store.update_rows(conn, layer, updated, [*geom, *names], updates)
            if holders:
                _restore_holders(store, conn, holders)
                counts["parcel_holders"] = {"inserted": len(holders), "restored": 0}
            counts[layer] = {"inserted": len(inserts), "restored": len(updates)}
        store.update_rows(conn, "import_batches", [batch], ["undone"], [(0,)], bump_version=False)
        store.audit(conn, "imports.redo", f"import_batches/{batch}", {"batch": batch}, counts)
    return {"batch": batch, "layer": row[0], "redone": counts}


def _blob(b64: str | None) -> bytes | None:
    return None if b64 is None else base64.b64decode(b64)


def _restore_holders(store: ProjectStore, conn: Any, holders: list[dict[str, Any]]) -> None:
    cols, _ = _columns("parcel_holders")
    taken = {
        int(r[0])
        for r in _rows(conn, "parcel_holders", "fid", [int(h["fid"]) for h in holders], "fid")
    }
    names = [c for c in cols if c != "row_version"]
    same_fids: list[int] = []
    same: list[tuple[Any, ...]] = []
    fresh: list[tuple[Any, ...]] = []
    for h in holders:
        # Same fid where it is free (a holder row has no other reference to keep); a new
        # one where it is taken (no NULL fid: a database's identity column refuses it).
        values = (*(h.get(c) for c in names), int(h.get("row_version") or 1) + 2)
        if int(h["fid"]) in taken:
            fresh.append(values)
        else:
            same_fids.append(int(h["fid"]))
            same.append(values)
    store.restore_rows(conn, "parcel_holders", same_fids, [*names, "row_version"], same)
    if fresh:
        store.insert_rows(
            conn,
            "parcel_holders",
            {
                c: np.array([v[k] for v in fresh], dtype=object)
                for k, c in enumerate([*names, "row_version"])
            },
        )


def batch_changes(layer: str) -> Changes:
    """What undoing or redoing a batch of `layer` touches (the views to refresh)."""
    from qjgis.io.importer import REFERENCE_TABLE
    from qjgis.io.mapping import is_reference

    touched = {"households", "members"} if layer == "households" else set()
    shown = REFERENCE_TABLE if is_reference(layer) else layer
    return Changes(
        layers=frozenset({shown} - touched),
        tables=frozenset(touched | {"import_batches", "import_batch_rows", "audit_log"}),
    )


class UndoBatch:
    """Undoing an import batch as a command: apply undoes it, revert re-applies it (the
    window's redo of an undone batch is this command's revert, its undo again apply)."""

    name = "imports.undo"

    def __init__(self, batch: int, layer: str, feedback: Feedback | None = None) -> None:
        self.batch, self.layer = int(batch), layer
        self.feedback = feedback  # progress and cancel of the first apply (a task's)
        self.result: dict[str, Any] | None = None

    def apply(self, store: ProjectStore, conn: Any) -> Changes:
        from qjgis.io.importer import undo_batch

        feedback, self.feedback = self.feedback, None  # a later redo runs on the GUI thread
        self.result = undo_batch(store, self.batch, feedback)
        return batch_changes(self.layer)

    def revert(self, store: ProjectStore, conn: Any) -> Changes:
        redo_batch(store, self.batch)
        return batch_changes(self.layer)
