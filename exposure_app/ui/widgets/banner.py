"""The in-window message banner: plain-language errors and notices.

Messages are shown in the window instead of modal boxes, so a burst of
failures never becomes a storm of dialogs: identical messages are merged,
at most :data:`MAX_SHOWN` are listed, and each can be dismissed.

Threading: GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

MAX_SHOWN = 4
_STYLES = {
    "error": ("#fdecea", "#8c1d18", "#d93025"),
    "warning": ("#fff4e5", "#7a4a00", "#e8710a"),
    "info": ("#e8f0fe", "#174ea6", "#5b7fa6"),
}


class _Message(QFrame):
    dismissed = Signal(str)

    def __init__(self, key: str, text: str, kind: str) -> None:
        super().__init__()
        bg, fg, edge = _STYLES.get(kind, _STYLES["info"])
        self.setStyleSheet(
            f"QFrame {{ background: {bg}; border-left: 4px solid {edge}; border-radius: 3px; }}"
            f"QLabel {{ color: {fg}; border: none; }}"
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        self.label = QLabel(text)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QToolButton()
        close.setText("✕")
        close.setAutoRaise(True)
        close.setAccessibleName("Dismiss message")
        close.clicked.connect(lambda: self.dismissed.emit(key))
        layout.addWidget(self.label, 1)
        layout.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self.setAccessibleName(f"{kind} message")
        self.setAccessibleDescription(text)


class MessageBanner(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(4)
        self._messages: dict[str, _Message] = {}
        self.setVisible(False)

    def show_message(self, text: str, kind: str = "error", key: str | None = None) -> None:
        """Show ``text``; a message with the same ``key`` (default: the text) is replaced."""
        key = key or text
        old = self._messages.pop(key, None)
        if old is not None:
            old.deleteLater()
        if len(self._messages) >= MAX_SHOWN:
            oldest = next(iter(self._messages))
            self.dismiss(oldest)
        message = _Message(key, text, kind)
        message.dismissed.connect(self.dismiss)
        self._messages[key] = message
        self._layout.addWidget(message)
        self.setVisible(True)

    def dismiss(self, key: str) -> None:
        message = self._messages.pop(key, None)
        if message is not None:
            message.setParent(None)
            message.deleteLater()
        self.setVisible(bool(self._messages))

    def messages(self) -> list[str]:
        return [m.label.text() for m in self._messages.values()]
