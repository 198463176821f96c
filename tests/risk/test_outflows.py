"""Price-neutral net flows on known series, and calibration on the documented runs."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from exposure_app.risk.outflows import (
    OutflowThresholds,
    TokenPoint,
    clean_assets,
    derive_outflow_events,
    flow_windows,
    net_flow,
)

from .helpers import daily_series

T0 = datetime(2024, 1, 1, tzinfo=UTC)


def point(day: int, amounts: dict, prices: dict) -> TokenPoint:
    return TokenPoint(T0 + timedelta(days=day),
                      {k: Decimal(str(v)) for k, v in amounts.items()},
                      {k: Decimal(str(v * prices[k])) for k, v in amounts.items()})


def test_net_flow_values_amount_changes_at_end_prices():
    old = point(0, {"BTC": 10, "ETH": 100}, {"BTC": 40000, "ETH": 2000})
    new = point(1, {"BTC": 8, "ETH": 110}, {"BTC": 50000, "ETH": 1000})
    # BTC: -2 * 50000, ETH: +10 * 1000
    assert net_flow(old, new) == pytest.approx(-90000)


def test_price_moves_alone_are_not_flows():
    old = point(0, {"BTC": 10, "USDT": 5000}, {"BTC": 40000, "USDT": 1})
    new = point(1, {"BTC": 10, "USDT": 5000}, {"BTC": 20000, "USDT": Decimal("0.97")})
    assert net_flow(old, new) == pytest.approx(0, abs=1e-6)


def test_own_tokens_are_excluded_and_new_or_dropped_tokens_follow_defillama():
    old = point(0, {"BTC": 10, "BNB": 1000, "OLD": 5}, {"BTC": 100, "BNB": 10, "OLD": 1})
    new = point(1, {"BTC": 9, "BNB": 0.5, "NEW": 3}, {"BTC": 100, "BNB": 10, "NEW": 2})
    # BNB excluded; NEW counts fully (+6); OLD missing from the newer point is skipped.
    assert net_flow(old, new, exclude=["bnb"]) == pytest.approx(-100 + 6)
    assert clean_assets(new, exclude=["BNB"]) == pytest.approx(906)


def test_flow_windows_share_of_clean_assets():
    series = daily_series("x", date(2024, 1, 1),
                          [{"BTC": 100, "BNB": 50}] * 25 + [{"BTC": 90, "BNB": 10}] * 6
                          + [{"BTC": 80, "BNB": 10}],
                          {"BTC": 1000, "BNB": 300})
    windows = {w.days: w for w in flow_windows(series, datetime(2024, 2, 1, tzinfo=UTC),
                                               exclude=["BNB"])}
    assert windows[1].share == pytest.approx(-10 / 90)
    assert windows[7].net_flow == pytest.approx(-20000)
    assert windows[7].share == pytest.approx(-0.2)
    assert windows[30].clean_assets == pytest.approx(100000)


def test_no_window_without_a_start_point():
    series = daily_series("x", date(2024, 1, 1), [{"BTC": 1}] * 3, {"BTC": 1})
    windows = flow_windows(series, datetime(2024, 1, 3, 12, tzinfo=UTC))
    assert [w.days for w in windows] == [1]


def _path(start_value: float, daily_changes: list[float]) -> list[float]:
    values = [start_value]
    for change in daily_changes:
        values.append(values[-1] * (1 + change))
    return values


def _episode(slug, start, clean_path, own_amount=0.0, own_token="OWN",
             price_swing=0.0):
    """A custodian holding BTC and USDT in the proportions of ``clean_path`` (USD at day 0
    prices), its own token, and BTC prices swinging by ``price_swing``."""
    amounts = []
    for index, total in enumerate(clean_path):
        own = own_amount * (1 - 0.5 * index / max(1, len(clean_path) - 1))
        amounts.append({"BTC": total * 0.6 / 20000, "USDT": total * 0.4, own_token: own})

    def prices(index, token):
        if token == "BTC":
            return 20000 * (1 + price_swing * math.sin(index))
        if token == own_token:
            return 20 * (1 - 0.7 * index / max(1, len(clean_path)))
        return 1.0
    return daily_series(slug, start, amounts, prices)


def _derive(series, cp, as_of, own="OWN"):
    return derive_outflow_events(series, counterparty=cp, counterparty_name=cp.upper(),
                                 as_of=as_of, exclude=[own])


def end_of(day: date) -> datetime:
    return datetime.combine(day, datetime.max.time(), tzinfo=UTC)


def test_ftx_november_2022_shape_fires():
    start = date(2022, 10, 1)
    calm = [0.002 * (-1) ** i for i in range(35)]        # to Nov 5
    run = [-0.35, -0.30, -0.25]                          # Nov 6-8: roughly $6B of ~$10B
    series = _episode("ftx", start, _path(10e9, calm + run), own_amount=3e8,
                      own_token="FTT", price_swing=0.08)
    events = _derive(series, "ftx", end_of(date(2022, 11, 9)), own="FTT")
    assert [e.date for e in events] == [date(2022, 11, 6)]
    assert events[0].is_derived and events[0].data["window_days"] in (1, 7, 30)
    assert Decimal(events[0].data["share"]) < Decimal("-0.3")
    assert any("defillama" in s for s in events[0].sources)
    assert _derive(series, "ftx", end_of(date(2022, 11, 5)), own="FTT") == []


def test_binance_december_2022_shape_fires_on_the_longer_windows():
    start = date(2022, 11, 4)
    changes = ([-0.002] * 32                                  # slow bleed to Dec 6
               + [-0.0058] * 7                                # ~4% in the week to Dec 13
               + [-0.006] * 22)                               # to Jan 4: ~20% in all
    clean = _path(60e9, changes)
    series = _episode("binance-cex", start, clean, own_amount=1.7e9 / 20, own_token="BNB",
                      price_swing=0.05)
    assert 0.18 <= 1 - clean[-1] / clean[0] <= 0.31       # the Forbes range
    assert _derive(series, "binance", end_of(date(2022, 12, 1)), own="BNB") == []
    events = _derive(series, "binance", end_of(date(2023, 1, 4)), own="BNB")
    assert events, "a Binance-shaped bleed must fire"
    assert date(2022, 12, 5) <= events[0].date <= date(2023, 1, 4)
    assert events[0].data["window_days"] in (7, 30)


def test_kucoin_march_2024_shape_fires():
    start = date(2024, 2, 1)
    clean = _path(5.1e9, [0.001] * 54 + [-0.15, -0.03])
    series = _episode("kucoin", start, clean, own_amount=5e6, own_token="KCS")
    events = _derive(series, "kucoin", end_of(date(2024, 3, 28)), own="KCS")
    assert [e.date for e in events] == [date(2024, 3, 27)]
    assert Decimal(events[0].data["share"]) <= Decimal("-0.15")
    one_day = flow_windows(series, end_of(date(2024, 3, 27)), exclude=["KCS"])[0]
    assert one_day.days == 1 and one_day.share <= -OutflowThresholds().day1


def test_bybit_february_2025_shape_fires():
    start = date(2025, 1, 15)
    clean = _path(16.9e9, [0.0] * 37 + [-0.20, -0.17])     # $16.9B -> ~$11.2B in two days
    series = _episode("bybit", start, clean, price_swing=0.1)
    events = _derive(series, "bybit", end_of(date(2025, 2, 24)))
    assert [e.date for e in events] == [date(2025, 2, 22)]


def test_a_calm_custodian_in_a_volatile_market_does_not_fire():
    start = date(2024, 1, 1)
    changes = [0.01 * math.sin(i * 1.7) for i in range(120)]
    series = _episode("calm", start, _path(1e9, changes), price_swing=0.25)
    assert _derive(series, "calm", end_of(date(2024, 5, 1))) == []


def test_no_look_ahead_later_points_never_change_an_earlier_evaluation():
    start = date(2022, 10, 1)
    clean = _path(10e9, [0.0] * 35 + [-0.35, -0.3])
    full = _episode("ftx", start, clean)
    before = _derive(full, "ftx", end_of(date(2022, 11, 5)))
    cut = _episode("ftx", start, clean[:36])
    assert before == _derive(cut, "ftx", end_of(date(2022, 11, 5))) == []
    mid = datetime(2022, 11, 6, 12, tzinfo=UTC)
    # The point at 2022-11-07 00:00 exists but must not be read for an evaluation at noon on 6 Nov.
    assert [e.date for e in _derive(full, "ftx", mid)] == [date(2022, 11, 6)]
    assert _derive(full, "ftx", mid)[0].data["window_end"].startswith("2022-11-06")


def test_thresholds_are_configurable():
    start = date(2024, 1, 1)
    series = _episode("x", start, _path(1e9, [0.0] * 10 + [-0.04]))
    as_of = end_of(date(2024, 1, 12))
    assert _derive(series, "x", as_of) == []
    strict = OutflowThresholds(day1=Decimal("0.03"))
    assert derive_outflow_events(series, counterparty="x", counterparty_name="X", as_of=as_of,
                                 exclude=["OWN"], thresholds=strict)


@pytest.mark.parametrize("days", [1, 7, 30])
def test_default_thresholds_match_the_documentation(days):
    assert OutflowThresholds().for_days(days) == {1: 0.05, 7: 0.08, 30: 0.12}[days]
