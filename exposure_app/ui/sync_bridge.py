"""Re-emits the sync service's listener callbacks as Qt signals.

The sync service calls its listeners on its own asyncio thread with frozen
dataclasses (:mod:`exposure_app.services.sync_events`). :meth:`SyncBridge.deliver`
is such a listener: it only emits a signal. The bridge lives on the GUI
thread and its signals are connected with ``Qt.QueuedConnection``, so slots
always run on the GUI thread, with the same immutable objects.

Threading: construct on the GUI thread; :meth:`deliver` may be called from
any thread (it touches no widget and no shared state).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from exposure_app.services.sync_events import (
    AccountSyncFinished,
    AccountSyncProgress,
    AccountSyncStarted,
    PricesRefreshed,
    SyncRunFinished,
)


class SyncBridge(QObject):
    account_started = Signal(object)    # AccountSyncStarted
    account_progress = Signal(object)   # AccountSyncProgress
    account_finished = Signal(object)   # AccountSyncFinished
    run_finished = Signal(object)       # SyncRunFinished
    prices_refreshed = Signal(object)   # PricesRefreshed

    def deliver(self, event: object) -> None:
        if isinstance(event, AccountSyncStarted):
            self.account_started.emit(event)
        elif isinstance(event, AccountSyncProgress):
            self.account_progress.emit(event)
        elif isinstance(event, AccountSyncFinished):
            self.account_finished.emit(event)
        elif isinstance(event, SyncRunFinished):
            self.run_finished.emit(event)
        elif isinstance(event, PricesRefreshed):
            self.prices_refreshed.emit(event)
