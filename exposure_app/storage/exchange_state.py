"""Per-account exchange state (cached modes, key permissions, back-off) and cached markets.

Threading: same as the owning :class:`~exposure_app.storage.store.ProfileStore`.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import datetime, timedelta
from typing import Any

from exposure_app.domain.balances import KeyPermissions, PermissionLevel
from exposure_app.domain.timeutil import from_storage, to_storage
from exposure_app.storage.repository import Repository

MARKETS_MAX_AGE = timedelta(days=1)


def permissions_to_json(permissions: KeyPermissions) -> str:
    return json.dumps(asdict(permissions), sort_keys=True)


def permissions_from_json(text: str) -> KeyPermissions:
    data = json.loads(text)
    data["level"] = PermissionLevel(data["level"])
    return KeyPermissions(**data)


class ExchangeStateRepository(Repository):
    """Threading: same as the owning :class:`ProfileStore`."""

    def _set(self, account_id: int, **columns: Any) -> None:
        """Set ``columns`` of the account's state row (made first if there is none), in one
        transaction; the names are this module's own, never input."""
        sets = ", ".join(f"{name} = ?" for name in columns)
        with self._store.transaction() as db:
            db.execute("INSERT OR IGNORE INTO exchange_account_state (account_id) VALUES (?)",
                       [account_id])
            db.execute(f"UPDATE exchange_account_state SET {sets} WHERE account_id = ?",
                       [*columns.values(), account_id])

    # -- facts -------------------------------------------------------------------

    def facts(self, account_id: int) -> dict[str, Any]:
        row = self._store.db.execute(
            "SELECT facts FROM exchange_account_state WHERE account_id = ?", [account_id]
        ).fetchone()
        return {} if row is None else dict(json.loads(row[0]))

    def save_facts(self, account_id: int, facts: dict[str, Any]) -> None:
        self._set(account_id, facts=json.dumps(facts, sort_keys=True))

    # -- key permissions -------------------------------------------------------------

    def save_permissions(
        self, account_id: int, permissions: KeyPermissions, checked_at: datetime
    ) -> None:
        self._set(account_id, permissions=permissions_to_json(permissions),
                  permissions_checked_at=to_storage(checked_at))

    def permissions(self, account_id: int) -> tuple[KeyPermissions, datetime] | None:
        return self._one(
            "SELECT permissions, permissions_checked_at FROM exchange_account_state "
            "WHERE account_id = ? AND permissions IS NOT NULL", [account_id],
            lambda row: (permissions_from_json(row[0]), from_storage(row[1])))

    def forget_key_state(self, account_id: int) -> None:
        """Drop what was learnt through the account's previous API key.

        The permissions described that key, and the facts (account mode,
        wallets found) what it could see; a new key may see another
        sub-account or have other rights, so the next sync learns them again.
        """
        with self._store.transaction() as db:
            db.execute(
                "UPDATE exchange_account_state SET permissions = NULL, "
                "permissions_checked_at = NULL, facts = '{}' WHERE account_id = ?",
                [account_id],
            )

    # -- back-off after rate limits and bans -------------------------------------------

    def set_backoff(self, account_id: int, until: datetime | None, reason: str | None) -> None:
        self._set(account_id, backoff_until=None if until is None else to_storage(until),
                  backoff_reason=reason)

    def backoff(self, account_id: int) -> tuple[datetime, str] | None:
        return self._one(
            "SELECT backoff_until, backoff_reason FROM exchange_account_state "
            "WHERE account_id = ? AND backoff_until IS NOT NULL", [account_id],
            lambda row: (from_storage(row[0]), row[1] or ""))

    # -- last sync summary -----------------------------------------------------------

    def save_last_sync(self, account_id: int, summary: dict[str, Any]) -> None:
        self._set(account_id, last_sync=json.dumps(summary, sort_keys=True, default=str))

    def last_sync(self, account_id: int) -> dict[str, Any] | None:
        row = self._store.db.execute(
            "SELECT last_sync FROM exchange_account_state WHERE account_id = ?", [account_id]
        ).fetchone()
        return None if row is None or row[0] is None else dict(json.loads(row[0]))

    # -- markets -----------------------------------------------------------------------

    def markets(self, exchange_id: str, now: datetime) -> list[dict[str, Any]] | None:
        """Cached markets younger than :data:`MARKETS_MAX_AGE`, else ``None``."""
        row = self._store.db.execute(
            "SELECT markets, fetched_at FROM exchange_markets WHERE exchange_id = ?",
            [exchange_id],
        ).fetchone()
        if row is None or now - from_storage(row[1]) > MARKETS_MAX_AGE:
            return None
        return list(json.loads(row[0]))

    def save_markets(
        self, exchange_id: str, markets: list[dict[str, Any]], fetched_at: datetime
    ) -> None:
        with self._store.transaction() as db:
            db.execute(
                "INSERT INTO exchange_markets (exchange_id, markets, fetched_at) VALUES (?, ?, ?) "
                "ON CONFLICT(exchange_id) DO UPDATE SET markets = excluded.markets, "
                "fetched_at = excluded.fetched_at",
                [exchange_id, json.dumps(markets, separators=(",", ":")), to_storage(fetched_at)],
            )
