"""Price signals on small series made up in the test (test data, not real prices)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from exposure_app.risk.catalog import load_directory
from exposure_app.risk.events import Category, Origin
from exposure_app.risk.price_signals import (
    PriceThresholds,
    depeg_events,
    drawdown_events,
    price_events,
)

DIRECTORY = load_directory()
FTX = DIRECTORY.get("ftx")
D0 = date(2030, 1, 1)   # made-up dates: these are not historical prices


def series(*closes: str, start: date = D0) -> list[tuple[date, Decimal]]:
    return [(start + timedelta(days=i), Decimal(c)) for i, c in enumerate(closes)]


def test_a_sharp_fall_is_one_derived_event_published_on_its_first_day():
    closes = series("20", "21", "22", "20", "12", "5", "4", "4.5", "20", "21")
    (found,) = drawdown_events(closes, counterparty=FTX, token="FTT", as_of=D0 + timedelta(9))
    assert found.category is Category.TOKEN_DRAWDOWN and found.origin is Origin.DERIVED
    assert found.date == D0 + timedelta(4) and found.published_day == found.date
    assert found.data["worst_day"] == (D0 + timedelta(6)).isoformat()
    assert found.data["fall"] == "0.8182"          # 4 against the 7-day high of 22


def test_nothing_after_the_as_of_day_is_read():
    closes = series("20", "21", "22", "20", "12", "5")
    assert drawdown_events(closes, counterparty=FTX, token="FTT", as_of=D0 + timedelta(3)) == []
    assert len(drawdown_events(closes, counterparty=FTX, token="FTT",
                               as_of=D0 + timedelta(4))) == 1


def test_slow_declines_and_small_dips_do_not_signal():
    slow = series(*[str(100 - 2 * i) for i in range(15)])   # -2 a day: at most 14% in 7 days
    assert drawdown_events(slow, counterparty=FTX, token="FTT", as_of=D0 + timedelta(30)) == []
    strict = PriceThresholds(drawdown=Decimal("0.1"))
    assert drawdown_events(slow, counterparty=FTX, token="FTT", as_of=D0 + timedelta(30),
                           thresholds=strict)


def test_depeg_episodes():
    tether = DIRECTORY.get("tether")
    closes = series("1.000", "0.999", "0.95", "0.96", "1.0", "1.0", "1.0", "0.96")
    first, second = depeg_events(closes, counterparty=tether, coin="USDT",
                                 as_of=D0 + timedelta(10))
    assert first.date == D0 + timedelta(2) and first.data["gap"] == "0.05"
    assert second.date == D0 + timedelta(7) and first.category is Category.DEPEG


class _Series:
    """A ClosesSource over in-test series (test data)."""

    def __init__(self, data: dict[str, list[tuple[date, Decimal]]]) -> None:
        self.data = data
        self.asked: list[tuple[str, date, date]] = []

    def daily_closes(self, asset, start, end):
        self.asked.append((asset, start, end))
        return [(d, c) for d, c in self.data.get(asset, []) if start <= d <= end]


def test_price_events_asks_only_up_to_the_as_of_day_for_own_tokens_and_stablecoins():
    source = _Series({"FTT": series("20", "21", "22", "20", "12", "5")})
    tether = DIRECTORY.get("tether")
    found = price_events(source, [FTX, tether], D0 + timedelta(5))
    assert [e.category for e in found] == [Category.TOKEN_DRAWDOWN]
    assert {a for a, _, _ in source.asked} == {*FTX.affiliated_tokens,
                                                *tether.issued_stablecoins}
    assert all(end == D0 + timedelta(5) for _, _, end in source.asked)
