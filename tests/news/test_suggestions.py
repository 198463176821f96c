"""Suggestions in a real profile: store, merge, duplicates, reject memory, accept, warnings."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from exposure_app.domain.models import AccountKind, Holding, Snapshot, SnapshotSource, SnapshotStatus
from exposure_app.risk.events import Category, Origin
from exposure_app.risk.news.suggestion import Status
from exposure_app.services import risk_service, suggestions
from exposure_app.services.news_fetch import ArticleText, read_file
from exposure_app.services.settings import Settings
from exposure_app.services.suggestions import SuggestionError

CORPUS = Path(__file__).parent / "corpus"
WAZIRX_URL = ("https://economictimes.indiatimes.com/markets/cryptocurrency/wazirx-temporarily-"
              "suspends-crypto-deposits-and-withdrawals-after-230m-hack/articleshow/111834527.cms")


def corpus_article(stem: str) -> ArticleText:
    """A corpus file as the user would paste it, with its source URL and date."""
    raw = (CORPUS / f"{stem}.md").read_text(encoding="utf-8")
    header, body = raw.split("---\n", 2)[1:]
    fields = dict(line.split(": ", 1) for line in header.strip().splitlines())
    return ArticleText(body, fields["source"], published=date.fromisoformat(fields["published"]))


def hold_at(store, counterparty: str, day: str) -> None:
    account = store.accounts.add(f"{counterparty} main", AccountKind.MANUAL_CUSTODIAL,
                                 counterparty=counterparty)
    store.snapshots.save(Snapshot(
        None, account.id, datetime.fromisoformat(day + "T00:00:00+00:00"), SnapshotStatus.OK,
        (Holding.simple("USDT", Decimal(5000), price=Decimal(1)),), source=SnapshotSource.MANUAL,
    ))


def test_an_article_becomes_pending_suggestions_marked_as_duplicates_of_known_events(store):
    outcome = suggestions.suggest_from_article(store, corpus_article("18-wazirx-hack"))
    found = {(s.counterparty, s.category): s for s in outcome.added}
    assert set(found) == {("wazirx", Category.HACK), ("wazirx", Category.WITHDRAWAL_HALT)}
    hack = found[("wazirx", Category.HACK)]
    assert hack.status is Status.PENDING and hack.id > 0
    assert hack.amount_usd == Decimal("230000000") and hack.date == date(2024, 7, 18)
    assert hack.duplicate_of == "2024-07-18-wazirx-hack"
    assert hack.sources == (WAZIRX_URL,)
    assert [s.id for s in suggestions.pending(store)] == sorted(s.id for s in outcome.added)


def test_two_articles_about_one_episode_merge_into_one_suggestion_with_both_sources(store):
    first = suggestions.suggest_from_article(store, corpus_article("16-bybit-hack"))
    second = ArticleText(
        "Bybit said on Friday that an attacker had taken control of one of its ether cold "
        "wallets and moved about $1.46 billion of ETH out of it.",
        "https://github.com/1712n/dn-institute/blob/main/content/research/cyberattacks/"
        "incidents/2025-02-21-Bybit.md", published=date(2025, 2, 22))
    again = suggestions.suggest_from_article(store, second)
    assert again.added == () and len(again.merged) == 1
    merged = again.merged[0]
    assert merged.id == first.added[0].id
    assert merged.sources == (first.added[0].sources[0], second.source)
    assert len(suggestions.pending(store)) == 1


def test_different_figures_for_different_periods_stay_apart(store):
    suggestions.suggest_from_article(store, corpus_article("01-binance-nansen-weekly-outflow"))
    suggestions.suggest_from_article(store, corpus_article("02-binance-24h-outflow"))
    amounts = sorted(s.amount_usd for s in suggestions.pending(store)
                     if s.category is Category.OUTFLOW_SURGE)
    assert amounts == [Decimal("1140000000"), Decimal("3660000000")]


def test_a_rejected_episode_is_not_suggested_again(store):
    (hack, *_rest) = suggestions.suggest_from_article(store, corpus_article("27-poloniex-hack")).added
    suggestions.reject(store, hack.id)
    assert suggestions.repository(store).get(hack.id).status is Status.REJECTED
    again = suggestions.suggest_from_article(store, corpus_article("27-poloniex-hack"))
    assert again.added == () and again.already_reviewed == 1
    with pytest.raises(SuggestionError, match="already rejected"):
        suggestions.accept(store, hack.id)


def test_accepting_with_edits_makes_a_sourced_user_event(store):
    outcome = suggestions.suggest_from_article(store, corpus_article("26-kraken-staking-settlement"))
    (suggestion,) = outcome.added
    event = suggestions.accept(store, suggestion.id, amount_usd=Decimal("30000000"),
                               day=date(2023, 2, 9), title="Kraken settles with the SEC")
    stored = store.risk.get(event.id)
    assert stored.origin is Origin.USER
    assert stored.title == "Kraken settles with the SEC"
    assert stored.magnitude_usd == Decimal("30000000")
    assert stored.sources == ("https://www.sec.gov/news/press-release/2023-25",)
    assert suggestions.repository(store).get(suggestion.id).event_id == event.id
    assert suggestions.pending(store) == []


def test_pasted_text_needs_a_url_before_it_can_be_accepted(store, tmp_path):
    path = tmp_path / "note.txt"
    path.write_text((CORPUS / "27-poloniex-hack.md").read_text().split("---\n", 2)[2])
    outcome = suggestions.suggest_from_article(store, read_file(path),
                                               published=date(2023, 11, 10))
    (suggestion,) = outcome.added
    assert suggestion.sources == ("note.txt",)
    with pytest.raises(SuggestionError, match="give the article's URL"):
        suggestions.accept(store, suggestion.id)
    assert store.risk.list(origin=Origin.USER) == []
    url = "https://www.halborn.com/blog/post/explained-the-poloniex-hack-november-2023"
    event = suggestions.accept(store, suggestion.id, sources=(url,))
    assert event.sources == (url,)


def test_an_article_without_a_date_needs_one(store):
    with pytest.raises(SuggestionError, match="publication date is unknown"):
        suggestions.suggest_from_article(
            store, ArticleText("Kraken said its hot wallets were drained of $10 million on "
                               "Monday by an attacker.", "pasted text"))
    assert suggestions.pending(store) == []


def test_suggestions_never_move_a_warning_until_accepted_then_from_publication(store):
    hold_at(store, "dmmbitcoin", "2024-05-01")
    settings = Settings()
    as_of = datetime(2024, 6, 10, 12, tzinfo=UTC)

    def user_events(moment):
        warning = risk_service.warnings_as_of(store, settings, moment).for_counterparty(
            "dmmbitcoin")
        return [] if warning is None else [e.id for e in warning.events
                                           if e.origin is Origin.USER]

    before = risk_service.warnings_as_of(store, settings, as_of)
    outcome = suggestions.suggest_from_article(store, corpus_article("19-dmm-bitcoin-hack"))
    assert risk_service.warnings_as_of(store, settings, as_of) == before
    hack = next(s for s in outcome.added if s.category is Category.HACK)
    others = [s for s in outcome.added if s.id != hack.id]
    for other in others:
        suggestions.reject(store, other.id)
    assert risk_service.warnings_as_of(store, settings, as_of) == before

    # The theft happened on Friday 31 May; the article came out on Saturday 1 June.
    event = suggestions.accept(store, hack.id)
    assert (event.date, event.published_day) == (date(2024, 5, 31), date(2024, 6, 1))
    assert user_events(as_of) == [event.id]
    assert user_events(datetime(2024, 6, 1, 0, 30, tzinfo=UTC)) == [event.id]
    assert user_events(datetime(2024, 5, 31, 23, 0, tzinfo=UTC)) == []


def test_the_suggestions_report_neutralises_article_text(store, tmp_path):
    import csv

    from exposure_app.services.reports import write_report

    text = ("=HYPERLINK(\"http://evil.example\") Binance halted withdrawals on Monday after "
            "a hot wallet breach, the exchange said.")
    suggestions.suggest_from_article(store, ArticleText(text, "@pasted.txt"),
                                     published=date(2024, 7, 18))
    path = tmp_path / "suggestions.csv"
    write_report(store, Settings(), "suggestions", path)
    rows = list(csv.DictReader(path.open(encoding="utf-8", newline="")))
    assert rows and all(r["evidence"].startswith("'=HYPERLINK") for r in rows)
    assert all(r["sources"] == "'@pasted.txt" and r["status"] == "pending" for r in rows)
