"""Writing many snapshots at once: rows streamed into one insert, totals set at the end.

An import of a large file cannot hold every holding in memory until its
snapshots are complete, and the rows of one snapshot may be spread over the
file. :class:`SnapshotBatchWriter` therefore opens a snapshot row the first
time its (account, instant) appears, inserts the holdings as the caller
produces them (one ``executemany`` over a generator), and sets its totals
(or drops it) once the caller has seen every row. It must be used inside
one :meth:`ProfileStore.transaction`: a failure anywhere rolls every row
back, so readers never see a half-written import.

Snapshots this writer opened have ids of at least :attr:`first_id`; the
query for *earlier* snapshots (:meth:`SnapshotBatchWriter.usable_before_between`)
leaves them out, so the caller can compare what the file says with what the
profile held before it.

Threading: same as the owning :class:`ProfileStore`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from exposure_app.domain.models import SnapshotSource, SnapshotStatus
from exposure_app.domain.timeutil import to_storage

if TYPE_CHECKING:
    from exposure_app.storage.store import ProfileStore

# (snapshot id, wallet, asset, free, locked, total, price, value, price_source, priced as
# 0 or 1): one holdings row as inserted, every figure its stored text
StoredHolding = tuple[int, str, str, str, str, str, str | None, str | None, str | None, int]
_INSERT_HOLDING = (
    "INSERT INTO holdings (snapshot_id, wallet, asset, free, locked, total, price, value, "
    "price_source, priced) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")


class SnapshotBatchWriter:
    """Opens snapshots, inserts their holdings, finishes or drops them."""

    def __init__(self, store: ProfileStore, *, source: SnapshotSource,
                 coverage: tuple[str, ...] = ("main",)) -> None:
        self._store = store
        self._db = store.db.conn
        self._source = source.value
        self._coverage = json.dumps(list(coverage))
        self._currency = store.value_currency   # read once: it cannot change inside the import
        row = self._db.execute("SELECT COALESCE(MAX(id), 0) FROM snapshots").fetchone()
        self.first_id = int(row[0]) + 1

    def open_snapshot(self, account_id: int, taken_at: datetime) -> int:
        """A new usable snapshot row (totals still zero); returns its id."""
        cursor = self._db.execute(
            "INSERT INTO snapshots (account_id, taken_at, status, usable, source, error, "
            "coverage, missing, total_value, unpriced_count, currency) "
            "VALUES (?, ?, ?, 1, ?, NULL, ?, '{}', '0', 0, ?)",
            (account_id, to_storage(taken_at), SnapshotStatus.OK.value, self._source,
             self._coverage, self._currency),
        )
        return int(cursor.lastrowid)  # type: ignore[arg-type]

    def insert_holdings(self, rows: Iterable[StoredHolding]) -> None:
        """Insert every row of ``rows`` with one ``executemany`` that pulls them as they
        come: each row is bound and freed at once, so none pile up (a list of batched
        tuples kept the garbage collector scanning; at a million rows that was a quarter
        of the import's time). ``rows`` may open snapshots with this writer as it goes."""
        self._db.executemany(_INSERT_HOLDING, rows)

    def finish(self, snapshot_id: int, total_value: str, unpriced_count: int) -> None:
        self.finish_many([(total_value, unpriced_count, snapshot_id)])

    def finish_many(self, totals: Iterable[tuple[str, int, int]]) -> None:
        """Set ``(total_value, unpriced_count, snapshot_id)`` of many snapshots at once."""
        self._db.executemany(
            "UPDATE snapshots SET total_value = ?, unpriced_count = ? WHERE id = ?", totals)

    def drop(self, snapshot_id: int) -> None:
        """Remove an opened snapshot and its holdings."""
        self._db.execute("DELETE FROM holdings WHERE snapshot_id = ?", (snapshot_id,))
        self._db.execute("DELETE FROM snapshots WHERE id = ?", (snapshot_id,))

    def usable_before_between(self, account_id: int, start: datetime, end: datetime
                              ) -> list[tuple[str, int]]:
        """``(taken_at text, id)`` of the usable snapshots of ``account_id`` stored before
        this writer and taken from ``start`` to ``end``, after the newest one taken before
        ``start`` (if any), in time and then id order: enough to tell, for any instant in
        that span, the snapshots taken exactly then and the newest one at or before it,
        in one query."""
        first, last = to_storage(start), to_storage(end)
        rows = self._db.execute(
            "SELECT taken_at, id FROM (SELECT taken_at, id FROM snapshots "
            "INDEXED BY idx_snapshots_usable WHERE account_id = ? AND usable = 1 "
            "AND taken_at < ? AND id < ? ORDER BY taken_at DESC, id DESC LIMIT 1) "
            "UNION ALL SELECT taken_at, id FROM snapshots WHERE account_id = ? AND usable = 1 "
            "AND taken_at BETWEEN ? AND ? AND id < ? ORDER BY 1, 2",
            (account_id, first, self.first_id, account_id, first, last, self.first_id),
        ).fetchall()
        return [(str(taken_at), int(snapshot_id)) for taken_at, snapshot_id in rows]
