"""Events page (add, import, export, filter) and alerts (tray notice when a level rises,
highest level in the title)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from exposure_app.domain.models import AccountKind, Holding, Snapshot, SnapshotStatus
from exposure_app.storage.store import ProfileStore


def _hold(data_dir, counterparty="binance", days_ago=1):
    store = ProfileStore.open(data_dir)
    try:
        account = store.accounts.add(f"{counterparty} account", AccountKind.MANUAL_CUSTODIAL,
                                     counterparty=counterparty)
        store.snapshots.save(Snapshot(None, account.id,
                                      datetime.now(UTC) - timedelta(days=days_ago),
                                      SnapshotStatus.OK,
                                      (Holding.simple("BTC", Decimal("1"), price=Decimal(1000)),),
                                      ("main",)))
    finally:
        store.close()


def test_add_your_own_event_and_see_it_listed(qtbot, make_window, data_dir):
    _hold(data_dir)
    window = make_window(data_dir)
    window.show_page("events")
    page = window.events
    before = page.model.rowCount()
    dialog = page.add_event()
    dialog.counterparty.setCurrentIndex(dialog.counterparty.findData("binance"))
    dialog.category.setCurrentIndex(dialog.category.findData("withdrawal_halt"))
    dialog.title_edit.setText("My withdrawal is stuck")
    dialog.summary.setPlainText("A small test withdrawal has been pending for three days.")
    dialog.sources.setPlainText("not a url")
    assert not dialog.save()
    assert "sources" in dialog.error.text()
    dialog.sources.setPlainText("https://example.org/my-ticket")
    with qtbot.waitSignal(dialog.accepted):
        assert dialog.save()
    assert page.model.rowCount() == before + 1
    mine = [e for e in page.model.rows if e.title == "My withdrawal is stuck"]
    assert mine and mine[0].origin.value == "user"
    # a withdrawal halt where the user holds assets is a critical warning
    window.state.refresh_now()
    levels = {w.counterparty: w.level.value for w in window.state.data.warnings}
    assert levels.get("binance") == "critical"
    assert "Critical" in window.windowTitle()
    # filters and the details panel with clickable sources
    page.set_counterparty("binance")
    assert all(page.model.row_at(page.proxy.mapToSource(page.proxy.index(r, 0)).row())
               .counterparty == "binance" for r in range(page.proxy.rowCount()))
    page.search.setText("my withdrawal")
    assert page.proxy.rowCount() == 1
    page.view.selectRow(0)
    page._show_selected()
    assert 'href="https://example.org/my-ticket"' in page.details.text()
    assert page.remove_button.isEnabled() and page.edit_button.isEnabled()
    # edit it: the fields start with its values, a broken edit changes nothing
    event_id = mine[0].id
    edit = page.edit_selected()
    assert edit.windowTitle() == "Edit your event"
    assert edit.title_edit.text() == "My withdrawal is stuck"
    assert edit.sources.toPlainText() == "https://example.org/my-ticket"
    edit.sources.setPlainText("")
    assert not edit.save() and "sources" in edit.error.text()
    assert window.state.store.risk.get(event_id).sources == ("https://example.org/my-ticket",)
    edit.sources.setPlainText("https://example.org/my-ticket\nhttps://example.org/update")
    edit.title_edit.setText("My withdrawal is still stuck")
    edit.magnitude.setText("2500")
    with qtbot.waitSignal(edit.accepted):
        assert edit.save()
    stored = window.state.store.risk.get(event_id)           # same id, new content
    assert stored.title == "My withdrawal is still stuck" and len(stored.sources) == 2
    assert stored.magnitude_usd == 2500
    page.view.selectRow(0)
    page._show_selected()
    again = page.edit_selected()
    again.magnitude.setText("")                               # emptied: removed
    with qtbot.waitSignal(again.accepted):
        assert again.save()
    assert window.state.store.risk.get(event_id).magnitude_usd is None
    # shipped events are not the user's to edit
    page.search.setText("")
    page.set_counterparty("ftx")
    page.view.selectRow(0)
    page._show_selected()
    assert page.selected_event().origin.value != "user"
    assert not page.edit_button.isEnabled() and page.edit_selected() is None


def test_import_rejects_a_bad_file_and_export_writes_the_list(qtbot, make_window, data_dir,
                                                              tmp_path):
    window = make_window(data_dir)
    window.show_page("events")
    page = window.events
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"version": 1, "events": [
        {"id": "mine-1", "date": "2024-01-01", "counterparty": "binance", "category": "hack",
         "title": "ok", "summary": "ok", "sources": ["https://example.org/a"]},
        {"id": "mine-2", "date": "2024-01-02", "counterparty": "nobody-known",
         "category": "hack", "title": "x", "summary": "x", "sources": ["https://e.org/b"]},
    ]}), encoding="utf-8")
    before = page.model.rowCount()
    assert not page.import_events(str(bad))
    assert any("Nothing was imported" in m for m in window.banner.messages())
    assert page.model.rowCount() == before
    out = tmp_path / "events.csv"
    page.set_counterparty("ftx")
    assert page.export_events(str(out))
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == page.proxy.rowCount() + 1 and all(",ftx," in line for line in lines[1:])


def test_a_rising_level_is_notified_once(qtbot, make_window, data_dir):
    from exposure_app.services.risk_service import add_user_event
    from exposure_app.ui.tray import TrayIcon

    _hold(data_dir, "kraken")
    window = make_window(data_dir)
    tray = TrayIcon(window)
    start = window.state.data.levels.get("kraken")
    add_user_event(window.state.store, {
        "id": "user-kraken-halt", "date": datetime.now(UTC).date().isoformat(),
        "counterparty": "kraken", "category": "withdrawal_halt", "title": "Withdrawals halted",
        "summary": "Kraken paused withdrawals.", "sources": ["https://example.org/k"]})
    with qtbot.waitSignal(window.notices.level_changed) as rose:
        window.state.refresh_now()
    assert rose.args == ["Kraken", "critical"] and start != "critical"
    assert tray.notices and "Kraken" in tray.notices[0][0]
    assert "Critical" in tray.toolTip()
    with qtbot.assertNotEmitted(window.notices.level_changed):
        window.state.refresh_now()   # unchanged: no second notice
    tray.hide()


def test_live_outflow_signal_is_shown_with_its_figures(make_window, data_dir):
    from datetime import date

    from tests.risk.helpers import daily_series

    _hold(data_dir, "binance", days_ago=10)
    today = datetime.now(UTC).date()
    start = today - timedelta(days=9)
    amounts = [{"BTC": 10000.0}] * 8 + [{"BTC": 7000.0}] * 2   # 30% leaves in one day
    series = daily_series("binance-cex", start, amounts, {"BTC": 1000.0})
    store = ProfileStore.open(data_dir)
    try:
        store.risk.save_series(series, fetched_at=datetime.now(UTC),
                               source_url="http://127.0.0.1/protocol/binance-cex")
    finally:
        store.close()
    window = make_window(data_dir)
    window.show_page("events")
    signals = window.events.signals_text.text()
    assert "Binance" in signals and "30.0%" in signals and "1 day" in signals
    assert "3000000" in signals or "3,000,000" in signals
    derived = [e for e in window.events.model.rows if e.is_derived]
    assert derived and derived[0].date == start + timedelta(days=8)
    assert isinstance(derived[0].date, date)
    # the signal feeds the warnings too
    assert any(ev.is_derived for w in window.state.data.warnings
               if w.counterparty == "binance" for ev in w.events)
