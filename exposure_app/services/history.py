"""Daily history of value per custodian, read from per-snapshot totals.

Each snapshot row carries the exact sum of its priced holdings
(``snapshots.total_value``), so a five-year daily series is a single ordered
scan of the snapshots table (one row per capture), never of the holdings.
Each day's figure is, for every account, its latest usable snapshot at or
before the end of that day (UTC): the same as-of rule as everywhere else.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from types import MappingProxyType

from exposure_app.domain.counterparties import CounterpartyDirectory
from exposure_app.domain.money import ZERO, add, share
from exposure_app.domain.timeutil import from_storage, to_storage
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


def first_snapshot_day(store: ProfileStore) -> date | None:
    row = store.db.execute("SELECT min(taken_at) FROM snapshots WHERE usable = 1").fetchone()
    return None if row[0] is None else from_storage(row[0]).date()


def iter_daily_history(
    store: ProfileStore,
    start: date,
    end: date,
    directory: CounterpartyDirectory,
) -> Iterator[HistoryPoint]:
    """Yield one :class:`HistoryPoint` per day from ``start`` to ``end`` inclusive."""
    if end < start:
        return
    holder: dict[int, str] = {}
    for account in store.accounts.list():
        holder[account.id] = (
            directory.resolve(account.counterparty)
            if account.is_custodial and account.counterparty
            else SELF_CUSTODY
        )
    cursor = store.db.execute(
        "SELECT account_id, taken_at, total_value FROM snapshots "
        "WHERE usable = 1 AND taken_at <= ? ORDER BY taken_at, id",
        [to_storage(_end_of(end))],
    )
    current: dict[int, Decimal] = {}
    pending = cursor.fetchone()
    day = start
    while day <= end:
        bound = to_storage(_end_of(day))
        while pending is not None and pending[1] <= bound:
            current[pending[0]] = Decimal(pending[2])
            pending = cursor.fetchone()
        per: dict[str, Decimal] = defaultdict(lambda: ZERO)
        for account_id, value in current.items():
            key = holder.get(account_id)
            if key is not None:
                per[key] = add(per[key], value)
        self_custody = per.pop(SELF_CUSTODY, ZERO)
        custodial = add(*per.values())
        yield HistoryPoint(
            day=day,
            by_counterparty=MappingProxyType(dict(per)),
            self_custody=self_custody,
            custodial=custodial,
            net_worth=add(custodial, self_custody),
        )
        day += timedelta(days=1)


def daily_history(
    store: ProfileStore, start: date, end: date, directory: CounterpartyDirectory
) -> list[HistoryPoint]:
    return list(iter_daily_history(store, start, end, directory))
