"""Market prices as seen: one asset in a quote currency, from a source.

:class:`MarketPrice` is a price at an instant: the same record whether an exchange's
ticker was read at a sync to value holdings (``exchanges.pricing``; kept as history in
``storage.prices``, the fallback shown with its age) or by the price refresh
(``exchanges.market_data``; the latest ticker per pair in ``storage.market_cache``).
:class:`DailyClose` is the price at the end of a UTC day, as the price refresh reads
it from a source's daily candles and the market cache keeps it.

Threading: a frozen dataclass; safe anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class MarketPrice:
    """``1 asset = price quote`` at ``taken_at``, from ``source`` (an exchange and its pair,
    or a label saying where the figure came from)."""

    asset: str
    quote: str
    price: Decimal
    source: str
    taken_at: datetime


@dataclass(frozen=True, slots=True)
class DailyClose:
    """``1 asset = close quote`` at the end of the UTC ``day``, from ``source`` (an exchange)."""

    asset: str
    quote: str
    day: date
    close: Decimal
    source: str
