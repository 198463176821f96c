"""OKX: the real ccxt client against the loopback OKX emulator."""

from __future__ import annotations

from decimal import Decimal

import ccxt
import pytest
from signed_venues import (
    assert_complete_sync,
    expected_by_wallet,
    read_by_wallet,
    run_client,
    sync_through_service,
    unlock_dates,
)

from exposure_app.domain.balances import PermissionLevel
from exposure_app.domain.timeutil import parse_instant
from exposure_app.emulator.base import EmulatedAccount, EmulatedBalance, FaultKind
from exposure_app.emulator.okx import OkxEmulator
from exposure_app.exchanges.adapters.okx import OkxAdapter
from exposure_app.exchanges.errors import BadResponseError

D = Decimal
CREDS = {"apiKey": "okx-key", "secret": "okx-secret", "password": "okx-pass"}
TICKERS = {"BTC/USDT": D("60000"), "ETH/USDT": D("3000"), "DOT/USDT": D("5")}


def portfolio() -> list[EmulatedBalance]:
    return [
        EmulatedBalance("spot", "BTC", D("0.5"), locked=D("0.125")),
        EmulatedBalance("spot", "USDT", D("1234.56")),
        EmulatedBalance("funding", "USDT", D("100"), locked=D("5")),
        EmulatedBalance("funding", "ETH", D("2.000000000000000001")),
        EmulatedBalance("earn_flexible", "USDT", D("500.25")),
        EmulatedBalance("staking", "DOT", D("20")),
        EmulatedBalance("staking", "ETH", D("0"), locked=D("1.5"), unlock_at="2027-03-01"),
    ]


def emulator(permissions=frozenset({"read"}), balances=None, **kwargs) -> OkxEmulator:
    account = EmulatedAccount(
        api_key=CREDS["apiKey"], secret=CREDS["secret"], password=CREDS["password"],
        balances=portfolio() if balances is None else balances, permissions=permissions, **kwargs,
    )
    return OkxEmulator(account, tickers=TICKERS)


def run(emu: OkxEmulator, action, creds=CREDS, options=None):
    return run_client("okx", emu, OkxAdapter(), creds, action, options=options)


def test_every_wallet_is_read_with_exact_totals_and_locks():
    emu = emulator()
    reading = run(emu, OkxAdapter().read_account)
    assert set(reading.coverage) == {"spot", "funding", "earn_flexible", "staking"}
    assert dict(reading.missing) == {}
    assert read_by_wallet(reading.balances) == expected_by_wallet(emu.account.balances)
    rows = {(r.wallet, r.asset): r for r in reading.balances}
    assert rows["spot", "BTC"].lock_reason == "open_orders"
    eth = rows["staking", "ETH"]
    assert eth.lock_reason == "locked_earn"
    assert parse_instant(eth.unlock_at) == parse_instant("2027-03-01")
    assert rows["staking", "DOT"].locked == 0
    # one request per wallet plus the permission check, no market loading
    paths = [path for _, path in emu.requests]
    assert "/api/v5/public/instruments" not in paths
    assert len(paths) == 5


def test_wrong_secret_is_an_authentication_error():
    emu = emulator()
    bad = dict(CREDS, secret="not-the-secret")
    with pytest.raises(ccxt.AuthenticationError, match="50113"):
        run(emu, lambda client: client.private_get_account_balance(), creds=bad)


def test_wrong_passphrase_is_an_authentication_error():
    emu = emulator()
    bad = dict(CREDS, password="wrong")
    with pytest.raises(ccxt.AuthenticationError, match="50105"):
        run(emu, lambda client: client.private_get_asset_balances(), creds=bad)


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
    perms = run(emu, OkxAdapter().read_permissions)
    assert perms.level is level
    assert (perms.can_trade, perms.can_withdraw) == (trade, withdraw)
    assert perms.is_dangerous == (level is not PermissionLevel.READ_ONLY)


def test_an_html_page_with_status_200_is_rejected_not_read_as_empty():
    emu = emulator()
    emu.inject(FaultKind.HTML_200, path_prefix="/api/v5/account/balance")
    with pytest.raises(BadResponseError):
        run(emu, OkxAdapter().read_trading)


def test_a_body_without_details_is_rejected():
    emu = emulator()

    async def action(client):
        async def fake_balance(params=None):
            return {"code": "0", "msg": "", "data": [{"totalEq": "1"}]}
        client.private_get_account_balance = fake_balance
        return await OkxAdapter().read_trading(client)

    with pytest.raises(BadResponseError, match="details"):
        run(emu, action)


def test_clock_skew_is_recovered_by_time_adjustment():
    emu = emulator()
    emu.inject(FaultKind.CLOCK_SKEW, skew_ms=120_000)
    reading = run(emu, OkxAdapter().read_account)
    assert "/api/v5/public/time" in [p for _, p in emu.requests]
    assert read_by_wallet(reading.balances) == expected_by_wallet(emu.account.balances)


def test_clock_skew_without_adjustment_is_invalid_nonce():
    emu = emulator()
    emu.inject(FaultKind.CLOCK_SKEW, skew_ms=120_000)
    with pytest.raises(ccxt.InvalidNonce, match="50102"):
        run(emu, lambda client: client.private_get_account_balance())


def test_rate_limit_answers_429_with_retry_after():
    emu = emulator()
    emu.inject(FaultKind.RATE_LIMIT, retry_after=7)

    async def action(client):
        try:
            await client.private_get_account_balance()
        except ccxt.RateLimitExceeded:
            return client.last_response_headers
        raise AssertionError("no rate limit error")

    headers = run(emu, action)
    assert headers["Retry-After"] == "7"


def test_ip_whitelist_on_the_key_is_enforced():
    emu = emulator(ip_whitelist=("10.1.2.3",))
    with pytest.raises(ccxt.PermissionDenied, match="50110"):
        run(emu, lambda client: client.private_get_asset_balances())


def test_prices_from_one_tickers_call():
    emu = emulator()

    async def action(client):
        return await client.fetch_tickers()

    tickers = run(emu, action)
    assert tickers["BTC/USDT"]["last"] == 60000
    assert tickers["DOT/USDT"]["last"] == 5


def test_sync_service_stores_a_complete_priced_snapshot(data_dir, store, secret_store,
                                                        add_exchange_account):
    emu = emulator()
    account = add_exchange_account(store, "my OKX", emu)
    result, snapshot = sync_through_service(data_dir, store, secret_store, account.id)
    assert_complete_sync(result, snapshot, coverage=("spot", "funding", "earn_flexible", "staking"), emulator=emu)
    assert result.unpriced_assets == ()
    btc = [h for h in snapshot.holdings if h.asset == "BTC"]
    assert btc and all(h.price == D("60000") for h in btc)
    assert unlock_dates(store, snapshot, "staking", "ETH") == [parse_instant("2027-03-01")]


def test_permission_denied_on_earn_is_a_missing_wallet_with_the_reason():
    emu = emulator()
    emu.inject(FaultKind.PERMISSION_DENIED, path_prefix="/api/v5/finance/")
    reading = run(emu, OkxAdapter().read_account)
    assert set(reading.missing) == {"earn_flexible", "staking"}
    assert "permission" in reading.missing["staking"]
    assert set(reading.coverage) == {"spot", "funding"}
