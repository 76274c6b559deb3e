"""The window's conflict dialog on a shared database (issue 18): a review another desk beat
is shown with both versions; one click applies it on the current version, or it is dropped.

The real window opened on the database as the login `zhangsan` (File ▸ Open database does
the same), its findings dock and review dialog; the other desk is the login `lisi`,
reviewing the same finding meanwhile through the engine in its own session.
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
from tests.qjgis.pg.test_pg_concurrency import as_login, prepared
from tests.ui.gui.waiting import wait_until
from ui.gui.app_settings import AppSettings
from ui.gui.dialogs.conflict import ConflictDialog
from ui.gui.dialogs.review import ReviewDialog
from ui.gui.main_window import MainWindow
from ui.presenters import words

pytestmark = pytest.mark.gui


@pytest.fixture
def desks(pg_url: str, tmp_path: Path, qtbot: QtBot) -> Iterator[tuple[MainWindow, PgStore]]:
    """The window on the database as zhangsan, and lisi's desk beside it."""
    words.set_language("zh")
    prepared(pg_url, tmp_path)
    window = MainWindow(AppSettings(path=str(tmp_path / "settings.ini")))
    qtbot.addWidget(window)
    window.workbench.ask_user = False
    window.resize(1300, 850)
    window.show()
    assert window.open_project(as_login(pg_url, "zhangsan"))
    other = PgStore.open(as_login(pg_url, "lisi"))
    yield window, other
    window.close_project()
    other.close()


def settled(window: MainWindow) -> None:
    project = window.workbench.project
    wait_until(lambda: project is None or not project.tasks.running)
    wait_until(lambda: not window.workbench.findings_dock.loading)


def beaten_review(window: MainWindow, other: PgStore) -> tuple[ConflictDialog, int]:
    """zhangsan opens a review from the findings dock (version v), lisi exempts the same
    finding meanwhile, zhangsan saves."""
    settled(window)
    dock = window.workbench.findings_dock
    dock.set_filters(rule="QJ-R001", decision="pending")
    settled(window)
    dock.view.selectRow(0)
    dock.view.doubleClicked.emit(dock.model.index(0, 0))
    dialog = window.findChild(ReviewDialog, "dialog_review")
    assert dialog is not None and dialog.isVisible()
    fid, seen = dialog.record.fid, dialog.record.row_version
    commands.run(other, Review(fid, "exempted", "有继承公证书", expected_version=seen,
                               exemption="inheritance"))  # fmt: skip
    dialog.set_decision("confirmed", "现场核实，两宗均在使用")
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    conflict = dialog.findChild(ConflictDialog, "dialog_conflict")
    assert conflict is not None and conflict.isVisible()
    assert dialog.isVisible()  # nothing saved yet: the review stays open behind it
    return conflict, fid


def decision(store: PgStore, fid: int) -> tuple:
    return store.execute_sql(
        "SELECT decision, decision_reason, decided_by, row_version FROM findings WHERE fid = ?",
        (fid,),
    )[0]


def test_a_beaten_review_shows_both_versions_and_applies_mine_in_one_click(
    qtbot: QtBot, desks: tuple[MainWindow, PgStore], tmp_path: Path
) -> None:
    window, other = desks
    conflict, fid = beaten_review(window, other)
    before = decision(other, fid)[3]  # the version lisi's review made
    assert conflict.windowTitle() == "修改冲突"
    intro = conflict.findChild(QLabel, "label_intro").text()
    assert f"核查结果 {fid} 已被他人修改" in intro and f"现为版本 {before}" in intro
    theirs = " ".join(conflict.lines(conflict.theirs))
    yours = " ".join(conflict.lines(conflict.yours))
    assert "lisi（管理员）" in theirs and "审核" in theirs
    assert "审核理由 由 （空） 改为 有继承公证书" in theirs and "改为 已豁免" in theirs
    assert "zhangsan（管理员）" in yours and "现场核实，两宗均在使用" in yours
    assert "审核结论 由 已豁免 改为 已确认" in yours and "豁免代码 由 继承 改为" in yours
    conflict.resize(900, 380)
    shots = Path(os.environ.get("QJGIS_SHOTS", tmp_path))
    assert conflict.grab().save(str(shots / "conflict-dialog.png"))
    assert window.grab().save(str(shots / "conflict-window.png"))

    conflict.redo_button.click()
    # applied on the version lisi left, as one more version; the review dialog closed
    assert decision(other, fid) == ("confirmed", "现场核实，两宗均在使用", "zhangsan", before + 1)
    wait_until(lambda: not conflict.isVisible())
    assert window.findChild(ReviewDialog, "dialog_review").isHidden()
    window.workbench.action_undo.trigger()  # undoable as any review: lisi's comes back
    assert decision(other, fid)[:3] == ("exempted", "有继承公证书", "lisi")
    assert other.integrity_check() == []


def test_a_beaten_review_can_be_dropped(qtbot: QtBot, desks: tuple[MainWindow, PgStore]) -> None:
    window, other = desks
    conflict, fid = beaten_review(window, other)
    theirs = decision(other, fid)
    conflict.drop_button.click()
    assert not conflict.isVisible()
    assert decision(other, fid) == theirs  # theirs stays, nothing of mine written
    assert not window.workbench.action_undo.isEnabled()


def test_a_case_action_another_desk_beat_shows_their_change(
    qtbot: QtBot, desks: tuple[MainWindow, PgStore]
) -> None:
    """The cases panel's action on a case lisi moved on meanwhile (the version zhangsan saw
    goes with it): the conflict dialog names lisi's change; dropped, lisi's stays."""
    from qjgis.cases.allowed import Allowed
    from qjgis.cases.commands import AdvanceCase
    from ui.gui import case_operations as ops

    window, other = desks
    project = window.workbench.project
    assert project is not None
    seen = ops.case_row(project, "R1")
    commands.run(other, AdvanceCase("R1", to="cancelled", note="重复立案",
                                    expected_version=seen["row_version"]))  # fmt: skip
    cancel = Allowed("advance", "已撤销", needs=("note",))
    assert not ops.run_action(project, cancel, case="R1", note="户主已拆除", parent=window,
                              expected_version=seen["row_version"])  # fmt: skip
    conflict = window.findChild(ConflictDialog, "dialog_conflict")
    assert conflict is not None and conflict.isVisible()
    theirs = " ".join(conflict.lines(conflict.theirs))
    assert "lisi（管理员）" in theirs and "由 待处置 改为 已撤销" in theirs
    assert "残垣断壁整治案件 R1" in conflict.findChild(QLabel, "label_intro").text()
    conflict.drop_button.click()
    row = other.execute_sql("SELECT state, row_version FROM ruin_cases WHERE fid = 1")[0]
    assert row == ("已撤销", seen["row_version"] + 1)
