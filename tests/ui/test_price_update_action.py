"""A wallet-only profile updates its market prices from the window: the "Update prices"
action runs on the sync thread with progress shown, gives the cache's age, and a failing
source leaves the last good prices, marked stale with the reason."""

from __future__ import annotations

from decimal import Decimal

from exposure_app.services.settings import Settings
from exposure_app.storage.store import ProfileStore
from tests.services.market_fixtures import add_wallet_priced_hours_ago


def _wallet_only_profile(data_dir, price_sources: str) -> None:
    settings = Settings.load(data_dir)
    settings.price_sources = price_sources
    settings.sync_interval_minutes = 0          # no timer: only the action updates prices
    settings.save()
    with ProfileStore.open(data_dir) as store:
        add_wallet_priced_hours_ago(store, Decimal("2"), hours=3)


def test_update_prices_action_revalues_a_wallet_only_profile(qtbot, make_window, data_dir):
    from tests.services.market_fixtures import start_market

    market = start_market()
    try:
        _wallet_only_profile(data_dir, market.settings().price_sources)
        window = make_window(data_dir)
        net_worth = window.overview.net_worth
        assert net_worth.value.text() == "100,000.00 USD"
        assert "(3 h old)" in net_worth.detail.text()

        window.update_prices_action.trigger()   # returns at once: the work is on the sync thread
        assert net_worth.value.text() == "100,000.00 USD"
        assert window.sync.prices_running and not window.update_prices_action.isEnabled()
        assert window.sync.progress.isVisible()
        assert window.sync.progress.format() == "Updating market prices…"
        expected = f"{2 * market.tape.last('BTC/USD'):,.2f} USD"
        qtbot.waitUntil(lambda: net_worth.value.text() == expected, timeout=30_000)
        qtbot.waitUntil(lambda: not window.sync.prices_running, timeout=5_000)
        assert "0 min old" in net_worth.detail.text()
        assert "prices as of" in window.statusBar().currentMessage()
        assert not window.sync.progress.isVisible()
        assert window.update_prices_action.isEnabled()
    finally:
        market.server.stop()


def test_a_failing_price_source_keeps_the_last_prices_marked_stale(qtbot, make_window,
                                                                  data_dir):
    from tests.services.market_fixtures import start_market

    market = start_market()
    try:
        _wallet_only_profile(data_dir, market.settings().price_sources)
        window = make_window(data_dir)
        net_worth = window.overview.net_worth
        assert not window.sync.sync_all()     # nothing to sync: it points to the action
        assert "Update prices" in window.statusBar().currentMessage()
        assert window.sync.refresh_prices()
        expected = f"{2 * market.tape.last('BTC/USD'):,.2f} USD"
        qtbot.waitUntil(lambda: net_worth.value.text() == expected, timeout=30_000)
        qtbot.waitUntil(lambda: not window.sync.prices_running, timeout=5_000)
    finally:
        market.server.stop()              # the price sources go away

    window.update_prices_action.trigger()
    qtbot.waitUntil(lambda: not window.sync.prices_running, timeout=60_000)
    notice = window.banner.label.text()
    assert window.banner.isVisible() and "could not be updated" in notice
    assert "last good prices are kept" in notice and "min old" in notice
    assert net_worth.value.text() == expected           # the last good prices still value it
    assert not window.sync.progress.isVisible() and window.update_prices_action.isEnabled()
