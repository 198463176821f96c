"""Child process for the import benchmark: one import, its time and its peak RSS.

``python -m benchmarks.import_probe app DIR CSV`` imports CSV into the
profile in DIR through :func:`import_holdings_csv` (the path the CLI and the
import dialog take). ``raw DIR CSV`` is the yardstick: the same rows read
with ``csv.reader`` and written with one ``sqlite3`` ``executemany`` per
snapshot table, one transaction, no checks. Each prints ``seconds RSS_KB``.
"""

from __future__ import annotations

import csv
import resource
import sqlite3
import sys
import time
from pathlib import Path


def _raw(data_dir: Path, csv_path: Path) -> None:
    conn = sqlite3.connect(data_dir / "exposure.sqlite3", isolation_level=None)
    for pragma in ("foreign_keys = ON", "journal_mode = WAL", "synchronous = NORMAL"):
        conn.execute(f"PRAGMA {pragma}")   # as ProfileStore sets them
    accounts = dict(conn.execute("SELECT lower(name), id FROM accounts"))
    snapshots: dict[tuple[int, str], int] = {}
    conn.execute("BEGIN IMMEDIATE")

    def rows():
        with csv_path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f)
            next(reader)
            for account, asset, amount, day, price in reader:
                key = (accounts[account.lower()], day)
                sid = snapshots.get(key)
                if sid is None:
                    sid = snapshots[key] = conn.execute(
                        "INSERT INTO snapshots (account_id, taken_at, status, usable, source) "
                        "VALUES (?, ?, 'ok', 1, 'import')", key).lastrowid
                yield (sid, "main", asset, amount, "0", amount, price, None, "manual", 1)

    conn.executemany(
        "INSERT INTO holdings (snapshot_id, wallet, asset, free, locked, total, price, value, "
        "price_source, priced) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows())
    conn.execute("COMMIT")
    conn.close()


def _app(data_dir: Path, csv_path: Path) -> None:
    from exposure_app.services.holdings_import import import_holdings_csv
    from exposure_app.storage.store import ProfileStore

    with ProfileStore.open(data_dir) as store:
        import_holdings_csv(store, csv_path, base="USD")


def main(argv: list[str]) -> int:
    mode, data_dir, csv_path = argv[0], Path(argv[1]), Path(argv[2])
    if mode == "app":   # imports first, so that the time is the import's alone
        import exposure_app.services.holdings_import
        import exposure_app.storage.store  # noqa: F401
    start = time.perf_counter()
    (_app if mode == "app" else _raw)(data_dir, csv_path)
    elapsed = time.perf_counter() - start
    print(f"{elapsed:.3f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
