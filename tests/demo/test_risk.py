"""The as-of warnings the demo history shows: what would have fired at the time."""

from __future__ import annotations

from datetime import date

from exposure_app.domain.timeutil import parse_instant
from exposure_app.risk.scoring import Level
from exposure_app.services.risk_service import warnings_as_of
from exposure_app.services.settings import Settings


def warning(store, day: str, counterparty: str):
    report = warnings_as_of(store, Settings(), parse_instant(day, end_of_day=True))
    for event in (e for w in report.warnings for e in w.events):
        assert event.date <= date.fromisoformat(day), "an event from after the as-of date"
    return next((w for w in report.warnings if w.counterparty == counterparty), None)


def test_ftx_warned_before_the_halt_and_is_critical_after(demo_store):
    before = warning(demo_store, "2022-11-05", "ftx")
    assert before is not None
    assert Level.MEDIUM.rank <= before.level.rank < Level.CRITICAL.rank
    # the report on Alameda's FTT-heavy balance sheet (published 2022-11-02) is the precursor
    assert any(e.category == "own_token_reliance" for e in before.events)

    after = warning(demo_store, "2022-11-09", "ftx")
    assert after.level is Level.CRITICAL
    assert any(e.category == "withdrawal_halt" and e.date == date(2022, 11, 8) for e in after.events)
    assert any("withdrawal halt" in reason.lower() for reason in after.reasons)
    assert after.exposure.direct > 0 and after.exposure.affiliated > 0


def test_binance_is_raised_by_the_december_2022_outflows(demo_store):
    calm = warning(demo_store, "2022-11-30", "binance")
    run = warning(demo_store, "2022-12-14", "binance")
    assert run.level.rank > calm.level.rank
    assert run.level.rank >= Level.HIGH.rank
    outflows = [e for e in run.events if e.category == "outflow_surge"]
    assert {e.date for e in outflows} == {date(2022, 12, 13)}
    assert not any(e.category == "outflow_surge" for e in calm.events)


def test_ftx_stays_critical_until_the_claim_is_paid_out(demo_store):
    assert warning(demo_store, "2025-02-17", "ftx").level is Level.CRITICAL
    after = warning(demo_store, "2025-03-01", "ftx")
    # nothing is held at FTX any more; the FTT in the wallet still ties the user to it
    assert after.level.rank < Level.CRITICAL.rank
    assert after.exposure.direct == 0 and after.exposure.affiliated > 0
