"""Price-neutral net flows from per-token reserve history, and derived events.

The method follows DefiLlama's CEX "inflows" (``defillama-server``,
``defi/src/getInflows.ts``): take the token *amounts* at the start and the end
of a window, value each token's amount change at the *end* price, and sum,
skipping the exchange's own tokens. A token present only in the newer
snapshot counts in full (it flowed in); one present only in the older snapshot
is skipped (its end price is unknown), as DefiLlama does. Because every
change is valued at one price, a market move alone produces no flow.

The share reported here is that net flow divided by the *clean assets* at the
window's start valued at the end prices (own tokens excluded), i.e. the
fraction of the custodian's token balances that left, independent of prices.

Reserve figures are third-party estimates used as signals, not the user's
money: they are held as binary floats (a large custodian's history is
hundreds of thousands of numbers), and the USD figures of derived events are
rounded to whole dollars and converted to ``Decimal`` at the boundary.

Everything here is pure; no look-ahead: functions only read points dated at
or before the instant they are asked about.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from types import MappingProxyType

from exposure_app.domain.money import to_text
from exposure_app.risk.events import Category, Origin, RiskEvent

WINDOWS_DAYS = (1, 7, 30)
DEFILLAMA_PAGE = "https://defillama.com/cex/{slug}"
DEFILLAMA_API = "https://api.llama.fi/protocol/{slug}"


@dataclass(frozen=True, slots=True)
class TokenPoint:
    """Token amounts and their USD values at one instant (one DefiLlama row)."""

    at: datetime
    amounts: Mapping[str, float]
    usd: Mapping[str, float]

    def __post_init__(self) -> None:
        object.__setattr__(self, "amounts", MappingProxyType(
            {t: float(v) for t, v in self.amounts.items()}))
        object.__setattr__(self, "usd", MappingProxyType(
            {t: float(v) for t, v in self.usd.items()}))

    def price(self, token: str) -> float | None:
        amount = self.amounts.get(token)
        value = self.usd.get(token)
        if amount is None or value is None or amount == 0:
            return None
        return value / amount


@dataclass(frozen=True, slots=True)
class ReserveSeries:
    """A custodian's reserve history, points sorted by time."""

    slug: str
    points: tuple[TokenPoint, ...]
    fetched_at: datetime | None = None
    _times: tuple[datetime, ...] = field(default=(), repr=False, compare=False)

    def __post_init__(self) -> None:
        points = tuple(sorted(self.points, key=lambda p: p.at))
        object.__setattr__(self, "points", points)
        object.__setattr__(self, "_times", tuple(p.at for p in points))

    def latest_at_or_before(self, moment: datetime) -> TokenPoint | None:
        index = bisect.bisect_right(self._times, moment)
        return self.points[index - 1] if index else None

    def nearest(self, moment: datetime, *, not_after: datetime, tolerance: timedelta
                ) -> TokenPoint | None:
        """The point closest to ``moment`` within ``tolerance``, never after ``not_after``."""
        best: TokenPoint | None = None
        index = bisect.bisect_left(self._times, moment)
        for candidate in (index - 1, index):
            if 0 <= candidate < len(self.points):
                point = self.points[candidate]
                if point.at > not_after or abs(point.at - moment) > tolerance:
                    continue
                if best is None or abs(point.at - moment) < abs(best.at - moment):
                    best = point
        return best


@dataclass(frozen=True, slots=True)
class FlowWindow:
    """The net flow over one window ending at ``end.at``."""

    days: int
    start_at: datetime
    end_at: datetime
    net_flow: float
    clean_assets: float
    share: float
    """``net_flow / clean_assets``; negative means net outflow."""


def _kept(tokens: Iterable[str], exclude: Iterable[str]) -> Iterator[str]:
    """``tokens`` in their order, without the excluded ones (compared upper-cased)."""
    skip = frozenset(t.upper() for t in exclude)
    return (token for token in tokens if token.upper() not in skip)


def _priced_at(amounts: Mapping[str, float], prices: TokenPoint,
               exclude: Iterable[str]) -> Iterator[tuple[str, float, float]]:
    """``(token, amount, price)`` for each kept token that ``prices`` can price, in order."""
    for token in _kept(amounts, exclude):
        price = prices.price(token)
        if price is not None:
            yield token, amounts[token], price


def net_flow(old: TokenPoint, new: TokenPoint, exclude: Iterable[str] = ()) -> float:
    """Sum over tokens of ``(amount_new - amount_old) * price_new`` (DefiLlama's rule)."""
    total = 0.0
    for token, amount, price in _priced_at(new.amounts, new, exclude):
        total += (amount - old.amounts.get(token, 0.0)) * price
    return total


def clean_assets_at_end_prices(old: TokenPoint, new: TokenPoint,
                               exclude: Iterable[str] = ()) -> float:
    """The older point's token amounts valued at the newer point's prices, own tokens out."""
    total = 0.0
    for _token, amount, price in _priced_at(old.amounts, new, exclude):
        total += amount * price
    return total


def clean_assets(point: TokenPoint, exclude: Iterable[str] = ()) -> float:
    return sum(point.usd[t] for t in _kept(point.usd, exclude))


def flow_windows(
    series: ReserveSeries,
    as_of: datetime,
    exclude: Iterable[str] = (),
    *,
    windows: Sequence[int] = WINDOWS_DAYS,
    tolerance: timedelta = timedelta(hours=36),
) -> list[FlowWindow]:
    """Net flows over each window ending at the latest point at or before ``as_of``.

    The start point is the one nearest ``end - days`` within ``tolerance``
    (DefiLlama uses ±2 h on hourly data; daily history needs more). A window
    with no usable start point is left out rather than guessed.
    """
    end = series.latest_at_or_before(as_of)
    if end is None:
        return []
    out = []
    for days in windows:
        start = series.nearest(end.at - timedelta(days=days), not_after=end.at,
                               tolerance=tolerance)
        if start is None or start.at >= end.at:
            continue
        base = clean_assets_at_end_prices(start, end, exclude)
        flow = net_flow(start, end, exclude)
        share = flow / base if base > 0 else 0.0
        out.append(FlowWindow(days, start.at, end.at, flow, base, share))
    return out


@dataclass(frozen=True, slots=True)
class OutflowThresholds:
    """Net outflow, as a fraction of clean assets, that makes an ``outflow_surge``.

    Defaults (see docs/risk-model.md): 5% in 1 day, 8% in 7 days, 12% in 30
    days. Each documented run crosses at least one: FTX (Nov 2022) and Bybit
    (Feb 2025) lost far more than 5% in a day, KuCoin (Mar 2024) about 15% in
    a day, Binance (Dec 2022) about 4% in the week to 13 December and 15-20%
    within 30 days (crossing the 30-day line).
    """

    day1: Decimal = Decimal("0.05")
    day7: Decimal = Decimal("0.08")
    day30: Decimal = Decimal("0.12")
    min_clean_assets_usd: Decimal = Decimal("1000000")

    def for_days(self, days: int) -> float:
        return float({1: self.day1, 7: self.day7, 30: self.day30}[days])


def _day_end(day: date) -> datetime:
    return datetime.combine(day, time.max, tzinfo=UTC)


def derive_outflow_events(
    series: ReserveSeries,
    *,
    counterparty: str,
    counterparty_name: str,
    as_of: datetime,
    exclude: Iterable[str] = (),
    thresholds: OutflowThresholds | None = None,
    lookback_days: int = 400,
) -> list[RiskEvent]:
    """``outflow_surge`` events derived from ``series`` using only data up to ``as_of``.

    Each day with data is checked at its last point; consecutive days over a
    threshold form one episode, reported once, dated on its first day, with
    the largest relative outflow of the episode. Ids are stable:
    ``derived-<counterparty>-<first day>``.
    """
    thresholds = thresholds or OutflowThresholds()
    exclude = tuple(exclude)
    as_of_day = as_of.astimezone(UTC).date()
    first_day = as_of_day - timedelta(days=lookback_days)
    days = sorted({p.at.astimezone(UTC).date() for p in series.points
                   if first_day <= p.at.astimezone(UTC).date() <= as_of_day})
    episodes: list[list[tuple[date, FlowWindow]]] = []
    previous: date | None = None
    for day in days:
        moment = min(_day_end(day), as_of)
        worst: FlowWindow | None = None
        for window in flow_windows(series, moment, exclude):
            if window.clean_assets < float(thresholds.min_clean_assets_usd):
                continue
            if -window.share >= thresholds.for_days(window.days) and (
                worst is None or window.share < worst.share
            ):
                worst = window
        if worst is None:
            previous = None
            continue
        if previous is not None and (day - previous).days <= 1 and episodes:
            episodes[-1].append((day, worst))
        else:
            episodes.append([(day, worst)])
        previous = day
    events = []
    for episode in episodes:
        start_day = episode[0][0]
        peak_day, peak = min(episode, key=lambda item: item[1].share)
        pct = f"{-peak.share * 100:.1f}"
        outflow_usd = Decimal(round(-peak.net_flow))
        events.append(
            RiskEvent(
                id=f"derived-{counterparty}-{start_day.isoformat()}",
                date=start_day,
                counterparty=counterparty,
                category=Category.OUTFLOW_SURGE,
                title=f"{counterparty_name}: net outflow of {pct}% in {peak.days} "
                      f"day{'s' if peak.days > 1 else ''}",
                summary=(
                    f"Public reserve data ({series.slug}) shows a net outflow of about "
                    f"${to_text(outflow_usd)} over the {peak.days} "
                    f"day(s) to {peak.end_at.date()}, {pct}% of the clean assets at the start "
                    "(price-neutral: token amount changes valued at end prices, own tokens "
                    f"excluded). Derived by Exposure, not reported by a source."
                ),
                sources=(DEFILLAMA_PAGE.format(slug=series.slug),
                         DEFILLAMA_API.format(slug=series.slug)),
                magnitude_usd=max(outflow_usd, Decimal(0)),
                origin=Origin.DERIVED,
                data={
                    "slug": series.slug,
                    "window_days": peak.days,
                    "window_start": peak.start_at.isoformat(),
                    "window_end": peak.end_at.isoformat(),
                    "net_flow_usd": to_text(Decimal(round(peak.net_flow))),
                    "clean_assets_usd": to_text(Decimal(round(peak.clean_assets))),
                    "share": f"{peak.share:.4f}",
                    "peak_day": peak_day.isoformat(),
                },
            )
        )
    return events
