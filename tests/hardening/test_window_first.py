"""The desktop app shows its window before it touches the profile's store.

A real ``exposure-app --data-dir D`` (offscreen) runs through
:mod:`tests.hardening.gui_start_probe`, which reports the window at its first
frame, when its store opens and at its first figures.
"""

from __future__ import annotations

import json
import subprocess
import sys

from exposure_app.storage.store import DB_NAME
from tests.conftest import REPO_ROOT, cli_env

PAGES = ["Overview", "Holdings", "History", "Accounts", "Events", "Checklist", "Settings"]


def _moments(data_dir) -> dict[str, dict]:
    result = subprocess.run(
        [sys.executable, "-m", "tests.hardening.gui_start_probe", "--data-dir", str(data_dir)],
        env=cli_env(QT_QPA_PLATFORM="offscreen"), cwd=REPO_ROOT, capture_output=True,
        text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [line["moment"] for line in lines] == ["first_frame", "opened", "figures"]
    return {line["moment"]: line for line in lines}


def test_the_whole_window_is_on_screen_before_the_store_is_opened_or_imported(tmp_path):
    data_dir = tmp_path / "new-profile"
    moments = _moments(data_dir)
    first = moments["first_frame"]
    assert first["visible"] and not first["store_open"]
    assert first["modules"] == []            # no sqlite-utils, store, settings or ccxt yet
    assert not first["database"]             # nothing has created the database either
    assert first["title"] == "Exposure"
    assert first["pages"] == PAGES
    assert first["menus"] == ["&File", "&View", "&Sync", "&Tools", "&Help"]
    assert "&Sync all" in first["toolbar"] and "E&xport…" in first["toolbar"]
    assert first["placeholder"] == "Opening the profile…"
    assert first["enabled"] and not any(first["enabled"].values())   # need the store: off
    opened = moments["opened"]
    assert opened["store_open"] and opened["database"]
    assert "exposure_app.storage.store" in opened["modules"]
    assert opened["placeholder"] == "Reading the portfolio…"
    assert all(opened["enabled"].values())
    assert moments["figures"]["placeholder"] is None    # a page (here the welcome) replaced it
    assert (data_dir / DB_NAME).is_file()
