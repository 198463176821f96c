"""What every risk signal shares: its inputs, its output and its interface.

A *signal* turns what is known about counterparties on one day into
:class:`Evidence` about one counterparty. Signals read only what was public on
that day (events by ``published``, links by ``published``/``until``); they
never see the user's holdings, so a custodian's health is the same whoever
asks. :class:`RiskInputs` indexes events and links once, so that a replay over
thousands of days (the backtest) does not regroup them every day.

Pure Python; all records frozen.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from exposure_app.domain.counterparties import CounterpartyDirectory
from exposure_app.risk.events import Category, RiskEvent
from exposure_app.risk.links import Link
from exposure_app.risk.scoring import RiskParameters


@dataclass(frozen=True, slots=True)
class Evidence:
    """One reason a counterparty's health score is what it is, on one day."""

    signal: str
    """The registry name of the signal that produced it."""
    category: Category
    weight: float
    published: date
    """When the last piece this evidence rests on became public."""
    reason: str
    event: RiskEvent | None = None
    """The event cited (the counterparty's own, or the linked one's)."""
    link: Link | None = None


@dataclass(frozen=True, slots=True)
class RiskInputs:
    """Events by counterparty and links by exposed counterparty, indexed once."""

    directory: CounterpartyDirectory
    events_by_cp: Mapping[str, tuple[RiskEvent, ...]] = field(default_factory=dict)
    links_into: Mapping[str, tuple[tuple[Link, str], ...]] = field(default_factory=dict)
    """Exposed counterparty -> (link, the counterparty it is exposed to)."""

    @classmethod
    def build(cls, events: Iterable[RiskEvent], links: Iterable[Link],
              directory: CounterpartyDirectory) -> RiskInputs:
        by_cp: dict[str, list[RiskEvent]] = {}
        for event in events:
            by_cp.setdefault(directory.resolve(event.counterparty), []).append(event)
        into: dict[str, list[tuple[Link, str]]] = {}
        for link in links:
            for exposed, source in link.directions():
                into.setdefault(exposed, []).append((link, source))
        return cls(
            directory,
            {cp: tuple(sorted(evs, key=lambda e: (e.published, e.date, e.id)))
             for cp, evs in by_cp.items()},
            {cp: tuple(sorted(pairs, key=lambda p: p[0].id)) for cp, pairs in into.items()},
        )

    def known_events(self, counterparty: str, day: date) -> list[RiskEvent]:
        """The counterparty's events public on ``day`` (sorted by publication)."""
        return [e for e in self.events_by_cp.get(counterparty, ()) if e.known_on(day)]


class Signal(Protocol):
    """One kind of evidence. Registered once in :mod:`exposure_app.risk.signals`."""

    name: str
    categories: tuple[Category, ...]
    """The categories its evidence carries (their severity and half-life are in
    :mod:`exposure_app.risk.categories`)."""

    def evidence(self, counterparty: str, day: date, inputs: RiskInputs,
                 params: RiskParameters) -> list[Evidence]:
        """Evidence about ``counterparty`` from what was public on ``day``."""
        ...
