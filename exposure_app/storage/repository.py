"""What every repository shares: the store it works on, and one way to map rows to records.

A repository reads rows of one or a few tables and hands out frozen records.
The mapping from a row to a record is declared once per record with
:func:`row_mapper`: the record's constructor and, column by column, how the
stored value becomes the field (``None`` keeps the value as stored, e.g. TEXT
names; :func:`optional` wraps a converter for a nullable column). The queries
then go through :meth:`Repository._one`, :meth:`Repository._all` and
:meth:`Repository._get`, so "no row" means ``None``, an empty list or a
:class:`~exposure_app.storage.errors.NotFoundError` the same way everywhere.

Threading: a repository belongs to the thread of the
:class:`~exposure_app.storage.store.ProfileStore` it was made with.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from exposure_app.domain.money import to_text
from exposure_app.storage.errors import NotFoundError

if TYPE_CHECKING:
    from exposure_app.storage.store import ProfileStore

T = TypeVar("T")
Row = Sequence[Any]
Converter = Callable[[Any], Any] | None
"""How one stored value becomes a field; ``None``: the value as stored."""


def optional(convert: Callable[[Any], T]) -> Callable[[Any], T | None]:
    """``convert`` for a nullable column: NULL stays ``None``."""
    return lambda value: None if value is None else convert(value)


flag_to_column = optional(int)
"""A yes/no/unknown flag as stored: 1, 0 or NULL."""
flag_from_column = optional(bool)
amount_to_column = optional(to_text)
"""An amount that may be unknown (no price, not said), as exact decimal TEXT or NULL."""
amount_from_column = optional(Decimal)


def row_mapper(make: Callable[..., T], *converters: Converter) -> Callable[[Row], T]:
    """``make(*fields)`` from a row whose columns are, in order, the fields of ``make``
    converted by ``converters`` (one per column: a query must select exactly these)."""

    def mapped(row: Row) -> T:
        return make(*(value if convert is None else convert(value)
                      for convert, value in zip(converters, row, strict=True)))

    return mapped


class Repository:
    """The base of the profile's repositories (see the module docstring)."""

    def __init__(self, store: ProfileStore) -> None:
        self._store = store

    def _one(self, sql: str, params: Sequence[Any], to: Callable[[Row], T]) -> T | None:
        """The first row of ``sql`` mapped by ``to``, or ``None`` when there is none."""
        row = self._store.db.execute(sql, params).fetchone()
        return None if row is None else to(row)

    def _all(self, sql: str, params: Sequence[Any], to: Callable[[Row], T]) -> list[T]:
        """Every row of ``sql``, in its order, mapped by ``to``."""
        return [to(row) for row in self._store.db.execute(sql, params).fetchall()]

    def _get(self, sql: str, params: Sequence[Any], to: Callable[[Row], T], missing: str) -> T:
        """Like :meth:`_one`, but no row is a :class:`NotFoundError` saying ``missing``."""
        found = self._one(sql, params, to)
        if found is None:
            raise NotFoundError(missing)
        return found
