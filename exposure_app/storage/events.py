"""Risk data in the profile: user and feed events, reserve-data cache, feed state.

Events are stored as their JSON form (the shared schema) plus indexed columns.
Every multi-row change (an import, a feed update) is one transaction, so a
failure leaves the previous set in place.
"""

from __future__ import annotations

import builtins
import json
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, TypeVar

from exposure_app.domain.counterparties import CounterpartyDirectory
from exposure_app.domain.timeutil import from_storage, to_storage, utc_now
from exposure_app.risk.catalog import CatalogError, load_directory, parse_counterparty
from exposure_app.risk.events import EventError, Origin, RiskEvent, parse_event, parse_published
from exposure_app.risk.links import Link, LinkError, parse_link
from exposure_app.risk.outflows import ReserveSeries
from exposure_app.risk.reserve_data import ReserveDataError, series_from_json, series_to_json
from exposure_app.storage.errors import ConflictError, NotFoundError, StorageError
from exposure_app.storage.feed_state import EVENT_FEED_STATE, FEED_STATE, FeedState
from exposure_app.storage.repository import Repository

# Parsed reserve series keyed by (database path, slug, fetched_at). The records
# are immutable, so threads may share them; the lock guards the dict itself.
_PARSED: dict[tuple[str, str, str], CachedSeries] = {}
_PARSED_LOCK = threading.Lock()


T = TypeVar("T")


def _json_body(entry: dict[str, Any]) -> str:
    """How an entry is stored: its JSON with sorted keys, so equal entries store equal."""
    return json.dumps(entry, sort_keys=True, ensure_ascii=False)


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    added: int
    updated: int
    unchanged: int
    links: ImportOutcome | None = None
    """The links the same file carried, if any."""
    counterparties: ImportOutcome | None = None
    """The user's own counterparties the same file carried, if any."""


@dataclass(frozen=True, slots=True)
class CachedSeries:
    series: ReserveSeries
    fetched_at: datetime
    source_url: str


class RiskEventRepository(Repository):
    """Threading: same as the owning :class:`ProfileStore`."""

    # -- events ------------------------------------------------------------------

    # -- the user's counterparties (custodians the catalogue lacks) ---------------

    def user_counterparty_entries(self) -> builtins.list[dict[str, Any]]:
        """The stored entries (catalogue schema), by id."""
        rows = self._store.db.execute("SELECT body FROM user_counterparties ORDER BY id")
        return [json.loads(body) for (body,) in rows.fetchall()]

    def directory(self) -> CounterpartyDirectory:
        """The shipped catalogue plus the user's own counterparties."""
        entries = self.user_counterparty_entries()
        if not entries:
            return load_directory()
        try:
            own = [parse_counterparty(entry) for entry in entries]
            return CounterpartyDirectory([*load_directory(), *own])
        except (CatalogError, ValueError) as exc:
            raise StorageError(f"a stored counterparty is damaged: {exc}") from None

    def import_user_counterparties(self, entries: Iterable[dict[str, Any]]) -> ImportOutcome:
        """Add or update the user's counterparties (already validated) in one transaction."""
        return self._import_bodies("user_counterparties", entries, lambda entry: entry["id"],
                                   lambda entry, _stored: _json_body(entry))

    def _import_bodies(self, table: str, items: Iterable[T], id_of: Callable[[T], str],
                       body_of: Callable[[T, str | None], str]) -> ImportOutcome:
        """Add or update rows of a user table kept as JSON bodies (``user_counterparties``,
        ``user_links``: id, body, created_at, updated_at), in one transaction, counting
        what was added, updated and left as it was. ``body_of`` gets the item and the
        body stored under its id (``None`` for a new one)."""
        added = updated = unchanged = 0
        now = to_storage(utc_now())
        with self._store.transaction() as db:
            for item in items:
                item_id = id_of(item)
                row = db.execute(f"SELECT body FROM {table} WHERE id = ?", [item_id]).fetchone()
                body = body_of(item, None if row is None else row[0])
                if row is None:
                    db.execute(f"INSERT INTO {table} (id, body, created_at, updated_at) "
                               "VALUES (?, ?, ?, ?)", [item_id, body, now, now])
                    added += 1
                elif row[0] == body:
                    unchanged += 1
                else:
                    db.execute(f"UPDATE {table} SET body = ?, updated_at = ? WHERE id = ?",
                               [body, now, item_id])
                    updated += 1
        return ImportOutcome(added, updated, unchanged)

    def _row_to_event(self, origin: str, body: str, created_at: str,
                      directory: CounterpartyDirectory | None = None) -> RiskEvent:
        try:
            return parse_event(json.loads(body), directory=directory or self.directory(),
                               origin=Origin(origin), added_at=from_storage(created_at))
        except (EventError, ValueError) as exc:
            raise StorageError(f"a stored risk event is damaged: {exc}") from None

    def list(self, *, origin: Origin | None = None, counterparty: str | None = None
             ) -> list[RiskEvent]:
        sql = "SELECT origin, body, created_at FROM risk_events"
        where, params = [], []
        if origin is not None:
            where.append("origin = ?")
            params.append(origin.value)
        if counterparty is not None:
            where.append("counterparty = ?")
            params.append(counterparty)
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY date, id"
        rows = self._store.db.execute(sql, params).fetchall()
        directory = self.directory()
        return [self._row_to_event(origin, body, created_at, directory=directory)
                for origin, body, created_at in rows]

    def get(self, event_id: str) -> RiskEvent | None:
        return self._one("SELECT origin, body, created_at FROM risk_events WHERE id = ?",
                         [event_id], lambda row: self._row_to_event(*row))

    def _write(self, event: RiskEvent, *, now: str, insert: bool) -> None:
        body = _json_body(event.to_dict())
        db = self._store.db
        if insert:
            db.execute(
                "INSERT INTO risk_events (id, origin, counterparty, date, category, body, "
                "created_at, updated_at, published) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [event.id, event.origin.value, event.counterparty, event.date.isoformat(),
                 event.category.value, body, now, now, to_storage(event.published)],
            )
        else:
            db.execute(
                "UPDATE risk_events SET counterparty = ?, date = ?, category = ?, body = ?, "
                "updated_at = ?, published = ? WHERE id = ?",
                [event.counterparty, event.date.isoformat(), event.category.value, body, now,
                 to_storage(event.published), event.id],
            )

    def add_user(self, event: RiskEvent) -> None:
        if event.origin is not Origin.USER:
            raise ValueError("only user events are added this way")
        with self._store.transaction():
            if self.get(event.id) is not None:
                raise ConflictError(f"an event with id {event.id!r} already exists")
            self._write(event, now=to_storage(utc_now()), insert=True)

    def replace_user(self, event: RiskEvent) -> None:
        with self._store.transaction():
            current = self.get(event.id)
            if current is None or current.origin is not Origin.USER:
                raise NotFoundError(f"no event of yours with id {event.id!r}")
            self._write(event, now=to_storage(utc_now()), insert=False)

    def remove_user(self, event_id: str) -> None:
        with self._store.transaction() as db:
            cursor = db.execute(
                "DELETE FROM risk_events WHERE id = ? AND origin = 'user'", [event_id]
            )
            if cursor.rowcount == 0:
                raise NotFoundError(f"no event of yours with id {event_id!r}")

    def import_user(self, events: Iterable[RiskEvent], *,
                    defaulted_at: datetime | None = None) -> ImportOutcome:
        """Add or update user events in one transaction (ids of feed events are refused).

        ``defaulted_at``: the ``published`` given to entries without one; such an entry
        keeps the ``published`` of the event it updates (re-importing a file does not
        move when the event became known)."""
        added = updated = unchanged = 0
        now = to_storage(utc_now())
        with self._store.transaction():
            for event in events:
                current = self.get(event.id)
                if (current is not None and defaulted_at is not None
                        and event.published == defaulted_at.replace(microsecond=0)):
                    event = replace(event, published=current.published)
                if current is None:
                    self._write(event, now=now, insert=True)
                    added += 1
                elif current.origin is not Origin.USER:
                    raise ConflictError(
                        f"id {event.id!r} belongs to a feed event; use another id"
                    )
                elif current.to_dict() == event.to_dict():
                    unchanged += 1
                else:
                    self._write(event, now=now, insert=False)
                    updated += 1
        return ImportOutcome(added, updated, unchanged)

    def replace_feed(self, url: str, events: Iterable[RiskEvent]) -> int:
        """Make ``events`` the feed's whole set (one transaction) and record success."""
        events = list(events)
        now = to_storage(utc_now())
        with self._store.transaction() as db:
            db.execute("DELETE FROM risk_events WHERE origin = 'feed'")
            for event in events:
                existing = self.get(event.id)
                if existing is not None:
                    raise ConflictError(
                        f"feed event id {event.id!r} is already one of your own events"
                    )
                self._write(event, now=now, insert=True)
            EVENT_FEED_STATE.record(db, url, now, error=None, count=len(events))
        return len(events)

    # -- the user's links ------------------------------------------------------------

    def user_links(self) -> builtins.list[Link]:   # `list` here is the method above
        rows = self._store.db.execute(
            "SELECT body, created_at FROM user_links ORDER BY id").fetchall()
        out = []
        directory = self.directory()
        for body, created_at in rows:
            try:
                out.append(parse_link(json.loads(body), directory=directory,
                                      origin=Origin.USER, added_at=from_storage(created_at)))
            except (LinkError, ValueError) as exc:
                raise StorageError(f"a stored link is damaged: {exc}") from None
        return out

    def import_user_links(self, links: Iterable[Link], *,
                          defaulted_at: datetime | None = None) -> ImportOutcome:
        """Add or update the user's links in one transaction (``defaulted_at``: as for
        :meth:`import_user`)."""

        def body_of(link: Link, stored: str | None) -> str:
            if (stored is not None and defaulted_at is not None
                    and link.published == defaulted_at.replace(microsecond=0)):
                old = json.loads(stored).get("published")
                if old:
                    link = replace(link, published=parse_published(old))
            return _json_body(link.to_dict())

        return self._import_bodies("user_links", links, lambda link: link.id, body_of)

    def remove_user_link(self, link_id: str) -> None:
        with self._store.transaction() as db:
            if db.execute("DELETE FROM user_links WHERE id = ?", [link_id]).rowcount == 0:
                raise NotFoundError(f"no link of yours with id {link_id!r}")

    # -- feed state ----------------------------------------------------------------

    def record_feed_failure(self, url: str, error: str) -> None:
        with self._store.transaction() as db:
            EVENT_FEED_STATE.record(db, url, to_storage(utc_now()), error=error, count=0)

    def feed_state(self, url: str) -> FeedState | None:
        return self._one(EVENT_FEED_STATE.select, [url], FEED_STATE)

    # -- reserve data cache ----------------------------------------------------------

    def save_series(self, series: ReserveSeries, *, fetched_at: datetime, source_url: str
                    ) -> None:
        with self._store.transaction() as db:
            db.execute(
                "INSERT INTO reserve_cache (slug, fetched_at, source_url, series) "
                "VALUES (?, ?, ?, ?) ON CONFLICT(slug) DO UPDATE SET "
                "fetched_at = excluded.fetched_at, source_url = excluded.source_url, "
                "series = excluded.series",
                [series.slug, to_storage(fetched_at), source_url,
                 json.dumps(series_to_json(series), separators=(",", ":"))],
            )
            db.execute(
                "INSERT INTO reserve_fetch_log (slug, attempted_at, error) VALUES (?, ?, NULL) "
                "ON CONFLICT(slug) DO UPDATE SET attempted_at = excluded.attempted_at, "
                "error = NULL",
                [series.slug, to_storage(fetched_at)],
            )

    def record_series_failure(self, slug: str, error: str) -> None:
        with self._store.transaction() as db:
            db.execute(
                "INSERT INTO reserve_fetch_log (slug, attempted_at, error) VALUES (?, ?, ?) "
                "ON CONFLICT(slug) DO UPDATE SET attempted_at = excluded.attempted_at, "
                "error = excluded.error",
                [slug, to_storage(utc_now()), error],
            )

    def series_error(self, slug: str) -> str | None:
        return self._one("SELECT error FROM reserve_fetch_log WHERE slug = ?", [slug],
                         lambda row: row[0])

    def cached_series(self, slug: str) -> CachedSeries | None:
        """The cached series (parsed once per fetch and process: parsing is the slow part)."""
        row = self._store.db.execute(
            "SELECT fetched_at, source_url FROM reserve_cache WHERE slug = ?", [slug]
        ).fetchone()
        if row is None:
            return None
        where = str(self._store.path) if self._store.path else f"memory-{id(self._store)}"
        key = (where, slug, row[0])
        cached = _PARSED.get(key)
        if cached is not None:
            return cached
        body = self._store.db.execute(
            "SELECT series FROM reserve_cache WHERE slug = ?", [slug]
        ).fetchone()[0]
        fetched_at = from_storage(row[0])
        try:
            series = series_from_json(json.loads(body), fetched_at)
        except (ValueError, ReserveDataError):
            return None
        result = CachedSeries(series, fetched_at, row[1])
        with _PARSED_LOCK:
            if len(_PARSED) >= 16:
                _PARSED.pop(next(iter(_PARSED)))
            _PARSED[key] = result
        return result
