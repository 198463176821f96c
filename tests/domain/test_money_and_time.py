from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from exposure_app.domain.money import AmountError, parse_decimal, to_text
from exposure_app.domain.timeutil import DateError, parse_instant, to_storage


@pytest.mark.parametrize("raw, expected", [("1.50", "1.5"), (" 2 ", "2"), ("1e-8", "0.00000001"),
                                           (0.1, "0.1"), (100, "100"), ("1E+3", "1000")])
def test_parse_and_canonical_text(raw, expected):
    assert to_text(parse_decimal(raw)) == expected


@pytest.mark.parametrize("raw", ["", "abc", "NaN", "inf", None, True, [1], "1,5",
                                 # loose forms Decimal() itself takes
                                 "1_000", "\u0661\u0662", "\uff11", "\u0967\u0966",
                                 # sizes that overflow, hang or exhaust memory downstream
                                 "1E+999999999", "1E-999999999", "1E-99999999999", "1e400",
                                 "1" * 5000, "0." + "0" * 4000 + "1", 1e300])
def test_bad_numbers_are_errors_not_zero(raw):
    with pytest.raises(AmountError):
        parse_decimal(raw)


def test_as_of_date_means_end_of_day_and_storage_text_sorts_like_time():
    end = parse_instant("2022-11-10", end_of_day=True)
    assert end == datetime(2022, 11, 10, 23, 59, 59, 999999, tzinfo=UTC)
    start = parse_instant("2022-11-10")
    assert to_storage(start) < to_storage(end)
    assert parse_instant("2022-11-10T12:00:00+02:00") == datetime(2022, 11, 10, 10, tzinfo=UTC)
    with pytest.raises(DateError):
        parse_instant("10/11/2022")
    assert Decimal(to_text(Decimal("123.4500"))) == Decimal("123.45")
