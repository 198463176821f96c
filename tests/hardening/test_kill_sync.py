"""SIGKILL at random points of ``exposure-app sync``: the database stays whole.

A subprocess syncs a 300-asset Binance emulator account (served by this test
process) and is killed at a random moment: during start-up, while reading the
exchange, while pricing, or while writing. The moments are drawn across the
first four fifths of an unkilled sync timed on this machine first (the last
part is closing the clients and the interpreter, after the commit), so a fast
or a slow machine sees kills in every phase rather than mostly after the end.
After every kill ``PRAGMA integrity_check`` is ok and no partial snapshot is
visible: every stored snapshot is ``ok`` with all 300 holdings whose values add
up to the snapshot's total. Finally an unkilled sync succeeds on every profile.

Together with ``test_kill_import.py`` (50 kills during an import) this makes
75 kills across import and sync.
"""

from __future__ import annotations

import json
import random
import signal
import sqlite3
import subprocess
import time
from decimal import Decimal

from exposure_app.storage.store import DB_NAME
from tests.conftest import REPO_ROOT
from tests.hardening.sync_fixtures import (
    add_account,
    big_binance,
    expected_total,
    keyring_env,
    run_sync,
    sync_argv,
)

RUNS = 25
PROFILES = 5
ASSETS = 300


def _check_profile(path, run: int) -> int:
    conn = sqlite3.connect(path / DB_NAME)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok", f"run {run}"
        snapshots = conn.execute("SELECT id, status, total_value FROM snapshots").fetchall()
        for snapshot_id, status, total in snapshots:
            values = [Decimal(v) for (v,) in conn.execute(
                "SELECT value FROM holdings WHERE snapshot_id = ?", (snapshot_id,))]
            assert status == "ok", f"run {run}: snapshot {snapshot_id} is {status}"
            assert len(values) == ASSETS, f"run {run}: partial snapshot {snapshot_id}"
            assert sum(values, Decimal(0)) == Decimal(total) == expected_total(ASSETS)
        return len(snapshots)
    finally:
        conn.close()


def _unkilled_sync_seconds(profile, keyring_file) -> float:
    """The quickest of two whole syncs: the first also pays for cold caches."""
    timings = []
    for _ in range(2):
        started = time.perf_counter()
        done = run_sync(profile, keyring_file)
        timings.append(time.perf_counter() - started)
        assert done.returncode == 0, done.stderr
    return min(timings)


def test_kills_during_sync_never_leave_a_partial_snapshot(tmp_path, emulator_server):
    rng = random.Random(20221111)
    emulator = big_binance(ASSETS)
    emulator_server.add(emulator)
    keyring_file = tmp_path / "keyring.json"
    calibration = tmp_path / "calibration"
    add_account(calibration, keyring_file, "Binance", emulator)
    whole_sync = _unkilled_sync_seconds(calibration, keyring_file)
    profiles = [tmp_path / f"p{i}" for i in range(PROFILES)]
    for profile in profiles:
        add_account(profile, keyring_file, "Binance", emulator)
    env = keyring_env(keyring_file)
    counts = [0] * PROFILES
    killed_before_writing = 0
    ended_before_kill = 0
    for run in range(RUNS):
        index = run % PROFILES
        proc = subprocess.Popen(sync_argv(profiles[index]), env=env, cwd=REPO_ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, 0.8) * whole_sync)
        ended_before_kill += proc.poll() is not None
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        count = _check_profile(profiles[index], run)
        assert count in (counts[index], counts[index] + 1)
        killed_before_writing += count == counts[index]
        counts[index] = count
    # The kills must have landed before the end of most runs, or this proved nothing.
    assert killed_before_writing >= RUNS // 2, (killed_before_writing, ended_before_kill,
                                                whole_sync)
    for index, profile in enumerate(profiles):
        done = run_sync(profile, keyring_file, "--json")
        assert done.returncode == 0, done.stderr
        report = json.loads(done.stdout)["accounts"][0]
        assert report["status"] == "ok" and report["holdings"] == ASSETS
        assert _check_profile(profile, -1) == counts[index] + 1
