"""Signal: contagion. A failure at one counterparty raises those linked to it.

A withdrawal halt, insolvency or counterparty default (the categories marked
``contagious`` in :mod:`exposure_app.risk.categories`) at ``exposed_to`` adds
evidence to each counterparty linked to it (:mod:`exposure_app.risk.links`):

    weight = severity(category) * TYPE_FACTOR[type] * STRENGTH_FACTOR[strength]
             * 0.5 ** (age / HALF_LIFE_DAYS) * (resolved_factor if resolved)

``age`` counts from the later of the event's and the link's publication: the
contagion becomes visible only once both are public. A link whose ``until``
is before the day, or that began (``since``) after the event, carries
nothing. One evidence per link and direction: the heaviest event behind it.
Only first-order links count (the linked counterparty's own failure then
propagates in its turn).

Why these factors: an owner/affiliate or shared treasury means the money is
effectively the same (0.9); funds placed with a custody or program partner
(Gemini Earn at Genesis) are directly at risk (0.8); a loan to the failed
party is at risk in part (0.7); money borrowed from it is at risk only
through a recall (0.4). Strength scales how much of the business rides on
the link.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from types import MappingProxyType

from exposure_app.risk.categories import CONTAGIOUS, WORDS
from exposure_app.risk.events import Category
from exposure_app.risk.links import LinkType, Strength
from exposure_app.risk.scoring import RiskParameters
from exposure_app.risk.signals.base import Evidence, RiskInputs

HALF_LIFE_DAYS = 60.0
TYPE_FACTOR: Mapping[LinkType, float] = MappingProxyType({
    LinkType.OWNER_AFFILIATE: 0.9,
    LinkType.SHARED_TREASURY: 0.9,
    LinkType.CUSTODY_PARTNER: 0.8,
    LinkType.LENDS_TO: 0.7,
    LinkType.BORROWS_FROM: 0.4,
})
STRENGTH_FACTOR: Mapping[Strength, float] = MappingProxyType({
    Strength.HIGH: 1.0,
    Strength.MEDIUM: 0.6,
    Strength.LOW: 0.3,
})
TYPE_WORDS: Mapping[LinkType, str] = MappingProxyType({
    LinkType.OWNER_AFFILIATE: "owner or affiliate",
    LinkType.SHARED_TREASURY: "shared treasury",
    LinkType.CUSTODY_PARTNER: "custody or program partner",
    LinkType.LENDS_TO: "it lends to",
    LinkType.BORROWS_FROM: "it borrows from",
})


def contagion_evidence(counterparty: str, day: date, inputs: RiskInputs,
                       params: RiskParameters, signal: str = "contagion") -> list[Evidence]:
    """Evidence raised at ``counterparty`` by failures at the counterparties it is linked to."""
    out = []
    for link, source in inputs.links_into.get(counterparty, ()):
        if not link.counts_on(day):
            continue
        best: Evidence | None = None
        for event in inputs.events_by_cp.get(source, ()):
            if event.category not in CONTAGIOUS or not event.known_on(day):
                continue
            if link.since is not None and event.date < link.since:
                continue
            start = max(event.published_day, link.published_day)
            weight = (params.severity[event.category] * TYPE_FACTOR[link.type]
                      * STRENGTH_FACTOR[link.strength]
                      * 0.5 ** ((day - start).days / HALF_LIFE_DAYS))
            if event.resolved_by(day):
                weight *= params.resolved_factor
            if best is not None and weight <= best.weight:
                continue
            name = inputs.directory.name(source)
            reason = (f"{name} ({TYPE_WORDS[link.type]}: {link.title.rstrip('.')}) had a "
                      f"{WORDS[event.category]} on {event.date.isoformat()}: {event.title}"
                      f" (public {event.published_day.isoformat()}; {link.strength.value} link)")
            best = Evidence(signal, Category.COUNTERPARTY_DEFAULT, weight, start, reason,
                            event=event, link=link)
        if best is not None:
            out.append(best)
    return out


class Contagion:
    name = "contagion"
    categories: tuple[Category, ...] = (Category.COUNTERPARTY_DEFAULT,)

    def evidence(self, counterparty: str, day: date, inputs: RiskInputs,
                 params: RiskParameters) -> list[Evidence]:
        return contagion_evidence(counterparty, day, inputs, params, self.name)


SIGNAL = Contagion()
