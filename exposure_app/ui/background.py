"""One blocking call on a short-lived worker thread, its result back as a signal.

For the few blocking calls the GUI makes outside the sync service (testing a
new API key, loading ccxt's exchange list): the call runs on a plain thread,
and :attr:`BackgroundCall.done` / :attr:`failed` are emitted from it and
delivered queued to the GUI thread. :meth:`wait` joins the thread (dialogs
call it when they close, so no thread outlives its dialog).

Threading: create and connect on the GUI thread; ``fn`` runs on the worker
and must not touch widgets.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)


class BackgroundCall(QObject):
    done = Signal(object)
    failed = Signal(object)   # the exception

    def __init__(self, fn: Callable[[], object], name: str = "background-call",
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._fn = fn
        self.result: object = None
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> BackgroundCall:
        self._thread.start()
        return self

    def _run(self) -> None:
        try:
            result = self._fn()
        except Exception as exc:  # reported to the GUI, which words it for people
            log.debug("background call failed", exc_info=True)
            self.failed.emit(exc)
            return
        self.result = result
        self.done.emit(result)

    def is_running(self) -> bool:
        return self._thread.is_alive()

    def wait(self, timeout: float | None = None) -> bool:
        if self._thread.ident is not None:
            self._thread.join(timeout)
        return not self._thread.is_alive()


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause automatic garbage collection, then freeze what was allocated meanwhile.

    For big one-off imports on worker threads (ccxt allocates millions of
    objects): a full collection over them holds the GIL for a quarter of a
    second, which the GUI thread feels as a freeze. Frozen (``gc.freeze``),
    they are never scanned again.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def import_ccxt() -> None:
    """Import ccxt (sync and async) off the GUI thread without GC pauses."""
    with paused_gc():
        import ccxt
        import ccxt.async_support  # noqa: F401
