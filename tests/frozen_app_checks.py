"""What the frozen app must do with the libraries that read data files at run time.

``tests/test_packaging.py`` (marked ``packaging``) runs these against the
built bundle's executable; they work the same against any ``exposure-app``
command, so a change in the app that breaks one shows up with the installed
entry point too. Each step runs the real CLI in a scratch profile, against
loopback servers from ``exposure_app.emulator`` in this process:

* bip-utils: an extended public key is watched and synced; only derivation
  finds the coins (they sit on its second receive address), and a pasted
  seed phrase is refused as one;
* confusable-homoglyphs: a Cyrillic look-alike of an account name is caught,
  and so is a name mixing scripts;
* trafilatura, htmldate, jusText, dateparser: a saved HTML article gives a
  suggested event with the publication date from the page's metadata and
  the event's day from "on Thursday" in its text;
* feedparser: an RSS feed is polled;
* ccxt: ``prices update`` reads tickers and daily closes from the Kraken and
  Binance emulators;
* no display at all: ``--self-test`` falls back to Qt's offscreen platform,
  says so, and passes.
"""

from __future__ import annotations

import json
import os
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

#: BIP84's published test vector (the "abandon ... about" mnemonic's account 0).
BIP84_ZPUB = ("zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868"
              "RvUUkgDKf31mGDtKsAYz2oz2AGutZYs")
BIP84_SECOND_RECEIVE = "bc1qnjg0jd8228aq7egyzacy8cys3knf9xvrerkf9g"
SEED_PHRASE = "abandon " * 11 + "about"
CORPUS = Path(__file__).resolve().parent / "news" / "corpus"


def _clean_env(scratch: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("EXPOSURE_", "DBUS_", "PYTHON_KEYRING"))}
    env.update(HOME=str(scratch), QT_QPA_PLATFORM="offscreen",
               XDG_CONFIG_HOME=str(scratch / ".config"), XDG_DATA_HOME=str(scratch / ".local/share"),
               PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")  # fmt: skip
    return env


class FrozenCli:
    """Runs ``exe --data-dir <scratch>/profile ...`` and keeps every output for the report."""

    def __init__(self, exe: Path, scratch: Path) -> None:
        scratch.mkdir(parents=True, exist_ok=True)
        self.exe, self.scratch, self.env = exe, scratch, _clean_env(scratch)
        self.data = scratch / "profile"

    def __call__(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        result = subprocess.run([str(self.exe), "--data-dir", str(self.data), *args], env=self.env,
                                input=stdin, capture_output=True, text=True, timeout=300)  # fmt: skip
        assert "Traceback" not in result.stderr, result.stderr
        return result


def watch_only_keys(cli: FrozenCli) -> None:
    from exposure_app.emulator.base import EmulatorServer
    from exposure_app.emulator.esplora import EsploraEmulator

    esplora = EsploraEmulator()
    server = EmulatorServer()
    try:
        url = server.add(esplora, key="esplora")
        esplora.receive(BIP84_SECOND_RECEIVE, 12_345_678)
        added = cli("accounts", "add-address", "Cold BTC", "--chain", "bitcoin", BIP84_ZPUB,
                    "--api-url", url)
        assert added.returncode == 0, added.stderr
        done = cli("sync", "--json")
        assert done.returncode == 0, done.stdout + done.stderr
    finally:
        server.stop()
    [result] = json.loads(done.stdout)["accounts"]
    assert result["status"] == "ok", result
    holdings = json.loads(cli("holdings", "list", "Cold BTC", "--json").stdout)["holdings"]
    assert [(h["asset"], h["total"]) for h in holdings] == [("BTC", "0.12345678")]
    refused = cli("accounts", "add-address", "Seed", "--chain", "bitcoin", "-", stdin=SEED_PHRASE)
    assert refused.returncode == 1 and "a seed phrase (recovery words)" in refused.stderr
    assert "abandon" not in refused.stdout + refused.stderr


def lookalike_names(cli: FrozenCli) -> None:
    assert cli("accounts", "add-wallet", "BOX").returncode == 0
    twin = cli("accounts", "add-wallet", "\u0412\u041e\u0425")  # Cyrillic
    assert twin.returncode == 1 and "'BOX' looks the same" in twin.stderr, twin.stderr
    mixed = cli("accounts", "add-wallet", "Bi\u043dance")
    assert mixed.returncode == 1 and "mixes Latin and Cyrillic" in mixed.stderr, mixed.stderr


def news_article_and_feed(cli: FrozenCli) -> None:
    from exposure_app.emulator.news_server import NewsItem, NewsServer, article_html, rss_feed

    text = (CORPUS / "13-blockfi-pauses.md").read_text(encoding="utf-8").split("---\n", 2)[2]
    paragraphs = [p for p in text.split("\n\n") if p.strip() and not p.startswith("#")]
    published = datetime(2022, 11, 11, 14, tzinfo=UTC)
    page = cli.scratch / "blockfi.html"
    page.write_bytes(article_html("BlockFi limits activity on its platform after FTX collapse",
                                  paragraphs, published))
    done = cli("events", "suggest", str(page), "--json")
    assert done.returncode == 0, done.stderr
    found = {(s["counterparty"], s["category"]): s for s in json.loads(done.stdout)["suggestions"]}
    halt = found[("blockfi", "withdrawal_halt")]
    # the page's metadata gives the publication day, dateparser reads "on Thursday" before it
    assert (halt["published"], halt["date"]) == ("2022-11-11", "2022-11-10"), halt

    with NewsServer() as site:
        site.pages["/rss.xml"] = ("application/rss+xml", rss_feed([NewsItem(
            "BlockFi pauses withdrawals", f"{site.url}/blockfi.html", published,
            "<p>BlockFi said it was pausing client withdrawals.</p>")]))
        assert cli("feeds", "add", f"{site.url}/rss.xml").returncode == 0
        assert cli("settings", "set", "news_feeds_enabled", "true").returncode == 0
        polled = cli("feeds", "poll", "--json")
    assert polled.returncode == 0, polled.stderr
    (result,) = json.loads(polled.stdout)["polls"]
    assert result["ok"] and result["entries"] == 1, result


def market_prices(cli: FrozenCli) -> None:
    from tests.services.market_fixtures import start_market

    market = start_market()
    try:
        sources = market.settings().price_sources
        assert cli("settings", "set", "price_sources", sources).returncode == 0
        assert cli("accounts", "add-wallet", "Ledger").returncode == 0
        assert cli("holdings", "set", "Ledger", "BTC", "0.5").returncode == 0
        since = (market.today - timedelta(days=30)).isoformat()
        update = cli("prices", "update", "--since", since, "--json")
    finally:
        market.server.stop()
    assert update.returncode == 0, update.stdout + update.stderr
    report = json.loads(update.stdout)
    assert report["ok"] and report["closes"] > 0, report
    day = market.today - timedelta(days=7)
    shown = json.loads(cli("prices", "show", "BTC", "--as-of", day.isoformat(), "--json").stdout)
    assert shown["price"] == str(market.tape.close("BTC/USD", day)), shown


def self_test_without_a_display(exe: Path, scratch: Path) -> str:
    env = {k: v for k, v in _clean_env(scratch).items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["EXPOSURE_APP_DATA_DIR"] = str(scratch / "profile")
    result = subprocess.run([str(exe), "--self-test"], env=env, capture_output=True, text=True,
                            timeout=300)  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    assert "[INFO] display: no display was found" in result.stdout
    assert "[OK  ] Qt platform plugin: offscreen" in result.stdout
    return result.stdout


def check_frozen_app(exe: Path, scratch: Path) -> None:
    """Every step above, each in its own scratch profile."""
    for step in (watch_only_keys, lookalike_names, news_article_and_feed, market_prices):
        step(FrozenCli(exe, scratch / step.__name__))
    self_test_without_a_display(exe, scratch / "no-display")
