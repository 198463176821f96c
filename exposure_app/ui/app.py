"""GUI start-up: parse GUI options, open the profile, show the main window.

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
    """The main window with its error reporter and (where available) tray icon."""
    from PySide6.QtWidgets import QSystemTrayIcon

    from exposure_app.ui.errors import install_excepthook
    from exposure_app.ui.main_window import MainWindow

    window = MainWindow(profile, secret_store=secret_store)
    window.error_reporter = install_excepthook(window, profile.log_dir)
    window.tray = None
    if tray and QSystemTrayIcon.isSystemTrayAvailable():
        from exposure_app.ui.tray import TrayIcon

        window.tray = TrayIcon(window)
        window.tray.show_data(window.state.data)
        window.tray.show()
    return window


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
    args = parse_gui_args(argv)

    from exposure_app.services.profile import Profile
    from exposure_app.ui.quit_on_signals import install_quit_on_signals

    app = create_application()
    if args.demo:
        from exposure_app.ui.demo import open_demo_profile

        return open_demo_profile(app, args)
    profile = Profile.resolve(args.data_dir)
    if profile.missing:
        from exposure_app.ui.missing_folder_prompt import resolve_present_profile

        found = resolve_present_profile(profile)
        if found is None:
            return 1
        profile = found
    quitter = install_quit_on_signals(app)   # Ctrl+C / SIGTERM quit like closing the window
    try:
        window = _open_window(profile)
        if window is None:
            return 1
        window.show()
        settle_heap()
        try:
            return app.exec()
        finally:
            window.shutdown()
            window.error_reporter.uninstall()
            profile.lock.release()
    finally:
        quitter.uninstall()


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
            window = build_window(profile)
            window.setWindowTitle(f"{APP_NAME} (read-only)")
            return window
        except StorageError as exc:
            QMessageBox.critical(None, APP_NAME, str(exc))
            profile.lock.release()
            return None
