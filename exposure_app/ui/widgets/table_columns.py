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

Threading: GUI thread only.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QAbstractItemModel, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

Selection = QAbstractItemView.SelectionMode

NAME_WIDTH = 240
"""The widest an elided text column (an account or custodian name) is sized by default."""

PADDING = 16


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
