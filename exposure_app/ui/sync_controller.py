"""Runs syncs from the window: buttons, progress, cancel, the automatic interval.

The :class:`~exposure_app.services.sync_service.SyncService` (its own thread,
its own asyncio loop, every ccxt client) is created on the first sync, not at
start-up, so opening the window never imports ccxt or touches the network.
Its events arrive through a :class:`SyncBridge` as queued signals; this
controller keeps per-account live status, marks the view dirty (one refresh
per burst, see :class:`ViewState`) and reports failures once per account in
the window's banner, never as dialogs.

Market prices are refreshed on the same service thread: by the "Update prices"
action (the way a profile of wallets and custodians recorded by hand, with
nothing to sync, updates its values at will), after a sync and on the timer.
While one runs
the progress bar says so (unless a sync is using it); afterwards the status
bar gives the cache's age, and a failure leaves a notice saying the last good
prices are kept, with their age, until an update succeeds.

Threading: GUI thread only, except the service's own thread behind it.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from concurrent.futures import Future
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QProgressBar

from exposure_app.domain.models import AccountKind
from exposure_app.domain.watch_only import is_watch_only
from exposure_app.services.prices import cache_age_text
from exposure_app.services.sync_events import (
    AccountSyncFinished,
    AccountSyncProgress,
    AccountSyncStarted,
    AccountSyncStatus,
    SyncRunFinished,
)
from exposure_app.ui.background import BackgroundCall, import_ccxt, paused_gc
from exposure_app.ui.formatting import sentence
from exposure_app.ui.sync_bridge import SyncBridge

if TYPE_CHECKING:
    from exposure_app.services.sync_service import SyncService

log = logging.getLogger(__name__)

PHASE_TEXT = {"connecting": "connecting…", "reading": "reading balances…",
              "pricing": "pricing…", "saving": "saving…"}


class SyncController(QObject):
    running_changed = Signal(bool)
    account_status_changed = Signal()

    def __init__(self, window, service_factory=None) -> None:
        super().__init__(window)
        self.window = window
        self.state = window.state
        self.service_factory = service_factory
        self.service: SyncService | None = None
        self.bridge = SyncBridge(self)
        q = Qt.ConnectionType.QueuedConnection
        self.bridge.account_started.connect(self._on_started, q)
        self.bridge.account_progress.connect(self._on_progress, q)
        self.bridge.account_finished.connect(self._on_finished, q)
        self.bridge.run_finished.connect(self._on_run_finished, q)
        self.bridge.prices_refreshed.connect(self._on_prices_refreshed, q)
        self._prices_pending = False
        self.prices_running = False
        self._shut_down = False
        self.live_status: dict[int, str] = {}
        self.last_results: dict[int, AccountSyncFinished] = {}
        self._future: Future | None = None
        self._starter: BackgroundCall | None = None
        self._pending: tuple[list[int] | None] | None = None
        self._total = 0
        self._done = 0
        self.progress = QProgressBar()
        self.progress.setAccessibleName("Sync progress")
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(True)
        self.progress.setVisible(False)
        window.statusBar().addPermanentWidget(self.progress)
        self.auto_timer = QTimer(self)
        self.auto_timer.timeout.connect(self._on_auto_timer)
        self.apply_interval()

    # -- the service ---------------------------------------------------------------

    def _create_service(self):
        """Import, build and start the service (worker thread: the imports take a
        second or two, which must not stall the window).

        ccxt is imported here, with the garbage collector paused and the result frozen
        (``gc.freeze``): importing it allocates millions of objects, and a full
        collection over them holds the GIL for a quarter of a second, which the GUI
        thread would feel as a freeze. Frozen, they are never scanned again.
        """
        with paused_gc():
            from exposure_app.services.sync_service import SyncService
        import_ccxt()
        if self.service_factory is not None:
            service = self.service_factory(self.window.profile)
        else:
            service = SyncService(self.window.profile, secret_store=self.window.secret_store)
        service.add_listener(self.bridge.deliver)
        service.start()
        return service

    @property
    def is_running(self) -> bool:
        starting = self._starter is not None and self._starter.is_running()
        return starting or self._pending is not None or (
            self._future is not None and not self._future.done())

    def exchange_account_ids(self) -> list[int]:
        """Accounts a sync reads: exchange accounts and watched addresses."""
        return [a.id for a in self.state.store.accounts.list()
                if a.kind is AccountKind.EXCHANGE_API or is_watch_only(a)]

    # -- commands --------------------------------------------------------------------

    def sync_all(self) -> bool:
        ids = self.exchange_account_ids()
        if not ids:
            prices = (" Sync → Update prices brings your wallets' market prices up to date."
                      if self._has_hand_recorded_accounts() else "")
            self.window.statusBar().showMessage(
                "No exchange account to sync: add one with File → Add exchange." + prices, 8000)
            return False
        return self.sync(None)

    def _has_hand_recorded_accounts(self) -> bool:
        return any(a.kind is not AccountKind.EXCHANGE_API
                   for a in self.state.store.accounts.list())

    def refresh_prices(self) -> bool:
        """Update the market price cache on the sync thread (after any sync running);
        ``False`` if an update is already under way."""
        if self.prices_running:
            self.window.statusBar().showMessage("Market prices are already being updated.", 4000)
            return False
        self.prices_running = True
        self._prices_action_enabled(False)
        if not self.is_running:   # a sync in progress keeps the bar; prices follow it
            self.progress.setRange(0, 0)
            self.progress.setFormat("Updating market prices…")
            self.progress.setVisible(True)
        self.window.statusBar().showMessage("Updating market prices…", 4000)
        self._request_prices()
        return True

    def _prices_action_enabled(self, enabled: bool) -> None:
        self.window.update_prices_action.setEnabled(enabled)

    def _request_prices(self) -> None:
        if self.service is None:
            self._prices_pending = True
            if self._starter is None or not self._starter.is_running():
                self._starter = BackgroundCall(self._create_service, "start-sync-service", self)
                self._starter.done.connect(self._on_service_ready,
                                           Qt.ConnectionType.QueuedConnection)
                self._starter.failed.connect(self._on_service_failed,
                                             Qt.ConnectionType.QueuedConnection)
                self._starter.start()
            return
        try:
            self.service.refresh_prices()   # the result arrives as PricesRefreshed
        except Exception as exc:
            log.exception("starting a price update failed")
            self._prices_done(f"Market prices could not be updated: {exc}")

    def _prices_done(self, problem: str | None) -> None:
        """The update ended: progress off, and a failure left as a notice with the cache's age."""
        self.prices_running = False
        self._prices_action_enabled(True)
        if not self.is_running:
            self.progress.setVisible(False)
            self.progress.setRange(0, 1)
        if problem is None:
            self.window.banner.dismiss("prices")
            return
        age = cache_age_text(self.state.store)
        kept = ("The last good prices are kept and used: " if self.state.store.market.newest_fetch()
                else "")   # say only what is true: with nothing cached, nothing is kept
        self.window.banner.show_message(f"{sentence(problem)} {sentence(kept + age)}", "warning",
                                        key="prices", sticky=True)

    def _on_prices_refreshed(self, event) -> None:
        if self._shut_down:   # queued before the window closed: its store is gone
            return
        report = event.report
        if report.ok or not report.sources:
            text = (f"Market prices updated ({report.tickers} prices, {report.closes} closes); "
                    f"{cache_age_text(self.state.store)}.")
            self._prices_done(None)
        else:
            failed = [s.message.rstrip(". ") for s in report.sources if not s.ok]
            reasons = failed[0][:200] + (f" (and {len(failed) - 1} more source"
                                         f"{'s' if len(failed) > 2 else ''} failed)"
                                         if len(failed) > 1 else "")
            text = f"Market prices could not be updated ({reasons}); cached prices kept."
            self._prices_done(f"Market prices could not be updated: {reasons}")
        self.window.statusBar().showMessage(text, 8000)
        self.state.mark_dirty()

    def sync_selected(self) -> bool:
        """Sync → Sync this account: the accounts selected on the Accounts page."""
        ids = self.window.accounts.selected_account_ids()
        if not ids:
            self.window.show_page("accounts")
            self.window.banner.show_message("Select an account in Accounts first.", "info",
                                            key="select-account")
            return False
        return self.sync(ids)

    def sync(self, account_ids: Iterable[int] | None) -> bool:
        if self.is_running:
            self.window.statusBar().showMessage("A sync is already running.", 4000)
            return False
        ids = list(account_ids) if account_ids is not None else None
        exchange_ids = set(self.exchange_account_ids())
        if ids is not None:
            ids = [i for i in ids if i in exchange_ids]
            if not ids:
                self.window.statusBar().showMessage(
                    "Only exchange accounts sync; edit manual accounts' holdings instead.", 6000)
                return False
        self._pending = (ids,)
        if self.service is None:
            self._starter = BackgroundCall(self._create_service, "start-sync-service", self)
            self._starter.done.connect(self._on_service_ready, Qt.ConnectionType.QueuedConnection)
            self._starter.failed.connect(self._on_service_failed,
                                         Qt.ConnectionType.QueuedConnection)
            self._starter.start()
        else:
            self._start_pending()
        self._total = len(ids) if ids is not None else len(exchange_ids)
        self._done = 0
        self.progress.setRange(0, max(self._total, 1))
        self.progress.setValue(0)
        self.progress.setFormat(f"Syncing 0/{self._total}")
        self.progress.setVisible(True)
        self._set_running(True)
        return True

    def _on_service_ready(self, service) -> None:
        self.service = service
        self._start_pending()
        if self._prices_pending:
            self._prices_pending = False
            self._request_prices()

    def _on_service_failed(self, exc: Exception) -> None:
        log.error("the sync service could not start: %s", exc)
        self._pending = None
        if self._prices_pending:
            self._prices_pending = False
            self._prices_done(f"Market prices could not be updated: {exc}")
        self._finish_ui(f"Syncing could not start: {exc}")

    def _start_pending(self) -> None:
        if self._pending is None or self.service is None:
            return
        (ids,), self._pending = self._pending, None
        try:
            self._future = self.service.sync(ids)
        except Exception as exc:
            log.exception("starting a sync failed")
            self._finish_ui(f"Syncing could not start: {exc}")

    def _finish_ui(self, error: str) -> None:
        self.progress.setVisible(False)
        self._set_running(False)
        self.window.banner.show_message(error, key="sync-start")

    def cancel(self) -> None:
        if self.service is not None and self.is_running:
            self.service.cancel()
            self.window.statusBar().showMessage("Cancelling the sync…", 4000)

    def apply_interval(self) -> None:
        minutes = int(self.state.settings.sync_interval_minutes)
        if minutes > 0:
            self.auto_timer.start(minutes * 60_000)
        else:
            self.auto_timer.stop()

    def _on_auto_timer(self) -> None:
        if not self.is_running and self.state.as_of is None and self.exchange_account_ids():
            self.sync(None)
        elif self.state.as_of is None and self._has_hand_recorded_accounts() \
                and not self.prices_running:
            self.refresh_prices()   # wallets only: nothing to sync, but prices move

    def shutdown(self) -> None:
        self._shut_down = True
        self.auto_timer.stop()
        self._pending = None
        if self._starter is not None:
            self._starter.wait(60)
            if self.service is None and self._starter.result is not None:
                # what _create_service returned (BackgroundCall keeps results untyped)
                self.service = cast("SyncService", self._starter.result)
        if self.service is not None:
            try:
                self.service.shutdown()
            finally:
                self.service = None

    # -- events (GUI thread, queued) -------------------------------------------------

    def _set_running(self, running: bool) -> None:
        self.window.cancel_action.setEnabled(running)
        self.window.sync_all_action.setEnabled(not running)
        self.window.sync_one_action.setEnabled(not running)
        self.running_changed.emit(running)

    def _publish_status(self) -> None:
        # pages not built yet take the status from here when they are
        if self.window.pages.built("overview") is not None:
            overview = self.window.overview
            overview.live_status = dict(self.live_status)
            overview.refresh_freshness()
        if self.window.pages.built("accounts") is not None:
            self.window.accounts.set_live_status(self.live_status, self.last_results)
        self.account_status_changed.emit()

    def _on_started(self, event: AccountSyncStarted) -> None:
        self.live_status[event.account_id] = "connecting…"
        self._publish_status()

    def _on_progress(self, event: AccountSyncProgress) -> None:
        phase = getattr(event.phase, "value", str(event.phase))
        self.live_status[event.account_id] = PHASE_TEXT.get(phase, phase) + (
            f" {event.detail}" if event.detail else "")
        self._publish_status()

    def _on_finished(self, event: AccountSyncFinished) -> None:
        self.live_status.pop(event.account_id, None)
        self.last_results[event.account_id] = event
        self._done += 1
        self.progress.setValue(min(self._done, self._total))
        self.progress.setFormat(f"Syncing {self._done}/{self._total}")
        key = f"sync-{event.account_id}"
        if event.status is AccountSyncStatus.FAILED:
            stale = " Its last good figures are shown, marked stale." if event.stale_since else ""
            self.window.banner.show_message(
                f"{event.account_name}: {sentence(event.error or 'the sync failed')}{stale}",
                key=key)
        else:
            self.window.banner.dismiss(key)
        if event.permission_warning:
            self.window.banner.show_message(f"{event.account_name}: {event.permission_warning}",
                                            "warning", key=f"perm-{event.account_id}")
        self._publish_status()
        self.state.mark_dirty()

    def _on_run_finished(self, event: SyncRunFinished) -> None:
        report = event.report
        self.live_status.clear()
        self.progress.setVisible(False)
        self._set_running(False)
        self._future = None
        if self.prices_running:   # a price update asked for during the sync runs now
            self.progress.setRange(0, 0)
            self.progress.setFormat("Updating market prices…")
            self.progress.setVisible(True)
        failed = sum(1 for r in report.results if r.status is AccountSyncStatus.FAILED)
        text = "Sync cancelled." if report.cancelled else (
            f"Synced {len(report.results)} account(s)" + (f", {failed} failed." if failed
                                                           else "."))
        self.window.statusBar().showMessage(text, 8000)
        self._publish_status()
        self.state.mark_dirty()
        if not report.cancelled and self._has_hand_recorded_accounts() \
                and not self.prices_running:
            # wallets and unconnected custodians are valued at the market's prices
            # (exchange accounts were just priced by their own exchanges' tickers)
            self.refresh_prices()
