"""The demo's emulated portfolios: locked products end a declared number of days
after the day the emulators are built, whatever that day is."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from exposure_app.emulator.binance import BinanceEmulator
from exposure_app.emulator.demo_portfolio import DEMO_BALANCES, all_demo_assets, build_demo_emulator


def test_locked_products_are_dated_from_the_day_the_emulator_is_built():
    prices = {asset: Decimal(1) for asset in all_demo_assets()}
    for today, end in ((date(2026, 12, 2), "2027-01-18"), (date(2027, 3, 1), "2027-04-17")):
        emulator = build_demo_emulator(BinanceEmulator, prices, today)
        locked = [b for b in emulator.account.balances if b.wallet == "earn_locked"]
        assert [(b.asset, b.locked, b.unlock_at, b.unlock_in_days) for b in locked] == [
            ("ETH", Decimal("1.5"), end, None)]
        unlocked = [b for b in emulator.account.balances if b.wallet != "earn_locked"]
        assert unlocked and all(b.unlock_at is None for b in unlocked)
    # the declared portfolio itself stays relative
    declared = [b for b in DEMO_BALANCES["binance"] if b.wallet == "earn_locked"]
    assert [(b.unlock_at, b.unlock_in_days) for b in declared] == [(None, 47)]
