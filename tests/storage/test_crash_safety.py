"""A process killed in the middle of an import leaves no partial snapshot."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import time

from exposure_app.storage.store import DB_NAME, ProfileStore
from tests.conftest import REPO_ROOT, cli_env

ROWS_PER_DATE = 4000
DATES = 5


def _write_big_csv(path):
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("date,account,asset,amount,price\n")
        for d in range(DATES):
            for i in range(ROWS_PER_DATE):
                handle.write(f"2022-0{d + 1}-01,Cold,T{i},{i + d + 1}.5,2\n")


def test_sigkill_mid_import_leaves_database_whole(tmp_path):
    rng = random.Random(1234)
    data_dir = tmp_path / "p"
    with ProfileStore.open(data_dir) as store:
        from exposure_app.domain.models import AccountKind

        store.accounts.add("Cold", AccountKind.SELF_CUSTODY)
    csv_path = tmp_path / "big.csv"
    _write_big_csv(csv_path)
    outcomes = set()
    for _ in range(6):
        proc = subprocess.Popen(
            [sys.executable, "-m", "exposure_app", "--data-dir", str(data_dir), "import", "holdings",
             str(csv_path)],
            env=cli_env(), cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        time.sleep(rng.uniform(0.3, 2.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        conn = sqlite3.connect(data_dir / DB_NAME)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        snapshots = conn.execute("SELECT count(*) FROM snapshots").fetchone()[0]
        holdings = conn.execute("SELECT count(*) FROM holdings").fetchone()[0]
        conn.close()
        # All or nothing: either no snapshot, or every snapshot complete.
        assert snapshots in (0, DATES)
        assert holdings == snapshots * ROWS_PER_DATE
        outcomes.add(snapshots)
    # A later import completes normally after the kills.
    done = subprocess.run(
        [sys.executable, "-m", "exposure_app", "--data-dir", str(data_dir), "import", "holdings",
         str(csv_path)], env=cli_env(), cwd=REPO_ROOT, capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    conn = sqlite3.connect(data_dir / DB_NAME)
    assert conn.execute("SELECT count(*) FROM snapshots").fetchone()[0] == DATES
    conn.close()
