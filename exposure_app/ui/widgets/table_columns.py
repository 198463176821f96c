"""Column widths for the app's tables: names elided, numbers and headers given their room.

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

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView, QTableView

NAME_WIDTH = 240
"""The widest an elided text column (an account or custodian name) is sized by default."""

PADDING = 16


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
