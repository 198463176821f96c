"""Accounts: the places the user holds assets."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping
from datetime import datetime

from exposure_app.domain.account_names import clean_account_name, name_key
from exposure_app.domain.models import Account, AccountKind
from exposure_app.domain.suggest import did_you_mean
from exposure_app.domain.timeutil import from_storage, to_storage, utc_now
from exposure_app.storage.errors import ConflictError, NotFoundError
from exposure_app.storage.repository import Repository, row_mapper
from exposure_app.storage.sql import inserted_id

_COLUMNS = "id, name, kind, counterparty, exchange_id, options, created_at"


_ACCOUNT = row_mapper(Account, None, None, AccountKind, None, None,
                      lambda options: json.loads(options or "{}"), from_storage)
"""A row of :data:`_COLUMNS` as an :class:`Account`."""


class AccountRepository(Repository):
    """Threading: same as the owning :class:`ProfileStore`.

    Names are stored in their clean form and compared by
    :func:`~exposure_app.domain.account_names.name_key` (case- and
    look-alike-insensitive); :class:`~exposure_app.domain.account_names.AccountNameError`
    (a ``ValueError``) rejects a name that cannot be used.
    """

    def _clash(self, name: str, *, except_id: int | None = None) -> None:
        key = name_key(name)
        for other_id, other in self._store.db.execute("SELECT id, name FROM accounts"):
            if other_id != except_id and name_key(other) == key:
                shown = "" if other == name else f" ({other!r} looks the same)"
                raise ConflictError(f"an account named {name!r} already exists{shown}")

    def add(
        self,
        name: str,
        kind: AccountKind,
        *,
        counterparty: str | None = None,
        exchange_id: str | None = None,
        options: Mapping[str, object] | None = None,
        created_at: datetime | None = None,
    ) -> Account:
        """Add an account; ``created_at`` (default now) is when it was added to Exposure."""
        name = clean_account_name(name)
        if kind is AccountKind.SELF_CUSTODY and counterparty:
            raise ValueError("a self-custody account has no custodian")
        if kind is not AccountKind.SELF_CUSTODY and not counterparty:
            raise ValueError("a custodial account needs a custodian id")
        try:
            with self._store.transaction() as db:
                self._clash(name)
                cursor = db.execute(
                    "INSERT INTO accounts (name, kind, counterparty, exchange_id, options, "
                    "created_at) VALUES (?, ?, ?, ?, ?, ?)",
                    [
                        name,
                        kind.value,
                        counterparty,
                        exchange_id,
                        json.dumps(dict(options or {}), sort_keys=True),
                        to_storage(created_at or utc_now()),
                    ],
                )
                account_id = inserted_id(cursor)
        except sqlite3.IntegrityError:
            raise ConflictError(f"an account named {name!r} already exists") from None
        return self.get(account_id)

    def set_created_at(self, account_id: int, when: datetime) -> None:
        """When the account was added (the demo backdates it to its first recorded holdings)."""
        with self._store.transaction() as db:
            db.execute("UPDATE accounts SET created_at = ? WHERE id = ?",
                       [to_storage(when), account_id])

    def get(self, account_id: int) -> Account:
        return self._get(f"SELECT {_COLUMNS} FROM accounts WHERE id = ?", [account_id],
                         _ACCOUNT, f"no account with id {account_id}")

    def find(self, name: str) -> Account | None:
        """The account whose name has the same key as ``name`` (see the class docstring)."""
        key = name_key(name)
        for row in self._store.db.execute(f"SELECT {_COLUMNS} FROM accounts"):
            if name_key(row[1]) == key:
                return _ACCOUNT(row)
        return None

    def by_name(self, name: str) -> Account:
        account = self.find(name)
        if account is None:
            known = [a.name for a in self.list()]
            raise NotFoundError(f"no account named {name!r}{did_you_mean(name, known)}")
        return account

    def list(self) -> list[Account]:
        return self._all(f"SELECT {_COLUMNS} FROM accounts ORDER BY name COLLATE NOCASE", [],
                         _ACCOUNT)

    def update_options(self, account_id: int, options: Mapping[str, object]) -> Account:
        with self._store.transaction() as db:
            db.execute(
                "UPDATE accounts SET options = ? WHERE id = ?",
                [json.dumps(dict(options), sort_keys=True), account_id],
            )
        return self.get(account_id)

    def rename(self, account_id: int, new_name: str) -> Account:
        new_name = clean_account_name(new_name)
        try:
            with self._store.transaction() as db:
                self._clash(new_name, except_id=account_id)
                db.execute(
                    "UPDATE accounts SET name = ? WHERE id = ?", [new_name, account_id]
                )
        except sqlite3.IntegrityError:
            raise ConflictError(f"an account named {new_name!r} already exists") from None
        return self.get(account_id)

    def remove(self, account_id: int) -> None:
        """Delete the account and, through foreign keys, its snapshot history."""
        with self._store.transaction() as db:
            db.execute("DELETE FROM accounts WHERE id = ?", [account_id])
