"""Getting article text: from a file, a web page or an RSS/Atom feed, bounded.

* Pages and feeds are fetched with :func:`exposure_app.services.http_fetch.fetch`
  (whole-download deadline, size cap, https-only redirects, the user's proxy).
* HTML is reduced to the article's text and metadata (title, publication date)
  by trafilatura: scripts, navigation and markup never reach the reader.
* Feeds are parsed by feedparser; entry dates come from the feed.
* Files are capped in size, and anything that is not text (a binary, an
  unknown encoding) is refused with one line saying why.

Nothing here decides what an article means (that is ``risk.news``) or stores
anything (that is ``services.suggestions``).

Threading: blocking I/O; call from a worker thread (the GUI uses a background
call, the CLI its main thread).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from exposure_app.domain.urls import strip_credentials
from exposure_app.services.http_fetch import FetchError, fetch

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_PAGE_BYTES = 5 * 1024 * 1024
MAX_FEED_BYTES = 5 * 1024 * 1024
FETCH_TIMEOUT = 20.0
MAX_FEED_ENTRIES = 50
TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")


class ArticleError(Exception):
    """The article could not be read; ``str(exc)`` is one line for the user."""


@dataclass(frozen=True, slots=True)
class ArticleText:
    """An article's plain text with what its source said about it."""

    text: str
    source: str
    title: str | None = None
    published: date | None = None


@dataclass(frozen=True, slots=True)
class FeedEntry:
    key: str
    article: ArticleText


def _decode(data: bytes, what: str) -> str:
    """UTF-8 (with or without a byte-order mark) or UTF-16 with one; anything else refused."""
    try:
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            return data.decode("utf-16")
        if b"\x00" in data[:8192]:
            raise ArticleError(f"{what} is a binary file, not an article")
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ArticleError(f"{what} is not UTF-8 text") from None


def _paragraphs(text: str) -> str:
    """trafilatura puts one paragraph per line; the reader wants blank lines between them."""
    return "\n\n".join(line.strip() for line in text.splitlines() if line.strip())


def _parse_metadata_date(raw: str | None) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw[:10])
    except ValueError:
        return None


def from_html(html: str, source: str) -> ArticleText:
    """The article in an HTML page, with its title and publication date if the page has them."""
    import trafilatura

    document = trafilatura.bare_extraction(html, with_metadata=True, include_comments=False,
                                           include_tables=False)
    text = getattr(document, "text", None) if document is not None else None
    if not text or not text.strip():
        raise ArticleError(f"{source}: no article text found on the page")
    title = (getattr(document, "title", None) or "").strip() or None
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if title and lines and lines[0].strip() == title:
        lines = lines[1:]
    return ArticleText(_paragraphs("\n".join(lines)), source, title,
                       _parse_metadata_date(getattr(document, "date", None)))


def _looks_like_html(text: str) -> bool:
    return re.search(r"<(?:html|body|p|div|article)\b", text[:4096], re.I) is not None


def read_file(path: Path) -> ArticleText:
    """An article from a ``.txt``, ``.md`` or ``.html`` file (at most :data:`MAX_FILE_BYTES`)."""
    name = path.name
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise ArticleError(f"{name} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; "
                               "an article is much smaller")
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ArticleError(f"cannot read {name}: {exc.strerror or exc}") from None
    return read_bytes(data, name, html=path.suffix.lower() in HTML_SUFFIXES)


def read_bytes(data: bytes, source: str, *, html: bool = False) -> ArticleText:
    """Article text from raw bytes (a file, stdin or a drop); HTML is detected too."""
    if len(data) > MAX_FILE_BYTES:
        raise ArticleError(f"{source} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")
    text = _decode(data, source)
    if html or _looks_like_html(text):
        return from_html(text, source)
    return ArticleText(text, source)


def read_url(url: str, *, proxy: str | None = None, allowed_origins: tuple[str, ...] = (),
             timeout: float = FETCH_TIMEOUT) -> ArticleText:
    """Fetch a page (bounded) and read its article."""
    try:
        page = fetch(url, max_bytes=MAX_PAGE_BYTES, total_timeout=timeout, proxy=proxy,
                     accept="text/html,application/xhtml+xml,text/plain;q=0.8",
                     allowed_origins=allowed_origins)
    except FetchError as exc:
        raise ArticleError(str(exc)) from None
    kind = page.content_type.split(";")[0].strip().lower()
    if kind and not (kind.startswith("text/") or kind in ("application/xhtml+xml", "")):
        raise ArticleError(f"{url}: the page is {kind}, not an article")
    text = _decode(page.body, url)
    source = strip_credentials(page.final_url)
    if kind == "text/plain" and not _looks_like_html(text):
        return ArticleText(text, source)
    return from_html(text, source)


def _entry_date(entry: Mapping[str, Any]) -> date | None:  # a feedparser entry
    for key in ("published_parsed", "updated_parsed"):
        parsed = entry.get(key)
        if parsed:
            return datetime.fromtimestamp(calendar.timegm(parsed), UTC).date()
    return None


def _entry_text(entry: Mapping[str, Any]) -> str:
    import trafilatura

    parts = [c.get("value", "") for c in entry.get("content", []) or []]
    parts.append(entry.get("summary", "") or "")
    raw = max(parts, key=len)
    if "<" in raw:
        # feedparser has already sanitised the markup (no scripts); trafilatura wants a
        # whole document, and keeps one paragraph per line.
        page = f"<html><body>{raw}</body></html>"
        raw = (trafilatura.extract(page, favor_recall=True, include_comments=False)
               or trafilatura.html2txt(page) or "")
    return _paragraphs(raw)


def read_feed(url: str, *, proxy: str | None = None, allowed_origins: tuple[str, ...] = (),
              timeout: float = FETCH_TIMEOUT) -> list[FeedEntry]:
    """The newest entries (at most :data:`MAX_FEED_ENTRIES`) of an RSS or Atom feed."""
    import feedparser

    try:
        answer = fetch(url, max_bytes=MAX_FEED_BYTES, total_timeout=timeout, proxy=proxy,
                       accept="application/rss+xml,application/atom+xml,application/xml;q=0.9,"
                              "text/xml;q=0.8",
                       allowed_origins=allowed_origins)
    except FetchError as exc:
        raise ArticleError(str(exc)) from None
    parsed = feedparser.parse(answer.body)
    not_a_feed = ArticleError(f"{url}: not an RSS or Atom feed")
    if not parsed.get("version"):
        raise not_a_feed
    entries: list[FeedEntry] = []
    for entry in parsed.entries[:MAX_FEED_ENTRIES]:
        link = entry.get("link") or ""
        key = entry.get("id") or link or entry.get("title") or ""
        title = (entry.get("title") or "").strip() or None
        text = _entry_text(entry)
        if not key or not (text or title):
            continue
        source = strip_credentials(link if re.match(r"https?://", link) else url)
        entries.append(FeedEntry(str(key)[:500], ArticleText(text, source, title,
                                                             _entry_date(entry))))
    if parsed.get("bozo") and not entries:
        raise not_a_feed   # broken XML with nothing usable in it
    return entries
