"""The Holdings page's "Per asset" table: each asset's total across all accounts, and where.

Threading: GUI thread only.
"""

from __future__ import annotations

from exposure_app.domain.asset_totals import AssetTotal
from exposure_app.ui.formatting import format_amount, format_money, format_share
from exposure_app.ui.models.table_model import (
    Column,
    RowTableModel,
    TableColumns,
    number_column,
    number_key,
)

MAX_PLACES_SHOWN = 4


def where_text(total: AssetTotal) -> str:
    shown = [f"{format_amount(p.amount)} {p.account}" for p in total.places[:MAX_PLACES_SHOWN]]
    more = len(total.places) - MAX_PLACES_SHOWN
    return ", ".join(shown) + (f", … {more} more" if more > 0 else "")


class AssetTotalsModel(RowTableModel):
    class Columns(TableColumns):
        ASSET = Column("Asset", lambda r: r.asset)
        AMOUNT = number_column("Total amount", lambda r: r.amount, format_amount)
        VALUE = Column("Value", sort=lambda r: number_key(r.value), numeric=True)  # in currency
        SHARE = number_column("Share", lambda r: r.share, format_share)
        CUSTODIAL = number_column("With custodians", lambda r: r.custodial_fraction,
                                  format_share)
        WHERE = Column("Where", where_text)

    currency = ""

    def display(self, r: AssetTotal, c) -> str:
        if c == self.Columns.VALUE:
            return format_money(r.value, self.currency) if r.value is not None else "unpriced"
        return super().display(r, c)

    def tooltip(self, r: AssetTotal, c):
        return "\n".join(f"{p.account}: {format_amount(p.amount)} {r.asset}"
                         + ("" if p.custodial else " (self-custody)") for p in r.places)
