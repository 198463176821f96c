"""Builds large synthetic profiles quickly (direct SQL, one transaction).

The rows go through the real schema (migrations applied by ProfileStore), so
the benchmarks measure the real queries and indexes.

Amounts and prices follow random walks (about 1 % and 3 % a day, with a rare
jump), as balances and prices do, so a chart of the history looks like a
real portfolio's rather than white noise; the history benchmark also draws
a white-noise series separately, as the worst case for painting.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from exposure_app.domain.models import AccountKind
from exposure_app.domain.money import to_text
from exposure_app.domain.timeutil import to_storage
from exposure_app.storage.store import ProfileStore

CUSTODIANS = ["binance", "kraken", "okx", "bybit", "coinbase", "kucoin", "gate", "bitget", "htx", "ftx"]


def build_profile(
    data_dir: Path,
    *,
    holding_rows: int,
    accounts: int = 10,
    assets_per_snapshot: int = 50,
    seed: int = 7,
    start: datetime = datetime(2021, 1, 1, tzinfo=UTC),
    white_noise: bool = False,
) -> Path:
    """A profile with about ``holding_rows`` holdings spread over daily snapshots.

    ``white_noise`` draws every amount and price independently each day
    (values jumping over five orders of magnitude from one day to the next)
    instead of following random walks.
    """
    snapshots_per_account = max(1, holding_rows // (accounts * assets_per_snapshot))
    with ProfileStore.open(data_dir) as store:
        ids = []
        for i in range(accounts):
            if i == accounts - 1:
                account = store.accounts.add(f"Wallet {i}", AccountKind.SELF_CUSTODY)
            else:
                account = store.accounts.add(
                    f"Account {i}", AccountKind.MANUAL_CUSTODIAL,
                    counterparty=CUSTODIANS[i % len(CUSTODIANS)],
                )
            ids.append(account.id)
        db = store.db
        with store.transaction():
            for index, account_id in enumerate(ids):
                days = _daily_values(random.Random(f"{seed}-{index}"), snapshots_per_account,
                                     assets_per_snapshot, white_noise)
                for day, (milli, cents) in enumerate(days):
                    taken = to_storage(start + timedelta(days=day))
                    rows = []
                    total = Decimal(0)
                    for a in range(assets_per_snapshot):
                        amount = Decimal(milli[a]) / 1000
                        price = Decimal(cents[a]) / 100
                        value = amount * price
                        total += value
                        rows.append((f"A{a}", to_text(amount), to_text(price), to_text(value)))
                    cur = db.execute(
                        "INSERT INTO snapshots (account_id, taken_at, status, usable, source, "
                        "coverage, missing, total_value, unpriced_count) "
                        "VALUES (?, ?, 'ok', 1, 'import', '[\"main\"]', '{}', ?, 0)",
                        [account_id, taken, to_text(total)],
                    )
                    sid = cur.lastrowid
                    db.conn.executemany(
                        "INSERT INTO holdings (snapshot_id, wallet, asset, free, locked, total, price, "
                        "value, price_source, priced) VALUES (?, 'main', ?, ?, '0', ?, ?, ?, 'import', 1)",
                        [(sid, asset, amount, amount, price, value) for asset, amount, price, value in rows],
                    )
    return data_dir


def _daily_values(rng: random.Random, days: int, assets: int,
                  white_noise: bool) -> list[tuple[list[int], list[int]]]:
    """Per day, oldest first: (amounts in thousandths, prices in cents) of each asset.

    The walk is drawn from the last day backwards, so the latest snapshot is
    the same whatever the length of the history: profiles of 10,000 and
    1,000,000 rows then differ in history only, as the scale benchmark needs.
    """
    milli = [rng.randint(1, 10**6) for _ in range(assets)]
    cents = [rng.randint(1, 10**5) for _ in range(assets)]
    out = []
    for _ in range(days):
        out.append((list(milli), list(cents)))
        for a in range(assets):
            if white_noise:
                milli[a], cents[a] = rng.randint(1, 10**6), rng.randint(1, 10**5)
            else:
                milli[a] = _walk(rng, milli[a], 0.01)
                cents[a] = _walk(rng, cents[a], 0.03)
    out.reverse()
    return out


def _walk(rng: random.Random, value: int, daily: float) -> int:
    """One day of a multiplicative random walk, with a rare jump up or down."""
    factor = 1 + rng.gauss(0, daily)
    if rng.random() < 0.002:
        factor *= rng.choice((0.2, 3.0))
    return max(1, round(value * factor))
