"""The age of an account's last good data stays visible at 1024 px, worded as the overview
words it (one formatter for both pages), with the whole text in the tooltip."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from PySide6.QtCore import Qt

NAMES = ("My very long savings account name at the family trust exchange",
         "Cold storage multisig wallet in the bank vault of the family",
         "Savings at the custodian with the rather long name")


def _profile(data_dir) -> None:
    from exposure_app.domain.models import AccountKind
    from exposure_app.domain.timeutil import utc_now
    from exposure_app.services.manual_holdings import set_holding
    from exposure_app.storage.store import ProfileStore

    when = utc_now() - timedelta(hours=3, minutes=5)
    store = ProfileStore.open(data_dir)
    try:
        for name in NAMES:
            account = store.accounts.add(name, AccountKind.MANUAL_CUSTODIAL,
                                         counterparty="kraken")
            set_holding(store, account, "BTC", Decimal("0.1"), value=Decimal(6000), when=when)
    finally:
        store.close()


def _shown(view, row: int, column: int) -> str:
    """The text a cell really shows: elided to its column as the view draws it."""
    index = view.model().index(row, column)
    text = index.data()
    margin = 2 * (view.style().pixelMetric(view.style().PixelMetric.PM_FocusFrameHMargin) + 1)
    width = view.horizontalHeader().sectionSize(column) - margin
    return view.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, width)


def test_the_accounts_page_shows_the_age_first_as_the_overview_does(qtbot, make_window,
                                                                    data_dir):
    from exposure_app.ui.models.accounts_model import AccountsModel
    from exposure_app.ui.models.freshness_model import FreshnessModel

    _profile(data_dir)
    window = make_window(data_dir)
    window.resize(1024, 640)
    window.show_page("accounts")
    qtbot.wait(50)
    view = window.accounts.view
    column = AccountsModel.Columns.LAST_SYNC
    model = view.model()
    assert model.rowCount() == len(NAMES)
    for row in range(model.rowCount()):
        text = model.index(row, column).data()
        assert text.startswith("3 h ago ("), text
        assert "3 h ago" in _shown(view, row, column)           # not cut before the age
        assert model.index(row, column).data(Qt.ItemDataRole.ToolTipRole) == text

    window.show_page("overview")
    qtbot.wait(50)
    fresh_view = window.overview.fresh_view
    assert fresh_view.horizontalHeader().length() <= fresh_view.viewport().width()
    for row in range(fresh_view.model().rowCount()):            # the age is on screen here too
        assert "3 h ago" in _shown(fresh_view, row, FreshnessModel.Columns.LAST_GOOD)
    fresh = window.overview.fresh_model
    overview_texts = {fresh.index(r, FreshnessModel.Columns.LAST_GOOD).data()
                      for r in range(fresh.rowCount())}
    accounts_texts = {model.index(r, column).data() for r in range(model.rowCount())}
    assert overview_texts == accounts_texts                     # one wording on both pages
    tip = fresh.index(0, FreshnessModel.Columns.LAST_GOOD).data(Qt.ItemDataRole.ToolTipRole)
    assert tip in overview_texts


def test_ages_count_from_the_as_of_date_on_the_accounts_page_too(qtbot, make_window, data_dir):
    from exposure_app.domain.timeutil import utc_now
    from exposure_app.ui.models.accounts_model import AccountsModel

    _profile(data_dir)
    window = make_window(data_dir)
    window.show_page("accounts")
    window.state.set_as_of(utc_now() + timedelta(days=1))   # end of tomorrow, UTC
    window.state.refresh_now()
    qtbot.wait(50)
    model = window.accounts.view.model()
    text = model.index(0, AccountsModel.Columns.LAST_SYNC).data()
    assert "before" in text and "ago" not in text, text
    window.state.set_as_of(None)
