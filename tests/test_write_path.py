"""One write path (issue 17): no engine module outside the stores writes rows with its
own INSERT/UPDATE/DELETE SQL.

Every writer (import, undo/redo, checks, cases, commands, demo) goes through the store's
write interface (`qjgis.store_api.ProjectStore`: `insert_rows`, `insert_row`,
`update_rows`, `update_row`, `delete_rows`, `restore_rows`, `append_chained`, `add_meta`,
`batch_table`), so each back end writes in its own way (SQLite statements on a file,
binary COPY on PostgreSQL) and row versions, the audit chain and refusals stay in one
place. The scan reads every string literal of `qjgis/` (f-strings too, docstrings not)
and lists each one that starts a row-writing statement outside the allowed places:

- the stores themselves: `gpkg_store.py`, `gpkg_write.py`, everything in `qjgis/pg/`;
- schema set-up and migrations (`schema.py`: triggers, GeoPackage registry rows, the
  chain back-fill of a migration) and the GeoPackage format code (`gpkg.py`: R-tree
  packing), which build a project's tables rather than write its rows;
- `io/export.py`'s statements on GeoPackage metadata tables (`gpkg_*`): an export
  writes a NEW file that is not a project (pyogrio writes its rows; the export only adds
  column titles to `gpkg_data_columns`), so no project's write path is bypassed.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENGINE = ROOT / "qjgis"

ALLOWED_FILES = {"gpkg_store.py", "gpkg_write.py", "schema.py", "gpkg.py"}
ALLOWED_FOLDERS = {"pg"}
#: a row-writing statement at the start of a literal (after blanks)
WRITE = re.compile(
    r"^\s*(INSERT\s+(OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE\s+\S+\s+SET|DELETE\s+FROM)\s+"
    r"""["'`]?(?P<table>[\w{}.]+)""",
    re.IGNORECASE,
)


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            ids.add(id(node.value))
    return ids


def _literals(tree: ast.AST) -> list[tuple[int, str]]:
    """Each string literal's line and text; an f-string as its text with `{}` holes."""
    skip = _docstrings(tree)
    inside_fstring: set[int] = set()
    out: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.JoinedStr):
            parts = []
            for v in node.values:
                inside_fstring.add(id(v))
                parts.append(v.value if isinstance(v, ast.Constant) else "{}")
            out.append((node.lineno, "".join(str(p) for p in parts)))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in skip
            and id(node) not in inside_fstring
        ):
            out.append((node.lineno, node.value))
    return out


def raw_writes(root: Path, package: str = "qjgis") -> list[str]:
    """`path:line: statement` of every row-writing SQL literal outside the stores."""
    found = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root)
        if rel.parts[0] in ALLOWED_FOLDERS or (len(rel.parts) == 1 and rel.name in ALLOWED_FILES):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for line, text in _literals(tree):
            m = WRITE.match(text)
            if m is None:
                continue
            if rel.as_posix() == "io/export.py" and m["table"].startswith("gpkg_"):
                continue
            found.append(f"{package}/{rel.as_posix()}:{line}: {text.strip()[:80]}")
    return sorted(found)


def test_no_engine_module_writes_rows_outside_the_stores() -> None:
    found = raw_writes(ENGINE)
    assert not found, "rows written with a module's own SQL, not the store's:\n" + "\n".join(found)


def test_the_scan_finds_a_raw_write(tmp_path: Path) -> None:
    """The scan itself: a statement in a plain string, in an f-string and in a
    concatenated literal is found; a docstring, a store module and an export's
    GeoPackage metadata are not."""
    (tmp_path / "pg").mkdir()
    (tmp_path / "io").mkdir()
    (tmp_path / "a.py").write_text(
        '"""DELETE FROM docs is prose."""\n'
        "def f(conn, t):\n"
        '    conn.execute("INSERT INTO attachments (a) VALUES (?)", (1,))\n'
        "    conn.execute(f'UPDATE \"{t}\" SET x = 1')\n"
        '    conn.execute("DELETE FROM findings " "WHERE fid = ?")\n',
        encoding="utf-8",
    )
    (tmp_path / "pg" / "b.py").write_text('S = "DELETE FROM x"\n', encoding="utf-8")
    (tmp_path / "gpkg_store.py").write_text('S = "DELETE FROM x"\n', encoding="utf-8")
    (tmp_path / "io" / "export.py").write_text(
        'A = "INSERT OR REPLACE INTO gpkg_data_columns VALUES (?)"\n'
        'B = "INSERT INTO parcels VALUES (?)"\n',
        encoding="utf-8",
    )
    found = raw_writes(tmp_path)
    assert [f.split(":")[0] + ":" + f.split(":")[1] for f in found] == [
        "qjgis/a.py:3",
        "qjgis/a.py:4",
        "qjgis/a.py:5",
        "qjgis/io/export.py:2",
    ]
