"""Custodian health: ``normal``, ``watch``, ``distressed`` or ``failed``, from signals alone.

:func:`assess_health` gathers the evidence of every registered signal
(:data:`exposure_app.risk.signals.SIGNALS`) about one counterparty on one day
and combines it the way :mod:`exposure_app.risk.scoring` combines events:

    score = max(w) + others_weight * sum(other w) + escalation bonus

(the bonus when a run signal and a friction signal, two different pieces of
evidence, are both within ``escalation_window_days``; run = severity at least
that of an outflow surge, friction = at least that of a hack, so both sets are
closed upwards and a more severe category never loses the bonus). Then:

* ``failed``: an unresolved insolvency or withdrawal halt public on the day,
  or the catalogue marks it defunct by then;
* ``distressed``: score >= ``score_high``;
* ``watch``: score >= ``score_medium``;
* ``normal`` otherwise.

The user's holdings are not an input: health is the custodian's, the same for
everyone (:mod:`exposure_app.risk.warning_matrix` combines it with exposure).
Pure Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from exposure_app.domain.levels import RankedStrEnum
from exposure_app.risk.events import RiskEvent
from exposure_app.risk.scoring import RiskParameters, combine, is_unresolved_failure
from exposure_app.risk.signals import SIGNALS, Evidence, RiskInputs


class HealthState(RankedStrEnum):
    """A custodian's health, best first."""

    NORMAL = "normal"
    WATCH = "watch"
    DISTRESSED = "distressed"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class Health:
    counterparty: str
    day: date
    state: HealthState
    score: float
    evidence: tuple[Evidence, ...]
    """Heaviest first."""
    failures: tuple[RiskEvent, ...] = ()
    """Unresolved insolvencies/halts public on the day, latest first."""
    defunct_since: date | None = None
    escalated: tuple[Evidence, Evidence] | None = None

    def reasons(self, limit: int = 5) -> tuple[str, ...]:
        return tuple(e.reason for e in self.evidence[:limit])


def health_state(score: float, failed: bool, params: RiskParameters) -> HealthState:
    """The state for a score (``failed``: an unresolved failure or defunct)."""
    if failed:
        return HealthState.FAILED
    if score >= params.score_high:
        return HealthState.DISTRESSED
    if score >= params.score_medium:
        return HealthState.WATCH
    return HealthState.NORMAL


def assess_health(counterparty: str, day: date, inputs: RiskInputs,
                  params: RiskParameters) -> Health:
    """The counterparty's health on ``day`` from what was public by then."""
    evidence = [item for signal in SIGNALS
                for item in signal.evidence(counterparty, day, inputs, params)]
    evidence.sort(key=lambda e: (-e.weight, e.published, e.reason))
    score, pair = combine(evidence, day, params)
    failures = tuple(sorted(
        (e for e in inputs.known_events(counterparty, day) if is_unresolved_failure(e, day)),
        key=lambda e: (e.date, e.id), reverse=True))
    cp = inputs.directory.get(counterparty)
    defunct = cp.defunct_since if cp is not None and cp.defunct_since is not None \
        and cp.defunct_since <= day else None
    state = health_state(score, bool(failures or defunct), params)
    return Health(counterparty, day, state, round(score, 3), tuple(evidence), failures,
                  defunct, pair)
