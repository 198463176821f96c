"""Version 11 (t16market): cached market prices and the currency of every value.

* ``daily_closes``: one close per asset, quote and UTC day, from a public
  price source (exact TEXT), with when it was fetched. History and dated
  holdings are valued from it; risk signals read it (``ClosesSource``).
* ``market_tickers``: the latest ticker per asset and quote; offline, it is
  what the app values with, its age shown.
* ``snapshots.currency``: the currency the snapshot's prices and values are
  in. Rows written before this version were written in USD (the base currency
  was not stored, and a change of it only relabelled figures), so they are
  backfilled as ``USD``. Recorded prices already carry theirs (``prices.quote``).
"""

from __future__ import annotations

from sqlite_utils import Database

from exposure_app.storage.sql import execute_statements


def migrate(db: Database) -> None:
    execute_statements(
        db,
        """
        CREATE TABLE daily_closes (
            asset TEXT NOT NULL,
            quote TEXT NOT NULL,
            day TEXT NOT NULL,
            close TEXT NOT NULL,
            source TEXT NOT NULL,
            fetched_at TEXT NOT NULL,
            PRIMARY KEY (asset, quote, day)
        ) WITHOUT ROWID;
        CREATE TABLE market_tickers (
            asset TEXT NOT NULL,
            quote TEXT NOT NULL,
            price TEXT NOT NULL,
            source TEXT NOT NULL,
            taken_at TEXT NOT NULL,
            PRIMARY KEY (asset, quote)
        ) WITHOUT ROWID;
        ALTER TABLE snapshots ADD COLUMN currency TEXT NOT NULL DEFAULT 'USD';
        """,
    )
