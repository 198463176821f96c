"""The user's news feeds: the list (in settings), and reading them into suggestions.

Nothing is fetched unless ``news_feeds_enabled`` is on: :func:`poll_all`
refuses otherwise. Each feed is read with the bounded fetch; only entries not
read before are looked at; an entry whose summary is short is completed from
its linked page when that works. A feed that is down, slow, redirects
elsewhere or sends something that is not a feed leaves everything stored as
it was and is recorded as failed with the reason (its last success stays, so
the list shows it as stale).

Threading: blocking I/O; call from a worker thread with that thread's store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

from exposure_app.domain.timeutil import utc_now
from exposure_app.risk.events import valid_url
from exposure_app.services.network_proxy import proxy_for_requests
from exposure_app.services.news_fetch import (
    FETCH_TIMEOUT,
    ArticleError,
    ArticleText,
    read_feed,
    read_url,
)
from exposure_app.services.settings import Settings
from exposure_app.services.suggestions import SuggestionError, repository, suggest_from_article
from exposure_app.storage.store import ProfileStore

MAX_FEEDS = 50
SHORT_SUMMARY = 400
MAX_PAGES_PER_POLL = 10


class FeedsOff(Exception):
    """The user has not enabled news feeds; nothing was fetched."""


@dataclass(frozen=True, slots=True)
class FeedPoll:
    """The outcome of reading one feed: new entries read and suggestions made, or an error."""

    url: str
    entries: int = 0
    added: int = 0
    merged: int = 0
    unreadable: int = 0
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_dict(self) -> dict[str, object]:
        return {"url": self.url, "ok": self.ok, "entries": self.entries, "added": self.added,
                "merged": self.merged, "unreadable": self.unreadable, "error": self.error}


def feed_urls(settings: Settings) -> list[str]:
    return list(dict.fromkeys(settings.news_feeds.split()))


def add_feed(settings: Settings, url: str) -> list[str]:
    """Add ``url`` to the list and save the settings; raises ``ValueError`` for a bad URL."""
    url = url.strip()
    if not valid_url(url):
        raise ValueError(f"{url!r} is not an http(s) URL")
    if "@" in urlsplit(url).netloc:
        # Settings are plain JSON; a password in a URL would be a secret outside the keyring.
        raise ValueError("a feed address with a user name or password is not stored; "
                         "use a feed that needs no login")
    urls = feed_urls(settings)
    if url in urls:
        raise ValueError(f"{url} is already in the list")
    if len(urls) >= MAX_FEEDS:
        raise ValueError(f"at most {MAX_FEEDS} feeds")
    settings.news_feeds = " ".join([*urls, url])
    settings.save()
    return feed_urls(settings)


def remove_feed(settings: Settings, store: ProfileStore, url: str) -> list[str]:
    urls = feed_urls(settings)
    if url.strip() not in urls:
        raise ValueError(f"{url} is not in the list")
    settings.news_feeds = " ".join(u for u in urls if u != url.strip())
    settings.save()
    repository(store).forget_feed(url.strip())
    return feed_urls(settings)


def _complete(article: ArticleText, pages_left: list[int], proxy: str | None,
              allowed_origins: tuple[str, ...], timeout: float) -> ArticleText:
    """The linked page's article when the entry's summary is short and the page reads."""
    if len(article.text) >= SHORT_SUMMARY or not valid_url(article.source) or not pages_left[0]:
        return article
    pages_left[0] -= 1
    try:
        page = read_url(article.source, proxy=proxy, allowed_origins=allowed_origins,
                        timeout=timeout)
    except ArticleError:
        return article
    return ArticleText(page.text, page.source, article.title or page.title,
                       article.published or page.published)


def poll_feed(store: ProfileStore, url: str, *, proxy: str | None = None,
              allowed_origins: tuple[str, ...] = (), timeout: float = FETCH_TIMEOUT) -> FeedPoll:
    """Read one feed's new entries into suggestions; failures are recorded, never raised."""
    repo = repository(store)
    try:
        entries = read_feed(url, proxy=proxy, allowed_origins=allowed_origins, timeout=timeout)
    except ArticleError as exc:
        error = str(exc).splitlines()[0]
        repo.record_poll(url, entries=(), error=error)
        return FeedPoll(url, error=error)
    seen = repo.seen_entries(url)
    fresh = [e for e in entries if e.key not in seen]
    added = merged = unreadable = 0
    pages_left = [MAX_PAGES_PER_POLL]
    today = utc_now().date()
    for entry in fresh:
        article = _complete(entry.article, pages_left, proxy, allowed_origins, timeout)
        published: date = min(article.published or today, today)
        try:
            outcome = suggest_from_article(store, article, published=published)
        except SuggestionError:
            unreadable += 1
            continue
        added += len(outcome.added)
        merged += len(outcome.merged)
    repo.record_poll(url, entries=[e.key for e in fresh], error=None)
    return FeedPoll(url, len(fresh), added, merged, unreadable)


def poll_all(store: ProfileStore, settings: Settings, *, allowed_origins: tuple[str, ...] = (),
             timeout: float = FETCH_TIMEOUT) -> list[FeedPoll]:
    """Read every feed in the list; raises :class:`FeedsOff` when feeds are not enabled."""
    if not settings.news_feeds_enabled:
        raise FeedsOff("news feeds are off; turn them on with "
                       "`settings set news_feeds_enabled true` (or in Settings)")
    proxy = proxy_for_requests(settings)   # ValueError when the proxy setting is unusable
    return [poll_feed(store, url, proxy=proxy, allowed_origins=allowed_origins, timeout=timeout)
            for url in feed_urls(settings)]
