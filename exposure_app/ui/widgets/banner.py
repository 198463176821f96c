"""The window's one notice area: the newest message, the rest in a log.

Messages are shown in the window instead of modal boxes, so a burst of
failures never becomes a storm of dialogs. Only the newest message is shown,
on one row, so notices never eat the page's height (three stacked banners
took 120 px and left the checklist three rows at 1024x640):

* a message that needs an answer (``sticky``; by default every ``error``,
  since the user has something to fix) stays until dismissed;
* any other message dismisses itself after :data:`AUTO_DISMISS_MS`;
* every message goes to the log (newest last, at most :data:`LOG_SIZE`),
  which the "Messages" button opens; identical messages (same ``key``) are
  merged in the log.

Threading: GUI thread only. The dismiss timer runs only while the notice is
shown and is stopped when the area is hidden (the window closes).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from exposure_app.ui.rich_text import plain

AUTO_DISMISS_MS = 8000
LOG_SIZE = 200
_STYLES = {
    "error": ("#fdecea", "#8c1d18", "#d93025"),
    "warning": ("#fff4e5", "#7a4a00", "#e8710a"),
    "info": ("#e8f0fe", "#174ea6", "#5b7fa6"),
}


@dataclass(frozen=True, slots=True)
class Notice:
    key: str
    text: str
    kind: str
    sticky: bool
    at: datetime


class MessageBanner(QFrame):
    """See the module docstring. ``dismissed`` carries the key of the notice taken down."""

    dismissed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("noticeArea")
        self._log: OrderedDict[str, Notice] = OrderedDict()
        self._current: Notice | None = None
        self._waiting: OrderedDict[str, Notice] = OrderedDict()   # sticky, not yet dismissed
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 4, 4, 4)
        row.setSpacing(6)
        self.label = QLabel()
        self.label.setWordWrap(False)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.label.setMinimumWidth(40)
        self.log_button = QToolButton()
        self.log_button.setAutoRaise(True)
        self.log_button.setAccessibleName("Show earlier messages")
        self.log_button.clicked.connect(self.show_log)
        close = QToolButton()
        close.setText("✕")
        close.setAutoRaise(True)
        close.setAccessibleName("Dismiss message")
        close.clicked.connect(lambda: self.dismiss(self._current.key if self._current else ""))
        row.addWidget(self.label, 1)
        row.addWidget(self.log_button)
        row.addWidget(close)
        self._timer = QTimer(self)
        self._timer.setObjectName("noticeAutoDismiss")
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(lambda: self.dismiss(self._current.key if self._current
                                                         else ""))
        self.setVisible(False)

    # -- showing -----------------------------------------------------------------------

    def show_message(self, text: str, kind: str = "error", key: str | None = None, *,
                     sticky: bool | None = None) -> None:
        """Show ``text`` as the newest notice (replacing the one on screen) and log it.

        ``sticky``: stays until dismissed (default: errors do, other kinds dismiss
        themselves). A notice with the same ``key`` (default: the text) is replaced.
        """
        key = key or text
        notice = Notice(key, text, kind, kind == "error" if sticky is None else sticky,
                        datetime.now().astimezone())
        self._log.pop(key, None)
        self._log[key] = notice
        while len(self._log) > LOG_SIZE:
            self._log.popitem(last=False)
        self._waiting.pop(key, None)
        if notice.sticky:
            self._waiting[key] = notice
        self._display(notice)

    def _display(self, notice: Notice) -> None:
        self._current = notice
        kind, text = notice.kind, notice.text
        bg, fg, edge = _STYLES.get(kind, _STYLES["info"])
        self.setStyleSheet(
            f"QFrame#noticeArea {{ background: {bg}; border-left: 4px solid {edge}; "
            f"border-radius: 3px; }} QFrame#noticeArea QLabel {{ color: {fg}; }}")
        self.label.setText(" ".join(text.split()))
        self.label.setToolTip(plain(text))
        self.setAccessibleName(f"{kind} message")
        self.setAccessibleDescription(text)
        self._update_log_button()
        self.setVisible(True)
        if notice.sticky:
            self._timer.stop()
        else:
            self._timer.start(AUTO_DISMISS_MS)

    def dismiss(self, key: str) -> None:
        """Take the notice ``key`` down (it stays in the log).

        When the one on screen goes, the newest sticky notice still waiting for
        an answer comes back; otherwise the area hides.
        """
        waiting = self._waiting.pop(key, None)
        if self._current is None or self._current.key != key:
            if waiting is not None:
                self.dismissed.emit(key)
            return
        self._current = None
        self._timer.stop()
        self.dismissed.emit(key)
        if self._waiting:
            self._display(next(reversed(self._waiting.values())))
        else:
            self.setVisible(False)

    def hideEvent(self, event) -> None:
        self._timer.stop()   # no timer outlives the window
        super().hideEvent(event)

    def _update_log_button(self) -> None:
        earlier = len(self._log) - 1
        self.log_button.setText(f"{earlier} earlier…" if earlier > 0 else "Messages…")
        self.log_button.setToolTip("All messages of this session")

    # -- reading -----------------------------------------------------------------------

    def current(self) -> Notice | None:
        """The notice on screen, if any."""
        return self._current

    def messages(self) -> list[str]:
        """Every logged message text, oldest first (the one on screen last)."""
        return [n.text for n in self._log.values()]

    def log_text(self) -> str:
        return "\n".join(f"{n.at:%H:%M:%S}  {n.kind:<7}  {n.text}" for n in self._log.values())

    def show_log(self) -> QDialog:
        """The message log in a small window (non-modal); returns it."""
        dialog = QDialog(self.window())
        dialog.setWindowTitle("Messages")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        layout = QVBoxLayout(dialog)
        text = QPlainTextEdit(self.log_text())
        text.setReadOnly(True)
        text.setAccessibleName("Message log")
        layout.addWidget(text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(dialog.reject)
        layout.addWidget(buttons)
        dialog.resize(640, 320)
        dialog.show()
        return dialog
