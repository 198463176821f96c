"""News feeds and pages from the loopback news server: good, malformed, slow, redirecting, huge."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from exposure_app.emulator.news_server import NewsItem, NewsServer, article_html, atom_feed, rss_feed
from exposure_app.risk.events import Category
from exposure_app.services import news_feeds, suggestions
from exposure_app.services.news_fetch import ArticleError, read_url
from exposure_app.services.settings import Settings

from .test_suggestions import corpus_article

WAZIRX = corpus_article("18-wazirx-hack")
CELSIUS = corpus_article("09-celsius-pauses-withdrawals")


def _paragraphs(text: str) -> list[str]:
    lines = [p.strip() for p in text.split("\n\n") if p.strip()]
    return [p for p in lines if not p.startswith("#")]


@pytest.fixture
def site():
    with NewsServer(drip_interval=0.5) as server:
        server.pages["/articles/wazirx.html"] = ("text/html; charset=utf-8", article_html(
            "WazirX halts withdrawals after $230 million theft", _paragraphs(WAZIRX.text),
            datetime(2024, 7, 18, 9, 30, tzinfo=UTC)))
        items = [
            NewsItem("WazirX halts withdrawals after $230 million theft",
                     f"{server.url}/articles/wazirx.html",
                     datetime(2024, 7, 18, 9, 30, tzinfo=UTC), "A multisig wallet was breached."),
            NewsItem("Crypto lender Celsius blocks withdrawals",
                     "https://www.thedailybeast.com/crypto-lender-celsius-blocks-withdrawals-"
                     "citing-extreme-market-conditions",
                     datetime(2022, 6, 13, 8, 0, tzinfo=UTC), " ".join(_paragraphs(CELSIUS.text))),
        ]
        server.pages["/rss.xml"] = ("application/rss+xml", rss_feed(items))
        server.pages["/atom.xml"] = ("application/atom+xml", atom_feed(items))
        yield server


def test_a_page_is_reduced_to_its_article_without_scripts_and_with_its_date(site):
    article = read_url(f"{site.url}/articles/wazirx.html")
    assert article.published == date(2024, 7, 18)
    assert "WazirX has temporarily paused" in article.text
    assert "$9 billion" not in article.text and "Kraken" not in article.text
    assert "newsletter" not in article.text


@pytest.mark.parametrize("path", ["/rss.xml", "/atom.xml"])
def test_a_feed_gives_suggestions_once_per_entry(store, site, path):
    url = f"{site.url}{path}"
    poll = news_feeds.poll_feed(store, url)
    assert poll.ok and poll.entries == 2 and poll.unreadable == 0
    found = {(s.counterparty, s.category): s for s in suggestions.pending(store)}
    assert ("wazirx", Category.HACK) in found and ("celsius", Category.WITHDRAWAL_HALT) in found
    # The short summary was completed from the linked page, whose date is kept.
    hack = found[("wazirx", Category.HACK)]
    assert hack.sources == (f"{site.url}/articles/wazirx.html",)
    assert hack.published == date(2024, 7, 18)
    assert found[("celsius", Category.WITHDRAWAL_HALT)].date == date(2022, 6, 12)
    again = news_feeds.poll_feed(store, url)
    assert again.ok and again.entries == 0 and len(suggestions.pending(store)) == len(found)
    assert store_state(store, url).error is None


def store_state(store, url):
    return suggestions.repository(store).feed_state(url)


def test_a_rejected_episode_stays_rejected_when_another_feed_brings_it(store, site):
    news_feeds.poll_feed(store, f"{site.url}/rss.xml")
    celsius = [s for s in suggestions.pending(store) if s.counterparty == "celsius"]
    assert Category.WITHDRAWAL_HALT in {s.category for s in celsius}
    for suggestion in celsius:
        suggestions.reject(store, suggestion.id)
    poll = news_feeds.poll_feed(store, f"{site.url}/atom.xml")
    assert poll.added == 0
    assert all(s.counterparty != "celsius" for s in suggestions.pending(store))


@pytest.mark.parametrize(("path", "message"), [
    ("/garbage", "not an RSS or Atom feed"),
    ("/down", "HTTP 503"),
    ("/slow", "no complete answer within"),
    ("/huge", "larger than"),
    ("/redirect?to=ftp://127.0.0.1/feed.xml", "refused a redirect"),
    ("/redirect?to=http://localhost:9/feed.xml", "refused a redirect"),
    ("/nowhere.xml", "HTTP 404"),
])
def test_a_bad_feed_changes_nothing_and_is_marked_stale_with_the_reason(store, site, path, message,
                                                                        monkeypatch):
    monkeypatch.setattr("exposure_app.services.news_fetch.MAX_FEED_BYTES", 200_000)
    good = f"{site.url}/rss.xml"
    news_feeds.poll_feed(store, good)
    before = suggestions.pending(store)
    # The same feed URL turning bad later: its last success stays, with the error.
    site.pages.pop("/rss.xml")
    bad_url = f"{site.url}{path}"
    poll = news_feeds.poll_feed(store, bad_url, timeout=2)
    assert not poll.ok and message in poll.error
    assert "\n" not in poll.error
    assert suggestions.pending(store) == before
    failed = news_feeds.poll_feed(store, good, timeout=2)
    state = store_state(store, good)
    assert not failed.ok and state.error == failed.error and state.succeeded_at is not None


def test_a_redirect_to_an_allowed_origin_is_followed(store, site):
    target = f"{site.url}/rss.xml"
    with NewsServer() as other:
        poll = news_feeds.poll_feed(store, f"{other.url}/redirect?to={target}",
                                    allowed_origins=(site.url,))
    assert poll.ok and poll.entries == 2


def test_nothing_is_fetched_unless_feeds_are_enabled(store, site, tmp_path):
    settings = Settings(tmp_path / "settings.json")
    news_feeds.add_feed(settings, f"{site.url}/rss.xml")
    with pytest.raises(news_feeds.FeedsOff):
        news_feeds.poll_all(store, settings)
    assert site.paths == []
    settings.news_feeds_enabled = True
    (poll,) = news_feeds.poll_all(store, settings)
    assert poll.ok and site.paths[0] == "/rss.xml"


def test_a_page_that_is_not_an_article_is_refused(site):
    site.pages["/logo.png"] = ("image/png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    with pytest.raises(ArticleError, match="image/png"):
        read_url(f"{site.url}/logo.png")
    site.pages["/empty.html"] = ("text/html", b"<html><script>var a=1;</script></html>")
    with pytest.raises(ArticleError, match="no article text"):
        read_url(f"{site.url}/empty.html")


def test_feed_entries_written_in_html_are_read_as_text(store, site):
    paragraphs = _paragraphs(corpus_article("28-coinex-hack").text)
    summary = ("".join(f"<p>{p}</p>" for p in paragraphs)
               + "<script>document.write('Kraken files for bankruptcy')</script>")
    site.pages["/html.xml"] = ("application/rss+xml", rss_feed([NewsItem(
        "CoinEx suspends deposits and withdrawals after hot wallet hack",
        "https://www.bleepingcomputer.com/news/security/hackers-steal-53-million-worth-of-"
        "cryptocurrency-from-coinex/", datetime(2023, 9, 13, 8, tzinfo=UTC), summary)]))
    poll = news_feeds.poll_feed(store, f"{site.url}/html.xml")
    assert poll.ok and poll.entries == 1 and poll.added == 2
    found = {(s.counterparty, s.category) for s in suggestions.pending(store)}
    assert found == {("coinex", Category.HACK), ("coinex", Category.WITHDRAWAL_HALT)}
    hack = next(s for s in suggestions.pending(store) if s.category is Category.HACK)
    assert hack.amount_usd is not None and "<" not in hack.evidence


def test_feed_addresses_are_checked_and_never_hold_credentials(tmp_path):
    settings = Settings(tmp_path / "settings.json")
    for bad, message in [("ftp://example.org/feed", "not an http"),
                         ("https://me:secret@example.org/feed.xml", "user name or password"),
                         ("not a url", "not an http")]:
        with pytest.raises(ValueError, match=message):
            news_feeds.add_feed(settings, bad)
    news_feeds.add_feed(settings, "https://example.org/feed.xml")
    with pytest.raises(ValueError, match="already"):
        news_feeds.add_feed(settings, "https://example.org/feed.xml")
    assert "secret" not in (tmp_path / "settings.json").read_text()
    assert Settings.load(tmp_path).news_feeds == "https://example.org/feed.xml"


def test_a_page_address_with_credentials_is_stored_without_them(site):
    url = site.url.replace("http://", "http://reader:pw@") + "/articles/wazirx.html"
    article = read_url(url)
    assert article.source == f"{site.url}/articles/wazirx.html"
