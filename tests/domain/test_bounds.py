"""Plausibility bounds for hand-entered holdings, capture dates and exchange balances."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from exposure_app.domain.bounds import (
    BoundsError,
    check_entered_holding,
    check_holding_time,
    reported_balance_problem,
)

D = Decimal
NOW = datetime(2026, 12, 2, 12, tzinfo=UTC)


@pytest.mark.parametrize("amount, price, value, reason", [
    (D("1e19"), None, None, "amount 1.000E+19 is larger than"),
    (D("1"), D("1e30"), None, "price 1.000E+30 is larger than"),
    (D("1"), None, D("1e16"), "value 1.000E+16 is larger than"),
    (D("1e17"), D("1e9"), None, "amount × price is larger than"),
    (D("0.0000000000000000001"), None, None, "more than 18 digits after the point"),
])
def test_implausible_entered_holdings_are_refused(amount, price, value, reason):
    with pytest.raises(BoundsError, match=re.escape(reason)):
        check_entered_holding(amount, price, value)


def test_plausible_holdings_pass():
    check_entered_holding(D("589000000000000"), D("0.00001"), None)   # all the SHIB there is
    check_entered_holding(D("0.000000000000000001"), None, D("0"))   # one wei
    check_entered_holding(D("2"), D("2500000000"), None)              # BTC priced in VND


@pytest.mark.parametrize("moment, reason", [
    (datetime(1, 1, 1, tzinfo=UTC), "before 2009-01-03"),
    (datetime(2009, 1, 2, 23, 59, tzinfo=UTC), "before 2009-01-03"),
    (datetime(9999, 12, 31, tzinfo=UTC), "in the future"),
    (datetime(2026, 12, 3, 12, 1, tzinfo=UTC), "in the future"),
])
def test_capture_dates_are_bounded(moment, reason):
    with pytest.raises(BoundsError, match=reason):
        check_holding_time(moment, NOW)


def test_capture_dates_within_bounds_pass():
    check_holding_time(datetime(2009, 1, 3, tzinfo=UTC), NOW)
    check_holding_time(datetime(2026, 12, 3, 11, tzinfo=UTC), NOW)   # tomorrow, a time zone ahead


@pytest.mark.parametrize("wallet, total, reason", [
    ("spot", D("-5"), "negative in the spot wallet"),
    ("earn_flexible", D("-0.1"), "negative"),
    ("spot", D("1e30"), "beyond any real holding"),
    ("spot", D("1e400"), "beyond any real holding"),
    ("margin", D("-1e19"), "beyond any real holding"),
    ("spot", D("NaN"), "not a finite number"),
    ("spot", D("Infinity"), "not a finite number"),
])
def test_impossible_reported_balances_are_named(wallet, total, reason):
    problem = reported_balance_problem(wallet, "BTC", max(total, D(0)) if total.is_finite()
                                       else total, D(0), total)
    assert problem is not None and reason in problem


def test_debts_in_borrowing_and_derivative_wallets_are_plausible():
    for wallet in ("margin", "margin_isolated", "cross_margin", "futures", "swap"):
        assert reported_balance_problem(wallet, "USDT", D(0), D(0), D("-250")) is None
