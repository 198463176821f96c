"""HTX: the real ccxt client against the loopback HTX emulator."""

from __future__ import annotations

import re
from decimal import Decimal

import ccxt
import pytest
from signed_venues import assert_complete_sync, sync_through_service

from exposure_app.domain.balances import PermissionLevel
from exposure_app.emulator.base import EmulatedAccount, EmulatedBalance, FaultKind
from exposure_app.emulator.htx import HtxEmulator
from exposure_app.exchanges.adapters.htx import (
    ACCOUNT_IDS_CHECKED_FACT,
    ACCOUNT_IDS_FACT,
    HtxAdapter,
    parse_balance_list,
    parse_contract_balance,
)
from exposure_app.exchanges.errors import BadResponseError, ErrorKind, SyncError

D = Decimal
WALLETS = {"spot", "funding", "earn_flexible", "margin", "cross_margin", "futures",
           "futures_coinm"}


def _emulator(**kwargs) -> HtxEmulator:
    balances = [
        EmulatedBalance("spot", "BTC", D("0.2"), locked=D("0.05")),
        EmulatedBalance("spot", "USDT", D("900")),
        EmulatedBalance("funding", "USDT", D("150")),
        EmulatedBalance("earn_flexible", "USDT", D("2000")),
        EmulatedBalance("earn_flexible", "TRX", D("10000")),
        EmulatedBalance("margin", "ETH", D("1"), locked=D("0.25")),
        EmulatedBalance("cross_margin", "USDT", D("75"), locked=D("25")),
        EmulatedBalance("futures", "USDT", D("400"), locked=D("100")),
        EmulatedBalance("futures_coinm", "BTC", D("0.03"), locked=D("0.01")),
    ]
    account = EmulatedAccount(api_key="htx-access-key", secret="htx-secret-key",
                              balances=balances, **kwargs)
    return HtxEmulator(account, tickers={"BTC/USDT": D("60000"), "TRX/USDT": D("0.12")})


def _by_key(rows):
    return {(r.wallet, r.asset): r for r in rows}


def test_portfolio_over_every_wallet_type(run_adapter):
    emulator = _emulator()
    adapter = HtxAdapter()
    reading = run_adapter(emulator, adapter)
    assert set(reading.coverage) == WALLETS
    assert not reading.missing
    got = {key: (r.total, r.locked) for key, r in _by_key(reading.balances).items()}
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
    emulator = _emulator()
    adapter = HtxAdapter()

    async def first(client):
        await adapter.read_balances(client)
        return adapter.detected_facts(client)

    facts = run_adapter(emulator, adapter, action=first)
    assert facts[ACCOUNT_IDS_FACT]["spot"] == 10001
    emulator.requests.clear()
    reading = run_adapter(emulator, adapter, options=adapter.client_options(facts))
    assert ("GET", "/v1/account/accounts") not in emulator.requests
    assert _by_key(reading.balances)[("spot", "BTC")].total == D("0.25")
    # a day later the list is read again (an account may have been opened)
    stale = {**facts, ACCOUNT_IDS_CHECKED_FACT: facts[ACCOUNT_IDS_CHECKED_FACT] - 90_000}
    run_adapter(emulator, adapter, options=adapter.client_options(stale))
    assert emulator.requests.count(("GET", "/v1/account/accounts")) == 1


def test_a_stale_cached_account_id_is_forgotten(run_adapter):
    emulator = _emulator()
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


def test_accounts_never_opened_read_as_empty(run_adapter):
    emulator = _emulator()
    emulator.account.balances = [b for b in emulator.account.balances
                                 if b.wallet not in ("cross_margin", "futures", "futures_coinm")]
    reading = run_adapter(emulator, HtxAdapter())
    assert set(reading.coverage) == WALLETS
    assert {r.wallet for r in reading.balances} == {"spot", "funding", "earn_flexible", "margin"}


def test_wrong_secret_is_an_authentication_error(run_adapter):
    emulator = _emulator()
    adapter = HtxAdapter()
    wrong = {"apiKey": "htx-access-key", "secret": "not-the-secret"}
    with pytest.raises(ccxt.AuthenticationError, match="api-signature-not-valid"):
        run_adapter(emulator, adapter, credentials=wrong, action=adapter.read_isolated_margin)
    with pytest.raises(SyncError) as caught:
        run_adapter(emulator, adapter, credentials=wrong)
    assert caught.value.kind is ErrorKind.AUTH


@pytest.mark.parametrize(
    ("granted", "level"),
    [
        (frozenset({"read"}), PermissionLevel.READ_ONLY),
        (frozenset({"read", "trade"}), PermissionLevel.TRADE),
        (frozenset({"read", "trade", "withdraw"}), PermissionLevel.WITHDRAW),
    ],
)
def test_key_permissions(run_adapter, granted, level):
    emulator = _emulator(permissions=granted)
    adapter = HtxAdapter()
    permissions = run_adapter(emulator, adapter, action=adapter.read_permissions)
    assert permissions.level is level
    assert permissions.can_withdraw is ("withdraw" in granted)


@pytest.mark.parametrize(("kind", "words"), [
    (FaultKind.HTML_200, "web page (HTML)"),
    (FaultKind.EMPTY_BODY, "empty answer"),
    (FaultKind.MALFORMED_JSON, "not valid JSON"),
])
def test_bad_balance_body_is_rejected(run_adapter, kind, words):
    emulator = _emulator()
    adapter = HtxAdapter()
    emulator.inject(kind, path_prefix="/v5/account/balance")
    with pytest.raises(BadResponseError, match=re.escape(words)):
        run_adapter(emulator, adapter, action=adapter.read_futures)
    reading = run_adapter(emulator, adapter)
    assert "futures" in reading.missing
    assert "spot" in reading.coverage


def test_structure_without_expected_fields_is_rejected():
    client = ccxt.htx()
    with pytest.raises(BadResponseError, match="balance"):
        parse_balance_list(client, [{"currency": "btc", "type": "trade"}], "spot", "list")
    with pytest.raises(BadResponseError):
        parse_contract_balance(client, {"code": 200, "data": {"state": "normal"}})
    with pytest.raises(BadResponseError):
        parse_contract_balance(client, "<html></html>")


@pytest.mark.parametrize(
    ("kind", "error", "error_kind"),
    [
        (FaultKind.AUTH, ccxt.AuthenticationError, ErrorKind.AUTH),
        (FaultKind.PERMISSION_DENIED, ccxt.PermissionDenied, ErrorKind.PERMISSION),
        (FaultKind.IP_NOT_WHITELISTED, ccxt.AuthenticationError, ErrorKind.IP_NOT_WHITELISTED),
        (FaultKind.RATE_LIMIT, ccxt.RateLimitExceeded, ErrorKind.RATE_LIMIT),
        (FaultKind.MAINTENANCE, ccxt.OnMaintenance, ErrorKind.MAINTENANCE),
    ],
)
def test_faults_use_htxs_codes(run_adapter, kind, error, error_kind):
    emulator = _emulator()
    adapter = HtxAdapter()
    emulator.inject(kind, retry_after=30)
    with pytest.raises(error):
        run_adapter(emulator, adapter, action=adapter.read_isolated_margin)
    with pytest.raises(SyncError) as caught:
        run_adapter(emulator, adapter)
    assert caught.value.kind is error_kind


def test_a_key_bound_to_other_ips_is_refused(run_adapter):
    emulator = _emulator(ip_whitelist=("10.1.2.3",))
    with pytest.raises(SyncError) as caught:
        run_adapter(emulator, HtxAdapter())
    assert caught.value.kind is ErrorKind.IP_NOT_WHITELISTED


def test_clock_skew_is_fixed_by_the_time_adjustment(run_adapter):
    emulator = _emulator()
    adapter = HtxAdapter()
    emulator.inject(FaultKind.CLOCK_SKEW, skew_ms=900_000)
    with pytest.raises(ccxt.AuthenticationError, match="Timestamp expired"):
        run_adapter(emulator, adapter, action=adapter.read_isolated_margin)
    reading = run_adapter(emulator, adapter)
    assert _by_key(reading.balances)[("futures", "USDT")].total == D("500")
    assert ("GET", "/v1/common/timestamp") in emulator.requests


def test_sync_service_stores_a_complete_priced_snapshot(data_dir, store, secret_store,
                                                        add_exchange_account):
    emulator = _emulator()
    account = add_exchange_account(store, "HTX", emulator)
    result, snapshot = sync_through_service(data_dir, store, secret_store, account.id)
    held = assert_complete_sync(result, snapshot, coverage=WALLETS)
    assert result.permissions is not None
    assert result.permissions.level is PermissionLevel.READ_ONLY
    assert held[("spot", "BTC")] == (D("0.25"), D("0.05"))
    assert held[("earn_flexible", "TRX")] == (D("10000"), 0)
    assert held[("futures", "USDT")] == (D("500"), D("100"))
    assert len(held) == 9
    values = {(h.wallet, h.asset): h.value for h in snapshot.holdings}
    assert values[("spot", "BTC")] == D("15000")
    assert values[("earn_flexible", "TRX")] == D("1200")
    # a second sync reuses the cached account ids: no account-list call
    emulator.requests.clear()
    again, _ = sync_through_service(data_dir, store, secret_store, account.id)
    assert again.status.value == "ok"
    assert ("GET", "/v1/account/accounts") not in emulator.requests
