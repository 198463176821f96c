"""KuCoin: the real ccxt client against the loopback KuCoin emulator."""

from __future__ import annotations

from decimal import Decimal

import ccxt
import pytest
from signed_venues import expected_by_wallet, holdings_by_wallet, read_by_wallet, sync_through_service
from venues import VENUES

from exposure_app.domain.timeutil import parse_instant
from exposure_app.emulator.base import EmulatedBalance, FaultKind
from exposure_app.exchanges.adapters.kucoin import KucoinAdapter
from exposure_app.exchanges.errors import BadResponseError

D = Decimal
VENUE = VENUES["kucoin"]
CREDS = VENUE.credentials()
WALLETS = VENUE.wallets


emulator = VENUE.emulator
run = VENUE.run


def test_every_wallet_is_read_with_exact_totals_and_locks():
    emu = emulator()
    reading = run(emu, KucoinAdapter().read_account)
    assert set(reading.coverage) == WALLETS
    assert dict(reading.missing) == {}
    assert read_by_wallet(reading.balances) == expected_by_wallet(emu.account.balances)
    rows = {(r.wallet, r.asset, r.lock_reason): r for r in reading.balances}
    assert parse_instant(rows["earn_locked", "USDT", "locked_earn"].unlock_at) == \
        parse_instant("2027-01-20")
    staked = rows["staking", "KCS", "locked_earn"]
    assert staked.locked == D("40")
    assert parse_instant(staked.unlock_at) == parse_instant("2026-12-31")
    assert rows["staking", "KCS", None].free == D("5")
    assert rows["futures", "BTC", None].total == D("0.01")     # XBT read as BTC
    paths = [path for _, path in emu.requests]
    # shared answers are fetched once; no account-mode probe, no market loading
    assert paths.count("/api/v1/accounts") == 1
    assert paths.count("/api/v1/earn/hold-assets") == 1
    assert paths.count("/api/ua/v1/account/mode") == 1    # the mode is read once
    assert "/api/v2/symbols" not in paths


def test_wrong_passphrase_is_an_authentication_error():
    emu = emulator()
    with pytest.raises(ccxt.AuthenticationError, match="400004"):
        run(emu, KucoinAdapter().read_margin, creds=dict(CREDS, password="wrong"))


def test_broken_accounts_body_makes_spot_and_funding_missing_not_empty():
    emu = emulator()
    emu.inject(FaultKind.HTML_200, path_prefix="/api/v1/accounts")
    reading = run(emu, KucoinAdapter().read_account)
    assert set(reading.missing) == {"spot", "funding"}
    assert not [r for r in reading.balances if r.wallet in ("spot", "funding")]
    assert {"margin", "futures", "earn_flexible"} <= set(reading.coverage)


def test_an_overview_without_accounts_is_rejected():
    emu = emulator()

    async def action(client):
        async def fake(params=None):
            return {"code": "200000", "data": {"summary": {}}}
        client.futuresprivate_get_account_overview_all = fake
        return await KucoinAdapter().read_futures(client)

    with pytest.raises(BadResponseError, match="accounts"):
        run(emu, action)


def test_rate_limit_headers():
    emu = emulator()

    async def action(client):
        await client.private_get_accounts()
        return client.last_response_headers

    headers = run(emu, action)
    assert headers["gw-ratelimit-limit"] == "4000"


def test_prices_from_one_tickers_call():
    emu = emulator()
    tickers = run(emu, lambda client: client.fetch_tickers())
    assert tickers["KCS/USDT"]["last"] == 10


def test_a_unified_trading_account_is_detected_and_read():
    balances = [
        EmulatedBalance("spot", "BTC", D("0.25"), locked=D("0.05")),
        EmulatedBalance("spot", "USDT", D("700")),
        EmulatedBalance("funding", "KCS", D("9"), locked=D("1")),
        EmulatedBalance("earn_flexible", "USDT", D("50")),
        EmulatedBalance("staking", "KCS", D("0"), locked=D("3"), unlock_at="2027-02-01"),
    ]
    emu = emulator(balances=balances, unified=True)
    adapter = KucoinAdapter()

    async def action(client):
        return await adapter.read_account(client), adapter.detected_facts(client)

    reading, facts = run(emu, action)
    assert set(reading.coverage) == WALLETS and dict(reading.missing) == {}
    assert read_by_wallet(reading.balances) == expected_by_wallet(emu.account.balances)
    assert facts["kucoin_uta"] is True
    paths = [p for _, p in emu.requests]
    assert paths.count("/api/ua/v1/account/mode") == 1
    assert "/api/v1/accounts" not in paths and "/api/v1/account-overview-all" not in paths


def test_a_classic_account_asking_the_unified_balance_is_refused():
    emu = emulator()
    with pytest.raises(ccxt.PermissionDenied, match="112010"):
        run(emu, lambda client: client.utaprivate_get_accountmode_account_balance(
            {"accountMode": "unified"}))


def test_a_unified_account_syncs_with_prices(data_dir, store, secret_store,
                                             add_exchange_account):
    balances = [EmulatedBalance("spot", "BTC", D("0.25"), locked=D("0.05")),
                EmulatedBalance("funding", "KCS", D("9"))]
    emu = emulator(balances=balances, unified=True)
    account = add_exchange_account(store, "kucoin uta", emu)
    result, snapshot = sync_through_service(data_dir, store, secret_store, account.id)
    assert result.status.value == "ok", result
    assert holdings_by_wallet(snapshot) == expected_by_wallet(balances)
    assert result.unpriced_assets == ()
    assert all(h.price is not None for h in snapshot.holdings)
    assert "/api/v1/market/allTickers" in [p for _, p in emu.requests]   # priced by this exchange


def test_a_bad_signature_with_the_right_passphrase_is_400005():
    """Signed by hand: the passphrase header is right, the request signature is not."""
    import asyncio
    import time

    import aiohttp

    from exposure_app.emulator.base import start_emulators
    from exposure_app.emulator.signing import hmac_b64

    emu = emulator()

    async def call(signature_secret: str):
        stamp = str(int(time.time() * 1000))
        path = "/api/v1/accounts"
        headers = {
            "KC-API-KEY": CREDS["apiKey"],
            "KC-API-KEY-VERSION": "2",
            "KC-API-TIMESTAMP": stamp,
            "KC-API-PASSPHRASE": hmac_b64(CREDS["secret"], CREDS["password"]),
            "KC-API-SIGN": hmac_b64(signature_secret, stamp + "GET" + path),
        }
        async with aiohttp.ClientSession() as session, \
                session.get(emu.base_url + path, headers=headers) as response:
            return response.status, await response.json()

    with start_emulators([emu]):
        bad = asyncio.run(call("not-the-secret"))
        good = asyncio.run(call(CREDS["secret"]))
    assert bad[0] == 401 and bad[1]["code"] == "400005"
    assert good[0] == 200 and good[1]["code"] == "200000"
