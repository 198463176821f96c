"""The market price cache: daily closes and latest tickers from the price sources.

Written by the price refresh on the sync thread, read by valuation, history
and risk signals on any thread with its own store. A refresh that fails
writes nothing, so the last good prices stay, and their age is shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from exposure_app.domain.money import to_text
from exposure_app.domain.prices import DailyClose, MarketPrice
from exposure_app.domain.timeutil import from_storage, to_storage
from exposure_app.storage.prices import MARKET_PRICE_ROW, market_price_columns
from exposure_app.storage.repository import Repository


class MarketCacheRepository(Repository):
    """Threading: same as the owning :class:`ProfileStore`."""

    def save(self, closes: Iterable[DailyClose], tickers: Iterable[MarketPrice],
             fetched_at: datetime) -> None:
        """Store closes (a newer fetch of the same day replaces it) and tickers, in one go."""
        fetched = to_storage(fetched_at)
        with self._store.transaction() as db:
            db.conn.executemany(
                "INSERT INTO daily_closes (asset, quote, day, close, source, fetched_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(asset, quote, day) DO UPDATE SET "
                "close = excluded.close, source = excluded.source, fetched_at = excluded.fetched_at",
                [(c.asset, c.quote, c.day.isoformat(), to_text(c.close), c.source, fetched)
                 for c in closes],
            )
            db.conn.executemany(
                "INSERT INTO market_tickers (asset, quote, price, source, taken_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT(asset, quote) DO UPDATE SET "
                "price = excluded.price, source = excluded.source, taken_at = excluded.taken_at",
                [market_price_columns(t) for t in tickers],
            )

    def closes(self, asset: str, quote: str, start: date, end: date) -> list[tuple[date, Decimal]]:
        rows = self._store.db.execute(
            "SELECT day, close FROM daily_closes WHERE asset = ? AND quote = ? "
            "AND day >= ? AND day <= ? ORDER BY day",
            [asset, quote, start.isoformat(), end.isoformat()],
        ).fetchall()
        return [(date.fromisoformat(d), Decimal(c)) for d, c in rows]

    def all_closes(self, assets: Iterable[str] | None = None
                   ) -> dict[tuple[str, str], dict[date, Decimal]]:
        """Every cached close (of ``assets`` only, when given), by (asset, quote)."""
        sql = "SELECT asset, quote, day, close FROM daily_closes"
        params: list[str] = []
        if assets is not None:
            wanted = sorted(set(assets))
            sql += f" WHERE asset IN ({', '.join('?' * len(wanted))})" if wanted else " WHERE 0"
            params = wanted
        result: dict[tuple[str, str], dict[date, Decimal]] = {}
        for asset, quote, day, close in self._store.db.execute(sql + " ORDER BY day", params):
            result.setdefault((asset, quote), {})[date.fromisoformat(day)] = Decimal(close)
        return result

    def last_day(self, asset: str, quote: str) -> date | None:
        row = self._store.db.execute(
            "SELECT max(day) FROM daily_closes WHERE asset = ? AND quote = ?", [asset, quote]
        ).fetchone()
        return None if row[0] is None else date.fromisoformat(row[0])

    def tickers(self) -> list[MarketPrice]:
        return self._all(
            "SELECT asset, quote, price, source, taken_at FROM market_tickers ORDER BY asset, quote",
            [], MARKET_PRICE_ROW)

    def newest_fetch(self) -> datetime | None:
        """When prices were last fetched (the newest ticker or close), ``None`` if never."""
        row = self._store.db.execute(
            "SELECT max(t) FROM (SELECT max(taken_at) AS t FROM market_tickers "
            "UNION ALL SELECT max(fetched_at) FROM daily_closes)"
        ).fetchone()
        return None if row[0] is None else from_storage(row[0])
