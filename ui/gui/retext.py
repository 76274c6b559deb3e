"""Switching the language while the window runs: every text on screen said again.

The window's texts are set once, from the catalogue, when each widget is built
(dozens of widgets across the docks and dialogs). Rather than a `retranslateUi`
in each of them, the switch walks every widget and action and recognises each
text as a catalogue entry in the old language: a plain text by equality, a text
with placeholders (`{n} 行`, `撤销导入批次 {batch}（{layer}）`) by a pattern made
from its template, whose captured values are said again too when they are
catalogue texts themselves (a decision's name inside a sentence). What matches
is written in the new language; what does not (names, codes, numbers, what the
user typed) stays. Views over models ask the catalogue when they paint, so they
are repainted; docks that word their rows once are refreshed by the caller.
"""

from __future__ import annotations

import logging
import re
import string
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QMenu,
    QPlainTextEdit,
    QTableWidget,
    QTabWidget,
    QTreeWidget,
    QWidget,
)

from ui import texts

log = logging.getLogger(__name__)
_FIELD = string.Formatter()
_HORIZONTAL = Qt.Orientation.Horizontal
_VERTICAL = Qt.Orientation.Vertical


@dataclass
class Translator:
    """Texts of one language (`old`) said in another (`new`)."""

    old: str
    new: str
    plain: dict[str, str] = field(default_factory=dict)
    patterns: list[tuple[re.Pattern[str], str]] = field(default_factory=list)

    @classmethod
    def between(cls, old: str, new: str) -> Translator:
        me = cls(old, new)
        for zh, en in texts.CATALOGUE.values():
            src, dst = (zh, en) if old == "zh" else (en, zh)
            if "{" not in src:
                me.plain.setdefault(src, dst)
                continue
            made = _pattern(src, dst)
            if made is not None:
                me.patterns.append(made)
        # The most specific templates first: "{n} 行" must not take what a longer one says.
        me.patterns.sort(key=lambda p: -len(re.sub(r"\(\?P<\w+>\.\+\?\)|\\.", "", p[0].pattern)))
        return me

    def __call__(self, text: str) -> str:
        """`text` in the new language, or unchanged when it is not a catalogue text."""
        if not text:
            return text
        if (plain := self.plain.get(text)) is not None:
            return plain
        for pattern, template in self.patterns:
            m = pattern.fullmatch(text)
            if m is not None:
                values = {k: self.plain.get(v, v) for k, v in m.groupdict().items()}
                try:
                    return template.format_map(values)
                except (KeyError, ValueError, IndexError):
                    return text
        return text


def _pattern(src: str, dst: str) -> tuple[re.Pattern[str], str] | None:
    """A regular expression recognising `src` filled in, and `dst` ready to fill with the
    captured strings (format specs dropped: the values are already formatted)."""
    regex, seen = [], set()
    try:
        parts = list(_FIELD.parse(src))
        dst_parts = list(_FIELD.parse(dst))
    except ValueError:
        return None
    for literal, name, _spec, _conv in parts:
        regex.append(re.escape(literal))
        if name is None:
            continue
        if not name.isidentifier():
            return None
        if name in seen:
            regex.append(f"(?P={name})")
        else:
            seen.add(name)
            regex.append(f"(?P<{name}>.+?)")
    if not seen or not "".join(p[0] for p in parts).strip():
        return None  # a bare "{x}" would match anything
    out = []
    for literal, name, _spec, _conv in dst_parts:
        out.append(literal.replace("{", "{{").replace("}", "}}"))
        if name is not None:
            if name not in seen:
                return None
            out.append("{" + name + "}")
    return re.compile("".join(regex), re.DOTALL), "".join(out)


def _set(get: Callable[[], str], put: Callable[[str], None], say: Translator) -> None:
    old = get()
    new = say(old)
    if new != old:
        put(new)


def retext(roots: Iterable[QWidget], say: Translator) -> None:
    """Say again, in the new language, every text under `roots` that is a catalogue text."""
    seen: set[int] = set()
    for root in roots:
        for w in [root, *root.findChildren(QWidget)]:
            if id(w) in seen:
                continue
            seen.add(id(w))
            try:
                _widget(w, say)
            except Exception:  # one widget left in the old words, not a half-switched window
                log.exception("could not say %s again", w.objectName() or type(w).__name__)
        for action in root.findChildren(QAction):
            if id(action) in seen:
                continue
            seen.add(id(action))
            _set(action.text, action.setText, say)
            _set(action.iconText, action.setIconText, say)
            _set(action.toolTip, action.setToolTip, say)
            _set(action.statusTip, action.setStatusTip, say)


def _widget(w: QWidget, say: Translator) -> None:
    _set(w.windowTitle, w.setWindowTitle, say)
    _set(w.toolTip, w.setToolTip, say)
    if isinstance(w, QLabel | QAbstractButton):
        _set(w.text, w.setText, say)
    elif isinstance(w, QGroupBox | QMenu):
        _set(w.title, w.setTitle, say)
    elif isinstance(w, QLineEdit | QPlainTextEdit):
        _set(w.placeholderText, w.setPlaceholderText, say)
    elif isinstance(w, QComboBox):
        for i in range(w.count()):
            _set(lambda i=i: w.itemText(i), lambda s, i=i: w.setItemText(i, s), say)
    elif isinstance(w, QTabWidget):
        for i in range(w.count()):
            _set(lambda i=i: w.tabText(i), lambda s, i=i: w.setTabText(i, s), say)
    if isinstance(w, QListWidget):
        for i in range(w.count()):
            item = w.item(i)
            _set(item.text, item.setText, say)
    elif isinstance(w, QTableWidget):
        for c in range(w.columnCount()):
            if (h := w.horizontalHeaderItem(c)) is not None:
                _set(h.text, h.setText, say)
        for r in range(w.rowCount()):
            for c in range(w.columnCount()):
                if (item := w.item(r, c)) is not None:
                    _set(item.text, item.setText, say)
    elif isinstance(w, QTreeWidget):
        head = w.headerItem()
        for c in range(w.columnCount()):
            _set(lambda c=c: head.text(c), lambda s, c=c: head.setText(c, s), say)
        stack = [w.topLevelItem(i) for i in range(w.topLevelItemCount())]
        while stack:
            item = stack.pop()
            for c in range(w.columnCount()):
                _set(
                    lambda c=c, it=item: it.text(c),
                    lambda s, c=c, it=item: it.setText(c, s),
                    say,
                )
            stack += [item.child(i) for i in range(item.childCount())]
    item_widget = isinstance(w, QListWidget | QTableWidget | QTreeWidget)  # done above
    if isinstance(w, QAbstractItemView) and not item_widget and w.model() is not None:
        # Models word their cells and headers when asked (at paint): ask again.
        model = w.model()
        for orientation, count in (
            (_HORIZONTAL, model.columnCount(QModelIndex())),
            (_VERTICAL, model.rowCount(QModelIndex())),
        ):
            if count:
                model.headerDataChanged.emit(orientation, 0, count - 1)
        w.viewport().update()


def switch_language(lang: str, roots: Iterable[QWidget] | None = None) -> bool:
    """Make `lang` the language of the catalogue and of Qt's own dialogs, and say every
    text on screen again; False when it already was the language."""
    from ui.gui.qt_i18n import install_qt_translator

    old = texts.language()
    new = texts.normalise_language(lang)
    if new is None:
        raise ValueError(f"unknown language {lang!r}")
    if new == old:
        return False
    texts.set_language(new)
    app = QApplication.instance()
    if app is not None:
        install_qt_translator(app, new)  # type: ignore[arg-type]
    widgets = list(roots) if roots is not None else QApplication.topLevelWidgets()
    retext(widgets, Translator.between(old, new))
    return True
