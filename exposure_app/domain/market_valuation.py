"""Which hand-recorded holdings follow the market, and how they are re-valued.

A holding recorded by hand (a self-custody wallet, a custodian the user does
not connect) is either

* **priced by the user**: they gave a price or value (``price_source`` is
  ``"manual"``, or the import's and demo's own labels). That figure is kept as
  it is: a claim on a bankrupt custodian or an illiquid token is worth what the
  user says, not what an exchange quotes for the token;
* **market-priced**: no price of the user's own. It is valued from the market
  prices the app records while syncing (``price_source`` starting with
  :data:`MARKET_PREFIX`), and is *unpriced* (reported apart, never dropped)
  until a price is known.

Pure functions; no storage, no network.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from decimal import Decimal

from exposure_app.domain.models import Holding
from exposure_app.domain.money import mul

#: ``price_source`` of a hand-recorded holding valued from a market price.
MARKET_PREFIX = "market: "


def follows_market(holding: Holding) -> bool:
    """Whether the app prices this holding (the user gave no price of their own)."""
    return holding.price_source is None or holding.price_source.startswith(MARKET_PREFIX)


def with_market_price(holding: Holding, price: Decimal, label: str) -> Holding:
    """``holding`` valued at ``price``, its source saying where the price came from."""
    return replace(holding, price=price, value=mul(holding.total, price),
                   price_source=MARKET_PREFIX + label)


def without_market_price(holding: Holding) -> Holding:
    """The holding as the user recorded it: a market-filled price removed."""
    if holding.price_source is None or not follows_market(holding):
        return holding
    return replace(holding, price=None, value=None, price_source=None)


def revalued(
    holdings: Iterable[Holding], price_of: Callable[[str], tuple[Decimal, str] | None]
) -> tuple[Holding, ...] | None:
    """The holdings re-valued at ``price_of(asset)``; ``None`` if no figure changes.

    ``price_of`` returns ``(price, label)`` or ``None`` when no price is known,
    in which case the holding keeps the price it had (or stays unpriced).
    Holdings priced by the user are never touched.
    """
    result: list[Holding] = []
    changed = False
    for holding in holdings:
        found = price_of(holding.asset) if follows_market(holding) else None
        if found is None:
            result.append(holding)
            continue
        new = with_market_price(holding, found[0], found[1])
        changed = changed or (new.price, new.value) != (holding.price, holding.value)
        result.append(new)
    return tuple(result) if changed else None
