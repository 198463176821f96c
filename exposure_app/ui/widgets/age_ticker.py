"""Ages that move on by themselves: "3 min ago" becomes "4 min ago" on an idle window.

A table model words an age ("3 h ago (2026-12-02 20:15)") from the clock when the
view asks for the text, but a view asks only when something changed: on a window
left open, nothing did, and the age stood still. :class:`AgeTicker` is owned by a
page: once a minute while the page is shown, it tells the model that the age
columns changed, so the view asks again (and wraps or elides the new text). It
ticks once when the page is shown again, and its timer stops when the page is
hidden (another page chosen, the window closed), so a hidden page costs nothing.

Threading: GUI thread only (the timer and the model live there).
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QAbstractItemModel, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QWidget

TICK_MS = 60_000
"""Ages are worded to the minute: once a minute is soon enough, and no more often."""

_AGE_ROLES = [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole]


class AgeTicker(QObject):
    """Re-shows ``columns`` of ``model`` every ``interval_ms`` while ``page`` is shown.

    :attr:`ticked` follows each re-show (a page whose rows wrap fits their heights again).
    """

    ticked = Signal()

    def __init__(self, page: QWidget, model: QAbstractItemModel, columns: Iterable[int], *,
                 interval_ms: int = TICK_MS) -> None:
        super().__init__(page)
        self.model = model
        self.columns = tuple(columns)
        self.timer = QTimer(self)
        self.timer.setObjectName(f"age ticker of {page.accessibleName() or type(page).__name__}")
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.tick)
        page.installEventFilter(self)
        if page.isVisible():
            self.timer.start()

    def tick(self) -> None:
        rows = self.model.rowCount()
        if rows:
            for column in self.columns:
                self.model.dataChanged.emit(self.model.index(0, column),
                                            self.model.index(rows - 1, column), _AGE_ROLES)
        self.ticked.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.Show and not self.timer.isActive():
            self.tick()          # the ages went on while the page was hidden
            self.timer.start()
        elif kind in (QEvent.Type.Hide, QEvent.Type.Close):
            self.timer.stop()
        return False
