"""1. Sync concurrency: the slowest account bounds the wall time, not the sum.

Ten Binance accounts, each on its own emulator that answers every request
after 300 ms, synced together through the real sync service and ccxt;
divided by the wall time of syncing one such account. Goal: <= 1.3.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from benchmarks.result import Figure
from exposure_app.emulator.base import EmulatorServer
from exposure_app.emulator.registry import emulator_class
from exposure_app.exchanges.client_factory import ConnectionOptions
from exposure_app.services.exchange_accounts import create_exchange_account
from exposure_app.services.profile import Profile
from exposure_app.services.sync_service import SyncService
from exposure_app.storage.secrets import SecretStore, memory_keyring

LATENCY = 0.3
ACCOUNTS = 10


def _timed_sync(service: SyncService, account_ids: list[int]) -> float:
    start = time.perf_counter()
    report = service.sync(account_ids).result(120)
    elapsed = time.perf_counter() - start
    if not report.ok or len(report.results) != len(account_ids):
        raise RuntimeError("an account did not sync cleanly during the benchmark")
    return elapsed


def run() -> list[Figure]:
    secrets = SecretStore(memory_keyring())
    server = EmulatorServer()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            profile = Profile(Path(tmp))
            store = profile.open_store()
            ids = []
            cls = emulator_class("binance")
            for i in range(ACCOUNTS):
                emulator = cls.sample(latency=LATENCY)
                server.add(emulator, key=f"binance-{i}")
                account = create_exchange_account(
                    store, secrets, name=f"Binance {i}", exchange_id="binance",
                    credentials=emulator.account.credentials(),
                    connection=ConnectionOptions(api_url=emulator.base_url, timeout_seconds=30),
                )
                ids.append(account.id)
            store.close()
            service = SyncService(profile, secret_store=secrets, account_timeout=60)
            with service:
                # Warm up: imports, cached markets and account facts on every account.
                _timed_sync(service, ids)
                one = min(_timed_sync(service, ids[:1]) for _ in range(3))
                ten = min(_timed_sync(service, ids) for _ in range(3))
    finally:
        server.stop()
    ratio = ten / one
    return [
        Figure("1. sync 10 accounts / 1 account (300 ms per answer)", ratio, "x", "<= 1.3",
               ratio <= 1.3, f"{ten:.2f} s vs {one:.2f} s")
    ]
