"""Ctrl+F (the platform's Find key) on a page with a filter field: the field takes the focus.

The Holdings filter and the Events search are the first thing a keyboard user
looks for on those pages; without a shortcut they were a long run of Tab
presses away.

Threading: GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLineEdit, QWidget


def find_shortcut(page: QWidget, field: QLineEdit) -> QAction:
    """Make Find (Ctrl+F) on ``page`` focus ``field`` and select its text; returns the action."""
    action = QAction("Find", page)
    action.setShortcut(QKeySequence.StandardKey.Find)
    action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

    def focus() -> None:
        field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        field.selectAll()

    action.triggered.connect(focus)
    page.addAction(action)
    tip = field.toolTip() or field.placeholderText().rstrip("…")
    field.setToolTip(f"{tip} ({action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)})")
    return action
