"""``exposure-app --demo``: the window on a throw-away demo profile.

The session (:func:`exposure_app.services.demo.start_demo_session`) makes a
temporary profile with a seeded history, swaps this process's keyring for an
in-memory one and starts the loopback exchange emulators, so "Sync" works
live. When the window closes, the window's sync thread stops first, then the
session stops the emulators, restores the keyring and deletes the folder.

``EXPOSURE_APP_QUIT_AFTER_MS`` (smoke tests, screenshots) quits the app by
itself after that many milliseconds.

Threading: GUI thread only.
"""

from __future__ import annotations

import argparse
import os
import sys

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QSplashScreen

from exposure_app import APP_NAME

QUIT_AFTER_ENV = "EXPOSURE_APP_QUIT_AFTER_MS"


def _quit_after_ms() -> int | None:
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


def _splash() -> QSplashScreen:
    from exposure_app.ui.icons import app_icon

    splash = QSplashScreen(app_icon().pixmap(160, 160))
    splash.showMessage("Preparing the demo…",
                       Qt.AlignmentFlag.AlignBottom | Qt.AlignmentFlag.AlignHCenter)
    splash.show()
    QApplication.processEvents()
    return splash


def open_demo_profile(app: QApplication, args: argparse.Namespace) -> int:
    """Run the app on a demo session; returns the exit status."""
    from exposure_app.services.demo import DemoError, start_demo_session
    from exposure_app.storage.errors import StorageError
    from exposure_app.ui.app import build_window, settle_heap

    # Setting up takes a few seconds (history, emulators, ccxt): say so at once.
    splash = _splash()
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        session = start_demo_session()
    except (DemoError, StorageError, OSError) as exc:
        QApplication.restoreOverrideCursor()
        splash.close()
        QMessageBox.critical(None, APP_NAME, f"The demo could not be started: {exc}")
        return 1
    QApplication.restoreOverrideCursor()
    try:
        profile = session.profile
        profile.lock.acquire()
        try:
            window = build_window(profile, secret_store=session.secret_store)
            window.show()
            settle_heap()
            splash.finish(window)
            quit_after = _quit_after_ms()
            if quit_after is not None:
                QTimer.singleShot(quit_after, app.quit)
            try:
                return app.exec()
            finally:
                window.shutdown()
                window.error_reporter.uninstall()
        finally:
            profile.lock.release()
    finally:
        session.close()
