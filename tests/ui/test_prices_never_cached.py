"""A price update that fails before any price was ever cached says so: it does not claim
that last good prices are kept, and the overview names the window's own command."""

from __future__ import annotations

from decimal import Decimal


def test_a_failed_first_price_update_does_not_claim_kept_prices(qtbot, make_window, data_dir):
    from exposure_app.domain.models import AccountKind
    from exposure_app.services.manual_holdings import set_holding
    from exposure_app.services.settings import Settings
    from exposure_app.storage.store import ProfileStore

    settings = Settings.load(data_dir)
    settings.price_sources = "kraken=http://127.0.0.1:9"     # nothing listens there
    settings.sync_interval_minutes = 0
    settings.save()
    with ProfileStore.open(data_dir) as store:
        wallet = store.accounts.add("Ledger", AccountKind.SELF_CUSTODY)
        set_holding(store, wallet, "BTC", Decimal("0.5"))   # follows the market: unpriced yet
    window = make_window(data_dir)
    window.show_page("overview")
    assert "No market prices cached yet (use Update prices)" in \
        window.overview.net_worth.detail.text()
    assert window.sync.refresh_prices()
    qtbot.waitUntil(lambda: not window.sync.prices_running, timeout=60_000)
    notice = window.banner.label.text()
    assert window.banner.isVisible() and "could not be updated" in notice
    assert "kept" not in notice and "last good" not in notice
    assert "No market prices cached yet." in notice
