"""Exposure math: where the user's value sits, as of one instant.

Definitions (also in the README):

* **Net worth** is the sum of the priced holdings of every account's latest
  usable snapshot at or before the "as of" instant. Unpriced holdings are
  listed apart in ``unpriced`` and never silently dropped or counted as zero.
* **Direct** exposure to a custodian is the value it holds for the user.
* **Affiliated** exposure is the value of the custodian's own tokens (BNB,
  FTT, ...) held *elsewhere*, self-custody included. Tokens held at the
  custodian itself are already in its direct figure, so counting them again
  would overstate what could be lost.
* **Issuers** (a separate group) are stablecoin issuers, exposed through the
  value of their coins held anywhere.
* **HHI** is the Herfindahl-Hirschman index over custodians: the sum of the
  squares of each custodian's share of the custodial total, from near 0 (spread
  over many) to 1 (all with one).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TypeVar

from exposure_app.domain.counterparties import CounterpartyDirectory
from exposure_app.domain.models import AccountState, captured
from exposure_app.domain.money import ZERO, add, mul, share


@dataclass(frozen=True, slots=True)
class ValueShare:
    value: Decimal
    share: Decimal


@dataclass(frozen=True, slots=True)
class CounterpartyExposure:
    counterparty: str
    name: str
    direct: Decimal
    affiliated: Decimal
    value: Decimal
    share: Decimal
    direct_share: Decimal
    accounts: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class IssuerExposure:
    issuer: str
    name: str
    assets: tuple[str, ...]
    value: Decimal
    share: Decimal


@dataclass(frozen=True, slots=True)
class AssetExposure:
    asset: str
    value: Decimal
    share: Decimal


@dataclass(frozen=True, slots=True)
class UnpricedHolding:
    account: str
    counterparty: str | None
    wallet: str
    asset: str
    amount: Decimal


@dataclass(frozen=True, slots=True)
class ExposureReport:
    as_of: datetime
    base_currency: str
    net_worth: Decimal
    custodial: ValueShare
    self_custody: ValueShare
    counterparties: tuple[CounterpartyExposure, ...]
    issuers: tuple[IssuerExposure, ...]
    assets: tuple[AssetExposure, ...]
    hhi: Decimal
    unpriced: tuple[UnpricedHolding, ...]
    accounts: tuple[AccountState, ...]

    def counterparty(self, counterparty_id: str) -> CounterpartyExposure | None:
        for row in self.counterparties:
            if row.counterparty == counterparty_id:
                return row
        return None


_Row = TypeVar("_Row", "CounterpartyExposure", "IssuerExposure", "AssetExposure")


def _sorted_desc(items: Iterable[_Row], key: Callable[[_Row], Decimal]) -> tuple[_Row, ...]:
    return tuple(sorted(items, key=lambda item: (-key(item), _name_key(item))))


def _name_key(item: CounterpartyExposure | IssuerExposure | AssetExposure) -> str:
    if isinstance(item, CounterpartyExposure):
        return item.counterparty
    if isinstance(item, AssetExposure):
        return item.asset
    return item.issuer


def compute_exposure(
    states: Iterable[AccountState],
    *,
    as_of: datetime,
    base_currency: str,
    directory: CounterpartyDirectory | None = None,
) -> ExposureReport:
    """Aggregate account states into an :class:`ExposureReport`.

    ``states`` must already be the as-of view (latest usable snapshot at or
    before ``as_of`` per account); this function does no time filtering so
    that it stays a pure sum over what it is given.
    """
    directory = directory or CounterpartyDirectory()
    states = tuple(states)
    direct: dict[str, Decimal] = defaultdict(lambda: ZERO)
    direct_accounts: dict[str, set[str]] = defaultdict(set)
    token_value: dict[tuple[str, str | None], Decimal] = defaultdict(lambda: ZERO)
    assets: dict[str, Decimal] = defaultdict(lambda: ZERO)
    unpriced: list[UnpricedHolding] = []
    custodial = ZERO
    self_custody = ZERO

    for state, snapshot in captured(states):
        account = state.account
        holder = directory.holder(account.counterparty)
        if account.is_custodial and holder is not None:
            direct_accounts[holder].add(account.name)
        for holding in snapshot.holdings:
            if holding.value is None:
                if holding.total != 0:
                    unpriced.append(
                        UnpricedHolding(
                            account.name, holder, holding.wallet, holding.asset, holding.total
                        )
                    )
                continue
            value = holding.value
            assets[holding.asset] = add(assets[holding.asset], value)
            token_value[(holding.asset.upper(), holder)] = add(
                token_value[(holding.asset.upper(), holder)], value
            )
            if account.is_custodial and holder is not None:
                direct[holder] = add(direct[holder], value)
                custodial = add(custodial, value)
            else:
                self_custody = add(self_custody, value)

    net_worth = add(custodial, self_custody)

    affiliated: dict[str, Decimal] = defaultdict(lambda: ZERO)
    issuer_value: dict[str, Decimal] = defaultdict(lambda: ZERO)
    issuer_assets: dict[str, set[str]] = defaultdict(set)
    for (asset, holder), value in token_value.items():
        owner = directory.affiliated_owner(asset)
        if owner is not None and owner != holder:
            affiliated[owner] = add(affiliated[owner], value)
        issuer = directory.stablecoin_issuer(asset)
        if issuer is not None:
            issuer_value[issuer] = add(issuer_value[issuer], value)
            issuer_assets[issuer].add(asset)

    rows = []
    for cp_id in set(direct) | set(affiliated):
        d = direct.get(cp_id, ZERO)
        a = affiliated.get(cp_id, ZERO)
        total = add(d, a)
        rows.append(
            CounterpartyExposure(
                counterparty=cp_id,
                name=directory.name(cp_id),
                direct=d,
                affiliated=a,
                value=total,
                share=share(total, net_worth),
                direct_share=share(d, net_worth),
                accounts=tuple(sorted(direct_accounts.get(cp_id, ()))),
            )
        )

    hhi = ZERO
    for value in direct.values():
        s = share(value, custodial)
        hhi = add(hhi, mul(s, s))

    issuers = [
        IssuerExposure(
            issuer=issuer,
            name=directory.name(issuer),
            assets=tuple(sorted(issuer_assets[issuer])),
            value=value,
            share=share(value, net_worth),
        )
        for issuer, value in issuer_value.items()
    ]
    asset_rows = [
        AssetExposure(asset, value, share(value, net_worth)) for asset, value in assets.items()
    ]

    return ExposureReport(
        as_of=as_of,
        base_currency=base_currency,
        net_worth=net_worth,
        custodial=ValueShare(custodial, share(custodial, net_worth)),
        self_custody=ValueShare(self_custody, share(self_custody, net_worth)),
        counterparties=_sorted_desc(rows, lambda r: r.value),
        issuers=_sorted_desc(issuers, lambda r: r.value),
        assets=_sorted_desc(asset_rows, lambda r: r.value),
        hhi=hhi,
        unpriced=tuple(
            sorted(unpriced, key=lambda u: (u.account, u.wallet, u.asset))
        ),
        accounts=states,
    )
