"""Column titles as a person reads them: the schema's Chinese titles, or the code name."""

from __future__ import annotations

from qjgis import schema
from ui.presenters.words import language

#: where a layer's import targets that are not its own columns live (a register's members)
_ALSO = {"households": ("members",)}


def column_title(table: str, name: str) -> str:
    """`zddm` of parcels → 宗地代码 (in Chinese); the column name itself in English."""
    if name.startswith("extra:"):
        return name.removeprefix("extra:")
    if language() != "zh":
        return name
    for t in (table, *_ALSO.get(table, ())):
        spec = schema.TABLE_BY_NAME.get(t)
        if spec is None:
            continue
        for column in spec.columns:
            if column.name == name:
                return column.title
    if name == "fid":
        return "要素号"
    return name
