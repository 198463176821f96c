from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exposure_app.domain.models import AccountKind
from exposure_app.domain.timeutil import to_storage
from exposure_app.risk.catalog import load_directory
from exposure_app.services.history import (
    HISTORY_WALK_SQL,
    daily_history,
    end_of_day_bound,
    first_snapshot_day,
)
from exposure_app.services.manual_holdings import set_holding


def test_daily_series_carries_last_snapshot_forward_and_never_looks_ahead(store):
    ftx = store.accounts.add("FTX", AccountKind.MANUAL_CUSTODIAL, counterparty="ftx")
    wallet = store.accounts.add("Ledger", AccountKind.SELF_CUSTODY)
    set_holding(store, ftx, "USDT", Decimal("1000"), price=Decimal("1"),
                when=datetime(2022, 11, 1, 12, tzinfo=UTC))
    set_holding(store, wallet, "BTC", Decimal("1"), price=Decimal("20000"),
                when=datetime(2022, 11, 2, tzinfo=UTC))
    set_holding(store, ftx, "USDT", Decimal("1000"), price=Decimal("0.05"),
                when=datetime(2022, 11, 4, 23, 59, tzinfo=UTC))
    series = daily_history(store, date(2022, 10, 31), date(2022, 11, 5), load_directory())
    assert len(series) == 6 and series[0].day == date(2022, 10, 31)
    by_day = {p.day: p for p in series}
    assert by_day[date(2022, 10, 31)].net_worth == 0
    assert by_day[date(2022, 11, 1)].by_counterparty == {"ftx": Decimal("1000")}
    assert by_day[date(2022, 11, 3)].net_worth == Decimal("21000")
    assert by_day[date(2022, 11, 3)].custodial_share == Decimal("0.047619047619")
    assert by_day[date(2022, 11, 4)].by_counterparty["ftx"] == Decimal("50")
    assert by_day[date(2022, 11, 5)].self_custody == Decimal("20000")
    assert first_snapshot_day(store) == date(2022, 11, 1)


def test_snapshot_total_is_the_exact_sum_of_priced_values(store):
    wallet = store.accounts.add("W", AccountKind.SELF_CUSTODY)
    set_holding(store, wallet, "A", Decimal("0.1"), price=Decimal("0.1"), when=datetime(2022, 1, 1, tzinfo=UTC))
    set_holding(store, wallet, "B", Decimal("0.2"), price=Decimal("0.1"), when=datetime(2022, 1, 1, tzinfo=UTC))
    set_holding(store, wallet, "C", Decimal("5"), when=datetime(2022, 1, 1, tzinfo=UTC))
    total, unpriced = store.db.execute(
        "SELECT total_value, unpriced_count FROM snapshots ORDER BY id DESC LIMIT 1").fetchone()
    assert (total, unpriced) == ("0.03", 1)


@given(st.dates())
def test_end_of_day_bound_is_the_stored_form_of_the_last_instant(day):
    assert end_of_day_bound(day) == to_storage(datetime.combine(day, time.max, tzinfo=UTC))


def test_a_capture_at_the_last_microsecond_counts_for_that_day(store):
    wallet = store.accounts.add("Ledger", AccountKind.SELF_CUSTODY)
    set_holding(store, wallet, "BTC", Decimal("1"), price=Decimal("100"),
                when=datetime(2022, 11, 4, 23, 59, 59, 999999, tzinfo=UTC))
    series = daily_history(store, date(2022, 11, 4), date(2022, 11, 5), load_directory())
    assert [p.self_custody for p in series] == [Decimal("100"), Decimal("100")]


def test_the_history_walk_reads_only_its_covering_index(store):
    plan = store.db.execute(f"EXPLAIN QUERY PLAN {HISTORY_WALK_SQL}", ["9999"]).fetchall()
    detail = " ".join(str(row[-1]) for row in plan)
    assert "COVERING INDEX idx_snapshots_history" in detail
    assert "TEMP B-TREE" not in detail


def test_a_thinned_series_is_exact_on_the_days_it_keeps_and_ends_on_the_last(store):
    wallet = store.accounts.add("Ledger", AccountKind.SELF_CUSTODY)
    for day in range(1, 11):
        set_holding(store, wallet, "BTC", Decimal(day), price=Decimal("100"),
                    when=datetime(2022, 11, day, 12, tzinfo=UTC))
    start, end = date(2022, 11, 1), date(2022, 11, 10)
    full = daily_history(store, start, end, load_directory())
    thinned = daily_history(store, start, end, load_directory(), every=4)
    assert [p.day.day for p in thinned] == [1, 5, 9, 10]
    by_day = {p.day: p for p in full}
    assert all(p == by_day[p.day] for p in thinned)
    with pytest.raises(ValueError, match="at least 1"):
        daily_history(store, start, end, load_directory(), every=0)
