"""Values from the market price cache: an asset in USD or the base currency, now or on a day.

How one unit of an asset is valued in USD, from cached closes (a day) or
tickers (now), in this order:

1. a direct ``ASSET/USD`` market;
2. ``ASSET/USDT`` or ``ASSET/USDC`` times that stablecoin's own USD value
   (its ``/USD`` market, or 1 when no market prices it: said in the label);
3. for fiat currencies also the inverted ``USDT/ASSET``;
4. a USD stablecoin with no market at all: assumed 1 USD, flagged
   ``assumed`` and dated today (it is an assumption, not a price of that day).

So a stablecoin is worth what it trades at: a depeg shows. A base currency
other than USD is one more conversion: ``price(asset, "EUR")`` is
``usd(asset) / usd(EUR)`` through the same markets.

A day's value uses that day's close, or the latest close in the
:data:`LOOKBACK_DAYS` before it (weekends for fiat), never a later one.

Threading: a :class:`MarketPrices` is plain data; build it on the thread that
owns the store (:meth:`MarketPrices.load`), use it on that thread.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from exposure_app.domain.money import FIAT_CURRENCIES, ONE, div, mul
from exposure_app.domain.prices import MarketPrice
from exposure_app.exchanges.market_data import USD_STABLE_QUOTES
from exposure_app.exchanges.pricing import USD_STABLECOINS
from exposure_app.storage.store import ProfileStore

LOOKBACK_DAYS = 7


@dataclass(frozen=True, slots=True)
class PricePoint:
    """``1 asset = price`` in the asked currency; ``day`` is the close used (or today)."""

    price: Decimal
    label: str
    day: date
    assumed: bool = False


class MarketPrices:
    """Lookups over cached closes and tickers (see the module docstring)."""

    def __init__(
        self,
        closes: Mapping[tuple[str, str], Mapping[date, Decimal]],
        tickers: Iterable[MarketPrice],
        today: date,
    ) -> None:
        self._closes = closes
        self._tickers = {(t.asset, t.quote): t for t in tickers}
        self.today = today

    @classmethod
    def load(cls, store: ProfileStore, now: datetime, assets: Iterable[str] | None = None
             ) -> MarketPrices:
        wanted = None
        if assets is not None:
            wanted = {*assets, *USD_STABLE_QUOTES, *FIAT_CURRENCIES}
        return cls(store.market.all_closes(wanted), store.market.tickers(), now.date())

    # -- raw market values --------------------------------------------------------------

    def _close(self, asset: str, quote: str, day: date) -> tuple[Decimal, date] | None:
        series = self._closes.get((asset, quote))
        if not series:
            return None
        for back in range(LOOKBACK_DAYS + 1):
            found = series.get(day - timedelta(days=back))
            if found is not None:
                return found, day - timedelta(days=back)
        return None

    def _raw(self, asset: str, quote: str, day: date | None
             ) -> tuple[Decimal, str, date, datetime] | None:
        """``asset/quote`` now (ticker, else the latest close) or on ``day``, with when
        it was known (the ticker's time, or the end of the close's day)."""
        if day is None:
            ticker = self._tickers.get((asset, quote))
            if ticker is not None:
                return (ticker.price, f"{ticker.source} {asset}/{quote}", ticker.taken_at.date(),
                        ticker.taken_at)
            day = self.today
        found = self._close(asset, quote, day)
        if found is None:
            return None
        known = datetime.combine(found[1], time.max, tzinfo=UTC)
        return found[0], f"{asset}/{quote} close {found[1].isoformat()}", found[1], known

    # -- USD --------------------------------------------------------------------------------

    def _stable_usd(self, coin: str, day: date | None) -> PricePoint:
        """A USD stablecoin used as a quote: its own USD market, else taken as 1."""
        direct = self._raw(coin, "USD", day)
        if direct is not None:
            return PricePoint(direct[0], direct[1], direct[2])
        return PricePoint(ONE, f"{coin} taken as 1 USD", day or self.today, assumed=True)

    def usd(self, asset: str, day: date | None = None) -> PricePoint | None:
        """One unit of ``asset`` in USD now (``day`` ``None``) or at ``day``'s close.

        The freshest route wins: now, the newest ticker (a source that stopped
        answering leaves an older one behind); on a day, the close nearest the
        day (within the lookback). Ties go in the module docstring's order.
        """
        if asset == "USD":
            return PricePoint(ONE, "USD", day or self.today)
        routes = self._routes(asset, day)
        if routes:
            ranked = [(known, -rank, point) for rank, (known, point) in enumerate(routes)]
            return max(ranked, key=lambda r: (r[0], r[1]))[2]
        if asset in USD_STABLECOINS:
            return PricePoint(ONE, f"assumed 1 {asset} = 1 USD (no market price; as of today)",
                              self.today, assumed=True)
        return None

    def _routes(self, asset: str, day: date | None) -> list[tuple[datetime, PricePoint]]:
        found: list[tuple[datetime, PricePoint]] = []
        direct = self._raw(asset, "USD", day)
        if direct is not None:
            found.append((direct[3], PricePoint(direct[0], direct[1], direct[2])))
        for quote in USD_STABLE_QUOTES:
            if quote == asset:
                continue
            via = self._raw(asset, quote, day)
            if via is not None:
                conv = self._stable_usd(quote, day)
                found.append((via[3], PricePoint(mul(via[0], conv.price),
                                                 f"{via[1]} × {conv.label}", via[2])))
            if asset in FIAT_CURRENCIES:
                inverted = self._raw(quote, asset, day)
                if inverted is not None:
                    conv = self._stable_usd(quote, day)
                    found.append((inverted[3], PricePoint(
                        div(conv.price, inverted[0]), f"1 / {inverted[1]}", inverted[2])))
        return found

    def price(self, asset: str, currency: str, day: date | None = None) -> PricePoint | None:
        """One unit of ``asset`` in ``currency`` (USD or another through USD)."""
        if asset == currency:
            return PricePoint(ONE, currency, day or self.today)
        value = self.usd(asset, day)
        if value is None or currency == "USD":
            return value
        rate = self.usd(currency, day)
        if rate is None or rate.price == 0:
            return None
        return PricePoint(div(value.price, rate.price), f"{value.label}; USD→{currency} "
                          f"{rate.label}", min(value.day, rate.day), value.assumed or rate.assumed)

    def rate(self, from_currency: str, to_currency: str, day: date) -> PricePoint | None:
        """How many ``to_currency`` one ``from_currency`` was worth on ``day`` (closes only)."""
        return self.price(from_currency, to_currency, day)
