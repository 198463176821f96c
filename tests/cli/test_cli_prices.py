"""``prices update`` and ``prices show`` through the real entry point, against loopback
price sources; ``show`` works from the cache when the sources are gone."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from exposure_app.services.settings import Settings
from tests.services.market_fixtures import start_market

pytestmark = pytest.mark.cli_in_process   # what commands do, not the process


def test_prices_update_and_show_current_and_dated(run_cli, data_dir):
    market = start_market()
    try:
        settings = Settings.load(data_dir)
        settings.price_sources = market.settings().price_sources
        settings.save()
        assert run_cli("accounts", "add-wallet", "Ledger").returncode == 0
        assert run_cli("holdings", "set", "Ledger", "BTC", "0.5").returncode == 0
        since = (market.today - timedelta(days=30)).isoformat()
        update = run_cli("prices", "update", "--since", since, "--json")
        assert update.returncode == 0, update.stderr
        report = json.loads(update.stdout)
        assert report["ok"] and report["closes"] > 0 and report["revalued_accounts"] == 1
    finally:
        market.server.stop()
    # offline from here on: the cache answers, with its age
    day = market.today - timedelta(days=7)
    shown = run_cli("prices", "show", "btc", "--as-of", day.isoformat(), "--json")
    assert shown.returncode == 0, shown.stderr
    data = json.loads(shown.stdout)
    assert data["price"] == str(market.tape.close("BTC/USD", day)) and data["day"] == day.isoformat()
    assert data["assumed"] is False and "min old" in data["cache"]
    now = run_cli("prices", "show", "USDC")
    assert now.returncode == 0 and "1 USDC = 1.00 USD" in now.stdout
    exposure = run_cli("exposure")
    assert "prices as of" in exposure.stdout
    missing = run_cli("prices", "show", "NOSUCHCOIN")
    assert missing.returncode == 1 and "no cached market price for NOSUCHCOIN" in missing.stderr
    bad = run_cli("prices", "update", "--since", "yesterday-ish")
    assert bad.returncode == 2 and "--since" in bad.stderr
