"""Recorded prices: the last known price is a fallback, shown with its age."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from exposure_app.domain.money import to_text
from exposure_app.domain.timeutil import from_storage, to_storage

if TYPE_CHECKING:
    from exposure_app.storage.store import ProfileStore


@dataclass(frozen=True, slots=True)
class PriceRecord:
    asset: str
    quote: str
    price: Decimal
    source: str
    taken_at: datetime


class PriceRepository:
    """Threading: same as the owning :class:`ProfileStore`."""

    def __init__(self, store: ProfileStore) -> None:
        self._store = store

    def record(self, records: list[PriceRecord]) -> None:
        with self._store.transaction() as db:
            db.conn.executemany(
                "INSERT INTO prices (asset, quote, price, source, taken_at) VALUES (?, ?, ?, ?, ?)",
                [
                    (r.asset, r.quote, to_text(r.price), r.source, to_storage(r.taken_at))
                    for r in records
                ],
            )

    def latest(self, asset: str, quote: str, as_of: datetime) -> PriceRecord | None:
        row = self._store.db.execute(
            "SELECT asset, quote, price, source, taken_at FROM prices "
            "WHERE asset = ? AND quote = ? AND taken_at <= ? ORDER BY taken_at DESC LIMIT 1",
            [asset, quote, to_storage(as_of)],
        ).fetchone()
        if row is None:
            return None
        return PriceRecord(row[0], row[1], Decimal(row[2]), row[3], from_storage(row[4]))
