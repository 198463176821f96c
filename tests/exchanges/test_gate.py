"""Gate: the real ccxt client against the loopback Gate emulator."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import ccxt
import pytest
from signed_venues import by_key
from venues import VENUES

from exposure_app.domain.balances import PermissionLevel
from exposure_app.emulator.base import EmulatedBalance, FaultKind
from exposure_app.exchanges.adapters.gate import GateAdapter, parse_contract_account, parse_spot
from exposure_app.exchanges.errors import BadResponseError

D = Decimal
VENUE = VENUES["gate"]
WALLETS = VENUE.wallets


def test_portfolio_over_every_wallet_type(run_adapter):
    emulator = VENUE.emulator()
    reading = run_adapter(emulator, GateAdapter())   # every wallet read: test_conformance.py
    got = by_key(reading.balances)
    expected = {
        ("spot", "BTC"): (D("0.5"), D("0.2")),
        ("spot", "USDT"): (D("1000"), D(0)),
        ("margin", "ETH"): (D("2.5"), D("0.5")),
        ("margin", "USDT"): (D("300"), D(0)),
        ("cross_margin", "USDT"): (D("60"), D("10")),
        ("futures", "USDT"): (D("1000"), D("300")),
        ("futures_coinm", "BTC"): (D("0.01"), D(0)),
        ("delivery", "USDT"): (D("40"), D(0)),
        ("options", "USDT"): (D("25"), D("5")),
        ("earn_flexible", "USDT"): (D("5100"), D("100")),
        ("staking", "GT"): (D("111.6"), D("111.6")),
        ("earn_locked", "BTC"): (D("0.02"), D("0.02")),   # the settled order is left out
    }
    assert {key: (r.total, r.locked) for key, r in got.items()} == expected
    assert got[("futures", "USDT")].lock_reason == "margin"
    dual = got[("earn_locked", "BTC")]
    assert (dual.lock_reason, dual.unlock_at) == ("dual_investment", "2027-01-15T00:00:00+00:00")
    assert got[("spot", "BTC")].free == D("0.3")
    # no market, currency or unified-mode pre-call
    assert not any("account/detail" in path or "currency_pairs" in path
                   for _, path in emulator.requests)
    assert reading.permissions is not None
    assert reading.permissions.level is PermissionLevel.UNKNOWN


def test_an_account_gate_values_but_no_wallet_reads_is_named_missing(run_adapter):
    emulator = VENUE.emulator()
    emulator.account.balances.append(EmulatedBalance("quant", "USDT", D("250")))
    reading = run_adapter(emulator, GateAdapter())
    assert set(reading.coverage) == WALLETS
    assert set(reading.missing) == {"quant"}
    assert "250" in reading.missing["quant"] and "quant" in reading.missing["quant"]
    # the wallets read are all still there
    assert by_key(reading.balances)[("spot", "BTC")].total == D("0.5")


def test_the_cross_check_failing_leaves_the_wallets_read(run_adapter):
    emulator = VENUE.emulator()
    emulator.inject(FaultKind.SERVER_ERROR, path_prefix="/api/v4/wallet/total_balance")
    reading = run_adapter(emulator, GateAdapter())
    assert set(reading.coverage) == WALLETS and not reading.missing


def test_structure_without_expected_fields_is_rejected():
    client = ccxt.gate()
    with pytest.raises(BadResponseError, match="available"):
        parse_spot(client, [{"currency": "BTC", "locked": "0"}])
    with pytest.raises(BadResponseError):
        parse_spot(client, {"label": "unexpected"})
    with pytest.raises(BadResponseError, match="total"):
        parse_contract_account(client, {"currency": "USDT"}, "futures")


def test_a_key_without_read_permission_is_refused(run_adapter):
    emulator = VENUE.emulator(permissions=frozenset())
    adapter = GateAdapter()
    with pytest.raises(ccxt.PermissionDenied, match="FORBIDDEN"):
        run_adapter(emulator, adapter, action=adapter.read_spot)


def test_rate_limit_headers_are_sent(run_adapter):
    emulator = VENUE.emulator()
    adapter = GateAdapter()

    async def action(client):
        await adapter.read_spot(client)
        return client.last_response_headers

    headers = run_adapter(emulator, adapter, action=action)
    assert int(headers["X-Gate-RateLimit-Requests-Remain"]) < int(headers["X-Gate-RateLimit-Limit"])


def test_sync_service_stores_a_partial_snapshot_naming_the_unread_account(
        data_dir, store, memory_keyring, add_exchange_account):
    from exposure_app.services.profile import Profile
    from exposure_app.services.sync_service import sync_blocking
    from exposure_app.storage.secrets import SecretStore

    emulator = VENUE.emulator()
    emulator.account.balances.append(EmulatedBalance("quant", "USDT", D("250")))
    account = add_exchange_account(store, "Gate with bots", emulator)
    report = sync_blocking(Profile(data_dir), secret_store=SecretStore(memory_keyring),
                           account_timeout=20)
    result = report.result_for(account.id)
    assert result.status.value == "partial", result
    assert "quant" in result.missing
    snapshot = store.snapshots.latest_usable(account.id, report.finished_at)
    assert snapshot is not None and snapshot.status.value == "partial"
    assert {h.wallet for h in snapshot.holdings} >= {"spot", "futures", "staking"}


def test_dual_orders_are_read_over_every_page(run_adapter):
    emulator = VENUE.emulator()
    emulator.account.balances.append(
        EmulatedBalance("earn_locked", "ETH", D("0"), locked=D("1.5"), unlock_at="2027-02-01"))
    adapter = GateAdapter()
    adapter.envelope = replace(adapter.envelope, page_size=1)
    rows = run_adapter(emulator, adapter, action=adapter.read_dual_orders)
    assert {(r.asset, r.total, r.unlock_at[:10]) for r in rows} == {
        ("BTC", D("0.02"), "2027-01-15"), ("ETH", D("1.5"), "2027-02-01")}
    # three orders (one settled), one per page, then an empty page
    assert emulator.requests.count(("GET", "/api/v4/earn/dual/orders")) == 4


def test_one_settle_currency_failing_keeps_the_other(run_adapter):
    """Issue 15, point 27: BTC-settled futures answering 404 keeps the USDT-settled
    account, names only the failed one, and a 404 is not called a server error."""
    emulator = VENUE.emulator()
    emulator.inject(FaultKind.NOT_FOUND, path_prefix="/api/v4/futures/btc/accounts")
    reading = run_adapter(emulator, GateAdapter())
    assert set(reading.coverage) == WALLETS - {"futures_coinm"}
    assert set(reading.missing) == {"futures_coinm"}
    reason = reading.missing["futures_coinm"]
    assert "404" in reason and "server error" not in reason
    got = by_key(reading.balances)
    assert got[("futures", "USDT")].total == D("1000")
    assert ("futures_coinm", "BTC") not in got
