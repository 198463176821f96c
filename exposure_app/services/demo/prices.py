"""A seeded daily price path for the demo, anchored to approximate real levels.

The demo's history needs prices that look like the market did: BTC near 20k
in mid-2022, near 16k after FTX failed, 42k at the end of 2023; FTT falling
from about 22 to under 2 in the week of 8 November 2022; USDC's brief depeg
in March 2023. Each asset has a list of *anchors* (date, approximate USD
price, rounded from public daily closes) and the path between two anchors is
a Brownian bridge in log price: a random walk from a seeded
``random.Random`` that starts and ends exactly on the anchors, so the big
moves land on the right days while the days between look like a market.
After the last anchor the path wanders around the last level (a
mean-reverting walk): those figures are illustrative, not market data.

Everything is a pure function of the seed and the date range: the same seed
gives the same prices on every run and platform (floats are rounded to six
significant digits before they become :class:`~decimal.Decimal`).
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise

# asset -> (daily log volatility, anchors). Anchors are approximate daily
# closes in USD; the first one must be on or before the demo's start date.
ANCHORS: dict[str, tuple[float, tuple[tuple[str, float], ...]]] = {
    "BTC": (0.022, (
        ("2022-06-25", 21000), ("2022-07-01", 19300), ("2022-08-14", 24300),
        ("2022-09-30", 19400), ("2022-11-05", 21300), ("2022-11-07", 20600),
        ("2022-11-08", 18500), ("2022-11-09", 15900), ("2022-11-21", 15800),
        ("2022-12-13", 17800), ("2022-12-31", 16550), ("2023-01-31", 23100),
        ("2023-03-10", 20200), ("2023-03-31", 28500), ("2023-06-15", 25100),
        ("2023-06-30", 30500), ("2023-09-11", 25100), ("2023-10-15", 27100),
        ("2023-12-31", 42300), ("2024-01-22", 39500), ("2024-03-13", 73000),
        ("2024-04-30", 60600), ("2024-06-30", 62700), ("2024-08-05", 54000),
        ("2024-09-06", 54000), ("2024-11-05", 69300), ("2024-11-22", 99000),
        ("2024-12-17", 106000), ("2024-12-31", 93500), ("2025-01-20", 102000),
        ("2025-02-28", 84300), ("2025-04-08", 77000), ("2025-05-22", 111000),
        ("2025-06-30", 107000),
    )),
    "ETH": (0.028, (
        ("2022-06-25", 1220), ("2022-07-01", 1070), ("2022-08-13", 2000),
        ("2022-09-15", 1470), ("2022-11-05", 1630), ("2022-11-07", 1570),
        ("2022-11-08", 1330), ("2022-11-09", 1100), ("2022-11-21", 1110),
        ("2022-12-31", 1200), ("2023-01-31", 1590), ("2023-04-15", 2100),
        ("2023-06-30", 1930), ("2023-10-15", 1550), ("2023-12-31", 2280),
        ("2024-01-22", 2450), ("2024-03-12", 4000), ("2024-05-20", 3670),
        ("2024-06-30", 3430), ("2024-08-05", 2400), ("2024-09-06", 2230),
        ("2024-11-05", 2420), ("2024-12-16", 4000), ("2024-12-31", 3350),
        ("2025-02-28", 2240), ("2025-04-08", 1470), ("2025-05-15", 2600),
        ("2025-06-30", 2500),
    )),
    "SOL": (0.038, (
        ("2022-06-25", 40), ("2022-07-01", 33), ("2022-11-05", 32), ("2022-11-07", 31),
        ("2022-11-08", 24), ("2022-11-09", 15), ("2022-12-29", 9.8), ("2023-03-31", 21),
        ("2023-06-30", 19), ("2023-12-31", 101), ("2024-03-18", 200), ("2024-12-31", 190),
        ("2025-04-08", 105), ("2025-06-30", 155),
    )),
    "BNB": (0.022, (
        ("2022-06-25", 235), ("2022-07-01", 215), ("2022-09-01", 280), ("2022-11-07", 355),
        ("2022-11-09", 285), ("2022-12-12", 285), ("2022-12-17", 245), ("2023-03-31", 315),
        ("2023-06-10", 235), ("2023-12-31", 312), ("2024-03-16", 630), ("2024-06-06", 700),
        ("2024-12-31", 700), ("2025-06-30", 655),
    )),
    "FTT": (0.035, (
        ("2022-06-25", 27), ("2022-07-01", 25), ("2022-09-01", 27), ("2022-11-05", 22),
        ("2022-11-07", 21.5), ("2022-11-08", 5.1), ("2022-11-09", 2.6), ("2022-11-12", 1.6),
        ("2022-12-31", 0.85), ("2023-06-30", 1.1), ("2023-12-31", 3.0), ("2024-12-31", 2.6),
        ("2025-06-30", 0.9),
    )),
    "OKB": (0.025, (
        ("2022-06-25", 12.5), ("2022-07-01", 12), ("2022-11-08", 19), ("2022-12-31", 25),
        ("2023-06-30", 42), ("2023-12-31", 55), ("2024-12-31", 50), ("2025-06-30", 52),
    )),
    "USDC": (0.0004, (
        ("2022-06-25", 1.0), ("2023-03-09", 1.0), ("2023-03-10", 0.97), ("2023-03-11", 0.88),
        ("2023-03-12", 0.96), ("2023-03-13", 0.995), ("2023-03-15", 1.0), ("2025-06-30", 1.0),
    )),
    "USDT": (0.0004, (("2022-06-25", 1.0), ("2025-06-30", 1.0))),
    "BUSD": (0.0004, (("2022-06-25", 1.0), ("2025-06-30", 1.0))),
}
FIXED: dict[str, Decimal] = {"USD": Decimal(1)}

# Mean reversion per day towards the last anchor after it (about a month's half-life).
_REVERSION = 0.025
_STABLECOINS = frozenset({"USDT", "USDC", "BUSD"})


def _round(value: float, stable: bool) -> Decimal:
    """Six significant digits (four decimals for stablecoins), as an exact Decimal."""
    if stable:
        return Decimal(f"{value:.4f}")
    return Decimal(f"{value:.6g}")


def _bridge(rng: random.Random, start: float, end: float, days: int, vol: float) -> list[float]:
    """Log prices for days 1..``days`` from ``start`` to exactly ``end`` (a Brownian bridge)."""
    walk = [0.0]
    for _ in range(days):
        walk.append(walk[-1] + rng.gauss(0.0, vol))
    total = walk[-1]
    return [
        start + (end - start) * k / days + walk[k] - total * k / days for k in range(1, days + 1)
    ]


def _pegged(rng: random.Random, start: float, end: float, days: int, vol: float) -> list[float]:
    """A stablecoin between anchors: the straight line plus small daily noise (no walk)."""
    return [
        start + (end - start) * k / days + (rng.gauss(0.0, vol) if k < days else 0.0)
        for k in range(1, days + 1)
    ]


def _series(rng: random.Random, asset: str, start: date, end: date) -> dict[date, Decimal]:
    vol, raw = ANCHORS[asset]
    anchors = [(date.fromisoformat(d), math.log(p)) for d, p in raw]
    if anchors[0][0] > start:
        raise ValueError(f"{asset}: the first anchor is after {start}")
    stable = asset in _STABLECOINS
    between = _pegged if stable else _bridge
    logs: dict[date, float] = {anchors[0][0]: anchors[0][1]}
    for (d0, p0), (d1, p1) in pairwise(anchors):
        for k, value in enumerate(between(rng, p0, p1, (d1 - d0).days, vol), start=1):
            logs[d0 + timedelta(days=k)] = value
    last_day, last_log = anchors[-1]
    day, value = last_day, last_log
    while day < end:
        if stable:
            value = last_log + rng.gauss(0.0, vol)
        else:
            value += _REVERSION * (last_log - value) + rng.gauss(0.0, vol)
        day += timedelta(days=1)
        logs[day] = value
    return {
        d: _round(math.exp(v), stable)
        for d, v in logs.items()
        if start <= d <= end
    }


@dataclass(frozen=True, slots=True)
class PricePath:
    """Daily USD prices per asset from ``start`` to ``end`` inclusive."""

    start: date
    end: date
    prices: Mapping[str, Mapping[date, Decimal]]

    @property
    def assets(self) -> tuple[str, ...]:
        return tuple(self.prices)

    def price(self, asset: str, day: date) -> Decimal:
        """The asset's USD price on ``day`` (``KeyError`` outside the path)."""
        if asset in FIXED:
            return FIXED[asset]
        return self.prices[asset][day]

    def on(self, day: date) -> dict[str, Decimal]:
        """Every asset's price on ``day`` (fixed-price assets included)."""
        return {**FIXED, **{asset: series[day] for asset, series in self.prices.items()}}


def generate_price_path(
    seed: int, start: date, end: date, assets: Sequence[str] | None = None
) -> PricePath:
    """The seeded path for ``assets`` (default: every asset with anchors).

    Each asset draws from its own ``random.Random`` derived from the seed and
    the asset's name, so adding an asset never changes the others' paths.
    """
    if end < start:
        raise ValueError("the price path ends before it starts")
    names = list(assets) if assets is not None else list(ANCHORS)
    prices = {
        asset: _series(random.Random(f"{seed}:{asset}"), asset, start, end)
        for asset in names
        if asset not in FIXED
    }
    return PricePath(start, end, prices)
