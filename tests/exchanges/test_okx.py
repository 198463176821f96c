"""OKX: the real ccxt client against the loopback OKX emulator."""

from __future__ import annotations

from decimal import Decimal

import ccxt
import pytest
from signed_venues import expected_by_wallet, read_by_wallet
from venues import VENUES

from exposure_app.domain.timeutil import parse_instant
from exposure_app.emulator.base import FaultKind
from exposure_app.exchanges.adapters.okx import OkxAdapter
from exposure_app.exchanges.errors import BadResponseError

D = Decimal
VENUE = VENUES["okx"]
CREDS = VENUE.credentials()


emulator = VENUE.emulator
run = VENUE.run


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


def test_wrong_passphrase_is_an_authentication_error():
    emu = emulator()
    bad = dict(CREDS, password="wrong")
    with pytest.raises(ccxt.AuthenticationError, match="50105"):
        run(emu, lambda client: client.private_get_asset_balances(), creds=bad)


def test_a_body_without_details_is_rejected():
    emu = emulator()

    async def action(client):
        async def fake_balance(params=None):
            return {"code": "0", "msg": "", "data": [{"totalEq": "1"}]}
        client.private_get_account_balance = fake_balance
        return await OkxAdapter().read_trading(client)

    with pytest.raises(BadResponseError, match="details"):
        run(emu, action)


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


