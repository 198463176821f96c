"""Checklist plans and progress, the withdrawal-network cache, lock details and
withdrawal-test reminders (tables of migration 4).

Threading: every repository here belongs to the thread of the
:class:`~exposure_app.storage.store.ProfileStore` it was made with.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from exposure_app.domain.money import to_text
from exposure_app.domain.timeutil import from_storage, to_storage, utc_now
from exposure_app.storage.repository import (
    Repository,
    amount_to_column,
    flag_to_column,
    optional,
    row_mapper,
)
from exposure_app.storage.sql import inserted_id

if TYPE_CHECKING:
    # Imported where the rows are built: the window reads reminders from this
    # module while it opens, and the checklist domain (a dozen dataclasses) is
    # only needed once the checklist itself is used.
    from exposure_app.domain.checklist import LockDetail
    from exposure_app.domain.checklist_progress import PlanProgress
    from exposure_app.domain.withdrawal_networks import NetworkInfo

TEST_RESULTS = ("worked", "delayed", "failed")


@dataclass(frozen=True, slots=True)
class StoredPlan:
    id: int
    scope: str
    base_currency: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class StoredItem:
    plan_id: int
    item_key: str
    kind: str
    counterparty: str | None
    asset: str | None
    position: int
    title: str
    payload: Mapping[str, Any]


_PLAN_COLUMNS = "id, scope, base_currency, created_at, updated_at"
_PLAN = row_mapper(StoredPlan, None, None, None, from_storage, from_storage)
_ITEM = row_mapper(StoredItem, None, None, None, None, None, None, None, json.loads)


class ChecklistRepository(Repository):
    """Plans, the items they listed, and the user's ticks and notes."""

    def active_plan(self, scope: str) -> StoredPlan | None:
        return self._one(
            f"SELECT {_PLAN_COLUMNS} FROM checklist_plans "
            "WHERE scope = ? AND archived = 0 ORDER BY id DESC LIMIT 1", [scope], _PLAN)

    def plans(self) -> list[StoredPlan]:
        return self._all(f"SELECT {_PLAN_COLUMNS} FROM checklist_plans "
                         "WHERE archived = 0 ORDER BY id", [], _PLAN)

    def get_plan(self, plan_id: int) -> StoredPlan | None:
        return self._one(f"SELECT {_PLAN_COLUMNS} FROM checklist_plans WHERE id = ?",
                         [plan_id], _PLAN)

    def save_plan(self, scope: str, base_currency: str, items: Iterable[StoredItem],
                  *, now: datetime | None = None) -> StoredPlan:
        """Create the scope's plan, or refresh the items of its active one.

        Items no longer listed are kept (with their ticks): an asset moved
        away stays visible as done. Progress is never touched here.
        """
        now = now or utc_now()
        with self._store.transaction() as db:
            plan = self.active_plan(scope)
            if plan is None:
                cursor = db.execute(
                    "INSERT INTO checklist_plans (scope, base_currency, created_at, updated_at) "
                    "VALUES (?, ?, ?, ?)", [scope, base_currency, to_storage(now), to_storage(now)])
                plan_id = inserted_id(cursor)
            else:
                plan_id = plan.id
                db.execute("UPDATE checklist_plans SET updated_at = ?, base_currency = ? WHERE id = ?",
                           [to_storage(now), base_currency, plan_id])
            db.conn.executemany(
                "INSERT INTO checklist_items (plan_id, item_key, kind, counterparty, asset, position, "
                "title, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(plan_id, item_key) DO UPDATE SET position = excluded.position, "
                "title = excluded.title, payload = excluded.payload",
                [(plan_id, i.item_key, i.kind, i.counterparty, i.asset, i.position, i.title,
                  json.dumps(dict(i.payload), sort_keys=True)) for i in items],
            )
        saved = self.get_plan(plan_id)
        assert saved is not None
        return saved

    def archive(self, plan_id: int) -> None:
        with self._store.transaction() as db:
            db.execute("UPDATE checklist_plans SET archived = 1 WHERE id = ?", [plan_id])

    def items(self, plan_id: int) -> list[StoredItem]:
        return self._all(
            "SELECT plan_id, item_key, kind, counterparty, asset, position, title, payload "
            "FROM checklist_items WHERE plan_id = ? ORDER BY position, item_key", [plan_id],
            _ITEM)

    def progress(self, plan_id: int) -> PlanProgress:
        return self._progress(
            plan_id, "SELECT item_key, done, done_at, done_by, note FROM checklist_progress "
                     "WHERE plan_id = ?", [plan_id])

    def _progress(self, plan_id: int, sql: str, params: list[Any]) -> PlanProgress:
        """Rows of (item_key, done, done_at, done_by, note) by item; a later row of an item wins."""
        from exposure_app.domain.checklist_progress import ItemProgress, PlanProgress

        to = row_mapper(ItemProgress, None, bool, optional(from_storage), None, None)
        return PlanProgress(plan_id, {p.item_key: p for p in self._all(sql, params, to)})

    def shared_progress(self) -> PlanProgress:
        """The latest tick and note of each item across every active plan.

        An item (``asset:binance:BTC``) is the same task in the Binance plan
        and in "all custodians": a tick in one shows in the other. The most
        recently updated record of an item wins.
        """
        return self._progress(
            0, "SELECT p.item_key, p.done, p.done_at, p.done_by, p.note FROM checklist_progress p "
               "JOIN checklist_plans c ON c.id = p.plan_id WHERE c.archived = 0 "
               "ORDER BY p.updated_at, p.plan_id", [])

    def set_progress(self, plan_id: int, item_key: str, *, done: bool | None = None,
                     note: str | None = None, by: str = "user", now: datetime | None = None) -> None:
        """Tick or untick an item and/or set its note; ``None`` leaves a field as it is."""
        now = now or utc_now()
        with self._store.transaction() as db:
            known = db.execute("SELECT 1 FROM checklist_items WHERE plan_id = ? AND item_key = ?",
                               [plan_id, item_key]).fetchone()
            if known is None:
                raise KeyError(f"plan {plan_id} has no item {item_key!r}")
            db.execute("INSERT OR IGNORE INTO checklist_progress (plan_id, item_key, updated_at) "
                       "VALUES (?, ?, ?)", [plan_id, item_key, to_storage(now)])
            if done is not None:
                db.execute(
                    "UPDATE checklist_progress SET done = ?, done_at = ?, done_by = ?, updated_at = ? "
                    "WHERE plan_id = ? AND item_key = ?",
                    [int(done), to_storage(now) if done else None, by if done else None,
                     to_storage(now), plan_id, item_key])
            if note is not None:
                db.execute("UPDATE checklist_progress SET note = ?, updated_at = ? "
                           "WHERE plan_id = ? AND item_key = ?",
                           [note, to_storage(now), plan_id, item_key])


class WithdrawalNetworkRepository(Repository):
    """The cache of what each exchange says about withdrawals, per asset and network."""

    def replace_exchange(self, exchange_id: str, infos: Iterable[NetworkInfo],
                         fetched_at: datetime) -> int:
        """Replace everything cached for ``exchange_id`` in one transaction."""
        rows = [
            (exchange_id, i.asset, i.network, i.network_id, flag_to_column(i.withdraw_enabled),
             flag_to_column(i.deposit_enabled), amount_to_column(i.fee),
             amount_to_column(i.minimum), amount_to_column(i.maximum),
             flag_to_column(i.memo_required), to_storage(fetched_at))
            for i in infos
        ]
        with self._store.transaction() as db:
            db.execute("DELETE FROM withdrawal_networks WHERE exchange_id = ?", [exchange_id])
            db.conn.executemany(
                "INSERT INTO withdrawal_networks (exchange_id, asset, network, network_id, "
                "withdraw_enabled, deposit_enabled, fee, min_amount, max_amount, memo_required, "
                "fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
            self._record_fetch(db, exchange_id, fetched_at, "ok", None)
        return len(rows)

    def record_failure(self, exchange_id: str, fetched_at: datetime, error: str) -> None:
        """Note a failed refresh; the cached rows stay (last good data)."""
        with self._store.transaction() as db:
            self._record_fetch(db, exchange_id, fetched_at, "failed", error)

    @staticmethod
    def _record_fetch(db: Any, exchange_id: str, at: datetime, status: str, error: str | None) -> None:
        db.execute(
            "INSERT INTO withdrawal_info_fetches (exchange_id, fetched_at, status, error) "
            "VALUES (?, ?, ?, ?) ON CONFLICT(exchange_id) DO UPDATE SET fetched_at = excluded.fetched_at, "
            "status = excluded.status, error = excluded.error",
            [exchange_id, to_storage(at), status, error])

    def last_fetch(self, exchange_id: str) -> tuple[datetime, str, str | None] | None:
        return self._one(
            "SELECT fetched_at, status, error FROM withdrawal_info_fetches WHERE exchange_id = ?",
            [exchange_id], lambda row: (from_storage(row[0]), row[1], row[2]))

    def for_exchange(self, exchange_id: str) -> dict[tuple[str, str], list[NetworkInfo]]:
        from exposure_app.storage.withdrawal_status_history import NETWORK_INFO_ROW

        infos = self._all(
            "SELECT exchange_id, asset, network, network_id, withdraw_enabled, deposit_enabled, fee, "
            "min_amount, max_amount, memo_required, fetched_at FROM withdrawal_networks "
            "WHERE exchange_id = ? ORDER BY asset, network", [exchange_id], NETWORK_INFO_ROW)
        out: dict[tuple[str, str], list[NetworkInfo]] = {}
        for info in infos:
            out.setdefault((info.exchange_id, info.asset), []).append(info)
        return out


class HoldingLockRepository(Repository):
    """Why locked amounts are locked, per snapshot (written by the sync hook)."""

    def record(self, snapshot_id: int, details: Iterable[LockDetail]) -> None:
        rows = [(snapshot_id, d.wallet, d.asset, d.lock_reason, d.unlock_at, to_text(d.locked))
                for d in details if d.lock_reason or d.unlock_at]
        if not rows:
            return
        with self._store.transaction() as db:
            db.conn.executemany(
                "INSERT INTO holding_locks (snapshot_id, wallet, asset, lock_reason, unlock_at, locked) "
                "VALUES (?, ?, ?, ?, ?, ?)", rows)

    def for_snapshots(self, snapshot_ids: Iterable[int]) -> dict[int, list[LockDetail]]:
        from exposure_app.domain.checklist import LockDetail

        ids = list(snapshot_ids)
        out: dict[int, list[LockDetail]] = {}
        if not ids:
            return out
        marks = ",".join("?" for _ in ids)
        detail = row_mapper(LockDetail, None, None, None, None, Decimal)
        for r in self._store.db.execute(
            f"SELECT snapshot_id, wallet, asset, lock_reason, unlock_at, locked FROM holding_locks "
            f"WHERE snapshot_id IN ({marks}) ORDER BY rowid", ids
        ).fetchall():
            out.setdefault(r[0], []).append(detail(r[1:]))
        return out


@dataclass(frozen=True, slots=True)
class WithdrawalTest:
    id: int
    counterparty: str
    tested_at: datetime
    result: str
    asset: str | None
    network: str | None
    note: str
    event_id: str | None


_TEST = row_mapper(WithdrawalTest, None, None, from_storage, None, None, None, None, None)


class ReminderRepository(Repository):
    """Per-custodian withdrawal-test schedules and the recorded results."""

    def intervals(self) -> dict[str, int | None]:
        """Per-custodian overrides: days, 0 = off; custodians absent use the default."""
        rows = self._store.db.execute(
            "SELECT counterparty, interval_days FROM withdrawal_test_schedules").fetchall()
        return {r[0]: r[1] for r in rows}

    def set_interval(self, counterparty: str, days: int | None, *, now: datetime | None = None) -> None:
        """``days`` = None returns to the default; 0 turns the reminder off."""
        if days is not None and days < 0:
            raise ValueError("the interval must be 0 (off) or a positive number of days")
        with self._store.transaction() as db:
            if days is None:
                db.execute("DELETE FROM withdrawal_test_schedules WHERE counterparty = ?", [counterparty])
                return
            db.execute(
                "INSERT INTO withdrawal_test_schedules (counterparty, interval_days, updated_at) "
                "VALUES (?, ?, ?) ON CONFLICT(counterparty) DO UPDATE SET "
                "interval_days = excluded.interval_days, updated_at = excluded.updated_at",
                [counterparty, days, to_storage(now or utc_now())])

    def record_test(self, counterparty: str, tested_at: datetime, result: str, *,
                    asset: str | None = None, network: str | None = None, note: str = "",
                    event_id: str | None = None, now: datetime | None = None) -> int:
        if result not in TEST_RESULTS:
            raise ValueError(f"result must be one of {', '.join(TEST_RESULTS)}")
        with self._store.transaction() as db:
            cursor = db.execute(
                "INSERT INTO withdrawal_tests (counterparty, tested_at, result, asset, network, note, "
                "event_id, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [counterparty, to_storage(tested_at), result, asset, network, note, event_id,
                 to_storage(now or utc_now())])
            return inserted_id(cursor)

    def set_event_id(self, test_id: int, event_id: str) -> None:
        with self._store.transaction() as db:
            db.execute("UPDATE withdrawal_tests SET event_id = ? WHERE id = ?", [event_id, test_id])

    def tests(self, counterparty: str | None = None) -> list[WithdrawalTest]:
        sql = ("SELECT id, counterparty, tested_at, result, asset, network, note, event_id "
               "FROM withdrawal_tests")
        params: list[Any] = []
        if counterparty is not None:
            sql += " WHERE counterparty = ?"
            params.append(counterparty)
        return self._all(sql + " ORDER BY tested_at, id", params, _TEST)

    def last_tests(self) -> dict[str, WithdrawalTest]:
        out: dict[str, WithdrawalTest] = {}
        for test in self.tests():
            out[test.counterparty] = test
        return out
