"""What a user sees in daily use at 1024x640 and after a light/dark switch: muted lines
that stay readable, buttons and dialogs that fit, dates written one way."""

from __future__ import annotations


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


def test_the_checklist_bar_fits_1024_px(qtbot, make_window, data_dir):
    from PySide6.QtWidgets import QAbstractButton, QComboBox

    window = make_window(data_dir)
    window.resize(1024, 640)
    window.show_page("checklist")
    qtbot.wait(50)
    page = window.page("checklist")
    bar = [w for w in [*page.findChildren(QAbstractButton), *page.findChildren(QComboBox)]
           if w.isVisibleTo(page) and w.parent() is page
           and w.geometry().top() < page.summary.geometry().top()]
    assert len(bar) >= 4
    for widget in bar:
        assert widget.width() >= widget.sizeHint().width(), widget.accessibleName()
        assert widget.geometry().right() <= page.width()


def test_the_add_and_record_dialogs_fit_a_1024_by_640_screen_and_write_dates_in_iso(
        qtbot, make_window, data_dir):
    import re

    from PySide6.QtWidgets import QDateTimeEdit

    window = make_window(data_dir)
    window.resize(1024, 640)
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
        finally:
            dialog.reject()
