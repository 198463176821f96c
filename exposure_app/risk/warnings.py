"""Warnings: the user's exposure weighed by each counterparty's health.

:func:`build_warnings` combines an :class:`~exposure_app.domain.exposure.ExposureReport`
(already the as-of view) with events (shipped, user, feed and derived) and links:

* Only counterparties the user is exposed to (direct custody, affiliated tokens
  held anywhere, or stablecoins they issue) get a warning.
* Each one's health comes from :func:`exposure_app.risk.health.assess_health`,
  which iterates the registered signals (:mod:`exposure_app.risk.signals`) and
  never looks at holdings.
* The level is :func:`exposure_app.risk.warning_matrix.warning_level` of health
  and exposure band (the documented matrix: concentration alone at most
  ``concentration_cap``, ``high`` needs distress, ``critical`` a failure while
  the user still holds assets there).
* A portfolio-wide warning (counterparty ``all-custodians``) when custodians
  together hold more than ``custodial_share_warning`` of net worth: ``low``,
  ``medium`` from 90% or when the Herfindahl index over custodians is at least
  ``hhi_warning`` (custody concentrated in one or two places).

Only events and links published on or before the as-of day are read.
Warnings are frozen dataclasses (the GUI shows them), in :func:`warning_order`: most
severe level first, then most at stake. The CLI and the window both show that order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from exposure_app.domain.counterparties import CounterpartyDirectory, CounterpartyKind
from exposure_app.domain.exposure import ExposureReport
from exposure_app.domain.money import ZERO, add, share
from exposure_app.risk.categories import WORDS
from exposure_app.risk.events import RiskEvent
from exposure_app.risk.health import Health, assess_health
from exposure_app.risk.links import Link
from exposure_app.risk.scoring import Level, RiskParameters
from exposure_app.risk.signals import RiskInputs
from exposure_app.risk.warning_matrix import Band, exposure_band, warning_level

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
    health: Health | None = None
    """None only for the portfolio-wide warning."""


@dataclass(frozen=True, slots=True)
class WarningsReport:
    as_of: datetime
    base_currency: str
    net_worth: Decimal
    warnings: tuple[RiskWarning, ...]

    def for_counterparty(self, counterparty_id: str) -> RiskWarning | None:
        return next((w for w in self.warnings if w.counterparty == counterparty_id), None)


def warning_order(warnings: Iterable[RiskWarning]) -> tuple[RiskWarning, ...]:
    """The one order warnings are shown in (CLI, JSON and window alike).

    Level first (critical before high before medium ...), so a ``high`` warning never
    sits below a ``medium`` one; within a level the most value at stake first; then
    the counterparty id, so equal warnings keep a stable order.
    """
    return tuple(sorted(warnings, key=lambda w: (-w.level.rank, -w.exposure.value,
                                                 w.counterparty)))


def _money(value: Decimal, currency: str) -> str:
    return f"{value.quantize(Decimal('0.01')):,} {currency}"


def _pct(fraction: Decimal | float) -> str:
    return f"{float(fraction) * 100:.1f}%"


def build_warnings(
    report: ExposureReport,
    events: Iterable[RiskEvent],
    *,
    directory: CounterpartyDirectory,
    params: RiskParameters | None = None,
    max_events: int = 8,
    links: Iterable[Link] = (),
) -> WarningsReport:
    """Warnings as of ``report.as_of``; events and links published after its day are ignored."""
    params = params or RiskParameters()
    day = report.as_of.date()
    currency = report.base_currency
    net_worth = report.net_worth
    inputs = RiskInputs.build(events, links, directory)

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
        health = assess_health(cp_id, day, inputs, params)
        band = exposure_band(float(value_share), params)
        level = warning_level(health, band, holds_directly=d > 0, params=params)
        if level is None:
            continue
        reasons: list[str] = []
        if level is Level.CRITICAL:
            if health.failures:
                worst = health.failures[0]
                reasons.append(f"{name} has an unresolved {CATEGORY_WORDS[worst.category]} "
                               f"(since {worst.date.isoformat()}, public "
                               f"{worst.published_day.isoformat()}) while you still hold "
                               "assets there.")
            else:
                reasons.append(f"{name} has been defunct since "
                               f"{health.defunct_since.isoformat()} while you still hold "  # type: ignore[union-attr]
                               "assets there.")
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
        reasons.append(f"Health: {health.state.value} (score {health.score:.1f}, from public "
                       "events and signals only, whatever you hold).")
        if band >= Band.LARGE:
            reasons.append(f"Your exposure to {name} is {_pct(value_share)} of your net worth, "
                           f"above your {_pct(params.custodian_share_warning)} limit for one "
                           "counterparty.")
        if health.escalated is not None:
            run, friction = health.escalated
            reasons.append(
                f"Signals compound: {CATEGORY_WORDS[run.category]} ({run.published}) and "
                f"{CATEGORY_WORDS[friction.category]} ({friction.published}) within "
                f"{params.escalation_window_days} days."
            )
        cited = [e for e in health.evidence if e.weight >= params.score_info][:max_events]
        reasons.extend(e.reason for e in cited)
        shown = tuple({e.event.id: e.event for e in cited if e.event is not None}.values())
        if d > 0 and level is Level.CRITICAL:
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
            counterparty=cp_id, name=name, level=level, score=health.score,
            exposure=WarningExposure(value, value_share, d, a),
            reasons=tuple(reasons), events=shown, action=action, health=health,
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

    return WarningsReport(report.as_of, currency, net_worth, warning_order(warnings))
