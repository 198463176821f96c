"""GUI start-up: parse GUI options, open the demo or the profile, show the main window.

:func:`run_gui` alone chooses between the demo (``--demo``, :mod:`ui.demo`) and
the user's profile; both then run through :func:`_run_window`. The window
itself knows neither: :func:`build_window` wires its "Try the demo" to a new
process.

Order matters for a fast, calm start: the store is read (and the window
built from it) before ccxt is ever imported, and the window is shown before
any network work starts. The sync service and ccxt load on the first sync.

Threading: runs on the main (GUI) thread.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from exposure_app import APP_ID, APP_NAME, __version__


def parse_gui_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="exposure-app", description="Exposure desktop app")
    parser.add_argument("--data-dir", metavar="DIR")
    parser.add_argument("--demo", action="store_true", help="open a throw-away demo profile")
    args, _qt_args = parser.parse_known_args(list(argv))
    return args


def create_application():
    from PySide6.QtWidgets import QApplication

    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication([sys.argv[0]])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setOrganizationName(APP_NAME)
    app.setDesktopFileName(APP_ID)
    return app


def build_window(profile, *, secret_store=None, tray: bool = True):
    """The main window with its error reporter, "Try the demo" and (where available) tray icon."""
    from PySide6.QtWidgets import QSystemTrayIcon

    from exposure_app.ui.errors import install_excepthook
    from exposure_app.ui.main_window import MainWindow

    window = MainWindow(profile, secret_store=secret_store)
    window.error_reporter = install_excepthook(window, profile.log_dir)
    window.demo_requested.connect(lambda: _open_demo_process(window))
    window.tray = None
    if tray and QSystemTrayIcon.isSystemTrayAvailable():
        from exposure_app.ui.tray import TrayIcon

        window.tray = TrayIcon(window)
        window.tray.show()
    return window


def _open_demo_process(window) -> None:
    """"Try the demo" in a window with a real profile: the demo opens in a new process."""
    from exposure_app.ui.demo import launch_demo_process

    error = launch_demo_process()
    if error is not None:
        window.banner.show_message(error)
        return
    window.statusBar().showMessage("Opening the demo in a new window…", 8000)


def settle_heap() -> None:
    """Freeze the objects made at start-up (Qt, pyqtgraph, numpy modules...), collect again.

    The garbage collector then never rescans them, so its full collections
    stay short enough not to be felt in the window. Collection is switched off
    by :func:`exposure_app.main.main` while the window is built; this turns it
    back on, so call it once the window is shown on every path that runs the
    event loop.
    """
    import gc

    gc.freeze()
    gc.enable()


def run_gui(argv: Sequence[str]) -> int:
    """Open the demo (``--demo``) or the profile, run the window until it closes.

    This is the one place that chooses between the two; the window is built,
    shown and shut down the same way for both (:func:`_run_window`).
    """
    args = parse_gui_args(argv)

    # The profile's modules (storage, sqlite-utils, settings) load before Qt: once
    # PySide6 is imported it inspects the source of every module imported after it.
    from exposure_app.services.profile import Profile  # noqa: F401
    from exposure_app.ui.quit_on_signals import install_quit_on_signals

    app = create_application()
    quitter = install_quit_on_signals(app)   # Ctrl+C / SIGTERM quit like closing the window
    try:
        return _run_demo(app) if args.demo else _run_profile(app, args.data_dir)
    finally:
        quitter.uninstall()


def _run_profile(app, data_dir: str | None) -> int:
    """The user's profile (``--data-dir``, else the default or the one chosen in Settings)."""
    from exposure_app.services.profile import Profile

    profile = Profile.resolve(data_dir)
    if profile.missing:
        from exposure_app.ui.missing_folder_prompt import resolve_present_profile

        found = resolve_present_profile(profile)
        if found is None:
            return 1
        profile = found
    window = _open_window(profile)   # takes the profile's lock
    if window is None:
        return 1
    return _run_window(app, window, profile)


def _run_demo(app) -> int:
    """A throw-away demo profile, deleted (emulators stopped, keyring restored) at the end."""
    from exposure_app.ui import demo

    started = demo.start_demo_session()
    if started is None:
        return 1
    session, splash = started
    try:
        profile = session.profile
        profile.lock.acquire()
        try:
            window = build_window(profile, secret_store=session.secret_store)
        except BaseException:
            profile.lock.release()
            raise
        return _run_window(app, window, profile, splash=splash,
                           quit_after_ms=demo.quit_after_ms())
    finally:
        session.close()


def _run_window(app, window, profile, *, splash=None, quit_after_ms: int | None = None) -> int:
    """Show ``window``, run the event loop; then shut the window down and free the profile."""
    window.show()
    settle_heap()
    if splash is not None:
        splash.finish(window)
    if quit_after_ms is not None:
        from PySide6.QtCore import QTimer

        QTimer.singleShot(quit_after_ms, app.quit)
    try:
        return app.exec()
    finally:
        window.shutdown()
        window.error_reporter.uninstall()
        profile.lock.release()


def _open_read_only(error) -> bool:
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(QMessageBox.Icon.Warning, APP_NAME,
                      f"{error}\n\nOpen it to look at? Nothing can be changed or synced.")
    box.setObjectName("read-only-profile")
    open_button = box.addButton("Open read-only", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    return box.clickedButton() is open_button


def _open_window(profile):
    """The main window, after the damaged-database prompt if needed; ``None`` to quit."""
    from PySide6.QtWidgets import QMessageBox

    from exposure_app.storage.database_file import DamagedDatabaseError
    from exposure_app.storage.errors import ReadOnlyProfileError, StorageError
    from exposure_app.storage.store import DB_NAME, check_existing_database
    from exposure_app.ui.damaged_database_prompt import resolve_damaged_database

    while True:
        try:
            profile.lock.acquire()
            if (profile.data_dir / DB_NAME).exists():
                check_existing_database(profile.data_dir)   # before any window is built
            return build_window(profile)
        except DamagedDatabaseError as exc:
            if not resolve_damaged_database(exc):
                profile.lock.release()
                return None
        except ReadOnlyProfileError as exc:
            # the folder cannot be written (not even the lock file): offer to look only
            if not _open_read_only(exc):
                return None
            return build_window(profile)   # its title says "(read-only)"
        except StorageError as exc:
            QMessageBox.critical(None, APP_NAME, str(exc))
            profile.lock.release()
            return None
