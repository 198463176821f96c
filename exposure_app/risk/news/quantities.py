"""Amounts (with unit and currency) and the periods they cover, as news writes them.

``$3 billion``, ``$1.14B``, ``US$360 million``, ``14 billion dollars``,
``48.2 billion yen``, ``4,502.9 BTC``, ``15% of its assets``; periods such as
``in the past 24 hours``, ``over the previous week``, ``in less than two months``,
``the seven days to December 13``.

Pure Python. Money stays Decimal; nothing here is rounded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

SCALES = {
    "trillion": Decimal(10) ** 12, "tn": Decimal(10) ** 12, "t": Decimal(10) ** 12,
    "billion": Decimal(10) ** 9, "bn": Decimal(10) ** 9, "b": Decimal(10) ** 9,
    "million": Decimal(10) ** 6, "mn": Decimal(10) ** 6, "mln": Decimal(10) ** 6,
    "m": Decimal(10) ** 6, "thousand": Decimal(1000), "k": Decimal(1000),
}
CURRENCY_WORDS = {
    "dollars": "USD", "usd": "USD", "yen": "JPY", "euros": "EUR", "eur": "EUR",
    "won": "KRW", "rupees": "INR", "pounds": "GBP",
}
COIN_UNITS = ("BTC", "ETH", "USDT", "USDC", "BNB", "SOL", "XRP", "NEM", "TRX", "FTT")
NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "single": 1, "two": 2, "three": 3, "four": 4, "five": 5,
    "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "fourteen": 14, "thirty": 30,
}
UNIT_DAYS: dict[str, Decimal] = {"hour": Decimal(1) / 24, "day": Decimal(1), "week": Decimal(7),
                                  "month": Decimal(30), "year": Decimal(365)}
MIN_EVENT_USD = Decimal(100_000)
"""Smaller dollar figures in a news sentence are prices or limits, not an event's size."""

_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALE = r"trillion|billion|million|thousand|tn|bn|mn|mln|[btmk]"
_USD = re.compile(
    rf"(?:US\s?\$|USD\s?|\$)\s?(?P<num>{_NUM})(?:\s?(?P<scale>{_SCALE})\b)?", re.I
)
_WORDED = re.compile(
    rf"\b(?P<num>{_NUM})\s(?P<scale>trillion|billion|million)\s(?:US\s)?"
    rf"(?P<cur>dollars|usd|yen|euros|eur|won|rupees|pounds)\b", re.I
)
_COINS = re.compile(rf"\b(?P<num>{_NUM})\s?(?P<scale>million|thousand|[mk])?\s(?P<cur>"
                    + "|".join(COIN_UNITS) + r")\b")
_SHARE = re.compile(rf"\b(?P<num>{_NUM})\s?(?:%|per ?cent\b)")
_PERIOD = re.compile(
    r"\b(?:in|over|within|during|across|for)\s(?:just\s|only\s)?(?:the\s)?"
    r"(?P<q>(?:past|last|previous|prior|preceding|following|next|first)\s)?"
    r"(?:(?:less|fewer|more)\sthan\s|under\s|about\s|around\s|roughly\s)?"
    r"(?P<n>\d+|a|an|one|single|two|three|four|five|six|seven|eight|nine|ten|eleven|"
    r"twelve|fourteen|thirty)?\s?(?:single\s)?(?P<unit>hour|day|week|month|year)s?\b", re.I
)
_PERIOD_TO = re.compile(
    r"\b(?:the\s)?(?P<n>\d+|one|two|three|four|five|six|seven|eight|nine|ten|thirty)?\s?"
    r"(?P<unit>day|week|month)s?\s(?:to|through|ending|ended)\s", re.I
)
_PERIOD_NUMBERED = re.compile(r"\b(?P<n>\d+)-(?P<unit>hour|day|week|month)\b", re.I)


@dataclass(frozen=True, slots=True)
class Amount:
    """A figure read from text: ``value`` in ``currency`` units (``%`` for a share)."""

    start: int
    end: int
    value: Decimal
    currency: str
    text: str

    floor: bool = False
    """The text gives it as a lower bound ("more than $100 million", "$100 million-plus")."""

    @property
    def is_usd(self) -> bool:
        return self.currency == "USD"


def _number(text: str) -> Decimal | None:
    try:
        return Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None


def _scale(raw: str | None) -> Decimal:
    return SCALES[raw.lower()] if raw else Decimal(1)


def find_amounts(sentence: str) -> list[Amount]:
    """Every amount in ``sentence``, in order; overlapping readings keep the first found."""
    found: list[Amount] = []

    def add(match: re.Match[str], currency: str) -> None:
        value = _number(match.group("num"))
        if value is None:
            return
        if "scale" in match.groupdict():
            value *= _scale(match.group("scale"))
        if any(a.start < match.end() and match.start() < a.end for a in found):
            return
        before = sentence[max(0, match.start() - 16):match.start()].lower()
        floor = bool(re.search(r"\b(?:more than|over|at least|upwards of|in excess of|above)\s+$",
                               before) or re.match(r"-?plus\b|\+", sentence[match.end():]))
        found.append(Amount(match.start(), match.end(), value.normalize(), currency,
                            match.group(), floor))

    for match in _USD.finditer(sentence):
        add(match, "USD")
    for match in _WORDED.finditer(sentence):
        add(match, CURRENCY_WORDS[match.group("cur").lower()])
    for match in _COINS.finditer(sentence):
        add(match, match.group("cur"))
    for match in _SHARE.finditer(sentence):
        add(match, "%")
    return sorted(found, key=lambda a: a.start)


def event_amount(sentence: str, near: int) -> Amount | None:
    """The dollar figure that sizes an event: the USD amount of at least
    :data:`MIN_EVENT_USD` nearest to the trigger at offset ``near``."""
    candidates = [a for a in find_amounts(sentence) if a.is_usd and a.value >= MIN_EVENT_USD
                  and not _in_range(sentence, a)]
    if not candidates:
        return None
    return min(candidates, key=lambda a: min(abs(a.start - near), abs(a.end - near)))


_RANGE = re.compile(
    rf"\b(?:between|from)\s(?:about\s|roughly\s|around\s)?(?:US\s?)?\$\s?(?:{_NUM})"
    rf"(?:\s?(?:{_SCALE})\b)?\s(?:and|to)\s(?:about\s)?(?:US\s?)?\$\s?(?:{_NUM})"
    rf"(?:\s?(?:{_SCALE})\b)?", re.I)


def _in_range(sentence: str, amount: Amount) -> bool:
    """``between $1 billion and $10 billion``, ``from $16.9B to $11.2B``: bounds, not a size."""
    return any(m.start() <= amount.start and amount.end <= m.end()
               for m in _RANGE.finditer(sentence))


def _days(n: str | None, unit: str) -> int:
    count = Decimal(1)
    if n:
        count = Decimal(n) if n.isdigit() else Decimal(NUMBER_WORDS[n.lower()])
    days = count * UNIT_DAYS[unit.lower()]
    return max(1, int(days.to_integral_value(rounding="ROUND_CEILING")))


def find_period_days(sentence: str) -> int | None:
    """How many days the figure in ``sentence`` covers, when the text says so."""
    for pattern in (_PERIOD, _PERIOD_TO, _PERIOD_NUMBERED):
        for match in pattern.finditer(sentence):
            qualified = match.group("n") or match.groupdict().get("q")
            if pattern is _PERIOD and not qualified:
                continue  # "earlier in the day" is not a period
            return _days(match.group("n"), match.group("unit"))
    if re.search(r"\bin (?:a|one) (?:single )?day\b|\bsingle[- ]day\b", sentence, re.I):
        return 1
    return None
