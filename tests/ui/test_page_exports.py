"""Each page's Export… button, and the overview's withdrawal-test reminders.

* Overview, Holdings, History and Events open the one File → Export dialog
  with their report preselected, and the file it writes is byte for byte the
  file :func:`services.reports.write_report` writes for the same report and
  instant (one code path).
* The overview lists the withdrawal tests due as of the window's date, on a
  fixed date and fixed data: due when the custodian held the money longer than
  the interval, not due before that (no look-ahead), none when the interval is
  off; its button opens the checklist page's "Record a test withdrawal" dialog.
* Tests due now are announced (tray notice) after a live refresh, without
  the checklist page having been shown.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QDate, QDateTime, Qt, QTime, QTimeZone

from exposure_app.services.reports import ReportOptions, write_report
from exposure_app.storage.store import ProfileStore
from tests.checklist.helpers import populate

# The fixture's holdings were first seen on 2026-03-01: with the default 90 days the
# first withdrawal test falls due on 2026-05-30.
DUE_DAY = "2026-05-30"
BEFORE_DUE = datetime(2026, 4, 1, 23, 59, 59, tzinfo=UTC)
AFTER_DUE = datetime(2026, 7, 1, 23, 59, 59, tzinfo=UTC)


@pytest.fixture
def window(make_window, data_dir):
    store = ProfileStore.open(data_dir)
    try:
        populate(store)
    finally:
        store.close()
    return make_window(data_dir)


def _dialogs(window):
    from exposure_app.ui.dialogs.export_dialog import ExportDialog

    return [d for d in window.findChildren(ExportDialog) if d.isVisible()]


@pytest.mark.parametrize(("page_key", "button", "report"), [
    ("overview", "export_button", "exposure"),
    ("overview", "warnings_export_button", "warnings"),
    ("holdings", "export_button", "holdings"),
    ("history", "export_button", "history"),
    ("events", "report_button", "events"),
])
def test_page_export_button_opens_the_dialog_on_its_report(qtbot, window, tmp_path, page_key,
                                                            button, report):
    window.show_page(page_key)
    page = window.page(page_key)
    clicked = getattr(page, button)
    assert clicked.accessibleName() == f"Export the {report} report"
    # the File → Export action's icon
    assert (clicked.icon().pixmap(16, 16).toImage()
            == window.export_action.icon().pixmap(16, 16).toImage())
    assert not _dialogs(window)
    qtbot.mouseClick(clicked, Qt.MouseButton.LeftButton)
    opened = _dialogs(window)
    assert len(opened) == 1
    dialog = opened[0]
    assert dialog.report.currentData() == report
    assert dialog.path.text().endswith(f"{report}.csv")

    gui_path = tmp_path / f"gui-{report}.csv"
    dialog.path.setText(str(gui_path))
    options = ReportOptions(as_of=AFTER_DUE)
    with qtbot.waitSignal(dialog.exported, timeout=20000):
        dialog.start_export(options)
    service_path = tmp_path / f"service-{report}.csv"
    write_report(window.state.store, window.state.settings, report, service_path, options)
    assert gui_path.read_bytes() == service_path.read_bytes()
    assert dialog.written.rows > 0 or report == "warnings"
    dialog.done(0)


def test_file_export_still_opens_on_exposure(qtbot, window):
    window.export_action.trigger()
    opened = _dialogs(window)
    assert len(opened) == 1 and opened[0].report.currentData() == "exposure"
    opened[0].done(0)


def test_overview_lists_the_withdrawal_tests_due_as_of_the_window_date(qtbot, window):
    overview = window.overview
    window.state.set_as_of(AFTER_DUE)
    window.show_page("overview")
    due = window.state.data.due_reminders
    assert {r.counterparty for r in due} == {"binance", "kraken"}
    assert all(r.now == AFTER_DUE for r in due)
    assert overview.reminders_card.isVisible()
    text = overview.reminders_text.text()
    assert "Binance" in text and "Kraken" in text
    assert f"due {DUE_DAY}" in text and "never tested" in text

    # the same data a day the interval had not yet passed: nothing is due (no look-ahead)
    window.state.set_as_of(BEFORE_DUE)
    assert window.state.data.due_reminders == ()
    assert not overview.reminders_card.isVisible()

    # a recorded test shows as the last result
    from exposure_app.services.reminders import record_test

    record_test(window.state.store, "kraken", "worked",
                tested_at=datetime(2026, 3, 10, tzinfo=UTC), now=AFTER_DUE)
    window.state.set_as_of(AFTER_DUE)
    text = overview.reminders_text.text()
    assert "last test 2026-03-10: worked" in text and "due 2026-06-08" in text


def test_overview_shows_no_reminder_when_the_interval_is_off(qtbot, window):
    settings = window.state.settings
    settings.set("withdrawal_test_interval_days", 0)
    window.state.apply_settings(settings)
    window.state.set_as_of(AFTER_DUE)
    window.show_page("overview")
    assert window.state.data.due_reminders == ()
    assert not window.overview.reminders_card.isVisible()
    assert window.overview.reminders_text.text() == ""


def test_overview_button_opens_the_record_a_test_dialog(qtbot, window):
    from exposure_app.ui.dialogs.withdrawal_test_dialog import WithdrawalTestDialog

    window.state.set_as_of(AFTER_DUE)
    window.show_page("overview")
    first = window.state.data.due_reminders[0].counterparty
    qtbot.mouseClick(window.overview.record_test_button, Qt.MouseButton.LeftButton)
    dialogs = [d for d in window.findChildren(WithdrawalTestDialog) if d.isVisible()]
    assert len(dialogs) == 1
    dialog = dialogs[0]
    assert dialog.custodian.currentData() == first
    dialog.outcome.setCurrentIndex(dialog.outcome.findData("worked"))
    dialog.when.setDateTime(QDateTime(QDate(2026, 6, 15), QTime(12, 0), QTimeZone.utc()))
    with qtbot.waitSignal(dialog.recorded, timeout=5000):
        dialog.save()
    window.state.refresh_now()   # the page marks the view dirty; refresh without waiting
    assert first not in {r.counterparty for r in window.state.data.due_reminders}


def test_due_tests_are_announced_soon_after_start_not_during_it(qtbot, make_window, data_dir,
                                                              monkeypatch):
    from exposure_app.ui import notice_controller

    store = ProfileStore.open(data_dir)
    try:
        populate(store)
    finally:
        store.close()
    # long enough that a loaded machine still opens the window well before it fires
    monkeypatch.setattr(notice_controller, "DUE_NOTICE_DELAY_MS", 3000)
    window = make_window(data_dir)
    assert window.state.data.due_reminders
    assert window.pages.built("checklist") is None   # not built while the window opens
    qtbot.waitUntil(lambda: window.pages.built("checklist") is not None, timeout=20000)
    page = window.pages.built("checklist")
    assert {cp for cp, _due in page.reminders._notified} == {"binance", "kraken"}


def test_due_tests_are_announced_without_visiting_the_checklist_page(qtbot, make_window,
                                                                     data_dir, monkeypatch):
    # held since 2026-03-01: due on 2026-05-30, so due now on a live view
    store = ProfileStore.open(data_dir)
    try:
        populate(store)
    finally:
        store.close()
    from exposure_app.ui.pages.checklist_page import ChecklistPage

    announced = []
    original = ChecklistPage.notify_due

    def spy(page, due):
        announced.append(tuple(due))
        return original(page, due)

    monkeypatch.setattr(ChecklistPage, "notify_due", spy)
    window = make_window(data_dir)
    page = window.page("checklist")
    assert window.current_page_key() == "overview"
    assert announced and {r.counterparty for r in announced[0]} == {"binance", "kraken"}
    assert {cp for cp, _due in page.reminders._notified} == {"binance", "kraken"}
    with qtbot.assertNotEmitted(page.reminders_due):   # once per custodian and due date
        window.state.refresh_now()
    # a past date is history, not a reminder: nothing is announced for it
    page.reminders._notified.clear()
    with qtbot.assertNotEmitted(page.reminders_due):
        window.state.set_as_of(AFTER_DUE)
