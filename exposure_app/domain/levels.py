"""Ordered names: the warning level, and the enum kind that orders states by declaration.

A warning's :class:`Level` is computed by the risk engine (:mod:`exposure_app.risk.scoring`,
which exports it) and read by the plan (custodians in order of severity), the reports
and the GUI; it lives here, in the lowest layer, so that each of them orders levels
the same way. A :class:`RankedStrEnum` is ranked by the order its members are declared
in (``rank`` 0 is the first): the order is stated once, by the declaration itself.

Pure Python.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from functools import cache
from typing import Self


class RankedStrEnum(StrEnum):
    """A text enum ordered as declared."""

    @property
    def rank(self) -> int:
        return _ranks(type(self))[self]

    @classmethod
    def at_rank(cls, rank: int) -> Self:
        """The member of ``rank``; raises ``IndexError`` outside ``0 .. len - 1``."""
        if rank < 0:
            raise IndexError(rank)
        return tuple(cls)[rank]


@cache
def _ranks(enum: type[RankedStrEnum]) -> Mapping[RankedStrEnum, int]:
    return {member: rank for rank, member in enumerate(enum)}


class Level(RankedStrEnum):
    """A warning's level, least severe first."""

    INFO = "info"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    def shifted(self, steps: int, *, floor: Level | None = None, cap: Level | None = None
                ) -> Level:
        low = (floor or Level.INFO).rank
        high = (cap or Level.CRITICAL).rank
        return Level.at_rank(max(low, min(high, self.rank + steps)))

    @staticmethod
    def highest(*levels: Level) -> Level:
        return max(levels, key=lambda lv: lv.rank)
