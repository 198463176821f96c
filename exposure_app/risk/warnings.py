"""Warnings: the user's exposure weighed by what happened to each counterparty.

:func:`build_warnings` combines an :class:`~exposure_app.domain.exposure.ExposureReport`
(already the as-of view) with events (shipped, user, feed and derived) and the
:class:`~exposure_app.risk.scoring.RiskParameters`. Rules, in order:

1. Only counterparties the user is exposed to (direct custody, affiliated
   tokens held anywhere, or stablecoins they issue) get a warning.
2. Level from the event score (see :mod:`exposure_app.risk.scoring`), one step
   up when the exposure is at least ``custodian_share_warning`` of net worth,
   one step down when it is under ``minor_exposure_share``.
3. Concentration alone warns: exposure to one counterparty (direct plus
   affiliated) above ``custodian_share_warning`` of net worth is at least
   ``low`` (``medium`` at twice that), with or without events. The exposure,
   not the direct share, is used so that more exposure never lowers a level.
4. ``critical`` when the user still holds assets directly at a custodian that
   has an unresolved withdrawal halt or insolvency, or is defunct, as of the day.
5. A portfolio-wide warning (counterparty ``all-custodians``) when custodians
   together hold more than ``custodial_share_warning`` of net worth: ``low``,
   ``medium`` from 90% or when the Herfindahl index over custodians is at
   least ``hhi_warning`` (custody concentrated in one or two places).

Warnings are frozen dataclasses (the GUI shows them); sorted most severe first.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from exposure_app.domain.counterparties import CounterpartyDirectory, CounterpartyKind
from exposure_app.domain.exposure import ExposureReport
from exposure_app.domain.money import ZERO, add, share
from exposure_app.risk.categories import WORDS
from exposure_app.risk.events import RiskEvent
from exposure_app.risk.scoring import (
    Level,
    RiskParameters,
    is_unresolved_failure,
    score_events,
)

PORTFOLIO_ID = "all-custodians"
CATEGORY_WORDS = WORDS


@dataclass(frozen=True, slots=True)
class WarningExposure:
    value: Decimal
    share: Decimal
    direct: Decimal
    affiliated: Decimal
    """Own tokens held elsewhere, plus (for issuers) the stablecoins they issue."""


@dataclass(frozen=True, slots=True)
class RiskWarning:
    counterparty: str
    name: str
    level: Level
    score: float
    exposure: WarningExposure
    reasons: tuple[str, ...]
    events: tuple[RiskEvent, ...]
    action: str


@dataclass(frozen=True, slots=True)
class WarningsReport:
    as_of: datetime
    base_currency: str
    net_worth: Decimal
    warnings: tuple[RiskWarning, ...]

    def for_counterparty(self, counterparty_id: str) -> RiskWarning | None:
        return next((w for w in self.warnings if w.counterparty == counterparty_id), None)


def _money(value: Decimal, currency: str) -> str:
    return f"{value.quantize(Decimal('0.01')):,} {currency}"


def _pct(fraction: Decimal | float) -> str:
    return f"{float(fraction) * 100:.1f}%"


def _event_reason(event: RiskEvent, day: date) -> str:
    what = CATEGORY_WORDS[event.category]
    text = f"{what.capitalize()} on {event.date.isoformat()}: {event.title}"
    if event.is_derived:
        text += " (derived from public reserve data)"
    if event.resolved_by(day):
        text += f" (resolved by {event.resolved.date.isoformat()})"  # type: ignore[union-attr]
    elif is_unresolved_failure(event, day):
        text += " (not resolved)"
    return text


def build_warnings(
    report: ExposureReport,
    events: Iterable[RiskEvent],
    *,
    directory: CounterpartyDirectory,
    params: RiskParameters | None = None,
    max_events: int = 8,
) -> WarningsReport:
    """Warnings as of ``report.as_of``; events published after its day are ignored."""
    params = params or RiskParameters()
    day = report.as_of.date()
    currency = report.base_currency
    net_worth = report.net_worth
    by_cp: dict[str, list[RiskEvent]] = {}
    for event in events:
        if event.known_on(day):
            by_cp.setdefault(directory.resolve(event.counterparty), []).append(event)

    direct: dict[str, Decimal] = {}
    affiliated: dict[str, Decimal] = {}
    for row in report.counterparties:
        direct[row.counterparty] = row.direct
        affiliated[row.counterparty] = row.affiliated
    issued_assets: dict[str, tuple[str, ...]] = {}
    for issuer in report.issuers:
        affiliated[issuer.issuer] = add(affiliated.get(issuer.issuer, ZERO), issuer.value)
        direct.setdefault(issuer.issuer, ZERO)
        issued_assets[issuer.issuer] = issuer.assets
    held_assets = {row.asset.upper() for row in report.assets}

    warnings: list[RiskWarning] = []
    for cp_id in sorted(direct):
        d, a = direct[cp_id], affiliated.get(cp_id, ZERO)
        value = add(d, a)
        if value <= 0:
            continue
        cp = directory.get(cp_id)
        name = directory.name(cp_id)
        value_share = share(value, net_worth)
        direct_share = share(d, net_worth)
        scored = score_events(by_cp.get(cp_id, ()), day, params)
        reasons: list[str] = []
        if d > 0:
            reasons.append(f"You hold {_money(d, currency)} at {name} "
                           f"({_pct(direct_share)} of your net worth).")
        if a > 0:
            if cp_id in issued_assets:
                coins = ", ".join(issued_assets[cp_id])
                reasons.append(f"You hold {_money(a, currency)} in assets it issues or backs "
                               f"({coins}); their value depends on it.")
            else:
                tokens = ", ".join(t for t in (cp.affiliated_tokens if cp else ())
                                   if t in held_assets) or "its tokens"
                reasons.append(f"You hold {_money(a, currency)} of its own tokens ({tokens}) "
                               "outside it; their value depends on it.")

        level = params.level_for(scored.score)
        if level is not None:
            if float(value_share) >= params.custodian_share_warning:
                level = level.shifted(+1, cap=Level.HIGH)
                reasons.append("A large share of your net worth is exposed to it, so its "
                               "events weigh more.")
            elif float(value_share) < params.minor_exposure_share:
                level = level.shifted(-1)
        if float(value_share) > params.custodian_share_warning:
            concentration = (Level.MEDIUM if float(value_share) >= 2 * params.custodian_share_warning
                             else Level.LOW)
            level = concentration if level is None else Level.highest(level, concentration)
            reasons.append(f"Your exposure to {name} is {_pct(value_share)} of your net worth, "
                           f"above your {_pct(params.custodian_share_warning)} limit for one "
                           "counterparty.")
        failures = [s.event for s in scored.events if is_unresolved_failure(s.event, day)]
        defunct = cp is not None and cp.defunct_since is not None and cp.defunct_since <= day
        if d > 0 and (failures or defunct):
            level = Level.CRITICAL
            if failures:
                worst = failures[0]
                reasons.insert(0, f"{name} has an unresolved "
                               f"{CATEGORY_WORDS[worst.category]} (since "
                               f"{worst.date.isoformat()}) while you still hold assets there.")
            else:
                reasons.insert(0, f"{name} has been defunct since "
                               f"{cp.defunct_since.isoformat()} while you still hold assets "  # type: ignore[union-attr]
                               "there.")
        if level is None:
            continue
        if scored.escalated is not None:
            run, friction = scored.escalated
            reasons.append(
                f"Signals compound: {CATEGORY_WORDS[run.event.category]} "
                f"({run.event.date}) and {CATEGORY_WORDS[friction.event.category]} "
                f"({friction.event.date}) within {params.escalation_window_days} days."
            )
        shown = [s.event for s in scored.events if s.weight >= params.score_info][:max_events]
        reasons.extend(_event_reason(e, day) for e in shown)
        if d > 0 and (failures or defunct):
            action = (f"Withdrawals at {name} are blocked: keep records of your balance there "
                      f"and follow its claims process; see the self-custody checklist: "
                      f"exposure-app checklist {cp_id}")
        elif d > 0:
            action = (f"Withdraw what you can to a wallet you control; see the self-custody "
                      f"checklist: exposure-app checklist {cp_id}")
        elif cp is not None and cp.kind is CounterpartyKind.STABLECOIN_ISSUER:
            action = "Consider spreading stablecoins across issuers or reducing them."
        else:
            action = f"Consider reducing your holdings of tokens tied to {name}."
        warnings.append(RiskWarning(
            counterparty=cp_id, name=name, level=level, score=round(scored.score, 3),
            exposure=WarningExposure(value, value_share, d, a),
            reasons=tuple(reasons), events=tuple(shown), action=action,
        ))

    if float(report.custodial.share) > params.custodial_share_warning:
        custodial_share = report.custodial.share
        concentrated = float(report.hhi) >= params.hhi_warning
        level = (Level.MEDIUM if float(custodial_share) >= 0.9 or concentrated else Level.LOW)
        warnings.append(RiskWarning(
            counterparty=PORTFOLIO_ID, name="All custodians combined", level=level,
            score=0.0,
            exposure=WarningExposure(report.custodial.value, custodial_share,
                                     report.custodial.value, ZERO),
            reasons=(
                f"Custodians hold {_pct(custodial_share)} of your net worth, above your "
                f"{_pct(params.custodial_share_warning)} limit.",
                f"Concentration among custodians (Herfindahl index) is {float(report.hhi):.2f} "
                "(1.00 means a single custodian).",
            ),
            events=(),
            action="Move part of your holdings to self-custody: exposure-app checklist",
        ))

    warnings.sort(key=lambda w: (-w.level.rank, -w.exposure.value, w.counterparty))
    return WarningsReport(report.as_of, currency, net_worth, tuple(warnings))
