"""The GUI flow: a warning's Checklist button -> a plan -> ticks -> CSV, Markdown, PDF;
and File → Export writing the same bytes as the CLI."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton

from exposure_app.services.profile import Profile
from exposure_app.services.reports import ReportOptions, write_report
from exposure_app.services.settings import Settings
from exposure_app.storage.store import ProfileStore
from tests.checklist.helpers import PageState, populate, populated_state, shown_checklist_page
from tests.reports import profile as golden_profile


@pytest.fixture
def page_state(data_dir):
    with populated_state(data_dir) as state:
        yield state


def test_checklist_page_on_its_own(qtbot, qtmodeltester, page_state, tmp_path):
    from exposure_app.ui.models.checklist_model import Col
    from exposure_app.ui.pages.checklist_page import ChecklistPage

    page = ChecklistPage(page_state)
    qtbot.addWidget(page)
    with qtbot.waitSignal(page.reminders_due, timeout=2000) as due:
        page.show_data(page_state.data)
    assert {r.counterparty for r in due.args[0]} == {"binance", "kraken"}
    with qtbot.assertNotEmitted(page.reminders_due):
        page.show_data(page_state.data)                 # notified once per due date
    assert [page.scope.itemData(i) for i in range(page.scope.count())] == ["all", "binance", "kraken"]
    reminders = page.reminders
    assert "due" in reminders.reminder_label.text()     # the fixture's holdings are from March
    assert not page.csv_action.isEnabled()              # nothing to export before a plan
    assert not page.output_button.isEnabled()
    page.scope.setCurrentIndex(page.scope.findData("binance"))
    qtbot.mouseClick(page.make_button, Qt.MouseButton.LeftButton)
    assert page.view.scope == "binance" and page.csv_action.isEnabled()
    assert page.output_button.isEnabled()
    qtmodeltester.check(page.model)
    keys = [r.item_key for r in page.model.rows]
    row = keys.index("asset:binance:BTC")
    assert page.model.data(page.model.index(row, Col.AMOUNT)) == "0.6 BTC"
    assert "Cancel open orders" in page.model.data(page.model.index(row, Col.UNLOCK))
    assert page.model.setData(page.model.index(row, Col.DONE), Qt.CheckState.Checked.value,
                              Qt.ItemDataRole.CheckStateRole)
    assert "1 of" in page.summary.text()
    # progress is in the store: a fresh page on a fresh store sees it
    other = ChecklistPage(PageState(page_state.profile.data_dir))
    qtbot.addWidget(other)
    other.open_for("binance")
    assert next(r for r in other.model.rows if r.item_key == "asset:binance:BTC").done
    other.state.store.close()
    assert page.export_csv(tmp_path / "p.csv").read_bytes().startswith(b"as_of,scope,")
    assert page.save_pdf(tmp_path / "p.pdf").read_bytes().startswith(b"%PDF")
    # per-custodian interval: kraken off, then back to the default
    reminders.interval_custodian.setCurrentIndex(reminders.interval_custodian.findData("kraken"))
    assert reminders.interval_days.value() == 90 and "Kraken" in reminders.reminder_label.text()
    reminders.interval_days.setValue(0)
    qtbot.mouseClick(reminders.interval_apply, Qt.MouseButton.LeftButton)
    assert "Kraken" not in reminders.reminder_label.text().split("due:")[-1]
    assert reminders.interval_days.text() == "off"
    qtbot.mouseClick(reminders.interval_default, Qt.MouseButton.LeftButton)
    assert reminders.interval_days.value() == 90
    # a hand edit that removes an asset (manual account) ticks its item on the next refresh
    from exposure_app.services.exposure_as_of import exposure_as_of
    from exposure_app.services.manual_holdings import remove_holding

    page.open_for("kraken")
    kraken = page_state.store.accounts.by_name("Kraken manual")
    remove_holding(page_state.store, kraken, "ETH")
    page_state.data = SimpleNamespace(
        report=exposure_as_of(page_state.store, page_state.settings), levels={}, live=True)
    page.show_data(page_state.data)
    eth = next(r for r in page.model.rows if r.item_key == "asset:kraken:ETH")
    assert eth.done and eth.done_by == "sync" and not eth.listed
    dialog = page.record_test("binance")
    dialog.outcome.setCurrentIndex(dialog.outcome.findData("delayed"))
    with qtbot.waitSignal(dialog.recorded, timeout=5000):
        dialog.save()
    assert page_state.dirty == 1 and dialog.test.event_id


@pytest.fixture
def window(qtbot, data_dir, monkeypatch):
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    store = ProfileStore.open(data_dir)
    populate(store)
    store.close()
    from exposure_app.ui.main_window import MainWindow

    win = MainWindow(Profile(data_dir))
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()


def test_print_opens_the_real_print_dialog_and_prints_only_on_ok(qtbot, page_state, tmp_path):
    """Qt's own print dialog, driven as a user would; the printer writes a PDF file here."""
    from PySide6.QtWidgets import QComboBox, QLineEdit

    page = shown_checklist_page(qtbot, page_state)
    assert page.print_plan() is None                     # no plan yet: nothing to print
    page.open_for("binance")

    def to_file(dialog, name):
        """Pick "Print to File (PDF)" and type a file name, in the dialog's own widgets."""
        printers = dialog.findChild(QComboBox, "printers")
        printers.setCurrentIndex(printers.findText("Print to File (PDF)"))
        dialog.findChild(QLineEdit, "filename").setText(str(tmp_path / name))

    cancelled = page.print_plan()
    assert cancelled.isVisible() and cancelled.windowTitle() == "Print the plan"
    assert cancelled.isModal()
    to_file(cancelled, "cancelled.pdf")
    cancelled.reject()
    assert not (tmp_path / "cancelled.pdf").exists()

    dialog = page.print_plan()
    to_file(dialog, "printed.pdf")
    with qtbot.waitSignal(dialog.accepted):
        dialog.accept()
    printed = (tmp_path / "printed.pdf").read_bytes()
    assert printed.startswith(b"%PDF") and len(printed) > 1000


def test_from_a_warning_to_an_exported_plan(qtbot, window, tmp_path):
    from exposure_app.ui.models.checklist_model import Col
    from exposure_app.ui.widgets.warning_card import WarningCard

    cards = [c for c in window.overview.findChildren(WarningCard)
             if getattr(c.warning, "counterparty", "") == "binance"]
    assert cards, "the shipped history gives Binance a warning"
    button = next(b for b in cards[0].findChildren(QPushButton) if b.text() == "Checklist")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    assert window.current_page_key() == "checklist"
    page = window.page("checklist")
    assert page.view is not None and page.view.scope == "binance"
    model = page.model
    keys = [r.item_key for r in model.rows]
    assert keys[0] == "step:wallet" and "asset:binance:BTC" in keys
    assert any("never withdraws" in label.text() for label in page.findChildren(QLabel))

    # tick a step and note a transaction id through the model, as the view does
    row = keys.index("asset:binance:XRP")
    assert model.setData(model.index(row, Col.DONE), Qt.CheckState.Checked.value,
                         Qt.ItemDataRole.CheckStateRole)
    row = [r.item_key for r in model.rows].index("asset:binance:XRP")
    assert model.setData(model.index(row, Col.NOTE), "tx 0x1234", Qt.ItemDataRole.EditRole)
    xrp = next(r for r in model.rows if r.item_key == "asset:binance:XRP")
    assert xrp.done and xrp.note == "tx 0x1234"

    csv_path = page.export_csv(tmp_path / "plan.csv")
    md_path = page.export_markdown(tmp_path / "plan.md")
    pdf_path = page.save_pdf(tmp_path / "plan.pdf")
    # the page's CSV is the service's CSV for the same plan instant
    service = tmp_path / "service.csv"
    write_report(window.state.store, window.state.settings, "checklist", service,
                 ReportOptions(as_of=page.view.as_of, scope="binance"))
    assert csv_path.read_bytes() == service.read_bytes()
    assert b"tx 0x1234" in csv_path.read_bytes()
    assert md_path.read_text(encoding="utf-8").startswith("# Move to self-custody: Binance")
    assert pdf_path.read_bytes().startswith(b"%PDF") and pdf_path.stat().st_size > 1000


def test_checklist_model_passes_the_model_tester(qtbot, qtmodeltester, window):
    page = window.page("checklist")
    page.open_for(None)
    assert page.view.scope == "all" and page.model.rowCount() > 6
    qtmodeltester.check(page.model)


def test_withdrawal_test_dialog_records_a_failed_test(qtbot, window):
    page = window.page("checklist")
    dialog = page.record_test("kraken")
    dialog.outcome.setCurrentIndex(dialog.outcome.findData("failed"))
    dialog.note.setText("stuck for two days")
    with qtbot.waitSignal(dialog.recorded, timeout=5000):
        dialog.save()
    assert dialog.test.result == "failed" and dialog.test.counterparty == "kraken"
    assert dialog.test.event_id and dialog.test.event_id.startswith("user.withdrawal-test.kraken.")


def test_export_dialog_writes_the_same_bytes_as_the_cli(qtbot, data_dir, tmp_path, run_cli):
    store = ProfileStore.open(data_dir)
    golden_profile.build(store)
    store.close()
    from exposure_app.ui.dialogs.export_dialog import ExportDialog

    state = PageState(data_dir)
    try:
        for report in ("holdings", "checklist", "exposure"):
            dialog = ExportDialog(state, report=report)
            qtbot.addWidget(dialog)
            gui_path = tmp_path / f"gui-{report}.csv"
            dialog.path.setText(str(gui_path))
            with qtbot.waitSignal(dialog.exported, timeout=20000):
                dialog.start_export(ReportOptions(as_of=golden_profile.AS_OF))
            cli_path = tmp_path / f"cli-{report}.csv"
            done = run_cli("export", report, "--out", str(cli_path), "--as-of",
                           golden_profile.AS_OF_TEXT)
            assert done.returncode == 0, done.stderr
            assert gui_path.read_bytes() == cli_path.read_bytes()
            assert dialog.written.rows > 0
            dialog.done(0)
    finally:
        state.store.close()
    assert Settings.load(data_dir).base_currency == "USD"


def test_a_blocked_custodians_items_stand_apart_on_the_page(qtbot, qtmodeltester, data_dir):
    from decimal import Decimal

    from exposure_app.domain.models import AccountKind
    from exposure_app.services.manual_holdings import set_holding
    from exposure_app.ui.models.checklist_model import BLOCKED_COLOUR, Col

    def add_celsius(store: ProfileStore) -> None:
        celsius = store.accounts.add("Celsius", AccountKind.MANUAL_CUSTODIAL,
                                     counterparty="celsius")
        set_holding(store, celsius, "USDC", Decimal(2500), value=Decimal(300))

    with populated_state(data_dir, add_celsius) as state:
        page = shown_checklist_page(qtbot, state)
        page.open_for("all")
        qtmodeltester.check(page.model)
        keys = [r.item_key for r in page.model.rows]
        claim = page.model.index(keys.index("asset:celsius:USDC"), Col.ITEM)
        plain = page.model.index(keys.index("asset:kraken:ETH"), Col.ITEM)
        assert claim.data() == "Claim USDC from Celsius Network (withdrawals blocked)"
        assert claim.data(Qt.ItemDataRole.ForegroundRole).color().name() == BLOCKED_COLOUR
        assert "claims process" in claim.data(Qt.ItemDataRole.ToolTipRole)
        assert plain.data(Qt.ItemDataRole.ForegroundRole) is None
        unlock = page.model.index(keys.index("asset:celsius:USDC"), Col.UNLOCK).data()
        assert unlock.startswith("Withdrawals are blocked: insolvency since 2022-07-13")
        # the blocked custodian's reminder is not due and says why
        assert "Celsius Network: no test withdrawal" not in page.reminders.reminder_label.text()
