"""Runs inside ``dbus-run-session``: many exchange accounts syncing at once on a
real gnome-keyring.

Usage: ``python secret_service_sync_helper.py DATA_DIR BASE_URL ACCOUNTS ROUNDS``
with the emulator's credentials as JSON on stdin. Stores ACCOUNTS exchange
accounts (each with its own keyring entry) through the same service the CLI
uses, then, ROUNDS times, runs ``sync --json`` in a fresh process (a fresh
process is a first keyring use: backend discovery happens inside the sync's
worker threads), and ROUNDS × 6 times loads every account's credentials from
that many threads at once in a fresh process. Prints one JSON object with
every account status seen and every failure. Not a test module.

A round during which the keyring daemon itself died (an upstream gnome-keyring
abort, see ``secret_service_helper``) says nothing about the app: its results are
set aside, the daemon is started again and the round is run again, at most
:data:`MAX_DAEMON_CRASHES` times in all; the deaths are reported.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any

from secret_service_helper import KeyringDaemon, report_with_secret_service

MAX_DAEMON_CRASHES = 3

# Loads every account's credentials from one thread each, all released together.
CONCURRENT_LOADS = """
import json, sys, threading
from exposure_app.storage.secrets import SecretStore
refs = json.loads(sys.stdin.read())
store, failures = SecretStore(), []
barrier = threading.Barrier(len(refs))
def load(ref):
    barrier.wait()
    try:
        store.load(ref)
    except Exception as exc:
        failures.append(f"{type(exc).__name__}: {exc}"[:160])
threads = [threading.Thread(target=load, args=(ref,)) for ref in refs]
for t in threads: t.start()
for t in threads: t.join()
print(json.dumps(failures))
"""


def run_round(daemon: KeyringDaemon, round_: Callable[[], dict[str, list[Any]]],
              out: dict[str, Any]) -> None:
    """``round_()``'s findings added to ``out``; run again when the daemon died during it."""
    while True:
        found = round_()
        if not daemon.restart_if_dead():
            break
        if len(daemon.crashes) >= MAX_DAEMON_CRASHES:
            raise RuntimeError(f"gnome-keyring died {len(daemon.crashes)} times")
    for key, values in found.items():
        out[key] += values


def sync_many_accounts(out: dict[str, Any], daemon: KeyringDaemon) -> None:
    """ACCOUNTS accounts stored, then ROUNDS fresh-process syncs and ROUNDS x 6 loads."""
    data_dir, base_url, accounts, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3]), \
        int(sys.argv[4])
    credentials = json.loads(sys.stdin.read())
    out.update(statuses=[], errors=[], load_failures=[])
    env = dict(os.environ)
    env.pop("PYTHON_KEYRING_BACKEND", None)   # keyring's own discovery, as on a desktop
    from exposure_app.exchanges.client_factory import ConnectionOptions
    from exposure_app.services.exchange_accounts import create_exchange_account
    from exposure_app.storage.secrets import SecretStore, secret_ref_of
    from exposure_app.storage.store import ProfileStore

    store = ProfileStore.open(data_dir)
    secrets = SecretStore()
    refs = []
    for number in range(accounts):
        account = create_exchange_account(
            store, secrets, name=f"Binance {number}", exchange_id="binance",
            credentials=credentials,
            connection=ConnectionOptions(api_url=base_url, timeout_seconds=20),
        )
        refs.append(secret_ref_of(account))
    store.close()
    out["backend"] = secrets.description

    def sync_round() -> dict[str, list[Any]]:
        sync = subprocess.run(
            [sys.executable, "-m", "exposure_app", "--data-dir", data_dir, "sync", "--json"],
            capture_output=True, text=True, env=env, timeout=180,
        )
        try:
            report = json.loads(sync.stdout)
        except ValueError:
            return {"errors": [sync.stderr[-2000:]]}
        statuses = [item["status"] for item in report["accounts"]]
        errors = [item.get("error") for item in report["accounts"] if item["status"] != "ok"]
        return {"statuses": statuses, "errors": errors}

    def load_round() -> dict[str, list[Any]]:
        loads = subprocess.run([sys.executable, "-c", CONCURRENT_LOADS],
                               input=json.dumps(refs), capture_output=True, text=True,
                               env=env, timeout=120)
        try:
            return {"load_failures": json.loads(loads.stdout.strip().splitlines()[-1])}
        except (ValueError, IndexError):
            return {"load_failures": [loads.stderr[-2000:]]}

    for _ in range(rounds):
        run_round(daemon, sync_round, out)
    for _ in range(rounds * 6):
        run_round(daemon, load_round, out)


if __name__ == "__main__":
    raise SystemExit(report_with_secret_service(sync_many_accounts))
