#!/usr/bin/env python3
"""Render every page of a populated profile to PNG, in a real window under Xvfb.

    python scripts/screenshots.py                 # the full set + the README's pictures
    python scripts/screenshots.py --sizes 1024x640 --themes dark --out /tmp/shots

The full set is every page at 1024x640 and 1920x1080, in the light and the
dark theme (Settings -> Theme), written to ``screenshots-tmp/<theme>-<size>/``
(ignored by git), and the dialogs a user opens from them (adding an account,
importing, exporting, an event, a test withdrawal, a checklist destination) in
``screenshots-tmp/<theme>-dialogs/`` unless ``--no-dialogs`` is given. The README's
pictures (``docs/screenshots/*.png``, light, 1440x900) are written too unless
``--no-docs`` is given.

The profile is the demo's (a seeded history from mid-2022 through the FTX
collapse, served by the loopback exchange emulators, in a throw-away folder
with an in-memory keyring), so the pictures show what a user of the demo
sees and nothing of the developer's own profile. Without a ``DISPLAY`` the
script re-runs itself under ``xvfb-run`` (Debian: ``apt-get install xvfb
xauth``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime, time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = ("overview", "holdings", "history", "accounts", "events", "checklist", "settings")
SIZES = ((1024, 640), (1920, 1080))
THEMES = ("light", "dark")
FULL_SET = ROOT / "screenshots-tmp"
DOCS = ROOT / "docs" / "screenshots"
DOCS_SIZE = (1440, 900)
DOCS_PAGES = ("overview", "holdings", "history", "accounts", "events", "checklist")
# The README's history picture shows the window moved back to the week of the FTX collapse.
HISTORY_AS_OF = "2022-11-14"


def _reexec_under_xvfb(width: int, height: int) -> int:
    xvfb = shutil.which("xvfb-run")
    if xvfb is None:
        print("No DISPLAY and no xvfb-run: install Xvfb (apt-get install xvfb xauth).",
              file=sys.stderr)
        return 1
    command = [xvfb, "-a", "-s", f"-screen 0 {width + 200}x{height + 200}x24",
               sys.executable, *sys.argv]
    return subprocess.call(command, env={**os.environ, "EXPOSURE_SCREENSHOTS_CHILD": "1"})


def _settle(app, ms: int = 400) -> None:
    from PySide6.QtCore import QElapsedTimer

    timer = QElapsedTimer()
    timer.start()
    while timer.elapsed() < ms:
        app.processEvents()


def _shoot(app, window, key: str, path: Path, *, history_as_of: bool) -> Path:
    if key == "history" and history_as_of:
        day = datetime.fromisoformat(HISTORY_AS_OF).date()
        window.state.set_as_of(datetime.combine(day, time.max, tzinfo=UTC))
    window.show_page(key)
    if key == "checklist":
        top = window.state.data.report.counterparties
        if top:
            window.page("checklist").open_for(top[0].counterparty)
    if key == "events":
        window.events.view.selectRow(0)
    _settle(app, 500)
    path.parent.mkdir(parents=True, exist_ok=True)
    window.grab().save(str(path))
    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
    if key == "history" and history_as_of:
        window.state.set_as_of(None)
    return path


def _dialogs(window) -> dict:
    """The dialogs to picture: name -> a call that opens one on the window (or ``None``)."""
    accounts = window.accounts
    checklist = window.page("checklist")

    def first_row(exchange: bool):
        for row in range(accounts.view.model().rowCount()):
            accounts.view.selectRow(row)
            rows = accounts.selected_rows()
            if rows and (rows[0].kind.value == "exchange_api") == exchange:
                return True
        return False

    def destination():
        checklist.open_for("kraken")
        rows = [i for i, r in enumerate(checklist.model.rows) if r.kind == "asset"]
        if not rows:
            return None
        checklist.table.selectRow(rows[0])
        return checklist.choose_destination()

    return {
        "add-exchange": accounts.add_exchange,
        "add-address": accounts.add_address,
        "add-wallet": accounts.add_manual,
        "import-csv": accounts.import_csv,
        "connection": lambda: accounts.edit_connection() if first_row(True) else None,
        "replace-key": lambda: accounts.replace_key() if first_row(True) else None,
        "holdings-editor": lambda: accounts.edit_holdings() if first_row(False) else None,
        "export": window.open_export,
        "add-event": window.events.add_event,
        "record-test": checklist.record_test,
        "destination": destination,
    }


def _shoot_dialogs(app, window, folder: Path) -> list[Path]:
    written = []
    window.show_page("accounts")
    _settle(app, 300)
    for name, open_dialog in _dialogs(window).items():
        dialog = open_dialog()
        if dialog is None:
            continue
        _settle(app, 1500 if name == "add-exchange" else 400)   # its exchange list loads
        path = folder / f"{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        dialog.grab().save(str(path))
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
        written.append(path)
        dialog.reject()
        _settle(app, 100)
    return written


def render(out: Path, sizes=SIZES, themes=THEMES, *, docs: Path | None = None,
           pages=PAGES, dialogs: bool = False) -> list[Path]:
    """Every page in every size and theme under ``out`` (and with ``dialogs``, each
    theme's dialogs under ``<theme>-dialogs``); the README set in ``docs``."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
    from exposure_app.services.demo import start_demo_session
    from exposure_app.ui.app import build_window, create_application
    from exposure_app.ui.theme_mode import apply_theme

    app = create_application()
    session = start_demo_session()
    written: list[Path] = []
    try:
        window = build_window(session.profile, secret_store=session.secret_store, tray=False)
        try:
            window.resize(*sizes[0])
            window.show()
            _settle(app, 800)
            # fresh figures from the emulators, as after pressing Sync all
            if window.sync.sync_all():
                while window.sync.is_running:
                    _settle(app, 100)
                _settle(app, 600)
            window.banner.setVisible(False)
            for theme in themes:
                apply_theme(theme, app)
                _settle(app, 300)
                for width, height in sizes:
                    window.resize(width, height)
                    _settle(app, 300)
                    for key in pages:
                        if key in window.page_keys():
                            path = out / f"{theme}-{width}x{height}" / f"{key}.png"
                            written.append(_shoot(app, window, key, path, history_as_of=False))
                if dialogs:
                    written.extend(_shoot_dialogs(app, window, out / f"{theme}-dialogs"))
            if docs is not None:
                apply_theme("light", app)
                window.resize(*DOCS_SIZE)
                _settle(app, 400)
                for key in DOCS_PAGES:
                    written.append(_shoot(app, window, key, docs / f"{key}.png",
                                          history_as_of=True))
        finally:
            window.close()
            window.shutdown()
            window.error_reporter.uninstall()
    finally:
        session.close()
    return written


def _size(text: str) -> tuple[int, int]:
    width, height = (int(v) for v in text.lower().split("x"))
    return width, height


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=FULL_SET)
    parser.add_argument("--sizes", type=_size, nargs="+", default=list(SIZES),
                        help="window sizes, WIDTHxHEIGHT")
    parser.add_argument("--themes", nargs="+", default=list(THEMES), choices=THEMES)
    parser.add_argument("--no-docs", action="store_true",
                        help="do not rewrite the README's pictures in docs/screenshots")
    parser.add_argument("--no-dialogs", action="store_true",
                        help="pages only, not the dialogs opened from them")
    args = parser.parse_args(argv)
    if not os.environ.get("DISPLAY") and not os.environ.get("EXPOSURE_SCREENSHOTS_CHILD"):
        largest = max([*args.sizes, DOCS_SIZE])
        return _reexec_under_xvfb(*largest)
    written = render(args.out, args.sizes, args.themes,
                     docs=None if args.no_docs else DOCS, dialogs=not args.no_dialogs)
    return 0 if written else 1


if __name__ == "__main__":
    sys.exit(main())
