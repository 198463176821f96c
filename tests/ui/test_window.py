"""The main window: first run, fast start, shortcuts, state, settings, errors."""

from __future__ import annotations

import sys
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from PySide6.QtCore import Qt

from exposure_app.domain.models import AccountKind, Holding, Snapshot, SnapshotStatus
from exposure_app.services.settings import Settings
from exposure_app.storage.store import ProfileStore


def _populate(data_dir):
    store = ProfileStore.open(data_dir)
    try:
        binance = store.accounts.add("Binance main", AccountKind.MANUAL_CUSTODIAL,
                                     counterparty="binance")
        ledger = store.accounts.add("Ledger", AccountKind.SELF_CUSTODY)
        now = datetime.now(UTC)
        for days in (30, 10, 0):
            store.snapshots.save(Snapshot(None, binance.id, now - timedelta(days=days),
                                          SnapshotStatus.OK, (
                Holding.simple("BTC", Decimal("1"), price=Decimal(50000 + days)),), ("spot",)))
        store.snapshots.save(Snapshot(None, ledger.id, now - timedelta(days=30),
                                      SnapshotStatus.OK, (
            Holding.simple("BTC", Decimal("0.25"), price=Decimal(50000)),), ("main",)))
    finally:
        store.close()


def test_empty_profile_shows_the_welcome_state(make_window, data_dir):
    window = make_window(data_dir)
    assert window.stack.currentWidget() is window.welcome
    texts = {b.text() for b in (window.welcome.add_exchange, window.welcome.add_wallet,
                                window.welcome.try_demo)}
    assert texts == {"Add exchange", "Add wallet", "Try the demo"}
    window.show_page("settings")
    assert window.stack.currentWidget() is window.settings_page


def test_try_the_demo_opens_it_in_another_process_or_says_why_not(qtbot, secret_store,
                                                                   data_dir, monkeypatch):
    from exposure_app.services.profile import Profile
    from exposure_app.ui import demo
    from exposure_app.ui.app import build_window

    launched = []
    monkeypatch.setattr(demo.subprocess, "Popen",
                        lambda command, **kw: launched.append((command, kw)))
    # the app wires "Try the demo" (the window knows nothing of the demo)
    window = build_window(Profile(data_dir), secret_store=secret_store, tray=False)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.welcome.try_demo.click()
    assert launched and launched[0][0][-1] == "--demo"
    assert launched[0][1] == {"start_new_session": True}

    def refuse(command, **kw):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(demo.subprocess, "Popen", refuse)
    window.welcome.try_demo.click()
    assert any("could not be started: Permission denied" in m for m in window.banner.messages())
    window.close()
    window.error_reporter.uninstall()


def test_window_opens_without_ccxt_and_shows_the_figures(make_window, data_dir):
    _populate(data_dir)
    for name in [m for m in sys.modules if m == "ccxt" or m.startswith("ccxt.")]:
        del sys.modules[name]
    window = make_window(data_dir)
    assert window.isVisible()
    assert "ccxt" not in sys.modules, "the window must open before ccxt is imported"
    assert window.stack.currentWidget() is window.overview
    assert window.overview.net_worth.value.text() == "62,500.00 USD"
    assert "80.0%" in window.overview.split_text.text()
    names = [row.name for row in window.overview.bars.rows]
    assert names == ["Binance"]
    # a concentration warning: Binance holds 80% of net worth
    assert any(w.counterparty == "binance" for w in window.state.data.warnings)
    assert "ccxt" not in sys.modules


def test_keyboard_shortcuts_switch_pages_and_sync(qtbot, make_window, data_dir):
    _populate(data_dir)
    window = make_window(data_dir)
    for i, key in enumerate(window.page_keys()):
        qtbot.keyClick(window, Qt.Key(Qt.Key.Key_1 + i), Qt.KeyboardModifier.ControlModifier)
        assert window.current_page_key() == key
    # Ctrl+R with no exchange account says so instead of starting a sync thread
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert "No exchange account" in window.statusBar().currentMessage()
    assert window.sync.service is None
    assert window.sync_all_action.shortcut().toString() == "Ctrl+R"
    assert window.cancel_action.shortcut().toString() == "Ctrl+."


def test_as_of_moves_the_whole_window_without_look_ahead(make_window, data_dir):
    _populate(data_dir)
    window = make_window(data_dir)
    window.show_page("history")
    history = window.history
    assert len(history.points) == 31
    before = (datetime.now(UTC) - timedelta(days=20)).date()
    history.set_day(before)
    data = window.state.data
    assert not data.live and data.as_of.date() == before
    # only the first snapshots existed then: 1 BTC at 50030 + 0.25 BTC in the Ledger
    assert data.report.net_worth == Decimal("62530")
    window.show_page("overview")   # pages are brought up to date when shown
    assert window.overview.net_worth.value.text() == "62,530.00 USD"
    assert "as of" in window.windowTitle()
    assert window.today_action.isEnabled()
    window.today_action.trigger()
    assert window.state.as_of is None
    assert window.state.data.report.net_worth == Decimal("62500")


def test_window_state_and_page_are_restored(make_window, data_dir):
    _populate(data_dir)
    window = make_window(data_dir)
    window.show_page("holdings")
    window.holdings.view.horizontalHeader().resizeSection(0, 211)
    window.close()
    ini = (data_dir / "window-state.ini").read_text(encoding="utf-8")
    assert "geometry=" in ini and "holdings=" in ini
    # preferences are not in the window-state file, and window state is not in settings
    assert "base_currency" not in ini
    assert not (data_dir / "settings.json").exists() or "geometry" not in (
        data_dir / "settings.json").read_text(encoding="utf-8")
    again = make_window(data_dir)
    assert again.current_page_key() == "holdings"
    assert again.holdings.view.horizontalHeader().sectionSize(0) == 211


def test_pages_are_built_when_first_needed_and_get_the_latest_data(make_window, data_dir):
    _populate(data_dir)
    window = make_window(data_dir)
    assert window.pages.built("overview") is not None
    for key in ("holdings", "history", "accounts", "events", "checklist", "settings"):
        assert window.pages.built(key) is None, key
    assert len(window.nav.findItems("History", Qt.MatchFlag.MatchExactly)) == 1
    window.show_page("holdings")
    holdings = window.pages.built("holdings")
    assert window.stack.currentWidget() is holdings
    assert holdings.proxy.rowCount() == 2   # the data of the refresh before it existed
    assert window.pages.built("history") is None


def test_the_first_frame_says_it_is_reading_then_the_figures_follow(qtbot, secret_store,
                                                                     data_dir):
    """The window is shown before the figures are read, and says so; nothing has to ask."""
    from exposure_app.services.profile import Profile
    from exposure_app.ui.main_window import MainWindow

    _populate(data_dir)
    window = MainWindow(Profile(data_dir), secret_store=secret_store)
    qtbot.addWidget(window)
    refreshed = []
    window.state.refreshed.connect(refreshed.append)
    assert window.stack.currentWidget() is window.reading   # nothing read yet
    assert window.reading.text() == "Reading the portfolio…"
    assert window.pages.built("overview") is None and not refreshed
    window.show()
    qtbot.waitUntil(lambda: bool(refreshed), timeout=5000)  # after the first frame
    assert len(refreshed) == 1
    assert window.stack.currentWidget() is window.overview
    assert window.overview.net_worth.value.text() == "62,500.00 USD"
    window.close()


def test_a_page_asked_for_before_the_first_frame_gets_the_figures(qtbot, secret_store,
                                                                 data_dir):
    from exposure_app.services.profile import Profile
    from exposure_app.ui.main_window import MainWindow

    _populate(data_dir)
    window = MainWindow(Profile(data_dir), secret_store=secret_store)   # never shown
    qtbot.addWidget(window)
    holdings = window.holdings     # needs the figures now: they are read at once
    window.show_page("holdings")
    assert window.stack.currentWidget() is holdings
    assert holdings.proxy.rowCount() == 2
    assert window.windowTitle().startswith("Exposure")
    window.close()


def test_the_sync_controller_starts_just_after_the_window_shows(qtbot, make_window, data_dir):
    settings = Settings.load(data_dir)
    settings.set("sync_interval_minutes", 30)
    settings.save()
    window = make_window(data_dir)
    qtbot.waitUntil(lambda: window.sync_if_started() is not None, timeout=5000)
    controller = window.sync_if_started()
    assert window.sync is controller                     # one controller, made once
    assert controller.auto_timer.isActive()              # the auto-sync interval is running
    assert controller.auto_timer.interval() == 30 * 60 * 1000


def test_header_layouts_survive_sessions_that_never_open_the_page(make_window, data_dir):
    _populate(data_dir)
    first = make_window(data_dir)
    first.show_page("holdings")
    first.holdings.view.horizontalHeader().resizeSection(0, 233)
    first.show_page("overview")
    first.close()
    second = make_window(data_dir)   # holdings never shown: its saved layout is kept
    assert second.pages.built("holdings") is None
    second.close()
    third = make_window(data_dir)
    third.show_page("holdings")
    assert third.holdings.view.horizontalHeader().sectionSize(0) == 233


def test_settings_page_saves_typed_settings(make_window, data_dir):
    window = make_window(data_dir)
    page = window.settings_page
    page.editors["base_currency"].setCurrentText("EUR")
    page.editors["custodian_share_warning"].setValue(40.0)
    page.editors["sync_interval_minutes"].setValue(15)
    assert page.save()
    saved = Settings.load(data_dir)
    assert saved.base_currency == "EUR"
    assert saved.custodian_share_warning == Decimal("0.4")
    assert saved.sync_interval_minutes == 15
    assert window.state.settings.base_currency == "EUR"
    assert window.sync.auto_timer.interval() == 15 * 60_000


def test_unexpected_errors_are_logged_and_reported_once(make_window, data_dir):
    from exposure_app.ui.errors import install_excepthook

    window = make_window(data_dir)
    reporter = install_excepthook(window, data_dir / "logs")
    try:
        for _ in range(3):
            try:
                raise RuntimeError("boom in a slot")
            except RuntimeError:
                reporter.handle(*sys.exc_info())
    finally:
        reporter.uninstall()
    from PySide6.QtWidgets import QApplication

    QApplication.processEvents()
    messages = window.banner.messages()
    assert len(messages) == 1 and "Something went wrong" in messages[0]
    assert "Traceback" not in messages[0]
    log = (data_dir / "logs" / "exposure.log").read_text(encoding="utf-8")
    assert log.count("RuntimeError: boom in a slot") == 3


def test_dragging_the_as_of_line_moves_the_window(make_window, data_dir):
    from exposure_app.ui.charts.history_chart import day_to_ts

    _populate(data_dir)
    window = make_window(data_dir)
    window.show_page("history")
    chart = window.history.chart
    day = (datetime.now(UTC) - timedelta(days=15)).date()
    chart.as_of_line.setValue(day_to_ts(day))
    chart.as_of_line.sigPositionChangeFinished.emit(chart.as_of_line)
    assert window.state.as_of is not None and window.state.as_of.date() == day
    assert window.history.date_edit.date().toPython() == day
    assert window.as_of_reset_action.isVisible()


def test_holdings_filter_and_copy_selected_rows(qtbot, make_window, data_dir):
    from PySide6.QtWidgets import QApplication

    _populate(data_dir)
    window = make_window(data_dir)
    window.show_page("holdings")
    page = window.holdings
    assert page.proxy.rowCount() == 2
    page.account_box.setCurrentText("Ledger")
    assert page.proxy.rowCount() == 1
    assert page.summary.text().startswith("1 of 2 holdings")
    page.account_box.setCurrentIndex(0)
    page.search.setText("btc binance")
    assert page.proxy.rowCount() == 1
    page.view.selectAll()
    page.view.setFocus()
    qtbot.keyClick(page.view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    lines = QApplication.clipboard().text().splitlines()
    assert lines[0].startswith("Account\tCustodian\tWallet\tAsset")
    # a hand-recorded account has no wallets of its own: no "main" the user never made
    assert lines[1].split("\t")[:4] == ["Binance main", "Binance", "", "BTC"]
    assert len(lines) == 2


def test_a_dark_palette_switch_redraws_icons_and_charts(make_window, data_dir):
    from PySide6.QtGui import QColor, QPalette
    from PySide6.QtWidgets import QApplication

    _populate(data_dir)
    window = make_window(data_dir)
    app = QApplication.instance()
    light = app.palette()
    window.show_page("events")
    window.show_page("accounts")

    def drawn():
        return [icon.pixmap(24, 24).toImage() for icon in (
            window.sync_all_action.icon(),
            window.events.add_button.icon(),          # a page's push button
            window.accounts.key_action.icon(),        # a page's action (button, menus)
        )]

    before = drawn()
    dark = QPalette(light)
    for role, colour in ((QPalette.ColorRole.Window, "#2b2d31"),
                         (QPalette.ColorRole.Base, "#1e1f22"),
                         (QPalette.ColorRole.Text, "#e6e6e6"),
                         (QPalette.ColorRole.ButtonText, "#e6e6e6")):
        dark.setColor(role, QColor(colour))
    try:
        app.setPalette(dark)
        QApplication.processEvents()
        window.apply_palette()   # what the PaletteChange event runs
        after = drawn()
        for was, now in zip(before, after, strict=True):
            assert now != was, "line icons are redrawn in the light text colour"
        bars = window.overview.bars.grab().toImage()
        assert bars.pixelColor(2, 2).lightness() < 128   # the chart paints the dark window colour
    finally:
        app.setPalette(light)
        window.apply_palette()


def test_settings_page_refuses_inverted_risk_thresholds(make_window, data_dir):
    window = make_window(data_dir)
    page = window.settings_page
    page.editors["risk_score_low"].setValue(100)
    page.editors["risk_score_high"].setValue(1)
    assert not page.save()
    assert "must be below" in page.status.text()
    assert Settings.load(data_dir).risk_score_low == 10


def test_sync_this_account_without_a_selection_points_to_the_accounts_page(make_window,
                                                                           data_dir):
    _populate(data_dir)
    window = make_window(data_dir)
    window.sync_one_action.trigger()
    assert window.current_page_key() == "accounts"
    assert "Select an account in Accounts first." in window.banner.messages()
    assert not window.sync.is_running


def test_the_overview_opens_the_checklist_dialog_for_a_test_withdrawal(make_window, data_dir):
    from exposure_app.ui.dialogs.withdrawal_test_dialog import WithdrawalTestDialog

    _populate(data_dir)
    window = make_window(data_dir)
    assert window.pages.built("checklist") is None
    window.overview.test_withdrawal_requested.emit("binance")
    dialogs = [d for d in window.findChildren(WithdrawalTestDialog) if d.isVisible()]
    assert len(dialogs) == 1
    assert dialogs[0].custodian.currentData() == "binance"
    dialogs[0].reject()
