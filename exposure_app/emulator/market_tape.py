"""Daily market prices the emulators serve as public tickers and OHLCV.

**Demo data, not market data.** :func:`demo_tape` builds a deterministic,
made-up price path (smooth waves around round levels) so that tests and the
demo have prices that move from day to day. Nothing in it is a real close.
Tests shape it with :meth:`MarketTape.depeg` (a stablecoin off its peg on
given days) and :meth:`MarketTape.crash` (an exchange token falling from a
day on); the demo session loads its own seeded path with :meth:`MarketTape.set`.

A tape holds USD prices per asset; a symbol ``BASE/QUOTE`` is served as
``usd(BASE) / usd(QUOTE)``, so a depegged USDT also moves BTC/USDT, as it
would on a real venue.

Threading: tests and the demo write a tape from their own thread while the
emulator loop reads it; writes replace whole dict entries (safe enough under
the GIL for test control, as for the emulators' other state).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

DEMO_DATA_LABEL = "demo price path (made up for tests and the demo; not market data)"

# Round illustrative levels in USD; the waves keep them moving.
DEMO_LEVELS: dict[str, float] = {
    "BTC": 60000.0, "ETH": 3000.0, "SOL": 150.0, "BNB": 600.0, "FTT": 2.0, "OKB": 50.0,
    "USDT": 1.0, "USDC": 1.0, "DAI": 1.0, "EUR": 1.08, "GBP": 1.27,
}
STABLE = frozenset({"USDT", "USDC", "DAI"})
FIAT = frozenset({"EUR", "GBP"})
_SIGNIFICANT = 10


def _round(value: Decimal) -> Decimal:
    """Ten significant digits: exact, short decimal text on the wire."""
    if value == 0:
        return value
    exponent = value.adjusted() - _SIGNIFICANT + 1
    return value.quantize(Decimal(1).scaleb(exponent)).normalize()


def _wave(asset: str, day: date) -> float:
    n = day.toordinal()
    phase = sum(map(ord, asset)) % 17
    if asset in STABLE:
        return 1.0 + 0.0004 * math.sin((n + phase) / 3.0)
    if asset in FIAT:
        return 1.0 + 0.02 * math.sin((n + phase) / 45.0)
    return 1.0 + 0.12 * math.sin((n + phase) / 37.0) + 0.04 * math.sin((n + phase) / 5.0)


@dataclass
class MarketTape:
    """USD prices per asset and day, served through the emulators' market routes."""

    usd: dict[str, dict[date, Decimal]] = field(default_factory=dict)
    today: date = field(default_factory=lambda: datetime.now(UTC).date())

    def set(self, asset: str, series: Mapping[date, Decimal]) -> None:
        self.usd[asset] = {**self.usd.get(asset, {}), **series}

    def depeg(self, asset: str, days: Iterable[date], price: Decimal) -> None:
        """``asset`` trades at ``price`` USD on each of ``days``."""
        series = dict(self.usd.get(asset, {}))
        for day in days:
            series[day] = Decimal(price)
        self.usd[asset] = series

    def crash(self, asset: str, day: date, factor: Decimal) -> None:
        """From ``day`` on, ``asset`` is worth ``factor`` times what it was."""
        self.usd[asset] = {
            d: (_round(p * Decimal(factor)) if d >= day else p)
            for d, p in self.usd.get(asset, {}).items()
        }

    def price(self, asset: str, day: date) -> Decimal | None:
        if asset == "USD":
            return Decimal(1)
        return self.usd.get(asset, {}).get(day)

    def close(self, symbol: str, day: date) -> Decimal | None:
        """The close of ``BASE/QUOTE`` on ``day`` (``None`` when either side has no price)."""
        base, _, quote = symbol.partition("/")
        b, q = self.price(base, day), self.price(quote, day)
        if b is None or q is None or q == 0:
            return None
        return _round(b / q)

    def last(self, symbol: str) -> Decimal | None:
        """The ticker: today's close, else the latest close before today."""
        day = self.today
        for _ in range(10):
            found = self.close(symbol, day)
            if found is not None:
                return found
            day -= timedelta(days=1)
        return None

    def candles(self, symbol: str, start: date, limit: int) -> list[tuple[date, Decimal, Decimal]]:
        """Up to ``limit`` daily ``(day, open, close)`` from ``start`` to today, oldest first."""
        result: list[tuple[date, Decimal, Decimal]] = []
        day = start
        previous = self.close(symbol, start - timedelta(days=1))
        while day <= self.today and len(result) < limit:
            close = self.close(symbol, day)
            if close is not None:
                result.append((day, previous if previous is not None else close, close))
                previous = close
            day += timedelta(days=1)
        return result


def demo_tape(start: date, end: date, assets: Iterable[str] | None = None) -> MarketTape:
    """The made-up demo path (see the module docstring) from ``start`` to ``end``."""
    tape = MarketTape(today=end)
    for asset in assets or DEMO_LEVELS:
        level = DEMO_LEVELS[asset]
        series: dict[date, Decimal] = {}
        day = start
        while day <= end:
            series[day] = _round(Decimal(repr(level * _wave(asset, day))))
            day += timedelta(days=1)
        tape.usd[asset] = series
    return tape


def day_start_ms(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp() * 1000)


def day_of_ms(ms: int) -> date:
    return datetime.fromtimestamp(ms / 1000, tz=UTC).date()
