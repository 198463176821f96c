"""What figures and dates can be believed: the bounds every input is held to.

A number that parses is not yet a plausible holding: ``1e30`` BTC, a price of
``1e30`` per unit, a balance of ``-5`` in a spot wallet or a snapshot dated
0001-01-01 all parse, and each once produced a wrong net worth (or an export
of 739,949 daily rows). These checks are declared once here and used by the
holdings editor, the CSV import, ``holdings set`` and the exchange adapters.

Every check returns a one-line reason (``None`` when the value is fine) or
raises :class:`BoundsError` with it, so the caller decides how to report it.
Pure Python: no I/O.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from exposure_app.domain.money import to_text

# A billion billion units: more than any holder has of any token with a large
# supply (SHIB's whole supply is below 10^15); 1e30 or 1e400 is a broken answer.
MAX_UNITS = Decimal("1e18")
# A price per unit in the base currency; BTC in Vietnamese dong is about 10^9.
MAX_PRICE = Decimal("1e12")
# One holding's value in the base currency: more than all crypto-assets together.
MAX_VALUE = Decimal("1e15")
# Places after the point a person may type (ETH has 18 decimals, most tokens fewer).
MAX_PLACES = 18

# The day Bitcoin's genesis block was mined: no crypto-asset holding is older.
EARLIEST_HOLDING_DAY = date(2009, 1, 3)
# How far in the future a capture time may lie (time zones, a fast clock).
FUTURE_SLACK = timedelta(days=1)

# Wallets whose total may be negative: borrowing (margin) and derivatives
# accounts, where a coin can be owed (a loan, multi-asset collateral, unrealised
# losses). Spot, funding, earn, staking and vault balances cannot be below zero.
WALLETS_THAT_MAY_OWE = frozenset({
    "margin", "margin_isolated", "cross_margin",
    "futures", "futures_coinm", "delivery", "options", "swap", "future",
})


class BoundsError(ValueError):
    """A value outside what can be believed; ``str(e)`` is the one-line reason."""


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def entered_amount_problem(value: Decimal, field: str, *, limit: Decimal) -> str | None:
    """Why a number a person entered (an amount, price or value) is not plausible."""
    if not value.is_finite():
        return f"{field}: {value} is not a finite number"
    if value < 0:
        return f"{field} must not be negative"
    if value > limit:
        return f"{field} {_short(value)} is larger than {_power(limit)}, which cannot be right"
    if _places(value.normalize()) > MAX_PLACES:
        return f"{field} has more than {MAX_PLACES} digits after the point"
    return None


@functools.cache
def _plain_figure(limit: Decimal) -> re.Pattern[str]:
    """Digits, an optional point and digits, with fewer significant whole digits than
    ``limit`` has and at most :data:`MAX_PLACES` places once trailing zeros go; the
    groups are the whole part and the places without their zeros (bounded runs of
    zeros keep the text shorter than ``money.MAX_NUMBER_TEXT``)."""
    return re.compile(
        rf"(?=[0-9])0{{0,40}}([1-9][0-9]{{0,{limit.adjusted() - 1}}})?"
        rf"(?:\.([0-9]{{0,{MAX_PLACES}}}?)0{{0,40}})?", re.ASCII)


@functools.cache
def canonical_figure(limit: Decimal) -> re.Pattern[str]:
    """Texts that :func:`plain_entered_text` gives back unchanged: already canonical
    (no leading zeros, no trailing zeros after the point) and plainly within the bounds.
    A loop over many cells tries this first and calls the reader only for the others."""
    return re.compile(rf"(?:0|[1-9][0-9]{{0,{limit.adjusted() - 1}}})"
                      rf"(?:\.[0-9]{{0,{MAX_PLACES - 1}}}[1-9])?", re.ASCII)


@functools.cache
def plain_figure_reader(limit: Decimal) -> Callable[[str], str | None]:
    """:func:`plain_entered_text` for one ``limit``, its pattern bound once (for loops)."""
    match = _plain_figure(limit).fullmatch

    def read(text: str) -> str | None:
        found = match(text)
        if found is None:
            return None
        whole, places = found.groups()
        if places:
            return f"{whole or '0'}.{places}"
        return whole or "0"

    return read


def plain_entered_text(text: str, limit: Decimal) -> str | None:
    """The canonical text (``money.to_text``) of a figure a person entered, when ``text``
    is plainly within the bounds :func:`entered_amount_problem` holds it to; else ``None``.

    Only plain decimals (ASCII digits, an optional point and digits, no sign or
    exponent) with fewer whole digits than ``limit`` has (so below it) and at most
    :data:`MAX_PLACES` places once trailing zeros go qualify. ``None`` does not mean
    the figure is wrong: check it the full way (``money.parse_decimal``, then
    :func:`entered_amount_problem`), which also names the problem. A large import
    takes this path for nearly every cell, without a ``Decimal`` per cell.
    """
    return plain_figure_reader(limit)(text)


def check_entered_holding(amount: Decimal, price: Decimal | None, value: Decimal | None) -> None:
    """Raises :class:`BoundsError` when a hand-entered holding is not plausible.

    The value ``amount × price`` is bounded as well, so two plausible numbers
    cannot make an implausible holding.
    """
    problem = entered_amount_problem(amount, "amount", limit=MAX_UNITS)
    if problem is None and price is not None:
        problem = entered_amount_problem(price, "price", limit=MAX_PRICE)
        if problem is None and amount * price > MAX_VALUE:
            problem = (f"amount × price is larger than {_power(MAX_VALUE)}, "
                       "which cannot be right")
    if problem is None and value is not None:
        problem = entered_amount_problem(value, "value", limit=MAX_VALUE)
    if problem is not None:
        raise BoundsError(problem)


def check_holding_time(moment: datetime, now: datetime) -> None:
    """Raises :class:`BoundsError` for a capture time before 2009-01-03 or after
    tomorrow (``now`` plus a day)."""
    if moment.astimezone(UTC).date() < EARLIEST_HOLDING_DAY:
        raise BoundsError(
            f"the date {moment.date().isoformat()} is before "
            f"{EARLIEST_HOLDING_DAY.isoformat()} (the first Bitcoin block)"
        )
    if moment > now + FUTURE_SLACK:
        raise BoundsError(
            f"the date {moment.date().isoformat()} is in the future "
            f"(more than a day after today, {now.date().isoformat()})"
        )


def reported_balance_problem(wallet: str, asset: str, free: Decimal, locked: Decimal,
                             total: Decimal, *, may_owe: bool = False) -> str | None:
    """Why a balance an exchange reported cannot be right, or ``None``.

    Non-finite figures and figures beyond :data:`MAX_UNITS` are never right;
    a negative total only in :data:`WALLETS_THAT_MAY_OWE`, or where the
    adapter declares that the wallet nets debts (``may_owe``: a unified
    trading account's equity).
    """
    for name, figure in (("total", total), ("free", free), ("locked", locked)):
        if not figure.is_finite():
            return f"{asset} {name} is not a finite number"
        if abs(figure) > MAX_UNITS:
            return f"{asset} {name} {_short(figure)} is beyond any real holding"
    if total < 0 and not may_owe and wallet not in WALLETS_THAT_MAY_OWE:
        return f"{asset} total {to_text(total)} is negative in the {wallet} wallet"
    return None


def _short(value: Decimal) -> str:
    """A figure for a message: plain when short, in exponent form when large."""
    text = to_text(value) if abs(value.adjusted()) < 12 else f"{value:.3E}"
    return text if len(text) <= 40 else f"{value:.3E}"


def _power(limit: Decimal) -> str:
    return f"10^{limit.adjusted()}"
