"""CSV writing that a spreadsheet cannot turn into a formula.

Every CSV the app writes (reports, event exports) goes through
:func:`write_csv`: UTF-8 (no byte-order mark), a header row, CRLF line
ends (RFC 4180), ``.`` as the decimal point and full precision (canonical
decimal text, never floats), ISO 8601 times with their UTC offset,
``true``/``false`` for flags and an empty cell for "none".

Formula neutralising: a *text* cell that starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return would be run as a formula by Excel,
LibreOffice or Google Sheets (CSV injection). Such a cell is written with a
single quote ``'`` in front, which spreadsheets show as text and which
anyone reading the file can strip. Number, time and flag cells are produced
by this module from typed values, so they never need it (a negative amount
stays ``-1.5``, a number).

Threading: pure functions; the caller owns the output stream.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum, StrEnum
from types import MappingProxyType
from typing import IO, Any

from exposure_app.domain.money import round_money, to_text
from exposure_app.domain.text import FORMULA_PREFIXES, neutralise_cell
from exposure_app.domain.text import QUOTE as QUOTE  # what neutralise puts before a formula
from exposure_app.domain.timeutil import ensure_utc


class Kind(StrEnum):
    TEXT = "text"
    DECIMAL = "decimal"
    TIME = "time"
    DATE = "date"
    BOOL = "bool"
    INT = "int"


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    kind: Kind = Kind.TEXT
    doc: str = ""


def money_or_none(value: Decimal | None, currency: str) -> Decimal | None:
    """A value column's cell: rounded to ``currency``'s cents (``round_money``), or empty.

    Every report's value columns go through here; amount and price columns do not.
    """
    return None if value is None else round_money(value, currency)


neutralise = neutralise_cell   # the rule lives in domain.text, beside its reader


def is_safe(text: str) -> bool:
    """Whether a written text cell cannot be run as a formula."""
    return not text.startswith(FORMULA_PREFIXES)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        value = str(value.value) if isinstance(value, Enum) else str(value)
    return neutralise(value)


def _typed(expected: type, write: Callable[[Any], str]) -> Callable[[Any], str]:
    """A cell of a typed kind: ``write`` of a value of type ``expected`` (anything else is a
    bug in the report's rows: ``TypeError``; a float never passes for a Decimal)."""
    def cell(value: Any) -> str:
        if value is None:
            return ""
        if not isinstance(value, expected):
            raise TypeError(f"expected a {expected.__name__}, got {type(value).__name__}")
        return write(value)
    return cell


_decimal = _typed(Decimal, to_text)
_time = _typed(datetime, lambda moment: ensure_utc(moment).isoformat())
_date = _typed(date, lambda day: (day.date() if isinstance(day, datetime) else day).isoformat())


def _bool(value: Any) -> str:
    return "" if value is None else "true" if value else "false"


def _int(value: Any) -> str:
    return "" if value is None else str(int(value))


_FORMATTERS: Mapping[Kind, Callable[[Any], str]] = MappingProxyType({
    Kind.TEXT: _text, Kind.DECIMAL: _decimal, Kind.TIME: _time, Kind.DATE: _date,
    Kind.BOOL: _bool, Kind.INT: _int,
})
"""How a cell of each kind is written; ``None`` is an empty cell in every kind."""


def format_cell(value: Any, kind: Kind) -> str:
    """The cell text for ``value`` of column ``kind``; ``None`` is an empty cell."""
    return _FORMATTERS[kind](value)


def _column_formatter(kind: Kind) -> Callable[[Any], str]:
    """The formatter of one column: :func:`format_cell`'s, except that times, which repeat
    down a column (the "as of", a snapshot's time), remember the last one formatted."""
    if kind is not Kind.TIME:
        return _FORMATTERS[kind]
    last: list[Any] = [None, ""]

    def time(value: Any) -> str:
        if value != last[0]:
            last[0], last[1] = value, _time(value)
        return last[1]
    return time


class PreformattedLines:
    """Rows of one cell each: the complete CSV line, quoted as ``csv.writer`` would.

    For the largest report (every holding of every snapshot): SQLite builds
    each line, so Python handles one string per row instead of eighteen cells.
    The producer must write exactly what ``csv.writer`` writes for the cells
    :func:`format_cell` would give (tests compare the paths byte for byte).
    """

    def __init__(self, rows: Iterable[Sequence[str]]) -> None:
        self.rows = rows


def write_csv(out: IO[str], columns: Sequence[Column],
              rows: Iterable[Sequence[Any]] | PreformattedLines) -> int:
    """Write the header and ``rows`` (consumed lazily); returns the number of data rows.

    ``out`` must be opened with ``newline=""`` and ``encoding="utf-8"``.
    """
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.name for c in columns])
    if isinstance(rows, PreformattedLines):
        return _write_lines(out, rows.rows)
    formatters = [_column_formatter(c.kind) for c in columns]
    width = len(formatters)
    count = 0
    for row in rows:
        if len(row) != width:
            raise ValueError(f"row has {len(row)} cells, the report has {width} columns")
        writer.writerow([f(v) for f, v in zip(formatters, row, strict=True)])
        count += 1
    return count


def _write_lines(out: IO[str], rows: Iterable[Sequence[str]], size: int = 5000) -> int:
    """Write one-cell rows that are whole CSV lines, a chunk at a time."""
    fetchmany = getattr(rows, "fetchmany", None)
    chunks = iter(lambda: fetchmany(size), []) if fetchmany is not None else [list(rows)]
    count = 0
    for chunk in chunks:
        if chunk:
            out.write("\r\n".join([row[0] for row in chunk]))
            out.write("\r\n")
            count += len(chunk)
    return count
