"""A market price as seen: one asset in a quote currency, at an instant, from a source.

The same record whether it was read at a sync to value holdings (kept as history in
``storage.prices``, the fallback shown with its age) or fetched by the price refresh
(the latest ticker per pair in ``storage.market_cache``).

Threading: a frozen dataclass; safe anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
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
