"""Prices: tickers from the exchanges, and valuing holdings in the base currency.

Order of preference for an asset's price in the profile's base currency:

0. the account's own exchange (one ``fetch_tickers`` call per exchange);
1. another connected exchange;
1.5 a live price quoted in a USD stablecoin with that stablecoin taken as
    1 USD because no market prices it (flagged in the source text);
2. the last known price (recorded by an earlier sync), with its age;
3. a USD stablecoin taken as 1 USD with no market at all (flagged).

Anything else is unpriced: the holding stays in the snapshot with no value.

Threading: :func:`fetch_quotes` runs on the sync loop with that loop's
client; :class:`PriceBook` is plain data used on any one thread.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from exposure_app.domain.money import ONE, derived_price, div, mul
from exposure_app.domain.prices import MarketPrice
from exposure_app.domain.timeutil import describe_age
from exposure_app.exchanges.tickers import Rejected, read_tickers

USD_STABLECOINS = frozenset({
    "USDT", "USDC", "DAI", "FDUSD", "TUSD", "USDP", "PYUSD", "BUSD", "GUSD", "USDS", "USDE",
    "USDD", "RLUSD",
})
# Quote currencies worth asking tickers for (besides the base currency).
REFERENCE_QUOTES = ("USD", "USDT", "USDC", "EUR", "BTC", "ETH", "FDUSD", "DAI", "GBP")
# Markets asked one at a time from an exchange without a many-tickers call (a sync
# asks every pair of an asset and the reference quotes: many more than it needs).
MAX_TICKERS_ONE_BY_ONE = 25

_MARKET_KEYS = (
    "id", "symbol", "base", "quote", "baseId", "quoteId", "type", "spot", "margin", "swap",
    "future", "option", "contract", "active",
)


@dataclass(frozen=True, slots=True)
class Valuation:
    price: Decimal
    source: str
    tier: float

    @property
    def recordable(self) -> bool:
        """Live-based prices are worth recording as "last known" for later syncs."""
        return self.tier <= 1.5


def is_open_spot_market(market: object) -> bool:
    """Whether a ccxt market entry is a spot market that is not marked inactive (ccxt
    leaves ``active`` ``None`` when the exchange does not say: taken as open)."""
    return isinstance(market, dict) and bool(market.get("spot")) and market.get("active") is not False


def compact_markets(markets: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Spot markets reduced to what ticker symbols need (cached in SQLite)."""
    result = []
    for market in (markets or {}).values():
        if not isinstance(market, dict) or not market.get("spot"):
            continue
        result.append({key: market.get(key) for key in _MARKET_KEYS})
    return result


def wanted_symbols(markets: dict[str, Any], assets: Iterable[str], target: str) -> list[str]:
    """Symbols pricing ``assets`` and the reference quotes in ``target``."""
    quotes = (target, *[q for q in REFERENCE_QUOTES if q != target])
    wanted: list[str] = []
    currencies = [*assets, *quotes]
    for asset in dict.fromkeys(currencies):
        for quote in quotes:
            if quote == asset:
                continue
            for symbol in (f"{asset}/{quote}", f"{quote}/{asset}"):
                if is_open_spot_market(markets.get(symbol)):
                    wanted.append(symbol)
    return list(dict.fromkeys(wanted))


async def fetch_quotes(
    client: Any,
    exchange_id: str,
    assets: Iterable[str],
    target: str,
    now: datetime,
    *,
    cached_markets: list[dict[str, Any]] | None,
    rejected: Rejected,
) -> tuple[list[MarketPrice], list[dict[str, Any]] | None]:
    """Tickers for ``assets`` from one exchange, as :class:`MarketPrice` records with
    ``source`` the exchange id; returns (prices, markets to cache or None). Tickers are
    read by ``tickers.read_tickers``: a bad one is dropped alone and counted in
    ``rejected``, and so is a market the exchange refuses when asked one at a time
    (a failure of the exchange itself still raises)."""
    fresh_markets = None
    if client.markets is None:
        if cached_markets:
            client.set_markets(cached_markets)
        else:
            await client.load_markets()
            fresh_markets = compact_markets(client.markets)
    symbols = wanted_symbols(client.markets or {}, assets, target)
    if not symbols:
        return [], fresh_markets
    quotes = await read_tickers(client, symbols, exchange_id, now, rejected,
                                one_by_one=MAX_TICKERS_ONE_BY_ONE)
    return quotes, fresh_markets


class PriceBook:
    """Values assets in ``target`` from live quotes, last known prices and assumptions.

    ``last_known(asset)`` is the newest price of ``asset`` in ``target`` known from
    before this sync (its ``source`` and age are shown), or ``None``.
    """

    def __init__(
        self,
        target: str,
        quotes: Iterable[MarketPrice],
        last_known: Callable[[str], MarketPrice | None],
        now: datetime,
    ) -> None:
        self.target = target
        self.now = now
        self._last_known = last_known
        self._known_cache: dict[str, MarketPrice | None] = {}
        self._edges: dict[str, list[tuple[str, Decimal, str, str]]] = {}
        for q in quotes:
            label = f"{q.source} {q.asset}/{q.quote}"
            self._edges.setdefault(q.asset, []).append((q.quote, q.price, label, q.source))
            inverse = derived_price(div(ONE, q.price), q.price)
            self._edges.setdefault(q.quote, []).append((q.asset, inverse, label, q.source))

    def _known(self, asset: str) -> MarketPrice | None:
        if asset not in self._known_cache:
            self._known_cache[asset] = self._last_known(asset)
        return self._known_cache[asset]

    def _direct(self, asset: str, home: str | None) -> tuple[Decimal, str, float] | None:
        """``asset`` -> target in one live hop, the home exchange first."""
        best = None
        for quote, price, label, source in self._edges.get(asset, ()):
            if quote != self.target:
                continue
            tier = 0.0 if source == home else 1.0
            if best is None or tier < best[2]:
                best = (price, label, tier)
        return best

    def _conversion(self, currency: str, home: str | None) -> tuple[Decimal, str, float] | None:
        """A quote currency in the target: live, else stablecoin = 1 USD, else last known."""
        if currency == self.target:
            return ONE, "", 0.0
        direct = self._direct(currency, home)
        if direct is not None:
            return direct
        if currency in USD_STABLECOINS and self.target == "USD":
            return ONE, f"{currency} taken as 1 USD (assumed, stablecoin)", 1.5
        known = self._known(currency)
        if known is not None:
            return known.price, f"last known {currency} price ({describe_age(known.taken_at, self.now)})", 2.0
        return None

    def value(self, asset: str, home: str | None = None) -> Valuation | None:
        """The best price of one unit of ``asset`` in the target currency, or ``None``."""
        if asset == self.target:
            return Valuation(ONE, "base currency", 0.0)
        candidates: list[tuple[tuple, Valuation]] = []
        direct = self._direct(asset, home)
        if direct is not None:
            candidates.append(((direct[2], direct[2], 1), Valuation(direct[0], direct[1], direct[2])))
        for quote, price, label, source in self._edges.get(asset, ()):
            if quote == self.target:
                continue
            first = 0.0 if source == home else 1.0
            conv = self._conversion(quote, home)
            if conv is None:
                continue
            if asset in USD_STABLECOINS and conv[2] >= 1.5:
                continue   # one stablecoin through another assumed one is no better

            worst = max(first, conv[2])
            text = f"{label} × {conv[1]}" if conv[1] else label
            converted = derived_price(mul(price, conv[0]), price, conv[0])
            candidates.append(((worst, first, 2), Valuation(converted, text, worst)))
        known = self._known(asset)
        if known is not None:
            text = f"last known price ({describe_age(known.taken_at, self.now)}; {known.source})"
            candidates.append(((2.0, 2.0, 1), Valuation(known.price, text, 2.0)))
        if asset in USD_STABLECOINS and self.target == "USD":
            text = f"assumed 1 {asset} = 1 USD (stablecoin; no market price found)"
            candidates.append(((3.0, 3.0, 1), Valuation(ONE, text, 3.0)))
        if not candidates:
            return None
        return min(candidates, key=lambda item: item[0])[1]
