"""4. History chart: load and draw five years of daily values for 10 custodians.

Load = :func:`services.history.daily_history` over the snapshot totals, as
the history page calls it (every capture read, only the days the chart can
draw kept, which is what the chart used to thin the full series to);
draw = :class:`ui.charts.history_chart.HistoryChart.set_series` plus one
forced repaint to an offscreen image. Compared with the raw SQL that
aggregates the same daily per-custodian values in SQLite alone.
Goals: under 100 ms, and <= 2x the SQL. The values follow random walks, as
balances do; a second profile of white noise (every day independent) shows
the worst case for painting, without a goal.
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from benchmarks.profile_factory import build_profile
from benchmarks.result import Figure
from benchmarks.timing import best_of
from exposure_app.risk.catalog import load_directory
from exposure_app.services.history import daily_history
from exposure_app.storage.store import ProfileStore

START, END = date(2021, 1, 1), date(2025, 12, 31)
DAYS = (END - START).days + 1

# Daily value per custodian in SQL alone: for each day and account, the latest
# usable snapshot's total at or before the end of the day, summed per custodian.
RAW_SQL = """
WITH RECURSIVE days(d) AS (SELECT ? UNION ALL SELECT date(d, '+1 day') FROM days WHERE d < ?)
SELECT days.d, a.counterparty, SUM(CAST((
    SELECT s.total_value FROM snapshots s INDEXED BY idx_snapshots_usable
    WHERE s.account_id = a.id AND s.usable = 1 AND s.taken_at <= days.d || 'T23:59:59.999999+00:00'
    ORDER BY s.taken_at DESC LIMIT 1) AS REAL))
FROM days, accounts a GROUP BY days.d, a.counterparty
"""


def run() -> list[Figure]:
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])
    directory = load_directory()
    with tempfile.TemporaryDirectory() as tmp:
        app_time, sql_time = _measure(Path(tmp) / "walk", directory, white_noise=False)
        noise_time, _ = _measure(Path(tmp) / "noise", directory, white_noise=True)
    app.processEvents()
    ratio = app_time / sql_time
    return [
        Figure("4a. history chart: load + draw 5 years x 10 custodians", app_time * 1000, "ms",
               "< 100 ms", app_time < 0.1, f"{DAYS} days"),
        Figure("4b. history chart vs raw SQL aggregation", ratio, "x", "<= 2", ratio <= 2,
               f"{app_time * 1000:.0f} ms vs {sql_time * 1000:.0f} ms"),
        Figure("4c. (worst case) the same with white-noise daily values", noise_time * 1000, "ms",
               "-", None, "every day jumps across the value range"),
    ]


def _measure(folder: Path, directory, *, white_noise: bool) -> tuple[float, float]:
    """Best-of-5 seconds of (load + set_series + paint, raw SQL)."""
    from PySide6.QtGui import QImage, QPainter

    from exposure_app.ui.charts.history_chart import HistoryChart, thinning_step

    build_profile(folder, holding_rows=DAYS * 11, accounts=11, assets_per_snapshot=1,
                  start=_midnight(START), white_noise=white_noise)
    with ProfileStore.open(folder) as store:
        chart = HistoryChart()
        chart.resize(1200, 700)
        names = {cp.id: cp.name for cp in directory}
        # the pixel format of a window's backing store (a plain ARGB32 image
        # would add a per-pixel conversion no window pays)
        image = QImage(1200, 700, QImage.Format.Format_ARGB32_Premultiplied)

        def load_and_draw() -> None:
            # as the history page loads it: every capture read, the days the chart draws kept
            points = daily_history(store, START, END, directory, every=thinning_step(DAYS))
            chart.set_series(points, names)
            painter = QPainter(image)
            chart.render(painter)
            painter.end()

        def raw_sql() -> None:
            store.db.execute(RAW_SQL, [START.isoformat(), END.isoformat()]).fetchall()

        load_and_draw()
        app_time = best_of(load_and_draw, repeat=5)
        sql_time = best_of(raw_sql, repeat=5)
        chart.close()
        chart.deleteLater()
    return app_time, sql_time


def _midnight(day: date):
    from datetime import UTC, datetime, time

    return datetime.combine(day, time.min, tzinfo=UTC)
