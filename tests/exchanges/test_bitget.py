"""Bitget's own quirks (the shared scenarios are in test_conformance.py): the real ccxt
client against the loopback Bitget emulator."""

from __future__ import annotations

from decimal import Decimal

import ccxt
import pytest
from signed_venues import by_key, expected_by_wallet, read_by_wallet
from venues import VENUES

from exposure_app.domain.balances import PermissionLevel
from exposure_app.domain.timeutil import parse_instant
from exposure_app.emulator.base import EmulatedBalance, FaultKind
from exposure_app.exchanges.adapters.bitget import BitgetAdapter

D = Decimal
VENUE = VENUES["bitget"]


def test_a_full_read_keeps_the_exchanges_lock_reasons_dates_and_calls():
    emu, reading = VENUE.full_read()
    rows = by_key(reading.balances)
    assert rows["futures", "USDT"].lock_reason == "margin"
    eth = rows["earn_locked", "ETH"]
    assert parse_instant(eth.unlock_at) == parse_instant("2027-04-30")
    assert reading.permissions.level is PermissionLevel.UNKNOWN
    paths = [path for _, path in emu.requests]
    assert paths.count("/api/v3/account/settings") == 1   # the mode is probed once
    assert "/api/v2/spot/public/symbols" not in paths  # no market loading
    assert paths.count("/api/v2/mix/account/accounts") == 3


def test_a_failed_mode_probe_is_not_taken_for_classic():
    emu = VENUE.emulator()
    emu.inject(FaultKind.AUTH, path_prefix="/api/v3/account/settings")
    with pytest.raises(ccxt.AuthenticationError):
        VENUE.run(emu, BitgetAdapter().read_spot)


def test_other_earn_products_are_found_by_difference_with_the_earn_account():
    balances = [*VENUE.portfolio, EmulatedBalance("earn_locked", "USDT", D("0"), locked=D("77"))]
    emu = VENUE.emulator(balances=balances)
    reading = VENUE.run(emu, BitgetAdapter().read_account)
    assert read_by_wallet(reading.balances) == expected_by_wallet(balances)
    other = [r for r in reading.balances if r.lock_reason == "earn_other_products"]
    assert [(r.wallet, r.asset, r.locked, r.unlock_at) for r in other] == \
        [("earn_locked", "USDT", D("77"), None)]
    # the flexible savings answer is shared by the two earn wallets
    assert [p for _, p in emu.requests].count("/api/v2/earn/savings/assets") == 2
