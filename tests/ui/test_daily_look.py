"""What a user sees in daily use at 1024x640 and after a light/dark switch: muted lines
that stay readable, buttons and dialogs that fit, dates written one way."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

LONG = "My very long savings account name at the family trust exchange"


def _holdings(data_dir) -> None:
    """A long-named custodial account and a wallet, valued, as people record them by hand."""
    from exposure_app.domain.models import AccountKind
    from exposure_app.services.manual_holdings import set_holding
    from exposure_app.storage.store import ProfileStore

    when = datetime(2026, 3, 1, 12, tzinfo=UTC)
    store = ProfileStore.open(data_dir)
    try:
        trust = store.accounts.add(LONG, AccountKind.MANUAL_CUSTODIAL, counterparty="kraken")
        set_holding(store, trust, "BTC", Decimal("1.23456789"), value=Decimal("112345.67"),
                    when=when)
        set_holding(store, trust, "USDT", Decimal("7350"), value=Decimal("7350"), when=when)
        wallet = store.accounts.add("Ledger hardware wallet", AccountKind.SELF_CUSTODY)
        set_holding(store, wallet, "ETH", Decimal("4.4"), value=Decimal("10418.32"), when=when)
    finally:
        store.close()


def _drawn(label):
    from PySide6.QtWidgets import QLabel

    fresh = QLabel()
    fresh.setTextFormat(label.textFormat())
    fresh.setWordWrap(label.wordWrap())
    fresh.setText(label.text())
    fresh.setFixedSize(label.size())
    fresh.setParent(label.parentWidget())
    fresh.show()
    try:
        return fresh.grab().toImage()
    finally:
        fresh.deleteLater()


def test_the_events_muted_line_takes_the_dark_palette_after_a_theme_switch(qtbot, make_window,
                                                                            data_dir):
    from exposure_app.ui.theme_mode import apply_theme

    window = make_window(data_dir)
    try:
        apply_theme("light")
        window.show_page("events")
        page = window.events
        page.view.selectRow(0)
        qtbot.wait(20)
        details = page.details
        assert "palette(placeholder-text)" in details.text()
        apply_theme("dark")
        qtbot.wait(20)
        # drawn as a label parsed under the dark palette is: not the light grey on dark grey
        assert details.grab().toImage() == _drawn(details)
    finally:
        apply_theme("system")


def test_the_checklist_and_accounts_bars_fit_1024_px(qtbot, make_window, data_dir):
    from PySide6.QtWidgets import QAbstractButton, QComboBox

    window = make_window(data_dir, size=(1024, 640))
    for key, below in (("checklist", "summary"), ("accounts", "view")):
        window.show_page(key)
        qtbot.wait(50)
        page = window.page(key)
        top = getattr(page, below).geometry().top()
        bar = [w for w in [*page.findChildren(QAbstractButton), *page.findChildren(QComboBox)]
               if w.isVisibleTo(page) and w.parent() is page and w.geometry().top() < top]
        assert len(bar) >= 4, key
        for widget in bar:
            assert widget.width() >= widget.sizeHint().width(), (key, widget.accessibleName())
            assert widget.geometry().right() <= page.width()


def test_the_add_and_record_dialogs_fit_a_1024_by_640_screen_and_write_dates_in_iso(
        qtbot, make_window, data_dir):
    import re

    from PySide6.QtWidgets import QDateTimeEdit, QLineEdit

    window = make_window(data_dir, size=(1024, 640))
    accounts = window.accounts
    dialogs = {"add exchange": accounts.add_exchange, "add address": accounts.add_address,
               "add wallet": accounts.add_manual, "import CSV": accounts.import_csv,
               "export": window.open_export, "add event": window.events.add_event,
               "record a test": window.page("checklist").record_test}
    for name, open_dialog in dialogs.items():
        dialog = open_dialog()
        qtbot.waitExposed(dialog)
        try:
            assert dialog.width() <= 1000 and dialog.height() <= 600, (name, dialog.size())
            for field in dialog.findChildren(QDateTimeEdit):   # QDateEdit is one too
                assert re.fullmatch(r"\d{4}-\d\d-\d\d( \d\d:\d\d)?", field.text()), \
                    (name, field.text())
            for field in dialog.findChildren(QLineEdit):       # each hint is read whole
                hint = field.placeholderText()
                if hint and field.isVisibleTo(dialog) and not isinstance(field.parent(),
                                                                        QDateTimeEdit):
                    needed = field.fontMetrics().horizontalAdvance(hint) + 12
                    assert field.width() >= needed, (name, hint, field.width(), needed)
        finally:
            dialog.reject()


def _wide_holdings(qtbot, make_window, data_dir):
    """The window at 1920x1080 on the Holdings page, its three holdings shown."""
    _holdings(data_dir)
    window = make_window(data_dir, size=(1920, 1080), page="holdings")
    view = window.holdings.view
    qtbot.waitUntil(lambda: view.model().rowCount() == 3)
    return window, view, view.horizontalHeader()


def test_the_holdings_table_fits_1024_px_without_a_scroll_bar_and_widens_back(
        qtbot, make_window, data_dir):
    from exposure_app.ui.models.holdings_model import HoldingsModel
    from exposure_app.ui.widgets.table_columns import MIN_ELIDED

    window, view, header = _wide_holdings(qtbot, make_window, data_dir)
    columns = HoldingsModel.Columns
    roomy = {c: header.sectionSize(c) for c in HoldingsModel.ELIDED}
    window.resize(1024, 640)
    qtbot.waitUntil(lambda: header.length() <= view.viewport().width())
    assert view.horizontalScrollBar().maximum() == 0
    for column in (columns.FREE, columns.LOCKED, columns.TOTAL, columns.PRICE, columns.VALUE,
                   columns.SHARE):
        assert header.sectionSize(column) >= header.sectionSizeHint(column), column.header
    for column in HoldingsModel.ELIDED:
        # at least the floor ("Ledger ha…"), or its header and cells if they need less
        assert header.sectionSize(column) >= min(MIN_ELIDED, header.sectionSizeHint(column)), \
            column.header
    row = next(r for r in range(view.model().rowCount())
               if view.model().index(r, columns.ACCOUNT).data() == LONG)
    assert view.model().index(row, columns.ACCOUNT).data(3) == LONG     # tooltip: full name
    window.resize(1920, 1080)
    qtbot.waitUntil(lambda: {c: header.sectionSize(c) for c in roomy} == roomy)


def test_at_1920_px_the_holdings_columns_fill_the_table_and_a_long_name_is_read_whole(
        qtbot, make_window, data_dir):
    """No blank band at the right of a wide window: the account's name takes the room the
    other columns leave, and gives it back first when the window narrows."""
    from exposure_app.ui.models.holdings_model import HoldingsModel
    from exposure_app.ui.widgets.table_columns import NAME_WIDTH

    window, view, header = _wide_holdings(qtbot, make_window, data_dir)
    columns = HoldingsModel.Columns
    qtbot.wait(50)
    assert header.length() == view.viewport().width(), (header.length(), view.viewport().width())
    assert view.horizontalScrollBar().maximum() == 0
    right = max(header.sectionViewportPosition(c) + header.sectionSize(c)
                for c in range(header.count()))
    assert right == view.viewport().width()            # the last column ends at the edge
    account = header.sectionSize(columns.ACCOUNT)
    assert account > NAME_WIDTH
    assert account >= view.fontMetrics().horizontalAdvance(LONG)   # the long name, whole
    for column in columns:                               # every other column as fitted
        if column is not columns.ACCOUNT:
            assert header.sectionSize(column) < account, column.header
    window.resize(1024, 640)
    qtbot.waitUntil(lambda: header.length() <= view.viewport().width())
    assert header.sectionSize(columns.ACCOUNT) <= NAME_WIDTH
    for column in (columns.TOTAL, columns.PRICE, columns.VALUE, columns.SHARE):
        assert header.sectionSize(column) >= header.sectionSizeHint(column), column.header


def test_the_filter_fields_show_their_whole_hint_at_1024_px(qtbot, make_window, data_dir):
    from PySide6.QtWidgets import QLineEdit

    _holdings(data_dir)
    window = make_window(data_dir, size=(1024, 640))
    for key in ("holdings", "events"):
        window.show_page(key)
        qtbot.wait(20)
        page = window.page(key)
        assert window.stack.currentWidget().isAncestorOf(page) or window.stack.currentWidget() is page
        fields = [f for f in page.findChildren(QLineEdit)
                  if f.isVisibleTo(page) and f.placeholderText() and f.parent() is page]
        assert fields, key
        for field in fields:
            needed = field.fontMetrics().horizontalAdvance(field.placeholderText())
            assert field.width() >= needed + 12, (key, field.placeholderText(), field.width())


def test_a_long_event_summary_can_be_read_whole_at_1024_px(qtbot, make_window, data_dir):
    window = make_window(data_dir, size=(1024, 640), page="events")
    page = window.events
    model = page.view.model()
    for row in range(model.rowCount()):     # an event with a long summary and sources
        page.view.selectRow(row)
        qtbot.wait(1)
        if len(page.details.text()) > 900:
            break
    qtbot.wait(50)
    details = page.details
    assert len(details.text()) > 900
    # all of it is on screen, or the pane scrolls to it: never cut off
    assert details.height() >= details.heightForWidth(details.width()), \
        (details.height(), details.heightForWidth(details.width()))


def test_enter_in_the_add_exchange_and_replace_key_dialogs_never_means_cancel(
        qtbot, make_window, data_dir):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDialogButtonBox, QPushButton

    from exposure_app.ui.dialogs.replace_key_dialog import ReplaceKeyDialog

    window = make_window(data_dir)
    dialog = window.accounts.add_exchange()
    qtbot.waitExposed(dialog)
    try:
        defaults = [b.text() for b in dialog.findChildren(QPushButton) if b.isDefault()]
        assert defaults == ["Save"]
        dialog.name.setFocus()
        qtbot.keyClicks(dialog.name, "Binance main")
        qtbot.keyClick(dialog.name, Qt.Key.Key_Return)   # Save is off: no exchange yet
        assert dialog.isVisible() and dialog.name.text() == "Binance main"
        cancel = dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        assert not cancel.autoDefault()
        assert not dialog.save_anyway_button.isVisible()     # only after a failed key test
    finally:
        dialog.reject()

    from exposure_app.domain.models import AccountKind
    account = window.state.store.accounts.add("Kraken", AccountKind.EXCHANGE_API,
                                             counterparty="kraken", exchange_id="kraken")
    replace = ReplaceKeyDialog(window.state.store, account, window.accounts.secret_store, window)
    replace.open()
    qtbot.waitExposed(replace)
    try:
        assert [b.text() for b in replace.findChildren(QPushButton) if b.isDefault()] == \
            ["Test and replace"]
        qtbot.keyClick(replace, Qt.Key.Key_Return)
        assert replace.isVisible()
    finally:
        replace.reject()


def test_the_connection_and_key_dialogs_name_the_account_not_the_library_id(qtbot, store,
                                                                             secret_store):
    from PySide6.QtWidgets import QLabel

    from exposure_app.domain.models import AccountKind
    from exposure_app.ui.dialogs.connection_dialog import ConnectionDialog
    from exposure_app.ui.dialogs.replace_key_dialog import ReplaceKeyDialog

    account = store.accounts.add("Kraken <main>", AccountKind.EXCHANGE_API,
                                 counterparty="kraken", exchange_id="kraken")
    for dialog in (ConnectionDialog(store, account, secret_store=secret_store),
                   ReplaceKeyDialog(store, account, secret_store)):
        qtbot.addWidget(dialog)
        texts = [label.text() for label in dialog.findChildren(QLabel)]
        assert any(t.startswith("Kraken <main>: ") for t in texts), texts
        assert not any(t.startswith("kraken:") for t in texts), texts
        dialog.reject()


def test_every_event_category_has_a_label_in_the_table_the_filter_and_the_dialog(qtbot, store):
    from exposure_app.risk.events import Category
    from exposure_app.ui.dialogs.event_dialog import EventDialog
    from exposure_app.ui.models.events_model import CATEGORY_LABELS

    for category in Category:
        label = CATEGORY_LABELS[category.value]
        assert "_" not in label and label[0].isupper(), label
    dialog = EventDialog(store)
    qtbot.addWidget(dialog)
    shown = [dialog.category.itemText(i) for i in range(dialog.category.count())]
    assert "Key person event" in shown and not any("_" in text for text in shown), shown


def test_the_checklist_before_any_holding_says_why_nothing_is_there(qtbot, make_window,
                                                                     data_dir):
    window = make_window(data_dir, size=(1024, 640), page="checklist")
    page = window.page("checklist")
    qtbot.wait(50)
    reminders = page.reminders
    assert "no custodian holds anything" in reminders.reminder_label.text()
    assert not reminders.interval_row.isVisible()        # no empty list set to "off"
    assert not reminders.test_button.isEnabled()
    # the empty plan's headers are whole, with no scroll bar under an empty table
    header = page.table.horizontalHeader()
    for column in range(page.model.columnCount()):
        assert header.sectionSize(column) >= header.sectionSizeHint(column)
    assert page.table.horizontalScrollBar().maximum() == 0

    _holdings(data_dir)
    window.state.refresh_now()
    page.show_data(window.state.data)
    assert reminders.interval_row.isVisible() and reminders.test_button.isEnabled()
    assert "no custodian holds anything" not in reminders.reminder_label.text()


def test_tab_leaves_the_event_dialog_text_boxes_instead_of_typing_a_tab(qtbot, store):
    from PySide6.QtCore import Qt

    from exposure_app.ui.dialogs.event_dialog import EventDialog

    dialog = EventDialog(store)
    qtbot.addWidget(dialog)
    for box in (dialog.summary, dialog.sources):
        qtbot.keyClicks(box, "words")
        qtbot.keyClick(box, Qt.Key.Key_Tab)
        assert box.toPlainText() == "words"


def test_the_holdings_editor_says_why_its_table_is_empty(qtbot, store):
    from exposure_app.domain.models import AccountKind
    from exposure_app.ui.dialogs.holdings_editor_dialog import HoldingsEditorDialog

    account = store.accounts.add("Paper wallet", AccountKind.SELF_CUSTODY)
    dialog = HoldingsEditorDialog(store, account, "USD")
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.table.rowCount() == 0 and dialog.empty_note.isVisible()
    dialog.asset.setText("BTC")
    dialog.amount.setText("0.5")
    assert dialog.apply()
    assert dialog.table.rowCount() == 1 and not dialog.empty_note.isVisible()


def test_ctrl_f_goes_to_the_holdings_filter_and_the_events_search(qtbot, make_window, data_dir):
    from PySide6.QtCore import Qt

    _holdings(data_dir)
    window = make_window(data_dir)
    for key in ("holdings", "events"):
        window.show_page(key)
        page = window.page(key)
        qtbot.waitUntil(lambda p=page: p.isVisible())
        page.search.setText("btc")
        view = page.view
        view.setFocus()
        qtbot.waitUntil(view.hasFocus)
        qtbot.keyClick(view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(page.search.hasFocus)
        assert page.search.selectedText() == "btc"      # typing replaces the old filter
        assert "Ctrl+F" in page.search.toolTip()


def test_every_count_and_figure_in_the_tables_is_right_aligned(qtbot):
    from PySide6.QtCore import Qt

    from exposure_app.ui.models.asset_totals_model import AssetTotalsModel
    from exposure_app.ui.models.events_model import EventsModel
    from exposure_app.ui.models.holdings_model import HoldingsModel

    figures = {EventsModel: ("MAGNITUDE", "SOURCES"),
               HoldingsModel: ("FREE", "LOCKED", "TOTAL", "PRICE", "VALUE", "SHARE"),
               AssetTotalsModel: ("AMOUNT", "VALUE", "SHARE", "CUSTODIAL")}
    for model_class, names in figures.items():
        model = model_class()
        for name in names:
            section = list(model_class.Columns).index(model_class.Columns[name])
            align = model.headerData(section, Qt.Orientation.Horizontal,
                                     Qt.ItemDataRole.TextAlignmentRole)
            assert align is not None and Qt.AlignmentFlag(int(align)) & Qt.AlignmentFlag.AlignRight, \
                (model_class.__name__, name)


def test_the_overview_accounts_table_shows_every_column_at_1024_px(qtbot, make_window,
                                                                   data_dir):
    from exposure_app.ui.models.freshness_model import FreshnessModel

    _holdings(data_dir)
    window = make_window(data_dir, size=(1024, 640), page="overview")
    view = window.overview.fresh_view
    header = view.horizontalHeader()
    qtbot.waitUntil(lambda: view.model().rowCount() == 2)
    qtbot.wait(100)
    # no scroll bar there: every column must end inside the table
    qtbot.waitUntil(lambda: header.length() <= view.viewport().width())
    columns = FreshnessModel.Columns
    for column in (columns.KIND, columns.STATE, columns.LAST_GOOD, columns.DETAIL):
        assert header.sectionSize(column) >= header.sectionSizeHint(column), column.header
