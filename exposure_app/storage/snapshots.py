"""Snapshots and their holdings.

A snapshot is written in one transaction with all its holdings, so a crash
leaves either the whole capture or none of it. Failed captures are recorded
too (status ``failed``, no holdings) so that the account's last good snapshot
can be shown as stale with the reason.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from exposure_app.domain.models import (
    Account,
    AccountState,
    Holding,
    Snapshot,
    SnapshotSource,
    SnapshotStatus,
)
from exposure_app.domain.money import add, to_text
from exposure_app.domain.timeutil import from_storage, to_storage
from exposure_app.storage.repository import Repository, amount_from_column, amount_to_column, row_mapper
from exposure_app.storage.sql import inserted_id

_SNAPSHOT_COLUMNS = (
    "id, account_id, taken_at, status, source, error, coverage, missing, currency"
)
_HOLDING_FIELDS = "wallet, asset, free, locked, total, price, value, price_source, carried_from"
_HOLDING_COLUMNS = f"snapshot_id, {_HOLDING_FIELDS}"
_HOLDING = row_mapper(Holding, None, None, Decimal, Decimal, Decimal, amount_from_column,
                      amount_from_column, None, None)
"""A row of :data:`_HOLDING_FIELDS` as a :class:`Holding`."""


class SnapshotRepository(Repository):
    """Threading: same as the owning :class:`ProfileStore`.

    Each snapshot row also keeps ``total_value`` (the exact Decimal sum of its
    priced holdings) so that history charts and reports read one row per
    capture instead of scanning every holding.
    """

    # -- writing ---------------------------------------------------------------

    def save(self, snapshot: Snapshot) -> int:
        """Store ``snapshot`` and its holdings atomically; returns the new id."""
        with self._store.transaction() as db:
            cursor = db.execute(
                "INSERT INTO snapshots (account_id, taken_at, status, usable, source, error, "
                "coverage, missing, total_value, unpriced_count, currency) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    snapshot.account_id,
                    to_storage(snapshot.taken_at),
                    snapshot.status.value,
                    int(snapshot.is_usable),
                    snapshot.source.value,
                    snapshot.error,
                    json.dumps(list(snapshot.coverage)),
                    json.dumps(dict(snapshot.missing), sort_keys=True),
                    to_text(add(*(h.value for h in snapshot.holdings if h.value is not None))),
                    sum(1 for h in snapshot.holdings if h.value is None and h.total != 0),
                    snapshot.currency or self._store.value_currency,
                ],
            )
            snapshot_id = inserted_id(cursor)
            db.conn.executemany(
                f"INSERT INTO holdings ({_HOLDING_COLUMNS}, priced) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        snapshot_id,
                        h.wallet,
                        h.asset,
                        to_text(h.free),
                        to_text(h.locked),
                        to_text(h.total),
                        amount_to_column(h.price),
                        amount_to_column(h.value),
                        h.price_source,
                        h.carried_from,
                        int(h.priced),
                    )
                    for h in snapshot.holdings
                ],
            )
        return snapshot_id

    def record_failure(
        self, account_id: int, taken_at: datetime, error: str, source: SnapshotSource
    ) -> int:
        return self.save(
            Snapshot(
                id=None,
                account_id=account_id,
                taken_at=taken_at,
                status=SnapshotStatus.FAILED,
                error=error,
                source=source,
            )
        )

    def reprice(self, snapshot_id: int, holdings: Sequence[Holding],
                currency: str | None = None) -> None:
        """Set the prices and values of a stored snapshot's holdings (same amounts, same
        order as :meth:`holdings` returns them) and its totals, in one transaction;
        with ``currency``, the figures are now in that currency."""
        with self._store.transaction() as db:
            ids = [r[0] for r in db.execute(
                "SELECT id FROM holdings WHERE snapshot_id = ? ORDER BY id", [snapshot_id])]
            if len(ids) != len(holdings):
                raise ValueError("reprice: the holdings do not match the snapshot")
            db.conn.executemany(
                "UPDATE holdings SET price = ?, value = ?, price_source = ?, priced = ? "
                "WHERE id = ?",
                [(amount_to_column(h.price), amount_to_column(h.value), h.price_source, int(h.priced), row_id)
                 for h, row_id in zip(holdings, ids, strict=True)],
            )
            db.execute(
                "UPDATE snapshots SET total_value = ?, unpriced_count = ? WHERE id = ?",
                [to_text(add(*(h.value for h in holdings if h.value is not None))),
                 sum(1 for h in holdings if h.value is None and h.total != 0), snapshot_id],
            )
            if currency is not None:
                db.execute("UPDATE snapshots SET currency = ? WHERE id = ?",
                           [currency, snapshot_id])

    def delete(self, snapshot_id: int) -> None:
        with self._store.transaction() as db:
            db.execute("DELETE FROM snapshots WHERE id = ?", [snapshot_id])

    # -- reading ---------------------------------------------------------------

    def _snapshot_from_row(self, row: Sequence[Any], *, with_holdings: bool = True) -> Snapshot:
        holdings: tuple[Holding, ...] = ()
        if with_holdings:
            holdings = tuple(self.holdings(row[0]))
        return Snapshot(
            id=row[0],
            account_id=row[1],
            taken_at=from_storage(row[2]),
            status=SnapshotStatus(row[3]),
            source=SnapshotSource(row[4]),
            error=row[5],
            coverage=tuple(json.loads(row[6])),
            missing=json.loads(row[7]),
            holdings=holdings,
            currency=row[8],
        )

    def _snapshot_without_holdings(self, row: Sequence[Any]) -> Snapshot:
        return self._snapshot_from_row(row, with_holdings=False)

    def holdings(self, snapshot_id: int) -> list[Holding]:
        return self._all(
            f"SELECT {_HOLDING_FIELDS} FROM holdings WHERE snapshot_id = ? ORDER BY id",
            [snapshot_id], _HOLDING)

    def usable_holdings(self, as_of: datetime) -> Iterator[tuple[Snapshot, Holding]]:
        """Every holding of every usable snapshot taken at or before ``as_of``, oldest
        capture first, each with its snapshot (without holdings; one object per capture).

        Streams one cursor over the join, so memory stays flat however long the history.
        """
        cursor = self._store.db.execute(
            f"SELECT {_prefixed('s', _SNAPSHOT_COLUMNS)}, {_prefixed('h', _HOLDING_FIELDS)} "
            "FROM snapshots s JOIN holdings h ON h.snapshot_id = s.id "
            "WHERE s.usable = 1 AND s.taken_at <= ? ORDER BY s.taken_at, s.id, h.id",
            [to_storage(as_of)],
        )
        split = _SNAPSHOT_COLUMNS.count(",") + 1
        snapshot: Snapshot | None = None
        for row in cursor:
            if snapshot is None or snapshot.id != row[0]:
                snapshot = self._snapshot_without_holdings(row[:split])
            yield snapshot, _HOLDING(row[split:])

    def get(self, snapshot_id: int) -> Snapshot | None:
        return self._one(f"SELECT {_SNAPSHOT_COLUMNS} FROM snapshots WHERE id = ?",
                         [snapshot_id], self._snapshot_from_row)

    def latest_usable(self, account_id: int, as_of: datetime) -> Snapshot | None:
        """The newest ok/partial snapshot at or before ``as_of`` (index seek, no scan)."""
        return self._one(
            f"SELECT {_SNAPSHOT_COLUMNS} FROM snapshots INDEXED BY idx_snapshots_usable "
            "WHERE account_id = ? AND usable = 1 AND taken_at <= ? "
            "ORDER BY taken_at DESC, id DESC LIMIT 1",
            [account_id, to_storage(as_of)], self._snapshot_from_row)

    def held_assets(self, as_of: datetime | None = None, *,
                    exchange_id: str | None = None) -> set[str]:
        """The assets in every account's latest usable snapshot (taken at or before
        ``as_of``, when given), of the accounts on ``exchange_id`` only, when given."""
        bound, params = ("", []) if as_of is None else (" AND s2.taken_at <= ?",
                                                        [to_storage(as_of)])
        accounts = ""
        if exchange_id is not None:
            accounts, params = " WHERE a.exchange_id = ?", [*params, exchange_id]
        rows = self._store.db.execute(
            "SELECT DISTINCT h.asset FROM accounts a JOIN snapshots s ON s.id = ("
            "  SELECT s2.id FROM snapshots s2 INDEXED BY idx_snapshots_usable"
            f"  WHERE s2.account_id = a.id AND s2.usable = 1{bound}"
            "  ORDER BY s2.taken_at DESC, s2.id DESC LIMIT 1) "
            f"JOIN holdings h ON h.snapshot_id = s.id{accounts}", params,
        ).fetchall()
        return {r[0] for r in rows}

    def latest_attempt(self, account_id: int, as_of: datetime) -> Snapshot | None:
        """The newest capture of any status at or before ``as_of``, without holdings."""
        return self._one(
            f"SELECT {_SNAPSHOT_COLUMNS} FROM snapshots INDEXED BY idx_snapshots_account_time "
            "WHERE account_id = ? AND taken_at <= ? ORDER BY taken_at DESC, id DESC LIMIT 1",
            [account_id, to_storage(as_of)], self._snapshot_without_holdings)

    def state(self, account: Account, as_of: datetime) -> AccountState:
        """The account as seen at ``as_of``: last good snapshot, stale if a later try failed."""
        usable = self.latest_usable(account.id, as_of)
        attempt = self.latest_attempt(account.id, as_of)
        stale_reason = None
        last_attempt_at = None
        if attempt is not None:
            last_attempt_at = attempt.taken_at
            newer = usable is None or (attempt.taken_at, attempt.id) > (usable.taken_at, usable.id)
            if attempt.status is SnapshotStatus.FAILED and newer:
                stale_reason = attempt.error or "the last capture failed"
        return AccountState(account, usable, stale_reason, last_attempt_at)

    def states(self, accounts: Iterable[Account], as_of: datetime) -> list[AccountState]:
        return [self.state(account, as_of) for account in accounts]

    def list_for_account(self, account_id: int, *, limit: int | None = None) -> list[Snapshot]:
        """Captures of one account, newest first, without holdings."""
        sql = (
            f"SELECT {_SNAPSHOT_COLUMNS} FROM snapshots WHERE account_id = ? "
            "ORDER BY taken_at DESC, id DESC"
        )
        params: list[object] = [account_id]
        if limit is not None:
            sql += " LIMIT ?"
            params.append(limit)
        return self._all(sql, params, self._snapshot_without_holdings)

    def ids_at(self, account_id: int, taken_at: datetime) -> list[int]:
        """The usable snapshots of an account taken at exactly ``taken_at``."""
        rows = self._store.db.execute(
            "SELECT id FROM snapshots WHERE account_id = ? AND taken_at = ? AND usable = 1 "
            "ORDER BY id", [account_id, to_storage(taken_at)],
        ).fetchall()
        return [row[0] for row in rows]

    def find_identical(self, snapshot: Snapshot) -> int | None:
        """The id of a stored usable snapshot with the same account, time and holdings.

        Lets an import be re-run without duplicating captures.
        """
        rows = self._store.db.execute(
            "SELECT id FROM snapshots WHERE account_id = ? AND taken_at = ? AND usable = 1",
            [snapshot.account_id, to_storage(snapshot.taken_at)],
        ).fetchall()
        wanted = sorted(holding_key(h) for h in snapshot.holdings)
        for (snapshot_id,) in rows:
            if sorted(holding_key(h) for h in self.holdings(snapshot_id)) == wanted:
                return int(snapshot_id)
        return None


def _prefixed(table: str, columns: str) -> str:
    """``"a, b"`` as ``"t.a, t.b"`` (columns of one table in a join)."""
    return ", ".join(f"{table}.{column.strip()}" for column in columns.split(","))


def holding_key(h: Holding) -> tuple[str, ...]:
    """A comparable identity of a holding's figures (canonical decimal text)."""
    return tuple(
        "" if v is None else (to_text(v) if isinstance(v, Decimal) else str(v))
        for v in (h.wallet, h.asset, h.free, h.locked, h.total, h.price, h.value)
    )
