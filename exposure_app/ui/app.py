"""GUI start-up: parse GUI options, open the demo or the profile, show the main window.

:func:`run_gui` alone chooses between the demo (``--demo``, :mod:`ui.demo`) and
the user's profile; both then run through :func:`_run_window`. The window
itself knows neither: :func:`build_window` wires its "Try the demo" to a new
process.

Order matters for a fast, calm start, and the user's profile takes it in two
phases (:func:`show_profile_window`): the profile's lock is taken and the
window's shell shown first, with PySide6 and light modules only; just after
its first frame the store is checked, opened and migrated, the actions that
need it are enabled and the figures read. A prompt or message the store's
opening needs (a damaged database, a too new one) comes over the shown
window, which closes if the user quits. ccxt is never imported before the
window is shown and the store read; the sync service and ccxt load on the
first sync. The demo and tests build the window in one go (:func:`build_window`).

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
    """The main window with the profile open at once: both phases before it is shown.

    For the demo and tests. Raises what opening the store raises. The user's own
    profile takes the real path instead (:func:`show_profile_window`): the
    window first, the store after its first frame.
    """
    window = build_shell(profile, secret_store=secret_store)
    try:
        open_in_window(window, tray=tray)
    except BaseException:
        window.shutdown()   # a window that never opened leaves no hook or timer behind
        if window.error_reporter is not None:
            window.error_reporter.uninstall()
        window.deleteLater()
        raise
    return window


def build_shell(profile, *, secret_store=None):
    """The main window without its store (``MainWindow(open_now=False)``), "Try the demo" wired.

    Only PySide6 and light modules load here: no sqlite-utils, no settings, no logging
    handlers. :func:`open_in_window` does the rest.
    """
    from exposure_app.ui.main_window import MainWindow

    window = MainWindow(profile, secret_store=secret_store, open_now=False)
    window.demo_requested.connect(lambda: _open_demo_process(window))
    window.error_reporter = None
    window.tray = None
    return window


def open_in_window(window, *, tray: bool = True) -> None:
    """The second phase: the error reporter, the store (:meth:`MainWindow.open_profile`), the tray.

    Raises what opening the store raises; the window then stays closed to the store.
    """
    from PySide6.QtWidgets import QSystemTrayIcon

    _report_errors(window)
    window.open_profile()
    if tray and window.tray is None and QSystemTrayIcon.isSystemTrayAvailable():
        from exposure_app.ui.tray import TrayIcon

        window.tray = TrayIcon(window)
        window.tray.show()


def _report_errors(window) -> None:
    """Unexpected errors logged to the profile's log file and told in ``window`` (once)."""
    from exposure_app.ui.errors import install_excepthook

    if window.error_reporter is None:
        window.error_reporter = install_excepthook(window, window.profile.log_dir)


def show_profile_window(profile, *, secret_store=None, tray: bool = True):
    """The user's profile, the real start-up path: lock, shell shown, store after the first frame.

    The profile's lock is taken first (in use: a message; a folder that cannot be
    written: "open read-only?"), then the shell is built and shown. Once its first
    frame is painted, a zero-timer opens the store (:func:`_open_after_first_frame`):
    checked, migrated, logins moved to the keyring, the actions enabled, the figures
    read just after. ``None`` when the user chose to quit before any window.
    """
    from PySide6.QtCore import QTimer

    if not _lock_profile(profile):
        return None
    try:
        window = build_shell(profile, secret_store=secret_store)
    except BaseException:
        profile.lock.release()
        raise
    window.first_frame.connect(
        lambda: QTimer.singleShot(0, window, lambda: _open_after_first_frame(window, tray)))
    window.show()
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
    """Freeze the objects made at start-up (Qt, the store's modules, numpy...), collect again.

    The garbage collector then never rescans them, so its full collections
    stay short enough not to be felt in the window. Collection is switched off
    by :func:`exposure_app.main.main` while the window is built and its profile
    opened; this turns it back on, so call it once the store is open (or could
    not be) on every path that runs the event loop.
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

    # The profile's light modules (its paths, the lock) load before Qt; the store's
    # load after the window's first frame.
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
    window = show_profile_window(profile)   # takes the profile's lock
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
    if window.is_open:   # else once its store is open (_open_after_first_frame)
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
        if window.error_reporter is not None:
            window.error_reporter.uninstall()
        profile.lock.release()


def _lock_profile(profile) -> bool:
    """The profile's lock, taken before any window; ``False`` to quit.

    Held by another process: a message naming it. A folder that cannot be written
    (not even the lock file): the offer to open it read-only, without the lock.
    """
    from exposure_app.storage.errors import ReadOnlyProfileError, StorageError

    try:
        profile.lock.acquire()
    except ReadOnlyProfileError as exc:
        return _open_read_only(exc)   # its title will say "(read-only)"
    except StorageError as exc:
        from PySide6.QtWidgets import QMessageBox

        from exposure_app.ui.rich_text import plain

        QMessageBox.critical(None, APP_NAME, plain(str(exc)))
        return False
    return True


def _open_read_only(error) -> bool:
    from PySide6.QtWidgets import QMessageBox

    from exposure_app.ui.rich_text import plain

    box = QMessageBox(QMessageBox.Icon.Warning, APP_NAME,
                      plain(f"{error}\n\nOpen it to look at? Nothing can be changed or synced."))
    box.setObjectName("read-only-profile")
    open_button = box.addButton("Open read-only", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    return box.clickedButton() is open_button


def _open_after_first_frame(window, tray: bool) -> None:
    """Open the store in the shown shell; when the user chooses to quit, the app exits with 1."""
    from PySide6.QtWidgets import QApplication

    if window.is_open or not window.isVisible():   # closed before its first frame was handled
        return
    opened = _open_store_in(window, tray)
    settle_heap()
    if not opened:
        QApplication.exit(1)
        window.hide()


def _open_store_in(window, tray: bool) -> bool:
    """The store checked, opened and migrated in ``window``, after the prompts it may need.

    A damaged database: restore a backup, start anew (then open again) or quit. Any other
    storage error (a database too new, a full disk...): its message, then quit. Anything
    else: logged, one line, then quit. ``False`` to quit.
    """
    import logging

    from PySide6.QtWidgets import QMessageBox

    from exposure_app.storage import DB_NAME
    from exposure_app.storage.database_file import DamagedDatabaseError
    from exposure_app.storage.errors import StorageError
    from exposure_app.storage.store import check_existing_database
    from exposure_app.ui.damaged_database_prompt import resolve_damaged_database
    from exposure_app.ui.rich_text import plain

    profile = window.profile
    _report_errors(window)   # the log file first: what goes wrong below is written there
    while True:
        try:
            if (profile.data_dir / DB_NAME).exists():
                check_existing_database(profile.data_dir)   # before anything writes to it
            open_in_window(window, tray=tray)
            return True
        except DamagedDatabaseError as exc:
            if not resolve_damaged_database(exc, window):
                return False
        except StorageError as exc:
            QMessageBox.critical(window, APP_NAME, plain(str(exc)))
            return False
        except Exception as exc:   # not foreseen: never a traceback in the user's face
            logging.getLogger("exposure_app").exception("opening the profile failed")
            QMessageBox.critical(window, APP_NAME, plain(
                f"Exposure could not open the profile in {profile.data_dir} "
                f"({type(exc).__name__}: {exc}). The details were written to "
                f"{profile.log_dir}."))
            return False
