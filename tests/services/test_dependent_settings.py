"""Settings that depend on each other are validated together (issue 15, point 18)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from exposure_app.services.settings import Settings

pytestmark = pytest.mark.cli_in_process   # what commands do, not the process


def test_inverted_risk_thresholds_are_refused_and_nothing_is_written(data_dir):
    settings = Settings.load(data_dir)
    settings.set("risk_score_low", 100)
    settings.set("risk_score_high", 1)
    with pytest.raises(ValueError, match=r"risk_score_low \(100\) must be below risk_score_medium"):
        settings.save()
    assert not (data_dir / "settings.json").exists()


def test_outflow_windows_may_not_shrink_but_may_be_equal(data_dir):
    settings = Settings.load(data_dir)
    settings.set("outflow_threshold_1d", "0.2")
    assert "outflow_threshold_1d (0.2) must be at most outflow_threshold_7d (0.08)" in \
        settings.inconsistencies()
    settings.set("outflow_threshold_7d", "0.2")
    settings.set("outflow_threshold_30d", "0.2")
    settings.save()
    assert Settings.load(data_dir).outflow_threshold_7d == Decimal("0.2")


def test_a_file_with_inverted_thresholds_loads_defaults_and_says_so(data_dir):
    (data_dir / "settings.json").write_text(json.dumps(
        {"risk_score_low": 100, "risk_score_medium": 50, "risk_score_high": 1,
         "dust_threshold": "5"}), encoding="utf-8")
    settings = Settings.load(data_dir)
    defaults = Settings()
    assert (settings.risk_score_low, settings.risk_score_medium, settings.risk_score_high) == \
        (defaults.risk_score_low, defaults.risk_score_medium, defaults.risk_score_high)
    assert defaults.risk_score_low < defaults.risk_score_medium < defaults.risk_score_high
    assert settings.dust_threshold == Decimal(5)
    assert any("risk_score_low (100) must be below" in p for p in settings.problems)


def test_cli_refuses_inverted_thresholds(run_cli, data_dir):
    first = run_cli("settings", "set", "risk_score_low", "100")
    assert first.returncode == 1 and "must be below risk_score_medium" in first.stderr
    assert "Traceback" not in first.stderr
    shown = json.loads(run_cli("settings", "show", "--json").stdout)
    assert shown["risk_score_low"] == 10
    assert run_cli("settings", "set", "risk_score_low", "20").returncode == 0
