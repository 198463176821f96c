"""One sync run over several accounts (used by :class:`SyncService` on its loop).

Phase 1 reads every account concurrently, each under its own timeout. Phase 2
prices all holdings with the quotes every exchange returned plus the last
known prices, then stores each account's outcome in its own transaction:
a snapshot (``ok`` or ``partial``) with the permissions, cached facts and
markets, or a recorded failure that leaves the last good snapshot stale.

Threading: created and executed on the sync loop thread, with that thread's
store. Cancellation (``task.cancel()``) stops the reads; nothing is stored for
a cancelled run and every account is reported ``cancelled``.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from exposure_app.chains.pool import ChainPool
from exposure_app.domain.models import Account, Holding, SnapshotSource
from exposure_app.domain.prices import MarketPrice
from exposure_app.domain.timeutil import utc_now
from exposure_app.domain.watch_only import WatchTarget, watch_target_of
from exposure_app.exchanges.errors import (
    ConfigurationError,
    ErrorKind,
    SyncError,
    describe_exception,
    make_error,
)
from exposure_app.exchanges.pricing import PriceBook
from exposure_app.services.exchange_accounts import move_url_logins, permission_warning
from exposure_app.services.manual_revaluation import revalue_manual_accounts
from exposure_app.services.price_lookup import MarketPrices
from exposure_app.services.sync_account import AccountSession, ReadOutcome
from exposure_app.services.sync_events import (
    AccountSyncFinished,
    AccountSyncProgress,
    AccountSyncStarted,
    AccountSyncStatus,
    SyncEvent,
    SyncPhase,
    SyncReport,
    SyncTimings,
)
from exposure_app.services.sync_snapshot import build_snapshot, save_snapshot, taken_at_text
from exposure_app.services.sync_watch import is_watch_only, market_valued, read_watch, source_id
from exposure_app.services.withdrawal_confirmations import (
    AwaitedArrivals,
    awaited_accounts,
    confirm_withdrawals,
)
from exposure_app.storage.secrets import SecretStore, SecretStoreError, secret_ref_of
from exposure_app.storage.store import ProfileStore
from exposure_app.storage.watch import WatchRepository

if TYPE_CHECKING:
    from exposure_app.domain.checklist import LockDetail

DEFAULT_BACKOFF = timedelta(seconds=60)
log = logging.getLogger(__name__)


def markets_key(account: Account) -> str:
    """Markets are cached per venue: the exchange plus any API URL override or
    sandbox (a testnet or regional host lists other markets)."""
    options = account.options
    key = account.exchange_id or ""
    if options.get("api_url"):
        key += f"@{options['api_url']}"
    if options.get("sandbox"):
        key += "#sandbox"
    return key


@dataclass
class _Pending:
    account: Account
    started_at: datetime
    started: float
    outcome: ReadOutcome | None = None


class SyncRun:
    """Threading: sync loop thread only (see module docstring)."""

    chain_api_urls: dict[str, str] = {}   # noqa: RUF012 - replaced, never mutated
    """The profile's server per chain for watched addresses without their own."""
    chain_api_urls_problem: str | None = None
    """Why that setting could not be read; such addresses then fail rather than go public."""

    def __init__(
        self,
        *,
        store: ProfileStore,
        secret_store: SecretStore,
        sessions: dict[int, AccountSession],
        base_currency: str,
        account_timeout: float,
        emit: Callable[[SyncEvent], None],
        default_proxy: str | None = None,
        proxy_problem: str | None = None,
    ) -> None:
        """``default_proxy`` is the profile's proxy, used by accounts without their own;
        ``proxy_problem`` (the proxy setting is unusable) fails every account with it
        rather than letting a request go out directly."""
        self.default_proxy = default_proxy
        self.proxy_problem = proxy_problem
        self.store = store
        self.secret_store = secret_store
        self.sessions = sessions
        self.base = base_currency
        self.timeout = account_timeout
        self.emit = emit
        self.started_at = utc_now()
        self._pending: list[_Pending] = []
        self._chain_pool: ChainPool | None = None
        self._awaited: AwaitedArrivals = {}

    # -- phase 1: reading -------------------------------------------------------------

    async def _credentials(self, account: Account) -> dict[str, str]:
        ref = secret_ref_of(account)
        if ref is None:
            raise ConfigurationError("it has no stored API key; add it again")
        try:
            return await asyncio.to_thread(self.secret_store.load, ref)
        except SecretStoreError as exc:
            raise SyncError(ErrorKind.CONFIG, str(exc)) from None

    async def _read_one(self, pending: _Pending) -> None:
        account = pending.account
        exchange_id = source_id(account)
        self.emit(AccountSyncStarted(account.id, account.name, exchange_id, pending.started_at))
        now = utc_now()
        backoff = self.store.exchange_state.backoff(account.id)
        if backoff is not None and backoff[0] > now:
            message = (f"Skipped: the exchange asked to pause until {taken_at_text(backoff[0])} "
                       f"after a rate limit or ban. {backoff[1]}").strip()
            pending.outcome = ReadOutcome(error=SyncError(ErrorKind.RATE_LIMIT, message))
            return
        target = watch_target_of(account.options)
        if target is not None:
            await self._read_watch(pending, target, now)
            return
        session = self.sessions.get(account.id)
        if session is None:
            session = self.sessions[account.id] = AccountSession(account)
        try:
            self.emit(AccountSyncProgress(account.id, account.name, SyncPhase.CONNECTING))
            if self.proxy_problem is not None:
                raise ConfigurationError(self.proxy_problem)
            account = pending.account = move_url_logins(self.store, self.secret_store, account)
            credentials = await self._credentials(account)
            facts = self.store.exchange_state.facts(account.id)
            await session.ensure_client(account, credentials, facts, self.timeout,
                                        self.default_proxy)
        except Exception as exc:
            pending.outcome = ReadOutcome(error=describe_exception(exc, exchange_id))
            return
        self.emit(AccountSyncProgress(account.id, account.name, SyncPhase.READING))
        markets = self.store.exchange_state.markets(markets_key(account), now)
        try:
            pending.outcome = await asyncio.wait_for(
                session.read(self.base, now, markets), self.timeout
            )
        except TimeoutError:
            await session.close()   # a cancelled request may leave the client mid-flight
            error = make_error(ErrorKind.TIMEOUT, exchange_id)
            pending.outcome = ReadOutcome(error=SyncError(
                error.kind, f"{error.message} (no complete answer within {self.timeout:g} s)"
            ))

    async def _read_watch(self, pending: _Pending, target: WatchTarget, now: datetime) -> None:
        """A watch-only account: its chain server instead of a ccxt client."""
        account = pending.account
        self.emit(AccountSyncProgress(account.id, account.name, SyncPhase.READING))
        if self.proxy_problem is not None:
            pending.outcome = ReadOutcome(error=SyncError(ErrorKind.CONFIG, self.proxy_problem))
            return
        if self.chain_api_urls_problem and not account.options.get("api_url"):
            pending.outcome = ReadOutcome(error=SyncError(ErrorKind.CONFIG, (
                f"The setting {self.chain_api_urls_problem}. Fix it (settings set chain_api_urls "
                "…) or give this address its own server URL.")))
            return
        if self._chain_pool is None:
            self._chain_pool = ChainPool(request_timeout=self.timeout)
        try:
            pending.outcome = await asyncio.wait_for(
                read_watch(self._chain_pool, account, target, now,
                           awaited=self._awaited.get(account.id),
                           facts=self.store.exchange_state.facts(account.id),
                           default_urls=self.chain_api_urls,
                           default_proxy=self.default_proxy), self.timeout)
        except TimeoutError:
            error = make_error(ErrorKind.TIMEOUT, target.chain)
            pending.outcome = ReadOutcome(error=SyncError(
                error.kind, f"{error.message} (no complete answer within {self.timeout:g} s)"))

    async def execute(self, accounts: list[Account]) -> SyncReport:
        self._pending = [_Pending(a, utc_now(), time.perf_counter()) for a in accounts]
        self._awaited = awaited_accounts(self.store)
        tasks = [asyncio.ensure_future(self._read_one(p)) for p in self._pending]
        try:
            if tasks:
                await asyncio.gather(*tasks)
        except asyncio.CancelledError:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            return self.cancelled_report()
        finally:
            if self._chain_pool is not None:
                await self._chain_pool.close()
                self._chain_pool = None
        report = self._store_all()
        await self._after_sync(report)
        return report

    async def _after_sync(self, report: SyncReport) -> None:
        """The checklist's hook: lock details, withdrawal networks, moved items.

        It never raises and is bounded by the account timeout; the snapshots
        are already stored, so a failure here changes no sync result.
        """
        try:
            from exposure_app.services.checklist_service import after_sync
        except ImportError:
            return
        accounts = [
            (p.account,
             self.sessions[p.account.id].client if p.account.id in self.sessions else None,
             p.outcome.reading if p.outcome else None)
            for p in self._pending
        ]
        try:
            await after_sync(self.store, accounts, report, timeout=self.timeout)
        except asyncio.CancelledError:
            raise
        except Exception:   # documented never to raise; belt and braces
            log.exception("after-sync hook failed")
        try:
            confirm_withdrawals(self.store, report)
        except Exception:   # same contract: the sync's own outcome is already saved
            log.exception("withdrawal confirmation failed")

    def cancelled_report(self) -> SyncReport:
        results = []
        for p in self._pending:
            result = AccountSyncFinished(
                p.account.id, p.account.name, source_id(p.account),
                AccountSyncStatus.CANCELLED, self._timings(p, None), self.base,
                error="Cancelled before it finished; nothing was stored.",
            )
            self.emit(result)
            results.append(result)
        return SyncReport(self.started_at, utc_now(), tuple(results), cancelled=True)

    # -- phase 2: pricing and storing -------------------------------------------------------

    def _timings(self, p: _Pending, outcome: ReadOutcome | None) -> SyncTimings:
        return SyncTimings(
            started_at=p.started_at, finished_at=utc_now(),
            read_seconds=outcome.read_seconds if outcome else None,
            pricing_seconds=outcome.pricing_seconds if outcome else None,
            total_seconds=time.perf_counter() - p.started,
        )

    def _store_all(self) -> SyncReport:
        taken_at = utc_now()
        quotes = [q for p in self._pending if p.outcome for q in p.outcome.quotes]

        market = MarketPrices.load(self.store, taken_at)

        def last_known(asset: str) -> MarketPrice | None:
            """The newer of the last price a sync recorded and the market price cache."""
            known = self.store.prices.latest(asset, self.base, taken_at)
            point = market.price(asset, self.base)
            if point is not None and not point.assumed:
                cached = MarketPrice(asset, self.base, point.price,
                                     f"market price cache: {point.label}",
                                     datetime.combine(point.day, datetime.min.time(), tzinfo=UTC))
                if known is None or cached.taken_at > known.taken_at:
                    known = cached
            return known

        book = PriceBook(self.base, quotes, last_known, taken_at)
        results = []
        for p in self._pending:
            outcome = p.outcome or ReadOutcome(error=SyncError(ErrorKind.EXCHANGE, "no result"))
            try:
                result = self._store_one(p, outcome, book, taken_at)
            except Exception as exc:   # storing failed: report it, keep the others going
                error = describe_exception(exc, source_id(p.account))
                result = AccountSyncFinished(
                    p.account.id, p.account.name, source_id(p.account),
                    AccountSyncStatus.FAILED, self._timings(p, outcome), self.base,
                    error=f"Could not save the result: {error.message}", error_kind="storage",
                )
            self.emit(result)
            results.append(result)
        self._revalue_manual_accounts(book, taken_at)
        return SyncReport(self.started_at, utc_now(), tuple(results))

    def _revalue_manual_accounts(self, book: PriceBook, taken_at: datetime) -> None:
        """Hand-recorded holdings follow this sync's live prices (manual_revaluation)."""

        def live_price(asset: str) -> tuple[Decimal, str] | None:
            valuation = book.value(asset)
            if valuation is None or not valuation.recordable:
                return None
            return valuation.price, valuation.source

        try:
            changed = revalue_manual_accounts(self.store, live_price, taken_at)
        except Exception:   # the exchange snapshots are stored; this must not undo a sync
            log.exception("re-valuing hand-recorded holdings failed")
            return
        if changed:
            log.info("re-valued %d hand-recorded account(s) at this sync's prices", len(changed))

    def _locks_of(self, snapshot_id: int) -> list[LockDetail]:
        from exposure_app.storage.checklist import HoldingLockRepository

        return HoldingLockRepository(self.store).for_snapshots([snapshot_id]).get(snapshot_id, [])

    def _store_one(self, p: _Pending, outcome: ReadOutcome, book: PriceBook,
                   taken_at: datetime) -> AccountSyncFinished:
        account = p.account
        exchange_id = source_id(account)
        state = self.store.exchange_state
        last_good = self.store.snapshots.latest_usable(account.id, taken_at)
        if outcome.error is not None or outcome.reading is None:
            error = outcome.error or make_error(ErrorKind.EXCHANGE, exchange_id)
            with self.store.transaction():
                self.store.snapshots.record_failure(account.id, taken_at, error.message,
                                                    SnapshotSource.SYNC)
                if error.kind is ErrorKind.RATE_LIMIT and not error.message.startswith("Skipped"):
                    wait = (timedelta(seconds=error.retry_after) if error.retry_after
                            else DEFAULT_BACKOFF)
                    state.set_backoff(account.id, taken_at + wait, error.message)
            previous = state.permissions(account.id)
            return AccountSyncFinished(
                account.id, account.name, exchange_id, AccountSyncStatus.FAILED,
                self._timings(p, outcome), self.base, error=error.message,
                error_kind=error.kind.value,
                stale_since=last_good.taken_at if last_good else None,
                permissions=previous[0] if previous else None,
                permission_warning=permission_warning(previous[0]) if previous else None,
            )
        self.emit(AccountSyncProgress(account.id, account.name, SyncPhase.SAVING))
        reading = outcome.reading
        built = build_snapshot(account, reading, book, taken_at, last_good, self._locks_of)
        if is_watch_only(account):
            built = market_valued(built)
        notes = [n for n in (outcome.pricing_error,
                             outcome.rejected_prices.summary("prices from this exchange")) if n]
        notes += [assumed_price_note(asset, built.snapshot.holdings) for asset in built.assumed]
        timings = self._timings(p, outcome)
        with self.store.transaction():
            snapshot_id = save_snapshot(self.store, built)
            if outcome.receipts:
                WatchRepository(self.store).save_receipts(account.id, outcome.receipts, taken_at)
            if reading.permissions is not None:
                state.save_permissions(account.id, reading.permissions, taken_at)
            state.save_facts(account.id, outcome.facts)
            state.set_backoff(account.id, None, None)
            if outcome.fresh_markets:
                state.save_markets(markets_key(account), outcome.fresh_markets, taken_at)
            state.save_last_sync(account.id, {
                "status": built.snapshot.status.value, "coverage_note": reading.coverage_note,
                "skipped": dict(reading.skipped), "notes": notes,
                "read_seconds": timings.read_seconds, "total_seconds": timings.total_seconds,
                "unpriced": list(built.unpriced),
            })
        status = AccountSyncStatus(built.snapshot.status.value)
        return AccountSyncFinished(
            account.id, account.name, exchange_id, status, timings, self.base,
            coverage=reading.coverage, missing=built.snapshot.missing, skipped=reading.skipped,
            coverage_note=reading.coverage_note, total_value=built.total_value,
            wallet_values=built.wallet_values, holdings_count=len(built.snapshot.holdings),
            unpriced_assets=built.unpriced, assumed_prices=built.assumed,
            permissions=reading.permissions,
            permission_warning=permission_warning(reading.permissions),
            snapshot_id=snapshot_id, notes=tuple(notes),
        )


_ASSUMED_QUOTE = re.compile(r"\b([A-Z0-9]+) taken as 1 USD")


def assumed_price_note(asset: str, holdings: Iterable[Holding]) -> str:
    """Say per asset what an assumed stablecoin price means for it.

    "BTC priced through BTC/USDT, with USDT assumed worth 1 USD" (BTC was not
    assumed to be worth 1 USD: its USDT quote was converted at 1), or, for a
    stablecoin without any market price, "USDC assumed worth 1 USD".
    """
    source = next((h.price_source for h in holdings if h.asset == asset and h.price_source), "")
    quote = _ASSUMED_QUOTE.search(source or "")
    if quote is not None and quote.group(1) != asset:
        stable = quote.group(1)
        return f"{asset} priced through {asset}/{stable}, with {stable} assumed worth 1 USD"
    return f"{asset} assumed worth 1 USD (a stablecoin with no market price found)"
