"""Runs ``exposure-app`` and, when asked about a read-only profile, chooses "Open read-only".

Usage: ``python -m tests.hardening.gui_read_only_probe ARGS...``. Every 100 ms
a timer looks at the app: a modal QMessageBox is reported (JSON line with its
text) and answered with its "Open read-only" button (else closed); once a main
window is shown and has opened its store (just after its first frame) it
reports the window's title and what it reads from that store (accounts,
holdings), then quits the app. Not a test module.
"""

from __future__ import annotations

import json

from tests.hardening.gui_probe import run_app_looking


def look(app) -> None:
    """Answers a read-only question with "Open read-only"; once a main window shows,
    reports what it reads and quits."""
    from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox

    dialog = QApplication.activeModalWidget()
    if isinstance(dialog, QMessageBox):
        print(json.dumps({"dialog": dialog.text()}), flush=True)
        chosen = [b for b in dialog.buttons() if b.text() == "Open read-only"]
        if chosen:
            chosen[0].click()
        else:
            dialog.close()
        return
    windows = [w for w in QApplication.topLevelWidgets()
               if isinstance(w, QMainWindow) and w.isVisible() and getattr(w, "is_open", False)]
    if windows:
        window = windows[0]
        store = window.state.store
        holdings = store.db.execute("SELECT count(*) FROM holdings").fetchone()[0]
        print(json.dumps({"window": window.windowTitle(), "holdings": holdings,
                          "accounts": [a.name for a in store.accounts.list()]}), flush=True)
        app.quit()


if __name__ == "__main__":
    raise SystemExit(run_app_looking(look))
