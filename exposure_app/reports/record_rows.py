"""Reports of one row per record: each column declares how its cell is read.

A :class:`RecordColumn` is a :class:`~exposure_app.reports.csv_safe.Column` (name,
kind and description: what the writer, ``docs/reports.md`` and the export dialog
read) that also says how its cell comes from one record and the row's
:class:`RowContext`. Declaring the cell beside its column keeps the two in step
(a row is never a hand-ordered tuple that has to match the header), and
:func:`record_rows` is the one row builder of the ``warnings``, ``events``,
``checklist`` and ``suggestions`` reports.

Records are read by attribute, or by key for a mapping (:func:`field_of`), so a
report does not depend on the classes of the layer that made them. A column whose
cell is the record's attribute of the same name declares no ``cell``.

Threading: pure; run anywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import Enum
from operator import attrgetter
from typing import Any, Generic, TypeVar

from exposure_app.reports.csv_safe import Column

R = TypeVar("R")

LIST_SEPARATOR = " | "
"""Between the items of a list cell (reasons, sources, ids)."""


@dataclass(frozen=True, slots=True)
class RowContext:
    """What a row's cells may read besides the record: the report's instant, currency
    and scope, and the row's 1-based position."""

    as_of: datetime | None = None
    base_currency: str = ""
    scope: str = ""
    position: int = 0


@dataclass(frozen=True, slots=True)
class RecordColumn(Column, Generic[R]):
    """A column and how its cell is read; without ``cell``, the cell is the record's
    attribute of the column's name, as it is (a record lacking it is an error, not an
    empty cell)."""

    cell: Callable[[R, RowContext], object] | None = field(default=None, kw_only=True)

    def reader(self) -> Callable[[R, RowContext], object]:
        if self.cell is not None:
            return self.cell
        read = attrgetter(self.name)
        return lambda record, _row: read(record)


def record_rows(columns: Sequence[RecordColumn[R]], records: Iterable[R],
                context: RowContext = RowContext()) -> Iterator[tuple[object, ...]]:
    """One row per record (lazily), its cells in column order."""
    cells = [column.reader() for column in columns]
    for position, record in enumerate(records, start=1):
        row = RowContext(context.as_of, context.base_currency, context.scope, position)
        yield tuple(cell(record, row) for cell in cells)


def field_of(record: Any, *names: str) -> Any:
    """The first of ``names`` that ``record`` has, as a key of a dict or an attribute."""
    for name in names:
        if isinstance(record, dict) and name in record:
            return record[name]
        if hasattr(record, name):
            return getattr(record, name)
    return None


def text_of(value: Any) -> str | None:
    """A text cell: an enum's value, anything else as ``str``; ``None`` stays empty."""
    if value is None:
        return None
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)


def decimal_of(value: Any) -> Decimal | None:
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def joined(values: Iterable[Any] | None) -> str:
    """A list cell: the items as text, separated by :data:`LIST_SEPARATOR`."""
    return LIST_SEPARATOR.join(str(value) for value in values or ())


def text_cell(*names: str) -> Callable[[Any, RowContext], str | None]:
    """The cell of a text column read from the record's first field of ``names``."""
    return lambda record, _row: text_of(field_of(record, *names))


def as_of_cell(_record: object, row: RowContext) -> datetime | None:
    return row.as_of


def base_currency_cell(_record: object, row: RowContext) -> str:
    return row.base_currency
