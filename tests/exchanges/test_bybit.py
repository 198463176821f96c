"""Bybit: the real ccxt client against the loopback Bybit emulator."""

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
from exposure_app.emulator.bybit import BybitEmulator
from exposure_app.exchanges.adapters.bybit import BybitAdapter
from exposure_app.exchanges.errors import BadResponseError

D = Decimal
CREDS = {"apiKey": "bybit-key", "secret": "bybit-secret"}
WALLETS = {"spot", "futures", "funding", "earn_flexible", "staking"}
TICKERS = {"BTC/USDT": D("60000"), "SOL/USDT": D("150"), "ETH/USDT": D("3000")}


def portfolio() -> list[EmulatedBalance]:
    return [
        EmulatedBalance("spot", "BTC", D("0.3"), locked=D("0.05")),
        EmulatedBalance("spot", "USDT", D("2500.123456")),
        EmulatedBalance("funding", "USDT", D("40"), locked=D("10")),
        EmulatedBalance("funding", "MNT", D("333")),
        EmulatedBalance("earn_flexible", "USDT", D("1000")),
        EmulatedBalance("earn_flexible", "BTC", D("0.01")),
        EmulatedBalance("staking", "SOL", D("12")),
        EmulatedBalance("staking", "ETH", D("0"), locked=D("0.8"), unlock_at="2027-02-15"),
    ]


def emulator(permissions=frozenset({"read"}), balances=None, unified=True,
             **kwargs) -> BybitEmulator:
    account = EmulatedAccount(
        api_key=CREDS["apiKey"], secret=CREDS["secret"],
        balances=portfolio() if balances is None else balances, permissions=permissions, **kwargs,
    )
    return BybitEmulator(account, tickers=TICKERS, unified=unified)


def run(emu: BybitEmulator, action, creds=CREDS, options=None):
    return run_client("bybit", emu, BybitAdapter(), creds, action, options=options)


def test_every_wallet_is_read_with_exact_totals_and_locks():
    emu = emulator()
    reading = run(emu, BybitAdapter().read_account)
    assert set(reading.coverage) == WALLETS
    assert dict(reading.missing) == {}
    assert read_by_wallet(reading.balances) == expected_by_wallet(emu.account.balances)
    rows = {(r.wallet, r.asset): r for r in reading.balances}
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


def test_wrong_secret_is_an_authentication_error():
    emu = emulator()
    with pytest.raises(ccxt.AuthenticationError, match="10004"):
        run(emu, BybitAdapter().read_spot, creds=dict(CREDS, secret="wrong"))


def test_unknown_key_is_an_authentication_error():
    emu = emulator()
    with pytest.raises(ccxt.AuthenticationError, match="10003"):
        run(emu, BybitAdapter().read_funding, creds=dict(CREDS, apiKey="other"))


@pytest.mark.parametrize(
    ("permissions", "level", "trade", "withdraw"),
    [
        ({"read"}, PermissionLevel.READ_ONLY, False, False),
        ({"read", "trade"}, PermissionLevel.TRADE, True, False),
        ({"read", "trade", "withdraw"}, PermissionLevel.WITHDRAW, True, True),
    ],
)
def test_key_permissions(permissions, level, trade, withdraw):
    emu = emulator(frozenset(permissions))
    perms = run(emu, BybitAdapter().read_permissions)
    assert perms.level is level
    assert (perms.can_trade, perms.can_withdraw) == (trade, withdraw)


def test_ip_bound_key_reports_the_restriction():
    emu = emulator(ip_whitelist=("127.0.0.1",))
    perms = run(emu, BybitAdapter().read_permissions)
    assert perms.ip_restricted is True


def test_an_html_page_with_status_200_is_rejected_not_read_as_empty():
    emu = emulator()
    emu.inject(FaultKind.HTML_200, path_prefix="/v5/account/wallet-balance")
    with pytest.raises(BadResponseError):
        run(emu, BybitAdapter().read_spot)


def test_a_result_without_coins_is_rejected():
    emu = emulator()

    async def action(client):
        async def fake(params=None):
            return {"retCode": 0, "retMsg": "OK", "result": {"list": [{"accountType": "UNIFIED"}]}}
        client.private_get_v5_account_wallet_balance = fake
        return await BybitAdapter().read_spot(client)

    with pytest.raises(BadResponseError, match="coin"):
        run(emu, action)


def test_clock_skew_is_recovered_by_time_adjustment():
    emu = emulator()
    emu.inject(FaultKind.CLOCK_SKEW, skew_ms=60_000)
    reading = run(emu, BybitAdapter().read_account)
    assert "/v5/market/time" in [p for _, p in emu.requests]
    assert read_by_wallet(reading.balances) == expected_by_wallet(emu.account.balances)


def test_permission_denied_on_one_wallet_is_partial():
    emu = emulator()
    emu.inject(FaultKind.PERMISSION_DENIED, path_prefix="/v5/earn/")
    reading = run(emu, BybitAdapter().read_account)
    assert set(reading.missing) == {"earn_flexible", "staking"}
    assert "permission" in reading.missing["earn_flexible"]
    assert set(reading.coverage) == {"spot", "futures", "funding"}


def test_rate_limit_answers_429_with_retry_after_and_limit_headers():
    emu = emulator()
    emu.inject(FaultKind.RATE_LIMIT, retry_after=9)

    async def action(client):
        try:
            await client.private_get_v5_account_wallet_balance({"accountType": "UNIFIED"})
        except ccxt.RateLimitExceeded:
            return client.last_response_headers
        raise AssertionError("no rate limit error")

    headers = run(emu, action)
    assert headers["Retry-After"] == "9"
    assert headers["X-Bapi-Limit-Status"] == "0"


def test_prices_from_one_tickers_call():
    emu = emulator()
    # ccxt's default type for bybit is swap; spot prices need type=spot
    tickers = run(emu, lambda client: client.fetch_tickers(None, {"type": "spot"}))
    assert tickers["SOL/USDT"]["last"] == 150
    assert tickers["BTC/USDT"]["last"] == 60000


def test_sync_service_stores_a_complete_priced_snapshot(data_dir, store, secret_store,
                                                        add_exchange_account):
    emu = emulator()
    account = add_exchange_account(store, "my Bybit", emu)
    result, snapshot = sync_through_service(data_dir, store, secret_store, account.id)
    assert_complete_sync(result, snapshot, coverage=WALLETS, emulator=emu)
    # MNT has no market on the emulated exchange: kept, unpriced, never dropped
    assert result.unpriced_assets == ("MNT",)
    mnt = [h for h in snapshot.holdings if h.asset == "MNT"]
    assert [(h.total, h.price) for h in mnt] == [(D("333"), None)]
    btc = [h for h in snapshot.holdings if h.asset == "BTC"]
    assert btc and all(h.price == D("60000") for h in btc)
    assert unlock_dates(store, snapshot, "staking", "ETH") == [parse_instant("2027-02-15")]


def test_a_classic_account_is_detected_and_read_per_account_type():
    balances = [
        EmulatedBalance("spot", "BTC", D("0.1"), locked=D("0.02")),
        EmulatedBalance("futures", "USDT", D("300"), locked=D("200")),
        EmulatedBalance("funding", "USDT", D("5")),
        EmulatedBalance("earn_flexible", "ETH", D("1")),
    ]
    emu = emulator(balances=balances, unified=False)
    adapter = BybitAdapter()

    async def action(client):
        return await adapter.read_account(client), adapter.detected_facts(client)

    reading, facts = run(emu, action)
    assert set(reading.coverage) == WALLETS and dict(reading.missing) == {}
    assert read_by_wallet(reading.balances) == expected_by_wallet(balances)
    assert facts["bybit_uta"] is False
    assert reading.permissions.level is PermissionLevel.READ_ONLY
    # the mode came from the same key-information answer the permissions use
    assert [p for _, p in emu.requests].count("/v5/user/query-api") == 1


def test_a_stale_classic_mode_is_learnt_again_on_a_unified_account():
    emu = emulator()
    adapter = BybitAdapter()

    async def action(client):
        return await adapter.read_account(client), adapter.detected_facts(client)

    reading, facts = run(emu, action, options=adapter.client_options({"bybit_uta": False}))
    assert dict(reading.missing) == {}
    assert read_by_wallet(reading.balances) == expected_by_wallet(emu.account.balances)
    assert facts["bybit_uta"] is True


def test_a_cached_mode_needs_no_probe():
    emu = emulator()
    adapter = BybitAdapter()
    reading = run(emu, adapter.read_account, options=adapter.client_options({"bybit_uta": True}))
    assert read_by_wallet(reading.balances) == expected_by_wallet(emu.account.balances)
    paths = [p for _, p in emu.requests]
    assert paths.count("/v5/user/query-api") == 1   # the permission check only
    assert len(paths) == 5


def test_the_account_mode_is_cached_between_syncs(data_dir, store, secret_store,
                                                  add_exchange_account):
    emu = emulator()
    account = add_exchange_account(store, "mode cache", emu)
    first, _ = sync_through_service(data_dir, store, secret_store, account.id)
    assert first.status.value == "ok"
    emu.requests.clear()
    second, snapshot = sync_through_service(data_dir, store, secret_store, account.id)
    assert second.status.value == "ok"
    # only the permission check asks for the key information now
    assert [p for _, p in emu.requests].count("/v5/user/query-api") == 1
    assert holdings_by_wallet(snapshot) == expected_by_wallet(emu.account.balances)
