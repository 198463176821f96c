"""Version 4: self-custody checklists, withdrawal-network cache, withdrawal-test reminders.

* ``checklist_plans`` / ``checklist_items``: a plan for one counterparty (or
  ``all``) and what it listed when it was made; ``checklist_progress`` holds
  the ticks and notes apart, keyed by the item's stable key, so rebuilding a
  plan from newer data never loses what the user ticked.
* ``withdrawal_networks``: per exchange, asset and network, what the exchange
  said about withdrawals (fee, minimum, enabled, memo); NULL = not told.
* ``holding_locks``: why a holding's locked part is locked and until when,
  per snapshot (the snapshot rows themselves carry only the amounts).
* ``withdrawal_test_schedules`` / ``withdrawal_tests``: reminder settings per
  custodian and the results the user recorded.

Amounts are canonical decimal TEXT; times fixed-width ISO 8601 UTC text.
"""

from __future__ import annotations

from sqlite_utils import Database

from exposure_app.storage.sql import execute_statements


def migrate(db: Database) -> None:
    execute_statements(
        db,
        """
        CREATE TABLE checklist_plans (
            id INTEGER PRIMARY KEY,
            scope TEXT NOT NULL,
            base_currency TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            archived INTEGER NOT NULL DEFAULT 0
        );
        CREATE INDEX idx_checklist_plans_scope ON checklist_plans (scope, archived);
        CREATE TABLE checklist_items (
            plan_id INTEGER NOT NULL REFERENCES checklist_plans(id) ON DELETE CASCADE,
            item_key TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('step', 'asset', 'affiliated')),
            counterparty TEXT,
            asset TEXT,
            position INTEGER NOT NULL,
            title TEXT NOT NULL,
            payload TEXT NOT NULL DEFAULT '{}',
            PRIMARY KEY (plan_id, item_key)
        );
        CREATE TABLE checklist_progress (
            plan_id INTEGER NOT NULL REFERENCES checklist_plans(id) ON DELETE CASCADE,
            item_key TEXT NOT NULL,
            done INTEGER NOT NULL DEFAULT 0,
            done_at TEXT,
            done_by TEXT CHECK (done_by IS NULL OR done_by IN ('user', 'sync')),
            note TEXT NOT NULL DEFAULT '',
            updated_at TEXT NOT NULL,
            PRIMARY KEY (plan_id, item_key)
        );
        CREATE TABLE withdrawal_networks (
            exchange_id TEXT NOT NULL,
            asset TEXT NOT NULL,
            network TEXT NOT NULL,
            network_id TEXT,
            withdraw_enabled INTEGER,
            deposit_enabled INTEGER,
            fee TEXT,
            min_amount TEXT,
            max_amount TEXT,
            memo_required INTEGER,
            fetched_at TEXT NOT NULL,
            PRIMARY KEY (exchange_id, asset, network)
        );
        CREATE TABLE withdrawal_info_fetches (
            exchange_id TEXT PRIMARY KEY,
            fetched_at TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('ok', 'failed')),
            error TEXT
        );
        CREATE TABLE holding_locks (
            snapshot_id INTEGER NOT NULL REFERENCES snapshots(id) ON DELETE CASCADE,
            wallet TEXT NOT NULL,
            asset TEXT NOT NULL,
            lock_reason TEXT,
            unlock_at TEXT,
            locked TEXT NOT NULL
        );
        CREATE INDEX idx_holding_locks_snapshot ON holding_locks (snapshot_id);
        CREATE TABLE withdrawal_test_schedules (
            counterparty TEXT PRIMARY KEY,
            interval_days INTEGER CHECK (interval_days IS NULL OR interval_days >= 0),
            updated_at TEXT NOT NULL
        );
        CREATE TABLE withdrawal_tests (
            id INTEGER PRIMARY KEY,
            counterparty TEXT NOT NULL,
            tested_at TEXT NOT NULL,
            result TEXT NOT NULL CHECK (result IN ('worked', 'delayed', 'failed')),
            asset TEXT,
            network TEXT,
            note TEXT NOT NULL DEFAULT '',
            event_id TEXT,
            recorded_at TEXT NOT NULL
        );
        CREATE INDEX idx_withdrawal_tests_cp ON withdrawal_tests (counterparty, tested_at)
        """
    )
