"""Headline cards and section frames used across pages.

Threading: GUI thread only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

if TYPE_CHECKING:
    from PySide6.QtCore import QEvent


def plain_text(label: QLabel) -> QLabel:
    """``label`` shows its text as written, never read as HTML (``ui/rich_text.py``).

    Set by property name: the window's first frame makes these labels before
    anything touches PySide's ``Qt`` namespace (see docs/architecture.md).
    """
    label.setProperty("textFormat", "PlainText")
    return label


def heading(text: str, *, level: int = 2) -> QLabel:
    """A bold section heading, scaled from the application font."""
    label = QLabel(text)
    plain_text(label)
    font = label.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * {1: 1.6, 2: 1.2, 3: 1.0}[level])
    label.setFont(font)
    label.setAccessibleName(text)
    return label


ERROR_COLOUR = "#d93025"


def error_label(accessible_name: str = "Error") -> QLabel:
    """A wrapped, red label where a dialog says what is wrong with the input."""
    label = QLabel()
    plain_text(label)   # an error often quotes a name or an exchange's message
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {ERROR_COLOUR};")
    label.setAccessibleName(accessible_name)
    return label


def muted(text: str = "") -> QLabel:
    """A wrapped line in the muted colour, shown as plain text."""
    label = QLabel(text)
    plain_text(label)
    label.setWordWrap(True)
    label.setForegroundRole(label.foregroundRole())
    label.setStyleSheet("color: palette(placeholder-text);")
    return label


class RichLabel(QLabel):
    """A rich-text label whose ``palette(…)`` colours follow a light/dark switch.

    Qt resolves a ``palette(placeholder-text)`` inside rich text once, when it
    parses the text, and ``setText`` with the same text does not parse it again:
    a muted line drawn for the light theme stayed dark grey on the dark one
    (hard to read). On a palette change this label parses its text again.
    """

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        from PySide6.QtCore import Qt  # not at import, as StatCard (the first frame)

        super().__init__(text, parent)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setWordWrap(True)

    def changeEvent(self, event: QEvent) -> None:
        from PySide6.QtCore import QEvent

        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and "palette(" in self.text():
            text = self.text()
            self.setText("")
            self.setText(text)


class Card(QFrame):
    """A framed panel with a title; add content to :attr:`body`."""

    def __init__(self, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(14, 12, 14, 12)
        self.body.setSpacing(8)
        if title:
            self.title = heading(title, level=3)
            self.body.addWidget(self.title)
        self.setAccessibleName(title)


class StatCard(Card):
    """A card with one big figure and a line of detail under it."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.value = plain_text(QLabel("—"))
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 1.9)
        font.setBold(True)
        self.value.setFont(font)
        from PySide6.QtCore import Qt  # not at import: the window's first frame needs muted()

        self.value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.value.setAccessibleName(title)
        self.detail = muted()
        self.body.addWidget(self.value)
        self.body.addWidget(self.detail)
        self.body.addStretch(1)

    def set(self, value: str, detail: str = "") -> None:
        self.value.setText(value)
        self.detail.setText(detail)
        self.value.setAccessibleDescription(detail)
