"""Updates events from the feed URL the user configured (``Settings.events_feed_url``).

The feed is a JSON document in the events schema (``{"version": 1, "events":
[...]}``). It is validated as a whole: if any entry fails, nothing changes and
the error lists every failed entry. A valid feed replaces the previous feed
events in one transaction. Feed events may not reuse a shipped id (the shipped
history is never overwritten) nor one of the user's own ids.

Downloads are bounded as a whole (``timeout`` covers the entire download,
:data:`MAX_BYTES` the body) by :mod:`exposure_app.services.http_fetch`.

Threading: blocking I/O; call from a worker thread with that thread's store.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from exposure_app.domain.timeutil import utc_now
from exposure_app.risk.catalog import load_directory
from exposure_app.risk.event_io import EventFileError, load_shipped_events, read_events_text
from exposure_app.risk.events import EventSetError, Origin
from exposure_app.services.http_fetch import FetchError, fetch, origin_of
from exposure_app.storage.errors import ConflictError
from exposure_app.storage.store import ProfileStore

MAX_BYTES = 20 * 1024 * 1024


class FeedError(Exception):
    """The feed could not be used; nothing was changed."""


@dataclass(frozen=True, slots=True)
class FeedUpdate:
    url: str
    events: int


def _fetch(url: str, timeout: float, proxy: str | None) -> str:
    """The feed's text: a local ``file:`` URL read up to the cap, anything else
    through :func:`~exposure_app.services.http_fetch.fetch` (whole-download
    deadline, size cap, https-only redirects, the proxy)."""
    parts = urlsplit(url)
    if parts.scheme == "file":
        path = Path(url2pathname(parts.path))
        try:
            with path.open("rb") as handle:
                body = handle.read(MAX_BYTES + 1)
        except OSError as exc:
            raise FeedError(f"{url}: {exc.strerror or exc}") from None
        if len(body) > MAX_BYTES:
            raise FeedError(f"{url}: feed larger than {MAX_BYTES} bytes")
    else:
        try:
            # redirects: to https, or within the feed's own origin (a plain-http feed)
            body = fetch(url, max_bytes=MAX_BYTES, total_timeout=timeout, proxy=proxy,
                         accept="application/json", allowed_origins=(origin_of(url),)).body
        except FetchError as exc:
            raise FeedError(str(exc)) from None
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FeedError(f"{url}: not UTF-8 text") from None


def update_from_feed(store: ProfileStore, url: str, *, timeout: float = 30,
                     proxy: str | None = None) -> FeedUpdate:
    """Fetch, validate and store the feed; raises :class:`FeedError` (nothing changed)."""
    url = url.strip()
    if not url:
        raise FeedError("no feed URL: pass one or set events_feed_url in the settings")
    try:
        text = _fetch(url, timeout, proxy)
        reserved = {e.id: "is a shipped event and cannot be replaced by a feed"
                    for e in load_shipped_events()}
        reserved.update({e.id: "is one of your own events"
                         for e in store.risk.list(origin=Origin.USER)})
        events = read_events_text(
            text, fmt="json", directory=load_directory(), origin=Origin.FEED,
            what=f"feed {url}", today=utc_now().date(), reserved_ids=reserved,
            added_at=utc_now(),
        )
        count = store.risk.replace_feed(url, events)
    except (FeedError, EventFileError, EventSetError, ConflictError) as exc:
        store.risk.record_feed_failure(url, str(exc).splitlines()[0])
        if isinstance(exc, FeedError):
            raise
        raise FeedError(str(exc)) from None
    return FeedUpdate(url, count)
