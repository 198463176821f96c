"""Money and amounts as :class:`~decimal.Decimal`.

Amounts cross every boundary (CSV, exchange JSON, SQLite TEXT) as strings and
are parsed here, strictly: a value that is not a finite decimal number is an
error, never a silent zero. Formatting for people happens only in the views.
"""

from __future__ import annotations

import decimal
import re
from decimal import Decimal

ZERO = Decimal(0)
ONE = Decimal(1)

# Enough precision for 18-decimal tokens times large prices without rounding.
_CONTEXT = decimal.Context(prec=60, rounding=decimal.ROUND_HALF_EVEN)
#: The context :func:`mul`, :func:`div` and :func:`add` compute in, for a loop over many
#: rows that calls its ``multiply``/``add`` directly (the same results, without a call).
WIDE_CONTEXT = _CONTEXT


class AmountError(ValueError):
    """A value that should be a decimal number is not one."""


# ASCII digits only (``Decimal`` itself takes Arabic-Indic digits and ``1_000``),
# an optional point and an exponent of at most six digits.
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,6})?", re.ASCII)
# Longest number text read at all; 18-decimal amounts of trillions fit easily.
MAX_NUMBER_TEXT = 100
# Largest decimal exponent either way: far beyond any real figure, small
# enough that arithmetic and plain-text formatting stay cheap (1E-999999999
# would otherwise be written out as a billion zeros).
MAX_EXPONENT = 60


def parse_decimal(value: object, *, field: str = "amount") -> Decimal:
    """Parse ``value`` into a finite :class:`Decimal`.

    Accepts ``Decimal``, ``int``, ``str`` (``"1.5"``, ``"1e-8"``, surrounding
    spaces; ASCII digits only, no ``_`` separators, at most
    :data:`MAX_NUMBER_TEXT` characters) and ``float`` (through ``repr`` so
    ``0.1`` stays ``0.1``). Rejects ``bool``, ``None``, NaN, infinities, an
    exponent beyond :data:`MAX_EXPONENT` either way and anything else with
    :class:`AmountError` naming ``field``.
    """
    if isinstance(value, bool) or value is None:
        raise AmountError(f"{field}: expected a number, got {value!r}")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        if value.bit_length() > 4 * MAX_NUMBER_TEXT:   # before building a Decimal of it
            raise AmountError(f"{field}: a number of more than {MAX_NUMBER_TEXT} digits is "
                              "too long")
        result = Decimal(value)
    elif isinstance(value, float):
        result = Decimal(repr(value))
    elif isinstance(value, str):
        text = value.strip(" \t\r\n")
        if not text:
            raise AmountError(f"{field}: empty value")
        if len(text) > MAX_NUMBER_TEXT:
            raise AmountError(f"{field}: a number of {len(text)} characters is too long "
                              f"(at most {MAX_NUMBER_TEXT})")
        if not _NUMBER.fullmatch(text):
            raise AmountError(f"{field}: {value!r} is not a number (use digits 0-9 and "
                              "a point, e.g. 1234.5)")
        result = Decimal(text)
    else:
        raise AmountError(f"{field}: expected a number, got {type(value).__name__}")
    if not result.is_finite():
        raise AmountError(f"{field}: {value!r} is not a finite number")
    if not result:
        return ZERO     # 0E-999999 is zero: its exponent must not reach plain-text formatting
    if abs(result.adjusted()) > MAX_EXPONENT:
        raise AmountError(f"{field}: {_clip(value)} is out of range "
                          f"(beyond 10^{MAX_EXPONENT} or below 10^-{MAX_EXPONENT})")
    return result


def _clip(value: object) -> str:
    text = repr(value) if not isinstance(value, Decimal) else str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def mul(a: Decimal, b: Decimal) -> Decimal:
    """Multiply with the wide context (no silent rounding at 28 digits)."""
    return _CONTEXT.multiply(a, b)


def div(a: Decimal, b: Decimal) -> Decimal:
    """Divide with the wide context; ``b`` must not be zero."""
    return _CONTEXT.divide(a, b)


def add(*values: Decimal) -> Decimal:
    total = ZERO
    for value in values:
        total = _CONTEXT.add(total, value)
    return total


SHARE_QUANTUM = Decimal("1e-12")


def share(part: Decimal, whole: Decimal) -> Decimal:
    """``part / whole`` as a fraction rounded to 12 places, or zero when ``whole`` is zero.

    Shares are ratios for display and thresholds; 12 places keep them exact
    enough while their text form stays readable in JSON and CSV.
    """
    if whole == 0:
        return ZERO
    return _CONTEXT.divide(part, whole).quantize(SHARE_QUANTUM, context=_CONTEXT)


SHARE_PLACES = 1
"""Places of every share of a whole shown to the user (the GUI's pages and charts, the
command line's tables): one, so one figure reads the same everywhere."""


def share_text(value: Decimal | float) -> str:
    """A fraction as a percentage with :data:`SHARE_PLACES` places: ``0.154`` is ``15.4%``.

    A share too small to show at that precision reads ``<0.1%`` (or ``>-0.1%``), never
    ``0.0%``, so a small holding is not taken for nothing. Plain ``.`` for the point: the
    GUI swaps in its locale's characters.
    """
    percent = float(value) * 100
    smallest = 10.0 ** -SHARE_PLACES
    if 0 < abs(percent) < smallest / 2:
        return ("<" if percent > 0 else ">-") + f"{smallest:.{SHARE_PLACES}f}%"
    return f"{percent:.{SHARE_PLACES}f}%"

def to_text(value: Decimal) -> str:
    """Canonical TEXT form for storage and JSON: plain notation, no exponent.

    ``normalize`` would turn ``100`` into ``1E+2``; this keeps ``100`` and strips
    trailing zeros after the point (``1.500`` -> ``1.5``).
    """
    if value == 0:
        return "0"
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


#: Government currencies a profile's values can be shown in; the price refresh
#: fetches their rates (a change of base currency converts stored figures at them).
FIAT_CURRENCIES = ("USD", "EUR", "GBP", "CHF", "JPY", "CAD", "AUD")
#: Every currency a profile's values can be shown in (setting ``base_currency``).
BASE_CURRENCIES = (*FIAT_CURRENCIES, "BTC", "ETH", "USDT", "USDC")

#: Decimal places of a value in each base currency ("cents"); others have 2.
#: JPY has no minor unit in use; BTC and ETH values keep satoshi / gwei-ish detail.
CURRENCY_PLACES = {"JPY": 0, "BTC": 8, "ETH": 6}


def money_places(currency: str) -> int:
    """How many decimals a value in ``currency`` is rounded to (2 unless listed)."""
    return CURRENCY_PLACES.get(currency.upper(), 2)


def round_money(value: Decimal, currency: str) -> Decimal:
    """``value`` in ``currency`` rounded half-even to its cents, for reports.

    Values (amount x price) carry up to 60 digits in the domain; a report
    shows what a statement would. Amounts are never passed here: they keep
    their exact decimals.
    """
    quantum = Decimal(1).scaleb(-money_places(currency))
    return _CONTEXT.add(_CONTEXT.quantize(value, quantum), ZERO)   # no "-0.00"


def significant_digits(value: Decimal) -> int:
    """How many significant digits ``value`` is written with (``0.9996`` -> 4, ``100`` -> 1)."""
    if value == 0:
        return 1
    return len(value.normalize(_CONTEXT).as_tuple().digits)


def derived_price(value: Decimal, *inputs: Decimal, minimum: int = 12) -> Decimal:
    """A price computed from quoted prices (a product or an inverse), kept to the precision
    its inputs carry: as many significant digits as the most precise input (at least
    ``minimum``).

    Why: ``91153.06122449`` (BTC/USDT) x ``0.9996`` (USDT/USD) is exactly
    ``91116.600000000204``; the trailing ``204`` is an artefact of the quotes'
    own rounding, not information, and would show up in every report.
    """
    if value == 0:
        return value
    digits = max([minimum, *(significant_digits(i) for i in inputs)])
    exponent = value.adjusted() - digits + 1
    rounded = _CONTEXT.quantize(value, Decimal(1).scaleb(exponent))
    return Decimal(to_text(rounded))
