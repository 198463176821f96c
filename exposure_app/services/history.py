"""Daily history of value per custodian, read from per-snapshot totals.

Each snapshot row carries the exact sum of its priced holdings
(``snapshots.total_value``), so a five-year daily series is a single ordered
scan of the snapshots table (one row per capture), never of the holdings.
Each day's figure is, for every account, its latest usable snapshot at or
before the end of that day (UTC): the same as-of rule as everywhere else.
Hand-recorded holdings that follow the market (a hardware wallet's BTC) are
valued at each day's cached close (``services.price_lookup``), so their line
moves with the market between records; without a close, the value recorded
with them is used.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from types import MappingProxyType

from exposure_app.domain.counterparties import CounterpartyDirectory
from exposure_app.domain.market_valuation import MARKET_PREFIX
from exposure_app.domain.models import AccountKind
from exposure_app.domain.money import ZERO, share
from exposure_app.domain.timeutil import from_storage, to_storage, utc_now
from exposure_app.services.price_lookup import MarketPrices
from exposure_app.storage.store import ProfileStore

SELF_CUSTODY = "self_custody"


@dataclass(frozen=True, slots=True)
class HistoryPoint:
    """One day: value per custodian (direct holdings), self-custody, totals."""

    day: date
    by_counterparty: Mapping[str, Decimal]
    self_custody: Decimal
    custodial: Decimal
    net_worth: Decimal

    @property
    def custodial_share(self) -> Decimal:
        return share(self.custodial, self.net_worth)


def _end_of(day: date) -> datetime:
    return datetime.combine(day, time.max, tzinfo=UTC)


# ``to_storage(_end_of(day))`` for any day is the day's ISO date followed by this
# suffix; building the bound as text avoids a datetime round trip per day,
# which was the largest single cost of a five-year series.
_END_OF_DAY_SUFFIX = to_storage(_end_of(date(2000, 1, 1)))[len("2000-01-01"):]


# Every usable capture in time order; one sequential read of the covering
# index ``idx_snapshots_history`` (migration 5).
HISTORY_WALK_SQL = (
    "SELECT account_id, taken_at, total_value, id FROM snapshots "
    "WHERE usable = 1 AND taken_at <= ? ORDER BY taken_at, id"
)

# Hand-recorded holdings that follow the market (no price of the user's own, see
# ``domain.market_valuation.follows_market``); the last parameter is MARKET_PREFIX + "%".
_MARKET_HOLDINGS_SQL = (
    "SELECT h.snapshot_id, h.asset, h.total, h.value FROM snapshots s "
    "JOIN holdings h ON h.snapshot_id = s.id "
    "WHERE s.account_id = ? AND s.usable = 1 AND s.taken_at <= ? "
    "AND (h.price_source IS NULL OR h.price_source LIKE ?) AND h.total != '0'"
)


@dataclass(frozen=True, slots=True)
class _MarketSnapshot:
    """A capture whose market-following holdings are valued at each day's close."""

    fixed: Decimal                                     # holdings priced by the user
    holdings: tuple[tuple[str, Decimal, Decimal], ...]  # asset, amount, value when recorded

    def value_on(self, prices: MarketPrices, currency: str, day: date | None) -> Decimal:
        total = self.fixed
        for asset, amount, recorded in self.holdings:
            point = prices.price(asset, currency, day)
            total += recorded if point is None else amount * point.price
        return total


def _market_snapshots(store: ProfileStore, account_ids: list[int], end: date
                      ) -> tuple[dict[int, list[tuple[str, Decimal, Decimal]]], set[str]]:
    """Market-following holdings of the hand-recorded accounts' captures (exchange
    accounts are priced by their syncs and never read here)."""
    by_snapshot: dict[int, list[tuple[str, Decimal, Decimal]]] = {}
    assets: set[str] = set()
    bound = end_of_day_bound(end)
    for account_id in account_ids:
        for snapshot_id, asset, total, value in store.db.execute(
                _MARKET_HOLDINGS_SQL, [account_id, bound, MARKET_PREFIX + "%"]):
            by_snapshot.setdefault(snapshot_id, []).append(
                (asset, Decimal(total), Decimal(value) if value is not None else ZERO))
            assets.add(asset)
    return by_snapshot, assets


def end_of_day_bound(day: date) -> str:
    """The storage text of the last instant of ``day`` (UTC), for comparisons in SQL."""
    return day.isoformat() + _END_OF_DAY_SUFFIX


def first_snapshot_day(store: ProfileStore) -> date | None:
    row = store.db.execute("SELECT min(taken_at) FROM snapshots WHERE usable = 1").fetchone()
    return None if row[0] is None else from_storage(row[0]).date()


def iter_daily_history(
    store: ProfileStore,
    start: date,
    end: date,
    directory: CounterpartyDirectory,
    *,
    every: int = 1,
) -> Iterator[HistoryPoint]:
    """Yield one :class:`HistoryPoint` per day from ``start`` to ``end`` inclusive.

    ``every`` > 1 yields only every ``every``-th day from ``start``, and always
    ``end``: a chart that cannot show more points than it has pixels asks for
    no more. Every capture is still read, so each yielded day is exact.
    """
    if every < 1:
        raise ValueError(f"every must be at least 1, not {every}")
    if end < start:
        return
    holder: dict[int, str] = {}
    hand_recorded: list[int] = []
    for account in store.accounts.list():
        if account.kind is not AccountKind.EXCHANGE_API:
            hand_recorded.append(account.id)
        holder[account.id] = (
            directory.resolve(account.counterparty)
            if account.is_custodial and account.counterparty
            else SELF_CUSTODY
        )
    # One row per capture (not per holding), so even a long history is small.
    rows = store.db.execute(HISTORY_WALK_SQL, [end_of_day_bound(end)]).fetchall()
    # Wallets recorded by hand move with the market between records: their
    # market-following holdings are valued at each day's cached close.
    market_holdings, market_assets = _market_snapshots(store, hand_recorded, end)
    currency = store.value_currency
    today = utc_now().date()
    prices = MarketPrices.load(store, utc_now(), market_assets) if market_assets else None
    moving: dict[int, _MarketSnapshot] = {}
    count, i = len(rows), 0
    # Each account's latest total so far, as stored text: reading a capture
    # costs a dict update, and the per-custodian sums are made only for the
    # days that are kept (a chart keeps about one day in three of five years).
    current: dict[int, str] = {}
    day = start
    one_day = timedelta(days=1)
    while day <= end:
        # Stored times are fixed-width UTC text that starts with the UTC day, so
        # "taken by the end of this day" is "its first ten characters <= the day".
        day_text = day.isoformat()
        while i < count and rows[i][1][:10] <= day_text:
            account_id, _taken, text, snapshot_id = rows[i]
            i += 1
            if account_id in holder:
                current[account_id] = text
                held = market_holdings.get(snapshot_id)
                if held is None:
                    moving.pop(account_id, None)
                else:
                    recorded = sum((v for _a, _t, v in held), ZERO)
                    moving[account_id] = _MarketSnapshot(Decimal(text) - recorded, tuple(held))
        skipped = every > 1 and (day - start).days % every and day != end
        if skipped:
            day += one_day
            continue
        totals: dict[str, Decimal] = {}
        for account_id, text in current.items():
            key = holder[account_id]
            market = moving.get(account_id)
            value = (Decimal(text) if market is None or prices is None
                     else market.value_on(prices, currency, None if day >= today else day))
            totals[key] = totals.get(key, ZERO) + value
        per = {k: v for k, v in totals.items() if k != SELF_CUSTODY and v}
        self_custody = totals.get(SELF_CUSTODY, ZERO)
        custodial = sum(per.values(), ZERO)
        yield HistoryPoint(
            day=day,
            by_counterparty=MappingProxyType(per),
            self_custody=self_custody,
            custodial=custodial,
            net_worth=custodial + self_custody,
        )
        day += one_day


def daily_history(
    store: ProfileStore, start: date, end: date, directory: CounterpartyDirectory,
    *, every: int = 1,
) -> list[HistoryPoint]:
    return list(iter_daily_history(store, start, end, directory, every=every))
