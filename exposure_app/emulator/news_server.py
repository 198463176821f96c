"""A loopback news site for tests and the demo: articles, RSS and Atom feeds, and faults.

:class:`NewsServer` serves whatever is put in :attr:`NewsServer.pages`
(path -> (content type, body)), plus hostile answers: ``/slow`` (a feed that
drips one byte every ``drip_interval`` seconds), ``/huge`` (an endless body),
``/garbage`` (bytes that are no feed), ``/down`` (HTTP 503) and
``/redirect?to=URL`` (a 302 to any URL: another host, another scheme).
:func:`article_html`, :func:`rss_feed` and :func:`atom_feed` build realistic
pages and feeds (with scripts and navigation around the article, and the
publication date in the page's metadata) from plain text.

Threading: a ``ThreadingHTTPServer`` on a daemon thread bound to 127.0.0.1;
tests change :attr:`pages` between requests (plain dict writes).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime
from http.server import ThreadingHTTPServer
from urllib.parse import SplitResult, parse_qs

from exposure_app.emulator.http_faults import LoopbackHandler, _Background


@dataclass(frozen=True)
class NewsItem:
    title: str
    link: str
    published: datetime
    summary: str
    guid: str = ""


def article_html(title: str, paragraphs: Sequence[str], published: datetime) -> bytes:
    """A news page: navigation, scripts, the article, a footer; date in the metadata."""
    body = "\n".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{html.escape(title)} | Loopback News</title>
<meta property="og:title" content="{html.escape(title)}">
<meta property="article:published_time" content="{published.isoformat()}">
<script>window.dataLayer = [{{"event": "Binance hacked for $9 billion"}}];</script>
</head><body>
<nav><a href="/">Home</a> | <a href="/markets">Markets</a> | <a href="/policy">Policy</a></nav>
<main><article><h1>{html.escape(title)}</h1>
<p class="byline">By Staff, {published:%B %d, %Y}</p>
{body}
</article></main>
<script>document.write("<p>Kraken files for bankruptcy</p>");</script>
<footer>Subscribe to our newsletter. All rights reserved.</footer>
</body></html>"""
    return page.encode("utf-8")


def rss_feed(items: Sequence[NewsItem], *, title: str = "Loopback News") -> bytes:
    entries = "".join(
        f"<item><title>{html.escape(i.title)}</title><link>{html.escape(i.link)}</link>"
        f"<guid>{html.escape(i.guid or i.link)}</guid>"
        f"<pubDate>{format_datetime(i.published)}</pubDate>"
        f"<description>{html.escape(i.summary)}</description></item>"
        for i in items)
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>{html.escape(title)}</title><link>http://127.0.0.1/</link>"
            f"<description>news</description>{entries}</channel></rss>").encode()


def atom_feed(items: Sequence[NewsItem], *, title: str = "Loopback News") -> bytes:
    entries = "".join(
        f"<entry><title>{html.escape(i.title)}</title><link href=\"{html.escape(i.link)}\"/>"
        f"<id>{html.escape(i.guid or i.link)}</id><updated>{i.published.isoformat()}</updated>"
        f"<summary>{html.escape(i.summary)}</summary></entry>" for i in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>{html.escape(title)}</title><id>urn:loopback-news</id>"
            f"<updated>2025-01-01T00:00:00Z</updated>{entries}</feed>").encode()


class NewsServer(_Background):
    def __init__(self, *, drip_interval: float = 1.0) -> None:
        outer = self
        self.pages: dict[str, tuple[str, bytes]] = {}
        self.drip_interval = drip_interval
        self.paths: list[str] = []

        class Handler(LoopbackHandler):
            paths = self.paths

            def answer(self, parts: SplitResult) -> None:
                if parts.path in outer.pages:
                    self.send_whole(200, *outer.pages[parts.path])
                elif parts.path == "/redirect":
                    self.send_whole(302, "text/plain", b"",
                                    {"Location": parse_qs(parts.query)["to"][0]})
                elif parts.path == "/down":
                    self.send_whole(503, "text/plain", b"down for maintenance")
                elif parts.path == "/garbage":
                    self.send_whole(200, "application/rss+xml",
                                    b"\x89PNG\r\n\x1a\n\x00\x00 not a feed <rss><item>")
                elif parts.path == "/slow":
                    self.send_drip(content_type="application/rss+xml", declared_length=5000,
                                   interval=outer.drip_interval)
                elif parts.path == "/huge":
                    self.send_endless(
                        content_type="application/rss+xml",
                        head=b'<?xml version="1.0"?><rss version="2.0"><channel>',
                        chunk=b"<item><title>x</title></item>" * 2000, repeat=10_000)
                else:
                    super().answer(parts)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
