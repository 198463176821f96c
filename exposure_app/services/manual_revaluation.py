"""Hand-recorded holdings follow the market prices a sync reads.

After a sync has priced the exchange accounts, every self-custody wallet and
manual custodian whose latest snapshot holds *market-priced* holdings (no
price of the user's own, see :mod:`exposure_app.domain.market_valuation`) is
re-valued at this sync's live prices. When a value changes, a new snapshot
(source ``revalued``) with the same amounts is written at the sync's time, so
the overview, the history chart and every report see the same figures, and
the history keeps what the holdings were worth before.

A re-valued snapshot replaces an earlier one of the same UTC day instead of
piling up beside it: the history walks days and keeps each day's last
snapshot, so the earlier ones of that day would never be read again, while an
hourly auto-sync of a few dozen wallet holdings would add hundreds of
thousands of rows a year. Snapshots the user wrote (``manual``, ``import``)
are never replaced.

Only live prices from this sync are used (ccxt quotes, or a conversion through
a stablecoin taken at 1 USD), never an older "last known" price: a re-valuation
must not be staler than the snapshot it replaces. Holdings priced by the user
(claims, illiquid tokens) keep their price.

:func:`price_from_records` values a holding the user has just recorded at
its date's market close (today: the cached ticker) from the market price
cache (``services.price_lookup``), else from the last price a sync stored,
so it is not unpriced until the next sync.

Threading: runs on the thread that owns ``store`` (the sync thread, or the
GUI/CLI thread for :func:`price_from_records`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal

from exposure_app.domain.market_valuation import follows_market, revalued, with_market_price
from exposure_app.domain.models import AccountKind, Holding, Snapshot, SnapshotSource
from exposure_app.domain.timeutil import describe_age, utc_now
from exposure_app.services.price_lookup import MarketPrices
from exposure_app.storage.store import ProfileStore

PriceOf = Callable[[str], "tuple[Decimal, str] | None"]


def revalue_manual_accounts(store: ProfileStore, price_of: PriceOf, taken_at: datetime) -> list[int]:
    """Write a re-valued snapshot for each hand-recorded account whose value moved.

    Returns the ids of the accounts that got one. All in one transaction:
    either every re-valuation of this sync is stored or none is.
    """
    from exposure_app.domain.watch_only import is_watch_only

    changed: list[int] = []
    with store.transaction():
        for account in store.accounts.list():
            if account.kind is AccountKind.EXCHANGE_API or is_watch_only(account):
                continue   # read by the sync itself (a failed read must stay stale)
            latest = store.snapshots.latest_usable(account.id, taken_at)
            if latest is None or latest.taken_at >= taken_at:
                continue
            holdings = revalued(latest.holdings, price_of)
            if holdings is None:
                continue
            if _same_day_revaluation(latest, taken_at) and latest.id is not None:
                store.snapshots.delete(latest.id)
            store.snapshots.save(Snapshot(
                id=None, account_id=account.id, taken_at=taken_at, status=latest.status,
                holdings=holdings, coverage=latest.coverage, missing=latest.missing,
                source=SnapshotSource.REVALUED, currency=latest.currency,
            ))
            changed.append(account.id)
    return changed


def _same_day_revaluation(latest: Snapshot, taken_at: datetime) -> bool:
    return (latest.source is SnapshotSource.REVALUED and latest.id is not None
            and latest.taken_at.astimezone(UTC).date() == taken_at.astimezone(UTC).date())


def price_from_records(store: ProfileStore, holding: Holding, base: str, when: datetime,
                       market: MarketPrices | None = None) -> Holding:
    """``holding`` valued at ``when``'s close (or the last stored price), if it follows the market.

    ``market``: the cache already loaded (an import values many rows with one).
    """
    if not follows_market(holding) or holding.priced:
        return holding
    now = utc_now()
    market = market or MarketPrices.load(store, now, [holding.asset, base])
    day = None if when.astimezone(UTC).date() >= now.date() else when.astimezone(UTC).date()
    point = market.price(holding.asset, base, day)
    if point is not None:
        return with_market_price(holding, point.price, point.label)
    record = store.prices.latest(holding.asset, base, when)
    if record is None:
        return holding
    label = f"last known price ({describe_age(record.taken_at, when)}; {record.source})"
    return with_market_price(holding, record.price, label)
