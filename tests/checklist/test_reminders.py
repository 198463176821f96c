"""Withdrawal-test reminders on a fixed clock; failed or delayed tests become user events."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from exposure_app.services.reminders import (
    ReminderError,
    due_reminders,
    record_test,
    reminders,
    set_interval,
)
from exposure_app.services.risk_service import list_events, warnings_as_of
from exposure_app.services.settings import Settings
from tests.checklist.helpers import T0, populate

DAY = timedelta(days=1)


def by_cp(rows):
    return {r.counterparty: r for r in rows}


def test_first_test_falls_due_interval_days_after_holdings_first_appear(store):
    populate(store)                                   # snapshots at T0 (binance, kraken)
    settings = Settings()
    assert settings.withdrawal_test_interval_days == 90
    early = by_cp(reminders(store, settings, now=T0 + 89 * DAY))
    assert set(early) == {"binance", "kraken"}        # self-custody gets no reminder
    assert not early["binance"].is_due and early["binance"].due_at == T0 + 90 * DAY
    assert due_reminders(store, settings, now=T0 + 89 * DAY) == []
    due = due_reminders(store, settings, now=T0 + 91 * DAY)
    assert {r.counterparty for r in due} == {"binance", "kraken"}
    assert due[0].overdue_days == 1 and "never tested" in due[0].message


def test_a_recorded_test_restarts_the_clock(store):
    populate(store)
    settings = Settings()
    tested = T0 + 60 * DAY
    record_test(store, "binance", "worked", tested_at=tested, now=tested)
    rows = by_cp(reminders(store, settings, now=T0 + 100 * DAY))
    assert not rows["binance"].is_due and rows["binance"].due_at == tested + 90 * DAY
    assert rows["kraken"].is_due
    assert rows["binance"].last_test.result == "worked"


def test_per_custodian_interval_off_and_global_off(store):
    populate(store)
    settings = Settings()
    set_interval(store, "kraken", 30)
    set_interval(store, "binanceusdm", 0)             # a sibling id: binance, off
    rows = by_cp(reminders(store, settings, now=T0 + 31 * DAY))
    assert rows["kraken"].is_due and rows["kraken"].custom_interval
    assert not rows["binance"].enabled and not rows["binance"].is_due
    set_interval(store, "kraken", None)               # back to the default
    assert not by_cp(reminders(store, settings, now=T0 + 31 * DAY))["kraken"].is_due
    settings.set("withdrawal_test_interval_days", 0)
    assert due_reminders(store, settings, now=T0 + 1000 * DAY) == []
    with pytest.raises(ReminderError):
        set_interval(store, "kraken", -1)


def test_failed_and_delayed_tests_become_user_events_that_feed_the_risk_engine(store):
    populate(store)
    settings = Settings()
    day = datetime(2026, 3, 10, 9, tzinfo=UTC)
    before = {w.counterparty: w.level for w in warnings_as_of(store, settings, day).warnings}
    failed = record_test(store, "kraken", "failed", tested_at=day, asset="ETH", note="stuck", now=day)
    assert failed.event_id == f"user.withdrawal-test.kraken.{failed.id}"
    events = {e.id: e for e in list_events(store, settings, counterparty="kraken", as_of=day)}
    event = events[failed.event_id]
    assert event.category.value == "withdrawal_halt" and event.resolved is None
    assert event.origin.value == "user" and "failed" in event.title
    after = {w.counterparty: w for w in warnings_as_of(store, settings, day).warnings}
    assert after["kraken"].level.value == "critical"            # unresolved halt while held
    assert before.get("kraken") != after["kraken"].level
    assert failed.event_id in [e.id for e in after["kraken"].events]

    delayed = record_test(store, "binance", "delayed", tested_at=day, now=day)
    event = {e.id: e for e in list_events(store, settings, as_of=day)}[delayed.event_id]
    assert event.category.value == "withdrawal_halt" and event.resolved.date == day.date()

    worked = record_test(store, "binance", "worked", tested_at=day, now=day)
    assert worked.event_id is None


def test_bad_results_are_refused_and_change_nothing(store):
    populate(store)
    with pytest.raises(ReminderError):
        record_test(store, "binance", "maybe")
    with pytest.raises(ReminderError, match="future"):
        record_test(store, "binance", "worked", tested_at=T0 + DAY, now=T0)
    assert store.db.execute("SELECT count(*) FROM withdrawal_tests").fetchone()[0] == 0


def test_warnings_reuse_a_report_of_the_same_instant_and_refuse_another(store):
    from exposure_app.services.exposure_as_of import exposure_as_of

    populate(store)
    settings = Settings()
    day = datetime(2026, 3, 10, 9, tzinfo=UTC)
    report = exposure_as_of(store, settings, day)
    fresh = warnings_as_of(store, settings, day)
    reused = warnings_as_of(store, settings, day, report=report)
    assert fresh.warnings and reused.warnings == fresh.warnings
    with pytest.raises(ValueError, match="as of"):
        warnings_as_of(store, settings, day + DAY, report=report)


def test_a_custodian_with_blocked_withdrawals_is_never_due_and_says_why(store):
    from decimal import Decimal

    from exposure_app.domain.models import AccountKind
    from exposure_app.services.manual_holdings import set_holding

    populate(store)
    celsius = store.accounts.add("Celsius", AccountKind.MANUAL_CUSTODIAL, counterparty="celsius",
                                 created_at=T0)
    set_holding(store, celsius, "USDC", Decimal(2500), value=Decimal(300), when=T0)
    rows = by_cp(reminders(store, Settings(), now=T0 + 200 * DAY))
    assert rows["binance"].is_due                                # the others are due as usual
    blocked = rows["celsius"]
    assert not blocked.is_due and blocked.due_at == T0 + 90 * DAY
    assert blocked.withdrawals_blocked.startswith("insolvency since 2022-07-13")
    assert "no test withdrawal is possible" in blocked.message
    assert "celsius" not in {r.counterparty for r in due_reminders(store, Settings(),
                                                                   now=T0 + 200 * DAY)}


def test_a_worked_test_resolves_an_earlier_failed_one_and_the_plan_withdraws_again(store):
    from exposure_app.domain.checklist_rows import flatten
    from exposure_app.services.checklist_service import build_checklist

    populate(store)
    settings = Settings()
    failed_day = datetime(2026, 3, 10, 9, tzinfo=UTC)
    failed = record_test(store, "kraken", "failed", tested_at=failed_day, now=failed_day)

    def kraken_eth(now):
        plan = build_checklist(store, settings, "kraken", as_of=now, levels={})
        return next(r for r in flatten(plan) if r.item_key == "asset:kraken:ETH")

    # the failed test blocks the plan's withdrawal, but the reminder keeps asking to retry
    assert kraken_eth(failed_day).blocked
    assert "My test withdrawal from Kraken failed" in kraken_eth(failed_day).unlock
    retry = by_cp(reminders(store, settings, now=failed_day + 100 * DAY))["kraken"]
    assert not retry.withdrawals_blocked and retry.is_due
    worked_day = failed_day + 20 * DAY
    record_test(store, "kraken", "worked", tested_at=worked_day, now=worked_day)
    event = {e.id: e for e in list_events(store, settings, as_of=worked_day)}[failed.event_id]
    assert event.resolved is not None and event.resolved.date == worked_day.date()
    assert not kraken_eth(worked_day).blocked
    assert kraken_eth(failed_day).blocked                        # the past stays as it was
    levels = {w.counterparty: w.level.value for w in warnings_as_of(store, settings,
                                                                     worked_day).warnings}
    assert levels.get("kraken") != "critical"
