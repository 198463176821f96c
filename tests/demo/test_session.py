"""The live demo session: emulators, the real sync path, isolation and clean-up."""

from __future__ import annotations

import os
import socket
import threading
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlparse

import pytest
from keyring import core as keyring_core

from exposure_app.domain.models import AccountKind
from exposure_app.services.checklist_service import view_checklist
from exposure_app.services.demo import DemoError, start_demo_session
from exposure_app.services.demo.session import TEMP_PREFIX
from exposure_app.services.exposure_as_of import exposure_as_of
from exposure_app.services.sync_events import AccountSyncStatus
from exposure_app.services.sync_service import sync_blocking
from exposure_app.storage.checklist import ChecklistRepository
from exposure_app.storage.watch import WatchRepository

from .tripwire_keyring import TripwireKeyring


@pytest.fixture
def isolated_home(tmp_path, monkeypatch):
    """HOME and the XDG folders point at empty folders that must stay empty."""
    dirs = {}
    for var in ("HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        path = tmp_path / var.lower()
        path.mkdir()
        monkeypatch.setenv(var, str(path))
        dirs[var] = path
    monkeypatch.delenv("EXPOSURE_APP_DATA_DIR", raising=False)
    return dirs


@pytest.fixture
def real_keyring(monkeypatch):
    """Stands in for the user's keyring, already loaded in this process; refuses every call."""
    tripwire = TripwireKeyring()
    monkeypatch.setattr(keyring_core, "_keyring_backend", tripwire)
    return tripwire


def _port_open(url: str) -> bool:
    parsed = urlparse(url)
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex((parsed.hostname, parsed.port)) == 0


def _files_under(path: Path) -> list[Path]:
    return [p for p in path.rglob("*") if p.is_file()]


def test_demo_session_syncs_live_and_cleans_up(tmp_path, isolated_home, real_keyring):
    temp_root = tmp_path / "tmp"
    temp_root.mkdir()
    threads_before = set(threading.enumerate())

    session = start_demo_session(temp_root=temp_root)
    try:
        assert len(session.exchanges) >= 3 and "binance" in session.exchanges
        assert session.temp_dir.parent == temp_root and session.temp_dir.name.startswith(TEMP_PREFIX)
        assert session.profile.data_dir.is_relative_to(session.temp_dir)
        assert session.profile.temporary          # never moved, never made the default
        # the process keyring is the demo's in-memory one while the session runs
        assert keyring_core._keyring_backend is session.keyring_backend

        store = session.profile.open_store()
        try:
            accounts = {a.name: a for a in store.accounts.list()}
            exchange_accounts = [a for a in accounts.values() if a.kind is AccountKind.EXCHANGE_API]
            assert {a.exchange_id for a in exchange_accounts} == set(session.exchanges)
            for account in exchange_accounts:
                emulator = session.emulators[account.exchange_id]
                assert account.options["api_url"] == emulator.base_url
                assert urlparse(emulator.base_url).hostname == "127.0.0.1"
            assert accounts["Ledger hardware wallet"].kind is AccountKind.SELF_CUSTODY
            assert accounts["Nexo savings"].kind is AccountKind.MANUAL_CUSTODIAL
            before = {a.id: store.snapshots.latest_usable(a.id, session.history.now)
                      for a in exchange_accounts}
        finally:
            store.close()
        # one keyring entry per exchange account, in memory only
        assert len(session.keyring_backend.entries) == len(exchange_accounts)

        store = session.profile.open_store()
        try:
            [waiting] = WatchRepository(store).destinations()
            withdrawn_from = ChecklistRepository(store).get_plan(waiting.plan_id).scope
        finally:
            store.close()
        assert not waiting.confirmed     # the demo's withdrawal waits for the first sync

        report = sync_blocking(session.profile, account_timeout=60)
        results = {r.account_id: r for r in report.results}
        wallet_id = session.account_ids["watch-only"]
        assert set(results) == {a.id for a in exchange_accounts} | {wallet_id}
        assert results[wallet_id].status is AccountSyncStatus.OK, results[wallet_id].error
        assert results[wallet_id].total_value > 0 and not results[wallet_id].unpriced_assets
        for account in exchange_accounts:
            result = results[account.id]
            assert result.status is AccountSyncStatus.OK, (account.name, result.error)
            assert not result.unpriced_assets, account.name
            if account.exchange_id == withdrawn_from:
                continue    # its BTC went to the watched wallet (checked below)
            generated = sum(h.value for h in before[account.id].holdings)
            # the live read continues the generated history (same balances, same prices)
            assert abs(result.total_value - generated) < generated * Decimal("0.01"), account.name

        store = session.profile.open_store()
        try:
            settings = session.profile.load_settings()
            row = next(r for r in view_checklist(store, settings, withdrawn_from).rows
                       if r.item_key == waiting.item_key)
            # the withdrawal arrived at the watched address: ticked with the chain's evidence
            assert row.done and row.done_by == "sync"
            assert row.withdrawal is not None and row.withdrawal.txid
            assert row.withdrawal.custodian_confirmed_at is not None
            exposure = exposure_as_of(store, settings)
            assert not exposure.unpriced
            assert {"binance", "ftx", "nexo"} <= {c.counterparty for c in exposure.counterparties}
            assert exposure.self_custody.value > 0
        finally:
            store.close()

        secrets = [e.account.secret for e in session.emulators.values()]
        for path in _files_under(session.temp_dir):
            data = path.read_bytes()
            assert not any(secret.encode() in data for secret in secrets), path
        urls = [e.base_url for e in session.emulators.values()]
        temp_dir = session.temp_dir
    finally:
        session.close()

    assert not temp_dir.exists()
    assert list(temp_root.iterdir()) == []
    assert not any(_port_open(url) for url in urls)
    assert keyring_core._keyring_backend is real_keyring
    assert real_keyring.calls == []
    for path in isolated_home.values():
        assert list(path.iterdir()) == [], path
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and set(threading.enumerate()) - threads_before:
        time.sleep(0.05)
    assert set(threading.enumerate()) - threads_before == set()
    session.close()  # idempotent


def test_a_failed_start_leaves_nothing_behind(tmp_path, real_keyring):
    temp_root = tmp_path / "tmp"
    temp_root.mkdir()
    with pytest.raises(DemoError, match="at least 3 exchanges"):
        start_demo_session(exchanges=["binance", "okx"], temp_root=temp_root)
    assert list(temp_root.iterdir()) == []
    assert keyring_core._keyring_backend is real_keyring


def test_a_failure_after_the_emulators_started_undoes_everything(tmp_path, real_keyring, monkeypatch):
    from exposure_app.services.demo import session as session_module

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(session_module, "write_demo_history", broken)
    temp_root = tmp_path / "tmp"
    temp_root.mkdir()
    threads_before = set(threading.enumerate())
    with pytest.raises(OSError, match="disk full"):
        start_demo_session(exchanges=["binance", "okx", "bybit"], temp_root=temp_root)
    assert list(temp_root.iterdir()) == []
    assert keyring_core._keyring_backend is real_keyring
    assert real_keyring.calls == []
    assert not [t for t in set(threading.enumerate()) - threads_before if t.is_alive()]


def test_stale_demo_folders_are_swept_but_running_ones_kept(tmp_path):
    from exposure_app.services.demo.session import STALE_AFTER_SECONDS, remove_stale_demo_folders
    from exposure_app.storage.profile_lock import ProfileLock

    old = time.time() - STALE_AFTER_SECONDS - 60
    crashed, running, fresh, other = (
        tmp_path / f"{TEMP_PREFIX}crashed", tmp_path / f"{TEMP_PREFIX}running",
        tmp_path / f"{TEMP_PREFIX}fresh", tmp_path / "someone-elses",
    )
    for folder in (crashed, running, fresh, other):
        (folder / "profile").mkdir(parents=True)
        (folder / "profile" / "exposure.sqlite3").write_bytes(b"x")
    held = ProfileLock(running / "profile")
    held.acquire()
    try:
        for folder in (crashed, running, other):
            os.utime(folder, (old, old))
        assert remove_stale_demo_folders(tmp_path) == [crashed]
    finally:
        held.release()
    assert not crashed.exists()
    assert running.exists() and fresh.exists() and other.exists()


def test_an_account_the_exchange_would_refuse_is_a_demo_error(tmp_path, real_keyring, monkeypatch):
    from exposure_app.services.demo import session as session_module

    real_build = session_module.build_demo_emulator

    def without_passphrase(cls, prices, today):
        emulator = real_build(cls, prices, today)
        if emulator.exchange_id == "okx":
            emulator.account.password = None
        return emulator

    monkeypatch.setattr(session_module, "build_demo_emulator", without_passphrase)
    with pytest.raises(DemoError, match=r"OKX account could not be added: .*password"):
        start_demo_session(exchanges=["binance", "okx", "bybit"], temp_root=tmp_path)
    assert list(tmp_path.iterdir()) == []
    assert keyring_core._keyring_backend is real_keyring


def test_no_temporary_folder_means_no_demo_and_the_keyring_back(tmp_path, real_keyring):
    with pytest.raises(OSError):
        start_demo_session(exchanges=["binance", "okx", "bybit"], temp_root=tmp_path / "missing")
    assert keyring_core._keyring_backend is real_keyring
