"""Buttons with the app's line icons: a push button, a button for a QAction, a menu button.

Threading: GUI thread only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QSize
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QPushButton, QStyle, QToolButton, QWidget

from exposure_app.ui.icons import action_icon


def action_button(icon: str, text: str, slot: Callable[[], object]) -> QPushButton:
    """``text`` may end in "…" (opens a dialog); the accessible name leaves it out."""
    button = QPushButton(action_icon(icon), text)
    button.setAccessibleName(text.rstrip("…"))
    button.setProperty("icon_name", icon)   # the window redraws it when the palette changes
    button.clicked.connect(slot)
    return button


def icon_action(icon: str, text: str, slot: Callable[[], object], parent: QWidget) -> QAction:
    """A QAction for a command shown in several places (a button, a menu, a context menu).

    The places share the action's enabled state, so it is set once.
    """
    action = QAction(action_icon(icon), text, parent)
    action.setProperty("icon_name", icon)   # the window redraws it when the palette changes
    action.triggered.connect(lambda _checked=False: slot())
    return action


def action_tool_button(action: QAction) -> QToolButton:
    """A framed button that shows ``action`` (text beside the icon) and follows its state."""
    button = QToolButton()
    button.setDefaultAction(action)
    button.setToolButtonStyle(button.toolButtonStyle().ToolButtonTextBesideIcon)
    button.setAccessibleName(action.text().rstrip("…"))
    return button


class MenuToolButton(QToolButton):
    """A tool button whose menu arrow has room of its own.

    The style draws the arrow of an instant-popup button inside the button's text
    area, over the last letter ("Mor⌄"); this button is that much wider, so the
    centred text clears it. Narrower than a push button with a menu, which a
    crowded bar at 1024 px could not afford.
    """

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        arrow = self.style().pixelMetric(QStyle.PixelMetric.PM_MenuButtonIndicator, None, self)
        return QSize(hint.width() + arrow, hint.height())

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()


def menu_button(text: str, actions: Iterable[QAction], parent: QWidget) -> QToolButton:
    """A button opening a menu of less frequent commands; disabled when all of them are."""
    menu = QMenu(parent)
    actions = list(actions)
    menu.addActions(actions)
    button = MenuToolButton()
    button.setText(text)
    button.setAccessibleName(text)
    button.setMenu(menu)
    button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)

    def follow() -> None:
        button.setEnabled(any(a.isEnabled() for a in actions))

    for action in actions:
        action.changed.connect(follow)
    follow()
    return button
