"""How much of each asset the user holds in all, and where (the Holdings page's "Per asset").

Users of portfolio trackers expect one line per asset: "BTC 1.42 in all: 0.6
Ledger, 0.42 Binance, 0.4 Kraken". :func:`asset_totals` adds up every
account's latest usable holdings (as of the report's date), per asset.

Threading: pure; runs anywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from exposure_app.domain.models import AccountState
from exposure_app.domain.money import ZERO, add, share


@dataclass(frozen=True, slots=True)
class AssetPlace:
    account: str
    custodial: bool
    amount: Decimal


@dataclass(frozen=True, slots=True)
class AssetTotal:
    asset: str
    amount: Decimal
    value: Decimal | None          # None when some of it has no price
    share: Decimal | None          # of net worth (priced value only)
    custodial_amount: Decimal      # the part a custodian holds
    places: tuple[AssetPlace, ...]  # largest first

    @property
    def custodial_fraction(self) -> Decimal:
        return share(self.custodial_amount, self.amount)


def asset_totals(states: Iterable[AccountState], net_worth: Decimal) -> list[AssetTotal]:
    """One :class:`AssetTotal` per asset held anywhere, largest value first."""
    amounts: dict[str, dict[str, list[Any]]] = {}   # asset -> account -> [amount, custodial]
    values: dict[str, list[Decimal]] = {}
    unpriced: set[str] = set()
    for state in states:
        if state.snapshot is None:
            continue
        account = state.account
        for h in state.snapshot.holdings:
            if h.total == 0:
                continue
            per_account = amounts.setdefault(h.asset, {})
            entry = per_account.setdefault(account.name, [ZERO, account.is_custodial])
            entry[0] = add(entry[0], h.total)
            if h.value is None:
                unpriced.add(h.asset)
            else:
                values.setdefault(h.asset, []).append(h.value)
    out = []
    for asset, per_account in amounts.items():
        places = tuple(sorted((AssetPlace(name, custodial, amount)
                               for name, (amount, custodial) in per_account.items()),
                              key=lambda p: (-p.amount, p.account)))
        total = add(*(p.amount for p in places))
        priced = add(*values.get(asset, ()))
        value = None if asset in unpriced else priced
        out.append(AssetTotal(asset, total, value,
                              share(priced, net_worth) if net_worth else None,
                              add(*(p.amount for p in places if p.custodial)), places))
    out.sort(key=lambda t: (t.value is None, -(t.value or ZERO), t.asset))
    return out
