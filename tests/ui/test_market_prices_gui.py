"""The GUI shows the age of the cached market prices and refuses a base currency change
it cannot convert (instead of relabelling stored figures)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from exposure_app.domain.models import AccountKind
from exposure_app.domain.prices import DailyClose, MarketPrice
from exposure_app.services.manual_holdings import set_holding
from exposure_app.services.settings import Settings
from exposure_app.storage.store import ProfileStore
from tests.services.market_fixtures import add_wallet_priced_hours_ago


def test_overview_shows_how_old_the_prices_are(make_window, data_dir):
    with ProfileStore.open(data_dir) as store:
        add_wallet_priced_hours_ago(store, Decimal("1"), hours=3)
    window = make_window(data_dir)
    detail = window.overview.net_worth.detail.text()
    assert "Prices as of" in detail and "(3 h old)" in detail
    assert window.overview.net_worth.value.text().startswith("50,000.00")


def test_base_currency_change_without_rates_is_refused_in_settings(make_window, data_dir):
    with ProfileStore.open(data_dir) as store:
        wallet = store.accounts.add("Ledger", AccountKind.SELF_CUSTODY)
        set_holding(store, wallet, "CASH", Decimal("13900"), price=Decimal("1"), base="USD",
                    when=datetime(2024, 5, 1, 12, tzinfo=UTC))
    window = make_window(data_dir)
    page = window.settings_page
    page.editors["base_currency"].setCurrentText("EUR")
    assert not page.save()
    assert "base currency not changed to EUR" in page.status.text()
    assert Settings.load(data_dir).base_currency == "USD"
    assert window.state.settings.base_currency == "USD"


def test_base_currency_change_with_rates_converts_in_settings(make_window, data_dir):
    with ProfileStore.open(data_dir) as store:
        wallet = store.accounts.add("Ledger", AccountKind.SELF_CUSTODY)
        set_holding(store, wallet, "CASH", Decimal("13900"), price=Decimal("1"), base="USD",
                    when=datetime(2024, 5, 1, 12, tzinfo=UTC))
        store.market.save([DailyClose("EUR", "USD", date(2024, 5, 1), Decimal("1.25"), "kraken"),
                           DailyClose("EUR", "USD", date(2024, 4, 30), Decimal("1.0"), "kraken")],
                          [MarketPrice("EUR", "USD", Decimal("1.1"), "kraken",
                                        datetime.now(UTC))], datetime.now(UTC))
    window = make_window(data_dir)
    page = window.settings_page
    page.editors["base_currency"].setCurrentText("EUR")
    assert page.save(), page.status.text()
    with ProfileStore.open(data_dir) as store:
        snap = store.snapshots.latest_usable(store.accounts.by_name("Ledger").id,
                                             datetime.now(UTC))
        assert snap.currency == "EUR" and snap.holdings[0].value == Decimal("11120")
    assert window.state.settings.base_currency == "EUR"


def test_a_wallet_only_profile_gets_market_prices_on_the_timer(qtbot, make_window, data_dir):
    from tests.services.market_fixtures import start_market

    market = start_market()
    try:
        settings = Settings.load(data_dir)
        settings.price_sources = market.settings().price_sources
        settings.save()
        with ProfileStore.open(data_dir) as store:
            wallet = store.accounts.add("Ledger", AccountKind.SELF_CUSTODY)
            set_holding(store, wallet, "BTC", Decimal("2"), base="USD")
        window = make_window(data_dir)
        assert "without a price" in window.overview.net_worth.detail.text()
        window.sync._on_auto_timer()     # no exchange account: prices only
        expected = f"{2 * market.tape.last('BTC/USD'):,.2f} USD"
        qtbot.waitUntil(lambda: window.overview.net_worth.value.text() == expected,
                        timeout=30_000)
        assert "min old" in window.overview.net_worth.detail.text()
    finally:
        market.server.stop()
