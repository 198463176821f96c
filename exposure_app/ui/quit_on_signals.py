"""Quit the GUI cleanly on Ctrl+C (SIGINT) and SIGTERM.

While Qt's event loop runs, the Python interpreter only gets control when a
slot written in Python is called, so a Python signal handler would wait for
the next mouse move (Ctrl+C in the terminal seemed ignored). The C-level
handler Python installs writes the signal number to a "wakeup" socket
(``signal.set_wakeup_fd``); a :class:`QSocketNotifier` on the other end wakes
the event loop, and once its (Python) slot runs, the Python handler runs too.
The handler asks the application to quit through the event loop, so the
window's normal shutdown (sync stopped, window state saved, store closed)
runs, as after closing the window. Electrum does the same with a timer.

Threading: install on the GUI thread (the main thread: only it may set
signal handlers), after the QApplication exists.
"""

from __future__ import annotations

import signal
import socket

from PySide6.QtCore import QObject, QSocketNotifier, QTimer
from PySide6.QtWidgets import QApplication

QUIT_SIGNALS = tuple(s for s in (getattr(signal, "SIGINT", None), getattr(signal, "SIGTERM", None))
                     if s is not None)


class SignalQuitter(QObject):
    """Owns the wakeup socket pair and the notifier; :meth:`uninstall` restores the defaults."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self.app = app
        self.received: int | None = None
        self._read, self._write = socket.socketpair()
        self._read.setblocking(False)
        self._write.setblocking(False)
        self._previous_fd = signal.set_wakeup_fd(self._write.fileno(), warn_on_full_buffer=False)
        self._previous = {sig: signal.signal(sig, self._handle) for sig in QUIT_SIGNALS}
        self._notifier = QSocketNotifier(self._read.fileno(), QSocketNotifier.Type.Read, self)
        self._notifier.activated.connect(self._drain)

    def _drain(self, *_args) -> None:
        try:
            while self._read.recv(512):
                pass
        except OSError:   # BlockingIOError: nothing more to read
            pass

    def _handle(self, signum, _frame) -> None:
        self.received = signum
        # through the event loop: also works when the signal arrives before exec() started
        QTimer.singleShot(0, self.app.quit)

    def uninstall(self) -> None:
        for sig, previous in self._previous.items():
            signal.signal(sig, previous)
        signal.set_wakeup_fd(self._previous_fd)
        self._notifier.setEnabled(False)
        self._read.close()
        self._write.close()


def install_quit_on_signals(app: QApplication) -> SignalQuitter:
    return SignalQuitter(app)
