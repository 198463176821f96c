"""Version 3: the user's and the feed's risk events, cached reserve data, feed state.

Shipped events are not stored (they live in ``resources/events.json``);
derived outflow events are recomputed from the cached reserve data for each
"as of" date, so that no later data can leak into an earlier evaluation.
"""

from __future__ import annotations

from sqlite_utils import Database

from exposure_app.storage.sql import execute_statements


def migrate(db: Database) -> None:
    execute_statements(
        db,
        """
        CREATE TABLE risk_events (
            id TEXT PRIMARY KEY,
            origin TEXT NOT NULL CHECK (origin IN ('user', 'feed')),
            counterparty TEXT NOT NULL,
            date TEXT NOT NULL,
            category TEXT NOT NULL,
            body TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX idx_risk_events_cp_date ON risk_events (counterparty, date);
        CREATE TABLE reserve_cache (
            slug TEXT PRIMARY KEY,
            fetched_at TEXT NOT NULL,
            source_url TEXT NOT NULL,
            series TEXT NOT NULL
        );
        CREATE TABLE reserve_fetch_log (
            slug TEXT PRIMARY KEY,
            attempted_at TEXT NOT NULL,
            error TEXT
        );
        CREATE TABLE event_feed_state (
            url TEXT PRIMARY KEY,
            attempted_at TEXT NOT NULL,
            succeeded_at TEXT,
            error TEXT,
            event_count INTEGER NOT NULL DEFAULT 0
        )
        """,
    )
