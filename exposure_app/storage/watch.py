"""Receipts of watched addresses and checklist withdrawal destinations (migration 12).

Threading: belongs to the thread of the :class:`ProfileStore` it was made with.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from exposure_app.domain.money import to_text
from exposure_app.domain.timeutil import from_storage, to_storage
from exposure_app.domain.watch_only import Receipt
from exposure_app.domain.withdrawal_confirmation import WithdrawalDestination

if TYPE_CHECKING:
    from exposure_app.storage.store import ProfileStore


_DEST_COLUMNS = ("plan_id, item_key, account_id, chain, address, set_at, txid, received_at, "
                 "amount, confirmed_at, custodian_confirmed_at")


def _destination(row: tuple[Any, ...]) -> WithdrawalDestination:
    return WithdrawalDestination(row[0], row[1], row[2], row[3], row[4], from_storage(row[5]),
                                 row[6], from_storage(row[7]) if row[7] else None,
                                 Decimal(row[8]) if row[8] is not None else None,
                                 from_storage(row[9]) if row[9] else None,
                                 from_storage(row[10]) if row[10] else None)


class WatchRepository:
    def __init__(self, store: ProfileStore) -> None:
        self._store = store

    # -- receipts -------------------------------------------------------------------

    def save_receipts(self, account_id: int, receipts: Iterable[Receipt], seen: datetime) -> None:
        """Insert new receipts; a known one is updated (it may have confirmed since)."""
        self._store.db.conn.executemany(
            "INSERT INTO chain_receipts (account_id, txid, address, asset, amount, at, confirmed, "
            "first_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT(account_id, txid, address, asset) DO UPDATE SET "
            "amount = excluded.amount, confirmed = excluded.confirmed, "
            "at = CASE WHEN excluded.confirmed = 1 THEN excluded.at ELSE chain_receipts.at END",
            [(account_id, r.txid, r.address, r.asset, to_text(r.amount), to_storage(r.at),
              int(r.confirmed), to_storage(seen)) for r in receipts],
        )

    def receipts(self, account_id: int) -> list[Receipt]:
        rows = self._store.db.execute(
            "SELECT txid, address, asset, amount, at, confirmed FROM chain_receipts "
            "WHERE account_id = ? ORDER BY at", [account_id]).fetchall()
        return [Receipt(r[0], r[1], r[2], Decimal(r[3]), from_storage(r[4]), bool(r[5]))
                for r in rows]

    # -- destinations ------------------------------------------------------------------

    def set_destination(self, plan_id: int, item_key: str, account_id: int | None, chain: str,
                        address: str, now: datetime) -> None:
        """Choose (or change) the destination; any earlier evidence is cleared."""
        with self._store.transaction() as db:
            db.execute(
                "INSERT INTO checklist_destinations (plan_id, item_key, account_id, chain, "
                "address, set_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(plan_id, item_key) DO "
                "UPDATE SET account_id = excluded.account_id, chain = excluded.chain, "
                "address = excluded.address, set_at = excluded.set_at, txid = NULL, "
                "received_at = NULL, amount = NULL, confirmed_at = NULL, "
                "custodian_confirmed_at = NULL",
                [plan_id, item_key, account_id, chain, address, to_storage(now)])

    def clear_destination(self, plan_id: int, item_key: str) -> None:
        with self._store.transaction() as db:
            db.execute("DELETE FROM checklist_destinations WHERE plan_id = ? AND item_key = ?",
                       [plan_id, item_key])

    def destinations(self, plan_id: int | None = None) -> list[WithdrawalDestination]:
        where, params = ("WHERE plan_id = ?", [plan_id]) if plan_id is not None else ("", [])
        rows = self._store.db.execute(
            f"SELECT {_DEST_COLUMNS} FROM checklist_destinations {where} "
            "ORDER BY plan_id, item_key", params).fetchall()
        return [_destination(r) for r in rows]

    def record_arrival(self, plan_id: int, item_key: str, txid: str | None, at: datetime,
                       amount: Decimal, now: datetime) -> None:
        """The evidence: the transaction (``None`` when only the balance showed it), when
        it arrived and how much."""
        with self._store.transaction() as db:
            db.execute(
                "UPDATE checklist_destinations SET txid = ?, received_at = ?, amount = ?, "
                "confirmed_at = ? WHERE plan_id = ? AND item_key = ?",
                [txid, to_storage(at), to_text(amount), to_storage(now), plan_id, item_key])

    def record_custodian_side(self, plan_id: int, item_key: str, now: datetime) -> None:
        with self._store.transaction() as db:
            db.execute(
                "UPDATE checklist_destinations SET custodian_confirmed_at = ? "
                "WHERE plan_id = ? AND item_key = ? AND custodian_confirmed_at IS NULL",
                [to_storage(now), plan_id, item_key])
