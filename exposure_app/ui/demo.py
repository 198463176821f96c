"""The demo: a throw-away demo profile, and opening it from a window with a real one.

:func:`start_demo_session` makes the session
(:func:`exposure_app.services.demo.start_demo_session`: a temporary profile with
a seeded history, this process's keyring swapped for an in-memory one, the
loopback exchange emulators started, so "Sync" works live) behind a splash
screen. ``ui.app`` runs the window on it like on any profile; when the window
closes, the window's sync thread stops first, then the session stops the
emulators, restores the keyring and deletes the folder.

:func:`launch_demo_process` is "Try the demo" in a window that has a real
profile open: the demo swaps the process's keyring, so it runs in a new process.

``EXPOSURE_APP_QUIT_AFTER_MS`` (smoke tests, screenshots) quits the demo by
itself after that many milliseconds (:func:`quit_after_ms`).

This module knows nothing of the window; ``ui.app`` calls it.

Threading: GUI thread only.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QSplashScreen

from exposure_app import APP_NAME
from exposure_app.ui.rich_text import plain

if TYPE_CHECKING:
    from exposure_app.services.demo import DemoSession

QUIT_AFTER_ENV = "EXPOSURE_APP_QUIT_AFTER_MS"


def quit_after_ms() -> int | None:
    """``EXPOSURE_APP_QUIT_AFTER_MS`` as a number of milliseconds, if set."""
    raw = os.environ.get(QUIT_AFTER_ENV, "").strip()
    return int(raw) if raw.isdigit() else None


def demo_command() -> list[str]:
    """The command line that opens the demo in a new process (a frozen bundle included).

    The demo swaps the process's keyring, so it never runs inside a window
    that has a real profile open: "Try the demo" starts this instead.
    """
    if getattr(sys, "frozen", False):
        return [sys.executable, "--demo"]
    return [sys.executable, "-m", "exposure_app", "--demo"]


def launch_demo_process() -> str | None:
    """Open the demo in a separate process; ``None``, or why it could not be started."""
    try:
        subprocess.Popen(demo_command(), start_new_session=True)
    except OSError as exc:
        return f"The demo could not be started: {exc.strerror}."
    return None


def _splash() -> QSplashScreen:
    from exposure_app.ui.icons import app_icon

    splash = QSplashScreen(app_icon().pixmap(160, 160))
    splash.showMessage("Preparing the demo…",
                       Qt.AlignmentFlag.AlignBottom | Qt.AlignmentFlag.AlignHCenter)
    splash.show()
    QApplication.processEvents()
    return splash


def start_demo_session() -> tuple[DemoSession, QSplashScreen] | None:
    """The demo session and its splash (to finish once the window is shown).

    ``None`` after telling the user why it could not be started.
    """
    from exposure_app.services.demo import DemoError
    from exposure_app.services.demo import start_demo_session as start_session
    from exposure_app.storage.errors import StorageError

    # Setting up takes a few seconds (history, emulators, ccxt): say so at once.
    splash = _splash()
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        session = start_session()
    except (DemoError, StorageError, OSError) as exc:
        QApplication.restoreOverrideCursor()
        splash.close()
        QMessageBox.critical(None, APP_NAME, plain(f"The demo could not be started: {exc}"))
        return None
    QApplication.restoreOverrideCursor()
    return session, splash
