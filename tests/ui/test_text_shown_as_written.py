"""Names, notes, titles and URLs from the user, their files, exchanges and feeds are shown
exactly as written: never read as HTML, and a sourced URL is a link only when it is http(s).

Each test feeds a hostile name (``<b>`` tags, an ampersand, quotes and a ``<0.1%`` that rich
text takes for a tag) through the app's own paths, then reads what Qt puts on screen: a
label's rich text rendered by ``QTextDocument``, a tooltip or message as Qt's format guess
reads it."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from exposure_app.domain.models import AccountKind, Holding, Snapshot, SnapshotStatus
from exposure_app.storage.store import ProfileStore

HOSTILE = 'Ledger <b>cold</b> & "vault" <0.1%'
TITLE = "Vault halts <img src=x> withdrawals"
BAD_URL = "javascript:alert(1)"
GOOD_URL = "https://example.org/halt"
CUSTODIAN = "vault-co"


def rendered(text: str) -> str:
    """``text`` as rich text renders it."""
    from PySide6.QtGui import QTextDocument

    document = QTextDocument()
    document.setHtml(text)
    return document.toPlainText()


def shown(label) -> str:
    """What a label puts on screen (its format, or Qt's guess at it)."""
    from PySide6.QtGui import Qt

    text = label.text()
    rich = (label.textFormat() == Qt.TextFormat.RichText
            or (label.textFormat() == Qt.TextFormat.AutoText and Qt.mightBeRichText(text)))
    return rendered(text) if rich else text


def guessed(text: str) -> str:
    """What a tooltip, message box or balloon title shows: Qt guesses the format."""
    from PySide6.QtGui import Qt

    return rendered(text) if Qt.mightBeRichText(text) else text


def hrefs(text: str) -> list[str]:
    """Every link target in rich ``text``."""
    from PySide6.QtGui import QTextDocument

    document = QTextDocument()
    document.setHtml(text)
    found = []
    block = document.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            if fragment.isValid() and fragment.charFormat().isAnchor():
                found.append(fragment.charFormat().anchorHref())
            it += 1
        block = block.next()
    return found


def _hostile_profile(data_dir, tmp_path) -> None:
    """A custodian of the user's own (from an imported events file) named ``HOSTILE``, with
    an event titled ``TITLE``; an account named ``HOSTILE`` at it holding a priced and an
    unpriced asset."""
    from exposure_app.services.risk_service import import_user_events

    today = datetime.now(UTC).date()
    path = tmp_path / "own.json"
    path.write_text(json.dumps({
        "version": 1,
        "counterparties": [{"id": CUSTODIAN, "name": HOSTILE, "kind": "exchange",
                            "website": "https://example.org/vault"}],
        "events": [{"id": "user-vault-halt", "date": today.isoformat(),
                    "counterparty": CUSTODIAN, "category": "withdrawal_halt", "title": TITLE,
                    "summary": HOSTILE, "sources": [GOOD_URL]}]}), encoding="utf-8")
    store = ProfileStore.open(data_dir)
    try:
        import_user_events(store, path)
        account = store.accounts.add(HOSTILE, AccountKind.MANUAL_CUSTODIAL,
                                     counterparty=CUSTODIAN)
        store.snapshots.save(Snapshot(
            None, account.id, datetime.now(UTC) - timedelta(hours=1), SnapshotStatus.OK,
            (Holding.simple("BTC", Decimal("1"), price=Decimal(1000)),
             Holding.simple("ZZQX", Decimal("5"))), ("main",)))
    finally:
        store.close()


@pytest.fixture
def window(make_window, data_dir, tmp_path):
    _hostile_profile(data_dir, tmp_path)
    window = make_window(data_dir)
    window.state.refresh_now()
    return window


def test_the_overview_shows_names_as_written(window):
    from PySide6.QtWidgets import QLabel

    from exposure_app.domain.labels import wallet_label
    from exposure_app.ui.formatting import format_amount
    from exposure_app.ui.models.freshness_model import FreshnessModel
    from exposure_app.ui.widgets.warning_card import WarningCard

    window.show_page("overview")
    page = window.overview
    # the unpriced list: rich text made from the account name
    assert shown(page.unpriced_text).splitlines() == [
        "No price was found for these; they are not in the totals above:",
        f"{HOSTILE} · {wallet_label('main')}: {format_amount(Decimal(5))} ZZQX"]
    # the warning card of the custodian cites the event by its title
    card = next(c for c in page.findChildren(WarningCard)
                if c.warning.counterparty == CUSTODIAN)
    assert any(TITLE in shown(label) for label in card.findChildren(QLabel))
    # the net-worth card's lines (a custodian's name among them) are plain text
    page.net_worth.set("1.00 USD", f"Largest custodian: {HOSTILE}, 100.0%")
    assert shown(page.net_worth.detail) == f"Largest custodian: {HOSTILE}, 100.0%"
    # the accounts table: the name's tooltip (the whole name of an elided one)
    model = page.fresh_model
    row = next(r for r in range(model.rowCount())
               if model.index(r, FreshnessModel.Columns.ACCOUNT).data() == HOSTILE)
    tip = model.index(row, FreshnessModel.Columns.ACCOUNT).data(_tooltip_role())
    assert guessed(tip) == HOSTILE


def test_the_reasons_tooltip_and_the_exposure_bars_show_a_name_as_written(window,
                                                                         monkeypatch):
    from exposure_app.risk.warnings import RiskWarning
    from exposure_app.ui.widgets.warning_card import WarningCard

    warning = next(w for w in window.state.data.warnings if w.counterparty == CUSTODIAN)
    assert isinstance(warning, RiskWarning)
    card = WarningCard(replace(warning, name=HOSTILE, reasons=(HOSTILE, "second")), "USD")
    from PySide6.QtWidgets import QLabel

    texts = [shown(label) for label in card.findChildren(QLabel)]
    assert any(t.startswith(f"{HOSTILE} ") for t in texts), texts
    label = next(label for label in card.findChildren(QLabel) if label.toolTip())
    assert guessed(label.toolTip()) == f"{HOSTILE}\nsecond"
    assert shown(label).splitlines() == [f"• {HOSTILE}", "• second"]
    card.deleteLater()
    # the exposure bars' tooltip names the custodian
    from PySide6.QtCore import QEvent, QPoint
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QToolTip

    from exposure_app.ui.charts.exposure_bars import BarRow

    bars = window.overview.bars
    bars.set_rows([BarRow(CUSTODIAN, HOSTILE, Decimal(5), Decimal(0), "normal", 1.0)], "USD")
    tips = []
    monkeypatch.setattr(QToolTip, "showText", lambda _pos, text, *args: tips.append(text))
    y = next(y for y in range(bars.height()) if bars.row_at(y) == 0)
    bars.event(QHelpEvent(QEvent.Type.ToolTip, QPoint(10, y), bars.mapToGlobal(QPoint(10, y))))
    assert guessed(tips[0]).startswith(f"{HOSTILE}: ")


def test_a_cited_source_is_a_link_only_when_it_is_http(window):
    from PySide6.QtWidgets import QLabel

    from exposure_app.ui.widgets.warning_card import WarningCard

    warning = next(w for w in window.state.data.warnings if w.counterparty == CUSTODIAN)
    event = replace(warning.events[0], sources=(BAD_URL, GOOD_URL))
    card = WarningCard(replace(warning, events=(event,)), "USD")
    cited = next(label for label in card.findChildren(QLabel)
                 if label.accessibleName() == "Cited events")
    assert hrefs(cited.text()) == [GOOD_URL]
    line = shown(cited)
    assert TITLE in line and BAD_URL in line     # the bad one is shown, as text
    card.deleteLater()


def test_the_events_page_shows_titles_and_summaries_as_written(window):
    from exposure_app.ui.models.events_model import EventsModel
    from exposure_app.ui.pages.events_page import describe_event

    window.show_page("events")
    page = window.events
    page.search.setText("Vault halts")
    assert page.proxy.rowCount() == 1
    page.view.selectRow(0)
    page._show_selected()
    lines = shown(page.details).splitlines()
    assert lines[0] == TITLE
    assert lines[2] == HOSTILE                 # the summary
    assert hrefs(page.details.text()) == [GOOD_URL]
    # the table's tooltip is the summary
    tip = page.proxy.index(0, EventsModel.Columns.TITLE).data(_tooltip_role())
    assert guessed(tip) == HOSTILE
    # a source that is not http(s) is never a link
    event = replace(page.selected_event(), sources=(BAD_URL, GOOD_URL))
    text = describe_event(event, HOSTILE)
    assert hrefs(text) == [GOOD_URL]
    assert rendered(text).splitlines()[-1] == f"Sources: {BAD_URL} · {GOOD_URL}"


def test_a_news_suggestion_shows_its_title_and_evidence_as_written(window):
    from exposure_app.risk.events import Category
    from exposure_app.risk.news.suggestion import Status, Suggestion
    from exposure_app.storage.suggestions import SuggestionRepository

    today = datetime.now(UTC).date()
    SuggestionRepository(window.state.store).add(Suggestion(
        id=0, status=Status.PENDING, sources=(BAD_URL, GOOD_URL), counterparty=CUSTODIAN,
        category=Category("withdrawal_halt"), date=today, published=today, title=TITLE,
        evidence=HOSTILE, confidence=0.8))
    window.show_page("events")
    panel = window.events.suggestions
    panel.reload()
    assert panel.list.count() == 1
    panel.list.setCurrentRow(0)
    lines = shown(panel.details).splitlines()
    assert lines[0] == TITLE
    assert lines[1].startswith(f"{today.isoformat()} · ")
    assert lines[2] == f"“{HOSTILE}”"
    assert lines[3] == f"Sources: {BAD_URL} · {GOOD_URL}"
    assert hrefs(panel.details.text()) == [GOOD_URL]
    assert panel.list.item(0).text().endswith(f": {TITLE}")   # a list item is plain text
    assert guessed(panel.list.item(0).toolTip()) == HOSTILE


def test_the_checklist_shows_the_custodian_and_notes_as_written(window):
    from exposure_app.services.checklist_service import set_item
    from exposure_app.ui.models.checklist_model import Col

    window.show_page("checklist")
    page = window.checklist_page
    page.open_for(CUSTODIAN)
    row = next(r for r in page.model.rows if r.kind == "asset")
    set_item(window.state.store, page.view.plan_id, row.item_key, note=HOSTILE)
    page._reload()
    index = next(i for i, r in enumerate(page.model.rows) if r.item_key == row.item_key)
    note = page.model.index(index, Col.NOTE)
    assert note.data() == HOSTILE
    assert guessed(note.data(_tooltip_role())) == HOSTILE
    # the summary and the withdrawal-test reminders name custodians: plain text
    page.summary.setText(f"Plan for {HOSTILE}: 0 of 5 done")
    assert shown(page.summary) == f"Plan for {HOSTILE}: 0 of 5 done"
    label = page.reminders.reminder_label
    label.setText(f"Withdrawal tests due: {HOSTILE}")
    assert shown(label) == f"Withdrawal tests due: {HOSTILE}"


def test_the_accounts_page_shows_a_name_as_written(window, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from exposure_app.ui.models.accounts_model import AccountsModel

    window.show_page("accounts")
    page = window.accounts
    model = page.model
    row = next(r for r in range(model.rowCount())
               if model.index(r, AccountsModel.Columns.NAME).data() == HOSTILE)
    assert guessed(model.index(row, AccountsModel.Columns.NAME).data(_tooltip_role())) == HOSTILE
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda _parent, _title, text, *args:
                        asked.append(text) or QMessageBox.StandardButton.No)
    page.view.selectRow(page.proxy.mapFromSource(model.index(row, 0)).row())
    assert page.remove_selected() is False
    assert guessed(asked[0]).startswith(f"Remove {HOSTILE} and its whole history")


def test_the_tray_and_the_banner_show_a_name_as_written(window, monkeypatch):
    from exposure_app.ui.tray import TrayIcon

    tray = TrayIcon(window)
    shown_messages = []
    monkeypatch.setattr(tray, "isVisible", lambda: True)
    monkeypatch.setattr(tray, "supportsMessages", lambda: True)
    monkeypatch.setattr(tray, "showMessage", lambda title, text, *args:
                        shown_messages.append((title, text)))
    tray.notify_level_rise(HOSTILE, "critical")
    (title, _text), = shown_messages
    assert guessed(title) == f"{HOSTILE}: warning now Critical"
    tray.deleteLater()

    window.banner.show_message(f"{HOSTILE} could not be read", "error")
    assert window.banner.label.text() == f"{HOSTILE} could not be read"
    assert shown(window.banner.label) == f"{HOSTILE} could not be read"
    assert guessed(window.banner.label.toolTip()) == f"{HOSTILE} could not be read"


def test_the_history_read_out_shows_a_custodian_as_written(window):
    from exposure_app.ui.charts.history_chart import day_to_ts

    window.show_page("history")
    page = window.history
    page.reload(force=True)
    page.chart.set_series(page.points, {CUSTODIAN: HOSTILE})   # the names the page hands it
    today = datetime.now(UTC).date()
    text = page.chart.readout_at(day_to_ts(today))
    assert any(line.startswith(f"■ {HOSTILE}: ") for line in rendered(text).splitlines())


def _tooltip_role():
    from PySide6.QtCore import Qt

    return Qt.ItemDataRole.ToolTipRole


def test_an_imported_files_account_names_are_shown_as_written(window, tmp_path):
    import csv

    path = tmp_path / "holdings.csv"
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["account", "asset", "amount", "date", "price"])
        writer.writerow([HOSTILE, "ETH", "2", "2024-01-02", "2300"])
    dialog = window.accounts.import_csv()
    dialog.path.setText(str(path))
    assert dialog.check(str(path))
    assert shown(dialog.summary) == f"Ready: 1 holding(s) for {HOSTILE} on 1 date(s)."
    dialog.reject()


@pytest.mark.parametrize("url", [BAD_URL, " JavaScript:alert(1)", "file:///etc/passwd",
                                 "data:text/html,<b>x</b>", "https:no-host", "ftp://x.org/a"])
def test_only_http_urls_become_links(qapp, url):
    from exposure_app.ui.rich_text import link

    text = link(url, "source")
    assert hrefs(text) == [] and rendered(text) == url.strip()   # shown, not a link


def test_a_web_url_is_a_link_with_its_text_escaped(qapp):
    from exposure_app.ui.rich_text import link

    url = 'https://example.org/a?b=1&c="<x>"'
    text = link(url)
    assert hrefs(text) == [url] and rendered(text) == url


@pytest.mark.parametrize("text", [HOSTILE, "plain words", "&lt; stays", "two  spaces\n\nand lines",
                                  "<p>a paragraph</p>"])
def test_plain_shows_text_as_written_wherever_qt_guesses(qapp, text):
    from exposure_app.ui.rich_text import plain

    assert guessed(plain(text)) == text
