"""Accounts: the places the user holds assets."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from exposure_app.domain.models import Account, AccountKind
from exposure_app.domain.timeutil import from_storage, to_storage, utc_now
from exposure_app.storage.errors import ConflictError, NotFoundError
from exposure_app.storage.sql import inserted_id

if TYPE_CHECKING:
    from exposure_app.storage.store import ProfileStore

_COLUMNS = "id, name, kind, counterparty, exchange_id, options, created_at"


def _row_to_account(row: tuple[Any, ...]) -> Account:
    return Account(
        id=row[0],
        name=row[1],
        kind=AccountKind(row[2]),
        counterparty=row[3],
        exchange_id=row[4],
        options=json.loads(row[5] or "{}"),
        created_at=from_storage(row[6]),
    )


class AccountRepository:
    """Threading: same as the owning :class:`ProfileStore`."""

    def __init__(self, store: ProfileStore) -> None:
        self._store = store

    def add(
        self,
        name: str,
        kind: AccountKind,
        *,
        counterparty: str | None = None,
        exchange_id: str | None = None,
        options: Mapping[str, object] | None = None,
    ) -> Account:
        name = name.strip()
        if not name:
            raise ValueError("an account needs a name")
        if kind is AccountKind.SELF_CUSTODY and counterparty:
            raise ValueError("a self-custody account has no custodian")
        if kind is not AccountKind.SELF_CUSTODY and not counterparty:
            raise ValueError("a custodial account needs a custodian id")
        try:
            with self._store.transaction() as db:
                cursor = db.execute(
                    "INSERT INTO accounts (name, kind, counterparty, exchange_id, options, "
                    "created_at) VALUES (?, ?, ?, ?, ?, ?)",
                    [
                        name,
                        kind.value,
                        counterparty,
                        exchange_id,
                        json.dumps(dict(options or {}), sort_keys=True),
                        to_storage(utc_now()),
                    ],
                )
                account_id = inserted_id(cursor)
        except sqlite3.IntegrityError:
            raise ConflictError(f"an account named {name!r} already exists") from None
        return self.get(account_id)

    def get(self, account_id: int) -> Account:
        row = self._store.db.execute(
            f"SELECT {_COLUMNS} FROM accounts WHERE id = ?", [account_id]
        ).fetchone()
        if row is None:
            raise NotFoundError(f"no account with id {account_id}")
        return _row_to_account(row)

    def find(self, name: str) -> Account | None:
        row = self._store.db.execute(
            f"SELECT {_COLUMNS} FROM accounts WHERE name = ? COLLATE NOCASE", [name.strip()]
        ).fetchone()
        return None if row is None else _row_to_account(row)

    def by_name(self, name: str) -> Account:
        account = self.find(name)
        if account is None:
            raise NotFoundError(f"no account named {name!r}")
        return account

    def list(self) -> list[Account]:
        rows = self._store.db.execute(
            f"SELECT {_COLUMNS} FROM accounts ORDER BY name COLLATE NOCASE"
        ).fetchall()
        return [_row_to_account(row) for row in rows]

    def update_options(self, account_id: int, options: Mapping[str, object]) -> Account:
        with self._store.transaction() as db:
            db.execute(
                "UPDATE accounts SET options = ? WHERE id = ?",
                [json.dumps(dict(options), sort_keys=True), account_id],
            )
        return self.get(account_id)

    def rename(self, account_id: int, new_name: str) -> Account:
        try:
            with self._store.transaction() as db:
                db.execute(
                    "UPDATE accounts SET name = ? WHERE id = ?", [new_name.strip(), account_id]
                )
        except sqlite3.IntegrityError:
            raise ConflictError(f"an account named {new_name!r} already exists") from None
        return self.get(account_id)

    def remove(self, account_id: int) -> None:
        """Delete the account and, through foreign keys, its snapshot history."""
        with self._store.transaction() as db:
            db.execute("DELETE FROM accounts WHERE id = ?", [account_id])
