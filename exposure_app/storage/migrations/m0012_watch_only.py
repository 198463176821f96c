"""Version 12: watch-only receipts and checklist withdrawal destinations.

* ``chain_receipts``: coins a watched address received (one row per
  transaction, address and asset), as the chain server reported them; what
  confirms a checklist withdrawal. Removed with the account.
* ``checklist_destinations``: the watched address a checklist withdrawal item
  is sent to (``account_id`` the watch-only account, ``address`` the exact
  address, ``set_at`` when the destination was chosen) and, once confirmed,
  the evidence: ``txid``, ``received_at``, ``amount``, ``confirmed_at``, and
  ``custodian_confirmed_at`` when the custodian's balance fell at a sync.

Watch-only accounts themselves need no table: they are ``self_custody``
accounts whose ``options`` name the chain and the address or extended key.
Amounts are canonical decimal TEXT; times fixed-width ISO 8601 UTC text.
"""

from __future__ import annotations

from sqlite_utils import Database

from exposure_app.storage.sql import execute_statements


def migrate(db: Database) -> None:
    execute_statements(
        db,
        """
        CREATE TABLE chain_receipts (
            account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
            txid TEXT NOT NULL,
            address TEXT NOT NULL,
            asset TEXT NOT NULL,
            amount TEXT NOT NULL,
            at TEXT NOT NULL,
            confirmed INTEGER NOT NULL,
            first_seen TEXT NOT NULL,
            PRIMARY KEY (account_id, txid, address, asset)
        );
        CREATE TABLE checklist_destinations (
            plan_id INTEGER NOT NULL REFERENCES checklist_plans(id) ON DELETE CASCADE,
            item_key TEXT NOT NULL,
            account_id INTEGER REFERENCES accounts(id) ON DELETE SET NULL,
            chain TEXT NOT NULL,
            address TEXT NOT NULL,
            set_at TEXT NOT NULL,
            txid TEXT,
            received_at TEXT,
            amount TEXT,
            confirmed_at TEXT,
            custodian_confirmed_at TEXT,
            PRIMARY KEY (plan_id, item_key)
        )
        """
    )
