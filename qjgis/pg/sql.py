"""The columns of a project table as both back ends select them: geometry as WKB, typed.

One description (`columns`) serves the push (reading the file), the pull and the database
store's reads (reading the server) and the push-back, so the three agree on names, order
and COPY types.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from qjgis import gpkg, schema

#: The COPY BINARY type of each declared SQLite type (see `schema.PG_TYPES`).
COPY_TYPES = {
    "TEXT": "text",
    "DATE": "text",
    "DATETIME": "text",
    "INTEGER": "int8",
    "BOOLEAN": "int4",
    "REAL": "float8",
}


class Selected(NamedTuple):
    name: str
    expr: str  # the SELECT expression on this back end
    copy_type: str


def columns(table: schema.Table, *, dialect: str) -> list[Selected]:
    """fid, the geometry as WKB (spatial tables), then every column, in schema order."""
    out = [Selected("fid", "fid", "int8")]
    if table.geometry:
        wkb = gpkg.wkb_sql("geom") if dialect == "sqlite" else "ST_AsBinary(geom)"
        out.append(Selected("geom", wkb, "bytea"))
    for c in table.columns:
        kind = table.types[c.name]
        expr = f'"{c.name}"'
        if dialect == "sqlite" and COPY_TYPES[kind] == "text":
            expr = f"CAST({expr} AS TEXT)"  # a number in a DATE column arrives as its text
        # Numbers go as stored: COPY's binary dumpers refuse text (and a fraction in an
        # integer column) rather than turn it into some number.
        out.append(Selected(c.name, expr, COPY_TYPES[kind]))
    return out


def select(
    table: schema.Table,
    *,
    dialect: str,
    pick: Sequence[str] | None = None,
    where: str = "",
) -> tuple[str, list[str], list[str]]:
    """(SELECT … in fid order, names, COPY types) of the `pick`ed columns (all by default)."""
    chosen = columns(table, dialect=dialect)
    if pick is not None:
        by_name = {s.name: s for s in chosen}
        chosen = [by_name[n] for n in pick]
    exprs = ", ".join(s.expr for s in chosen)
    sql = f'SELECT {exprs} FROM "{table.name}" {where}'.rstrip() + " ORDER BY fid"
    return sql, [s.name for s in chosen], [s.copy_type for s in chosen]
