"""The risk model: from dated events to a score and a level per counterparty.

Documented in ``docs/risk-model.md``; the numbers here are the defaults.

* Each event weighs ``severity(category) * size * decay * resolution``, where
  ``size`` grows from 1 (unknown or up to $1M) to 1.25 (from $10B) with log10
  of the headline USD figure, and
  ``decay = 0.5 ** (age_days / half_life(category))`` (age counted from the
  day the event was published; severity and half-life per category in
  :mod:`exposure_app.risk.categories`), except that an
  unresolved insolvency or withdrawal halt does not decay at all, and a
  resolved event (resolution dated on or before the evaluation day) counts
  ``resolved_factor`` of its weight.
* A counterparty's event score is ``max(w) + others_weight * sum(other w)``,
  plus an escalation bonus when a run signal (outflow surge or anything at
  least as severe) and a friction signal (anything at least as severe as a hack)
  are two different events both inside the last ``escalation_window_days``:
  ``escalation_bonus * min(w_run, w_friction)`` for the strongest such pair.
* Score to level: the thresholds ``score_info`` .. ``score_high`` place a
  custodian's health (:mod:`exposure_app.risk.health`), which
  :mod:`exposure_app.risk.warning_matrix` crosses with the exposure to give the
  level; ``critical`` is reserved for assets held at a custodian that has halted
  withdrawals or is insolvent.

Every step is monotone: adding an event, making one more recent or replacing
its category by a more severe one never lowers the score (property-tested).
Only events *published* on or before the evaluation day are ever read.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol, TypeVar

from exposure_app.domain.levels import Level as Level  # the engine's output, ordered in domain
from exposure_app.risk.categories import FAILURES, HALF_LIFE_DAYS, SEVERITY
from exposure_app.risk.events import Category, RiskEvent

DEFAULT_SEVERITY: Mapping[Category, float] = SEVERITY
DEFAULT_HALF_LIFE_DAYS: Mapping[Category, float] = HALF_LIFE_DAYS
NON_DECAYING_WHEN_UNRESOLVED = FAILURES


@dataclass(frozen=True, slots=True)
class RiskParameters:
    """Every tunable number of the model (defaults explained in docs/risk-model.md)."""

    severity: Mapping[Category, float] = field(default_factory=lambda: DEFAULT_SEVERITY)
    half_life_days: Mapping[Category, float] = field(
        default_factory=lambda: DEFAULT_HALF_LIFE_DAYS
    )
    resolved_factor: float = 0.5
    magnitude_bonus: float = 0.25
    others_weight: float = 0.15
    escalation_window_days: int = 30
    escalation_bonus: float = 0.5
    score_info: float = 1.0
    score_low: float = 10.0
    score_medium: float = 30.0
    score_high: float = 45.0
    """From here a custodian is ``distressed``: calibrated on the catalogue before 2022
    (``exposure-app risk backtest``; docs/risk-model.md)."""
    custodian_share_warning: float = 0.25
    custodial_share_warning: float = 0.50
    minor_exposure_share: float = 0.01
    hhi_warning: float = 0.5
    concentration_cap: Level = Level.MEDIUM
    """The highest level concentration alone reaches (info, low or medium)."""

    def __post_init__(self) -> None:
        if self.concentration_cap.rank > Level.MEDIUM.rank:
            raise ValueError("concentration_cap must be info, low or medium")

    def is_run_signal(self, category: Category) -> bool:
        """At least as severe as an outflow surge (closed upwards)."""
        return self.severity[category] >= self.severity[Category.OUTFLOW_SURGE]

    def is_friction_signal(self, category: Category) -> bool:
        """At least as severe as a hack (closed upwards)."""
        return self.severity[category] >= self.severity[Category.HACK]


def magnitude_factor(event: RiskEvent, params: RiskParameters) -> float:
    """1.0 up to $1M (or unknown), rising with log10 of the size to ``1 + magnitude_bonus``
    at $10B and above: a bigger hack, halt or run is a more severe event of its kind."""
    size = event.magnitude_usd
    if size is None or size <= 1_000_000:
        return 1.0
    steps = min(math.log10(float(size) / 1_000_000) / 4.0, 1.0)
    return 1.0 + params.magnitude_bonus * steps


def is_unresolved_failure(event: RiskEvent, day: date) -> bool:
    """An insolvency or withdrawal halt not known to be resolved on ``day``."""
    return event.category in NON_DECAYING_WHEN_UNRESOLVED and not event.resolved_by(day)


def event_weight(event: RiskEvent, day: date, params: RiskParameters) -> float:
    """The event's contribution on ``day``; 0 for an event published after ``day``."""
    if not event.known_on(day):
        return 0.0
    weight = params.severity[event.category] * magnitude_factor(event, params)
    if not is_unresolved_failure(event, day):
        age = (day - event.published_day).days
        weight *= 0.5 ** (age / params.half_life_days[event.category])
    if event.resolved_by(day):
        weight *= params.resolved_factor
    return weight


class Weighed(Protocol):
    """Something that weighs on a score on one day: a signal's evidence, or a scored event."""

    @property
    def category(self) -> Category: ...
    @property
    def weight(self) -> float: ...
    @property
    def published(self) -> date: ...


W = TypeVar("W", bound=Weighed)


def combine(items: Sequence[W], day: date, params: RiskParameters) -> tuple[float, tuple[W, W] | None]:
    """The score of ``items`` on ``day`` and the escalating (run, friction) pair, if any.

    The heaviest weight plus ``others_weight`` times the others, plus ``escalation_bonus``
    times the lighter of the best run and friction signals both published within
    ``escalation_window_days``; ties keep the first pair in ``items`` order.
    """
    if not items:
        return 0.0, None
    weights = [item.weight for item in items]
    score = max(weights) + params.others_weight * (sum(weights) - max(weights))
    recent = [item for item in items
              if (day - item.published).days <= params.escalation_window_days]
    best_pair, best_bonus = None, 0.0
    for run in recent:
        if not params.is_run_signal(run.category):
            continue
        for friction in recent:
            if friction is run or not params.is_friction_signal(friction.category):
                continue
            bonus = params.escalation_bonus * min(run.weight, friction.weight)
            if bonus > best_bonus:
                best_bonus, best_pair = bonus, (run, friction)
    return score + best_bonus, best_pair


@dataclass(frozen=True, slots=True)
class ScoredEvent:
    event: RiskEvent
    weight: float

    @property
    def category(self) -> Category:
        return self.event.category

    @property
    def published(self) -> date:
        return self.event.published_day


@dataclass(frozen=True, slots=True)
class EventScore:
    """The events part of a counterparty's risk on one day."""

    score: float
    events: tuple[ScoredEvent, ...]
    """Events published on or before the day, heaviest first."""
    escalated: tuple[ScoredEvent, ScoredEvent] | None = None


def score_events(events: Iterable[RiskEvent], day: date, params: RiskParameters) -> EventScore:
    """The events alone, combined as the health score combines evidence (:func:`combine`)."""
    scored = sorted(
        (ScoredEvent(e, event_weight(e, day, params)) for e in events if e.known_on(day)),
        key=lambda s: (-s.weight, s.event.date, s.event.id),
    )
    score, pair = combine(scored, day, params)
    return EventScore(score, tuple(scored), pair)
