"""A small base for read-only table models over a tuple of frozen rows.

A subclass declares its columns once, as a :class:`TableColumns` enum named
``Columns`` whose members are :class:`Column` specs: the header, the text a
row shows in the column, how it sorts, whether it is a right-aligned number.
A column whose text needs the model's state (a currency, names, an as-of
date) leaves ``text`` out and the model's :meth:`RowTableModel.display` gives
it. The other per-cell hooks (tooltip, colour, font, check state, edit text, short form)
are overridden where a model has something to say. The base answers every Qt
role from the columns and those hooks, so a model holds no role switch. :meth:`set_rows` resets only
when the rows really changed, so refreshing an unchanged view costs nothing and
keeps the selection. Its view sorts and filters through a :class:`RowFilter`. The text
and tooltips it gives the view are :func:`~exposure_app.ui.glyphs.drawable` by the UI font.

Threading: GUI thread only.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import IntEnum
from typing import Any, ClassVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from exposure_app.ui.glyphs import drawable
from exposure_app.ui.models import LEFT, RIGHT, ROW_ROLE, SHORT_ROLE, SORT_ROLE
from exposure_app.ui.rich_text import plain

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True, slots=True)
class Column:
    """One column: its ``header``; the ``text`` a row shows in it (``None``: the model's
    ``display`` gives it); its ``sort`` key (``None``: the text, case-folded); ``numeric``
    columns are right-aligned."""

    header: str
    text: Callable[[Any], str] | None = None
    sort: Callable[[Any], Any] | None = None
    numeric: bool = False


class TableColumns(IntEnum):
    """A model's columns, numbered from 0 in the order they are written:
    ``NAME = Column("Account", lambda r: r.name)``."""

    spec: Column

    def __new__(cls, spec: Column) -> TableColumns:
        value = len(cls.__members__)
        member = int.__new__(cls, value)
        member._value_ = value
        member.spec = spec
        return member

    @property
    def header(self) -> str:
        return self.spec.header

    @classmethod
    def at(cls, section: int) -> TableColumns:
        """The column at ``section`` (a lookup by number; the header built it)."""
        return cls(section)  # type: ignore[arg-type]  # Enum's lookup, not __new__ above

    @property
    def alignment(self) -> Qt.AlignmentFlag:
        return RIGHT if self.spec.numeric else LEFT


def number_key(value: Decimal | float | int | None) -> float:
    """Sort key of an optional number: a missing one (unpriced, unknown) sorts below zero."""
    return -1.0 if value is None else float(value)


def number_column(header: str, value: Callable[[Any], Any],
                  shown: Callable[[Any], str]) -> Column:
    """A right-aligned number: ``shown(value(row))`` as text, sorted by the number itself."""
    return Column(header, lambda row: shown(value(row)), sort=lambda row: number_key(value(row)),
                  numeric=True)


def time_key(value: datetime | None) -> float:
    """Sort key of an optional instant: never (``None``) sorts first."""
    return value.timestamp() if value is not None else 0.0


class RowTableModel(QAbstractTableModel):
    Columns: ClassVar[type[TableColumns]]

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

    def header_text(self, column: TableColumns) -> str:
        return column.header

    # -- Qt interface ----------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.Columns)

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.Columns):
            return None
        column = self.Columns.at(section)
        if role == Qt.ItemDataRole.DisplayRole:
            return self.header_text(column)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return column.alignment
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        record = self._rows[index.row()]
        column = self.Columns.at(index.column())
        if role == SORT_ROLE:
            return self.raw(record, column)
        if role == ROW_ROLE:
            return record
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return column.alignment
        hook = CELL_HOOKS.get(role)
        return None if hook is None else hook(self, record, column)

    # -- to implement ----------------------------------------------------------

    def display(self, record, column: TableColumns) -> str:
        """The text of ``column``: its spec's, or (overridden) the model's own."""
        text = column.spec.text
        if text is None:  # pragma: no cover - a column without text is the subclass's to show
            raise NotImplementedError(f"{type(self).__name__} shows no {column.name}")
        return text(record)

    def raw(self, record, column: TableColumns):
        """The value ``SORT_ROLE`` sorts by: the spec's sort key, or the text case-folded."""
        sort = column.spec.sort
        return sort(record) if sort is not None else self.display(record, column).casefold()

    def _nothing(self, record, column) -> Any:
        return None

    #: what a cell shows in the other roles (tooltip, text colour, icon, font, check box,
    #: text to edit, short form for a narrow column): nothing unless a subclass says
    tooltip = foreground = decoration = font = check_state = edit_text = short = _nothing


CellHook = Callable[[RowTableModel, Any, TableColumns], Any]


def _shown(text: Any) -> Any:
    """Text as the UI font can draw it (``ui.glyphs``: Binance's "USDⓈ-M" reads "USDS-M")."""
    return drawable(text) if isinstance(text, str) else text


def _tip(text: Any) -> Any:
    """A cell's tooltip as written: Qt guesses a tooltip's format, and a name or note with
    ``<b>`` in it was read as a tag (``ui/rich_text.py``)."""
    return plain(drawable(text)) if isinstance(text, str) else text


#: the hook that answers each role of a cell (a lambda, so that a subclass's override counts)
CELL_HOOKS: dict[int, CellHook] = {
    Qt.ItemDataRole.DisplayRole: lambda model, record, column: _shown(model.display(record,
                                                                                    column)),
    Qt.ItemDataRole.ToolTipRole: lambda model, record, column: _tip(model.tooltip(record,
                                                                                  column)),
    Qt.ItemDataRole.ForegroundRole: lambda model, record, column: model.foreground(record, column),
    Qt.ItemDataRole.DecorationRole: lambda model, record, column: model.decoration(record, column),
    Qt.ItemDataRole.FontRole: lambda model, record, column: model.font(record, column),
    Qt.ItemDataRole.CheckStateRole: lambda model, record, column: model.check_state(record,
                                                                                    column),
    Qt.ItemDataRole.EditRole: lambda model, record, column: model.edit_text(record, column),
    SHORT_ROLE: lambda model, record, column: _shown(model.short(record, column)),
}


class RowFilter(QSortFilterProxyModel):
    """The sorting and filtering proxy of a :class:`RowTableModel`.

    Sorts by ``SORT_ROLE``; keeps the rows that :meth:`accepts` lets through
    (every row unless a subclass narrows it) and Qt's own text filter, if set.
    """

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setSortRole(SORT_ROLE)

    def source(self) -> RowTableModel:
        model = self.sourceModel()
        assert isinstance(model, RowTableModel)
        return model

    def accepts(self, record) -> bool:
        return True

    def change(self, apply: Callable[[], object]) -> None:
        """Change the filter's state through ``apply()`` and filter again.

        Qt 6.9+ wants ``beginFilterChange``/``endFilterChange`` around the change
        (``invalidateFilter`` is deprecated there); older Qt only has the latter.
        """
        begin = getattr(self, "beginFilterChange", None)
        if begin is None:
            apply()
            self.invalidateFilter()
            return
        begin()
        apply()
        self.endFilterChange()

    def lessThan(self, left: Index, right: Index) -> bool:
        """Sort keys of different types (a number and a missing one's text) compare as text."""
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        if type(a) is not type(b):
            return str(a) < str(b)
        return a < b

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        return (self.accepts(self.source().row_at(source_row))
                and super().filterAcceptsRow(source_row, source_parent))

    def record_at(self, index: Index):
        """The row record behind a (proxy) index of the view."""
        return self.source().row_at(self.mapToSource(index).row())

    def shown_rows(self) -> list:
        """The records the view shows, in its order."""
        return [self.record_at(self.index(i, 0)) for i in range(self.rowCount())]
