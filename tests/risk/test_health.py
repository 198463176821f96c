"""Health apart from holdings, the warning matrix, and contagion over links."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exposure_app.risk.catalog import load_directory
from exposure_app.risk.events import Origin
from exposure_app.risk.health import HealthState, assess_health
from exposure_app.risk.links import Link, LinkType, Strength
from exposure_app.risk.scoring import Level, RiskParameters
from exposure_app.risk.signals import RiskInputs
from exposure_app.risk.signals.contagion import HALF_LIFE_DAYS, contagion_evidence
from exposure_app.risk.warning_matrix import MATRIX, Band, exposure_band, warning_level
from exposure_app.risk.warnings import build_warnings

from .helpers import event
from .test_scoring import PROPS, build, event_specs, holdings_of, holdings_st, report

DIRECTORY = load_directory()
PARAMS = RiskParameters()
HALT_DAY = date(2022, 11, 16)


def link(counterparty="gemini", exposed_to="genesis", *, type_=LinkType.CUSTODY_PARTNER,
         strength=Strength.HIGH, published="2022-11-16", since=None, until=None) -> Link:
    return Link(
        id=f"t-{counterparty}-{exposed_to}", counterparty=counterparty, exposed_to=exposed_to,
        type=type_, strength=strength,
        published=datetime.combine(date.fromisoformat(published), datetime.min.time(), UTC),
        title="Gemini Earn funds are lent to Genesis", summary="test link",
        sources=("https://example.org/l",), since=since, until=until, origin=Origin.USER)


def halt(cp="genesis", day=HALT_DAY, published=None):
    return event(cp, day, "withdrawal_halt", published=published)


def evidence(links, events, cp="gemini", day=HALT_DAY):
    return contagion_evidence(cp, day, RiskInputs.build(events, links, DIRECTORY), PARAMS)


def test_a_halt_raises_the_linked_custodian_with_a_reason():
    (found,) = evidence([link()], [halt()])
    assert found.weight == pytest.approx(80.0 * 0.8 * 1.0)
    assert "Genesis" in found.reason and "withdrawal halt on 2022-11-16" in found.reason
    assert found.event.counterparty == "genesis"
    health = assess_health("gemini", HALT_DAY, RiskInputs.build([halt()], [link()], DIRECTORY),
                           PARAMS)
    assert health.state is HealthState.DISTRESSED and health.failures == ()
    assert evidence([link()], [halt()], cp="genesis") == []          # directional


def test_contagion_decays_with_its_half_life_and_by_link_strength():
    first = evidence([link()], [halt()])[0].weight
    later = evidence([link()], [halt()], day=HALT_DAY + timedelta(days=int(HALF_LIFE_DAYS)))
    assert later[0].weight == pytest.approx(first / 2)
    weak = evidence([link(strength=Strength.LOW)], [halt()])[0].weight
    assert weak < first
    lender = evidence([link(type_=LinkType.BORROWS_FROM)], [halt()])[0].weight
    assert lender < first


def test_only_links_and_events_public_on_the_day_count():
    assert evidence([link(published="2022-11-20")], [halt()]) == []
    assert evidence([link()], [halt(published="2022-11-18")]) == []
    # Once both are public, age counts from the later of the two.
    late_link = evidence([link(published="2022-11-20")], [halt()], day=date(2022, 11, 20))
    assert late_link[0].weight == pytest.approx(80.0 * 0.8)
    assert evidence([link(until=date(2022, 11, 10))], [halt()]) == []
    assert evidence([link(since=date(2022, 12, 1))], [halt()]) == []
    assert evidence([link()], [event("genesis", HALT_DAY, "hack")]) == []   # not contagious


def test_symmetric_links_apply_both_ways():
    both = [link(type_=LinkType.OWNER_AFFILIATE)]
    assert evidence(both, [halt()], cp="gemini")
    assert evidence(both, [halt("gemini")], cp="genesis")


@PROPS
@given(st.lists(event_specs, max_size=5), holdings_st, holdings_st)
def test_health_never_depends_on_holdings(specs, h1, h2):
    events = build(specs)
    a = build_warnings(report(holdings_of(h1)), events, directory=DIRECTORY)
    b = build_warnings(report(holdings_of(h2)), events, directory=DIRECTORY)
    wa, wb = a.for_counterparty("binance"), b.for_counterparty("binance")
    if wa is not None and wb is not None:
        assert wa.health == wb.health
    day = report(holdings_of(h1)).as_of.date()
    direct = assess_health("binance", day, RiskInputs.build(events, [], DIRECTORY), PARAMS)
    for w in (wa, wb):
        if w is not None:
            assert w.health == direct


def test_the_matrix_never_lowers_with_worse_health_or_more_exposure():
    states = list(HealthState)
    for cap in (Level.INFO, Level.LOW, Level.MEDIUM):
        params = RiskParameters(concentration_cap=cap)
        for score in (0.0, 5.0, 15.0):
            for held in (False, True):
                grid = []
                for state in states:
                    s = score if state is HealthState.NORMAL else 100.0
                    health = replace(_health(state), score=s)
                    grid.append([warning_level(health, band, holds_directly=held, params=params)
                                 for band in Band])
                ranks = [[-1 if lv is None else lv.rank for lv in row] for row in grid]
                for row in ranks:
                    assert row == sorted(row)
                for col in zip(*ranks, strict=True):
                    assert list(col) == sorted(col)


def _health(state):
    inputs = RiskInputs.build([], [], DIRECTORY)
    return replace(assess_health("kraken", HALT_DAY, inputs, PARAMS), state=state)


def test_concentration_alone_is_capped_high_needs_distress_critical_needs_failure():
    normal = _health(HealthState.NORMAL)
    assert warning_level(normal, Band.VERY_LARGE, holds_directly=True,
                         params=PARAMS) is Level.MEDIUM
    assert warning_level(normal, Band.VERY_LARGE, holds_directly=True,
                         params=RiskParameters(concentration_cap=Level.LOW)) is Level.LOW
    with pytest.raises(ValueError):
        RiskParameters(concentration_cap=Level.HIGH)
    for state in (HealthState.NORMAL, HealthState.WATCH):
        for band in Band:
            level = warning_level(_health(state), band, holds_directly=True, params=PARAMS)
            assert level is None or level.rank <= Level.MEDIUM.rank
    assert warning_level(_health(HealthState.DISTRESSED), Band.ORDINARY, holds_directly=True,
                         params=PARAMS) is Level.HIGH
    assert warning_level(_health(HealthState.FAILED), Band.MINOR, holds_directly=True,
                         params=PARAMS) is Level.CRITICAL
    assert warning_level(_health(HealthState.FAILED), Band.VERY_LARGE, holds_directly=False,
                         params=PARAMS) is Level.HIGH
    assert exposure_band(0.2, PARAMS) is Band.ORDINARY and MATRIX


def test_warning_for_a_linked_custodian_cites_the_failure_and_its_publication():
    as_of = datetime(2022, 11, 17, 23, 59, tzinfo=UTC)
    holdings = {"gemini": {"BTC": Decimal(20)}, "self": {"BTC": Decimal(80)}}
    result = build_warnings(report(holdings, as_of), [halt()], directory=DIRECTORY,
                            links=[link()])
    gemini = result.for_counterparty("gemini")
    assert gemini.level is Level.HIGH and gemini.health.state is HealthState.DISTRESSED
    assert any("Genesis" in r for r in gemini.reasons)
    assert gemini.events[0].counterparty == "genesis"
    before = build_warnings(report(holdings, as_of - timedelta(days=2)), [halt()],
                            directory=DIRECTORY, links=[link()])
    assert before.for_counterparty("gemini") is None
