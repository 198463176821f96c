"""The sync service's threading contract: its own loop thread, clients reused and
closed there, listeners with frozen events, cancel and shutdown from any thread."""

from __future__ import annotations

import dataclasses
import logging
import sys
import threading
from decimal import Decimal

import pytest

from exposure_app.domain.timeutil import utc_now
from exposure_app.emulator.base import EmulatedAccount, EmulatedBalance, FaultKind
from exposure_app.emulator.binance import BinanceEmulator
from exposure_app.services.profile import Profile
from exposure_app.services.sync_events import (
    AccountSyncFinished,
    AccountSyncProgress,
    AccountSyncStarted,
    AccountSyncStatus,
    SyncRunFinished,
)
from exposure_app.services.sync_service import SyncService
from exposure_app.storage.secrets import SecretStore

D = Decimal


def make(n: int, latency: float = 0.0) -> BinanceEmulator:
    account = EmulatedAccount(f"svc-key-{n}", f"svc-secret-{n}",
                              balances=[EmulatedBalance("spot", "ETH", D(n))])
    return BinanceEmulator(account, tickers={"ETH/USDT": D("2500")}, latency=latency)


@pytest.fixture
def service(data_dir, memory_keyring):
    svc = SyncService(Profile(data_dir), secret_store=SecretStore(memory_keyring),
                      account_timeout=10)
    yield svc
    svc.shutdown()


def test_events_arrive_in_order_on_the_sync_thread(store, service, add_exchange_account):
    accounts = [add_exchange_account(store, f"B{n}", make(n)) for n in (1, 2)]
    events, threads = [], set()

    def listener(event):
        events.append(event)
        threads.add(threading.current_thread().name)

    service.add_listener(listener)
    report = service.sync().result(60)
    assert threads == {"exchange-sync"}
    assert isinstance(events[-1], SyncRunFinished) and events[-1].report is report
    for account in accounts:
        mine = [e for e in events[:-1] if e.account_id == account.id]
        assert isinstance(mine[0], AccountSyncStarted)
        assert any(isinstance(e, AccountSyncProgress) for e in mine)
        assert isinstance(mine[-1], AccountSyncFinished)
        assert mine[-1].status is AccountSyncStatus.OK
        assert mine[-1].total_value == D(2500) * account.id
    # events are frozen: safe to hand to the GUI thread
    with pytest.raises(dataclasses.FrozenInstanceError):
        events[-1].report = None  # type: ignore[misc]


def test_clients_are_reused_between_syncs_and_closed_on_shutdown(store, service,
                                                                 add_exchange_account):
    add_exchange_account(store, "B1", make(1))
    service.sync().result(60)
    session = next(iter(service._sessions.values()))
    client = session.client
    service.sync().result(60)
    assert session.client is client          # same ccxt instance, same aiohttp session
    service.shutdown()
    assert not service.running
    assert session.client is None
    assert client.session is None or client.session.closed   # closed on the loop


def test_a_listener_that_raises_does_not_stop_the_sync(store, service, add_exchange_account):
    add_exchange_account(store, "B1", make(1))

    def broken(event):
        raise RuntimeError("listener bug")

    service.add_listener(broken)
    report = service.sync().result(60)
    assert report.results[0].status is AccountSyncStatus.OK


def test_cancel_from_another_thread_stores_nothing(store, service, add_exchange_account):
    emu = make(1)
    account = add_exchange_account(store, "Slow", emu)
    emu.inject(FaultKind.TIMEOUT)
    started = threading.Event()
    service.add_listener(lambda e: isinstance(e, AccountSyncProgress) and started.set())
    future = service.sync()
    assert started.wait(30)
    threading.Thread(target=service.cancel).start()
    report = future.result(60)
    assert report.cancelled
    assert report.results[0].status is AccountSyncStatus.CANCELLED
    assert store.snapshots.list_for_account(account.id) == []


def test_accounts_sync_concurrently(store, service, add_exchange_account):
    # each emulator answers every request after 0.4 s; run side by side, three
    # accounts take about as long as one
    for n in (1, 2, 3):
        add_exchange_account(store, f"B{n}", make(n, latency=0.4))
    report = service.sync().result(60)
    slowest = max(r.timings.total_seconds for r in report.results)
    whole = (report.finished_at - report.started_at).total_seconds()
    assert all(r.status is AccountSyncStatus.OK for r in report.results)
    assert whole < 2 * slowest
    print(f"3 accounts: slowest {slowest:.2f} s, run {whole:.2f} s")


def test_sync_of_unknown_ids_is_an_error(service):
    with pytest.raises(ValueError, match="not exchange accounts"):
        service.sync([999]).result(30)


def test_importing_the_service_does_not_import_ccxt():
    import subprocess

    code = ("import sys, exposure_app.services.sync_service, exposure_app.cli.cmd_sync; "
            "print('ccxt' in sys.modules)")
    from tests.conftest import REPO_ROOT

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, check=True, cwd=REPO_ROOT)
    assert out.stdout.strip() == "False"


def test_an_exchange_ccxt_no_longer_knows_fails_that_account_clearly(store, service,
                                                                    add_exchange_account,
                                                                    secret_store):
    from exposure_app.domain.models import AccountKind

    good = add_exchange_account(store, "B1", make(1))
    ref = "account-gone"
    secret_store.save(ref, {"apiKey": "a", "secret": "b"})
    gone = store.accounts.add("Gone", AccountKind.EXCHANGE_API, counterparty="goneex",
                              exchange_id="goneex", options={"secret_ref": ref})
    missing_key = store.accounts.add("NoKey", AccountKind.EXCHANGE_API, counterparty="binance",
                                     exchange_id="binance", options={"secret_ref": "account-x"})
    report = service.sync().result(60)
    assert report.result_for(good.id).status is AccountSyncStatus.OK
    gone_result = report.result_for(gone.id)
    assert gone_result.error_kind == "config" and "goneex" in gone_result.error
    no_key = report.result_for(missing_key.id)
    assert no_key.error_kind == "config" and "not in the keyring" in no_key.error


def test_a_sync_revalues_a_wallet_recorded_by_hand(store, service, add_exchange_account):
    """The wallet's BTC has no price of its own; the sync's live quote values it."""
    from exposure_app.domain.models import AccountKind, SnapshotSource
    from exposure_app.services.manual_holdings import set_holding

    emu = BinanceEmulator(
        EmulatedAccount("svc-key-w", "svc-secret-w", balances=[EmulatedBalance("spot", "ETH", D(1))]),
        tickers={"ETH/USDT": D("2500"), "BTC/USDT": D("60000")},
    )
    add_exchange_account(store, "Binance", emu)
    ledger = store.accounts.add("Ledger", AccountKind.SELF_CUSTODY)
    set_holding(store, ledger, "BTC", D("0.5"), base="USD")
    assert not store.snapshots.latest_usable(ledger.id, utc_now()).holdings[0].priced
    report = service.sync().result(60)
    assert [r.status for r in report.results] == [AccountSyncStatus.OK]
    latest = store.snapshots.latest_usable(ledger.id, utc_now())
    assert latest.source is SnapshotSource.REVALUED
    (btc,) = latest.holdings
    assert btc.total == D("0.5") and btc.value == D(30000)
    assert btc.price_source.startswith("market: binance BTC/USDT")
    # a second sync at the same prices writes nothing more for the wallet
    service.sync().result(60)
    count = store.db.execute("SELECT count(*) FROM snapshots WHERE account_id = ?",
                             [ledger.id]).fetchone()[0]
    assert count == 2


def test_shutdown_during_a_price_update_closes_its_client_and_ends_its_tasks(
        data_dir, store, memory_keyring, add_exchange_account, emulator_server, caplog):
    """A real sync, then a price update whose source never answers, then shutdown:
    the loop must not stop with a task pending or a ccxt / aiohttp client open."""
    import gc
    import time
    import warnings

    from exposure_app.services.settings import Settings

    add_exchange_account(store, "B1", make(1))
    prices = make(2)
    emulator_server.add(prices, key="price-source")
    prices.inject(FaultKind.TIMEOUT, private_only=False)   # its markets never answer
    settings = Settings.load(data_dir)
    settings.price_sources = f"binance={prices.base_url}"
    settings.save()
    service = SyncService(Profile(data_dir), secret_store=SecretStore(memory_keyring),
                          account_timeout=10)
    caplog.set_level(logging.ERROR, logger="asyncio")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            report = service.sync().result(60)
            assert report.results[0].status is AccountSyncStatus.OK
            refresh = service.refresh_prices()
            deadline = time.monotonic() + 30
            while not prices.requests and time.monotonic() < deadline:
                time.sleep(0.02)
            assert prices.requests, "the price update never reached its source"
        finally:
            service.shutdown()
        assert not service.running
        cancelled = refresh.cancelled()   # whoever waits on it is not left waiting forever
        del refresh   # its Future holds the task: let go, so a task left behind is collected
        gc.collect()   # a task or client left behind complains when it is collected
    problems = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    problems += [r.getMessage() for r in caplog.records
                 if r.name == "asyncio" and r.levelno >= logging.ERROR]
    assert problems == []
    assert cancelled
