"""The fallback for exchanges without a dedicated adapter: unified fetch_balance per
wallet type, coverage reported as such, nothing counted twice."""

from __future__ import annotations

from decimal import Decimal

import pytest

from exposure_app.emulator.base import EmulatedAccount, EmulatedBalance, FaultKind
from exposure_app.emulator.binance import BinanceEmulator
from exposure_app.exchanges.adapters.binance import BinanceAdapter
from exposure_app.exchanges.adapters.registry import GenericAdapter, adapter_for
from exposure_app.exchanges.errors import ErrorKind, SyncError
from exposure_app.services.profile import Profile
from exposure_app.services.sync_service import sync_blocking
from exposure_app.storage.secrets import SecretStore

D = Decimal


def emulator() -> BinanceEmulator:
    balances = [EmulatedBalance("spot", "BTC", D("0.5"), D("0.1")),
                EmulatedBalance("funding", "USDC", D("800")),
                EmulatedBalance("margin", "ETH", D("2")),
                EmulatedBalance("futures", "USDT", D("3000"))]
    return BinanceEmulator(EmulatedAccount("g-key", "g-secret", balances=balances),
                           tickers={"BTC/USDT": D("60000"), "ETH/USDT": D("3000")})


def test_registry_picks_dedicated_sibling_or_generic():
    assert isinstance(adapter_for("binance"), BinanceAdapter)
    assert isinstance(adapter_for("binanceusdm"), BinanceAdapter)
    generic = adapter_for("bitstamp")
    assert isinstance(generic, GenericAdapter) and generic.exchange_id == "bitstamp"
    assert "generic" in generic.coverage_note


def test_unified_balances_per_wallet_type_without_double_counting(run_adapter):
    reading = run_adapter(emulator(), GenericAdapter("binance"))
    assert reading.coverage == ("spot", "funding", "margin", "swap")
    # binance maps "future" to the same USDⓈ-M account as "swap": listed, not counted
    assert "same answer as the swap wallet" in reading.skipped["future"]
    rows = {(b.wallet, b.asset): (b.free, b.locked) for b in reading.balances}
    assert rows == {
        ("spot", "BTC"): (D("0.5"), D("0.1")),
        ("funding", "USDC"): (D("800"), D(0)),
        ("margin", "ETH"): (D("2"), D(0)),
        ("swap", "USDT"): (D("3000"), D(0)),
    }
    assert reading.permissions.level.value == "unknown"


def test_a_bad_optional_wallet_makes_it_missing_and_a_bad_spot_fails(run_adapter):
    emu = emulator()
    emu.inject(FaultKind.HTML_200, path_prefix="/sapi/v1/margin/account")
    reading = run_adapter(emu, GenericAdapter("binance"))
    assert "margin" in reading.missing and "margin" not in reading.coverage
    emu.clear_faults()
    emu.inject(FaultKind.HTML_200)
    with pytest.raises(SyncError) as info:
        run_adapter(emu, GenericAdapter("binance"))
    assert info.value.kind is ErrorKind.BAD_RESPONSE


def test_an_exchange_without_adapter_syncs_with_its_coverage_noted(
        store, data_dir, add_exchange_account, memory_keyring):
    account = add_exchange_account(store, "Binance US", emulator(), exchange_id="binanceus")
    assert account.counterparty == "binanceus"
    report = sync_blocking(Profile(data_dir), secret_store=SecretStore(memory_keyring))
    result = report.result_for(account.id)
    assert result.status.value == "ok", result.error
    assert "generic" in result.coverage_note and "earn" in result.coverage_note
    assert "spot" in result.coverage
    snap = store.snapshots.get(result.snapshot_id)
    assert ("spot", "BTC", D("0.6")) in {(h.wallet, h.asset, h.total) for h in snap.holdings}
    assert store.exchange_state.last_sync(account.id)["coverage_note"] == result.coverage_note
