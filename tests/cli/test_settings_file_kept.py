"""A settings.json that cannot be read is kept as a dated copy before anything writes over it."""

from __future__ import annotations

import json

import pytest

from exposure_app.services.settings import Settings

pytestmark = pytest.mark.cli_in_process   # what commands do, not the process

BROKEN = '{"base_currency": "EUR", "dust_threshold": "5", "proxy": "http://127.0.0.1:3128",\n'


def test_settings_set_keeps_an_unreadable_file_aside_and_says_so(run_cli, data_dir):
    (data_dir / "settings.json").write_text(BROKEN, encoding="utf-8")
    result = run_cli("settings", "set", "sync_interval_minutes", "15")
    assert result.returncode == 0, result.stderr
    assert "could not be read" in result.stderr and "kept as" in result.stderr
    kept = list(data_dir.glob("settings.json.unreadable-*"))
    assert len(kept) == 1
    assert kept[0].read_text(encoding="utf-8") == BROKEN     # nothing of it lost
    assert json.loads((data_dir / "settings.json").read_text()) == {"sync_interval_minutes": 15}
    # the next write has nothing more to keep
    again = run_cli("settings", "set", "dust_threshold", "2")
    assert again.returncode == 0 and "could not be read" not in again.stderr
    assert len(list(data_dir.glob("settings.json.unreadable-*"))) == 1


def test_a_readable_file_is_written_in_place(data_dir):
    (data_dir / "settings.json").write_text('{"base_currency": "EUR", "x-newer": 1}')
    settings = Settings.load(data_dir)
    settings.set("dust_threshold", "3")
    assert settings.save() is None
    assert json.loads((data_dir / "settings.json").read_text()) == {
        "base_currency": "EUR", "dust_threshold": "3", "x-newer": 1}
    assert not list(data_dir.glob("settings.json.unreadable-*"))
