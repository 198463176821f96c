"""Unexpected exceptions: logged to the profile's log file, reported once in the window.

:func:`install_excepthook` replaces ``sys.excepthook`` (and the threading
hook) for the GUI. A traceback goes to ``<profile>/logs/exposure.log``
(rotated); the user sees one plain sentence in the window's banner, not a
traceback and not one dialog per error. A full disk, a read-only profile and a
damaged database are named as such (``storage.database_file.explain_error``). Repeats of the same error are
counted, not shown again.

Secrets: exception messages from the services never contain credentials
(their contract), and the log records only the traceback and message.

Threading: the hook may run on any thread; it only logs and posts a queued
signal to the GUI thread.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal

from exposure_app.storage.database_file import explain_error

LOG_NAME = "exposure.log"
log = logging.getLogger("exposure_app")


def setup_logging(log_dir: Path) -> logging.Handler | None:
    """Log INFO and above to ``log_dir/exposure.log`` (1 MiB x 3 files).

    Returns the handler it added (``None`` if one for that file exists, or the
    profile folder cannot be written).
    """
    path = log_dir / LOG_NAME
    root = logging.getLogger("exposure_app")
    if any(getattr(h, "baseFilename", None) == str(path) for h in root.handlers):
        return None
    try:
        log_dir.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=1 << 20, backupCount=3,
                                                       encoding="utf-8")
    except OSError:     # a read-only profile: no log file, the window still opens
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return handler


class ErrorReporter(QObject):
    """Receives unexpected exceptions from any thread; shows each kind once."""

    report = Signal(str)

    def __init__(self, log_path: Path, handler: logging.Handler | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.log_path = log_path
        self.handler = handler
        self.seen: dict[str, int] = {}
        self._previous_hook: Callable[..., object] | None = None
        self._previous_thread_hook: Callable[[threading.ExceptHookArgs], object] | None = None

    def handle(self, exc_type, exc, tb) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            return
        text = "".join(traceback.format_exception(exc_type, exc, tb))
        log.error("unexpected error\n%s", text)
        key = f"{exc_type.__name__}:{traceback.extract_tb(tb)[-1][:3] if tb else ''}"
        self.seen[key] = self.seen.get(key, 0) + 1
        explained = explain_error(exc, self.log_path.parent.parent) if exc is not None else None
        if explained is not None and self.seen[key] == 1:    # full disk, read-only, damaged
            self.report.emit(str(explained))
        elif self.seen[key] == 1:
            self.report.emit(
                f"Something went wrong ({exc_type.__name__}). Your data is safe; the details "
                f"were written to {self.log_path}. If it keeps happening, please report it "
                "with that file.")

    def install(self) -> None:
        self._previous_hook = sys.excepthook
        self._previous_thread_hook = threading.excepthook
        sys.excepthook = self.handle
        threading.excepthook = lambda args: self.handle(args.exc_type, args.exc_value,
                                                        args.exc_traceback)

    def uninstall(self) -> None:
        if self._previous_hook is not None and self._previous_thread_hook is not None:
            sys.excepthook = self._previous_hook
            threading.excepthook = self._previous_thread_hook
            self._previous_hook = None
        if self.handler is not None:
            logging.getLogger("exposure_app").removeHandler(self.handler)
            self.handler.close()
            self.handler = None


def install_excepthook(window, log_dir: Path) -> ErrorReporter:
    handler = setup_logging(log_dir)
    reporter = ErrorReporter(log_dir / LOG_NAME, handler, window)
    reporter.report.connect(lambda text: window.banner.show_message(text, "error",
                                                                    key="unexpected"),
                            Qt.ConnectionType.QueuedConnection)
    reporter.install()
    return reporter
