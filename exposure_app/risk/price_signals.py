"""Signals from daily closes: a custodian's own token falling sharply, a stablecoin off its peg.

* **Own-token drawdown** (``token_drawdown``): a close at least
  ``drawdown`` (40%) below the highest close of the previous ``window_days``
  (7) days, for a token the catalogue lists in the custodian's
  ``affiliated_tokens`` (FTT for FTX, BNB for Binance...).
* **Depeg** (``depeg``): a USD close at least ``depeg`` (3%) away from 1 for a
  stablecoin the custodian issues (``issued_stablecoins``).

Consecutive signal days (gaps of at most one day) form one episode and one
derived event, dated and *published* on the episode's first day: a day's close
is public by the end of that UTC day, which is when an as-of on that day is
evaluated. Only closes on or before the as-of day are read, so a later crash
never shows up in an earlier evaluation.

:class:`ClosesSource` is the seam to the price cache (implemented in
``services/``); this module does no I/O. Pure Python.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Protocol

from exposure_app.domain.counterparties import Counterparty
from exposure_app.domain.money import to_text
from exposure_app.risk.events import Category, Origin, RiskEvent

LOOKBACK_DAYS = 120
"""How far back closes are read: a 30-day half-life leaves little after four months."""


class ClosesSource(Protocol):
    def daily_closes(self, asset: str, start: date, end: date) -> Sequence[tuple[date, Decimal]]:
        """USD-quoted daily closes, oldest first, only days on or before ``end``;
        no network inside this call."""
        ...


@dataclass(frozen=True, slots=True)
class PriceThresholds:
    drawdown: Decimal = Decimal("0.40")
    window_days: int = 7
    depeg: Decimal = Decimal("0.03")


def _episodes(days: list[tuple[date, Decimal]]) -> list[list[tuple[date, Decimal]]]:
    episodes: list[list[tuple[date, Decimal]]] = []
    for day, value in days:
        if episodes and (day - episodes[-1][-1][0]).days <= 2:
            episodes[-1].append((day, value))
        else:
            episodes.append([(day, value)])
    return episodes


def _clean(closes: Iterable[tuple[date, Decimal]], as_of: date) -> list[tuple[date, Decimal]]:
    """Closes on or before ``as_of``, positive, one per day, oldest first (defensive)."""
    by_day = {d: Decimal(c) for d, c in closes if d <= as_of and Decimal(c) > 0}
    return sorted(by_day.items())


@dataclass(frozen=True, slots=True)
class _Signal:
    """How one kind of price episode becomes a derived event (id part, category, data keys)."""

    name: str
    category: Category
    asset_key: str
    size_key: str
    percent_places: int


_DRAWDOWN = _Signal("drawdown", Category.TOKEN_DRAWDOWN, "token", "fall", 0)
_DEPEG = _Signal("depeg", Category.DEPEG, "coin", "gap", 1)


def _episode_events(hits: list[tuple[date, Decimal]], signal: _Signal, counterparty: Counterparty,
                    asset: str, words: Callable[[str, date], tuple[str, str]]) -> list[RiskEvent]:
    """One derived event per episode of ``hits`` (day, size), dated and published on its first
    day; ``words(percent, worst_day)`` gives its title and summary."""
    events = []
    for episode in _episodes(hits):
        first = episode[0][0]
        worst_day, worst = max(episode, key=lambda item: item[1])
        title, summary = words(f"{worst * 100:.{signal.percent_places}f}", worst_day)
        events.append(RiskEvent(
            id=f"derived-{counterparty.id}-{asset.lower()}-{signal.name}-{first.isoformat()}",
            date=first, counterparty=counterparty.id, category=signal.category,
            title=title, summary=summary,
            sources=(), origin=Origin.DERIVED, published=datetime.combine(first, time.min, UTC),
            data={signal.asset_key: asset, "worst_day": worst_day.isoformat(),
                  signal.size_key: to_text(worst.quantize(Decimal("0.0001")))},
        ))
    return events


def drawdown_events(closes: Iterable[tuple[date, Decimal]], *, counterparty: Counterparty,
                    token: str, as_of: date, thresholds: PriceThresholds = PriceThresholds()
                    ) -> list[RiskEvent]:
    series = _clean(closes, as_of)
    hits: list[tuple[date, Decimal]] = []
    for i, (day, close) in enumerate(series):
        window = [c for d, c in series[:i] if (day - d).days <= thresholds.window_days]
        if not window:
            continue
        fall = 1 - close / max(window)
        if fall >= thresholds.drawdown:
            hits.append((day, fall))
    days = thresholds.window_days
    return _episode_events(hits, _DRAWDOWN, counterparty, token, lambda pct, worst_day: (
        f"{counterparty.name}'s own token {token} fell {pct}% within {days} days",
        f"Daily USD closes of {token} fell {pct}% below the highest close of the previous "
        f"{days} days (worst on {worst_day}). Derived by Exposure from cached daily closes, "
        "not reported by a source.",
    ))


def depeg_events(closes: Iterable[tuple[date, Decimal]], *, counterparty: Counterparty,
                 coin: str, as_of: date, thresholds: PriceThresholds = PriceThresholds()
                 ) -> list[RiskEvent]:
    hits = [(day, abs(close - 1)) for day, close in _clean(closes, as_of)
            if abs(close - 1) >= thresholds.depeg]
    return _episode_events(hits, _DEPEG, counterparty, coin, lambda pct, worst_day: (
        f"{coin}, issued by {counterparty.name}, closed {pct}% off its dollar peg",
        f"Daily USD closes of {coin} were {pct}% away from 1 at worst (on {worst_day}). "
        "Derived by Exposure from cached daily closes, not reported by a source.",
    ))


def price_events(source: ClosesSource, counterparties: Iterable[Counterparty], as_of: date,
                 thresholds: PriceThresholds = PriceThresholds()) -> list[RiskEvent]:
    """Derived drawdown and depeg events for ``counterparties`` from closes up to ``as_of``."""
    start = as_of - timedelta(days=LOOKBACK_DAYS)
    events: list[RiskEvent] = []
    for cp in counterparties:
        for token in cp.affiliated_tokens:
            events += drawdown_events(source.daily_closes(token, start, as_of),
                                      counterparty=cp, token=token, as_of=as_of,
                                      thresholds=thresholds)
        for coin in cp.issued_stablecoins:
            events += depeg_events(source.daily_closes(coin, start, as_of), counterparty=cp,
                                   coin=coin, as_of=as_of, thresholds=thresholds)
    return events
