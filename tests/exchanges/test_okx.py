"""OKX's own quirks (the shared scenarios are in test_conformance.py): the real ccxt
client against the loopback OKX emulator."""

from __future__ import annotations

from decimal import Decimal

import ccxt
import pytest
from signed_venues import by_key
from venues import VENUES

from exposure_app.domain.timeutil import parse_instant
from exposure_app.emulator.base import FaultKind

D = Decimal
VENUE = VENUES["okx"]


def test_a_full_read_keeps_the_exchanges_lock_reasons_dates_and_calls():
    emu, reading = VENUE.full_read()
    rows = by_key(reading.balances)
    assert rows["spot", "BTC"].lock_reason == "open_orders"
    eth = rows["staking", "ETH"]
    assert eth.lock_reason == "locked_earn"
    assert parse_instant(eth.unlock_at) == parse_instant("2027-03-01")
    assert rows["staking", "DOT"].locked == 0
    # one request per wallet plus the permission check, no market loading
    paths = [path for _, path in emu.requests]
    assert "/api/v5/public/instruments" not in paths
    assert len(paths) == 5


def test_clock_skew_without_adjustment_is_invalid_nonce():
    emu = VENUE.emulator()
    emu.inject(FaultKind.CLOCK_SKEW, skew_ms=120_000)
    with pytest.raises(ccxt.InvalidNonce, match="50102"):
        VENUE.run(emu, lambda client: client.private_get_account_balance())


def test_ip_whitelist_on_the_key_is_enforced():
    emu = VENUE.emulator(ip_whitelist=("10.1.2.3",))
    with pytest.raises(ccxt.PermissionDenied, match="50110"):
        VENUE.run(emu, lambda client: client.private_get_asset_balances())
