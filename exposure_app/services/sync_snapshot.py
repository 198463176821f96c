"""Turning one account's reading into a snapshot, and storing it.

A wallet that could not be read this time (``reading.missing``) keeps its
rows from the last good snapshot, marked with ``carried_from``, so the
account's total is never silently partial; the snapshot is ``partial`` and
names the wallet and the reason. Every holding is valued through the
:class:`~exposure_app.exchanges.pricing.PriceBook`; one without any price
stays in the snapshot unpriced.

Threading: called on the sync thread with that thread's store.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from exposure_app.domain.balances import AccountReading
from exposure_app.domain.checklist import LockDetail
from exposure_app.domain.models import (
    Account,
    Holding,
    Snapshot,
    SnapshotSource,
    SnapshotStatus,
)
from exposure_app.domain.money import ZERO, add, mul
from exposure_app.domain.prices import MarketPrice
from exposure_app.exchanges.pricing import PriceBook, Valuation
from exposure_app.storage.checklist import HoldingLockRepository
from exposure_app.storage.store import ProfileStore


@dataclass(frozen=True, slots=True)
class BuiltSnapshot:
    snapshot: Snapshot
    prices: tuple[MarketPrice, ...]
    total_value: Decimal
    wallet_values: dict[str, Decimal]
    unpriced: tuple[str, ...]
    assumed: tuple[str, ...]
    carried_wallets: tuple[str, ...]
    carried_locks: tuple[LockDetail, ...] = ()


def _holding(wallet: str, asset: str, free: Decimal, locked: Decimal, total: Decimal,
             valuation: Valuation | None, carried_from: int | None) -> Holding:
    if valuation is None:
        return Holding(wallet, asset, free, locked, total, carried_from=carried_from)
    return Holding(
        wallet, asset, free, locked, total, price=valuation.price,
        value=mul(total, valuation.price), price_source=valuation.source,
        carried_from=carried_from,
    )


def build_snapshot(
    account: Account,
    reading: AccountReading,
    book: PriceBook,
    taken_at: datetime,
    last_good: Snapshot | None,
    locks_of: Callable[[int], list[LockDetail]] = lambda snapshot_id: [],
) -> BuiltSnapshot:
    home = account.exchange_id
    holdings: list[Holding] = []
    valuations: dict[str, Valuation | None] = {}

    def value_of(asset: str) -> Valuation | None:
        if asset not in valuations:
            valuations[asset] = book.value(asset, home)
        return valuations[asset]

    for row in reading.balances:
        holdings.append(_holding(row.wallet, row.asset, row.free, row.locked, row.total,
                                 value_of(row.asset), None))
    missing = dict(reading.missing)
    carried: list[str] = []
    for wallet in reading.missing:
        rows = [h for h in (last_good.holdings if last_good else ()) if h.wallet == wallet]
        if last_good is None or last_good.id is None:
            missing[wallet] += " No earlier figures exist for this wallet."
            continue
        if wallet not in last_good.coverage and not rows:
            missing[wallet] += " No earlier figures exist for this wallet."
            continue
        when = taken_at_text(last_good.taken_at)
        missing[wallet] += f" Its figures from {when} are carried forward."
        carried.append(wallet)
        for h in rows:
            holdings.append(_holding(h.wallet, h.asset, h.free, h.locked, h.total,
                                     value_of(h.asset), h.carried_from or last_good.id))
    # lock reasons of the rows read now are recorded by the checklist's after-sync
    # hook; those of carried rows are copied here, with the rows
    carried_locks: list[LockDetail] = []
    if last_good is not None and last_good.id is not None and carried:
        carried_locks = [k for k in locks_of(last_good.id) if k.wallet in carried]
    status = SnapshotStatus.PARTIAL if missing else SnapshotStatus.OK
    snapshot = Snapshot(
        id=None, account_id=account.id, taken_at=taken_at, status=status,
        holdings=tuple(holdings), coverage=reading.coverage, missing=missing,
        source=SnapshotSource.SYNC, currency=book.target,
    )
    wallet_values: dict[str, Decimal] = {}
    for h in holdings:
        if h.value is not None:
            wallet_values[h.wallet] = add(wallet_values.get(h.wallet, ZERO), h.value)
    records = tuple(
        MarketPrice(asset, book.target, v.price, v.source, taken_at)
        for asset, v in sorted(valuations.items())
        if v is not None and v.recordable and asset != book.target
    )
    return BuiltSnapshot(
        snapshot=snapshot,
        prices=records,
        total_value=add(*wallet_values.values()),
        wallet_values=wallet_values,
        unpriced=tuple(sorted({h.asset for h in holdings if h.value is None})),
        assumed=tuple(sorted(a for a, v in valuations.items()
                             if v is not None and "assumed" in v.source)),
        carried_wallets=tuple(carried),
        carried_locks=tuple(carried_locks),
    )


def taken_at_text(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def save_snapshot(store: ProfileStore, built: BuiltSnapshot) -> int:
    """The snapshot, its holdings, carried lock details and the prices it used,
    in one transaction."""
    with store.transaction():
        snapshot_id = store.snapshots.save(built.snapshot)
        if built.carried_locks:
            HoldingLockRepository(store).record(snapshot_id, built.carried_locks)
        if built.prices:
            store.prices.record(list(built.prices))
    return snapshot_id
