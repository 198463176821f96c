"""KuCoin's own quirks (the shared scenarios are in test_conformance.py): the real
ccxt client against the loopback KuCoin emulator."""

from __future__ import annotations

from decimal import Decimal

import ccxt
import pytest
from venues import VENUES

from exposure_app.domain.timeutil import parse_instant
from exposure_app.emulator.base import FaultKind
from exposure_app.exchanges.adapters.kucoin import KucoinAdapter

D = Decimal
VENUE = VENUES["kucoin"]
CREDS = VENUE.credentials()


def test_a_full_read_keeps_the_exchanges_lock_reasons_dates_and_calls():
    emu, reading = VENUE.full_read()
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


def test_broken_accounts_body_makes_spot_and_funding_missing_not_empty():
    emu = VENUE.emulator()
    emu.inject(FaultKind.HTML_200, path_prefix="/api/v1/accounts")
    reading = VENUE.run(emu, KucoinAdapter().read_account)
    assert set(reading.missing) == {"spot", "funding"}
    assert not [r for r in reading.balances if r.wallet in ("spot", "funding")]
    assert {"margin", "futures", "earn_flexible"} <= set(reading.coverage)


def test_rate_limit_headers():
    emu = VENUE.emulator()

    async def action(client):
        await client.private_get_accounts()
        return client.last_response_headers

    headers = VENUE.run(emu, action)
    assert headers["gw-ratelimit-limit"] == "4000"


def test_a_classic_account_asking_the_unified_balance_is_refused():
    emu = VENUE.emulator()
    with pytest.raises(ccxt.PermissionDenied, match="112010"):
        VENUE.run(emu, lambda client: client.utaprivate_get_accountmode_account_balance(
            {"accountMode": "unified"}))


def test_a_bad_signature_with_the_right_passphrase_is_400005():
    """Signed by hand: the passphrase header is right, the request signature is not."""
    import asyncio
    import time

    import aiohttp

    from exposure_app.emulator.base import start_emulators
    from exposure_app.emulator.signing import hmac_b64

    emu = VENUE.emulator()

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
