#!/usr/bin/env python3
"""Render each page of a populated profile to PNG, in a real window under Xvfb.

    python scripts/screenshots.py [--out docs/screenshots] [--size 1440x900]

The profile is the demo's (a seeded history from mid-2022 through the FTX
collapse, served by the loopback exchange emulators, in a throw-away folder
with an in-memory keyring), so the pictures show what a user of the demo
sees and nothing of the developer's own profile. Without a ``DISPLAY`` the
script re-runs itself under ``xvfb-run`` (Debian: ``apt-get install xvfb
xauth``). Writes overview, holdings, history, accounts, events and (when the
page exists) checklist PNGs.
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
PAGES = ("overview", "holdings", "history", "accounts", "events", "checklist")
# The history picture shows the window moved back to the week of the FTX collapse.
HISTORY_AS_OF = "2022-11-14"


def _reexec_under_xvfb(size: str) -> int:
    xvfb = shutil.which("xvfb-run")
    if xvfb is None:
        print("No DISPLAY and no xvfb-run: install Xvfb (apt-get install xvfb xauth).",
              file=sys.stderr)
        return 1
    width, height = size.split("x")
    command = [xvfb, "-a", "-s", f"-screen 0 {int(width) + 200}x{int(height) + 200}x24",
               sys.executable, *sys.argv]
    return subprocess.call(command, env={**os.environ, "EXPOSURE_SCREENSHOTS_CHILD": "1"})


def _settle(app, ms: int = 400) -> None:
    from PySide6.QtCore import QElapsedTimer

    timer = QElapsedTimer()
    timer.start()
    while timer.elapsed() < ms:
        app.processEvents()


def _dark_palette(app) -> None:
    """A dark Fusion palette, to check the pages as a dark-desktop user sees them."""
    from PySide6.QtGui import QColor, QPalette

    app.setStyle("Fusion")
    palette = QPalette()
    role = QPalette.ColorRole
    for r, colour in ((role.Window, "#2b2d31"), (role.WindowText, "#e6e6e6"),
                      (role.Base, "#1e1f22"), (role.AlternateBase, "#26282c"),
                      (role.Text, "#e6e6e6"), (role.Button, "#34363b"),
                      (role.ButtonText, "#e6e6e6"), (role.Highlight, "#3d6fb6"),
                      (role.HighlightedText, "#ffffff"), (role.Mid, "#4a4d52"),
                      (role.PlaceholderText, "#9a9da3"), (role.Link, "#7fb0ff"),
                      (role.ToolTipBase, "#34363b"), (role.ToolTipText, "#e6e6e6")):
        palette.setColor(r, QColor(colour))
    for r in (role.WindowText, role.Text, role.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, r, QColor("#6d7076"))
    app.setPalette(palette)


def render(out: Path, size: tuple[int, int], *, dark: bool = False) -> list[Path]:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
    from exposure_app.services.demo import start_demo_session
    from exposure_app.ui.app import build_window, create_application

    app = create_application()
    if dark:
        _dark_palette(app)
    session = start_demo_session()
    written: list[Path] = []
    try:
        window = build_window(session.profile, secret_store=session.secret_store, tray=False)
        try:
            window.resize(*size)
            window.show()
            _settle(app, 800)
            # fresh figures from the emulators, as after pressing Sync all
            if window.sync.sync_all():
                while window.sync.is_running:
                    _settle(app, 100)
                _settle(app, 600)
            window.banner.setVisible(False)
            out.mkdir(parents=True, exist_ok=True)
            for key in PAGES:
                if key not in window.page_keys():
                    continue
                if key == "history":
                    day = datetime.fromisoformat(HISTORY_AS_OF).date()
                    window.state.set_as_of(datetime.combine(day, time.max, tzinfo=UTC))
                window.show_page(key)
                if key == "checklist":
                    page = window.page("checklist")
                    opener = getattr(page, "open_for", None)
                    top = window.state.data.report.counterparties
                    if opener is not None and top:
                        opener(top[0].counterparty)
                if key == "events":
                    window.events.view.selectRow(0)
                _settle(app, 700)
                path = out / f"{key}.png"
                window.grab().save(str(path))
                written.append(path)
                print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")
                if key == "history":
                    window.state.set_as_of(None)
        finally:
            window.close()
            window.shutdown()
            window.error_reporter.uninstall()
    finally:
        session.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--size", default="1440x900", help="window size, WIDTHxHEIGHT")
    parser.add_argument("--dark", action="store_true", help="use a dark palette")
    args = parser.parse_args(argv)
    if not os.environ.get("DISPLAY") and not os.environ.get("EXPOSURE_SCREENSHOTS_CHILD"):
        return _reexec_under_xvfb(args.size)
    width, height = (int(v) for v in args.size.lower().split("x"))
    written = render(args.out, (width, height), dark=args.dark)
    return 0 if written else 1


if __name__ == "__main__":
    sys.exit(main())
