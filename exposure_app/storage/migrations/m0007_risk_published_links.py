"""Version 7 (risk engine): publication time, the user's links and counterparties,
withdrawal status history.

* ``risk_events.published``: when the event became public (fixed-width UTC
  text). Existing user and feed rows get the time they were added
  (``created_at``, to the second), also written into their JSON body: that is
  the earliest moment the app can show it was known, so an as-of view never
  counts a row before it existed.
* ``user_links`` / ``user_counterparties``: links and custodians the user adds
  through the events import/export files (the JSON form of
  ``resources/links.json`` / ``resources/counterparties.json`` entries).
* ``withdrawal_status_history``: what each exchange said about withdrawing each
  asset over each network at every refresh (``withdrawal_networks`` keeps only
  the latest), so friction can be compared with that custodian's own history.
"""

from __future__ import annotations

from sqlite_utils import Database

from exposure_app.storage.sql import execute_statements


def migrate(db: Database) -> None:
    execute_statements(
        db,
        """
        ALTER TABLE risk_events ADD COLUMN published TEXT;
        UPDATE risk_events
           SET body = json_set(body, '$.published', substr(created_at, 1, 19) || 'Z')
         WHERE json_extract(body, '$.published') IS NULL;
        UPDATE risk_events
           SET published = CASE
               WHEN length(json_extract(body, '$.published')) = 10
               THEN json_extract(body, '$.published') || 'T00:00:00.000000+00:00'
               ELSE substr(json_extract(body, '$.published'), 1, 19) || '.000000+00:00'
               END;
        CREATE INDEX idx_risk_events_published ON risk_events (published);
        CREATE TABLE user_links (
            id TEXT PRIMARY KEY,
            body TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE user_counterparties (
            id TEXT PRIMARY KEY,
            body TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE withdrawal_status_history (
            exchange_id TEXT NOT NULL,
            fetched_at TEXT NOT NULL,
            asset TEXT NOT NULL,
            network TEXT NOT NULL,
            withdraw_enabled INTEGER,
            fee TEXT,
            min_amount TEXT,
            max_amount TEXT,
            PRIMARY KEY (exchange_id, fetched_at, asset, network)
        );
        CREATE INDEX idx_withdrawal_status_history_time
            ON withdrawal_status_history (exchange_id, fetched_at)
        """,
    )
