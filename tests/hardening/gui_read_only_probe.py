"""Runs ``exposure-app`` and, when asked about a read-only profile, chooses "Open read-only".

Usage: ``python -m tests.hardening.gui_read_only_probe ARGS...``. Every 100 ms
a timer looks at the app: a modal QMessageBox is reported (JSON line with its
text) and answered with its "Open read-only" button (else closed); once a main
window is shown it reports the window's title and what it reads from its
store (accounts, holdings), then quits the app. Not a test module.
"""

from __future__ import annotations

import json
import sys


def main() -> int:
    import exposure_app.ui.app as app_module

    original = app_module.create_application

    def create_application():
        app = original()
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox

        def look() -> None:
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
                       if isinstance(w, QMainWindow) and w.isVisible()]
            if windows:
                window = windows[0]
                store = window.state.store
                holdings = store.db.execute("SELECT count(*) FROM holdings").fetchone()[0]
                print(json.dumps({"window": window.windowTitle(), "holdings": holdings,
                                  "accounts": [a.name for a in store.accounts.list()]}),
                      flush=True)
                app.quit()

        timer = QTimer(app)
        timer.timeout.connect(look)
        timer.start(100)
        return app

    app_module.create_application = create_application
    from exposure_app.main import main as app_main

    return app_main(sys.argv[1:])


if __name__ == "__main__":
    raise SystemExit(main())
