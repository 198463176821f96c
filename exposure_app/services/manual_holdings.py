"""Recording holdings by hand for manual-custodial and self-custody accounts.

Each change writes a new snapshot (the previous holdings with the one asset
changed), so history keeps what the user held before the change.

A holding given without a price or value follows the market
(``domain.market_valuation``): it is valued at once from the last price a
sync stored (when ``base`` is given and one exists), and re-valued by every
later sync (``services.manual_revaluation``). A price or value the user gives
is kept as it is.
"""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

from exposure_app.domain.bounds import BoundsError, check_entered_holding, check_holding_time
from exposure_app.domain.models import (
    Account,
    AccountKind,
    Holding,
    Snapshot,
    SnapshotSource,
    SnapshotStatus,
)
from exposure_app.domain.money import ZERO
from exposure_app.domain.timeutil import utc_now
from exposure_app.domain.watch_only import is_watch_only
from exposure_app.services.manual_revaluation import price_from_records
from exposure_app.storage.store import ProfileStore


class ManualHoldingError(ValueError):
    """The change cannot be made; the message says why."""


# Letters and digits first, then the punctuation real tickers use (BTC.F, USDT-E, 1000SATS).
_TICKER = re.compile(r"^[A-Z0-9][A-Z0-9._\-/$+]{0,31}$")


def normalise_asset(asset: str) -> str:
    code = asset.strip().upper()
    if not _TICKER.match(code):
        raise ManualHoldingError(
            f"{asset!r} is not an asset ticker (letters and digits, up to 32 characters)"
        )
    return code


def _editable(account: Account) -> None:
    if account.kind is AccountKind.EXCHANGE_API:
        raise ManualHoldingError(
            f"{account.name!r} is synced from its exchange; its holdings cannot be set by hand"
        )
    if is_watch_only(account):
        raise ManualHoldingError(
            f"{account.name!r} watches an address; its holdings are read from the chain"
        )


def make_holding(
    asset: str,
    amount: Decimal,
    *,
    price: Decimal | None = None,
    value: Decimal | None = None,
    wallet: str = "main",
) -> Holding:
    if amount < 0:
        raise ManualHoldingError("amount must not be negative")
    if price is not None and value is not None:
        raise ManualHoldingError("give a price or a value, not both")
    if (price is not None and price < 0) or (value is not None and value < 0):
        raise ManualHoldingError("price and value must not be negative")
    try:
        check_entered_holding(amount, price, value)
    except BoundsError as exc:
        raise ManualHoldingError(str(exc)) from None
    source = "manual" if price is not None or value is not None else None
    return Holding.simple(
        normalise_asset(asset), amount, wallet=wallet, price=price, value=value,
        price_source=source,
    )


def set_holding(
    store: ProfileStore,
    account: Account,
    asset: str,
    amount: Decimal,
    *,
    price: Decimal | None = None,
    value: Decimal | None = None,
    when: datetime | None = None,
    base: str | None = None,
) -> Snapshot:
    """Set ``asset`` to ``amount`` (zero removes it) as of ``when`` (default now).

    ``base`` is the profile's base currency: with it, a holding without a price
    of the user's own is valued at the last price stored for it.
    """
    _editable(account)
    now = utc_now()
    when = when or now
    try:
        check_holding_time(when, now)
    except BoundsError as exc:
        raise ManualHoldingError(str(exc)) from None
    new = make_holding(asset, amount, price=price, value=value)
    if base is not None:
        new = price_from_records(store, new, base, when)
    with store.transaction():
        previous = store.snapshots.latest_usable(account.id, when)
        kept = [
            h for h in (previous.holdings if previous else ())
            if not (h.asset == new.asset and h.wallet == new.wallet)
        ]
        if amount != ZERO:
            kept.append(new)
        snapshot = Snapshot(
            id=None,
            account_id=account.id,
            taken_at=when,
            status=SnapshotStatus.OK,
            holdings=tuple(kept),
            coverage=("main",),
            source=SnapshotSource.MANUAL,
            currency=base,
        )
        snapshot_id = store.snapshots.save(snapshot)
    saved = store.snapshots.get(snapshot_id)
    assert saved is not None
    return saved


def remove_holding(
    store: ProfileStore, account: Account, asset: str, *, when: datetime | None = None
) -> Snapshot:
    return set_holding(store, account, asset, ZERO, when=when)
