"""Public market data through ccxt, without keys: tickers and daily closes.

Prices come from the *price sources*: an ordered list of exchanges (setting
``price_sources``, e.g. ``"kraken, binance"``), each optionally with an
origin override (``binance=http://127.0.0.1:9000``), rewritten in ccxt's URL
table the same way an account's ``--api-url`` is (:mod:`client_factory`), and
reached through the profile's proxy. The first source that lists a market for
an asset is asked for it; later ones fill what earlier ones lack or failed on.

Every answer is checked before it is used: a price is held to
``tickers.checked_price`` (tickers are read by ``tickers.read_tickers``, as a
sync reads them); a candle must be a row of numbers on a UTC day boundary,
not in the future, in order. A bad value is dropped (and counted); a malformed
answer raises :class:`~exposure_app.exchanges.errors.BadResponseError`, so the
caller keeps its last good data. Closes are asked for from Bitcoin's first day
(``domain.bounds.EARLIEST_HOLDING_DAY``) at the earliest.

Threading: a :class:`MarketDataClient` is created, used and closed on the sync
loop thread (it owns a ccxt async client).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlparse

from exposure_app.domain.bounds import EARLIEST_HOLDING_DAY
from exposure_app.domain.money import FIAT_CURRENCIES
from exposure_app.domain.prices import DailyClose, MarketPrice
from exposure_app.exchanges.answer_limits import MARKET_DATA_ANSWERS
from exposure_app.exchanges.client_factory import ConnectionOptions, build_client
from exposure_app.exchanges.errors import BadResponseError
from exposure_app.exchanges.pricing import is_open_spot_market
from exposure_app.exchanges.tickers import Rejected, checked_price, read_tickers

MAX_SOURCES = 5
MAX_CANDLES = 5 * 366          # rows read from one answer (venues send up to 1000)
MAX_PAGES = 8                  # requests per market and refresh (the size bound)
# Quote currencies that give a USD value, in order of preference: USD itself, then the
# stablecoins most markets are quoted in (valued at their own /USD close, see
# services.price_lookup). The refresh fetches these markets; lookups read them.
USD_STABLE_QUOTES = ("USDT", "USDC")
USD_QUOTES = ("USD", *USD_STABLE_QUOTES)
_SOURCE = re.compile(r"^([a-z0-9_]{2,32})(?:=(https?://[^\s,=]+))?$")
_DAY_MS = 86_400_000
# Only spot markets are needed; derivative market lists cost requests and may need keys.
_SPOT_ONLY: dict[str, dict[str, Any]] = {
    "binance": {"fetchMarkets": {"types": ["spot"]}},
    "bybit": {"fetchMarkets": {"types": ["spot"]}},
    "okx": {"fetchMarkets": {"types": ["spot"]}},
}


@dataclass(frozen=True, slots=True)
class PriceSource:
    """One exchange asked for public prices, with an optional origin override."""

    exchange_id: str
    api_url: str | None = None

    @property
    def label(self) -> str:
        return self.exchange_id if not self.api_url else f"{self.exchange_id}@{self.api_url}"


def parse_price_sources(text: str) -> tuple[PriceSource, ...]:
    """``"kraken, binance=http://127.0.0.1:9000"`` -> sources; ``ValueError`` says what is wrong."""
    sources = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        match = _SOURCE.match(part)
        if match is None:
            raise ValueError(
                f"price source {part!r} is not EXCHANGE or EXCHANGE=http(s)://HOST[:PORT]"
            )
        sources.append(PriceSource(match.group(1), match.group(2)))
    if len(sources) > MAX_SOURCES:
        raise ValueError(f"at most {MAX_SOURCES} price sources")
    if len({s.exchange_id for s in sources}) != len(sources):
        raise ValueError("each price source exchange may be listed once")
    return tuple(sources)


def format_price_sources(sources: Iterable[PriceSource]) -> str:
    return ", ".join(s.exchange_id + (f"={s.api_url}" if s.api_url else "") for s in sources)


def checked_candles(
    rows: object, symbol: str, today: date, rejected: Rejected
) -> list[tuple[date, Decimal]]:
    """Daily closes from ccxt's OHLCV rows ``[ms, open, high, low, close, volume]``.

    The answer must be a list of lists; rows that are not on a UTC day
    boundary, lie after ``today``, repeat or go back in time, or carry an
    unusable close are dropped and counted in ``rejected``.
    """
    if not isinstance(rows, list):
        raise BadResponseError(f"{symbol} candles: not a list")
    result: list[tuple[date, Decimal]] = []
    for row in rows[: MAX_CANDLES + 1]:
        if not isinstance(row, (list, tuple)) or len(row) < 5:
            raise BadResponseError(f"{symbol} candles: a row is not [time, o, h, l, c, ...]")
        stamp = row[0]
        if isinstance(stamp, bool) or not isinstance(stamp, int) or stamp % _DAY_MS:
            rejected.add(f"{symbol}: candle time {stamp!r} is not a UTC day")
            continue
        day = datetime.fromtimestamp(stamp / 1000, tz=UTC).date()
        if day > today or (result and day <= result[-1][0]):
            rejected.add(f"{symbol}: candle {day} is in the future or out of order")
            continue
        try:
            close = checked_price(row[4], f"{symbol} close {day}")
        except BadResponseError as exc:
            rejected.add(str(exc))
            continue
        result.append((day, close))
    return result


def symbols_for(markets: Mapping[str, Any], asset: str) -> list[str]:
    """Spot symbols that price ``asset`` in USD terms, best first.

    ``ASSET/USD``, ``ASSET/USDT``, ``ASSET/USDC``; for a fiat currency also the
    inverted ``USDT/ASSET`` (exchanges list ``USDT/EUR`` as often as ``EUR/USDT``).
    """
    found = []
    for quote in USD_QUOTES:
        if quote == asset:
            continue
        candidates = [f"{asset}/{quote}"]
        if asset in FIAT_CURRENCIES:
            candidates.append(f"{quote}/{asset}")
        for symbol in candidates:
            if is_open_spot_market(markets.get(symbol)):
                found.append(symbol)
    return found


def is_loopback(url: str | None) -> bool:
    host = urlparse(url).hostname if url else None
    return host in ("127.0.0.1", "localhost", "::1")


def _day_ms(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp() * 1000)


class MarketDataClient:
    """Public market data from one source. Threading: sync loop thread only."""

    def __init__(self, source: PriceSource, *, proxy: str | None, timeout: float,
                 throttle: bool | None = None) -> None:
        """``throttle`` is ccxt's client-side rate limiter: on, except for a loopback
        origin (the emulators of the tests and the demo) unless given."""
        self.source = source
        self._throttle = throttle if throttle is not None else not is_loopback(source.api_url)
        self._connection = ConnectionOptions(api_url=source.api_url, proxy=proxy or None,
                                             timeout_seconds=timeout)
        self._client: Any = None

    async def markets(self) -> Mapping[str, Any]:
        if self._client is None:
            self._client = build_client(
                self.source.exchange_id, {}, self._connection,
                options=_SPOT_ONLY.get(self.source.exchange_id),
                extra_config=None if self._throttle else {"enableRateLimit": False},
                answer_limit=MARKET_DATA_ANSWERS,
            )
        if self._client.markets is None:
            await self._client.load_markets()
        markets = self._client.markets
        if not isinstance(markets, dict) or not markets:
            # ccxt turns some unreadable answers (an HTML page) into an empty list
            raise BadResponseError("the exchange listed no markets")
        return markets

    async def tickers(self, symbols: Sequence[str], now: datetime,
                      rejected: Rejected) -> list[MarketPrice]:
        """Prices of ``symbols`` (``tickers.read_tickers``; asked one by one where the
        source has no many-tickers call: the refresh asks at most one market per asset)."""
        return await read_tickers(self._client, symbols, self.source.exchange_id, now,
                                  rejected, one_by_one=len(symbols))

    async def daily_closes(self, symbol: str, start: date, today: date,
                           rejected: Rejected) -> list[DailyClose]:
        """Closes of ``symbol`` from ``start`` to yesterday, in a bounded number of pages."""
        start = max(start, EARLIEST_HOLDING_DAY)
        asset, quote = symbol.split(":")[0].split("/")
        closes: list[DailyClose] = []
        since = start
        for _ in range(MAX_PAGES):
            rows = await self._client.fetch_ohlcv(symbol, "1d", _day_ms(since), 1000)
            # today's candle is still moving: a close is known once its day has ended
            page = [(d, c) for d, c in checked_candles(rows, symbol, today, rejected)
                    if since <= d < today]
            if not page:
                break
            closes.extend(DailyClose(asset, quote, d, c, self.source.exchange_id) for d, c in page)
            since = page[-1][0] + timedelta(days=1)
            if since >= today:
                break
        return closes

    async def close(self) -> None:
        if self._client is not None:
            client, self._client = self._client, None
            await client.close()
