"""What each exchange said about withdrawals at every refresh (``withdrawal_status_history``).

``withdrawal_networks`` keeps only the latest answer (for the checklist); this
keeps every refresh for :mod:`exposure_app.risk.withdrawal_friction`, pruned to
the last :data:`KEEP_DAYS` days at each write. Amounts are canonical decimal
TEXT. Threading: same as the owning :class:`ProfileStore`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from exposure_app.domain.timeutil import from_storage, to_storage
from exposure_app.domain.withdrawal_networks import NetworkInfo
from exposure_app.risk.withdrawal_friction import StatusSnapshot
from exposure_app.storage.repository import (
    Repository,
    amount_from_column,
    amount_to_column,
    flag_from_column,
    flag_to_column,
    row_mapper,
)

KEEP_DAYS = 120


NETWORK_INFO_ROW = row_mapper(NetworkInfo, None, None, None, None, flag_from_column,
                              flag_from_column, amount_from_column, amount_from_column,
                              amount_from_column, flag_from_column, from_storage)
"""A row of ``withdrawal_networks``, or of this table with the columns it does not keep
selected as NULL, as a :class:`NetworkInfo`: (exchange_id, asset, network, network_id,
withdraw_enabled, deposit_enabled, fee, min_amount, max_amount, memo_required, fetched_at)."""


class WithdrawalHistoryRepository(Repository):
    def record(self, exchange_id: str, infos: Iterable[NetworkInfo], fetched_at: datetime
               ) -> None:
        at = to_storage(fetched_at)
        rows = [(exchange_id, at, i.asset, i.network, flag_to_column(i.withdraw_enabled),
                 amount_to_column(i.fee), amount_to_column(i.minimum),
                 amount_to_column(i.maximum)) for i in infos]
        with self._store.transaction() as db:
            db.conn.executemany(
                "INSERT OR REPLACE INTO withdrawal_status_history (exchange_id, fetched_at, "
                "asset, network, withdraw_enabled, fee, min_amount, max_amount) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
            db.execute("DELETE FROM withdrawal_status_history WHERE exchange_id = ? AND "
                       "fetched_at < ?",
                       [exchange_id, to_storage(fetched_at - timedelta(days=KEEP_DAYS))])

    def snapshots(self, exchange_id: str, *, since: datetime, until: datetime
                  ) -> list[StatusSnapshot]:
        """Each refresh from ``since`` to ``until``, oldest first; network id, deposit and
        memo flags are not kept here, so they read as ``None`` (unknown)."""
        rows = self._store.db.execute(
            "SELECT fetched_at, exchange_id, asset, network, NULL, withdraw_enabled, NULL, fee, "
            "min_amount, max_amount, NULL, fetched_at FROM withdrawal_status_history "
            "WHERE exchange_id = ? AND fetched_at >= ? AND fetched_at <= ? "
            "ORDER BY fetched_at, asset, network",
            [exchange_id, to_storage(since), to_storage(until)]).fetchall()
        grouped: dict[str, list[NetworkInfo]] = {}
        for row in rows:
            grouped.setdefault(row[0], []).append(NETWORK_INFO_ROW(row[1:]))
        return [StatusSnapshot(from_storage(at), tuple(nets)) for at, nets in grouped.items()]
