"""Layout in daily use: long names, one notice area, a toolbar that fits 1024 px, no
scroll box inside the scrolling overview."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

LONG = "My very long savings account name at the family trust exchange"   # 62 of 64


def _accounts(data_dir, count: int = 1) -> None:
    from exposure_app.domain.models import AccountKind
    from exposure_app.services.manual_holdings import set_holding
    from exposure_app.storage.store import ProfileStore

    when = datetime(2026, 3, 1, 12, tzinfo=UTC)
    store = ProfileStore.open(data_dir)
    try:
        for i in range(count):
            name = LONG if i == 0 else f"Wallet {i:02d}"
            account = store.accounts.add(name, AccountKind.MANUAL_CUSTODIAL,
                                         counterparty="binance" if i % 2 else "kraken")
            set_holding(store, account, "BTC", Decimal("0.1") + i, value=Decimal(6000 + i),
                        when=when)
            set_holding(store, account, "USDT", Decimal("7350"), value=Decimal("7350"),
                        when=when)
    finally:
        store.close()


def test_a_long_account_name_is_elided_and_numbers_keep_their_room(qtbot, make_window,
                                                                   data_dir):
    from exposure_app.ui.models.accounts_model import AccountsModel
    from exposure_app.ui.models.holdings_model import HoldingsModel
    from exposure_app.ui.widgets.table_columns import NAME_WIDTH

    _accounts(data_dir)
    window = make_window(data_dir, size=(1024, 640), page="holdings")
    view = window.holdings.view
    header = view.horizontalHeader()
    columns = HoldingsModel.Columns
    assert header.sectionSize(columns.ACCOUNT) <= NAME_WIDTH
    for column in (columns.TOTAL, columns.PRICE, columns.VALUE, columns.SHARE):
        assert header.sectionSize(column) >= header.sectionSizeHint(column)
    row = next(r for r in range(view.model().rowCount())
               if view.model().index(r, columns.ACCOUNT).data() == LONG)
    assert view.model().index(row, columns.ACCOUNT).data(3) == LONG     # tooltip: full name

    window.show_page("accounts")
    accounts = window.accounts.view
    header = accounts.horizontalHeader()
    assert header.sectionSize(AccountsModel.Columns.NAME) <= NAME_WIDTH
    permissions = AccountsModel.Columns.PERMISSIONS
    assert header.sectionSize(permissions) >= header.sectionSizeHint(permissions)  # no "Key permissio"

    window.show_page("overview")
    fresh = window.overview.fresh_view
    assert fresh.horizontalHeader().sectionSize(0) <= NAME_WIDTH
    assert fresh.height() >= fresh.rowHeight(0) + fresh.horizontalHeader().height()


def test_with_32_accounts_the_overview_does_not_scroll_inside_its_scrolling_page(
        qtbot, make_window, data_dir):
    _accounts(data_dir, 32)
    window = make_window(data_dir, size=(1024, 640), page="overview")
    qtbot.wait(50)
    fresh = window.overview.fresh_view
    assert fresh.model().rowCount() == 32
    assert fresh.verticalScrollBar().maximum() == 0
    rows = sum(fresh.rowHeight(r) for r in range(32))
    assert fresh.height() >= rows


def test_one_notice_area_shows_the_newest_message_and_logs_the_rest(qtbot, make_window,
                                                                     data_dir, monkeypatch):
    from exposure_app.ui.widgets import banner as banner_module

    monkeypatch.setattr(banner_module, "AUTO_DISMISS_MS", 100)
    window = make_window(data_dir)
    banner = window.banner
    banner.show_message("Binance: the sync failed.", "error", key="sync-1")
    banner.show_message("Imported 3 snapshots.", "info")
    banner.show_message("Kraken: the key can trade.", "warning", key="perm-2")
    assert banner.current().text == "Kraken: the key can trade."
    assert banner.sizeHint().height() < 50                       # one row, not three banners
    assert banner.messages() == ["Binance: the sync failed.", "Imported 3 snapshots.",
                                 "Kraken: the key can trade."]
    assert "2 earlier" in banner.log_button.text()
    # the warning dismisses itself; the error needs an answer, so it comes back and stays
    qtbot.waitUntil(lambda: banner.current() is not None
                    and banner.current().key == "sync-1", timeout=3000)
    qtbot.wait(300)
    assert banner.isVisible() and banner.current().key == "sync-1"
    from PySide6.QtWidgets import QPlainTextEdit

    dialog = banner.show_log()
    assert "Imported 3 snapshots." in dialog.findChild(QPlainTextEdit).toPlainText()
    dialog.close()
    banner.dismiss("sync-1")
    assert not banner.isVisible()


def test_the_events_toolbar_fits_1024_px_and_amounts_are_grouped(qtbot, make_window, data_dir):
    from PySide6.QtWidgets import QAbstractButton

    from exposure_app.ui.models.checklist_model import Col

    _accounts(data_dir)
    window = make_window(data_dir, size=(1024, 640), page="events")
    qtbot.wait(50)
    page = window.events
    buttons = [b for b in page.findChildren(QAbstractButton)
               if b.isVisibleTo(page) and b.text() and b.parent() is page]
    assert len(buttons) >= 5
    for button in buttons:
        assert button.width() >= button.sizeHint().width(), button.text()
        assert button.geometry().right() <= page.width()
    # the table keeps most of the height (it was about 4 rows under the panes below it)
    rows = page.view.viewport().height() / page.view.verticalHeader().defaultSectionSize()
    table, details, news = page.splitter.sizes()
    assert rows >= 7 and table > details + news, (rows, page.splitter.sizes())

    window.show_page("checklist")
    checklist = window.pages.get("checklist")
    checklist.open_for("kraken")
    amounts = [checklist.model.index(r, Col.AMOUNT).data()
               for r in range(checklist.model.rowCount())]
    assert "7,350 USDT" in amounts or "7 350 USDT" in amounts or "7.350 USDT" in amounts


@pytest.mark.parametrize("theme", ["dark", "light"])
def test_every_page_has_its_own_icon_in_light_and_dark(qtbot, make_window, data_dir, theme):
    from exposure_app.ui.theme_mode import apply_theme

    window = make_window(data_dir)
    try:
        apply_theme(theme)
        qtbot.wait(20)
        icons = {}
        for row in range(window.nav.count()):
            item = window.nav.item(row)
            icons[item.text()] = item.icon().pixmap(24, 24).toImage()
        images = list(icons.values())
        assert len(images) == 7
        for i, a in enumerate(images):
            assert not a.isNull()
            for b in images[i + 1:]:
                assert a != b, "two pages share an icon"
        # drawn in the palette's text colour: light strokes on dark, dark strokes on light
        image = images[0]
        lightness = max(image.pixelColor(x, y).lightness()
                        for x in range(24) for y in range(24) if image.pixelColor(x, y).alpha())
        assert (lightness > 128) == (theme == "dark")
    finally:
        apply_theme("system")


def test_the_accounts_table_fits_a_1024_px_window_without_scrolling_sideways(
        qtbot, make_window, data_dir, binance_emulator, add_exchange_account):
    from exposure_app.domain.models import AccountKind
    from exposure_app.storage.store import ProfileStore
    from exposure_app.ui.models.accounts_model import AccountsModel

    _accounts(data_dir, 3)
    store = ProfileStore.open(data_dir)
    try:
        add_exchange_account(store, "Binance trading account of the family office", binance_emulator)
        store.accounts.add("Cold storage multisig wallet in the bank vault",
                           AccountKind.SELF_CUSTODY)
        store.accounts.add("Savings", AccountKind.MANUAL_CUSTODIAL, counterparty="celsius")
    finally:
        store.close()
    window = make_window(data_dir, size=(1024, 640), page="accounts")
    page = window.accounts
    page.set_live_status({1: "reading balances, then prices and withdrawal networks"}, {})
    qtbot.wait(50)
    view = page.view
    assert view.model().rowCount() == 6
    assert not view.horizontalScrollBar().isVisible()
    header = view.horizontalHeader()
    assert header.length() <= view.viewport().width()
    columns = AccountsModel.Columns
    permissions = columns.PERMISSIONS
    assert header.sectionSize(permissions) >= header.sectionSizeHint(permissions)
    assert header.sectionSize(columns.COVERAGE) >= 60           # the stretched right column
    # every elided text is whole in its tooltip
    model = view.model()
    for row in range(model.rowCount()):
        for column in (columns.NAME, columns.COUNTERPARTY, columns.STATUS, columns.LAST_SYNC):
            text = model.index(row, column).data()
            if text not in ("—", "never"):
                assert text in (model.index(row, column).data(3) or ""), (column, text)
    window.resize(1400, 800)               # a wider window gives the columns their room back
    qtbot.wait(50)
    assert header.sectionSize(columns.NAME) >= 200
