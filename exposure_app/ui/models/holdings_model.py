"""Holdings of every account as of the window's date, one row per wallet and asset.

Threading: GUI thread only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from exposure_app.domain.counterparties import CounterpartyDirectory
from exposure_app.domain.exposure import ExposureReport
from exposure_app.domain.labels import wallet_label
from exposure_app.domain.models import AccountKind, Holding
from exposure_app.domain.money import share
from exposure_app.ui.formatting import format_amount, format_money, format_share
from exposure_app.ui.models.table_model import (
    Column,
    RowFilter,
    RowTableModel,
    TableColumns,
    number_column,
    number_key,
)

MANUAL_WALLET = "main"   # services.manual_holdings.make_holding's wallet


@dataclass(frozen=True, slots=True)
class HoldingRow:
    """One holding of the report (its asset, amounts, price and value) where it is shown."""

    account: str
    counterparty: str          # display name; "Self-custody" for wallets
    counterparty_id: str
    wallet: str                # as shown ("Earn (flexible)"): "" for the one wallet of a
    #                            hand-recorded account; the id stays in ``holding.wallet``
    holding: Holding
    share: Decimal | None
    currency: str
    taken_at: datetime | None
    stale: bool

    @property
    def asset(self) -> str:
        return self.holding.asset

    @property
    def value(self) -> Decimal | None:
        return self.holding.value


def holding_rows(report: ExposureReport, directory: CounterpartyDirectory) -> list[HoldingRow]:
    rows = []
    for state in report.accounts:
        snapshot = state.snapshot
        if snapshot is None:
            continue
        account = state.account
        cp_id = directory.resolve(account.counterparty) if account.counterparty else ""
        cp_name = directory.name(cp_id) if cp_id else "Self-custody"
        for h in snapshot.holdings:
            # "main" is the one wallet of a hand-recorded account: not a wallet the user
            # made, so it is not shown as one
            wallet = ("" if account.kind is not AccountKind.EXCHANGE_API
                      and h.wallet == MANUAL_WALLET else wallet_label(h.wallet))
            rows.append(HoldingRow(
                account.name, cp_name, cp_id, wallet, h,
                share(h.value, report.net_worth) if h.value is not None else None,
                report.base_currency, snapshot.taken_at, state.is_stale,
            ))
    rows.sort(key=lambda r: (-(r.value or Decimal(-1)), r.account, r.asset))
    return rows


def _money_text(value: Decimal | None, r: HoldingRow) -> str:
    return format_money(value, r.currency, with_currency=False) if value is not None \
        else "unpriced"


class HoldingsModel(RowTableModel):
    class Columns(TableColumns):
        ACCOUNT = Column("Account", lambda r: r.account)
        COUNTERPARTY = Column("Custodian", lambda r: r.counterparty)
        WALLET = Column("Wallet", lambda r: r.wallet)
        ASSET = Column("Asset", lambda r: r.asset)
        FREE = number_column("Free", lambda r: r.holding.free, format_amount)
        LOCKED = number_column("Locked", lambda r: r.holding.locked, format_amount)
        TOTAL = number_column("Total", lambda r: r.holding.total, format_amount)
        PRICE = Column("Price", lambda r: _money_text(r.holding.price, r),
                       sort=lambda r: number_key(r.holding.price), numeric=True)
        VALUE = Column("Value", lambda r: _money_text(r.value, r),
                       sort=lambda r: number_key(r.value), numeric=True)
        SHARE = number_column("Share", lambda r: r.share, format_share)

    #: the text columns that end in "…" when narrow; their tooltip is the full text
    ELIDED = (Columns.ACCOUNT, Columns.COUNTERPARTY, Columns.WALLET)
    #: the columns whose header names the base currency
    IN_CURRENCY = (Columns.PRICE, Columns.VALUE)
    currency = ""

    def set_rows(self, rows) -> bool:
        rows = tuple(rows)
        currency = rows[0].currency if rows else self.currency
        if currency != self.currency:
            self.currency = currency
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, min(self.IN_CURRENCY),
                                        max(self.IN_CURRENCY))
        return super().set_rows(rows)

    def header_text(self, column) -> str:
        if column in self.IN_CURRENCY and self.currency:
            return f"{column.header} ({self.currency})"
        return column.header

    def foreground(self, r: HoldingRow, c):
        if r.value is None and c in (self.Columns.PRICE, self.Columns.VALUE):
            return QBrush(QColor("#e8710a"))
        return None

    def tooltip(self, r: HoldingRow, c):
        if c in self.ELIDED:
            return self.display(r, c) or None     # the full text of an elided one
        if r.value is None:
            return "No price was found for this asset: it is not in the totals."
        if r.stale:
            return "The last sync of this account failed: these are its last good figures."
        return None

    def copy_text(self, rows: list[int]) -> str:
        """Tab-separated text of ``rows`` with a header, for the clipboard."""
        lines = ["\t".join(c.header for c in self.Columns)]
        for row in rows:
            record = self._rows[row]
            lines.append("\t".join(self.display(record, c) for c in self.Columns))
        return "\n".join(lines) + "\n"


class HoldingsFilter(RowFilter):
    """Text filter over account, custodian, wallet and asset; plus account and custodian."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setDynamicSortFilter(True)
        self._text = ""
        self._account = ""
        self._counterparty = ""

    def set_text(self, text: str) -> None:
        self.change(lambda: setattr(self, "_text", text.strip().casefold()))

    def set_account(self, name: str) -> None:
        self.change(lambda: setattr(self, "_account", name))

    def set_counterparty(self, name: str) -> None:
        self.change(lambda: setattr(self, "_counterparty", name))

    def accepts(self, r: HoldingRow) -> bool:
        if self._account and r.account != self._account:
            return False
        if self._counterparty and r.counterparty != self._counterparty:
            return False
        if self._text:
            haystack = (f"{r.account} {r.counterparty} {r.wallet} {r.holding.wallet} "
                        f"{r.asset}").casefold()
            return all(word in haystack for word in self._text.split())
        return True
