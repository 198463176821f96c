"""What the news reader looks for: custodian names and the words of each event category.

Both come from data: the catalogue (names, ids, aliases, own tokens and issued
stablecoins) plus ``resources/news_lexicon.json`` (people such as "CZ", brands,
old names, the trigger expressions per category). Adding a name or a phrasing
is a data change, not a code change.

Pure Python (reads a shipped resource once). Threading: the built
:class:`Lexicon` is immutable and shared.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from exposure_app.domain.counterparties import CounterpartyDirectory
from exposure_app.resource_locator import read_resource_text
from exposure_app.risk.catalog import load_directory
from exposure_app.risk.events import CATEGORIES, Category


class LexiconError(ValueError):
    """The shipped lexicon file is malformed."""


@dataclass(frozen=True, slots=True)
class NameHit:
    """A custodian named in a sentence: where, which, and how (``ticker`` hits are weaker)."""

    start: int
    end: int
    counterparty: str
    ticker: bool


@dataclass(frozen=True, slots=True)
class TriggerHit:
    """A phrase that marks the sentence as reporting an event of ``category``."""

    start: int
    end: int
    category: Category
    strong: bool
    exclude_subject: bool = False
    """The custodian named just before the trigger is the one that failed, not the one
    the event is about (a borrower that defaulted on the custodian)."""


@dataclass(frozen=True, slots=True)
class _Rule:
    category: Category
    patterns: tuple[re.Pattern[str], ...]
    requires: tuple[re.Pattern[str], ...]
    exclude_subject: bool = False


def _split_name(name: str) -> list[str]:
    """``HTX (Huobi)`` -> ``HTX``, ``Huobi``; other names as they are."""
    match = re.fullmatch(r"(.+?)\s*\((.+)\)", name)
    return [match.group(1), match.group(2)] if match else [name]


class Lexicon:
    """Name and trigger matchers built from the catalogue and the lexicon data."""

    def __init__(self, data: dict[str, Any], directory: CounterpartyDirectory) -> None:
        if not isinstance(data, dict) or data.get("version") != 1:
            raise LexiconError("news_lexicon.json: expected version 1")
        skip = set(data.get("skip_names", []))
        short = set(data.get("short_tickers", []))
        names: dict[str, str] = {}
        for cp in directory:
            for name in _split_name(cp.name):
                if name not in skip and len(name) >= 3:
                    names.setdefault(name, cp.id)
            for alias in (cp.id, *cp.aliases):
                # Ids and old names (okex, huobi) count capitalised; an old name that is
                # not just the lower-cased name also counts as written.
                if len(alias) < 4 or not alias.isalpha() or alias.title() in skip:
                    continue
                names.setdefault(alias.title(), cp.id)
                if alias in cp.aliases and alias != cp.name.lower():
                    names.setdefault(alias, cp.id)
        for name, cp_id in data.get("names", {}).items():
            if directory.get(cp_id) is None:
                raise LexiconError(f"news_lexicon.json: {name!r} points at unknown {cp_id!r}")
            names[name] = directory.resolve(cp_id)
        tickers: dict[str, str] = {}
        for cp in directory:
            for token in (*cp.affiliated_tokens, *cp.issued_stablecoins):
                if len(token) >= 3 or token in short:
                    # A stablecoin belongs to its issuer (BUSD -> Paxos), not to the brand.
                    owner = directory.stablecoin_issuer(token) or cp.id
                    tickers.setdefault(token, owner)
        self.names = names
        self.tickers = tickers
        self._name_re = self._alternation(names)
        self._ticker_re = self._alternation(tickers)
        self._negations = re.compile(
            r"\b(?:" + "|".join(map(re.escape, data.get("negations", []))) + r")\b", re.I
        ) if data.get("negations") else None
        self._rules = tuple(self._rules_from(data.get("categories", {})))
        try:
            self._sizes = {
                Category(key): tuple(re.compile(p, re.I) for p in patterns)
                for key, patterns in data.get("sizes", {}).items() if key in CATEGORIES
            }
        except re.error as exc:
            raise LexiconError(f"news_lexicon.json: sizes: {exc}") from None

    @staticmethod
    def _alternation(words: dict[str, str]) -> re.Pattern[str]:
        ordered = sorted(words, key=len, reverse=True)
        body = "|".join(re.escape(w) for w in ordered)
        return re.compile(rf"(?<![\w.-])(?:{body})(?![\w-]|\.\w)")

    @staticmethod
    def _rules_from(raw: dict[str, Any]) -> Iterator[_Rule]:
        for key, spec in raw.items():
            category = spec.get("category", key)
            if category not in CATEGORIES:
                # A category this version of the engine does not know yet: skipped.
                continue
            try:
                yield _Rule(
                    Category(category),
                    tuple(re.compile(p, re.I) for p in spec.get("patterns", [])),
                    tuple(re.compile(p, re.I) for p in spec.get("requires", [])),
                    bool(spec.get("exclude_subject", False)),
                )
            except re.error as exc:
                raise LexiconError(f"news_lexicon.json: {key}: {exc}") from None

    def find_names(self, sentence: str) -> list[NameHit]:
        hits = [NameHit(m.start(), m.end(), self.names[m.group()], False)
                for m in self._name_re.finditer(sentence)]
        taken = [(h.start, h.end) for h in hits]
        for m in self._ticker_re.finditer(sentence):
            if not any(s < m.end() and m.start() < e for s, e in taken):
                hits.append(NameHit(m.start(), m.end(), self.tickers[m.group()], True))
        return sorted(hits, key=lambda h: h.start)

    def find_size_word(self, sentence: str, category: Category) -> int | None:
        """Offset of a word that makes a dollar figure the size of a ``category`` event."""
        for pattern in self._sizes.get(category, ()):
            match = pattern.search(sentence)
            if match is not None:
                return match.start()
        return None

    def _negated(self, sentence: str, start: int) -> bool:
        if self._negations is None:
            return False
        window = sentence[max(0, start - 25):start]
        return self._negations.search(window) is not None

    def find_triggers(self, sentence: str) -> list[TriggerHit]:
        """Every category trigger in ``sentence``, in order (overlapping matches of one
        category keep the first). A sentence may report one kind of event about two
        custodians ("sues Coinbase a day after suing Binance"); the reader decides."""
        found: list[TriggerHit] = []
        for rule in self._rules:
            if rule.requires and not any(r.search(sentence) for r in rule.requires):
                continue
            for pattern in rule.patterns:
                for match in pattern.finditer(sentence):
                    if self._negated(sentence, match.start()) or any(
                            h.category is rule.category and h.start < match.end()
                            and match.start() < h.end for h in found):
                        continue
                    found.append(TriggerHit(
                        match.start(), match.end(), rule.category, strong=not rule.requires,
                        exclude_subject=rule.exclude_subject,
                    ))
        return sorted(found, key=lambda h: h.start)


@cache
def load_lexicon() -> Lexicon:
    """The shipped lexicon over the shipped catalogue (built once per process)."""
    try:
        data = json.loads(read_resource_text("news_lexicon.json"))
    except ValueError as exc:
        raise LexiconError(f"news_lexicon.json: not valid JSON ({exc})") from None
    return Lexicon(data, load_directory())
