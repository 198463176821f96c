"""The record: replay every day for every catalogued custodian and score the warnings.

For each custodial counterparty in the catalogue and each day from ``start`` to
``end``, the custodian's health is assessed from what was public that day
(events and links by ``published``), exactly as a warning would be
(:func:`exposure_app.risk.health.assess_health`), and turned into the level a
user holding ``share`` of net worth there would see
(:func:`exposure_app.risk.warning_matrix.matrix_level`).

Outcomes (the survival-analysis framing: failures as events, survivors as
controls):

* a *failure* is the first withdrawal halt or insolvency of a custodian, on the
  day it happened (``date``); its *lead* at a level is the number of
  consecutive days right before it on which the level was at least that
  level (0 if the day before was lower);
* a *control day* is a custodian-day before any failure of that custodian and
  not within ``horizon_days`` before it, at a custodian not yet defunct; a
  *false alarm* is a control day at ``high`` or above.

Both are split into failures (and control days) before 2022 and from 2022 on.
:func:`calibrate` chooses the ``distressed`` threshold (``score_high``) on the
earlier part only; the later part is reported as held out.

Scores are computed once per custodian-day (:func:`daily_scores`); thresholds
apply afterwards, so calibrating over many candidates costs one replay.
Pure Python.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from statistics import median
from typing import Any

from exposure_app.domain.counterparties import CounterpartyDirectory, CounterpartyKind
from exposure_app.risk.categories import FAILURES
from exposure_app.risk.events import RiskEvent
from exposure_app.risk.health import HealthState, assess_health
from exposure_app.risk.links import Link
from exposure_app.risk.scoring import Level, RiskParameters
from exposure_app.risk.signals import RiskInputs
from exposure_app.risk.warning_matrix import exposure_band, matrix_level

SPLIT = date(2022, 1, 1)
DEFAULT_START = date(2014, 1, 1)
DEFAULT_END = date(2025, 12, 31)
LEAD_TARGET_DAYS = 3
FALSE_ALARM_TARGET = 0.02
CANDIDATE_HIGH = tuple(float(x) for x in range(40, 161, 5))


@dataclass(frozen=True, slots=True)
class Failure:
    counterparty: str
    name: str
    day: date
    event_id: str
    published: date


@dataclass(frozen=True, slots=True)
class CustodianDays:
    """One custodian's daily health scores (index 0 = ``start``)."""

    counterparty: str
    scores: tuple[float, ...]
    failed: tuple[bool, ...]
    defunct_since: date | None


@dataclass(frozen=True, slots=True)
class FailureLead:
    failure: Failure
    lead_medium: int
    lead_high: int
    level_day_before: Level | None


@dataclass(frozen=True, slots=True)
class PeriodRecord:
    label: str
    leads: tuple[FailureLead, ...]
    control_days: int
    false_alarm_days: int

    @property
    def failures(self) -> int:
        return len(self.leads)

    @property
    def warned_high(self) -> int:
        """Failures with ``high`` at least :data:`LEAD_TARGET_DAYS` days before."""
        return sum(1 for lead in self.leads if lead.lead_high >= LEAD_TARGET_DAYS)

    @property
    def warned_share(self) -> float:
        return self.warned_high / self.failures if self.failures else 0.0

    @property
    def false_alarm_share(self) -> float:
        return self.false_alarm_days / self.control_days if self.control_days else 0.0

    @property
    def median_lead_high(self) -> float:
        return float(median(lead.lead_high for lead in self.leads)) if self.leads else 0.0


@dataclass(frozen=True, slots=True)
class BacktestResult:
    start: date
    end: date
    share: float
    score_high: float
    score_medium: float
    horizon_days: int
    custodians: int
    periods: tuple[PeriodRecord, ...]
    """Before 2022, from 2022 on (held out), and all."""


def failures_of(events: Iterable[RiskEvent], directory: CounterpartyDirectory
                ) -> dict[str, Failure]:
    """The first withdrawal halt or insolvency per counterparty (by the day it happened)."""
    out: dict[str, Failure] = {}
    for event in sorted(events, key=lambda e: (e.date, e.id)):
        cp = directory.resolve(event.counterparty)
        if event.category in FAILURES and cp not in out:
            out[cp] = Failure(cp, directory.name(cp), event.date, event.id, event.published_day)
    return out


def custodians_of(directory: CounterpartyDirectory, custodial: Iterable[str] | None = None
                  ) -> list[str]:
    """Counterparty ids replayed: ``custodial`` if given, else every catalogued one, less
    those that cannot hold anyone's assets (trading firms and funds are left out: they are in the
    catalogue only so that links carry their failures to the custodians tied to them)."""
    ids = [cp.id for cp in directory] if custodial is None else list(custodial)
    ids = [i for i in ids
           if (cp := directory.get(i)) is None or cp.kind is not CounterpartyKind.TRADING_FIRM]
    return sorted(set(ids))


def daily_scores(events: Sequence[RiskEvent], links: Sequence[Link],
                 directory: CounterpartyDirectory, custodians: Iterable[str], *, start: date,
                 end: date, params: RiskParameters,
                 stop: Mapping[str, date] | None = None) -> list[CustodianDays]:
    """Health score and failed flag for every custodian and day (the expensive part).

    Days before anything about a custodian was public score 0 without being
    assessed; days on or after ``stop[custodian]`` (its failure: nothing after
    it is evaluated) are marked failed without being assessed.
    """
    inputs = RiskInputs.build(events, links, directory)
    stop = stop or {}
    days = (end - start).days + 1
    out = []
    for cp_id in custodians:
        cp = directory.get(cp_id)
        defunct = cp.defunct_since if cp is not None else None
        known = [e.published_day for e in inputs.events_by_cp.get(cp_id, ())]
        known += [link.published_day for link, _ in inputs.links_into.get(cp_id, ())]
        first = min(known, default=end + timedelta(1))
        halt = min(stop.get(cp_id, end + timedelta(1)), end + timedelta(1))
        scores, flags = [], []
        for i in range(days):
            day = start + timedelta(i)
            if day >= halt:
                scores.append(0.0)
                flags.append(True)
            elif day < first:
                scores.append(0.0)
                flags.append(defunct is not None and day >= defunct)
            else:
                health = assess_health(cp_id, day, inputs, params)
                scores.append(health.score)
                flags.append(bool(health.failures) or health.defunct_since is not None)
        out.append(CustodianDays(cp_id, tuple(scores), tuple(flags), defunct))
    return out


class _LevelOf:
    """Level rank from (score, failed) for one band and one set of thresholds.

    Equal to :func:`matrix_level` of :func:`health_state` (the level depends on
    the score only through the thresholds), computed once per threshold set.
    """

    def __init__(self, share: float, params: RiskParameters) -> None:
        band = exposure_band(share, params)

        def rank(state: HealthState, score: float) -> int:
            level = matrix_level(state, score, band, holds_directly=True, params=params)
            return -1 if level is None else level.rank

        self.params = params
        self.failed = rank(HealthState.FAILED, 0.0)
        self.steps = (  # (from score, rank), highest first; every rank non-decreasing in score
            (params.score_high, rank(HealthState.DISTRESSED, params.score_high)),
            (params.score_medium, rank(HealthState.WATCH, params.score_medium)),
            (params.score_low, rank(HealthState.NORMAL, params.score_low)),
            (params.score_info, rank(HealthState.NORMAL, params.score_info)),
        )
        self.zero = rank(HealthState.NORMAL, 0.0)

    def __call__(self, score: float, failed: bool) -> int:
        if failed:
            return self.failed
        for bound, rank in self.steps:
            if score >= bound:
                return rank
        return self.zero

    def lowest_score_at(self, level: Level) -> float | None:
        """The lowest score at which a not-failed custodian reaches ``level``."""
        found = None
        for bound, rank in self.steps:
            if rank >= level.rank:
                found = bound
        if self.zero >= level.rank:
            found = float("-inf")
        return found


def _lead(days: CustodianDays, index: int, level_of: _LevelOf, at_least: Level) -> int:
    lead = 0
    i = index - 1
    while i >= 0 and level_of(days.scores[i], days.failed[i]) >= at_least.rank:
        lead += 1
        i -= 1
    return lead


@dataclass(frozen=True, slots=True)
class Prepared:
    """Threshold-independent facts of a replay: control-day scores, sorted, per period."""

    scored: tuple[CustodianDays, ...]
    failures: Mapping[str, Failure]
    start: date
    end: date
    horizon_days: int
    control_scores: tuple[tuple[float, ...], tuple[float, ...]]


def prepare(scored: Sequence[CustodianDays], failures: Mapping[str, Failure], *, start: date,
            end: date, horizon_days: int = 90) -> Prepared:
    """Pick the control days once: before any failure of the custodian and not within
    ``horizon_days`` before it, not failed or defunct on the day."""
    control: tuple[list[float], list[float]] = ([], [])
    for days in scored:
        failure = failures.get(days.counterparty)
        cutoff = failure.day - timedelta(horizon_days) if failure is not None else None
        for i, (score, failed) in enumerate(zip(days.scores, days.failed, strict=True)):
            day = start + timedelta(i)
            if cutoff is not None and day >= cutoff:
                break
            if failed or (days.defunct_since is not None and day >= days.defunct_since):
                continue
            control[day >= SPLIT].append(score)
    return Prepared(tuple(scored), failures, start, end, horizon_days,
                    (tuple(sorted(control[0])), tuple(sorted(control[1]))))


def evaluate(prepared: Prepared, *, share: float, params: RiskParameters) -> BacktestResult:
    """Leads and false alarms for one set of thresholds (cheap; see :func:`prepare`)."""
    level_of = _LevelOf(share, params)
    leads: tuple[list[FailureLead], list[FailureLead]] = ([], [])
    start, end = prepared.start, prepared.end
    for days in prepared.scored:
        failure = prepared.failures.get(days.counterparty)
        if failure is None or not start < failure.day <= end:
            continue
        index = (failure.day - start).days
        before = level_of(days.scores[index - 1], days.failed[index - 1])
        leads[failure.day >= SPLIT].append(FailureLead(
            failure, _lead(days, index, level_of, Level.MEDIUM),
            _lead(days, index, level_of, Level.HIGH), None if before < 0 else Level.at_rank(before)))
    lowest = level_of.lowest_score_at(Level.HIGH)
    records = []
    for label, found, scores in zip(("before 2022", "2022 on (held out)"), leads,
                                    prepared.control_scores, strict=True):
        alarms = 0 if lowest is None else len(scores) - bisect_left(scores, lowest)
        records.append(PeriodRecord(label, tuple(sorted(found, key=lambda x: x.failure.day)),
                                    len(scores), alarms))
    records.append(PeriodRecord(
        "all", tuple(lead for r in records for lead in r.leads),
        sum(r.control_days for r in records), sum(r.false_alarm_days for r in records)))
    return BacktestResult(start, end, share, params.score_high, params.score_medium,
                          prepared.horizon_days, len(prepared.scored), tuple(records))



def calibrate(prepared: Prepared, *, share: float, params: RiskParameters,
              candidates: Sequence[float] = CANDIDATE_HIGH) -> RiskParameters:
    """The ``score_high`` chosen on failures and control days before 2022 only.

    Among candidates whose false-alarm share before 2022 is at most
    :data:`FALSE_ALARM_TARGET`, the one warning the most failures at ``high``
    :data:`LEAD_TARGET_DAYS` days ahead; ties go to the higher threshold
    (fewer alarms). If none meets the false-alarm target, the one with the
    fewest false alarms. ``score_medium`` stays below it.
    """
    best: tuple[tuple[bool, int, float], RiskParameters] | None = None
    for candidate in candidates:
        trial = replace(params, score_high=candidate,
                        score_medium=min(params.score_medium, candidate))
        early = evaluate(prepared, share=share, params=trial).periods[0]
        ok = early.false_alarm_share <= FALSE_ALARM_TARGET
        key = (ok, early.warned_high if ok else -early.false_alarm_days, candidate)
        if best is None or key > best[0]:
            best = (key, trial)
    return params if best is None else best[1]


def run_backtest(events: Sequence[RiskEvent], links: Sequence[Link],
                 directory: CounterpartyDirectory, *, start: date = DEFAULT_START,
                 end: date = DEFAULT_END, share: float = 0.2,
                 params: RiskParameters | None = None, calibrated: bool = True,
                 custodians: Iterable[str] | None = None, horizon_days: int = 90
                 ) -> BacktestResult:
    """Replay, optionally calibrate ``score_high`` on the pre-2022 part, and evaluate."""
    if end < start:
        raise ValueError("the end date is before the start date")
    params = params or RiskParameters()
    ids = custodians_of(directory, custodians)
    failures = failures_of(events, directory)
    scored = daily_scores(events, links, directory, ids, start=start, end=end, params=params,
                          stop={cp: f.day for cp, f in failures.items()})
    prepared = prepare(scored, failures, start=start, end=end, horizon_days=horizon_days)
    if calibrated:
        params = calibrate(prepared, share=share, params=params)
    return evaluate(prepared, share=share, params=params)


def _lead_cell(lead: FailureLead) -> str:
    before = lead.level_day_before.value if lead.level_day_before else "none"
    return (f"| {lead.failure.name} | {lead.failure.day.isoformat()} | {lead.lead_medium} | "
            f"{lead.lead_high} | {before} |")


def to_markdown(result: BacktestResult) -> str:
    """The record as Markdown tables (``docs/risk-model.md`` embeds this output)."""
    lines = [
        f"Replay {result.start.isoformat()} to {result.end.isoformat()}, {result.custodians} "
        f"custodians, a holding of {result.share * 100:g}% of net worth at each; "
        f"`score_high` (distressed) {result.score_high:g}, `score_medium` (watch) "
        f"{result.score_medium:g}; control days end {result.horizon_days} days before a "
        "failure.",
        "",
        "| period | failures | high >= 3 days before | median lead at high (days) | "
        "control days | at high or above | false-alarm share |",
        "|---|---|---|---|---|---|---|",
    ]
    for period in result.periods:
        lines.append(
            f"| {period.label} | {period.failures} | {period.warned_high} "
            f"({period.warned_share * 100:.0f}%) | {period.median_lead_high:g} | "
            f"{period.control_days} | {period.false_alarm_days} | "
            f"{period.false_alarm_share * 100:.2f}% |")
    lines += ["", "| failure | first halt or insolvency | lead at medium (days) | "
              "lead at high (days) | level the day before |", "|---|---|---|---|---|"]
    lines += [_lead_cell(lead) for lead in result.periods[-1].leads]
    return "\n".join(lines)


def to_json(result: BacktestResult) -> dict[str, Any]:
    def period(p: PeriodRecord) -> dict[str, Any]:
        return {
            "label": p.label, "failures": p.failures, "warned_high_3_days": p.warned_high,
            "warned_share": round(p.warned_share, 4), "median_lead_high": p.median_lead_high,
            "control_days": p.control_days, "false_alarm_days": p.false_alarm_days,
            "false_alarm_share": round(p.false_alarm_share, 6),
            "leads": [{"counterparty": x.failure.counterparty, "name": x.failure.name,
                       "failure_day": x.failure.day.isoformat(), "event": x.failure.event_id,
                       "lead_medium": x.lead_medium, "lead_high": x.lead_high,
                       "level_day_before": x.level_day_before.value if x.level_day_before
                       else None} for x in p.leads],
        }
    return {
        "from": result.start.isoformat(), "to": result.end.isoformat(), "share": result.share,
        "score_high": result.score_high, "score_medium": result.score_medium,
        "horizon_days": result.horizon_days, "custodians": result.custodians,
        "targets": {"lead_days_at_high": LEAD_TARGET_DAYS,
                    "false_alarm_share": FALSE_ALARM_TARGET},
        "periods": [period(p) for p in result.periods],
    }
