"""Runs the real ``exposure-app`` entry point and answers its modal dialogs.

Usage: ``python -m tests.hardening.gui_dialog_probe ARGS...`` (the app's own
arguments). Once the QApplication exists, a timer checks for a modal dialog
every 100 ms; each one is reported on stdout as a JSON line
(``{"dialog": class, "title": ..., "text": ..., "main_windows": [...],
"stores_open": [...]}``, ``main_windows`` being the QMainWindows that exist at
that moment and ``stores_open`` whether each has opened the profile's store) and
then closed, so a test can read what a user would have seen. Not a test module.
"""

from __future__ import annotations

import json

from tests.hardening.gui_probe import run_app_looking


def answer(app) -> None:
    """Reports the modal dialog up now, if any, with the main windows that exist, and closes it."""
    from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox

    dialog = QApplication.activeModalWidget()
    if dialog is None:
        return
    windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMainWindow)]
    text = dialog.text() if isinstance(dialog, QMessageBox) else ""
    print(json.dumps({"dialog": type(dialog).__name__, "title": dialog.windowTitle(),
                      "text": text, "main_windows": [type(w).__name__ for w in windows],
                      "stores_open": [bool(getattr(w, "is_open", False)) for w in windows]}),
          flush=True)
    dialog.close()


if __name__ == "__main__":
    raise SystemExit(run_app_looking(answer))
