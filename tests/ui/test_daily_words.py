"""Words in daily use: no CLI commands or file paths, plain errors, units, empty states,
exchange names, and the theme choice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from exposure_app.domain.models import AccountKind
from exposure_app.storage.store import ProfileStore


def test_warning_cards_link_to_the_checklist_instead_of_quoting_a_command(qtbot):
    from types import SimpleNamespace

    from PySide6.QtWidgets import QLabel

    from exposure_app.ui.widgets.warning_card import WarningCard

    warning = SimpleNamespace(
        counterparty="celsius", name="Celsius", level=None, reasons=("Insolvency",), events=(),
        exposure=SimpleNamespace(value=Decimal(500), share=Decimal("0.2")),
        action="Withdrawals at Celsius are blocked: keep records; see the self-custody "
               "checklist: exposure-app checklist celsius")
    card = WarningCard(warning, "USD")
    qtbot.addWidget(card)
    text = " ".join(label.text() for label in card.findChildren(QLabel))
    assert "exposure-app" not in text and "Checklist button" in text


def test_settings_errors_name_the_field_in_words_with_units_and_percentages(
        qtbot, make_window, data_dir):
    from PySide6.QtWidgets import QDoubleSpinBox

    window = make_window(data_dir)
    window.show_page("settings")
    page = window.settings_page
    assert page.labels["dust_threshold"].text() == "Dust threshold (USD)"
    outflow = page.editors["outflow_threshold_1d"]
    assert isinstance(outflow, QDoubleSpinBox) and outflow.suffix() == " %"
    assert outflow.value() == pytest.approx(5.0)               # 0.05 shown as 5 %
    page.editors["dust_threshold"].setText("abc")
    assert not page.save()
    status = page.status.text()
    assert status.startswith("Not saved. Dust threshold (USD): ")
    assert "dust_threshold" not in status and ".." not in status


def test_a_duplicate_name_keeps_its_case_and_a_sync_error_ends_in_one_full_stop(
        qtbot, make_window, data_dir):
    from exposure_app.ui.dialogs.manual_account_dialog import ManualAccountDialog
    from exposure_app.ui.formatting import sentence

    store = ProfileStore.open(data_dir)
    store.accounts.add("Cold Wallet ABC", AccountKind.SELF_CUSTODY)
    store.close()
    window = make_window(data_dir)
    dialog = ManualAccountDialog(window.state.store, parent=window)
    qtbot.addWidget(dialog)
    dialog.name.setText("Cold Wallet ABC")
    dialog.self_custody.setChecked(True)
    dialog.save()
    assert "'Cold Wallet ABC'" in dialog.error.text()
    assert sentence("could not reach Binance.") == "Could not reach Binance."


def test_empty_states_say_what_is_going_on(qtbot, make_window, data_dir):
    from exposure_app.services.manual_holdings import set_holding
    from exposure_app.ui.dialogs.holdings_editor_dialog import HoldingsEditorDialog
    from exposure_app.ui.models.freshness_model import FreshnessModel
    from exposure_app.ui.models.holdings_model import HoldingsModel

    store = ProfileStore.open(data_dir)
    ledger = store.accounts.add("Ledger", AccountKind.SELF_CUSTODY)
    store.accounts.add("Nexo", AccountKind.MANUAL_CUSTODIAL, counterparty="nexo")
    set_holding(store, ledger, "BTC", Decimal("0.5"), price=Decimal(60000))
    store.close()
    window = make_window(data_dir)
    window.show_page("overview")
    page = window.overview
    assert page.bars_empty.isVisibleTo(page) and "self-custody" in page.bars_empty.text()
    states = [page.fresh_model.index(r, FreshnessModel.Columns.STATE).data()
              for r in range(page.fresh_model.rowCount())]
    assert "Never synced" not in states and "Nothing recorded yet" in states

    window.show_page("holdings")
    holdings = window.holdings.model
    wallets = {holdings.index(r, HoldingsModel.Columns.WALLET).data()
               for r in range(holdings.rowCount())}
    assert "main" not in wallets

    account = next(a for a in window.state.store.accounts.list() if a.name == "Ledger")
    editor = HoldingsEditorDialog(window.state.store, account, "USD", window)
    qtbot.addWidget(editor)
    editor.table.selectRow(0)
    assert (editor.asset.text(), editor.amount.text(), editor.price.text()) == \
        ("BTC", "0.5", "60000")
    week_ago = datetime.now(UTC) - timedelta(days=7)
    from PySide6.QtCore import QDateTime

    editor.when.setDateTime(QDateTime.fromSecsSinceEpoch(int(week_ago.timestamp())))
    editor.amount.setText("0.7")
    assert editor.apply()
    dated = window.state.store.snapshots.latest_usable(account.id,
                                                       week_ago + timedelta(minutes=1))
    assert dated is not None and abs((dated.taken_at - week_ago).total_seconds()) < 120


def test_the_exchange_picker_shows_names_with_siblings_under_their_custodian(
        qtbot, make_window, data_dir):
    from exposure_app.ui.glyphs import drawable

    window = make_window(data_dir)
    dialog = window.accounts.add_exchange()
    qtbot.waitUntil(dialog.exchanges_loaded, timeout=30000)
    model = dialog.ids_proxy
    top = [model.index(r, 0).data() for r in range(model.rowCount())]
    assert top[0] == "Binance" and "binancecoinm" not in top and "Binance COIN-M" not in top
    binance = model.index(0, 0)
    children = {model.index(r, 0, binance).data() for r in range(model.rowCount(binance))}
    # ccxt's "Binance USDⓈ-M", as the font draws it (tests/ui/test_wallet_labels.py)
    usdm = drawable("Binance USDⓈ-M")
    assert {"Binance COIN-M", usdm} <= children
    assert dialog.choose("binanceusdm")
    assert usdm in dialog.exchange_label.text()
    dialog.search.setText("coin-m")
    assert dialog.index_of("binancecoinm").isValid() and not dialog.index_of("kraken").isValid()
    dialog.reject()


def test_the_theme_setting_switches_light_and_dark(qtbot, make_window, data_dir):
    from PySide6.QtGui import QPalette
    from PySide6.QtWidgets import QApplication

    from exposure_app.ui.theme_mode import apply_theme

    window = make_window(data_dir)
    window.show_page("settings")
    page = window.settings_page
    try:
        theme = page.editors["theme"]
        assert [theme.itemText(i) for i in range(theme.count())] == ["System", "Light", "Dark"]
        theme.setCurrentIndex(theme.findData("dark"))
        assert page.save()
        window_colour = QApplication.palette().color(QPalette.ColorRole.Window)
        assert window_colour.lightness() < 128
        theme.setCurrentIndex(theme.findData("light"))
        assert page.save()
        assert QApplication.palette().color(QPalette.ColorRole.Window).lightness() > 128
        assert window.state.profile.load_settings().theme == "light"
    finally:
        apply_theme("system")


def test_no_page_quotes_a_cli_command_or_a_file_path(qtbot, make_window, data_dir):
    import re

    from PySide6.QtWidgets import QAbstractButton, QLabel

    from tests.checklist.helpers import populate

    store = ProfileStore.open(data_dir)
    populate(store)
    store.close()
    window = make_window(data_dir)
    pattern = re.compile(r"exposure-app |docs/|\.md\b|--[a-z]")
    for key in window.page_keys():
        window.show_page(key)
        page = window.page(key)
        if key == "checklist":
            page.open_for("binance")
        qtbot.wait(10)
        for widget in (*page.findChildren(QLabel), *page.findChildren(QAbstractButton)):
            for text in (widget.text(), widget.toolTip()):
                assert not pattern.search(text or ""), f"{key}: {text!r}"
