"""Reads a news article into candidate events: who, what, how much, over how long, when.

Sentence by sentence, a category trigger (:mod:`.lexicon`) makes a candidate;
the custodian is the one named nearest to the trigger (else the article's main
custodian, with lower confidence); the amount is the dollar figure nearest the
trigger; the period comes from the same sentence; the date is the latest day
the sentence names, else the nearest earlier one in its paragraph, else the
publication date. Candidates about the same custodian and category merge,
unless they give different figures for different periods (a one-day and a
seven-day outflow are two events).

Nothing is invented: a text that is empty, binary-looking or not English raises
:class:`NewsError`; an article with no trigger gives no candidates.

Pure Python, no I/O. Threading: stateless; the lexicon is shared read-only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date
from decimal import Decimal
from typing import Any

from exposure_app.risk.events import Category
from exposure_app.risk.news.dates import DateHit, find_dates
from exposure_app.risk.news.lexicon import Lexicon, NameHit, TriggerHit, load_lexicon
from exposure_app.risk.news.quantities import Amount, event_amount, find_period_days

MAX_TEXT_CHARS = 200_000
_ABBREVIATIONS = ("Mt", "St", "Inc", "Corp", "Ltd", "Co", "Mr", "Mrs", "Ms", "Dr", "No",
                  "vs", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept",
                  "Oct", "Nov", "Dec", "U.S", "U.K", "e.g", "i.e", "approx")
_SPLIT = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“‘(]?[A-Z0-9$])")
_COMMON_WORDS = frozenset([
    "the", "a", "an", "of", "to", "and", "in", "on", "for", "is", "was", "its", "it", "that",
    "with", "as", "by", "at", "from", "has", "have", "had", "said", "after", "be", "are",
    "were", "this", "which", "their", "but", "not", "or", "than", "more", "about", "over",
])
TITLES = {
    Category.WITHDRAWAL_HALT: "{name} halts withdrawals",
    Category.OUTFLOW_SURGE: "Outflows from {name}",
    Category.HACK: "{name} hacked",
    Category.INSOLVENCY: "{name} files for bankruptcy",
    Category.RESERVE_CONCERN: "Concerns over {name}'s reserves",
    Category.REGULATORY: "Regulatory action against {name}",
    Category.DEPEG: "{name}'s stablecoin loses its peg",
}
OTHER_TITLES = {
    "withdrawal_friction": "{name} limits or slows withdrawals",
    "own_token_reliance": "{name}'s balance sheet rests on its own token",
    "unusual_yield": "{name} advertises unusually high yields",
    "key_person": "Key person leaves or is detained at {name}",
    "counterparty_default": "A partner of {name} defaults or fails",
    "asset_freeze": "Funds of {name} frozen by authorities or a bank",
    "token_drawdown": "{name}'s own token falls sharply",
}

Day = date
"""A calendar day (an alias: records have a field named ``date``)."""


class NewsError(ValueError):
    """The text cannot be read as a news article; the message says why (one line)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Reading:
    """What an article says happened: one event, with the sentence it rests on.

    ``highlights`` are (start, end) offsets into ``evidence`` of the words that
    made the reading (name, trigger, amount, date).
    """

    counterparty: str
    category: Category
    date: Day
    published: Day
    title: str
    evidence: str
    confidence: float
    amount_usd: Decimal | None = None
    period_days: int | None = None
    highlights: tuple[tuple[int, int], ...] = ()

    def reading(self) -> dict[str, Any]:
        """The :class:`Reading` fields alone, to build another kind of reading from this one."""
        return {name: getattr(self, name) for name in _READING_FIELDS}


@dataclass(frozen=True, slots=True, kw_only=True)
class Candidate(Reading):
    """A reading as the reader found it, with how it was found (to merge readings of one
    article): ``date_stated`` is False when the date fell back to the publication date."""

    date_stated: bool = False
    named: bool = True
    from_headline: bool = False
    amount_is_floor: bool = False


_READING_FIELDS = tuple(f.name for f in fields(Reading))


@dataclass(slots=True)
class _Sentence:
    text: str
    paragraph: int
    headline: bool
    names: list[NameHit] = field(default_factory=list)
    dates: list[DateHit] = field(default_factory=list)


def check_text(text: str) -> str:
    """The text, stripped, if it can be read as an English article; else :class:`NewsError`."""
    if "\x00" in text:
        raise NewsError("this looks like a binary file, not an article")
    text = text.strip()
    if not text:
        raise NewsError("the text is empty")
    if len(text) > MAX_TEXT_CHARS:
        raise NewsError(f"the text is longer than {MAX_TEXT_CHARS:,} characters; "
                        "paste the article itself")
    not_english = "the text does not look like English; only English articles are read"
    letters = sum(ch.isalpha() for ch in text)
    latin = sum(ch.isascii() and ch.isalpha() for ch in text)
    if latin < 0.7 * letters:
        raise NewsError(not_english)
    words = re.findall(r"[A-Za-z']+", text)
    if len(words) < 6:
        raise NewsError("the text is too short to be an article")
    if sum(w.lower() in _COMMON_WORDS for w in words) < 0.08 * len(words):
        raise NewsError(not_english)
    return text


def split_sentences(text: str) -> list[tuple[str, int, bool]]:
    """(sentence, paragraph number, is a headline) in reading order."""
    out: list[tuple[str, int, bool]] = []
    for number, paragraph in enumerate(re.split(r"\n\s*\n", text)):
        lines = [ln.strip() for ln in paragraph.strip().splitlines() if ln.strip()]
        for line in lines:
            headline = line.startswith("#")
            line = line.lstrip("#").strip()
            if headline:
                out.append((line, number, True))
                continue
            pieces: list[str] = []
            for piece in _SPLIT.split(line):
                if pieces and re.search(r"(?:^|\s)(?:" + "|".join(
                        re.escape(a) for a in _ABBREVIATIONS) + r")\.$", pieces[-1]):
                    pieces[-1] += " " + piece
                else:
                    pieces.append(piece)
            out.extend((p, number, False) for p in pieces if p)
    return out


def _main_custodian(sentences: Sequence[_Sentence]) -> str | None:
    scores: dict[str, float] = {}
    first: dict[str, int] = {}
    for index, sentence in enumerate(sentences):
        weight = 2.0 if sentence.headline or index <= 1 else 1.0
        for hit in sentence.names:
            scores[hit.counterparty] = scores.get(hit.counterparty, 0) + (
                weight / 3 if hit.ticker else weight)
            first.setdefault(hit.counterparty, index)
    if not scores:
        return None
    return max(scores, key=lambda cp: (scores[cp], -first[cp]))


_ASIDE = re.compile(r",\s(?:which|who|whose|a|an|the)\b[^,]{0,120},")


def _nearest(names: Sequence[NameHit], trigger: TriggerHit, sentence: str) -> NameHit | None:
    asides = [(m.start(), m.end()) for m in _ASIDE.finditer(sentence)
              if not m.start() <= trigger.start < m.end()]

    def distance(hit: NameHit) -> float:
        if hit.end <= trigger.start:
            gap = float(trigger.start - hit.end)
        elif hit.start >= trigger.end:
            gap = (hit.start - trigger.end) * 1.5   # the subject usually comes first
        else:
            gap = 0.0
        if hit.ticker and trigger.category is not Category.DEPEG:
            gap += 40   # a token named is weaker evidence than the firm named
        if any(s <= hit.start < e for s, e in asides):
            gap += 60   # named in an aside (", which relies on Genesis,"): not the subject
        return gap

    if trigger.exclude_subject:
        before = [h for h in names if h.end <= trigger.start]
        if before:
            subject = max(before, key=lambda h: h.end)
            names = [h for h in names if h.counterparty != subject.counterparty]
    return min(names, key=distance) if names else None


def _amount_text(value: Decimal) -> str:
    for scale, suffix in ((Decimal(10) ** 9, "B"), (Decimal(10) ** 6, "M")):
        if value >= scale:
            return f"${(value / scale).quantize(Decimal('0.01')).normalize():f}{suffix}"
    return f"${value:,.0f}"


def _title(name: str, category: Category, amount: Decimal | None, period: int | None) -> str:
    template = TITLES.get(category) or OTHER_TITLES.get(category.value, "{name}: " + category.value)
    title = template.format(name=name)
    if amount is not None:
        title += f": {_amount_text(amount)}"
    if period is not None:
        title += " in 1 day" if period == 1 else f" in {period} days"
    return title


def read_article(text: str, *, published: date, title: str | None = None,
                 lexicon: Lexicon | None = None, names: dict[str, str] | None = None
                 ) -> list[Candidate]:
    """The candidate events in ``text`` (published on ``published``), in reading order.

    ``title`` is the headline when it comes apart from the text (page metadata,
    a feed entry). ``names`` maps counterparty ids to display names for titles.
    Raises :class:`NewsError` for text that cannot be read as an article.
    """
    lexicon = lexicon or load_lexicon()
    body = check_text(text)
    parts = split_sentences(body)
    if title and title.strip() and (not parts or parts[0][0] != title.strip()):
        parts.insert(0, (title.strip(), -1, True))
    sentences = [_Sentence(t, p, h) for t, p, h in parts]
    for sentence in sentences:
        sentence.names = lexicon.find_names(sentence.text)
        sentence.dates = find_dates(sentence.text, published)
    main = _main_custodian(sentences)
    found: list[Candidate] = []
    for index, sentence in enumerate(sentences):
        seen: set[tuple[str, Category]] = set()
        for trigger in lexicon.find_triggers(sentence.text):
            hit = _nearest(sentence.names, trigger, sentence.text)
            if hit is not None:
                counterparty = hit.counterparty
            elif main is not None:
                counterparty = main
            else:
                continue   # nobody named anywhere: nothing to suggest
            if (counterparty, trigger.category) in seen:
                continue   # one reading per custodian and category in a sentence
            seen.add((counterparty, trigger.category))
            found.append(_candidate(sentences, index, trigger, hit, counterparty,
                                    published, names or {}, lexicon, main))
    return _merge(found)


def _sized_amount(sentences: Sequence[_Sentence], index: int, category: Category,
                  counterparty: str, main: str | None, lexicon: Lexicon, *,
                  include_own: bool) -> Amount | None:
    """A figure that sizes the event elsewhere: "a hole of $1.2 billion", "$52.8M was taken".

    The trigger's own sentence first (``include_own``), then the body's sentences that name
    this custodian (or nobody, when it is the article's main custodian).
    """
    order = [index] * include_own + [i for i in range(len(sentences))
                                     if i != index and not sentences[i].headline]
    for i in order:
        sentence = sentences[i]
        named = {h.counterparty for h in sentence.names}
        if i != index and not (counterparty in named or (not named and counterparty == main)):
            continue
        position = lexicon.find_size_word(sentence.text, category)
        if position is not None:
            amount = event_amount(sentence.text, position)
            if amount is not None:
                return amount
    return None


def _candidate(sentences: Sequence[_Sentence], index: int, trigger: TriggerHit,
               hit: NameHit | None, counterparty: str, published: date,
               names: dict[str, str], lexicon: Lexicon, main: str | None) -> Candidate:
    sentence = sentences[index]
    highlights = [(trigger.start, trigger.end)]
    if hit is not None:
        highlights.append((hit.start, hit.end))
    amount: Amount | None = event_amount(sentence.text, trigger.start)
    if amount is None or amount.floor or sentence.headline:
        # Headlines round and "more than $X" is a floor: a figure that sizes the
        # event in the body is better.
        sized = _sized_amount(sentences, index, trigger.category, counterparty, main, lexicon,
                              include_own=amount is None)
        if sized is not None:
            amount = sized
    if amount is not None and not sentence.headline:
        highlights.append((amount.start, amount.end))
    day, stated = published, False
    if sentence.dates:
        latest = max(sentence.dates, key=lambda d: d.day)
        day, stated = latest.day, True
        highlights.append((latest.start, latest.end))
    else:
        for earlier in reversed(sentences[:index]):
            if earlier.paragraph != sentence.paragraph:
                break
            if earlier.dates:
                day, stated = max(d.day for d in earlier.dates), True
                break
    period = find_period_days(sentence.text)
    named = hit is not None and not hit.ticker
    confidence = 0.4 if hit is None else 0.55 if hit.ticker else 0.65
    confidence += 0.1 * trigger.strong + 0.1 * (amount is not None) + 0.1 * stated
    name = names.get(counterparty, counterparty)
    return Candidate(
        counterparty=counterparty, category=trigger.category, date=day, published=published,
        title=_title(name, trigger.category, amount.value if amount else None, period),
        evidence=sentence.text, confidence=round(min(confidence, 0.95), 2),
        amount_usd=amount.value if amount else None, period_days=period,
        highlights=tuple(sorted(highlights)), date_stated=stated, named=named,
        from_headline=sentence.headline, amount_is_floor=bool(amount and amount.floor),
    )


def _merge(found: Sequence[Candidate]) -> list[Candidate]:
    """One candidate per custodian and category, except distinct (amount, period) figures."""
    merged: list[Candidate] = []
    for candidate in found:
        same = [i for i, m in enumerate(merged)
                if (m.counterparty, m.category) == (candidate.counterparty, candidate.category)]
        distinct = (candidate.amount_usd is not None and candidate.period_days is not None
                    and all(merged[i].amount_usd is not None
                            and merged[i].period_days not in (None, candidate.period_days)
                            for i in same))
        if not same or distinct:
            merged.append(candidate)
            continue
        i = same[0]
        current = merged[i]
        changes: dict[str, Any] = {"confidence": max(current.confidence, candidate.confidence)}
        better_figure = ((current.from_headline or current.amount_is_floor)
                         and not candidate.from_headline and not candidate.amount_is_floor
                         and candidate.period_days in (None, current.period_days))
        if candidate.amount_usd is not None and (current.amount_usd is None or better_figure):
            changes.update(amount_usd=candidate.amount_usd, title=candidate.title,
                           amount_is_floor=candidate.amount_is_floor)
            if current.period_days is None:
                changes["period_days"] = candidate.period_days
        if not current.date_stated and candidate.date_stated:
            changes.update(date=candidate.date, date_stated=True)
        if not current.named and candidate.named:
            changes.update(evidence=candidate.evidence, highlights=candidate.highlights,
                           named=True)
        merged[i] = replace(current, **changes)
    return merged
