"""Bitget: the real ccxt client against the loopback Bitget emulator."""

from __future__ import annotations

from decimal import Decimal

import ccxt
import pytest
from signed_venues import expected_by_wallet, holdings_by_wallet, read_by_wallet, sync_through_service
from venues import VENUES

from exposure_app.domain.balances import PermissionLevel
from exposure_app.domain.timeutil import parse_instant
from exposure_app.emulator.base import EmulatedBalance, FaultKind
from exposure_app.exchanges.adapters.bitget import BitgetAdapter
from exposure_app.exchanges.errors import BadResponseError

D = Decimal
VENUE = VENUES["bitget"]
CREDS = VENUE.credentials()
WALLETS = VENUE.wallets


emulator = VENUE.emulator
run = VENUE.run


def uta_portfolio() -> list[EmulatedBalance]:
    return [
        EmulatedBalance("spot", "BTC", D("0.7"), locked=D("0.1")),
        EmulatedBalance("spot", "USDT", D("9000.5")),
        EmulatedBalance("funding", "BGB", D("12"), locked=D("2")),
        EmulatedBalance("earn_flexible", "USDT", D("10")),
        EmulatedBalance("earn_locked", "ETH", D("0"), locked=D("1"), unlock_at="2027-05-05"),
    ]


def test_every_wallet_is_read_with_exact_totals_and_locks():
    emu = emulator()
    reading = run(emu, BitgetAdapter().read_account)
    assert set(reading.coverage) == WALLETS
    assert dict(reading.missing) == {}
    assert read_by_wallet(reading.balances) == expected_by_wallet(emu.account.balances)
    rows = {(r.wallet, r.asset): r for r in reading.balances}
    assert rows["futures", "USDT"].lock_reason == "margin"
    eth = rows["earn_locked", "ETH"]
    assert parse_instant(eth.unlock_at) == parse_instant("2027-04-30")
    assert reading.permissions.level is PermissionLevel.UNKNOWN
    paths = [path for _, path in emu.requests]
    assert paths.count("/api/v3/account/settings") == 1   # the mode is probed once
    assert "/api/v2/spot/public/symbols" not in paths  # no market loading
    assert paths.count("/api/v2/mix/account/accounts") == 3


def test_wrong_passphrase_is_an_authentication_error():
    emu = emulator()
    with pytest.raises(ccxt.AuthenticationError, match="40012"):
        run(emu, BitgetAdapter().read_spot, creds=dict(CREDS, password="wrong"))


def test_a_row_without_amounts_is_rejected():
    emu = emulator()

    async def action(client):
        async def fake(params=None):
            return {"code": "00000", "msg": "success", "data": [{"coin": "BTC"}]}
        client.private_spot_get_v2_spot_account_assets = fake
        return await BitgetAdapter().read_spot(client)

    with pytest.raises(BadResponseError, match="available"):
        run(emu, action)


def test_prices_from_one_tickers_call():
    emu = emulator()
    tickers = run(emu, lambda client: client.fetch_tickers())
    assert tickers["BGB/USDT"]["last"] == 1.2


def test_a_unified_trading_account_is_detected_and_read_through_v3():
    emu = emulator(balances=uta_portfolio(), unified=True)
    adapter = BitgetAdapter()

    async def action(client):
        reading = await adapter.read_account(client)
        return reading, adapter.detected_facts(client)

    reading, facts = run(emu, action)
    assert set(reading.coverage) == WALLETS and dict(reading.missing) == {}
    assert read_by_wallet(reading.balances) == expected_by_wallet(emu.account.balances)
    assert facts["bitget_uta"] is True
    paths = [p for _, p in emu.requests]
    assert paths.count("/api/v3/account/settings") == 1
    assert not [p for p in paths if p.startswith(("/api/v2/spot/", "/api/v2/mix/",
                                                  "/api/v2/margin/"))]


def test_a_stale_cached_mode_is_learnt_again_from_40085():
    emu = emulator(balances=uta_portfolio(), unified=True)
    adapter = BitgetAdapter()

    async def action(client):
        reading = await adapter.read_account(client)
        return reading, adapter.detected_facts(client)

    reading, facts = run(emu, action, options=adapter.client_options({"bitget_uta": False}))
    assert dict(reading.missing) == {}
    assert read_by_wallet(reading.balances) == expected_by_wallet(emu.account.balances)
    assert facts["bitget_uta"] is True


def test_a_failed_mode_probe_is_not_taken_for_classic():
    emu = emulator()
    emu.inject(FaultKind.AUTH, path_prefix="/api/v3/account/settings")
    with pytest.raises(ccxt.AuthenticationError):
        run(emu, BitgetAdapter().read_spot)


def test_a_unified_account_syncs_with_prices(data_dir, store, secret_store,
                                             add_exchange_account):
    emu = emulator(balances=uta_portfolio(), unified=True)
    account = add_exchange_account(store, "bitget uta", emu)
    result, snapshot = sync_through_service(data_dir, store, secret_store, account.id)
    assert result.status.value == "ok", result
    assert holdings_by_wallet(snapshot) == expected_by_wallet(emu.account.balances)
    assert result.unpriced_assets == ()
    assert all(h.price is not None for h in snapshot.holdings)
    assert "/api/v2/spot/market/tickers" in [p for _, p in emu.requests]   # priced by this exchange


def test_other_earn_products_are_found_by_difference_with_the_earn_account():
    balances = [*VENUE.portfolio, EmulatedBalance("earn_locked", "USDT", D("0"), locked=D("77"))]
    emu = emulator(balances=balances)
    reading = run(emu, BitgetAdapter().read_account)
    assert read_by_wallet(reading.balances) == expected_by_wallet(balances)
    other = [r for r in reading.balances if r.lock_reason == "earn_other_products"]
    assert [(r.wallet, r.asset, r.locked, r.unlock_at) for r in other] == \
        [("earn_locked", "USDT", D("77"), None)]
    # the flexible savings answer is shared by the two earn wallets
    assert [p for _, p in emu.requests].count("/api/v2/earn/savings/assets") == 2
