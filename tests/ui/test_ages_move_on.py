"""Ages ("3 h ago") in the Accounts and Overview tables move on while nothing else changes,
on a timer each page owns and stops when it is hidden."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal


def _one_account(data_dir, when) -> None:
    from exposure_app.domain.models import AccountKind
    from exposure_app.services.manual_holdings import set_holding
    from exposure_app.storage.store import ProfileStore

    store = ProfileStore.open(data_dir)
    try:
        account = store.accounts.add("Kraken", AccountKind.MANUAL_CUSTODIAL,
                                     counterparty="kraken")
        set_holding(store, account, "BTC", Decimal("0.1"), value=Decimal("9000"), when=when)
    finally:
        store.close()


def _age_changes(qtbot, model, column: int) -> str:
    """Wait for the page's ticker to re-show ``column``; its first row's text then."""
    with qtbot.waitSignal(model.dataChanged, timeout=3000,
                          check_params_cb=lambda first, last, *_: first.column() == column
                          and last.row() == model.rowCount() - 1):
        pass
    return model.index(0, column).data()


def test_ages_move_on_while_a_page_is_shown_and_its_timer_stops_when_hidden(
        qtbot, make_window, data_dir, monkeypatch):
    from exposure_app.domain import timeutil
    from exposure_app.domain.timeutil import utc_now
    from exposure_app.ui.models.accounts_model import AccountsModel
    from exposure_app.ui.models.freshness_model import FreshnessModel

    start = utc_now()
    _one_account(data_dir, start - timedelta(minutes=5))
    window = make_window(data_dir, size=(1024, 640), page="accounts")
    accounts, overview = window.accounts, window.overview
    last_sync = AccountsModel.Columns.LAST_SYNC
    assert accounts.model.index(0, last_sync).data().startswith("5 min ago")
    assert accounts.ages.timer.isActive() and not overview.ages.timer.isActive()

    # three hours on, nothing else happening: the shown age follows on the next tick
    monkeypatch.setattr(timeutil, "utc_now", lambda: start + timedelta(hours=3))
    accounts.ages.timer.setInterval(20)
    assert _age_changes(qtbot, accounts.model, last_sync).startswith("3 h ago")

    # another page: this one's timer stops, the shown one's runs (and ticks at once)
    overview.ages.timer.setInterval(20)
    window.show_page("overview")
    assert not accounts.ages.timer.isActive() and overview.ages.timer.isActive()
    last_good = FreshnessModel.Columns.LAST_GOOD
    monkeypatch.setattr(timeutil, "utc_now", lambda: start + timedelta(hours=5))
    assert _age_changes(qtbot, overview.fresh_model, last_good).startswith("5 h ago")

    window.close()
    assert not overview.ages.timer.isActive() and not accounts.ages.timer.isActive()
