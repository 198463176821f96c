"""Charts and dates: the history chart from one snapshot to years of imported data, and
the export dialog's date, errors and overwrite question."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from exposure_app.domain.models import AccountKind
from exposure_app.services.manual_holdings import set_holding
from exposure_app.storage.store import ProfileStore


def _holdings(data_dir, days) -> None:
    store = ProfileStore.open(data_dir)
    try:
        binance = store.accounts.add("Binance", AccountKind.MANUAL_CUSTODIAL,
                                     counterparty="binance")
        ledger = store.accounts.add("Ledger", AccountKind.SELF_CUSTODY)
        for i, day in enumerate(days):
            when = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=12)
            set_holding(store, binance, "BTC", Decimal(1), value=Decimal(20000 + i), when=when)
            set_holding(store, ledger, "ETH", Decimal(2), value=Decimal(3000), when=when)
    finally:
        store.close()


def _history(window):
    window.show_page("history")
    page = window.history
    page.reload(force=True)
    return page


def test_one_snapshot_draws_a_visible_day_and_says_1_day(qtbot, make_window, data_dir):
    today = datetime.now(UTC).date()
    _holdings(data_dir, [today])
    page = _history(make_window(data_dir))
    assert page.chart.isVisible() and len(page.points) == 1
    bounds = page.chart.areas.boundingRect()
    assert bounds.width() > 0 and bounds.height() > 0   # a band one day wide, not a line
    assert "1 day ·" in page.note.text() and "1 days" not in page.note.text()


def test_imported_years_show_whole_with_presets_and_no_future_days(qtbot, make_window,
                                                                   data_dir):
    today = datetime.now(UTC).date()
    first = date(2022, 3, 1)
    _holdings(data_dir, [first, date(2023, 6, 1), today - timedelta(days=40), today])
    page = _history(make_window(data_dir))
    start, end = page.chart.visible_days()
    assert start <= first and end == today            # everything, and no day after today
    page.range_buttons["1M"].click()
    start, end = page.chart.visible_days()
    assert today - timedelta(days=32) <= start and end == today
    page.range_buttons["1Y"].click()
    assert page.chart.visible_days()[0] >= today - timedelta(days=367)
    page.range_buttons["All"].click()
    assert page.chart.visible_days()[0] <= first


def test_hovering_reads_out_each_bands_value_under_the_crosshair(qtbot, make_window,
                                                                  data_dir):
    from exposure_app.ui.charts.history_chart import day_to_ts

    today = datetime.now(UTC).date()
    _holdings(data_dir, [today - timedelta(days=3), today])
    page = _history(make_window(data_dir))
    page.chart.show_readout(day_to_ts(today - timedelta(days=3)))
    assert page.chart.crosshair.isVisible() and page.chart.readout.isVisible()
    text = page.chart.readout_at(day_to_ts(today - timedelta(days=3)))
    assert (today - timedelta(days=3)).isoformat() in text
    assert "Binance: 20,000.00 USD" in text and "Self-custody: 3,000.00 USD" in text
    assert "Custodial share" in text
    page.chart.hide_readout()
    assert not page.chart.readout.isVisible()


def test_a_date_before_the_data_is_said_not_snapped_silently(qtbot, make_window, data_dir):
    from PySide6.QtCore import QDate

    today = datetime.now(UTC).date()
    _holdings(data_dir, [today - timedelta(days=10), today])
    window = make_window(data_dir)
    page = _history(window)
    page.date_edit.setDate(QDate(2021, 5, 1))
    assert window.state.as_of is not None and window.state.as_of.date() == date(2021, 5, 1)
    assert "2021-05-01 is before your first data" in page.note.text()
    window.state.set_as_of(None)


# -- export dialog ----------------------------------------------------------------------

@pytest.fixture
def export_dialog(qtbot, make_window, data_dir):
    _holdings(data_dir, [datetime.now(UTC).date()])
    window = make_window(data_dir)
    window.state.set_as_of(datetime(2026, 2, 12, 13, 20, tzinfo=UTC))
    dialog = window.open_export("exposure")
    return dialog   # pytest-qt closes the window (and the dialog) after the test


def test_the_export_date_reads_as_iso_and_errors_read_as_errors(qtbot, export_dialog,
                                                                tmp_path):
    assert export_dialog.when.displayFormat() == "yyyy-MM-dd HH:mm"
    assert export_dialog.when.text().startswith("2026-02-12")
    export_dialog.path.setText(str(tmp_path))          # a folder, not a file
    export_dialog.start_export()
    assert export_dialog.status.property("kind") == "error"
    assert "Error:" in export_dialog.status.text()
    export_dialog.path.setText(str(tmp_path / "missing" / "x.csv"))
    with qtbot.waitSignal(export_dialog.failed, timeout=10000):
        export_dialog.start_export()
    assert export_dialog.status.property("kind") == "error"
    assert "docs/" not in export_dialog.note.text() and "what each column" in \
        export_dialog.note.text()
    box = export_dialog.show_columns()
    assert "counterparty" in box.text() and "share" in box.text()
    box.close()


def test_an_existing_file_is_replaced_only_when_the_user_agrees(qtbot, export_dialog,
                                                                tmp_path, monkeypatch):
    from exposure_app.ui.dialogs import export_dialog as module

    target = tmp_path / "exposure.csv"
    target.write_text("keep me", encoding="utf-8")
    asked = []

    def answer(reply):
        def question(*args, **kwargs):
            asked.append(args[2])
            return reply
        return question

    monkeypatch.setattr(module.QMessageBox, "question",
                        answer(module.QMessageBox.StandardButton.No))
    export_dialog.path.setText(str(target))
    assert export_dialog.start_export() is None
    assert target.read_text(encoding="utf-8") == "keep me" and asked
    monkeypatch.setattr(module.QMessageBox, "question",
                        answer(module.QMessageBox.StandardButton.Yes))
    with qtbot.waitSignal(export_dialog.exported, timeout=10000):
        export_dialog.start_export()
    assert target.read_text(encoding="utf-8").startswith("as_of,")
    assert len(asked) == 2


def test_history_imported_after_the_page_was_shown_is_all_shown(qtbot, make_window, data_dir):
    """The chart kept the x limits of the first week it drew, so a 2022 import showed
    only that week; the new limits are set before the new range."""
    today = datetime.now(UTC).date()
    _holdings(data_dir, [today - timedelta(days=6), today])
    window = make_window(data_dir)
    page = _history(window)
    assert page.chart.visible_days()[0] == today - timedelta(days=6)
    store = window.state.store
    account = next(a for a in store.accounts.list() if a.name == "Binance")
    when = datetime(2022, 3, 1, 12, tzinfo=UTC)
    set_holding(store, account, "BTC", Decimal(1), value=Decimal(40000), when=when)
    page.reload()
    start, end = page.chart.visible_days()
    assert start <= date(2022, 3, 1) and end == today
