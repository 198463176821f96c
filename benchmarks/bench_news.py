"""8. News reader: how long reading one article takes (the labelled corpus, 39 articles).

The reader runs when an article is pasted on the Events page (on a worker) and for
each new feed entry. Best of three passes over the corpus, after one warm-up pass
(the lexicon and dateparser's tables load once). Goal: under 50 ms per article.
"""

from __future__ import annotations

import re
import time
from datetime import date
from pathlib import Path

from benchmarks.result import Figure
from exposure_app.risk.news import read_article

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "news" / "corpus"
GOAL_MS = 50.0


def _articles() -> list[tuple[str, date]]:
    out = []
    for path in sorted(CORPUS.glob("*.md")):
        raw = path.read_text(encoding="utf-8")
        match = re.match(r"---\nsource: \S+\npublished: (\S+)\n---\n", raw)
        if match:
            out.append((raw[match.end():], date.fromisoformat(match.group(1))))
    return out


def run() -> list[Figure]:
    articles = _articles()
    for text, published in articles:   # warm-up: lexicon, dateparser
        read_article(text, published=published)
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for text, published in articles:
            read_article(text, published=published)
        best = min(best, time.perf_counter() - started)
    per_article_ms = best / len(articles) * 1000
    return [Figure("news reader, per article", per_article_ms, "ms", f"< {GOAL_MS:g} ms",
                   per_article_ms < GOAL_MS, f"{len(articles)} corpus articles")]
