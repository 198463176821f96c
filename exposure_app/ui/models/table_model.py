"""A small base for read-only table models over a tuple of frozen rows.

Subclasses declare ``Columns`` (an ``IntEnum``), ``HEADERS`` and implement
:meth:`display` and :meth:`raw`. :meth:`set_rows` resets only when the rows
really changed, so refreshing an unchanged view costs nothing and keeps the
selection.

Threading: GUI thread only.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Any, ClassVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from exposure_app.ui.models import LEFT, RIGHT, ROW_ROLE, SORT_ROLE

Index = QModelIndex | QPersistentModelIndex


class RowTableModel(QAbstractTableModel):
    Columns: ClassVar[type[IntEnum]]
    HEADERS: ClassVar[dict[int, str]]
    NUMERIC: ClassVar[frozenset[int]] = frozenset()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: tuple[Any, ...] = ()

    @property
    def rows(self) -> tuple[Any, ...]:
        return self._rows

    def set_rows(self, rows) -> bool:
        rows = tuple(rows)
        if rows == self._rows:
            return False
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()
        return True

    def row_at(self, row: int):
        return self._rows[row]

    # -- Qt interface ----------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.Columns)

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.Columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if section in self.NUMERIC else LEFT
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        record = self._rows[index.row()]
        column = self.Columns(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(record, column)
        if role == SORT_ROLE:
            return self.raw(record, column)
        if role == ROW_ROLE:
            return record
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return RIGHT if column in self.NUMERIC else LEFT
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(record, column)
        if role == Qt.ItemDataRole.ForegroundRole:
            return self.foreground(record, column)
        if role == Qt.ItemDataRole.DecorationRole:
            return self.decoration(record, column)
        return None

    # -- to implement ----------------------------------------------------------

    def display(self, record, column) -> str:  # pragma: no cover - abstract
        raise NotImplementedError

    def raw(self, record, column):  # pragma: no cover - abstract
        raise NotImplementedError

    def tooltip(self, record, column):
        return None

    def foreground(self, record, column):
        return None

    def decoration(self, record, column):
        return None
