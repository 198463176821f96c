"""Suggested events and news-feed state in the profile (tables of migration 8).

Threading: same as the owning :class:`ProfileStore` (its thread only). Every
change that touches several rows runs in one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import replace

from exposure_app.domain.timeutil import to_storage, utc_now
from exposure_app.risk.news.suggestion import Status, Suggestion
from exposure_app.storage.errors import NotFoundError, StorageError
from exposure_app.storage.feed_state import FEED_STATE, NEWS_FEED_STATE, FeedState
from exposure_app.storage.repository import Repository, Row

_FIELDS = ("status", "counterparty", "category", "date", "published", "body", "event_id")
"""A suggestion's stored columns besides ``id`` and the times, in :func:`_values`' order."""
_COLUMNS = ", ".join(("id", *_FIELDS))


def _values(suggestion: Suggestion) -> list[object]:
    """What :data:`_FIELDS` store of ``suggestion``."""
    return [suggestion.status.value, suggestion.counterparty, suggestion.category.value,
            suggestion.date.isoformat(), suggestion.published.isoformat(),
            json.dumps(suggestion.body(), ensure_ascii=False), suggestion.event_id]


class SuggestionRepository(Repository):
    """Threading: same as the owning :class:`ProfileStore`."""

    def _from_row(self, row: Row) -> Suggestion:
        values = dict(zip(("id", *_FIELDS), row, strict=True))
        try:
            return Suggestion.from_row(values, json.loads(values["body"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise StorageError(f"stored suggestion {values['id']} is damaged: {exc}") from None

    def list(self, status: Status | None = None) -> list[Suggestion]:
        sql = f"SELECT {_COLUMNS} FROM news_suggestions"
        params: list[str] = []
        if status is not None:
            sql += " WHERE status = ?"
            params.append(status.value)
        return self._all(sql + " ORDER BY date DESC, id", params, self._from_row)

    def count(self, status: Status = Status.PENDING) -> int:
        return int(self._store.db.execute(
            "SELECT COUNT(*) FROM news_suggestions WHERE status = ?", [status.value]
        ).fetchone()[0])

    def get(self, suggestion_id: int) -> Suggestion:
        return self._get(f"SELECT {_COLUMNS} FROM news_suggestions WHERE id = ?",
                         [suggestion_id], self._from_row, f"no suggestion with id {suggestion_id}")

    def add(self, suggestion: Suggestion) -> Suggestion:
        with self._store.transaction() as db:
            cursor = db.execute(
                f"INSERT INTO news_suggestions ({', '.join(_FIELDS)}, created_at) "
                f"VALUES ({', '.join('?' * (len(_FIELDS) + 1))})",
                [*_values(suggestion), to_storage(utc_now())],
            )
            return replace(suggestion, id=int(cursor.lastrowid or 0))

    def update(self, suggestion: Suggestion) -> None:
        """Write a changed suggestion back (status, fields, sources)."""
        decided = None if suggestion.status is Status.PENDING else to_storage(utc_now())
        with self._store.transaction() as db:
            cursor = db.execute(
                f"UPDATE news_suggestions SET {', '.join(f'{name} = ?' for name in _FIELDS)}, "
                "decided_at = COALESCE(decided_at, ?) WHERE id = ?",
                [*_values(suggestion), decided, suggestion.id],
            )
            if cursor.rowcount == 0:
                raise NotFoundError(f"no suggestion with id {suggestion.id}")

    # -- feeds ---------------------------------------------------------------------

    def seen_entries(self, feed_url: str) -> set[str]:
        rows = self._store.db.execute(
            "SELECT entry_key FROM news_feed_entries WHERE feed_url = ?", [feed_url]
        ).fetchall()
        return {r[0] for r in rows}

    def record_poll(self, feed_url: str, *, entries: Iterable[str], error: str | None) -> None:
        """Record one poll: the entries read (on success) and the outcome.

        A failure keeps the last success time and entry count, so the feed
        shows as stale with the reason instead of losing what it had.
        """
        now = to_storage(utc_now())
        entries = list(entries)
        with self._store.transaction() as db:
            for key in entries:
                db.execute(
                    "INSERT OR IGNORE INTO news_feed_entries (feed_url, entry_key, seen_at) "
                    "VALUES (?, ?, ?)", [feed_url, key, now])
            NEWS_FEED_STATE.record(db, feed_url, now, error=error, count=len(entries))

    def feed_state(self, feed_url: str) -> FeedState | None:
        return self._one(NEWS_FEED_STATE.select, [feed_url], FEED_STATE)

    def forget_feed(self, feed_url: str) -> None:
        with self._store.transaction() as db:
            db.execute("DELETE FROM news_feed_entries WHERE feed_url = ?", [feed_url])
            db.execute("DELETE FROM news_feed_state WHERE url = ?", [feed_url])
