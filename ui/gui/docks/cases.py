"""整治案件 panel: the ruin and renovation cases of the selected building, parcel or
household, what may be done with each now (buttons; impossible ones disabled with the
reason in words, and an approver's override), its evidence and its history.

The panel asks the engine's allowed-actions query, so a clerk sees a refusal's reason
before trying; every change goes through `case_operations` and the undo stack.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSignalBlocker, QSize, Qt, QUrl
from PySide6.QtGui import QDesktopServices, QDragEnterEvent, QDropEvent, QIcon, QPixmap
from PySide6.QtWidgets import (
    QDockWidget,
    QGridLayout,
    QGroupBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from qjgis.cases.allowed import Allowed
from qjgis.commands import Changes
from qjgis.errors import QjgisError
from ui.gui import case_operations as ops
from ui.gui.dialogs.case_action import CaseActionDialog
from ui.gui.project import OpenProject
from ui.presenters.cases import action_words, reason_words, state_text
from ui.presenters.words import t
from ui.texts import value_text

CASE_TABLES = frozenset({"ruin_cases", "renovation_cases", "case_events", "attachments"})
IMAGE_TYPES = ("image/jpeg", "image/png", "image/tiff", "image/bmp", "image/webp")


class CasesDock(QDockWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(t("casegui.title"), parent)
        self.setObjectName("dock_cases")
        self.setAcceptDrops(True)
        self.project: OpenProject | None = None
        self.subject: ops.Subject | None = None
        self.as_of: dt.date | None = None  # None: today
        self.rows: list[dict[str, Any]] = []
        self.items: list[Allowed] = []
        self.buttons: list[QPushButton] = []
        self.dialog: CaseActionDialog | None = None
        body = QWidget(self)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(4, 4, 4, 4)
        self.title = QLabel(t("casegui.hint"), body)
        self.title.setObjectName("cases_title")
        self.title.setWordWrap(True)
        layout.addWidget(self.title)
        self.tree = QTreeWidget(body)
        self.tree.setObjectName("tree_cases")
        self.tree.setRootIsDecorated(False)
        self.tree.setMaximumHeight(120)  # a building has one or two cases, a household a few
        self.tree.setHeaderLabels([t(f"casegui.col_{c}") for c in _CASE_COLUMNS])
        self.tree.currentItemChanged.connect(lambda *_: self._show_actions())
        layout.addWidget(self.tree)
        self.actions_box = QGroupBox(t("allowed"), body)
        self.actions_box.setObjectName("box_case_actions")
        self.actions_grid = QGridLayout(self.actions_box)
        layout.addWidget(self.actions_box)
        split = QSplitter(Qt.Orientation.Vertical, body)
        history_box = QGroupBox(t("history"), split)
        QVBoxLayout(history_box).setContentsMargins(2, 2, 2, 2)
        self.history = QTreeWidget(history_box)
        self.history.setObjectName("tree_case_history")
        self.history.setRootIsDecorated(False)
        self.history.setHeaderLabels([t(f"casegui.hist_{c}") for c in _HISTORY_COLUMNS])
        history_box.layout().addWidget(self.history)
        files_box = QGroupBox(t("casegui.files"), split)
        QVBoxLayout(files_box).setContentsMargins(2, 2, 2, 2)
        self.files = QListWidget(files_box)
        self.files.setObjectName("list_case_attachments")
        self.files.setViewMode(QListWidget.ViewMode.IconMode)
        self.files.setIconSize(QSize(64, 64))
        self.files.setToolTip(t("casegui.drop_hint"))
        self.files.itemDoubleClicked.connect(self._open_file)
        files_box.layout().addWidget(self.files)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        layout.addWidget(split, 1)
        self.setWidget(body)

    # ------------------------------------------------------------ project
    def set_project(self, project: OpenProject | None) -> None:
        if self.project is not None:
            with contextlib.suppress(RuntimeError, TypeError):
                self.project.changed.disconnect(self._changed)
        self.project = project
        self.subject = None
        if project is not None:
            project.changed.connect(self._changed)
        self.refresh()

    def _changed(self, changes: Changes) -> None:
        if CASE_TABLES & changes.tables or changes.settings:
            self.refresh()

    def show_subject(self, subject: ops.Subject | None) -> None:
        self.subject = subject
        self.refresh()

    def show_feature(self, layer: str, fid: int) -> None:
        """The cases of a map feature (a building or a parcel)."""
        if self.project is None:
            return
        self.show_subject(ops.subject_of(self.project, layer, fid))

    def show_household(self, household_no: str) -> None:
        self.show_subject(ops.Subject("households", household_no))

    # ------------------------------------------------------------ reading
    def today(self) -> dt.date:
        return self.as_of or dt.date.today()

    def current_case(self) -> str | None:
        item = self.tree.currentItem()
        return item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None

    def refresh(self) -> None:
        # The tree's currentItemChanged would ask the engine what is allowed on clear()
        # and again on setCurrentItem(); _show_actions below asks once (the first case
        # panel on a district spent half its 80 ms doing it twice).
        with QSignalBlocker(self.tree):
            self._fill_tree()
        self._show_actions()

    def _fill_tree(self) -> None:
        keep = self.current_case()
        self.tree.clear()
        self.rows = []
        if self.project is None or self.subject is None:
            self.title.setText(t("casegui.hint"))
            return
        s = self.subject
        self.title.setText(t(f"casegui.subject_{s.layer}", key=s.key))
        self.rows = ops.cases_of(self.project, s, self.today())
        current: QTreeWidgetItem | None = None
        for row in self.rows:
            item = QTreeWidgetItem([_case_cell(row, c) for c in _CASE_COLUMNS])
            item.setData(0, Qt.ItemDataRole.UserRole, row["id"])
            if row["overdue"]:
                item.setForeground(_CASE_COLUMNS.index("overdue"), Qt.GlobalColor.red)
            self.tree.addTopLevelItem(item)
            if row["id"] == keep or current is None:
                current = item
        for i in range(self.tree.columnCount()):
            self.tree.resizeColumnToContents(i)
        if current is not None:
            self.tree.setCurrentItem(current)

    # ------------------------------------------------------------ actions
    def _clear_actions(self) -> None:
        while self.actions_grid.count():
            w = self.actions_grid.takeAt(0).widget()
            if w is not None:
                w.hide()
                w.setParent(None)  # gone from findChild now, deleted when Qt is idle
                w.deleteLater()
        self.buttons = []

    def _show_actions(self) -> None:
        self._clear_actions()
        self.history.clear()
        self.files.clear()
        self.items = []
        if self.project is None or self.subject is None:
            return
        case = self.current_case()
        targets: list[str | None] = []
        try:
            if case is not None:
                # once disposed (or closed) the four dispositions are no choice left:
                # the panel drops them; `case show` still lists them with the reason
                self.items = [
                    a
                    for a in ops.allowed_for_case(self.project, case)
                    if not (a.action == "dispose" and _settled(a))
                ]
                targets = [None] * len(self.items)
            for code in ops.buildings_of(self.project, self.subject):
                opening = ops.allowed_for_building(self.project, code)
                if case is not None:  # a case is open: offer only what else may be opened
                    opening = [a for a in opening if a.possible]
                self.items += opening
                targets += [code] * len(opening)
        except QjgisError as exc:  # a building removed meanwhile: say so, not a traceback
            ops.show_error(self, exc)
            return
        override = ops.may_override(self.project)
        for row, (item, bdcdyh) in enumerate(zip(self.items, targets, strict=True)):
            label = action_words(item)
            if bdcdyh is not None and len(set(targets) - {None}) > 1:
                label = f"{label}（{bdcdyh[-9:]}）"
            button = QPushButton(label, self.actions_box)
            button.setObjectName(f"button_case_{item.action}_{row}")
            button.setEnabled(item.possible)
            button.clicked.connect(
                lambda _=False, a=item, b=bdcdyh: self.start(a, case=case, bdcdyh=b)
            )
            self.buttons.append(button)
            self.actions_grid.addWidget(button, row, 0)
            if not item.possible:
                why = QLabel("；".join(reason_words(e) for e in item.reasons), self.actions_box)
                why.setObjectName(f"label_case_reason_{row}")
                why.setWordWrap(True)
                why.setStyleSheet("color: #8a3b12")
                button.setToolTip(why.text())
                self.actions_grid.addWidget(why, row, 1)
                if item.overridable and override:
                    over = QPushButton(t("casegui.override"), self.actions_box)
                    over.setObjectName(f"button_case_override_{row}")
                    over.clicked.connect(
                        lambda _=False, a=item, b=bdcdyh: self.start(
                            a, case=case, bdcdyh=b, override=True
                        )
                    )
                    self.actions_grid.addWidget(over, row, 2)
        self.actions_grid.setColumnStretch(1, 1)
        if case is not None:
            self._show_history(case)

    def button_for(self, action: str, target: str | None = None) -> QPushButton:
        """The button of an action (tests and keyboard users find it by its words)."""
        for item, button in zip(self.items, self.buttons, strict=True):
            if item.action == action and item.target == target:
                return button
        raise KeyError((action, target))

    def reason_for(self, action: str, target: str | None = None) -> str:
        for row, item in enumerate(self.items):
            if item.action == action and item.target == target:
                label = self.findChild(QLabel, f"label_case_reason_{row}")
                return label.text() if label is not None else ""
        raise KeyError((action, target))

    def start(
        self,
        item: Allowed,
        *,
        case: str | None,
        bdcdyh: str | None,
        override: bool = False,
        files: list[str] | None = None,
    ) -> CaseActionDialog | None:
        """Open the action's dialog; on OK run it through the undo stack."""
        if self.project is None:
            return None
        row = next((r for r in self.rows if r["id"] == case), None)
        dialog = CaseActionDialog(
            item,
            case or bdcdyh or "",
            override=override,
            today=self.today(),
            approved=row.get("subsidy") if row else None,
            paid=row.get("paid") if row else None,
            parent=self,
        )
        if files:
            dialog.add_files(files)
        project = self.project

        # the version the clerk saw: a case another desk moved on since is refused (issue 18)
        seen = row.get("row_version") if row else None

        def done() -> None:
            ops.run_action(project, item, case=case, bdcdyh=bdcdyh, parent=self,
                           expected_version=seen, **dialog.values())  # fmt: skip
            self.refresh()

        dialog.accepted.connect(done)
        self.dialog = dialog
        dialog.open()
        return dialog

    # ------------------------------------------------------------ history and evidence
    def _show_history(self, case: str) -> None:
        assert self.project is not None
        kind = "ruin" if case.startswith("R") else "renovation"
        for e in ops.history(self.project, case):
            move = ""
            if e["to_state"]:
                move = f"{state_text(kind, e['from_state'])} → {state_text(kind, e['to_state'])}"
            if e["amount"] is not None:
                move = f"{move} {e['amount']:+,.2f} {t('casegui.yuan')}".strip()
            note = e["note"] or ""
            if e["override_reason"]:
                note = f"{note} [{t('override')}: {e['override_reason']}]".strip()
            cells = [
                e["event_date"],
                t(f"case_action.{e['action']}"),
                move,
                e["user"] or "",
                value_text(e["role"], "role"),
                note,
                str(len(e["evidence"])) if e["evidence"] else "",
            ]
            self.history.addTopLevelItem(QTreeWidgetItem(cells))
        for i in range(self.history.columnCount()):
            self.history.resizeColumnToContents(i)
        for a in ops.files_of(self.project, case):
            item = QListWidgetItem(a["file_name"])
            item.setData(Qt.ItemDataRole.UserRole, a["path"])
            if a["missing"]:
                item.setText(f"{a['file_name']}（{t('missing')}）")
                item.setForeground(Qt.GlobalColor.gray)
            elif a["media_type"] in IMAGE_TYPES:
                pix = QPixmap(str(a["path"]))
                if not pix.isNull():
                    item.setIcon(QIcon(pix.scaled(64, 64, Qt.AspectRatioMode.KeepAspectRatio)))
            self.files.addItem(item)

    def _open_file(self, item: QListWidgetItem) -> None:
        path = item.data(Qt.ItemDataRole.UserRole)
        if path and Path(path).exists():
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and self.current_case() is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        self.drop_files(paths)
        event.acceptProposedAction()

    def drop_files(self, paths: list[str]) -> CaseActionDialog | None:
        """Photos or scans dropped on the panel: the attach dialog, with them listed."""
        case = self.current_case()
        attach = next((a for a in self.items if a.action == "attach"), None)
        if case is None or attach is None or not paths:
            return None
        return self.start(attach, case=case, bdcdyh=None, files=paths)


def _settled(item: Allowed) -> bool:
    return any(e.code in ("case_already_disposed", "case_closed") for e in item.reasons)


_CASE_COLUMNS = ("case", "kind", "disposition", "state", "deadline", "overdue", "subsidy", "paid")
_HISTORY_COLUMNS = ("date", "action", "change", "user", "role", "note", "files")


def _case_cell(row: dict[str, Any], column: str) -> str:
    if column == "case":
        return row["id"]
    if column == "kind":
        return value_text(row["kind"], "case_kind")
    if column == "disposition":
        d = row.get("disposition")
        return (
            value_text(d, "disposition")
            if d
            else ("" if row["kind"] != "ruin" else t("undisposed"))
        )
    if column == "state":
        return state_text(row["kind"], row["state"])
    if column == "deadline":
        return row.get("deadline") or ""
    if column == "overdue":
        return t("overdue") if row["overdue"] else ""
    if column == "subsidy":
        return f"{row['subsidy']:,.0f}" if row.get("subsidy") is not None else ""
    if column == "paid":
        return f"{row['paid']:,.0f}" if row.get("paid") is not None else ""
    return ""
