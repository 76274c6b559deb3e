"""The window's conflict dialog on a shared database (issue 18): a review another desk beat
is shown with both versions; one click applies it on the current version, or it is dropped.

The window does not open a database yet (the `dbgui` branch makes it); these tests drive
the real review dialog and its operation on an `OpenProject` over a `PgStore`, as
`ui/gui/project.py` holds a project, with the store's change watch answered as "no outside
change" (what a file's watch answers between commits).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QDialogButtonBox, QLabel
from pytestqt.qtbot import QtBot

from qjgis import commands
from qjgis.checks.findings import Review
from qjgis.pg.store import PgStore
from qjgis.settings import ProjectSettings
from tests.qjgis.pg.test_pg_concurrency import prepared
from tests.ui.gui.waiting import wait_until
from ui.gui.dialogs.conflict import ConflictDialog
from ui.gui.dialogs.review import ReviewDialog
from ui.gui.project import OpenProject
from ui.presenters import words

pytestmark = pytest.mark.gui


@pytest.fixture
def desks(
    pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, qtbot: QtBot
) -> Iterator[tuple[OpenProject, PgStore, int]]:
    """The window's project (desk 张三) and another desk (李四) on one database."""
    words.set_language("zh")
    fids, _cases = prepared(pg_url, tmp_path)
    monkeypatch.setattr(PgStore, "change_stamp", lambda self: (0, None), raising=False)
    mine, other = PgStore.open(pg_url), PgStore.open(pg_url)
    for store, name in ((mine, "张三"), (other, "李四")):  # two people at two desks
        own = ProjectSettings({**store.settings().values, "user.name": name})
        monkeypatch.setattr(store, "settings", lambda own=own: own)
    project = OpenProject(mine)
    yield project, other, fids[0]
    project.close()
    other.close()


def beaten_review(qtbot: QtBot, project: OpenProject, other: PgStore, fid: int) -> ConflictDialog:
    """张三 opens the review (version v), 李四 exempts it meanwhile, 张三 saves."""
    dialog = ReviewDialog(project, fid)
    qtbot.addWidget(dialog)
    dialog.show()
    seen = dialog.record.row_version
    commands.run(other, Review(fid, "exempted", "有继承公证书", expected_version=seen,
                               exemption="inheritance"))  # fmt: skip
    dialog.set_decision("confirmed", "现场核实，两宗均在使用")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    conflict = dialog.findChild(ConflictDialog, "dialog_conflict")
    assert conflict is not None and conflict.isVisible()
    assert dialog.isVisible()  # nothing saved yet: the review stays open behind it
    return conflict


def decision(store: PgStore, fid: int) -> tuple:
    return store.execute_sql(
        "SELECT decision, decision_reason, decided_by, row_version FROM findings WHERE fid = ?",
        (fid,),
    )[0]


def test_a_beaten_review_shows_both_versions_and_applies_mine_in_one_click(
    qtbot: QtBot, desks: tuple[OpenProject, PgStore, int], tmp_path: Path
) -> None:
    project, other, fid = desks
    before = decision(other, fid)[3]
    conflict = beaten_review(qtbot, project, other, fid)
    assert conflict.windowTitle() == "修改冲突"
    intro = conflict.findChild(QLabel, "label_intro").text()
    assert f"核查结果 {fid} 已被他人修改" in intro and f"现为版本 {before + 1}" in intro
    theirs = " ".join(conflict.lines(conflict.theirs))
    yours = " ".join(conflict.lines(conflict.yours))
    assert "李四（管理员）" in theirs and "审核" in theirs
    assert "有继承公证书" in theirs and "豁免" in theirs  # what they set, in words
    assert "张三（管理员）" in yours and "现场核实，两宗均在使用" in yours
    assert "审核结论 由 已豁免 改为 已确认" in yours and "豁免代码 由 继承 改为" in yours
    conflict.resize(900, 380)
    shot = Path(os.environ.get("QJGIS_SHOTS", tmp_path)) / "conflict-dialog.png"
    assert conflict.grab().save(str(shot))

    conflict.redo_button.click()
    # applied on the version 李四 left, as one more version; the review dialog closed
    assert decision(other, fid) == ("confirmed", "现场核实，两宗均在使用", "张三", before + 2)
    wait_until(lambda: not conflict.isVisible())
    assert project.undo_stack.count() == 1  # undoable as any review
    project.undo_stack.undo()
    assert decision(other, fid)[:3] == ("exempted", "有继承公证书", "李四")
    assert other.integrity_check() == []


def test_a_beaten_review_can_be_dropped(
    qtbot: QtBot, desks: tuple[OpenProject, PgStore, int]
) -> None:
    project, other, fid = desks
    conflict = beaten_review(qtbot, project, other, fid)
    theirs = decision(other, fid)
    conflict.drop_button.click()
    assert not conflict.isVisible()
    assert decision(other, fid) == theirs  # theirs stays, nothing of mine written
    assert project.undo_stack.count() == 0
