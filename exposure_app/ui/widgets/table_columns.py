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
:class:`WidthKeeper` goes one step further for a table that must never scroll
sideways (the Accounts page at 1024 px): whenever the view is resized it gives
the columns their fitted widths if they fit, and otherwise narrows the columns
it may elide, the widest first, until the right-hand column keeps
:data:`MIN_STRETCH` pixels.

Threading: GUI thread only.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QAbstractItemModel, QEvent, QObject, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

Selection = QAbstractItemView.SelectionMode

NAME_WIDTH = 240
"""The widest an elided text column (an account or custodian name) is sized by default."""

PADDING = 16

MIN_ELIDED = 72
"""The narrowest :class:`WidthKeeper` makes a column: a few letters and the "…"."""
MIN_STRETCH = 96
"""What :class:`WidthKeeper` leaves the stretched right-hand column at the least."""


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


def shared_width(wanted: list[int], budget: int, floor: int) -> int:
    """The widest any of the ``wanted`` widths may be for them all to fit ``budget`` (each
    keeps the smaller of its own width and this; never below ``floor``)."""
    if sum(wanted) <= budget:
        return max(wanted, default=floor)
    left = budget
    ordered = sorted(wanted)
    for index, width in enumerate(ordered):
        share = left // (len(ordered) - index)
        if width > share:
            return max(share, floor)
        left -= width
    return max(ordered[-1], floor)


class WidthKeeper(QObject):
    """Keeps ``view``'s columns within its width (see the module docstring).

    Call :meth:`fitted` after :func:`fit_columns` (the widths it chose are the most a
    column gets); the keeper then follows every resize of the view. ``shrinkable``
    columns must elide, with their full text as the tooltip. Threading: GUI thread only.
    """

    def __init__(self, view: QTableView, *, shrinkable: Iterable[int], stretch: int) -> None:
        super().__init__(view)
        self.view = view
        self.shrinkable = tuple(shrinkable)
        self.stretch = stretch
        self.natural: dict[int, int] = {}
        # a narrowed column's header ends in "…" too (headers do not elide by default)
        view.horizontalHeader().setTextElideMode(Qt.TextElideMode.ElideRight)
        view.viewport().installEventFilter(self)

    def fitted(self) -> None:
        header = self.view.horizontalHeader()
        self.natural = {c: header.sectionSize(c) for c in self.shrinkable}
        self.apply()

    def apply(self) -> None:
        if not self.natural:
            return
        header = self.view.horizontalHeader()
        model = self.view.model()
        others = [c for c in range(model.columnCount() if model else 0)
                  if c != self.stretch and c not in self.natural
                  and not header.isSectionHidden(c)]
        fixed = sum(header.sectionSize(c) for c in others)
        budget = self.view.viewport().width() - fixed - MIN_STRETCH
        cap = shared_width(list(self.natural.values()), budget, MIN_ELIDED)
        for column, width in self.natural.items():
            if header.sectionSize(column) != min(width, cap):
                header.resizeSection(column, min(width, cap))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.apply()
        return False
