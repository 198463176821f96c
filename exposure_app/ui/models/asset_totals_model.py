"""The Holdings page's "Per asset" table: each asset's total across all accounts, and where.

Threading: GUI thread only.
"""

from __future__ import annotations

from exposure_app.domain.asset_totals import AssetTotal
from exposure_app.ui.formatting import format_amount, format_money, format_share
from exposure_app.ui.models.table_model import NUMERIC, RowTableModel, TableColumns, number_key

MAX_PLACES_SHOWN = 4


def where_text(total: AssetTotal) -> str:
    shown = [f"{format_amount(p.amount)} {p.account}" for p in total.places[:MAX_PLACES_SHOWN]]
    more = len(total.places) - MAX_PLACES_SHOWN
    return ", ".join(shown) + (f", … {more} more" if more > 0 else "")


class AssetTotalsModel(RowTableModel):
    class Columns(TableColumns):
        ASSET = "Asset"
        AMOUNT = "Total amount", NUMERIC
        VALUE = "Value", NUMERIC
        SHARE = "Share", NUMERIC
        CUSTODIAL = "With custodians", NUMERIC
        WHERE = "Where"

    currency = ""

    def display(self, r: AssetTotal, c) -> str:
        col = self.Columns
        if c == col.VALUE:
            return format_money(r.value, self.currency) if r.value is not None else "unpriced"
        return {
            col.ASSET: r.asset, col.AMOUNT: format_amount(r.amount),
            col.SHARE: format_share(r.share, places=2),
            col.CUSTODIAL: format_share(r.custodial_fraction, places=0),
            col.WHERE: where_text(r),
        }[c]

    def raw(self, r: AssetTotal, c):
        col = self.Columns
        numbers = {col.AMOUNT: r.amount, col.VALUE: r.value, col.SHARE: r.share,
                   col.CUSTODIAL: r.custodial_fraction}
        return number_key(numbers[c]) if c in numbers else super().raw(r, c)

    def tooltip(self, r: AssetTotal, c):
        return "\n".join(f"{p.account}: {format_amount(p.amount)} {r.asset}"
                         + ("" if p.custodial else " (self-custody)") for p in r.places)
