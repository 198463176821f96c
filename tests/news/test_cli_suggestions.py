"""The CLI round trip through the real entry point: suggest, list, accept (edited), reject, feeds."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from exposure_app.emulator.news_server import NewsItem, NewsServer, article_html, rss_feed

from .test_suggestions import CORPUS

pytestmark = pytest.mark.cli_in_process   # what commands do, not the process


def body(stem: str) -> str:
    return (CORPUS / f"{stem}.md").read_text(encoding="utf-8").split("---\n", 2)[2]


def test_suggest_accept_reject_round_trip(run_cli, tmp_path):
    article = tmp_path / "wazirx.md"
    article.write_text(body("18-wazirx-hack"), encoding="utf-8")
    done = run_cli("events", "suggest", str(article), "--published", "2024-07-18", "--json")
    assert done.returncode == 0, done.stderr
    found = {(s["counterparty"], s["category"]): s for s in json.loads(done.stdout)["suggestions"]}
    hack = found[("wazirx", "hack")]
    halt = found[("wazirx", "withdrawal_halt")]
    assert {"id", "counterparty", "category", "date", "published", "amount_usd", "period_days",
            "title", "evidence", "sources", "confidence", "duplicate_of"} <= set(hack)
    assert hack["amount_usd"] == "230000000" and hack["published"] == "2024-07-18"
    assert hack["sources"] == ["wazirx.md"] and hack["duplicate_of"] == "2024-07-18-wazirx-hack"

    listed = run_cli("events", "suggestions", "--json")
    assert sorted(s["id"] for s in json.loads(listed.stdout)["suggestions"]) == sorted([hack["id"], halt["id"]])

    refused = run_cli("events", "accept", str(hack["id"]))
    assert refused.returncode == 1 and "give the article's URL" in refused.stderr
    url = ("https://therecord.media/wazirx-crypto-platform-confirms-230-million-heist")
    accepted = run_cli("events", "accept", str(hack["id"]), "--source", url,
                       "--amount", "234900000", "--category", "hack")
    assert accepted.returncode == 0, accepted.stderr
    events = json.loads(run_cli("events", "list", "--counterparty", "wazirx",
                                "--json").stdout)["events"]
    mine = [e for e in events if e["origin"] == "user"]
    assert len(mine) == 1 and mine[0]["magnitude_usd"] == "234900000"
    assert mine[0]["sources"] == [url] and mine[0]["date"] == "2024-07-18"

    assert run_cli("events", "reject", f"#{halt['id']}").returncode == 0
    assert json.loads(run_cli("events", "suggestions", "--json").stdout)["suggestions"] == []
    again = run_cli("events", "suggest", str(article), "--published", "2024-07-18", "--json")
    assert json.loads(again.stdout)["suggestions"] == [] and "accepted or rejected that episode" in again.stderr
    twice = run_cli("events", "accept", str(hack["id"]))
    assert twice.returncode == 1 and "already accepted" in twice.stderr


def test_bad_articles_are_refused_with_one_line_and_nothing_stored(run_cli, tmp_path):
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 20)
    cases = [
        run_cli("events", "suggest", str(binary), "--published", "2024-07-18"),
        run_cli("events", "suggest", "-", "--published", "2024-07-18",
                input="Binance a suspendu les retraits lundi après une attaque contre ses "
                      "portefeuilles, selon un communiqué publié par la plateforme."),
        run_cli("events", "suggest", "-", input=body("18-wazirx-hack")),   # no date known
        run_cli("events", "suggest", str(tmp_path / "missing.md"), "--published", "2024-07-18"),
    ]
    for done in cases:
        assert done.returncode == 1
        assert done.stderr.startswith("error: article not read (nothing stored)")
        assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
    assert json.loads(run_cli("events", "suggestions", "--json").stdout)["suggestions"] == []


def test_article_text_cannot_drive_the_terminal(run_cli):
    text = ("Hackers drained $40 million from Bitvavo hot wallets on Monday, \x1b]0;owned\x07"
            "the exchange said, \x1b[2J and it paused withdrawals while it investigated.")
    done = run_cli("events", "suggest", "-", "--published", "2024-07-18", input=text)
    assert done.returncode == 0, done.stderr
    assert "\x1b" not in done.stdout and "\x07" not in done.stdout
    assert "\\x1b]0;owned\\x07" in done.stdout


def test_pages_and_feeds_from_the_loopback_server(run_cli):
    published = datetime(2023, 11, 10, 15, tzinfo=UTC)
    paragraphs = [p for p in body("27-poloniex-hack").split("\n\n")
                  if p.strip() and not p.startswith("#")]
    with NewsServer() as site:
        site.pages["/poloniex.html"] = ("text/html", article_html(
            "Poloniex hot wallets drained in $100 million-plus exploit", paragraphs, published))
        site.pages["/rss.xml"] = ("application/rss+xml", rss_feed([NewsItem(
            "Poloniex hot wallets drained", f"{site.url}/poloniex.html", published,
            "Poloniex said its hot wallets were emptied.")]))
        page = run_cli("events", "suggest", f"{site.url}/poloniex.html", "--json")
        assert page.returncode == 0, page.stderr
        (hack,) = json.loads(page.stdout)["suggestions"]
        assert (hack["counterparty"], hack["category"], hack["amount_usd"]) == (
            "poloniex", "hack", "123000000")
        assert hack["published"] == "2023-11-10" and hack["sources"] == [f"{site.url}/poloniex.html"]
        assert run_cli("events", "reject", str(hack["id"])).returncode == 0

        assert run_cli("feeds", "add", f"{site.url}/rss.xml").returncode == 0
        off = run_cli("feeds", "poll")
        assert off.returncode == 1 and "news feeds are off" in off.stderr
        assert site.paths == ["/poloniex.html"]
        assert run_cli("settings", "set", "news_feeds_enabled", "true").returncode == 0
        polled = run_cli("feeds", "poll", "--json")
        assert polled.returncode == 0, polled.stderr
        (result,) = json.loads(polled.stdout)["polls"]
        assert result["ok"] and result["entries"] == 1 and result["added"] == 0
        listed = json.loads(run_cli("feeds", "list", "--json").stdout)
        assert listed["enabled"] and listed["feeds"][0]["last_read"] is not None
        assert run_cli("feeds", "remove", f"{site.url}/rss.xml").returncode == 0
        assert json.loads(run_cli("feeds", "list", "--json").stdout)["feeds"] == []
