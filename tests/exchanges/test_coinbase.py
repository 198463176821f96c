"""Coinbase: the real ccxt client against the loopback Coinbase emulator."""

from __future__ import annotations

from decimal import Decimal

import ccxt
import pytest
from signed_venues import by_key
from venues import VENUES

from exposure_app.emulator.base import EmulatedAccount, FaultKind, start_emulators
from exposure_app.emulator.coinbase import CoinbaseEmulator, new_ec_secret, new_ed25519_secret
from exposure_app.exchanges.adapters.coinbase import CoinbaseAdapter, parse_accounts
from exposure_app.exchanges.client_factory import ConnectionOptions
from exposure_app.exchanges.errors import BadResponseError, ErrorKind, SyncError

D = Decimal
VENUE = VENUES["coinbase"]
KEY_NAME = VENUE.api_key
EC_SECRET = VENUE.secret


def _account(api_key=KEY_NAME, secret=EC_SECRET, **kwargs) -> EmulatedAccount:
    return EmulatedAccount(api_key=api_key, secret=secret, balances=list(VENUE.portfolio),
                           **kwargs)


def _emulator(page_size: int = 2, **kwargs) -> CoinbaseEmulator:
    emulator = CoinbaseEmulator(_account(**kwargs), tickers={"BTC/USD": D("60000")})
    emulator.page_size = page_size
    return emulator


def _run(emulator, action, *, api_key=KEY_NAME, secret=EC_SECRET):
    """Runs ``action(client, adapter)`` with a real, unthrottled client on ``emulator``."""
    adapter = CoinbaseAdapter()
    return VENUE.run(emulator, lambda client: action(client, adapter),
                     {"apiKey": api_key, "secret": secret})


async def _read_all(client, adapter):
    reading = await adapter.read_balances(client)
    assert set(reading.coverage) == {"spot", "staking", "vault"}
    return list(reading.balances)


async def _read_raw(client, adapter):
    return await adapter.read_accounts(client)



def test_portfolio_over_every_page_and_staked_wallets():
    emulator = _emulator(page_size=2)
    rows = _run(emulator, _read_all)
    got = by_key(rows)
    assert set(got) == {
        ("spot", "BTC"), ("spot", "USD"), ("spot", "USDC"), ("spot", "SOL"), ("spot", "ETH"),
        ("staking", "SOL"), ("staking", "ETH"),
    }
    assert got[("spot", "USD")].total == D("2500.25")
    btc = got[("spot", "BTC")]
    assert (btc.total, btc.locked, btc.free, btc.lock_reason) == (
        D("0.4"), D("0.1"), D("0.3"), "open_orders")
    assert got[("spot", "SOL")].locked == 0
    staked = got[("staking", "SOL")]
    assert (staked.total, staked.locked, staked.free, staked.lock_reason) == (D("25"), D("25"), 0, "staking")
    assert sum(r.total for r in rows if r.asset == "ETH") == D("2")
    # seven v2 accounts and five v3 trading accounts, two per page: four and
    # three pages, read once for all wallets
    assert emulator.requests == [("GET", "/v2/accounts")] * 4 + [
        ("GET", "/api/v3/brokerage/accounts")] * 3
    assert emulator.auth_schemes == ["jwt-es256"] * 7


@pytest.mark.parametrize("scheme", ["hmac", "jwt-eddsa"])
def test_other_key_kinds_are_signed_and_checked(scheme):
    api_key, secret = ("legacy-key", "legacy-secret-abc") if scheme == "hmac" else (
        "d2efa49a-369c-43d7-a60e-ae26e28853c2", new_ed25519_secret())
    emulator = _emulator(page_size=250, api_key=api_key, secret=secret)
    rows = _run(emulator, _read_all, api_key=api_key, secret=secret)
    assert by_key(rows)[("spot", "BTC")].total == D("0.4")
    assert emulator.auth_schemes == [scheme] * 2


@pytest.mark.parametrize("kind", ["ec", "hmac"])
def test_wrong_secret_is_an_authentication_error(kind):
    if kind == "ec":
        emulator, wrong, key = _emulator(), new_ec_secret(), KEY_NAME
    else:
        emulator = _emulator(api_key="legacy-key", secret="legacy-secret-abc")
        wrong, key = "another-secret", "legacy-key"
    with pytest.raises(ccxt.AuthenticationError, match="authentication_error"):
        _run(emulator, _read_raw, api_key=key, secret=wrong)
    with pytest.raises(SyncError) as caught:
        _run(emulator, _read_all, api_key=key, secret=wrong)
    assert caught.value.kind is ErrorKind.AUTH


def test_a_bad_later_page_fails_the_whole_list():
    emulator = _emulator(page_size=2)

    async def action(client, adapter):
        # pages 1 and 2 answer; page 3 is a captive-portal page
        original = client.v2_private_get_accounts
        calls = []

        async def flaky(params):
            calls.append(params)
            if len(calls) == 3:
                emulator.inject(FaultKind.HTML_200, times=1)
            return await original(params)

        client.v2_private_get_accounts = flaky
        with pytest.raises(BadResponseError):
            await adapter.read_accounts(client)
        return calls

    calls = _run(emulator, action)
    assert len(calls) == 3


def test_structure_without_balance_is_rejected():
    with pytest.raises(BadResponseError, match="balance"):
        parse_accounts([{"id": "1", "name": "BTC Wallet", "type": "wallet", "currency": {"code": "BTC"}}])
    with pytest.raises(BadResponseError, match="not a number"):
        parse_accounts([{"currency": {"code": "BTC"}, "balance": {"amount": "lots"}}])


def test_clock_skew_with_a_legacy_key_is_fixed_by_the_time_adjustment():
    emulator = _emulator(page_size=250, api_key="legacy-key", secret="legacy-secret-abc")
    emulator.inject(FaultKind.CLOCK_SKEW, skew_ms=600_000)
    with pytest.raises(ccxt.AuthenticationError, match="request timestamp expired"):
        _run(emulator, _read_raw, api_key="legacy-key", secret="legacy-secret-abc")
    reading = _run(emulator, lambda client, adapter: adapter.read_account(client),
                   api_key="legacy-key", secret="legacy-secret-abc")
    assert by_key(reading.balances)[("spot", "BTC")].total == D("0.4")
    assert ("GET", "/v2/time") in emulator.requests


def test_clock_skew_with_a_cdp_key_is_reported_as_clock_skew():
    # ccxt signs CDP JWTs with the local clock (no time-difference adjustment),
    # so the retry cannot help: the user is told to fix the computer's clock
    emulator = _emulator(page_size=250)
    emulator.inject(FaultKind.CLOCK_SKEW, skew_ms=600_000)
    with pytest.raises(SyncError) as caught:
        _run(emulator, lambda client, adapter: adapter.read_account(client))
    assert caught.value.kind is ErrorKind.CLOCK_SKEW


def test_vaults_and_the_old_eth2_wallet_are_locked_wallets():
    accounts = [
        {"name": "BTC Vault", "type": "vault", "currency": {"code": "BTC"},
         "balance": {"amount": "0.5", "currency": "BTC"}},
        {"name": "ETH2 Wallet", "type": "wallet", "currency": {"code": "ETH2"},
         "balance": {"amount": "3.2", "currency": "ETH2"}},
        {"name": "BTC Wallet", "type": "wallet", "currency": {"code": "BTC"},
         "balance": {"amount": "0.1", "currency": "BTC"}},
    ]
    rows = {(r.wallet, r.asset): (r.total, r.locked, r.lock_reason) for r in parse_accounts(accounts)}
    assert rows == {
        ("vault", "BTC"): (D("0.5"), D("0.5"), "vault_withdrawal_delay"),
        ("staking", "ETH"): (D("3.2"), D("3.2"), "staking"),
        ("spot", "BTC"): (D("0.1"), D("0"), None),
    }


def test_a_cdp_key_copied_with_escaped_line_breaks_is_tested_as_it_will_be_stored():
    from exposure_app.services.exchange_accounts import check_key

    emulator = _emulator()
    escaped = '"' + EC_SECRET.strip().replace("\n", "\\n") + '\\n"'
    with start_emulators([emulator]):
        check = check_key("coinbase", {"apiKey": KEY_NAME, "secret": escaped},
                          ConnectionOptions(api_url=emulator.base_url, timeout_seconds=5))
    assert check.error is None and check.wallet_read == "spot"
    assert emulator.auth_schemes and set(emulator.auth_schemes) == {"jwt-es256"}


@pytest.mark.parametrize("secret", ["first-line", "not-base64"])
def test_a_secret_that_cannot_sign_is_a_key_problem_and_nothing_is_sent(secret):
    from exposure_app.services.exchange_accounts import check_key

    emulator = _emulator()
    broken = EC_SECRET.strip().splitlines()[0] if secret == "first-line" else "%%%not base64%%%"
    with start_emulators([emulator]):
        check = check_key("coinbase", {"apiKey": KEY_NAME, "secret": broken},
                          ConnectionOptions(api_url=emulator.base_url, timeout_seconds=5))
    assert check.key_unusable and check.error.kind is ErrorKind.AUTH
    assert "cannot sign requests" in check.error.message
    assert broken not in check.error.message
    private = [path for _, path in emulator.requests
               if path.startswith(("/v2/accounts", "/api/v3/brokerage/"))
               and not path.startswith("/api/v3/brokerage/market/")]
    assert private == [] and emulator.auth_schemes == []
