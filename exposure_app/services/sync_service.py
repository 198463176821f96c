"""The sync service: one asyncio loop thread that owns every ccxt client.

Threading contract:

* :class:`SyncService` starts one daemon thread running one asyncio loop.
  That thread creates, reuses and closes every ccxt client (one per account,
  :class:`~exposure_app.services.sync_account.AccountSession`) and opens its
  own :class:`~exposure_app.storage.store.ProfileStore` for all writes.
* The public methods (:meth:`start`, :meth:`sync`, :meth:`cancel`,
  :meth:`shutdown`, :meth:`add_listener`) may be called from any thread.
  :meth:`sync` returns a ``concurrent.futures.Future`` of a
  :class:`~exposure_app.services.sync_events.SyncReport`.
* Listeners are plain callables invoked **on the sync thread** with frozen
  event dataclasses; the GUI bridges them to Qt signals, the CLI ignores or
  prints them. A listener that raises is logged and does not stop the sync.
* :meth:`shutdown` (the GUI's, the CLI's and the demo's one way out) cancels
  every sync and price update still running and waits for them, so each
  closes its own clients; then it closes the accounts' clients, cancels
  whatever task is still left on the loop (ccxt's and aiohttp's own) and
  only then stops and closes the loop. No task is left pending and no ccxt
  client or aiohttp session open when the thread ends.

A run reads all selected accounts concurrently, each bounded by the
per-account timeout, so the slowest account bounds the wall time. Prices are
then combined across exchanges and each account's snapshot is written in its
own transaction. A failed account records the failure (its last good
snapshot is then shown as stale with the reason); one account failing never
stops the others. Runs are serialised: a second :meth:`sync` waits for the
first.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
from collections.abc import Callable, Coroutine, Iterable
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from exposure_app.domain.models import AccountKind
from exposure_app.services.network_proxy import proxy_for_requests
from exposure_app.services.profile import Profile
from exposure_app.services.sync_account import AccountSession
from exposure_app.services.sync_events import (
    PricesRefreshed,
    SyncEvent,
    SyncReport,
    SyncRunFinished,
)
from exposure_app.services.sync_run import SyncRun
from exposure_app.services.sync_watch import is_watch_only
from exposure_app.services.watch_accounts import chain_api_urls
from exposure_app.storage.secrets import SecretStore
from exposure_app.storage.store import ProfileStore

if TYPE_CHECKING:
    from exposure_app.services.prices import PriceRefreshReport

log = logging.getLogger(__name__)

Listener = Callable[[SyncEvent], None]
T = TypeVar("T")
LEFTOVER_TASKS_WAIT = 5.0
"""Seconds the loop gives its last tasks to end once cancelled, before it closes."""


class SyncService:
    """See the module docstring for the threading contract.

    ``account_timeout`` overrides the ``sync_timeout_seconds`` setting (tests).
    """

    def __init__(
        self,
        profile: Profile,
        *,
        secret_store: SecretStore | None = None,
        account_timeout: float | None = None,
    ) -> None:
        self.profile = profile
        self.secret_store = secret_store or SecretStore()
        self.account_timeout = account_timeout
        self._listeners: list[Listener] = []
        self._listeners_lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._start_error: BaseException | None = None
        self._store: ProfileStore | None = None
        self._sessions: dict[int, AccountSession] = {}
        self._run_lock: asyncio.Lock | None = None
        self._current: asyncio.Task[SyncReport] | None = None
        self._work: set[asyncio.Task[Any]] = set()   # loop thread only: runs and price updates

    # -- listeners (any thread) ----------------------------------------------------

    def add_listener(self, listener: Listener) -> None:
        with self._listeners_lock:
            self._listeners.append(listener)

    def remove_listener(self, listener: Listener) -> None:
        with self._listeners_lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    def _emit(self, event: SyncEvent) -> None:
        with self._listeners_lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(event)
            except Exception:
                log.exception("sync listener failed")

    # -- life cycle (any thread) ---------------------------------------------------

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        """Start the loop thread and open its store (idempotent)."""
        if self.running:
            return
        self._ready.clear()
        self._thread = threading.Thread(target=self._thread_main, name="exchange-sync",
                                        daemon=True)
        self._thread.start()
        self._ready.wait()
        if self._start_error is not None:
            error, self._start_error = self._start_error, None
            self._thread.join()
            raise error

    def _thread_main(self) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._loop = loop
        try:
            self._store = self.profile.open_store()
            self._run_lock = asyncio.Lock()
        except BaseException as exc:
            self._start_error = exc
            self._ready.set()
            loop.close()
            return
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            try:
                loop.run_until_complete(self._close_sessions())
                loop.run_until_complete(_end_leftover_tasks())
                loop.run_until_complete(loop.shutdown_asyncgens())
            finally:
                if self._store is not None:
                    self._store.close()
                    self._store = None
                loop.close()
                self._loop = None

    def sync(self, account_ids: Iterable[int] | None = None) -> concurrent.futures.Future[SyncReport]:
        """Sync the given exchange accounts (all when ``None``); returns a Future."""
        if not self.running:
            self.start()
        assert self._loop is not None
        ids = None if account_ids is None else frozenset(account_ids)
        return self._submit(self._run(ids))

    def refresh_prices(self, history_start: date | None = None,
                       ) -> concurrent.futures.Future[PriceRefreshReport]:
        """Refresh the market price cache on the loop (after any run in progress);
        the Future gives a ``PriceRefreshReport``, also emitted as ``PricesRefreshed``.
        ``history_start``: fetch daily closes back to that day (default: see
        ``services.prices``)."""
        if not self.running:
            self.start()
        assert self._loop is not None
        return self._submit(self._refresh_prices(history_start))

    def _submit(self, work: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Run ``work`` on the loop as a task :meth:`shutdown` knows to cancel and await."""
        assert self._loop is not None
        return asyncio.run_coroutine_threadsafe(self._tracked(work), self._loop)

    async def _tracked(self, work: Coroutine[Any, Any, T]) -> T:
        task = asyncio.current_task()
        assert task is not None
        self._work.add(task)
        try:
            return await work
        finally:
            self._work.discard(task)

    async def _refresh_prices(self, history_start: date | None = None) -> PriceRefreshReport:
        from exposure_app.domain.timeutil import utc_now
        from exposure_app.services.prices import PriceRefreshReport, refresh_prices

        assert self._run_lock is not None and self._store is not None
        async with self._run_lock:
            started = utc_now()
            try:
                settings = self.profile.load_settings()
                timeout = float(self.account_timeout or settings.sync_timeout_seconds)
                report = await refresh_prices(self._store, settings, timeout=timeout,
                                              history_start=history_start)
            except asyncio.CancelledError:
                raise
            except Exception as exc:   # storing failed: the cached prices stay as they were
                log.exception("the price update failed")
                report = PriceRefreshReport.failed(started, f"could not be stored ({exc})")
        self._emit(PricesRefreshed(report))
        return report

    def cancel(self) -> None:
        """Cancel the run in progress; cancelled accounts store nothing."""
        loop = self._loop
        if loop is None:
            return

        def _cancel() -> None:
            if self._current is not None and not self._current.done():
                self._current.cancel()

        loop.call_soon_threadsafe(_cancel)

    def shutdown(self, timeout: float = 30.0) -> None:
        """Cancel any run, close every client on the loop and join the thread."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None or not thread.is_alive():
            return

        async def _finish() -> None:
            # every run and price update ends first, closing the clients it opened
            # (a price update's sources); a cancelled run stores nothing
            work = {task for task in self._work if not task.done()}
            for task in work:
                task.cancel()
            if work:
                await asyncio.wait(work, timeout=timeout / 2)
            await self._close_sessions()

        try:
            asyncio.run_coroutine_threadsafe(_finish(), loop).result(timeout)
        except (concurrent.futures.TimeoutError, RuntimeError):
            log.warning("sync service: clients not closed within %s s", timeout)
        finally:
            loop.call_soon_threadsafe(loop.stop)
            thread.join(timeout)

    def __enter__(self) -> SyncService:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()

    # -- on the loop -----------------------------------------------------------------

    async def _close_sessions(self) -> None:
        sessions, self._sessions = self._sessions, {}
        await asyncio.gather(*(s.close() for s in sessions.values()), return_exceptions=True)

    async def _run(self, ids: frozenset[int] | None) -> SyncReport:
        assert self._run_lock is not None and self._store is not None
        async with self._run_lock:
            store = self._store
            accounts = [
                a for a in store.accounts.list()
                if (a.kind is AccountKind.EXCHANGE_API or is_watch_only(a))
                and (ids is None or a.id in ids)
            ]
            if ids is not None:
                unknown = ids - {a.id for a in accounts}
                if unknown:
                    raise ValueError(
                        "not exchange accounts or watched addresses of this profile: "
                        + ", ".join(str(i) for i in sorted(unknown))
                    )
            # drop sessions of accounts that no longer exist
            known = {a.id for a in store.accounts.list()}
            for account_id in [i for i in self._sessions if i not in known]:
                await self._sessions.pop(account_id).close()
            settings = self.profile.load_settings()
            timeout = float(self.account_timeout or settings.sync_timeout_seconds)
            try:   # the profile's proxy (a keyring read when it has a login)
                proxy, proxy_problem = await asyncio.to_thread(
                    proxy_for_requests, settings, self.secret_store), None
            except ValueError as exc:
                proxy, proxy_problem = None, str(exc)
            run = SyncRun(
                store=store, secret_store=self.secret_store, sessions=self._sessions,
                base_currency=settings.base_currency, account_timeout=timeout, emit=self._emit,
                default_proxy=proxy, proxy_problem=proxy_problem,
            )
            try:
                run.chain_api_urls = chain_api_urls(settings.chain_api_urls)
            except ValueError as exc:   # fail closed: never fall back to a public server
                run.chain_api_urls_problem = str(exc)
            task = asyncio.ensure_future(run.execute(accounts))
            self._current = task
            try:
                report = await task   # execute() turns a cancel into a "cancelled" report
            finally:
                self._current = None
            self._emit(SyncRunFinished(report))
            return report


async def _end_leftover_tasks() -> None:
    """Cancel every other task still on the running loop and wait for them (bounded).

    After the clients are closed, what is left is the libraries' own work
    (ccxt's market loading, aiohttp's host lookups): closing the loop with it
    pending would destroy it mid-flight.
    """
    this = asyncio.current_task()
    leftover = {task for task in asyncio.all_tasks() if task is not this}
    for task in leftover:
        task.cancel()
    if leftover:
        _, pending = await asyncio.wait(leftover, timeout=LEFTOVER_TASKS_WAIT)
        if pending:
            log.warning("sync service: %d task(s) did not end when cancelled", len(pending))


def sync_blocking(
    profile: Profile,
    account_ids: Iterable[int] | None = None,
    *,
    secret_store: SecretStore | None = None,
    account_timeout: float | None = None,
    listener: Listener | None = None,
    wait: timedelta | None = None,
) -> SyncReport:
    """Start a service, run one sync, shut it down: the CLI's entry point."""
    service = SyncService(profile, secret_store=secret_store, account_timeout=account_timeout)
    if listener is not None:
        service.add_listener(listener)
    with service:
        future = service.sync(account_ids)
        return future.result(None if wait is None else wait.total_seconds())
