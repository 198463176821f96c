"""Bybit: the real ccxt client against the loopback Bybit emulator."""

from __future__ import annotations

from decimal import Decimal

import ccxt
import pytest
from signed_venues import expected_by_wallet, read_by_wallet
from venues import VENUES

from exposure_app.domain.balances import PermissionLevel
from exposure_app.domain.timeutil import parse_instant
from exposure_app.emulator.base import EmulatedBalance, FaultKind
from exposure_app.exchanges.adapters.bybit import BybitAdapter
from exposure_app.exchanges.errors import BadResponseError

D = Decimal
VENUE = VENUES["bybit"]
CREDS = VENUE.credentials()
WALLETS = VENUE.wallets


emulator = VENUE.emulator
run = VENUE.run


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


def test_unknown_key_is_an_authentication_error():
    emu = emulator()
    with pytest.raises(ccxt.AuthenticationError, match="10003"):
        run(emu, BybitAdapter().read_funding, creds=dict(CREDS, apiKey="other"))


def test_ip_bound_key_reports_the_restriction():
    emu = emulator(ip_whitelist=("127.0.0.1",))
    perms = run(emu, BybitAdapter().read_permissions)
    assert perms.ip_restricted is True


def test_a_result_without_coins_is_rejected():
    emu = emulator()

    async def action(client):
        async def fake(params=None):
            return {"retCode": 0, "retMsg": "OK", "result": {"list": [{"accountType": "UNIFIED"}]}}
        client.private_get_v5_account_wallet_balance = fake
        return await BybitAdapter().read_spot(client)

    with pytest.raises(BadResponseError, match="coin"):
        run(emu, action)


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


