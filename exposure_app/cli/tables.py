"""Fixed-width listings on the terminal (``accounts list``, ``holdings list``...).

A listing declares its columns once, as a :class:`TextTable`: the header and
every row are laid out by the same column specs, so a width is written in one
place. Values are formatted exactly as an f-string field with that spec would
be (``format(value, spec)``); the last column usually has no width and takes
the rest of the line. Scripts read ``--json`` instead (docs/json.md).

Threading: plain values; main thread only, like every CLI command.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Column:
    title: str
    spec: str = ""
    """A format spec, e.g. ``<24`` (left, 24 wide) or ``>20`` (right-aligned amounts)."""
    gap: str = " "
    """What separates this column from the next."""


class TextTable:
    """The columns of one listing; :meth:`header` and :meth:`line` give its lines."""

    def __init__(self, *columns: Column) -> None:
        self.columns = columns

    def line(self, *values: Any) -> str:
        """One row: a value per column, in order."""
        if len(values) != len(self.columns):
            raise ValueError(f"{len(values)} values for {len(self.columns)} columns")
        last = len(self.columns) - 1
        return "".join(format(value, column.spec) + (column.gap if i < last else "")
                       for i, (column, value) in enumerate(zip(self.columns, values, strict=True)))

    def header(self) -> str:
        """The column titles, laid out like the rows."""
        return self.line(*(column.title for column in self.columns))
