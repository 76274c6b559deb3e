"""The conflict dialog: an edit refused because another desk changed the row first.

Shows both versions side by side: theirs (saved: who, when, which attributes from what
to what, read from the audit log by the engine) and yours (not saved: who, what it would
set). One click applies yours on the current version (the same edit again, based on the
version the database holds now); the other drops it. Non-modal, as the window's other
dialogs: the map and the docks stay usable while the clerk compares.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from qjgis.errors import QjgisError
from ui.presenters.words import t
from ui.texts import conflicts


def _now() -> str:
    import datetime as dt

    return dt.datetime.now().strftime("%Y-%m-%d %H:%M:%S")


def is_explained_conflict(error: BaseException) -> bool:
    return (
        isinstance(error, QjgisError)
        and error.code == "write_conflict"
        and isinstance(error.params.get("theirs"), dict)
    )


class ConflictDialog(QDialog):
    #: "redo" (yours applied on the current version) or "drop"
    resolved = Signal(str)

    def __init__(
        self,
        error: QjgisError,
        yours: Sequence[Sequence[Any]],
        who: tuple[str, str],
        redo: Callable[[int], bool],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("dialog_conflict")
        self.setWindowTitle(t("conflict.title"))
        self.error = error
        self._redo = redo
        p = error.params
        table, fid = str(p["table"]), int(p["fid"])
        self.current_version = int(p["found"])
        layout = QVBoxLayout(self)
        intro = QLabel(
            t(
                "conflict.intro",
                entity=conflicts.entity_text(table, fid),
                expected=p["expected"],
                found=p["found"],
            )
        )
        intro.setWordWrap(True)
        intro.setObjectName("label_intro")
        layout.addWidget(intro)

        sides = QHBoxLayout()
        blocks = conflicts.change_blocks(table, p["theirs"])
        self.theirs = self._side(
            "group_theirs", t("conflict.theirs"), [line for b in blocks for line in b]
        )
        user, role = who
        mine = [t("conflict.yours_by", user=user, role=t(f"role.{role}"), time=_now())]
        mine += conflicts.field_lines(table, [list(f) for f in yours])
        self.yours = self._side("group_yours", t("conflict.yours"), mine)
        sides.addWidget(self.theirs)
        sides.addWidget(self.yours)
        layout.addLayout(sides)

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.redo_button = QPushButton(t("conflict.redo"))
        self.redo_button.setObjectName("button_redo")
        self.drop_button = QPushButton(t("conflict.drop"))
        self.drop_button.setObjectName("button_drop")
        buttons.addWidget(self.redo_button)
        buttons.addWidget(self.drop_button)
        layout.addLayout(buttons)
        self.redo_button.clicked.connect(self.apply_mine)
        self.drop_button.clicked.connect(self.drop_mine)
        self.redo_button.setDefault(True)
        self.resize(760, self.sizeHint().height())

    @staticmethod
    def _side(name: str, title: str, lines: Sequence[str]) -> QGroupBox:
        box = QGroupBox(title)
        box.setObjectName(name)
        inner = QVBoxLayout(box)
        for line in lines:
            label = QLabel(line)
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            inner.addWidget(label)
        inner.addStretch(1)
        return box

    def lines(self, side: QGroupBox) -> list[str]:
        return [w.text() for w in side.findChildren(QLabel)]

    def apply_mine(self) -> None:
        """Yours again, on the version the database holds now. Refused again (a third
        desk meanwhile), the operation shows a new conflict; this one closes either way."""
        self.setEnabled(False)
        try:
            done = self._redo(self.current_version)
        finally:
            self.setEnabled(True)
        self.resolved.emit("redo" if done else "failed")
        self.accept()

    def drop_mine(self) -> None:
        self.resolved.emit("drop")
        self.reject()


def show_conflict(
    parent: QWidget | None,
    error: BaseException,
    yours: Sequence[Sequence[Any]],
    who: tuple[str, str],
    redo: Callable[[int], bool],
) -> ConflictDialog | None:
    """The conflict dialog for an explained `write_conflict` (None for any other error)."""
    if not is_explained_conflict(error):
        return None
    assert isinstance(error, QjgisError)
    dialog = ConflictDialog(error, yours, who, redo, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
