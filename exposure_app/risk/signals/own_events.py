"""Signal: the counterparty's own events (shipped, user, feed and derived).

Every category counts here with the severity and half-life of
:mod:`exposure_app.risk.categories`; derived events (outflow surges, own-token
drawdowns, depegs from prices, withdrawal friction from the exchange's own
status) arrive as events too, published the day their data was known.
Weights follow :func:`exposure_app.risk.scoring.event_weight`.
"""

from __future__ import annotations

from datetime import date

from exposure_app.risk.categories import WORDS
from exposure_app.risk.events import Category, RiskEvent
from exposure_app.risk.scoring import RiskParameters, event_weight, is_unresolved_failure
from exposure_app.risk.signals.base import Evidence, RiskInputs

DERIVED_FROM = {
    Category.OUTFLOW_SURGE: "public reserve data",
    Category.TOKEN_DRAWDOWN: "daily prices",
    Category.DEPEG: "daily prices",
    Category.WITHDRAWAL_FRICTION: "the exchange's withdrawal status",
}


def event_reason(event: RiskEvent, day: date) -> str:
    """One line naming the event, when it happened and when it became public."""
    text = f"{WORDS[event.category].capitalize()} on {event.date.isoformat()}: {event.title}"
    if event.published_day != event.date:
        text += f" (public {event.published_day.isoformat()})"
    if event.is_derived:
        text += f" (derived from {DERIVED_FROM.get(event.category, 'public data')})"
    if event.resolved_by(day):
        text += f" (resolved by {event.resolved.date.isoformat()})"  # type: ignore[union-attr]
    elif is_unresolved_failure(event, day):
        text += " (not resolved)"
    return text


class OwnEvents:
    name = "own_events"
    categories = tuple(Category)

    def evidence(self, counterparty: str, day: date, inputs: RiskInputs,
                 params: RiskParameters) -> list[Evidence]:
        out = []
        for event in inputs.known_events(counterparty, day):
            weight = event_weight(event, day, params)
            if weight > 0:
                out.append(Evidence(self.name, event.category, weight, event.published_day,
                                    event_reason(event, day), event=event))
        return out


SIGNAL = OwnEvents()
