"""Recorded prices: the last known price is a fallback, shown with its age."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from exposure_app.domain.money import to_text
from exposure_app.domain.prices import MarketPrice
from exposure_app.domain.timeutil import from_storage, to_storage
from exposure_app.storage.repository import Repository, row_mapper

MARKET_PRICE_ROW = row_mapper(MarketPrice, None, None, Decimal, None, from_storage)
"""(asset, quote, price, source, taken_at) as a :class:`MarketPrice`; the market cache's
tickers are the same rows."""


def market_price_columns(price: MarketPrice) -> tuple[str, str, str, str, str]:
    """``price`` as stored: (asset, quote, price, source, taken_at), exact text; what
    :data:`MARKET_PRICE_ROW` reads back."""
    return (price.asset, price.quote, to_text(price.price), price.source,
            to_storage(price.taken_at))


class PriceRepository(Repository):
    """Threading: same as the owning :class:`ProfileStore`."""

    def record(self, records: list[MarketPrice]) -> None:
        with self._store.transaction() as db:
            db.conn.executemany(
                "INSERT INTO prices (asset, quote, price, source, taken_at) VALUES (?, ?, ?, ?, ?)",
                [market_price_columns(r) for r in records],
            )

    def latest(self, asset: str, quote: str, as_of: datetime) -> MarketPrice | None:
        return self._one(
            "SELECT asset, quote, price, source, taken_at FROM prices "
            "WHERE asset = ? AND quote = ? AND taken_at <= ? ORDER BY taken_at DESC LIMIT 1",
            [asset, quote, to_storage(as_of)], MARKET_PRICE_ROW)
