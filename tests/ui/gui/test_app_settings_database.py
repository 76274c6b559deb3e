"""The window's recent projects keep a database address without its password."""

from __future__ import annotations

from pathlib import Path

from ui.gui.app_settings import AppSettings


def test_recent_projects_never_hold_a_password(tmp_path: Path) -> None:
    ini = tmp_path / "settings.ini"
    s = AppSettings(path=str(ini))
    s.add_recent("postgresql://clerk:s3cret@db.bureau/qijiang?sslmode=require")
    s.add_recent(tmp_path / "a.gpkg")
    s.add_recent("postgresql://clerk:other@db.bureau/qijiang?sslmode=require")  # the same one
    assert s.recent_projects == ["postgresql://clerk@db.bureau/qijiang?sslmode=require",
                                 str(tmp_path / "a.gpkg")]  # fmt: skip
    assert s.last_project == "postgresql://clerk@db.bureau/qijiang?sslmode=require"
    assert "s3cret" not in ini.read_text() and "other" not in ini.read_text()
