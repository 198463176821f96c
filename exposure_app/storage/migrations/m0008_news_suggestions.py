"""Version 8: suggested events read from news, and the news feeds' state.

``news_suggestions`` holds each suggestion with its review status (pending,
accepted, rejected); the JSON ``body`` carries the reading (title, evidence,
highlights, sources, amount, period, confidence, duplicate_of). Rejected
rows stay so the same episode is not suggested again. ``news_feed_state``
records each feed's last attempt and last success (a failed poll keeps the
last good time, shown as stale with its reason); ``news_feed_entries``
remembers which feed entries were read, so a poll reads only new ones.
"""

from __future__ import annotations

from sqlite_utils import Database

from exposure_app.storage.sql import execute_statements


def migrate(db: Database) -> None:
    execute_statements(
        db,
        """
        CREATE TABLE news_suggestions (
            id INTEGER PRIMARY KEY,
            status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected')),
            counterparty TEXT NOT NULL,
            category TEXT NOT NULL,
            date TEXT NOT NULL,
            published TEXT NOT NULL,
            body TEXT NOT NULL,
            event_id TEXT,
            created_at TEXT NOT NULL,
            decided_at TEXT
        );
        CREATE INDEX idx_news_suggestions_cp ON news_suggestions (counterparty, category, date);
        CREATE TABLE news_feed_state (
            url TEXT PRIMARY KEY,
            attempted_at TEXT NOT NULL,
            succeeded_at TEXT,
            error TEXT,
            entry_count INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE news_feed_entries (
            feed_url TEXT NOT NULL,
            entry_key TEXT NOT NULL,
            seen_at TEXT NOT NULL,
            PRIMARY KEY (feed_url, entry_key)
        )
        """,
    )
