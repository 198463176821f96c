"""Version 1: accounts, snapshots, holdings, prices, meta.

Amounts are TEXT holding canonical decimal strings; times are fixed-width
ISO 8601 UTC text, so that text order is time order.
"""

from __future__ import annotations

from sqlite_utils import Database

from exposure_app.storage.sql import execute_statements


def migrate(db: Database) -> None:
    execute_statements(
        db,
        """
        CREATE TABLE meta (
            key TEXT PRIMARY KEY,
            value TEXT NOT NULL
        );
        CREATE TABLE accounts (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            kind TEXT NOT NULL CHECK (kind IN ('exchange_api', 'manual_custodial', 'self_custody')),
            counterparty TEXT,
            exchange_id TEXT,
            options TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL
        );
        CREATE TABLE snapshots (
            id INTEGER PRIMARY KEY,
            account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
            taken_at TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('ok', 'partial', 'failed')),
            usable INTEGER NOT NULL,
            source TEXT NOT NULL,
            error TEXT,
            coverage TEXT NOT NULL DEFAULT '[]',
            missing TEXT NOT NULL DEFAULT '{}',
            total_value TEXT NOT NULL DEFAULT '0',
            unpriced_count INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX idx_snapshots_account_time ON snapshots (account_id, taken_at);
        CREATE INDEX idx_snapshots_usable ON snapshots (account_id, usable, taken_at);
        CREATE INDEX idx_snapshots_time ON snapshots (usable, taken_at, id);
        CREATE TABLE holdings (
            id INTEGER PRIMARY KEY,
            snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
            wallet TEXT NOT NULL,
            asset TEXT NOT NULL,
            free TEXT NOT NULL,
            locked TEXT NOT NULL,
            total TEXT NOT NULL,
            price TEXT,
            value TEXT,
            price_source TEXT,
            priced INTEGER NOT NULL,
            carried_from INTEGER
        );
        CREATE INDEX idx_holdings_snapshot ON holdings (snapshot_id);
        CREATE TABLE prices (
            id INTEGER PRIMARY KEY,
            asset TEXT NOT NULL,
            quote TEXT NOT NULL,
            price TEXT NOT NULL,
            source TEXT NOT NULL,
            taken_at TEXT NOT NULL
        );
        CREATE INDEX idx_prices_lookup ON prices (asset, quote, taken_at);
        """
    )
