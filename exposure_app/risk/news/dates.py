"""Dates in news sentences, relative ones resolved against the publication date.

A small pattern finds the phrases that name a day (``On December 13``,
``late Sunday``, ``yesterday``, ``2022-12-13``, ``9 January 2023``) and dateparser
reads them, with the article's publication date as the base and past dates
preferred (news reports what has happened). One rule is ours: a bare weekday
means the most recent such day *on or before* publication, as in news style
("the company said on Tuesday" in Tuesday's paper is that day), where
dateparser would go back a whole week.

Pure Python (dateparser does no I/O). Threading: stateless.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

_MONTHS = (r"Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
           r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?")
_WEEKDAYS = r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_PHRASE = re.compile(
    rf"\b(?P<md>(?:{_MONTHS})\.?\s\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s\d{{4}})?)\b"
    rf"|\b(?P<dm>\d{{1,2}}(?:st|nd|rd|th)?\s(?:{_MONTHS})(?:,?\s\d{{4}})?)\b"
    r"|\b(?P<iso>\d{4}-\d{2}-\d{2})\b"
    rf"|\b(?P<last>last\s(?:{_WEEKDAYS}))\b"
    rf"|\b(?P<wd>{_WEEKDAYS})\b"
    r"|\b(?P<rel>yesterday|today|tonight|this morning|this evening|last night)\b"
)
_SETTINGS = {"PREFER_DATES_FROM": "past", "RETURN_AS_TIMEZONE_AWARE": False}


@dataclass(frozen=True, slots=True)
class DateHit:
    start: int
    end: int
    day: date
    text: str


def _parse(text: str, base: datetime) -> date | None:
    import dateparser  # here, not at import: it costs every CLI command's start otherwise

    settings = {**_SETTINGS, "RELATIVE_BASE": base}
    parsed = dateparser.parse(text, languages=["en"], settings=settings)
    return parsed.date() if parsed is not None else None


def find_dates(sentence: str, published: date) -> list[DateHit]:
    """Every day named in ``sentence``, resolved against ``published``.

    Days after publication are dropped (an article cannot report them as past),
    except that a month-and-day without a year is read in the latest year that
    keeps it on or before publication.
    """
    base = datetime(published.year, published.month, published.day, 12)
    hits: list[DateHit] = []
    for match in _PHRASE.finditer(sentence):
        kind = match.lastgroup
        text = match.group()
        if kind == "wd":
            # Most recent such weekday on or before publication (dateparser's base + 1 day).
            day = _parse(text, base + timedelta(days=1))
        elif kind == "iso":
            try:
                day = date.fromisoformat(text)
            except ValueError:
                day = None
        else:
            day = _parse(text, base)
        if day is None or day > published:
            continue
        hits.append(DateHit(match.start(), match.end(), day, text))
    return hits
