"""The checklist page's table model: plan rows, a checkable Done column, an editable Note.

Columns are the :class:`Col` enum; raw values for sorting are under
``SORT_ROLE`` and the row record under ``ROW_ROLE``.

Threading: GUI thread only.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from enum import IntEnum
from typing import ClassVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from exposure_app.domain.checklist_rows import ChecklistRow
from exposure_app.ui.formatting import format_amount
from exposure_app.ui.formatting import format_money as _format_money
from exposure_app.ui.level_colours import LEVEL_COLOURS
from exposure_app.ui.models import ROW_ROLE, SORT_ROLE

#: A claim at a custodian with blocked withdrawals: the colour of a critical warning.
BLOCKED_COLOUR = LEVEL_COLOURS["critical"]

Index = QModelIndex | QPersistentModelIndex
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


def format_money(value: Decimal | None, currency: str) -> str:
    """Money for the table: the app's money format (grouped, the currency's cents);
    ``None`` -> "unpriced"."""
    if value is None:
        return "unpriced"
    return _format_money(value, currency)


class Col(IntEnum):
    DONE = 0
    CUSTODIAN = 1
    ITEM = 2
    AMOUNT = 3
    VALUE = 4
    UNLOCK = 5
    NETWORKS = 6
    MEMO = 7
    DUST = 8
    NOTE = 9


class ChecklistModel(QAbstractTableModel):
    """Rows are :class:`ChecklistRow`; the Done column is checkable, Note editable.

    Edits call ``on_edit(row, done, note)``, which saves them and reloads.
    """

    HEADERS: ClassVar[dict[int, str]] = {Col.DONE: "Done", Col.CUSTODIAN: "Custodian", Col.ITEM: "What to do",
               Col.AMOUNT: "Amount", Col.VALUE: "Value", Col.UNLOCK: "Unlock first",
               Col.NETWORKS: "Withdrawal networks", Col.MEMO: "Memo/tag", Col.DUST: "Dust",
               Col.NOTE: "Note (e.g. tx id)"}
    NUMERIC = frozenset({Col.AMOUNT, Col.VALUE})

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.currency = "USD"
        self.on_edit: Callable[[ChecklistRow, bool | None, str | None], bool] | None = None
        self._rows: tuple[ChecklistRow, ...] = ()

    @property
    def rows(self) -> tuple[ChecklistRow, ...]:
        return self._rows

    def set_rows(self, rows) -> None:
        rows = tuple(rows)
        if rows == self._rows:
            return
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(Col)

    def headerData(self, section: int, orientation, role: int = Qt.ItemDataRole.DisplayRole):
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Col):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if section in self.NUMERIC else _LEFT
        return None

    def display(self, r: ChecklistRow, c: Col):
        if c is Col.DONE:
            return ("by sync" if r.done_by == "sync" else "") if r.done else ""
        if c is Col.CUSTODIAN:
            return r.counterparty_name or ("Before you start" if r.kind == "step" else "")
        if c is Col.ITEM:
            return r.title + ("" if r.listed else " (no longer held there)")
        if c is Col.AMOUNT:
            return "" if r.total is None else f"{format_amount(r.total)} {r.asset or ''}".strip()
        if c is Col.VALUE:
            if r.kind == "step":
                return ""
            return format_money(r.value, self.currency) if r.value is not None else "unpriced"
        return {Col.UNLOCK: r.unlock, Col.NETWORKS: r.networks, Col.MEMO: r.memo,
                Col.DUST: r.dust, Col.NOTE: r.note}[c]

    def raw(self, r: ChecklistRow, c: Col):
        if c is Col.VALUE:
            return float(r.value) if r.value is not None else -1.0
        if c is Col.AMOUNT:
            return float(r.total) if r.total is not None else -1.0
        if c is Col.DONE:
            return int(r.done)
        return str(self.display(r, c)).lower()

    def tooltip(self, r: ChecklistRow, c: Col):
        if c is Col.ITEM:
            return f"{r.detail}\n\n{r.unlock}" if r.blocked else r.detail
        if c is Col.AMOUNT and r.total is not None and r.kind == "asset":
            return (f"{format_amount(r.free or Decimal(0))} free, "
                    f"{format_amount(r.locked or Decimal(0))} locked")
        if c is Col.NETWORKS and r.networks:
            return r.networks.replace("; ", "\n")   # the whole list, however narrow the column
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        r = self._rows[index.row()]
        c = Col(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display(r, c)
        if role == Qt.ItemDataRole.CheckStateRole and c is Col.DONE:
            return Qt.CheckState.Checked if r.done else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.EditRole and c is Col.NOTE:
            return r.note
        if role == Qt.ItemDataRole.FontRole and r.kind == "step" and c is Col.ITEM:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.ForegroundRole and r.blocked and c in (Col.ITEM, Col.UNLOCK):
            return QBrush(QColor(BLOCKED_COLOUR))   # a claim, not a withdrawal: set it apart
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(r, c)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if c in self.NUMERIC else _LEFT
        if role == SORT_ROLE:
            return self.raw(r, c)
        if role == ROW_ROLE:
            return r
        return None

    def flags(self, index: Index):
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == Col.DONE:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        if index.column() == Col.NOTE:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index: Index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or index.row() >= len(self._rows) or self.on_edit is None:
            return False
        r = self._rows[index.row()]
        if role == Qt.ItemDataRole.CheckStateRole and index.column() == Col.DONE:
            checked = Qt.CheckState(value) == Qt.CheckState.Checked if not isinstance(value, bool) \
                else value
            return bool(self.on_edit(r, checked, None))
        if role == Qt.ItemDataRole.EditRole and index.column() == Col.NOTE:
            return bool(self.on_edit(r, None, str(value)))
        return False
