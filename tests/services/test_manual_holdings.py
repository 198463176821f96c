from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from exposure_app.domain.models import AccountKind
from exposure_app.services.exposure_as_of import exposure_as_of
from exposure_app.services.manual_holdings import ManualHoldingError, remove_holding, set_holding
from exposure_app.services.settings import Settings

D1 = datetime(2022, 1, 1, tzinfo=UTC)
D2 = datetime(2022, 2, 1, tzinfo=UTC)


def test_each_change_is_a_new_snapshot_and_history_is_kept(store):
    wallet = store.accounts.add("Ledger", AccountKind.SELF_CUSTODY)
    set_holding(store, wallet, "btc", Decimal("1"), price=Decimal("40000"), when=D1)
    set_holding(store, wallet, "ETH", Decimal("2"), value=Decimal("6000"), when=D1)
    remove_holding(store, wallet, "BTC", when=D2)
    jan = exposure_as_of(store, Settings(), D1)
    feb = exposure_as_of(store, Settings(), D2)
    assert jan.net_worth == Decimal("46000")
    assert feb.net_worth == Decimal("6000")
    assert [a.asset for a in feb.assets] == ["ETH"]


def test_exchange_accounts_and_bad_values_are_refused(store):
    synced = store.accounts.add("B", AccountKind.EXCHANGE_API, counterparty="binance", exchange_id="binance")
    with pytest.raises(ManualHoldingError, match="synced"):
        set_holding(store, synced, "BTC", Decimal(1))
    wallet = store.accounts.add("W", AccountKind.SELF_CUSTODY)
    with pytest.raises(ManualHoldingError, match="negative"):
        set_holding(store, wallet, "BTC", Decimal(-1))
    with pytest.raises(ManualHoldingError, match="ticker"):
        set_holding(store, wallet, "B T C", Decimal(1))
    assert store.db.execute("SELECT count(*) FROM snapshots").fetchone()[0] == 0


def test_settings_round_trip_and_invalid_values(data_dir):
    s = Settings.load(data_dir)
    assert s.base_currency == "USD"
    s.set("base_currency", "EUR")
    s.set("custodian_share_warning", "0.4")
    s.save()
    again = Settings.load(data_dir)
    assert again.base_currency == "EUR"
    assert again.custodian_share_warning == Decimal("0.4")
    with pytest.raises(ValueError):
        again.set("custodian_share_warning", "1.5")
    with pytest.raises(ValueError):
        again.set("base_currency", "DOGE")
    (data_dir / "settings.json").write_text('{"sync_interval_minutes": "often", "future_key": 1}')
    broken = Settings.load(data_dir)
    assert broken.sync_interval_minutes == 60
    assert any("sync_interval_minutes" in p for p in broken.problems)
    broken.save()
    assert '"future_key": 1' in (data_dir / "settings.json").read_text()
