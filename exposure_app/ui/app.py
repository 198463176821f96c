"""GUI start-up: parse GUI options, open the profile, show the main window.

The store is read before ccxt is ever imported, and the window is shown
before any network work starts.
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


def run_gui(argv: Sequence[str]) -> int:
    args = parse_gui_args(argv)
    from PySide6.QtWidgets import QApplication, QMessageBox

    from exposure_app.services.profile import Profile
    from exposure_app.storage.errors import StorageError
    from exposure_app.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    profile = Profile.resolve(args.data_dir)
    try:
        profile.lock.acquire()
        window = MainWindow(profile)
    except StorageError as exc:
        QMessageBox.critical(None, APP_NAME, str(exc))
        return 1
    window.show()
    try:
        return app.exec()
    finally:
        window.close()
        profile.lock.release()
