"""What every emulator sums the same way: an account's balances per asset."""

from __future__ import annotations

from decimal import Decimal

from exposure_app.emulator.base import EmulatedBalance, totals_by_asset

D = Decimal


def test_balances_are_summed_per_asset_in_first_seen_order_without_an_unlock_date() -> None:
    rows = totals_by_asset([
        EmulatedBalance("earn_flexible", "USDT", D("5"), D("1")),
        EmulatedBalance("earn_locked", "ETH", D(0), D("2"), unlock_at="2027-01-15"),
        EmulatedBalance("earn_locked", "USDT", D(0), D("10"), unlock_at="2027-02-01"),
        EmulatedBalance("earn_flexible", "ETH", D("0.5")),
    ])
    assert rows == [EmulatedBalance("earn_flexible", "USDT", D("5"), D("11")),
                    EmulatedBalance("earn_locked", "ETH", D("0.5"), D("2"))]
    assert [r.total for r in rows] == [D("16"), D("2.5")]


def test_summing_leaves_the_account_s_balances_as_they_were() -> None:
    first = EmulatedBalance("spot", "BTC", D("1"), D("0.5"))
    totals_by_asset([first, EmulatedBalance("spot", "BTC", D("2"))])
    assert first == EmulatedBalance("spot", "BTC", D("1"), D("0.5"))
