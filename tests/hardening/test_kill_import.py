"""SIGKILL at many random points of an import: the database stays whole.

After every kill: ``PRAGMA integrity_check`` is ok, no partial snapshot is
visible (either every snapshot of the file or none), and the next import
succeeds.
"""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import time

from exposure_app.domain.models import AccountKind
from exposure_app.storage.store import DB_NAME, ProfileStore
from tests.conftest import REPO_ROOT, cli_env

RUNS = 50
DATES = 4
ROWS_PER_DATE = 1500


def test_fifty_kills_during_import_never_leave_a_partial_snapshot(tmp_path):
    rng = random.Random(20221108)
    csv_path = tmp_path / "history.csv"
    with open(csv_path, "w", encoding="utf-8") as handle:
        handle.write("date,account,asset,amount,price\n")
        for d in range(DATES):
            for i in range(ROWS_PER_DATE):
                handle.write(f"2023-0{d + 1}-15,Cold,T{i},{i + d + 1},3\n")
    command = [sys.executable, "-m", "exposure_app", "--data-dir", "DIR", "import", "holdings", str(csv_path)]
    completed_runs = 0
    for run in range(RUNS):
        data_dir = tmp_path / f"p{run % 5}"
        if run < 5:
            with ProfileStore.open(data_dir) as store:
                store.accounts.add("Cold", AccountKind.SELF_CUSTODY)
        argv = [data_dir.as_posix() if part == "DIR" else part for part in command]
        proc = subprocess.Popen(argv, env=cli_env(), cwd=REPO_ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, 1.6))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        conn = sqlite3.connect(data_dir / DB_NAME)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            snapshots = conn.execute("SELECT count(*) FROM snapshots").fetchone()[0]
            holdings = conn.execute("SELECT count(*) FROM holdings").fetchone()[0]
        finally:
            conn.close()
        assert snapshots in (0, DATES), f"run {run}: partial import visible ({snapshots} snapshots)"
        assert holdings == snapshots * ROWS_PER_DATE
        completed_runs += snapshots == DATES
    for i in range(5):
        data_dir = tmp_path / f"p{i}"
        argv = [data_dir.as_posix() if part == "DIR" else part for part in command]
        done = subprocess.run(argv, env=cli_env(), cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        conn = sqlite3.connect(data_dir / DB_NAME)
        assert conn.execute("SELECT count(*) FROM snapshots").fetchone()[0] == DATES
        conn.close()
