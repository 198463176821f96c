"""A push button with one of the app's line icons, its accessible name and its slot.

Threading: GUI thread only.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QPushButton

from exposure_app.ui.icons import action_icon


def action_button(icon: str, text: str, slot: Callable[[], object]) -> QPushButton:
    """``text`` may end in "…" (opens a dialog); the accessible name leaves it out."""
    button = QPushButton(action_icon(icon), text)
    button.setAccessibleName(text.rstrip("…"))
    button.clicked.connect(slot)
    return button
