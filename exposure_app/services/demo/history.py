"""Generates the demo's history from a seed, and writes it into a profile.

:func:`generate_demo_history` is a pure function of the seed, the moment
"now" and the exchanges served: the same inputs give identical captures and
prices, a different seed gives other prices and other open-order holds.
:func:`write_demo_history` stores the captures as snapshots (one
transaction) and the daily prices in the prices table.

Captures are weekly (Sundays), daily from late October to the end of 2022 so
the FTX collapse and the Binance run show day by day, on every day an
account's holdings change, and once today. FTX captures from its halt on
are a stuck claim: the same coins, all locked in a ``claim`` wallet, valued
at their price on the halt day times an illustrative recovery estimate that
starts near a few cents on the dollar, as FTX claims traded then, and ends
near the 119% the estate's first distribution paid small claims on
18 February 2025; from that day the FTX account is empty.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from itertools import pairwise

from exposure_app.domain.models import Holding, Snapshot, SnapshotSource, SnapshotStatus
from exposure_app.domain.money import mul
from exposure_app.domain.prices import MarketPrice
from exposure_app.services.demo.portfolio import (
    START,
    DemoAccountSpec,
    Line,
    Period,
    demo_specs,
)
from exposure_app.services.demo.prices import PricePath, generate_price_path
from exposure_app.storage.checklist import ReminderRepository
from exposure_app.storage.store import ProfileStore

DEFAULT_SEED = 20221108
CAPTURE_TIME = time(18, 0, tzinfo=UTC)
DAILY_FROM, DAILY_TO = date(2022, 10, 25), date(2022, 12, 31)
PRICE_SOURCE = "demo price path"
AMOUNT_QUANTUM = Decimal("1e-8")

# Illustrative recovery estimate for a stuck FTX balance (share of its value
# on the halt day), interpolated linearly between these points.
FTX_RECOVERY: tuple[tuple[date, float], ...] = (
    (date(2022, 11, 8), 0.10), (date(2022, 11, 14), 0.04), (date(2022, 12, 31), 0.06),
    (date(2023, 3, 31), 0.15), (date(2023, 6, 30), 0.35), (date(2023, 12, 31), 0.60),
    (date(2024, 6, 30), 0.90), (date(2024, 12, 31), 1.00), (date(2025, 2, 18), 1.19),
)


@dataclass(frozen=True, slots=True)
class DemoCapture:
    """One generated snapshot of the demo account ``account`` (a spec key)."""

    account: str
    taken_at: datetime
    holdings: tuple[Holding, ...]
    coverage: tuple[str, ...]
    source: SnapshotSource


@dataclass(frozen=True, slots=True)
class DemoHistory:
    seed: int
    start: date
    end: date
    now: datetime
    specs: tuple[DemoAccountSpec, ...]
    captures: tuple[DemoCapture, ...]
    prices: PricePath

    def captures_of(self, key: str) -> list[DemoCapture]:
        return [c for c in self.captures if c.account == key]


def recovery_estimate(day: date) -> Decimal:
    """The share of a stuck FTX balance's halt-day value assumed recoverable on ``day``."""
    points = FTX_RECOVERY
    if day <= points[0][0]:
        share = points[0][1]
    elif day >= points[-1][0]:
        share = points[-1][1]
    else:
        share = points[-1][1]
        for (d0, s0), (d1, s1) in pairwise(points):
            if d0 <= day <= d1:
                share = s0 + (s1 - s0) * (day - d0).days / (d1 - d0).days
                break
    return Decimal(f"{share:.4f}")


def capture_days(spec: DemoAccountSpec, end: date) -> list[date]:
    days = {spec.opened, end}
    day = START + timedelta(days=(6 - START.weekday()) % 7)  # first Sunday
    while day <= end:
        days.add(day)
        day += timedelta(days=7)
    day = DAILY_FROM
    while day <= min(DAILY_TO, end):
        days.add(day)
        day += timedelta(days=1)
    days.update(p.start for p in spec.periods)
    if spec.halted_on is not None:
        days.add(spec.halted_on)
    last = end
    if spec.paid_out_on is not None and spec.paid_out_on <= end:
        days.add(spec.paid_out_on)
        last = spec.paid_out_on
    return sorted(d for d in days if spec.opened <= d <= last)


def _period_at(spec: DemoAccountSpec, day: date, end: date) -> tuple[Period, date]:
    """The period in force on ``day`` and the day it ends."""
    current, until = spec.periods[0], end
    for i, period in enumerate(spec.periods):
        if period.start <= day:
            current = period
            until = spec.periods[i + 1].start if i + 1 < len(spec.periods) else end
    return current, until


def _amount(line: Line, day: date, until: date) -> Decimal:
    if not line.apy or day >= until:
        return line.amount
    years = (until - day).days / 365
    return (line.amount / Decimal(f"{(1 + line.apy) ** years:.10f}")).quantize(AMOUNT_QUANTUM)


def _holding(line: Line, amount: Decimal, orders: Decimal, path: PricePath, day: date) -> Holding:
    locked = min(amount, line.locked + orders)
    price = path.price(line.asset, day)
    return Holding(
        wallet=line.wallet, asset=line.asset, free=amount - locked, locked=locked, total=amount,
        price=price, value=mul(amount, price), price_source=PRICE_SOURCE,
    )


def _claim(line: Line, path: PricePath, halted_on: date, day: date) -> Holding:
    rate = recovery_estimate(day)
    price = mul(path.price(line.asset, halted_on), rate)
    return Holding(
        wallet="claim", asset=line.asset, free=Decimal(0), locked=line.amount, total=line.amount,
        price=price, value=mul(line.amount, price),
        price_source=f"claim estimate: {rate * 100:.0f}% of the value when withdrawals halted",
    )


def _captures(
    spec: DemoAccountSpec, rng: random.Random, path: PricePath, end: date, today_at: datetime
) -> list[DemoCapture]:
    coverage = tuple(sorted({line.wallet for p in spec.periods for line in p.lines}))
    out = []
    for day in capture_days(spec, end):
        period, until = _period_at(spec, day, end)
        taken_at = today_at if day == end else datetime.combine(day, CAPTURE_TIME)
        if spec.paid_out_on is not None and day >= spec.paid_out_on:
            out.append(DemoCapture(spec.key, taken_at, (), ("claim",), spec.source))
            continue
        if spec.halted_on is not None and day >= spec.halted_on:
            holdings = tuple(_claim(line, path, spec.halted_on, day) for line in period.lines)
            out.append(DemoCapture(spec.key, taken_at, holdings, ("claim",), spec.source))
            continue
        drawn: list[Holding] = []
        for line in period.lines:
            amount = _amount(line, day, until)
            orders = Decimal(0)
            # Draw for every line with open orders, so a day's draws never depend on another's.
            hit, fraction = rng.random(), rng.uniform(0.05, line.in_orders or 0.05)
            if line.in_orders and day != end and hit < 0.6:
                orders = (amount * Decimal(f"{fraction:.4f}")).quantize(AMOUNT_QUANTUM)
            drawn.append(_holding(line, amount, orders, path, day))
        out.append(DemoCapture(spec.key, taken_at, tuple(drawn), coverage, spec.source))
    return out


def today_capture_time(now: datetime) -> datetime:
    """An hour before ``now``, but not before today's midnight (UTC)."""
    now = now.astimezone(UTC)
    midnight = datetime.combine(now.date(), time.min, tzinfo=UTC)
    return max(midnight, now - timedelta(hours=1))


def generate_demo_history(
    seed: int = DEFAULT_SEED,
    *,
    now: datetime,
    exchanges: Sequence[str] = ("binance", "okx", "kraken"),
) -> DemoHistory:
    """The demo's accounts' captures and the price path, from ``START`` to ``now``."""
    end = now.astimezone(UTC).date()
    if end <= START:
        raise ValueError(f"the demo history needs a date after {START}")
    specs = demo_specs(tuple(exchanges))
    assets = sorted({line.asset for s in specs for p in s.periods for line in p.lines} - {"USD"})
    path = generate_price_path(seed, START, end, assets)
    today_at = today_capture_time(now)
    captures: list[DemoCapture] = []
    for spec in specs:
        rng = random.Random(f"{seed}:holdings:{spec.key}")
        captures.extend(_captures(spec, rng, path, end, today_at))
    captures.sort(key=lambda c: (c.taken_at, c.account))
    return DemoHistory(seed, START, end, now, specs, tuple(captures), path)


def price_records(history: DemoHistory) -> Iterable[MarketPrice]:
    """One USD price per asset per day, at the capture time (today's at today's capture)."""
    day = history.start
    today_at = today_capture_time(history.now)
    while day <= history.end:
        taken_at = today_at if day == history.end else datetime.combine(day, CAPTURE_TIME)
        for asset in history.prices.assets:
            yield MarketPrice(asset, "USD", history.prices.price(asset, day), PRICE_SOURCE, taken_at)
        day += timedelta(days=1)


def write_demo_history(
    store: ProfileStore, history: DemoHistory, account_ids: Mapping[str, int]
) -> int:
    """Store every capture as a snapshot and every price; returns the snapshot count.

    ``account_ids`` maps each spec key to the stored account's id. All of it
    is one transaction: the demo profile is complete or empty.
    """
    missing = {s.key for s in history.specs} - set(account_ids)
    if missing:
        raise ValueError(f"no stored account for demo account(s) {', '.join(sorted(missing))}")
    with store.transaction():
        for capture in history.captures:
            store.snapshots.save(
                Snapshot(
                    id=None,
                    account_id=account_ids[capture.account],
                    taken_at=capture.taken_at,
                    status=SnapshotStatus.OK,
                    holdings=capture.holdings,
                    coverage=capture.coverage,
                    source=capture.source,
                )
            )
        store.prices.record(list(price_records(history)))
        first_seen: dict[str, datetime] = {}
        for capture in history.captures:
            first_seen.setdefault(capture.account, capture.taken_at)
        for key, taken_at in first_seen.items():   # added when first recorded, like a user's
            store.accounts.set_created_at(account_ids[key], taken_at)
        tests = ReminderRepository(store)
        for counterparty, tested_at in demo_withdrawal_tests(history):
            tests.record_test(counterparty, tested_at, "worked", note="demo test withdrawal",
                              now=tested_at)
    return len(history.captures)


# The demo user stopped testing FTX when its withdrawals halted.
_TESTS_UNTIL = {"ftx": date(2022, 11, 7)}


def demo_withdrawal_tests(history: DemoHistory) -> list[tuple[str, datetime]]:
    """Test withdrawals a careful user would have made: about every 91 days per custodian.

    The largest custodian's last test is 97 days old (so one reminder is due a
    week ago, as in daily use); the others were tested within the last three months.
    """
    first: dict[str, date] = {}
    keys = {s.key: s for s in history.specs}
    for capture in history.captures:
        spec = keys[capture.account]
        if spec.counterparty and capture.holdings:
            first.setdefault(spec.counterparty, capture.taken_at.date())
    out = []
    for index, (cp, since) in enumerate(sorted(first.items(), key=lambda kv: kv[1])):
        last = history.end - timedelta(days=97 if index == 0 else 20 + (index * 23) % 60)
        day = min(last, _TESTS_UNTIL.get(cp, last))
        while day >= since + timedelta(days=14):
            out.append((cp, datetime.combine(day, time(10, 0), tzinfo=UTC)))
            day -= timedelta(days=91)
    return sorted(out, key=lambda t: t[1])


def add_manual_accounts(store: ProfileStore, specs: Iterable[DemoAccountSpec]) -> dict[str, int]:
    """Create the demo's manual and self-custody accounts; returns key -> account id."""
    ids = {}
    for spec in specs:
        if spec.exchange_id is not None:
            continue
        account = store.accounts.add(spec.name, spec.kind, counterparty=spec.counterparty)
        ids[spec.key] = account.id
    return ids
