"""Version 5: a covering index for the daily history walk.

The history chart and the history report read every usable snapshot in time
order (``services.history.iter_daily_history``). With the version-1 index
``idx_snapshots_time (usable, taken_at, id)`` each of those rows then cost a
lookup in the table for ``account_id`` and ``total_value``; with both in the
index the walk is one sequential read of it (about 3x faster for five years
of ten accounts). The old index is a prefix of the new one, so it goes.
"""

from __future__ import annotations

from sqlite_utils import Database

from exposure_app.storage.sql import execute_statements


def migrate(db: Database) -> None:
    execute_statements(
        db,
        """
        CREATE INDEX idx_snapshots_history
            ON snapshots (usable, taken_at, id, account_id, total_value);
        DROP INDEX idx_snapshots_time;
        """,
    )
