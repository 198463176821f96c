"""Changing the base currency converts stored figures at each day's cached rate, or
refuses and changes nothing (it used to relabel 13,900 USD as 13,900 EUR)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest

from exposure_app.domain.models import AccountKind
from exposure_app.services.base_currency import BaseCurrencyError, change_base_currency
from exposure_app.services.exposure_as_of import exposure_as_of
from exposure_app.services.manual_holdings import set_holding
from exposure_app.services.prices import refresh_prices
from exposure_app.services.settings import Settings
from tests.services.market_fixtures import start_market

pytestmark = pytest.mark.cli_in_process   # what commands do, not the process


@pytest.fixture(scope="module")
def market():
    m = start_market()
    yield m
    m.server.stop()


def _usd_wallet(store, when):
    wallet = store.accounts.add("Ledger", AccountKind.SELF_CUSTODY)
    return set_holding(store, wallet, "CASH", Decimal("13900"), price=Decimal("1"), when=when,
                       base="USD")


def test_figures_are_converted_at_the_rate_of_their_day(store, data_dir, market):
    day = market.today - timedelta(days=4)
    snap = _usd_wallet(store, datetime.combine(day, time(12), tzinfo=UTC))
    settings = Settings.load(data_dir)
    settings.price_sources = market.settings().price_sources
    asyncio.run(refresh_prices(store, settings, throttle=False,
                               history_start=market.today - timedelta(days=10)))
    change = change_base_currency(store, settings, "EUR")
    assert (change.old, change.new, change.converted_snapshots) == ("USD", "EUR", 1)
    eur_usd = market.tape.close("EUR/USD", day)
    converted = store.snapshots.get(snap.id)
    assert converted.currency == "EUR" and store.value_currency == "EUR"
    assert abs(converted.holdings[0].value - Decimal("13900") / eur_usd) < Decimal("1e-9")
    assert Settings.load(data_dir).base_currency == "EUR"
    report = exposure_as_of(store, Settings.load(data_dir))
    assert report.base_currency == "EUR" and report.net_worth != Decimal("13900")
    # a new record now is written in EUR
    wallet = store.accounts.by_name("Ledger")
    later = set_holding(store, wallet, "CASH", Decimal("1"), price=Decimal("1"), base="EUR")
    assert later.currency == "EUR"


def test_without_a_cached_rate_the_change_is_refused_and_nothing_changes(store, data_dir):
    snap = _usd_wallet(store, datetime(2024, 5, 1, 12, tzinfo=UTC))
    settings = Settings.load(data_dir)
    with pytest.raises(BaseCurrencyError, match=r"USD→EUR on 1 day\(s\) \(2024-05-01\)"):
        change_base_currency(store, settings, "EUR")
    assert store.snapshots.get(snap.id).holdings[0].value == Decimal("13900")
    assert store.snapshots.get(snap.id).currency == "USD"
    assert Settings.load(data_dir).base_currency == "USD" and store.value_currency == "USD"


def test_the_cli_refuses_to_relabel(run_cli, data_dir):
    assert run_cli("accounts", "add-wallet", "Ledger").returncode == 0
    assert run_cli("holdings", "set", "Ledger", "CASH", "13900", "--price", "1").returncode == 0
    result = run_cli("settings", "set", "base_currency", "EUR")
    assert result.returncode == 1
    assert "base currency not changed to EUR" in result.stderr
    assert Settings.load(data_dir).base_currency == "USD"


def test_figures_relabelled_by_an_older_version_are_flagged_then_converted(store, data_dir,
                                                                          market):
    from exposure_app.services.base_currency import currency_mismatch

    day = market.today - timedelta(days=2)
    snap = _usd_wallet(store, datetime.combine(day, time(12), tzinfo=UTC))
    settings = Settings.load(data_dir)
    settings.base_currency = "EUR"          # what `settings set` used to do: a relabel
    settings.price_sources = market.settings().price_sources
    settings.save()
    assert "in USD, not EUR" in currency_mismatch(store, "EUR")
    asyncio.run(refresh_prices(store, settings, history_start=day - timedelta(days=3)))
    change_base_currency(store, settings, "EUR")
    assert currency_mismatch(store, "EUR") is None
    value = store.snapshots.get(snap.id).holdings[0].value
    assert abs(value - Decimal("13900") / market.tape.close("EUR/USD", day)) < Decimal("1e-9")
