"""Number, money, share and time formatting for people (views only).

Money stays :class:`~decimal.Decimal` everywhere else; only here is it
turned into text, with the separators of the user's locale (``QLocale``).
Amounts keep their full precision (trailing zeros trimmed), money values
are shown with two decimals (eight for BTC/ETH bases).

Threading: pure functions; ``QLocale()`` is read on the calling thread.
"""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal

from PySide6.QtCore import QDateTime, QLocale

from exposure_app.domain.money import money_places, share_text
from exposure_app.domain.timeutil import ensure_utc, format_age

DATE_EDIT_FORMAT = "yyyy-MM-dd"
DATE_TIME_EDIT_FORMAT = "yyyy-MM-dd HH:mm"
"""How date and date-time fields show their value: ISO, as every table and report writes
dates (a field left to the locale showed "2 12 2026 20:28" next to "2026-12-02")."""


def _localise(text: str, locale: QLocale | None = None) -> str:
    """Swap Python's ``,`` / ``.`` for the locale's group and decimal characters."""
    locale = locale or QLocale()
    group = locale.groupSeparator() or ","
    point = locale.decimalPoint() or "."
    if group == "," and point == ".":
        return text
    return text.replace(",", "\x00").replace(".", point).replace("\x00", group)


def format_money(value: Decimal | None, currency: str = "", *, with_currency: bool = True,
                 locale: QLocale | None = None) -> str:
    """``12,345.68 USD``; ``—`` for no value (unpriced)."""
    if value is None:
        return "—"
    places = money_places(currency)
    quantum = Decimal(1).scaleb(-places)
    text = _localise(f"{value.quantize(quantum, rounding=ROUND_HALF_EVEN):,.{places}f}", locale)
    return f"{text} {currency}" if with_currency and currency else text


def format_compact_money(value: Decimal | float, currency: str = "") -> str:
    """Short form for chart labels: ``12.3k``, ``4.56M``."""
    number = float(value)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if abs(number) >= limit:
            text = f"{number / limit:.3g}{suffix}"
            break
    else:
        text = f"{number:,.0f}" if abs(number) >= 1 else f"{number:.2g}"
    text = _localise(text)
    return f"{text} {currency}".strip()


def format_amount(value: Decimal | None, *, locale: QLocale | None = None) -> str:
    """A token amount at full precision, trailing zeros trimmed, grouped."""
    if value is None:
        return "—"
    text = f"{value:,f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return _localise(text, locale)


def format_share(value: Decimal | float | None) -> str:
    """A fraction as a percentage, as :func:`~exposure_app.domain.money.share_text` words it
    (one place; ``<0.1%`` for a share too small to show), in the user's locale; ``—`` for
    none."""
    if value is None:
        return "—"
    return _localise(share_text(value))


def format_time(moment: datetime | None) -> str:
    """Local date and time, short form; ``never`` when there is none."""
    if moment is None:
        return "never"
    local = ensure_utc(moment).astimezone()
    return local.strftime("%Y-%m-%d %H:%M")


def format_last_good(moment: datetime | None, as_of: datetime | None = None) -> str:
    """When an account's last good data was taken, age first: ``3 h ago (2026-12-02 20:15)``;
    ``never`` when there is none. With ``as_of`` the age counts from that date (``2 days
    before``). The one wording of this fact on every page: the age is what a reader needs,
    so a column narrowed to fit the window cuts the instant, never the age (its tooltip has
    the whole text)."""
    if moment is None:
        return "never"
    return f"{last_good_age(moment, as_of)} ({format_time(moment)})"


def last_good_age(moment: datetime | None, as_of: datetime | None = None) -> str:
    """The age alone of :func:`format_last_good` (``3 h ago``; ``never``): what a column too
    narrow for the whole text shows, the whole being in its tooltip."""
    return "never" if moment is None else format_age(moment, as_of)


def sentence(text: str) -> str:
    """``text`` as a sentence: its first letter upper case (the rest untouched, so a
    name keeps its case) and exactly one full stop at the end (never "..")."""
    text = text.strip()
    if text:
        text = text[0].upper() + text[1:]
    if text.endswith(("?", "!", "…")):
        return text
    return text.rstrip(".").rstrip() + "."


def utc_datetime(moment: QDateTime) -> datetime:
    """A date-time edit's value as an aware UTC ``datetime``."""
    value = moment.toUTC().toPython()
    if not isinstance(value, datetime):
        raise TypeError(f"not a date-time: {value!r}")
    return ensure_utc(value)
