"""A balance an exchange reports that cannot be right (negative outside a
borrowing wallet, beyond any real holding) is not stored: that wallet keeps its
last good figures and the snapshot says why."""

from __future__ import annotations

from decimal import Decimal

import pytest

from exposure_app.domain.balances import WalletBalance
from exposure_app.emulator.base import EmulatedAccount, EmulatedBalance
from exposure_app.emulator.binance import BinanceEmulator
from exposure_app.exchanges.adapters.okx import OkxAdapter
from exposure_app.exchanges.errors import ErrorKind
from exposure_app.services.profile import Profile
from exposure_app.services.sync_service import sync_blocking
from exposure_app.storage.secrets import SecretStore

D = Decimal


def _emulator() -> BinanceEmulator:
    balances = [EmulatedBalance("spot", "BTC", D("0.5")),
                EmulatedBalance("funding", "USDT", D("100"))]
    return BinanceEmulator(EmulatedAccount("b-key", "b-secret", balances=balances),
                           tickers={"BTC/USDT": D("60000")})


@pytest.mark.parametrize("bad_free, reason", [
    (D("-5"), "negative in the spot wallet"),
    (D("1e30"), "beyond any real holding"),
    (D("2e18"), "cannot be right"),
])
def test_an_impossible_spot_balance_keeps_the_last_good_figures(
        store, data_dir, add_exchange_account, memory_keyring, bad_free, reason):
    emu = _emulator()
    account = add_exchange_account(store, "Binance", emu)
    profile, secrets = Profile(data_dir), SecretStore(memory_keyring)
    first = sync_blocking(profile, secret_store=secrets).result_for(account.id)
    assert first.status.value == "ok", first.error

    emu.account.balances[0] = EmulatedBalance("spot", "BTC", bad_free)
    result = sync_blocking(profile, secret_store=secrets).result_for(account.id)

    assert result.status.value == "partial"
    snapshot = store.snapshots.get(result.snapshot_id)
    assert reason in snapshot.missing["spot"]
    assert "carried forward" in snapshot.missing["spot"]
    spot = {(h.asset, h.total, h.carried_from) for h in snapshot.holdings if h.wallet == "spot"}
    assert spot == {("BTC", D("0.5"), first.snapshot_id)}
    funding = {(h.asset, h.total) for h in snapshot.holdings if h.wallet == "funding"}
    assert funding == {("USDT", D("100"))}
    assert all(abs(h.total) <= D("1e18") for h in snapshot.holdings)


def test_a_negative_margin_line_is_a_debt_and_is_kept(run_adapter):
    emu = _emulator()
    emu.account.balances.append(EmulatedBalance("margin", "ETH", D("-2")))
    reading = run_adapter(emu)
    assert "margin" in reading.coverage, reading.missing
    assert ("margin", "ETH", D("-2")) in {(b.wallet, b.asset, b.total) for b in reading.balances}


def test_a_unified_account_may_report_a_borrowed_coin_below_zero():
    okx = OkxAdapter()
    spot = next(spec for spec in okx.wallets() if spec.name == "spot")
    assert spot.may_owe
    borrowed = [WalletBalance("spot", "USDT", D(0), D(0), D("-120"))]
    assert okx.implausible_balance("spot", borrowed, may_owe=True) is None
    error = okx.implausible_balance("funding", [WalletBalance("funding", "USDT", D(0), D(0),
                                                              D("-120"))])
    assert error is not None and error.kind is ErrorKind.BAD_RESPONSE
    assert "negative in the funding wallet" in error.message
