"""Runs the real ``exposure-app`` entry point and reports its window at three moments.

Usage: ``python -m tests.hardening.gui_start_probe --data-dir DIR``. The window
``ui.app.show_profile_window`` returns is watched: one JSON line when its first
frame has been painted (``first_frame``), one when its store is open
(``opened``) and one at its first figures (``figures``), after which the app
quits. Each line says which of the store's modules are loaded, whether the
database file exists, whether the window has its store open, what its
navigation, menus and toolbar hold, what the page area says and which of the
actions that need the store are enabled. Not a test module.
"""

from __future__ import annotations

import json
import sys

# modules the window's first frame must not need (the store's, the settings', ccxt)
WATCHED = ("sqlite_utils", "exposure_app.storage.store", "exposure_app.storage.migrations",
           "exposure_app.services.settings", "exposure_app.ui.view_state", "ccxt")


def report(moment: str, window) -> None:
    from PySide6.QtWidgets import QLabel

    current = window.stack.currentWidget()
    print(json.dumps({
        "moment": moment,
        "modules": [m for m in WATCHED if m in sys.modules],
        "database": (window.profile.data_dir / "exposure.sqlite3").exists(),
        "store_open": window.is_open,
        "visible": window.isVisible(),
        "title": window.windowTitle(),
        "pages": [window.nav.item(i).text() for i in range(window.nav.count())],
        "menus": [a.text() for a in window.menuBar().actions()],
        "toolbar": [a.text() for a in window.toolbar.actions() if a.text()],
        "placeholder": current.text() if isinstance(current, QLabel) else None,
        "enabled": {a.text(): a.isEnabled() for a in window.store_actions},
    }), flush=True)


def main() -> int:
    import exposure_app.ui.app as app_module

    original = app_module.show_profile_window

    def show_profile_window(profile, **kwargs):
        window = original(profile, **kwargs)
        if window is None:
            return None
        from PySide6.QtWidgets import QApplication

        def figures(_data) -> None:
            window.state.refreshed.disconnect(figures)
            report("figures", window)
            QApplication.quit()

        def opened() -> None:
            report("opened", window)
            window.state.refreshed.connect(figures)

        window.first_frame.connect(lambda: report("first_frame", window))
        window.opened.connect(opened)
        return window

    app_module.show_profile_window = show_profile_window
    from exposure_app.main import main as app_main

    return app_main(sys.argv[1:])


if __name__ == "__main__":
    raise SystemExit(main())
