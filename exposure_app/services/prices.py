"""Market prices for every holding: refreshing the cache, its age, closes for signals.

:func:`refresh_prices` asks the price sources (``exchanges.market_data``) for
the tickers and the missing daily closes of every asset the profile holds,
plus the custodians' own tokens and the stablecoins (for the risk signals)
and the base currency, then stores them in one transaction. A source that
fails is skipped for the next one (the fallbacks); nothing is written for
what no source answered, so the last good prices stay, with their age.
Afterwards hand-recorded holdings that follow the market are re-valued at
the fresh prices (``manual_revaluation``), so a wallet-only profile has a
net worth without any exchange account.

:class:`CachedCloses` satisfies the ``ClosesSource`` protocol
(``risk.price_signals``): USD closes from the cache, no network.

Threading: :func:`refresh_prices` runs on the sync loop thread with that
thread's store (``SyncService.refresh_prices``, or ``asyncio.run`` in the
CLI, which then owns its store). The rest runs on the caller's store thread.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from exposure_app.domain.market_valuation import (
    MARKET_PREFIX,
    follows_market,
    with_market_price,
)
from exposure_app.domain.models import AccountKind, Holding
from exposure_app.domain.money import FIAT_CURRENCIES
from exposure_app.domain.prices import DailyClose, MarketPrice
from exposure_app.domain.timeutil import describe_age, utc_now
from exposure_app.exchanges.errors import describe_exception
from exposure_app.exchanges.market_data import (
    USD_QUOTES,
    USD_STABLE_QUOTES,
    MarketDataClient,
    Rejected,
    parse_price_sources,
    symbols_for,
)
from exposure_app.exchanges.pricing import USD_STABLECOINS
from exposure_app.services.history import first_snapshot_day
from exposure_app.services.manual_revaluation import revalue_manual_accounts
from exposure_app.services.network_proxy import proxy_for_requests
from exposure_app.services.price_lookup import MarketPrices
from exposure_app.services.settings import Settings
from exposure_app.storage.store import ProfileStore

log = logging.getLogger(__name__)

# Custodians' own tokens and the stablecoins they issue or hold: their closes
# feed the price signals (token drawdowns, depegs) whatever the user holds.
WATCHED_ASSETS = ("FTT", "BNB", "OKB", "KCS", "HT", "CRO", "WRX", "LEO", "GT", "BGB", "MX",
                  "USDT", "USDC", "DAI", "FDUSD", "TUSD", "BUSD")
DEFAULT_HISTORY_DAYS = 400
MAX_ASSETS = 200


@dataclass(frozen=True, slots=True)
class SourceOutcome:
    source: str
    ok: bool
    message: str
    assets: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PriceRefreshReport:
    """What one refresh fetched and what it could not (frozen; crosses threads)."""

    started_at: datetime
    sources: tuple[SourceOutcome, ...]
    tickers: int
    closes: int
    unpriced: tuple[str, ...]
    rejected: tuple[str, ...]
    revalued_accounts: int = 0

    @property
    def ok(self) -> bool:
        return any(s.ok for s in self.sources)

    @classmethod
    def failed(cls, started_at: datetime, message: str) -> PriceRefreshReport:
        """A refresh that stopped before any source was asked or its answer stored."""
        return cls(started_at, (SourceOutcome("price update", False, message),), 0, 0, (), ())

    def as_json(self) -> dict[str, object]:
        return {
            "started_at": self.started_at.isoformat(), "ok": self.ok,
            "tickers": self.tickers, "closes": self.closes, "unpriced": list(self.unpriced),
            "rejected": list(self.rejected), "revalued_accounts": self.revalued_accounts,
            "sources": [{"source": s.source, "ok": s.ok, "message": s.message,
                         "assets": list(s.assets)} for s in self.sources],
        }


@dataclass
class _Gathered:
    quotes: list[MarketPrice] = field(default_factory=list)
    closes: list[DailyClose] = field(default_factory=list)
    outcomes: list[SourceOutcome] = field(default_factory=list)


async def _from_source(client: MarketDataClient, assets: list[str], start: dict[str, date],
                       now: datetime, rejected: Rejected, into: _Gathered) -> set[str]:
    """Tickers and closes of the ``assets`` this source lists; returns the ones it priced."""
    markets = await client.markets()
    chosen: dict[str, str] = {}
    for asset in assets:
        symbols = symbols_for(markets, asset)
        if symbols:
            chosen[asset] = symbols[0]
    quotes = await client.tickers(list(chosen.values()), now, rejected)
    into.quotes.extend(quotes)   # kept as it arrives: a source that times out later
    answered = {f"{q.asset}/{q.quote}" for q in quotes}   # still gave what it gave
    for asset, symbol in chosen.items():
        closes = await client.daily_closes(symbol, start[asset], now.date(), rejected)
        into.closes.extend(closes)
        answered.update(f"{c.asset}/{c.quote}" for c in closes)
    return {asset for asset, symbol in chosen.items() if symbol in answered}


async def refresh_prices(
    store: ProfileStore,
    settings: Settings,
    *,
    now: datetime | None = None,
    extra_assets: Iterable[str] = (),
    history_start: date | None = None,
    timeout: float | None = None,
    throttle: bool | None = None,
) -> PriceRefreshReport:
    """Fetch and cache prices (see the module docstring); never raises for a source failing.

    ``throttle`` overrides ccxt's client-side rate limiting (default: on, off
    for loopback origins, see ``MarketDataClient``).
    """
    now = now or utc_now()
    timeout = float(timeout or settings.sync_timeout_seconds)
    sources = parse_price_sources(settings.price_sources)
    try:   # the profile's proxy, its login from the keyring (off the loop: it may block)
        proxy, proxy_problem = await asyncio.to_thread(proxy_for_requests, settings), None
    except ValueError as exc:
        proxy, proxy_problem = None, str(exc)
    base = settings.base_currency
    # the fiat currencies too: a change of base currency converts stored figures at them
    wanted = sorted({*store.snapshots.held_assets(utc_now()), *WATCHED_ASSETS, *extra_assets,
                     *FIAT_CURRENCIES, base} - {"USD"})[:MAX_ASSETS]
    first = history_start or min(filter(None, [first_snapshot_day(store),
                                               now.date() - timedelta(days=DEFAULT_HISTORY_DAYS)]))
    start: dict[str, date] = {}
    for asset in wanted:
        cached = [store.market.last_day(asset, q) for q in USD_QUOTES]
        last = max((d for d in cached if d is not None), default=None)
        start[asset] = last + timedelta(days=1) if last is not None and last >= first else first
    remaining = list(wanted)
    gathered = _Gathered()
    rejected = Rejected()
    for source in sources:
        if not remaining:
            break
        if proxy_problem is not None:   # never go out directly instead
            gathered.outcomes.append(SourceOutcome(source.label, False, proxy_problem))
            continue
        client = MarketDataClient(source, proxy=proxy, timeout=timeout, throttle=throttle)
        try:
            priced = await asyncio.wait_for(
                _from_source(client, remaining, start, now, rejected, gathered), timeout * 4)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            message = describe_exception(exc, source.exchange_id).message.replace(
                "the account's API URL", "the price source's URL (setting price_sources)")
            gathered.outcomes.append(SourceOutcome(source.label, False, message))
            continue
        finally:
            try:
                await client.close()
            except Exception:   # closing a failed client must not hide the result
                log.debug("closing the price source client failed", exc_info=True)
        got = tuple(a for a in remaining if a in priced)
        gathered.outcomes.append(SourceOutcome(source.label, True, f"{len(got)} assets", got))
        remaining = [a for a in remaining if a not in priced]
    store.market.save(gathered.closes, gathered.quotes, now)
    revalued = revalue_from_cache(store, base, now) if gathered.quotes else []
    if gathered.closes:
        price_dated_records(store, now)
    held = store.snapshots.held_assets(utc_now())
    return PriceRefreshReport(
        started_at=now, sources=tuple(gathered.outcomes), tickers=len(gathered.quotes),
        closes=len(gathered.closes), unpriced=tuple(a for a in remaining if a in held),
        rejected=tuple(rejected.reasons), revalued_accounts=len(revalued),
    )


def revalue_from_cache(store: ProfileStore, base: str, now: datetime) -> list[int]:
    """Re-value hand-recorded, market-following holdings at the cached current prices."""
    prices = MarketPrices.load(store, now)

    def price_of(asset: str) -> tuple[Decimal, str] | None:
        point = prices.price(asset, base)
        return None if point is None else (point.price, point.label)

    return revalue_manual_accounts(store, price_of, now)


# Prices a record was given by assumption (a stablecoin taken as 1) rather than a market.
_ASSUMED_PREFIX = MARKET_PREFIX + "assumed"
# Snapshots recorded by hand or imported holding something unpriced or assumed; the
# parameter is _ASSUMED_PREFIX + "%".
_UNPRICED_RECORDS_SQL = (
    "SELECT DISTINCT s.id FROM snapshots s JOIN accounts a ON a.id = s.account_id "
    "JOIN holdings h ON h.snapshot_id = s.id WHERE s.usable = 1 AND a.kind != 'exchange_api' "
    "AND s.source IN ('manual', 'import') AND h.total != '0' "
    "AND (h.price_source IS NULL OR h.price_source LIKE ?) "
    "ORDER BY s.id"
)


def _unpriced_or_assumed(holding: Holding) -> bool:
    source = holding.price_source
    return source is None or source.startswith(_ASSUMED_PREFIX)


def price_dated_records(store: ProfileStore, now: datetime) -> int:
    """Holdings recorded by hand or imported without a price, valued at their date's close.

    A record made before its asset's closes were cached stays unpriced (or,
    for a stablecoin, assumed at 1) until they are; this fills in each such
    holding from the market close of the record's own day (in the snapshot's
    currency). Returns how many snapshots changed.
    """
    ids = [r[0] for r in store.db.execute(_UNPRICED_RECORDS_SQL, [_ASSUMED_PREFIX + "%"])]
    if not ids:
        return 0
    prices = MarketPrices.load(store, now)
    changed = 0
    with store.transaction():
        for snapshot_id in ids:
            snapshot = store.snapshots.get(snapshot_id)
            if snapshot is None:
                continue
            day = snapshot.taken_at.astimezone(UTC).date()
            currency = snapshot.currency or store.value_currency

            def price_of(asset: str, day: date = day,
                         currency: str = currency) -> tuple[Decimal, str] | None:
                point = prices.price(asset, currency, day if day < now.date() else None)
                if point is None or point.assumed:
                    return None
                return point.price, point.label

            holdings = tuple(
                with_market_price(h, *found) if _unpriced_or_assumed(h) and h.total
                and (found := price_of(h.asset)) is not None else h
                for h in snapshot.holdings
            )
            if holdings != snapshot.holdings:
                store.snapshots.reprice(snapshot_id, holdings)
                changed += 1
    return changed


def cache_age_text(store: ProfileStore, now: datetime | None = None, *, how: str = "") -> str:
    """``"prices as of 2026-12-02 14:05 UTC (3 h old)"``, or that none are cached yet, then
    ``how`` to get some when given (each front end names its own command: the CLI's
    ``prices update``, the window's Update prices action); a caller that has just tried gives none."""
    now = now or utc_now()
    newest = store.market.newest_fetch()
    if newest is None:
        return f"no market prices cached yet ({how})" if how else "no market prices cached yet"
    return f"prices as of {newest:%Y-%m-%d %H:%M} UTC ({describe_age(newest, now)})"


def has_wallet_holdings_to_price(store: ProfileStore, now: datetime) -> bool:
    """Whether any hand-recorded account holds something that follows the market."""
    for account in store.accounts.list():
        if account.kind is AccountKind.EXCHANGE_API:
            continue
        latest = store.snapshots.latest_usable(account.id, now)
        if latest is not None and any(follows_market(h) for h in latest.holdings):
            return True
    return False


class CachedCloses:
    """``ClosesSource`` over the cache: USD daily closes, oldest first, none after ``end``.

    Threading: use on the thread that owns ``store``.
    """

    def __init__(self, store: ProfileStore) -> None:
        self._store = store

    def daily_closes(self, asset: str, start: date, end: date) -> Sequence[tuple[date, Decimal]]:
        if end < start:
            return []
        closes = self._store.market.all_closes([asset, *USD_STABLE_QUOTES])
        # a day counts only when a close of that very day is cached (no carried values)
        days = sorted({d for (a, _q), series in closes.items() if a == asset
                       for d in series if start <= d <= end})
        prices = MarketPrices(closes, (), end)
        result = []
        for day in days:
            point = prices.usd(asset, day)
            if point is not None and point.day == day and not (
                    point.assumed and asset in USD_STABLECOINS):
                result.append((day, point.price))
        return result
