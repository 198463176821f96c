"""Bybit's own quirks (the shared scenarios are in test_conformance.py): the real ccxt
client against the loopback Bybit emulator."""

from __future__ import annotations

from decimal import Decimal

import ccxt
import pytest
from signed_venues import by_key
from venues import VENUES

from exposure_app.domain.timeutil import parse_instant
from exposure_app.exchanges.adapters.bybit import BybitAdapter

D = Decimal
VENUE = VENUES["bybit"]
CREDS = VENUE.credentials()


def test_a_full_read_keeps_the_exchanges_lock_reasons_dates_and_calls():
    emu, reading = VENUE.full_read()
    rows = by_key(reading.balances)
    assert rows["spot", "BTC"].lock_reason == "open_orders"
    assert rows["funding", "USDT"].locked == D("10")
    eth = rows["staking", "ETH"]
    assert (eth.free, eth.locked, eth.lock_reason) == (0, D("0.8"), "locked_earn")
    assert parse_instant(eth.unlock_at) == parse_instant("2027-02-15")
    # no account-mode detection, no market loading: one call per wallet + key info
    paths = [path for _, path in emu.requests]
    assert "/v5/account/info" not in paths
    assert "/v5/market/instruments-info" not in paths
    assert paths.count("/v5/user/query-api") == 1
    assert len(paths) == 5


def test_unknown_key_is_an_authentication_error():
    emu = VENUE.emulator()
    with pytest.raises(ccxt.AuthenticationError, match="10003"):
        VENUE.run(emu, BybitAdapter().read_funding, creds=dict(CREDS, apiKey="other"))


def test_ip_bound_key_reports_the_restriction():
    emu = VENUE.emulator(ip_whitelist=("127.0.0.1",))
    perms = VENUE.run(emu, BybitAdapter().read_permissions)
    assert perms.ip_restricted is True
