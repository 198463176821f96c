"""Watch-only xpub sync: 200 used addresses, every answer after 100 ms, under 3 s.

A BIP84 zpub (BIP84's published test key) whose first 200 receive addresses
and first 10 change addresses hold coins, on the loopback Esplora emulator
that answers every request after 100 ms and refuses more than 16 at once
(HTTP 429). Synced through the real sync service: the gap-limit scan asks for
200 + 20 receive and 10 + 20 change addresses, concurrently within the
server's limit. The figure is the wall time of the sync (best of 3, after a
warm-up). Goal: < 3 s.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from benchmarks.result import Figure
from exposure_app.domain.watch_only import derive_addresses, parse_watch_input
from exposure_app.emulator.base import EmulatorServer
from exposure_app.emulator.esplora import EsploraEmulator
from exposure_app.services.profile import Profile
from exposure_app.services.sync_service import SyncService
from exposure_app.services.watch_accounts import add_watch_account
from exposure_app.storage.secrets import SecretStore, memory_keyring

ZPUB = ("zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868"
        "RvUUkgDKf31mGDtKsAYz2oz2AGutZYs")
USED_RECEIVE = 200
USED_CHANGE = 10
LATENCY = 0.1
SERVER_LIMIT = 16
GOAL = 3.0


def run() -> list[Figure]:
    server = EmulatorServer()
    esplora = EsploraEmulator(latency=LATENCY, max_concurrent=SERVER_LIMIT)
    try:
        url = server.add(esplora, key="esplora")
        target = parse_watch_input("bitcoin", ZPUB)
        for address in derive_addresses(target, 0, 0, USED_RECEIVE):
            esplora.receive(address, 10_000)
        for address in derive_addresses(target, 1, 0, USED_CHANGE):
            esplora.receive(address, 1_000)
        with tempfile.TemporaryDirectory() as tmp:
            profile = Profile(Path(tmp))
            store = profile.open_store()
            account = add_watch_account(store, "Cold zpub", "bitcoin", ZPUB, url)
            store.close()
            service = SyncService(profile, secret_store=SecretStore(memory_keyring()),
                                  account_timeout=60)
            timings = []
            with service:
                for _ in range(4):     # the first is a warm-up (imports)
                    esplora.requests.clear()
                    start = time.perf_counter()
                    report = service.sync([account.id]).result(120)
                    timings.append(time.perf_counter() - start)
                    result = report.results[0]
                    if result.status.value != "ok":
                        raise RuntimeError(f"the xpub did not sync: {result.error}")
            asked = len(esplora.requests)
    finally:
        server.stop()
    best = min(timings[1:])
    return [Figure(
        "xpub sync (200 used addresses, 100 ms per answer)", best, "s", f"< {GOAL:g} s",
        best < GOAL,
        f"{asked} requests, at most {esplora.peak_concurrent} in flight "
        f"(server limit {SERVER_LIMIT}); runs {', '.join(f'{t:.2f}' for t in timings)} s",
    )]


if __name__ == "__main__":
    for figure in run():
        print(figure.row())
