"""SIGKILL at random points of ``exposure-app sync``: the database stays whole.

A subprocess syncs a 300-asset Binance emulator account (served by this test
process) and is killed at a moment chosen from what it is doing, not from a
clock, so a fast and a slow machine see the same spread: a third of the kills
during start-up (before its first request reaches the emulator), a third right
after a random one of its requests, and a third in the first 100 ms after its
last request (pricing, writing, the commit, exiting).

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


def _calibrate(profile, keyring_file, emulator) -> tuple[float, int]:
    """(seconds from start to the first request, requests per sync) of an unkilled sync."""
    base = len(emulator.requests)
    started = time.perf_counter()
    proc = subprocess.Popen(sync_argv(profile), env=keyring_env(keyring_file), cwd=REPO_ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    first = None
    while proc.poll() is None:
        if first is None and len(emulator.requests) > base:
            first = time.perf_counter() - started
        time.sleep(0.001)
    _, err = proc.communicate()
    assert proc.returncode == 0, err.decode()
    assert first is not None
    return first, len(emulator.requests) - base


def _wait_for_requests(emulator, count: int, proc) -> None:
    deadline = time.monotonic() + 60
    while len(emulator.requests) < count and proc.poll() is None:
        assert time.monotonic() < deadline, "the sync stopped sending requests"
        time.sleep(0.0005)


def test_kills_during_sync_never_leave_a_partial_snapshot(tmp_path, emulator_server):
    rng = random.Random(20221111)
    emulator = big_binance(ASSETS)
    emulator_server.add(emulator)
    keyring_file = tmp_path / "keyring.json"
    calibration = tmp_path / "calibration"
    add_account(calibration, keyring_file, "Binance", emulator)
    # two unkilled syncs: the first also pays for cold caches, and fetches the withdrawal
    # networks that later syncs of the same profile take from the cache (fewer requests)
    timed = [_calibrate(calibration, keyring_file, emulator) for _ in range(2)]
    first_request = min(first for first, _ in timed)
    requests = min(count for _, count in timed)
    profiles = [tmp_path / f"p{i}" for i in range(PROFILES)]
    for profile in profiles:
        add_account(profile, keyring_file, "Binance", emulator)
    env = keyring_env(keyring_file)
    counts = [0] * PROFILES
    killed_before_writing = 0
    for run in range(RUNS):
        index = run % PROFILES
        base = len(emulator.requests)
        proc = subprocess.Popen(sync_argv(profiles[index]), env=env, cwd=REPO_ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        phase = run % 3
        if phase == 0:      # starting up: imports, opening the profile, reading the key
            time.sleep(rng.uniform(0.05, 0.95) * first_request)
        elif phase == 1:    # reading the exchange: right after a random one of its requests
            _wait_for_requests(emulator, base + rng.randint(1, requests), proc)
        else:               # after the last request: pricing, writing, the commit, exiting
            _wait_for_requests(emulator, base + requests, proc)
            time.sleep(rng.uniform(0.0, 0.1))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        count = _check_profile(profiles[index], run)
        assert count in (counts[index], counts[index] + 1)
        killed_before_writing += count == counts[index]
        counts[index] = count
    # The kills must have landed before the end of many runs, or this proved nothing.
    assert killed_before_writing >= RUNS // 4, (killed_before_writing, first_request, requests)
    for index, profile in enumerate(profiles):
        done = run_sync(profile, keyring_file, "--json")
        assert done.returncode == 0, done.stderr
        report = json.loads(done.stdout)["accounts"][0]
        assert report["status"] == "ok" and report["holdings"] == ASSETS
        assert _check_profile(profile, -1) == counts[index] + 1
