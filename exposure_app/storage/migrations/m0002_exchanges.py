"""Version 2: per-account exchange state and cached exchange markets.

``exchange_account_state`` keeps what a sync learned about an exchange
account so the next sync makes no needless calls (detected account modes,
the clock adjustment), the key's permissions as last checked, and a back-off
time after a rate-limit ban, and a summary of the last sync (coverage note,
timings, pricing notes) for the views. ``exchange_markets`` caches each exchange's spot
market list (used to map ticker symbols for pricing) for a day.
Neither table ever holds a credential.
"""

from __future__ import annotations

from sqlite_utils import Database

from exposure_app.storage.sql import execute_statements


def migrate(db: Database) -> None:
    execute_statements(
        db,
        """
        CREATE TABLE exchange_account_state (
            account_id INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
            facts TEXT NOT NULL DEFAULT '{}',
            permissions TEXT,
            permissions_checked_at TEXT,
            backoff_until TEXT,
            backoff_reason TEXT,
            last_sync TEXT
        );
        CREATE TABLE exchange_markets (
            exchange_id TEXT PRIMARY KEY,
            markets TEXT NOT NULL,
            fetched_at TEXT NOT NULL
        )
        """,
    )
