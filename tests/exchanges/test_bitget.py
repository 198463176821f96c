"""Bitget: the real ccxt client against the loopback Bitget emulator."""

from __future__ import annotations

from decimal import Decimal

import ccxt
import pytest
from signed_venues import (
    assert_complete_sync,
    expected_by_wallet,
    holdings_by_wallet,
    read_by_wallet,
    run_client,
    sync_through_service,
    unlock_dates,
)

from exposure_app.domain.balances import PermissionLevel
from exposure_app.domain.timeutil import parse_instant
from exposure_app.emulator.base import EmulatedAccount, EmulatedBalance, FaultKind
from exposure_app.emulator.bitget import BitgetEmulator
from exposure_app.exchanges.adapters.bitget import BitgetAdapter
from exposure_app.exchanges.errors import BadResponseError

D = Decimal
CREDS = {"apiKey": "bitget-key", "secret": "bitget-secret", "password": "bitget-pass"}
WALLETS = {"spot", "funding", "futures", "margin", "earn_flexible", "earn_locked"}
TICKERS = {"BTC/USDT": D("60000"), "BGB/USDT": D("1.2"), "ETH/USDT": D("3000")}


def portfolio() -> list[EmulatedBalance]:
    return [
        EmulatedBalance("spot", "BTC", D("0.2"), locked=D("0.02")),
        EmulatedBalance("spot", "BGB", D("1500")),
        EmulatedBalance("futures", "USDT", D("700"), locked=D("300")),
        EmulatedBalance("futures", "BTC", D("0.05")),
        EmulatedBalance("futures", "USDC", D("50")),
        EmulatedBalance("margin", "ETH", D("1"), locked=D("0.5")),
        EmulatedBalance("earn_flexible", "USDT", D("250.5")),
        EmulatedBalance("earn_locked", "ETH", D("0"), locked=D("3"), unlock_at="2027-04-30"),
    ]


def emulator(permissions=frozenset({"read"}), balances=None, unified=False,
             **kwargs) -> BitgetEmulator:
    account = EmulatedAccount(
        api_key=CREDS["apiKey"], secret=CREDS["secret"], password=CREDS["password"],
        balances=portfolio() if balances is None else balances, permissions=permissions, **kwargs,
    )
    return BitgetEmulator(account, tickers=TICKERS, unified=unified)


def uta_portfolio() -> list[EmulatedBalance]:
    return [
        EmulatedBalance("spot", "BTC", D("0.7"), locked=D("0.1")),
        EmulatedBalance("spot", "USDT", D("9000.5")),
        EmulatedBalance("funding", "BGB", D("12"), locked=D("2")),
        EmulatedBalance("earn_flexible", "USDT", D("10")),
        EmulatedBalance("earn_locked", "ETH", D("0"), locked=D("1"), unlock_at="2027-05-05"),
    ]


def run(emu: BitgetEmulator, action, creds=CREDS, options=None):
    return run_client("bitget", emu, BitgetAdapter(), creds, action, options=options)


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


def test_wrong_secret_is_an_authentication_error():
    emu = emulator()
    with pytest.raises(ccxt.AuthenticationError, match="40009"):
        run(emu, BitgetAdapter().read_spot, creds=dict(CREDS, secret="wrong"))


def test_wrong_passphrase_is_an_authentication_error():
    emu = emulator()
    with pytest.raises(ccxt.AuthenticationError, match="40012"):
        run(emu, BitgetAdapter().read_spot, creds=dict(CREDS, password="wrong"))


def test_permissions_are_unknown_never_read_only_even_for_a_trading_key():
    emu = emulator(frozenset({"read", "trade", "withdraw"}))
    perms = run(emu, BitgetAdapter().read_permissions)
    assert perms.level is PermissionLevel.UNKNOWN
    assert perms.can_withdraw is None


def test_an_html_page_with_status_200_is_rejected_not_read_as_empty():
    emu = emulator()
    emu.inject(FaultKind.HTML_200, path_prefix="/api/v2/spot/account/assets")
    with pytest.raises(BadResponseError):
        run(emu, BitgetAdapter().read_spot)


def test_a_row_without_amounts_is_rejected():
    emu = emulator()

    async def action(client):
        async def fake(params=None):
            return {"code": "00000", "msg": "success", "data": [{"coin": "BTC"}]}
        client.private_spot_get_v2_spot_account_assets = fake
        return await BitgetAdapter().read_spot(client)

    with pytest.raises(BadResponseError, match="available"):
        run(emu, action)


def test_clock_skew_is_recovered_by_time_adjustment():
    emu = emulator()
    emu.inject(FaultKind.CLOCK_SKEW, skew_ms=90_000)
    reading = run(emu, BitgetAdapter().read_account)
    assert "/api/v2/public/time" in [p for _, p in emu.requests]
    assert read_by_wallet(reading.balances) == expected_by_wallet(emu.account.balances)


def test_permission_denied_on_margin_is_partial_not_empty():
    emu = emulator()
    emu.inject(FaultKind.PERMISSION_DENIED, path_prefix="/api/v2/margin/")
    reading = run(emu, BitgetAdapter().read_account)
    assert set(reading.missing) == {"margin"}
    assert "permission" in reading.missing["margin"]
    assert "margin" not in reading.coverage
    assert not [r for r in reading.balances if r.wallet == "margin"]


def test_prices_from_one_tickers_call():
    emu = emulator()
    tickers = run(emu, lambda client: client.fetch_tickers())
    assert tickers["BGB/USDT"]["last"] == 1.2


def test_sync_service_stores_a_complete_priced_snapshot(data_dir, store, secret_store,
                                                        add_exchange_account):
    emu = emulator()
    account = add_exchange_account(store, "my Bitget", emu)
    result, snapshot = sync_through_service(data_dir, store, secret_store, account.id)
    assert_complete_sync(result, snapshot, coverage=WALLETS, emulator=emu)
    assert result.unpriced_assets == ()
    btc = [h for h in snapshot.holdings if h.asset == "BTC"]
    assert btc and all(h.price == D("60000") for h in btc)
    assert unlock_dates(store, snapshot, "earn_locked", "ETH") == [parse_instant("2027-04-30")]


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


def test_a_cached_mode_needs_no_probe():
    emu = emulator()
    adapter = BitgetAdapter()
    options = adapter.client_options({"bitget_uta": False})
    reading = run(emu, adapter.read_account, options=options)
    assert read_by_wallet(reading.balances) == expected_by_wallet(emu.account.balances)
    assert "/api/v3/account/settings" not in [p for _, p in emu.requests]


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


def test_the_account_mode_is_cached_between_syncs(data_dir, store, secret_store,
                                                  add_exchange_account):
    emu = emulator()
    account = add_exchange_account(store, "mode cache", emu)
    first, _ = sync_through_service(data_dir, store, secret_store, account.id)
    assert first.status.value == "ok"
    assert [p for _, p in emu.requests].count("/api/v3/account/settings") == 1
    emu.requests.clear()
    second, snapshot = sync_through_service(data_dir, store, secret_store, account.id)
    assert second.status.value == "ok"
    assert "/api/v3/account/settings" not in [p for _, p in emu.requests]
    assert holdings_by_wallet(snapshot) == expected_by_wallet(emu.account.balances)


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
    balances = [*portfolio(), EmulatedBalance("earn_locked", "USDT", D("0"), locked=D("77"))]
    emu = emulator(balances=balances)
    reading = run(emu, BitgetAdapter().read_account)
    assert read_by_wallet(reading.balances) == expected_by_wallet(balances)
    other = [r for r in reading.balances if r.lock_reason == "earn_other_products"]
    assert [(r.wallet, r.asset, r.locked, r.unlock_at) for r in other] == \
        [("earn_locked", "USDT", D("77"), None)]
    # the flexible savings answer is shared by the two earn wallets
    assert [p for _, p in emu.requests].count("/api/v2/earn/savings/assets") == 2
