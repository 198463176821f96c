"""The app's tables: one way to build a list view, and column widths that fit.

:func:`data_table` builds every list of rows the pages show the same way:
whole rows selected, alternating row colours, no grid and no row numbers,
columns the user can resize, and a first sort when the list is sortable.

A table sized by ``resizeColumnsToContents`` lets one long account name push
the numeric columns (Total, Price, Value, Share) off the screen, and a column
sized to its data alone clips its header ("Key permissio"). :func:`fit_columns`
sizes every column to its content *and* its header, caps the text columns
listed in ``elided`` (their cells end in "…"; the models give the full text
as the tooltip) and leaves the caller's stretch column to take what is left.

Widths that fit a wide window can still overflow a narrow one (the Holdings
table at 1024 px put Value and Share past a horizontal scroll bar).
:class:`NarrowFit` keeps such a table inside its viewport while it is narrow:
columns first give back the padding beyond their header and content, then
the elided text columns shrink toward :data:`NARROW_FLOOR`; the numbers keep
their room, and the widths come back when the window widens.

Threading: GUI thread only.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from PySide6.QtCore import QAbstractItemModel, QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
)

Selection = QAbstractItemView.SelectionMode

NAME_WIDTH = 240
"""The widest an elided text column (an account or custodian name) is sized by default."""

PADDING = 16

NARROW_FLOOR = 80
"""The narrowest :class:`NarrowFit` makes an elided text column ("Ledger ha…")."""


def data_table(model: QAbstractItemModel, name: str, *, sort_by: int | None = None,
               descending: bool = True, selection: Selection = Selection.SingleSelection,
               wrap: bool = False) -> QTableView:
    """A read-only table over ``model``, named ``name`` for screen readers (and tests).

    ``sort_by``: the column it is first sorted by (``None``: not sortable);
    ``wrap``: long cells wrap instead of ending in "…".
    """
    view = QTableView()
    view.setModel(model)
    view.setAccessibleName(name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(selection)
    view.setAlternatingRowColors(True)
    view.setShowGrid(False)
    view.setWordWrap(wrap)
    view.verticalHeader().hide()
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    if sort_by is not None:
        view.setSortingEnabled(True)
        view.sortByColumn(sort_by, Qt.SortOrder.DescendingOrder if descending
                          else Qt.SortOrder.AscendingOrder)
    return view


def fit_columns(view: QTableView, *, elided: Iterable[int] = (), max_width: int = NAME_WIDTH,
                stretch: int | None = None) -> None:
    """Size each column to the larger of its header and its content; cap ``elided`` ones."""
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    header = view.horizontalHeader()
    model = view.model()
    if model is None:
        return
    capped = set(elided)
    for column in range(model.columnCount()):
        if header.isSectionHidden(column) or column == stretch:
            continue
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        width = max(view.sizeHintForColumn(column), header.sectionSizeHint(column)) + PADDING
        if column in capped:
            width = min(width, max_width)
        header.resizeSection(column, width)
    if stretch is not None:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)


class OneLine(QStyledItemDelegate):
    """Cells on one line, ending in "…", in a table whose other columns wrap."""

    def initStyleOption(self, option: QStyleOptionViewItem, index) -> None:
        super().initStyleOption(option, index)
        option.features &= ~QStyleOptionViewItem.ViewItemFeature.WrapText


class NarrowFit(QObject):
    """Fits ``view``'s columns into its viewport when it is narrower than their widths.

    Call :meth:`remember` after sizing the columns (:func:`fit_columns`): those
    are the widths the table has whenever there is room. A column the user
    resizes (or a restored header) becomes its new width with room. A stretch
    column keeps the room its header needs and takes what is left. ``wrapped``
    columns (in a view that wraps its text) give way last, down to their
    header's width, their cells wrapping; :attr:`fitted` then tells the owner,
    which may have rows to make taller. Owned by ``view``; GUI thread only.
    """

    fitted = Signal()

    def __init__(self, view: QTableView, *, elided: Iterable[int], wrapped: Iterable[int] = (),
                 floor: int = NARROW_FLOOR) -> None:
        super().__init__(view)
        self.view = view
        self.elided = tuple(elided)
        self.wrapped = tuple(wrapped)
        self.floor = floor
        self.roomy: dict[int, int] = {}      # column -> width when there is room
        self.stages: list[dict[int, int]] = []   # in turn: column -> the width it gives way to
        self.reserved = 0                    # kept for the stretch columns' headers
        self._fitting = False
        view.viewport().installEventFilter(self)
        view.horizontalHeader().sectionResized.connect(self._resized_by_hand)

    def remember(self) -> None:
        """Take the columns' present widths as their widths with room, then fit."""
        header = self.view.horizontalHeader()
        self.roomy, self.reserved = {}, 0
        padding: dict[int, int] = {}
        names: dict[int, int] = {}
        wraps: dict[int, int] = {}
        for column in range(header.count()):
            if header.isSectionHidden(column):
                continue
            if header.sectionResizeMode(column) == QHeaderView.ResizeMode.Stretch:
                self.reserved += max(header.sectionSizeHint(column), header.minimumSectionSize())
                continue
            width = header.sectionSize(column)
            self.roomy[column] = width
            fitted = min(width, max(header.sectionSizeHint(column),
                                    self.view.sizeHintForColumn(column) + 4))
            if column in self.elided:
                names[column] = min(fitted, self.floor)
            else:
                padding[column] = fitted
            if column in self.wrapped:
                wraps[column] = min(fitted, header.sectionSizeHint(column))
        # first every column's padding, then the elided names down to the floor, then
        # the wrapped columns down to their headers
        self.stages = [padding, names, wraps]
        self.fit()

    def _resized_by_hand(self, column: int, _old: int, new: int) -> None:
        if not self._fitting and column in self.roomy:
            self.roomy[column] = new
            for stage in self.stages:
                if column in stage:
                    stage[column] = min(stage[column], new)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and self.roomy:
            self.fit()
        return False

    def widths(self, available: int) -> dict[int, int]:
        """Each column's width in ``available`` pixels (the widths with room if they fit)."""
        widths = dict(self.roomy)
        excess = sum(widths.values()) - available
        for stage in self.stages:
            spare = {c: widths[c] - least for c, least in stage.items() if widths[c] > least}
            total = sum(spare.values())
            if excess <= 0 or total <= 0:
                continue
            share = min(1.0, excess / total)
            for column, room in spare.items():
                cut = min(room, math.ceil(room * share))
                widths[column] -= cut
                excess -= cut
        return widths

    def fit(self) -> None:
        header = self.view.horizontalHeader()
        self._fitting = True
        changed = False
        try:
            available = self.view.viewport().width() - self.reserved
            for column, width in self.widths(available).items():
                if header.sectionSize(column) != width:
                    header.resizeSection(column, width)
                    changed = True
        finally:
            self._fitting = False
        if changed:
            self.fitted.emit()
