"""HTX: the real ccxt client against the loopback HTX emulator."""

from __future__ import annotations

from decimal import Decimal

import ccxt
import pytest
from signed_venues import assert_complete_sync, by_key, second_sync
from venues import VENUES

from exposure_app.domain.balances import PermissionLevel
from exposure_app.exchanges.adapters.htx import (
    ACCOUNT_IDS_CHECKED_FACT,
    ACCOUNT_IDS_FACT,
    HtxAdapter,
    parse_balance_list,
    parse_contract_balance,
)
from exposure_app.exchanges.errors import BadResponseError

D = Decimal
VENUE = VENUES["htx"]
WALLETS = VENUE.wallets


def test_portfolio_over_every_wallet_type(run_adapter):
    emulator = VENUE.emulator()
    adapter = HtxAdapter()
    reading = run_adapter(emulator, adapter)   # every wallet read: test_conformance.py
    got = {key: (r.total, r.locked) for key, r in by_key(reading.balances).items()}
    assert got == {
        ("spot", "BTC"): (D("0.25"), D("0.05")),
        ("spot", "USDT"): (D("900"), D(0)),
        ("funding", "USDT"): (D("150"), D(0)),
        ("earn_flexible", "USDT"): (D("2000"), D(0)),
        ("earn_flexible", "TRX"): (D("10000"), D(0)),
        ("margin", "ETH"): (D("1.25"), D("0.25")),
        ("cross_margin", "USDT"): (D("100"), D("25")),
        ("futures", "USDT"): (D("500"), D("100")),
        ("futures_coinm", "BTC"): (D("0.04"), D("0.01")),
    }
    # the account-id list was fetched once, for all three account readers
    assert emulator.requests.count(("GET", "/v1/account/accounts")) == 1
    assert reading.permissions.level is PermissionLevel.READ_ONLY


def test_cached_account_ids_skip_the_account_list(run_adapter):
    emulator = VENUE.emulator()
    adapter = HtxAdapter()

    async def first(client):
        await adapter.read_balances(client)
        return adapter.detected_facts(client)

    facts = run_adapter(emulator, adapter, action=first)
    assert facts[ACCOUNT_IDS_FACT]["spot"] == 10001
    emulator.requests.clear()
    reading = run_adapter(emulator, adapter, options=adapter.client_options(facts))
    assert ("GET", "/v1/account/accounts") not in emulator.requests
    assert by_key(reading.balances)[("spot", "BTC")].total == D("0.25")
    # a day later the list is read again (an account may have been opened)
    stale = {**facts, ACCOUNT_IDS_CHECKED_FACT: facts[ACCOUNT_IDS_CHECKED_FACT] - 90_000}
    run_adapter(emulator, adapter, options=adapter.client_options(stale))
    assert emulator.requests.count(("GET", "/v1/account/accounts")) == 1


def test_a_stale_cached_account_id_is_forgotten(run_adapter):
    emulator = VENUE.emulator()
    adapter = HtxAdapter()
    import time

    stale = {ACCOUNT_IDS_FACT: {"spot": 777}, ACCOUNT_IDS_CHECKED_FACT: int(time.time())}

    async def action(client):
        reading = await adapter.read_balances(client)
        return reading, adapter.detected_facts(client)

    reading, facts = run_adapter(emulator, adapter, options=adapter.client_options(stale),
                                 action=action)
    assert "spot" in reading.missing and "futures" in reading.coverage
    assert ACCOUNT_IDS_FACT not in facts   # the next sync reads the account list again


def test_structure_without_expected_fields_is_rejected():
    client = ccxt.htx()
    with pytest.raises(BadResponseError, match="balance"):
        parse_balance_list(client, [{"currency": "btc", "type": "trade"}], "spot", "list")
    with pytest.raises(BadResponseError):
        parse_contract_balance(client, {"code": 200, "data": {"state": "normal"}})
    with pytest.raises(BadResponseError):
        parse_contract_balance(client, "<html></html>")


def test_a_second_sync_reuses_the_cached_account_ids(data_dir, store, secret_store,
                                                    add_exchange_account):
    emulator = VENUE.emulator()
    account = add_exchange_account(store, "HTX", emulator)
    again, snapshot = second_sync(data_dir, store, secret_store, account.id, emulator)
    assert assert_complete_sync(again, snapshot, coverage=WALLETS, emulator=emulator)
    assert ("GET", "/v1/account/accounts") not in emulator.requests
