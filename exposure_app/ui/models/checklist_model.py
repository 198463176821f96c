"""The checklist page's table model: plan rows, a checkable Done column, an editable Note.

Columns are the :class:`Col` enum; the roles are answered by
:class:`~exposure_app.ui.models.table_model.RowTableModel` from the hooks here.

Threading: GUI thread only.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont

from exposure_app.domain.checklist_rows import ChecklistRow
from exposure_app.ui.formatting import format_amount
from exposure_app.ui.formatting import format_money as _format_money
from exposure_app.ui.level_colours import LEVEL_COLOURS
from exposure_app.ui.models.table_model import (
    Column,
    Index,
    RowTableModel,
    TableColumns,
    number_key,
)

#: A claim at a custodian with blocked withdrawals: the colour of a critical warning.
BLOCKED_COLOUR = LEVEL_COLOURS["critical"]


def format_money(value: Decimal | None, currency: str) -> str:
    """Money for the table: the app's money format (grouped, the currency's cents);
    ``None`` -> "unpriced"."""
    if value is None:
        return "unpriced"
    return _format_money(value, currency)


def _done_text(r: ChecklistRow) -> str:
    return ("by sync" if r.done_by == "sync" else "") if r.done else ""


def _amount_text(r: ChecklistRow) -> str:
    return "" if r.total is None else f"{format_amount(r.total)} {r.asset or ''}".strip()


class Col(TableColumns):
    DONE = Column("Done", _done_text, sort=lambda r: int(r.done))
    CUSTODIAN = Column("Custodian", lambda r: r.counterparty_name
                       or ("Before you start" if r.kind == "step" else ""))
    ITEM = Column("What to do", lambda r: r.title + ("" if r.listed else " (no longer held there)"))
    AMOUNT = Column("Amount", _amount_text, sort=lambda r: number_key(r.total), numeric=True)
    VALUE = Column("Value", sort=lambda r: number_key(r.value), numeric=True)  # in the currency
    UNLOCK = Column("Unlock first", lambda r: r.unlock)
    NETWORKS = Column("Withdrawal networks", lambda r: r.networks)
    MEMO = Column("Memo/tag", lambda r: r.memo)
    DUST = Column("Dust", lambda r: r.dust)
    NOTE = Column("Note (e.g. tx id)", lambda r: r.note)


class ChecklistModel(RowTableModel):
    """Rows are :class:`ChecklistRow`; the Done column is checkable, Note editable.

    Edits call ``on_edit(row, done, note)``, which saves them and reloads.
    """

    Columns = Col
    #: text columns the page narrows to fit its width (one line, ending in "…"): the
    #: tooltip has the whole text
    ELIDED = (Col.CUSTODIAN, Col.UNLOCK, Col.NETWORKS, Col.MEMO, Col.DUST)
    #: the column that wraps (the step's title is read whole) and shrinks last
    WRAPPED = (Col.ITEM,)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.currency = "USD"
        self.on_edit: Callable[[ChecklistRow, bool | None, str | None], bool] | None = None

    def display(self, r: ChecklistRow, c) -> str:
        if c is Col.VALUE:
            if r.kind == "step":
                return ""
            return format_money(r.value, self.currency) if r.value is not None else "unpriced"
        return super().display(r, c)

    def tooltip(self, r: ChecklistRow, c: Col):
        if c is Col.ITEM:
            return f"{r.detail}\n\n{r.unlock}" if r.blocked else r.detail
        if c is Col.AMOUNT and r.total is not None and r.kind == "asset":
            return (f"{format_amount(r.free or Decimal(0))} free, "
                    f"{format_amount(r.locked or Decimal(0))} locked")
        if c is Col.NETWORKS and r.networks:
            return r.networks.replace("; ", "\n")   # the whole list, however narrow the column
        if c in self.ELIDED or c is Col.NOTE:
            return self.display(r, c) or None
        return None

    def check_state(self, r: ChecklistRow, c: Col):
        if c is Col.DONE:
            return Qt.CheckState.Checked if r.done else Qt.CheckState.Unchecked
        return None

    def edit_text(self, r: ChecklistRow, c: Col):
        return r.note if c is Col.NOTE else None

    def font(self, r: ChecklistRow, c: Col):
        if r.kind == "step" and c is Col.ITEM:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def foreground(self, r: ChecklistRow, c: Col):
        if r.blocked and c in (Col.ITEM, Col.UNLOCK):
            return QBrush(QColor(BLOCKED_COLOUR))   # a claim, not a withdrawal: set it apart
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
