"""Kraken: the real ccxt client against the loopback Kraken emulator."""

from __future__ import annotations

from decimal import Decimal

import ccxt
import pytest
from signed_venues import by_key, sync_through_service
from venues import VENUES

from exposure_app.emulator.base import FaultKind
from exposure_app.emulator.kraken import KrakenEmulator
from exposure_app.exchanges.adapters.kraken import KrakenAdapter
from exposure_app.exchanges.errors import BadResponseError, ErrorKind

D = Decimal
SECRET = VENUES["kraken"].secret


VENUE = VENUES["kraken"]


_emulator = VENUE.emulator


def _run(emulator: KrakenEmulator, action, *, secret: str = SECRET, options=None):
    """Runs ``action(client, adapter)`` with a real, unthrottled client on ``emulator``."""
    adapter = KrakenAdapter()
    return VENUE.run(emulator, lambda client: action(client, adapter),
                     VENUE.credentials(secret=secret), options)


async def _read_all(client, adapter):
    reading = await adapter.read_balances(client)
    assert set(reading.coverage) == {"spot", "earn_flexible", "staking", "earn_locked"}
    return list(reading.balances)



def test_portfolio_over_every_wallet_folds_suffixes_and_locks_staking():
    emulator = _emulator()
    rows = _run(emulator, _read_all)
    got = by_key(rows)
    assert set(got) == {
        ("spot", "BTC"), ("spot", "USD"), ("spot", "DOT"),
        ("earn_flexible", "BTC"), ("earn_flexible", "USDC"),
        ("staking", "DOT"), ("earn_locked", "SOL"),
    }
    btc = got[("spot", "BTC")]
    assert (btc.total, btc.locked, btc.free, btc.lock_reason) == (D("1"), D("0.25"), D("0.75"), "open_orders")
    assert got[("spot", "USD")].total == D("1500.5")
    assert got[("earn_flexible", "BTC")].total == D("0.1")
    assert got[("earn_flexible", "BTC")].locked == 0
    staked = got[("staking", "DOT")]
    assert (staked.total, staked.locked, staked.free) == (D("120"), D("120"), 0)
    assert staked.lock_reason == "staking"
    sol = got[("earn_locked", "SOL")]
    assert (sol.locked, sol.unlock_at, sol.lock_reason) == (D("42.5"), "2027-01-01", "unbonding")
    assert staked.unlock_at is None
    # BTC held in two wallets is one asset in total, counted once per wallet
    assert sum(r.total for r in rows if r.asset == "BTC") == D("1.1")
    # the balance and the unlock dates only: no markets, currencies or time
    assert emulator.requests == [("POST", "/0/private/BalanceEx"),
                                 ("POST", "/0/private/Earn/Allocations")]


def test_unlock_dates_are_an_enrichment_that_may_fail():
    emulator = _emulator()
    emulator.inject(FaultKind.SERVER_ERROR, path_prefix="/0/private/Earn/Allocations")
    rows = _run(emulator, _read_all)
    sol = by_key(rows)[("earn_locked", "SOL")]
    assert (sol.total, sol.locked, sol.unlock_at) == (D("42.5"), D("42.5"), None)


def test_unbonding_part_is_split_into_a_dated_row():
    from exposure_app.exchanges.adapters.kraken import apply_unlock_dates
    from exposure_app.exchanges.balance_rows import row

    rows = [row("staking", "DOT", total=D("100"), locked=D("100"), lock_reason="staking"),
            row("spot", "DOT", total=D("5"))]
    split = apply_unlock_dates(rows, {"DOT": [(D("30"), "2026-12-24T10:00:00Z")]})
    dated = [r for r in split if r.unlock_at]
    undated = [r for r in split if r.wallet == "staking" and not r.unlock_at]
    assert [(r.total, r.locked, r.unlock_at) for r in dated] == [
        (D("30"), D("30"), "2026-12-24T10:00:00Z")]
    assert [(r.total, r.locked, r.lock_reason) for r in undated] == [(D("70"), D("70"), "staking")]
    assert sum(r.total for r in split if r.asset == "DOT") == D("105")
    # more unbonding than staked: the dates are not trusted, the row stays whole
    kept = apply_unlock_dates(rows, {"DOT": [(D("300"), "2026-12-24")]})
    assert [(r.wallet, r.total, r.unlock_at) for r in kept] == [
        ("spot", D("5"), None), ("staking", D("100"), None)]


def test_suffix_codes_fold_into_base_asset():
    from exposure_app.exchanges.adapters.kraken import split_asset_id

    client = ccxt.kraken()
    assert split_asset_id(client, "XBT.F")[:2] == ("BTC", "earn_flexible")
    assert split_asset_id(client, "XXBT")[:2] == ("BTC", "spot")
    assert split_asset_id(client, "ZUSD")[:2] == ("USD", "spot")
    assert split_asset_id(client, "USDC.M")[:2] == ("USDC", "earn_flexible")
    assert split_asset_id(client, "DOT.P")[:3] == ("DOT", "staking", True)
    assert split_asset_id(client, "ETH2.S")[:3] == ("ETH", "staking", True)
    assert split_asset_id(client, "SOL.B")[:3] == ("SOL", "earn_locked", True)
    assert split_asset_id(client, "ADA.Q")[:3] == ("ADA", "earn_locked", True)
    assert split_asset_id(client, "USD.HOLD")[:3] == ("USD", "spot", True)


def test_held_cash_joins_the_spot_row_as_locked():
    from exposure_app.exchanges.adapters.kraken import parse_balance_ex

    rows = parse_balance_ex(ccxt.kraken(), {"error": [], "result": {
        "ZUSD": {"balance": "100.5", "hold_trade": "0"},
        "USD.HOLD": {"balance": "20", "hold_trade": "0"},
    }})
    assert [(r.wallet, r.asset, r.total, r.locked, r.lock_reason) for r in rows] == [
        ("spot", "USD", D("120.5"), D("20"), "held")]


async def _read_raw(client, adapter):
    return await adapter.read_balance_ex(client)


def test_structure_without_balance_field_is_rejected():
    from exposure_app.exchanges.adapters.kraken import parse_balance_ex

    client = ccxt.kraken()
    with pytest.raises(BadResponseError, match="balance"):
        parse_balance_ex(client, {"error": [], "result": {"XXBT": {"hold_trade": "0"}}})
    with pytest.raises(BadResponseError):
        parse_balance_ex(client, {"error": []})
    with pytest.raises(BadResponseError):
        parse_balance_ex(client, "<html>captive portal</html>")


def test_clock_skew_rejects_the_nonce_until_time_difference_is_adjusted():
    emulator = _emulator()
    emulator.inject(FaultKind.CLOCK_SKEW, skew_ms=120_000)
    with pytest.raises(ccxt.InvalidNonce):
        _run(emulator, _read_raw)

    # the framework's one retry turns on ccxt's time adjustment and succeeds
    reading = _run(emulator, lambda client, adapter: adapter.read_account(client))
    assert by_key(reading.balances)[("spot", "BTC")].total == D("1")
    assert ("GET", "/0/public/Time") in emulator.requests


def test_public_tickers_price_the_holdings():
    emulator = _emulator()
    tickers = _run(emulator, lambda client, adapter: client.fetch_tickers())
    assert tickers["BTC/USD"]["last"] == 60000
    assert tickers["DOT/USD"]["last"] == 5


def test_a_stored_secret_that_cannot_sign_fails_the_sync_with_what_to_do(
        data_dir, store, secret_store, add_exchange_account):
    from exposure_app.storage.secrets import secret_ref_of

    emulator = _emulator()
    account = add_exchange_account(store, "Kraken", emulator)
    first, _ = sync_through_service(data_dir, store, secret_store, account.id)
    assert first.status.value == "ok"
    # the keyring entry is overwritten with a secret that is not base64 (a bad paste)
    secret_store.save(secret_ref_of(account), {"apiKey": emulator.account.api_key,
                                               "secret": "not base64 at all!"})
    emulator.requests.clear()
    result, snapshot = sync_through_service(data_dir, store, secret_store, account.id)
    assert result.status.value == "failed"
    assert result.error_kind == ErrorKind.AUTH.value
    assert "cannot sign requests" in result.error and "set-key" in result.error
    assert not [path for _, path in emulator.requests if path.startswith("/0/private/")]
    assert snapshot.id == first.snapshot_id          # the last good snapshot stays
