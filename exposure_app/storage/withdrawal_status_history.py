"""What each exchange said about withdrawals at every refresh (``withdrawal_status_history``).

``withdrawal_networks`` keeps only the latest answer (for the checklist); this
keeps every refresh for :mod:`exposure_app.risk.withdrawal_friction`, pruned to
the last :data:`KEEP_DAYS` days at each write. Amounts are canonical decimal
TEXT. Threading: same as the owning :class:`ProfileStore`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from exposure_app.domain.money import to_text
from exposure_app.domain.timeutil import from_storage, to_storage
from exposure_app.domain.withdrawal_networks import NetworkInfo
from exposure_app.risk.withdrawal_friction import NetworkStatus, StatusSnapshot

if TYPE_CHECKING:
    from exposure_app.storage.store import ProfileStore

KEEP_DAYS = 120


def _flag(value: bool | None) -> int | None:
    return None if value is None else int(value)


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else to_text(value)


class WithdrawalHistoryRepository:
    def __init__(self, store: ProfileStore) -> None:
        self._store = store

    def record(self, exchange_id: str, infos: Iterable[NetworkInfo], fetched_at: datetime
               ) -> None:
        at = to_storage(fetched_at)
        rows = [(exchange_id, at, i.asset, i.network, _flag(i.withdraw_enabled), _amount(i.fee),
                 _amount(i.minimum), _amount(i.maximum)) for i in infos]
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
        rows = self._store.db.execute(
            "SELECT fetched_at, asset, network, withdraw_enabled, fee, min_amount, max_amount "
            "FROM withdrawal_status_history WHERE exchange_id = ? AND fetched_at >= ? AND "
            "fetched_at <= ? ORDER BY fetched_at, asset, network",
            [exchange_id, to_storage(since), to_storage(until)]).fetchall()
        grouped: dict[str, list[NetworkStatus]] = {}
        for at, asset, network, enabled, fee, minimum, maximum in rows:
            grouped.setdefault(at, []).append(NetworkStatus(
                asset, network, None if enabled is None else bool(enabled),
                None if fee is None else Decimal(fee),
                None if minimum is None else Decimal(minimum),
                None if maximum is None else Decimal(maximum)))
        return [StatusSnapshot(from_storage(at), tuple(nets)) for at, nets in grouped.items()]
