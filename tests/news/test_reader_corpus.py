"""The news reader measured on the labelled corpus (tests/news/corpus, labels.json).

Each article is a short piece written in the project's own words from a real,
sourced episode (its source URL is in its header), or a piece naming a custodian
without any risk event. The labels are the events a careful reader records.
The test prints precision and recall for (custodian, category), and, over the
labelled events the reader found, the share of amounts read exactly and of
dates read within a day; it
holds them to the targets of issue 14.
"""

from __future__ import annotations

import json
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from exposure_app.risk.events import valid_url
from exposure_app.risk.news.reader import read_article

HERE = Path(__file__).parent
LABELS = json.loads((HERE / "labels.json").read_text(encoding="utf-8"))["articles"]


def _article(stem: str) -> tuple[str, date, str]:
    raw = (HERE / "corpus" / f"{stem}.md").read_text(encoding="utf-8")
    match = re.match(r"---\nsource: (\S+)\npublished: (\d{4}-\d{2}-\d{2})\n---\n", raw)
    assert match, f"{stem}: header with source and published expected"
    return raw[match.end():], date.fromisoformat(match.group(2)), match.group(1)


def test_corpus_is_complete_and_sourced():
    files = sorted(p.stem for p in (HERE / "corpus").glob("*.md"))
    assert files == sorted(LABELS)
    assert len(files) >= 30
    assert sum(1 for v in LABELS.values() if not v) >= 5, "articles without a risk event"
    for stem in files:
        _text, _published, source = _article(stem)
        assert valid_url(source), stem


def measure() -> dict[str, float]:
    tp = fp = fn = 0
    amounts = amounts_exact = 0
    dates = dates_close = 0
    misses: list[str] = []
    for stem, labelled in sorted(LABELS.items()):
        text, published, _ = _article(stem)
        found = read_article(text, published=published)
        got = {(c.counterparty, c.category.value) for c in found}
        want = {(e["counterparty"], e["category"]) for e in labelled}
        tp += len(got & want)
        fp += len(got - want)
        fn += len(want - got)
        misses += [f"{stem}: extra {g}" for g in sorted(got - want)]
        misses += [f"{stem}: missed {w}" for w in sorted(want - got)]
        for event in labelled:
            key = (event["counterparty"], event["category"])
            same = [c for c in found if (c.counterparty, c.category.value) == key]
            if not same:
                continue  # a missed event counts against recall, not against its figures
            if "amount_usd" in event:
                amounts += 1
                want_amount = Decimal(event["amount_usd"])
                if any(c.amount_usd == want_amount for c in same):
                    amounts_exact += 1
                else:
                    misses.append(f"{stem}: amount {key} {[c.amount_usd for c in same]}")
            dates += 1
            want_day = date.fromisoformat(event["date"])
            if any(abs((c.date - want_day).days) <= 1 for c in same):
                dates_close += 1
            else:
                misses.append(f"{stem}: date {key} {[c.date for c in same]} != {want_day}")
    for line in misses:
        print(line)
    return {
        "precision": tp / (tp + fp) if tp + fp else 0.0,
        "recall": tp / (tp + fn) if tp + fn else 0.0,
        "amounts_exact": amounts_exact / amounts if amounts else 0.0,
        "dates_within_a_day": dates_close / dates if dates else 0.0,
    }


def test_reader_meets_the_targets_on_the_corpus(capsys):
    figures = measure()
    with capsys.disabled():
        print("\nnews reader on the labelled corpus: " + ", ".join(
            f"{k} {v:.2f}" for k, v in figures.items()))
    assert figures["precision"] >= 0.9
    assert figures["recall"] >= 0.8
    assert figures["amounts_exact"] >= 0.9
    assert figures["dates_within_a_day"] >= 0.9


@pytest.mark.parametrize("stem", ["33-coinbase-q2-earnings", "36-binance-mgx",
                                  "37-bitcoin-100k-wrap"])
def test_articles_without_risk_events_give_no_candidates(stem):
    text, published, _ = _article(stem)
    assert read_article(text, published=published) == []
