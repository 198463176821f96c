"""The state of a polled feed, for the event feed and the news feeds alike.

Each kind of feed keeps one row per URL in its own table (``event_feed_state``,
``news_feed_state``); both tables have the same columns but for the name of
the count, so one :class:`FeedStateTable` writes and reads either. A failed
read keeps the last success time and count: the feed shows as stale with the
reason instead of losing what it had.

Threading: called inside a repository's methods, on its store's thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from exposure_app.domain.timeutil import from_storage
from exposure_app.storage.repository import optional, row_mapper


@dataclass(frozen=True, slots=True)
class FeedState:
    url: str
    attempted_at: datetime
    succeeded_at: datetime | None
    error: str | None
    """Why the last try failed; ``None`` after a good read."""
    count: int
    """What the last good read gave: events (event feed) or entries (a news feed)."""


FEED_STATE = row_mapper(FeedState, None, from_storage, optional(from_storage), None, None)
"""A row of :attr:`FeedStateTable.select` as a :class:`FeedState`."""


@dataclass(frozen=True, slots=True)
class FeedStateTable:
    """One feed-state table: its name and the name of its count column (schema constants)."""

    table: str
    count_column: str

    @property
    def select(self) -> str:
        """The query for one URL's state (one ``?``: the URL), mapped by :data:`FEED_STATE`."""
        return (f"SELECT url, attempted_at, succeeded_at, error, {self.count_column} "
                f"FROM {self.table} WHERE url = ?")

    def record(self, db: Any, url: str, at: str, *, error: str | None, count: int) -> None:
        """Record one try at ``at`` (storage text): a success (``error`` None) with ``count``,
        or a failure, which keeps the last success time and count."""
        table, counted = self.table, self.count_column
        db.execute(
            f"INSERT INTO {table} (url, attempted_at, succeeded_at, error, {counted}) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT(url) DO UPDATE SET "
            "attempted_at = excluded.attempted_at, error = excluded.error, "
            f"succeeded_at = COALESCE(excluded.succeeded_at, {table}.succeeded_at), "
            f"{counted} = CASE WHEN excluded.succeeded_at IS NULL "
            f"THEN {table}.{counted} ELSE excluded.{counted} END",
            [url, at, at if error is None else None, error, count],
        )


EVENT_FEED_STATE = FeedStateTable("event_feed_state", "event_count")
NEWS_FEED_STATE = FeedStateTable("news_feed_state", "entry_count")
