"""Reading tickers: one exchange's answer to "what do these markets trade at now".

Both readers of tickers use :func:`read_tickers`: an account's sync (prices from
the account's own exchange, ``pricing.fetch_quotes``) and the price refresh
(the public price sources, ``market_data.MarketDataClient``). Its contract:

* Only the symbols asked for are read from the answer, and an exchange without
  a many-tickers call is asked one market at a time for at most ``one_by_one``
  of them (each such request costs a round trip and a share of the rate limit).
  Asked one at a time, a request refused for its market alone (a symbol the
  exchange no longer lists, a malformed answer) drops that symbol and is
  counted like a bad ticker; a failure of the exchange itself
  (:data:`~exposure_app.exchanges.errors.EXCHANGE_WIDE`: the key, the network,
  a rate limit, an outage) raises, as a many-tickers call failing does.
* Every price is held to :func:`checked_price`: a finite decimal within
  :data:`MIN_PRICE`..``domain.bounds.MAX_PRICE``, the bound every price is held to.
* A ticker that is not an object, or whose price is unusable, is dropped alone
  and counted in a :class:`Rejected`; the other tickers of the answer are kept.
  Only an answer that is not an object at all raises
  :class:`~exposure_app.exchanges.errors.BadResponseError` (the caller keeps its
  last good data).
* The price is ``last`` (ccxt's ``close`` is the same figure, read when ``last``
  is missing). Without a trade price (none, or 0: venues write 0 for a market
  that has not traded) it is the midpoint of ``bid`` and ``ask`` when both are
  there and the book is at most :data:`MAX_MIDPOINT_SPREAD` wide. Some venues'
  ticker calls carry only the best bid and ask; within that spread the midpoint
  is at most 1 % from either side, a fair figure for what a holding is worth. A
  one-sided book, or a wide one (an idle market: a stray bid far under a stray
  ask), gives no price: nothing is wrong with the answer, it simply does not say
  (the asset is then priced elsewhere or from its last known price). A crossed
  book (bid above ask) contradicts itself and is dropped and counted.

Threading: :func:`read_tickers` runs on the loop that owns ``client``;
:class:`Rejected` is plain data used on that one thread.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from exposure_app.domain.bounds import MAX_PRICE
from exposure_app.domain.prices import MarketPrice
from exposure_app.exchanges.errors import EXCHANGE_WIDE, BadResponseError, describe_exception

MIN_PRICE = Decimal("1e-12")
# A bid/ask midpoint is used only when (ask - bid) / bid is at most this.
MAX_MIDPOINT_SPREAD = Decimal("0.02")
MAX_REASONS = 20


@dataclass
class Rejected:
    """Values dropped from otherwise good answers (reported, never used): how many,
    and the reasons of the first :data:`MAX_REASONS`."""

    reasons: list[str] = field(default_factory=list)
    count: int = 0

    def add(self, reason: str) -> None:
        self.count += 1
        if len(self.reasons) < MAX_REASONS:
            self.reasons.append(reason)

    def summary(self, what: str) -> str | None:
        """``"<what>: 2 dropped as unusable (first: <reason>)"``, or ``None`` when none was."""
        if not self.count:
            return None
        return f"{what}: {self.count} dropped as unusable (first: {self.reasons[0]})"


def checked_price(raw: object, what: str) -> Decimal:
    """A price from an answer, or ``BadResponseError`` saying why it is unusable."""
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str, Decimal)):
        raise BadResponseError(f"{what}: price is not a number ({type(raw).__name__})")
    if isinstance(raw, float) and not math.isfinite(raw):
        raise BadResponseError(f"{what}: price is not finite")
    try:
        value = Decimal(str(raw)) if not isinstance(raw, Decimal) else raw
    except InvalidOperation:
        raise BadResponseError(f"{what}: price {str(raw)[:20]!r} is not a number") from None
    if not value.is_finite():
        raise BadResponseError(f"{what}: price is not finite")
    if value <= 0:
        raise BadResponseError(f"{what}: price {value} is not above zero")
    if not MIN_PRICE <= value <= MAX_PRICE:
        raise BadResponseError(f"{what}: price {value:.3E} is outside the plausible range")
    return value


def _is_zero(raw: object) -> bool:
    """Whether an answer's figure is a plain zero (``0``, ``"0.00000000"``)."""
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str, Decimal)):
        return False
    try:
        return Decimal(str(raw)) == 0
    except InvalidOperation:
        return False


def ticker_price(ticker: object, what: str) -> Decimal | None:
    """The price of one ccxt ticker (see the module docstring), ``None`` when it
    gives none, or ``BadResponseError`` saying why it is unusable."""
    if not isinstance(ticker, dict):
        raise BadResponseError(f"{what}: the ticker is not an object")
    for key in ("last", "close"):
        raw = ticker.get(key)
        if raw is not None and not _is_zero(raw):
            return checked_price(raw, what)
    bid, ask = ticker.get("bid"), ticker.get("ask")
    if bid is None or ask is None or _is_zero(bid) or _is_zero(ask):
        return None
    bid, ask = checked_price(bid, f"{what} bid"), checked_price(ask, f"{what} ask")
    if ask < bid:
        raise BadResponseError(f"{what}: bid {bid} is above ask {ask}")
    if ask - bid > bid * MAX_MIDPOINT_SPREAD:
        return None
    return (bid + ask) / 2


async def read_tickers(client: Any, symbols: Sequence[str], source: str, now: datetime,
                       rejected: Rejected, *, one_by_one: int) -> list[MarketPrice]:
    """Prices of ``symbols`` (unified, ``BASE/QUOTE`` or ``BASE/QUOTE:SETTLE``) from
    ``client`` (a ccxt async exchange) as :class:`MarketPrice` records whose ``source``
    is ``source``; see the module docstring for what is read, dropped and raised."""
    if not symbols:
        return []
    if client.has.get("fetchTickers"):
        answer = await client.fetch_tickers(list(symbols))
    else:
        answer = await _one_by_one(client, symbols[:one_by_one], source, rejected)
    if not isinstance(answer, dict):
        raise BadResponseError("tickers: not an object")
    quotes = []
    for symbol in symbols:
        if symbol not in answer:
            continue
        try:
            price = ticker_price(answer[symbol], f"{source} {symbol}")
        except BadResponseError as exc:
            rejected.add(str(exc))
            continue
        if price is not None:
            asset, quote = symbol.split(":")[0].split("/")
            quotes.append(MarketPrice(asset, quote, price, source, now))
    return quotes


async def _one_by_one(client: Any, symbols: Sequence[str], source: str,
                      rejected: Rejected) -> dict[str, object]:
    """``{symbol: ticker}`` asked one ``fetch_ticker`` at a time; a symbol whose request
    failed for itself alone is left out and counted (see the module docstring)."""
    answer: dict[str, object] = {}
    for symbol in symbols:
        try:
            answer[symbol] = await client.fetch_ticker(symbol)
        except Exception as exc:
            failure = describe_exception(exc, source)
            if failure.kind in EXCHANGE_WIDE:
                raise
            rejected.add(f"{source} {symbol}: not read ({failure.message})")
    return answer
