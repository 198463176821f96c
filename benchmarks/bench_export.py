"""5. Export: the holdings history report against plain sqlite3 + csv.writer.

Both write every holding of every snapshot (1,000,000 rows) from the same
query; the app adds Decimal parsing, ISO 8601 times and formula
neutralising. Best of two runs each, in turns. Goal: ratio <= 1.5.
"""

from __future__ import annotations

import csv
import sqlite3
import tempfile
import time
from pathlib import Path

from benchmarks.profile_factory import build_profile
from benchmarks.result import Figure
from exposure_app.domain.timeutil import utc_now
from exposure_app.services.reports import ReportOptions, write_report
from exposure_app.services.settings import Settings
from exposure_app.storage.store import DB_NAME, ProfileStore

QUERY = (
    "SELECT a.name, a.kind, a.counterparty, h.wallet, h.asset, h.free, h.locked, h.total, "
    "h.price, h.value, h.priced, h.price_source, s.taken_at, s.status "
    "FROM snapshots s JOIN accounts a ON a.id = s.account_id "
    "JOIN holdings h ON h.snapshot_id = s.id "
    "WHERE s.usable = 1 AND s.taken_at <= ? ORDER BY s.taken_at, s.id, h.id"
)


def _plain(db_path: Path, out: Path, as_of: str) -> int:
    conn = sqlite3.connect(db_path)
    rows = 0
    with open(out, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        cursor = conn.execute(QUERY, [as_of])
        writer.writerow([d[0] for d in cursor.description])
        for row in cursor:
            writer.writerow(row)
            rows += 1
    conn.close()
    return rows


def run(rows: int = 1_000_000) -> list[Figure]:
    with tempfile.TemporaryDirectory() as tmp:
        folder = build_profile(Path(tmp) / "p", holding_rows=rows)
        as_of = utc_now()
        from exposure_app.domain.timeutil import to_storage

        plain = app = float("inf")
        plain_rows = app_rows = 0
        # twice each, in turns, so a slower spell of a shared machine hits both alike
        for _ in range(2):
            start = time.perf_counter()
            plain_rows = _plain(folder / DB_NAME, Path(tmp) / "plain.csv", to_storage(as_of))
            plain = min(plain, time.perf_counter() - start)
            with ProfileStore.open(folder) as store:
                start = time.perf_counter()
                result = write_report(store, Settings(), "holdings", Path(tmp) / "app.csv",
                                      ReportOptions(as_of=as_of, all_snapshots=True))
                app = min(app, time.perf_counter() - start)
                app_rows = result.rows
        if app_rows != plain_rows:
            raise RuntimeError(f"row counts differ: {app_rows} vs {plain_rows}")
    ratio = app / plain
    return [Figure("5. holdings history export vs sqlite3+csv", ratio, "x", "<= 1.5", ratio <= 1.5,
                   f"{plain_rows:,} rows: {app:.2f} s vs {plain:.2f} s")]
