"""A vertical splitter that gives its first pane, a table, most of the height.

On a small screen (1024x640) the panes under the Events table (details,
suggestions) used to take all but four of its rows. By default, until a saved
state is restored or the user drags a handle, :class:`TableSplitter` gives the
panes below their preferred heights, scaled down together so that the table
keeps at least :data:`TABLE_SHARE` of the height (a tall pane goes in
:func:`scrolled`, so that it scrolls rather than forcing its minimum on the
table). A restored state (the user's own layout) wins over this default.

Threading: GUI thread only.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QScrollArea, QSplitter, QWidget

TABLE_SHARE = 0.65


def table_first_sizes(total: int, below: Sequence[int], share: float = TABLE_SHARE,
                      minimum: int | Sequence[int] = 0) -> list[int]:
    """Heights for a table and the panes ``below`` it (their preferred heights) in ``total``:
    the panes get what they prefer unless that leaves the table under ``share`` of ``total``,
    then they shrink in proportion, none under ``minimum`` (one for all, or each pane's own).
    A pane held up by its minimum takes its extra height from the other panes, down to
    their minimums, before it takes it from the table."""
    floors: list[int] = [minimum] * len(below) if isinstance(minimum, int) else list(minimum)
    room = min(sum(below), total - int(total * share))
    scale = room / sum(below) if sum(below) else 0.0
    heights = [max(int(h * scale), floor) for h, floor in zip(below, floors, strict=True)]
    over = sum(heights) - room
    spare = [h - floor for h, floor in zip(heights, floors, strict=True)]
    if over > 0 and sum(spare) > 0:
        give = min(1.0, over / sum(spare))
        heights = [h - int(room_left * give) for h, room_left in zip(heights, spare, strict=True)]
    return [total - sum(heights), *heights]


def scrolled(pane: QWidget) -> QScrollArea:
    """``pane`` in a frameless scroll area: in a splitter it can be made smaller than its
    own minimum (it scrolls instead)."""
    scroll = QScrollArea()
    scroll.setWidget(pane)
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    return scroll


class TableSplitter(QSplitter):
    def __init__(self, table: QWidget, *below: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        self.setChildrenCollapsible(False)
        self.addWidget(table)
        self.setStretchFactor(0, 1)
        for pane in below:
            self.addWidget(pane)
        self._below = below
        self.default_layout = True
        """True while the sizes are this default (not restored, not dragged)."""
        self.splitterMoved.connect(self._moved_by_user)

    def _moved_by_user(self, _pos: int, _index: int) -> None:
        self.default_layout = False

    def restoreState(self, state: QByteArray | bytes | bytearray | memoryview, /) -> bool:
        restored = super().restoreState(state)
        self.default_layout = self.default_layout and not restored
        return restored

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.default_layout:
            handles = self.handleWidth() * (self.count() - 1)
            shared = max(pane.minimumSizeHint().height() for pane in self._below)
            self.setSizes(table_first_sizes(
                self.height() - handles, [pane.sizeHint().height() for pane in self._below],
                minimum=[max(pane.minimumHeight(), pane.minimumSizeHint().height(), shared)
                         for pane in self._below]))
