"""The fault matrix: one account meets each fault while healthy accounts sync beside it.

Three Binance accounts on three emulators sync once cleanly; then one of them
gets a fault and all three sync concurrently again. The healthy ones must
store new good snapshots; the faulty one keeps its last good snapshot, shown
as stale with a plain-language reason, and nothing invalid is stored.

Timing: only the waits a fault is about are short. A healthy account gets a
request timeout and an account deadline far beyond what its loopback answers
need even on a busy machine, so it never fails for want of CPU; the faulty
account's request timeout is cut to :data:`FAULT_REQUEST_TIMEOUT` only when its
fault is a hanging answer. The unreachable server is a port this test keeps
bound without listening, so no other process can take it in the meantime.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from exposure_app.domain.models import SnapshotStatus
from exposure_app.emulator.base import EmulatedAccount, EmulatedBalance, FaultKind
from exposure_app.emulator.binance import BinanceEmulator
from exposure_app.services.profile import Profile
from exposure_app.services.sync_service import sync_blocking
from exposure_app.storage.secrets import SecretStore

D = Decimal
TICKERS = {"BTC/USDT": D("60000"), "ETH/USDT": D("3000")}

# fault -> (error kind, words the message must contain)
MATRIX = {
    FaultKind.AUTH: ("auth", "rejected the API key"),
    FaultKind.PERMISSION_DENIED: ("permission", "read permission"),
    FaultKind.IP_NOT_WHITELISTED: ("auth", "IP address"),
    FaultKind.RATE_LIMIT: ("rate_limit", "rate-limiting"),
    FaultKind.BAN: ("rate_limit", "temporarily banning"),
    FaultKind.SERVER_ERROR: ("unavailable", "not available right now"),
    FaultKind.MAINTENANCE: ("maintenance", "under maintenance"),
    FaultKind.TIMEOUT: ("timeout", "did not answer in time"),
    FaultKind.CONNECTION_RESET: ("network", "Could not reach"),
    FaultKind.HTML_200: ("bad_response", "web page (HTML)"),
    FaultKind.MALFORMED_JSON: ("bad_response", "not valid JSON"),
    FaultKind.EMPTY_BODY: ("bad_response", "empty answer"),
}


HEALTHY_REQUEST_TIMEOUT = 20.0
"""Seconds a healthy account's request may take: loopback answers need milliseconds, but a
machine busy with other work can hold the process off the CPU for seconds."""
ACCOUNT_DEADLINE = 30.0
FAULT_REQUEST_TIMEOUT = 1.0
"""The faulty account's request timeout when its fault is an answer that never comes."""


def make(n: int) -> BinanceEmulator:
    balances = [EmulatedBalance("spot", "BTC", D(n) / 10, D("0.01")),
                EmulatedBalance("funding", "ETH", D(n)),
                EmulatedBalance("earn_flexible", "USDT", D(100 * n))]
    account = EmulatedAccount(f"key-{n}", f"secret-{n}", balances=balances)
    return BinanceEmulator(account, tickers=TICKERS)


def hang(store, emulator, account) -> None:
    """Make ``account``'s answers never come, with a request timeout that gives up soon."""
    options = {**store.accounts.get(account.id).options, "timeout_seconds": FAULT_REQUEST_TIMEOUT}
    store.accounts.update_options(account.id, options)
    emulator.inject(FaultKind.TIMEOUT)


def rows(snapshot):
    return sorted((h.wallet, h.asset, h.free, h.locked, h.total) for h in snapshot.holdings)


@pytest.fixture
def three_accounts(store, data_dir, add_exchange_account, memory_keyring):
    emus = [make(n) for n in (1, 2, 3)]
    accounts = [add_exchange_account(store, f"Binance {n}", e,
                                     timeout_seconds=HEALTHY_REQUEST_TIMEOUT)
                for n, e in zip((1, 2, 3), emus, strict=True)]
    profile = Profile(data_dir)

    def sync():
        return sync_blocking(profile, secret_store=SecretStore(memory_keyring),
                             account_timeout=ACCOUNT_DEADLINE)

    first = sync()
    assert all(r.status.value == "ok" for r in first.results), first.results
    return emus, accounts, sync, first


@pytest.mark.parametrize("fault", list(MATRIX), ids=[f.value for f in MATRIX])
def test_one_faulty_account_never_stops_the_others(store, three_accounts, fault):
    emus, accounts, sync, first = three_accounts
    faulty_emu, faulty = emus[2], accounts[2]
    last_good = store.snapshots.latest_usable(faulty.id, first.finished_at)
    if fault is FaultKind.TIMEOUT:
        hang(store, faulty_emu, faulty)
    else:
        faulty_emu.inject(fault, retry_after=30)
    report = sync()
    kind, words = MATRIX[fault]
    for account in accounts[:2]:
        result = report.result_for(account.id)
        assert result.status.value == "ok", (fault, result.error)
        new = store.snapshots.get(result.snapshot_id)
        assert new.taken_at > first.finished_at
        before = store.snapshots.get(first.result_for(account.id).snapshot_id)
        assert rows(new) == rows(before) and new.holdings
    result = report.result_for(faulty.id)
    assert result.status.value == "failed"
    assert result.error_kind == kind
    assert words in result.error
    assert result.stale_since == last_good.taken_at
    # nothing invalid stored: the last good snapshot is still the latest usable one
    now = report.finished_at
    assert store.snapshots.latest_usable(faulty.id, now).id == last_good.id
    state = store.snapshots.state(faulty, now)
    assert state.is_stale and state.stale_reason == result.error
    assert rows(state.snapshot) == rows(last_good)
    # no credential in the message
    assert "secret-3" not in result.error and "key-3" not in result.error


def test_healthy_accounts_are_stored_with_their_figures(store, three_accounts):
    emus, accounts, sync, _first = three_accounts
    emus[0].account.balances[1] = EmulatedBalance("funding", "ETH", D("7.5"))
    hang(store, emus[2], accounts[2])
    report = sync()
    snap = store.snapshots.get(report.result_for(accounts[0].id).snapshot_id)
    assert ("funding", "ETH", D("7.5"), D(0), D("7.5")) in rows(snap)
    assert report.result_for(accounts[2].id).status.value == "failed"


def test_rate_limited_account_backs_off_until_retry_after(store, three_accounts):
    emus, accounts, sync, _first = three_accounts
    emus[2].inject(FaultKind.BAN, retry_after=120)
    report = sync()
    assert report.result_for(accounts[2].id).error_kind == "rate_limit"
    until, _reason = store.exchange_state.backoff(accounts[2].id)
    assert 100 < (until - report.finished_at).total_seconds() <= 121
    emus[2].clear_faults()
    emus[2].requests.clear()
    again = sync()
    result = again.result_for(accounts[2].id)
    assert result.status.value == "failed" and result.error.startswith("Skipped")
    assert emus[2].requests == []     # no request while backing off
    assert again.result_for(accounts[0].id).status.value == "ok"


def test_clock_skew_recovers_and_is_remembered(store, three_accounts):
    emus, accounts, sync, _first = three_accounts
    emus[2].inject(FaultKind.CLOCK_SKEW, skew_ms=60_000)
    report = sync()
    result = report.result_for(accounts[2].id)
    assert result.status.value == "ok", result.error
    assert store.exchange_state.facts(accounts[2].id).get("adjust_for_time_difference") is True
    assert store.snapshots.get(result.snapshot_id).status is SnapshotStatus.OK


def test_network_down_and_the_account_deadline(store, data_dir, add_exchange_account,
                                               memory_keyring, emulator_server):
    import socket

    healthy = make(1)
    add_exchange_account(store, "Healthy", healthy, timeout_seconds=HEALTHY_REQUEST_TIMEOUT)
    # A port bound but not listening refuses connections; it stays bound until the sync
    # is over, so no other process's server can be given it meanwhile.
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    down = make(2)
    down.base_url = f"http://127.0.0.1:{closed.getsockname()[1]}"
    unreachable = add_exchange_account(store, "Down", down)
    # every answer within the request timeout, but reading, then pricing (markets,
    # tickers) one after the other take longer than the account's deadline: at least
    # three answers of 2.5 s one after the other against a deadline of 6 s, which the
    # healthy account's loopback answers meet with room to spare on a busy machine
    slow = make(3)
    slow.latency = 2.5
    slow_account = add_exchange_account(store, "Slow", slow, timeout_seconds=30)
    with closed:
        report = sync_blocking(Profile(data_dir), secret_store=SecretStore(memory_keyring),
                               account_timeout=6.0)
    assert {r.account_name: r.status.value for r in report.results}["Healthy"] == "ok"
    down_result = report.result_for(unreachable.id)
    assert down_result.error_kind == "network" and "Could not reach" in down_result.error
    slow_result = report.result_for(slow_account.id)
    assert slow_result.error_kind == "timeout"
    assert "within 6 s" in slow_result.error


def test_a_failing_binance_account_beside_other_exchanges(store, data_dir, add_exchange_account,
                                                         memory_keyring):
    from exposure_app.emulator.registry import emulator_class

    others = [emulator_class(e).sample() for e in ("okx", "kraken")]
    healthy = [add_exchange_account(store, e.exchange_id, e,
                                    timeout_seconds=HEALTHY_REQUEST_TIMEOUT) for e in others]
    faulty_emu = make(9)
    faulty = add_exchange_account(store, "Binance", faulty_emu)
    faulty_emu.inject(FaultKind.AUTH)
    report = sync_blocking(Profile(data_dir), secret_store=SecretStore(memory_keyring))
    for account in healthy:
        result = report.result_for(account.id)
        assert result.status.value == "ok", (account.exchange_id, result.error)
        assert store.snapshots.get(result.snapshot_id).holdings
    result = report.result_for(faulty.id)
    assert result.status.value == "failed" and result.error_kind == "auth"
    assert store.snapshots.latest_usable(faulty.id, report.finished_at) is None
