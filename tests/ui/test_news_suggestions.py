"""Suggestions on the Events page: read (paste, drop), evidence highlighted, accept/edit/reject."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import QDate, QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent

from exposure_app.domain.models import AccountKind, Holding, Snapshot, SnapshotStatus
from exposure_app.storage.store import ProfileStore

CORPUS = Path(__file__).parent.parent / "news" / "corpus"


def body(stem: str) -> str:
    return (CORPUS / f"{stem}.md").read_text(encoding="utf-8").split("---\n", 2)[2]


def _hold(data_dir, counterparty):
    store = ProfileStore.open(data_dir)
    try:
        account = store.accounts.add(f"{counterparty} account", AccountKind.MANUAL_CUSTODIAL,
                                     counterparty=counterparty)
        store.snapshots.save(Snapshot(None, account.id, datetime.now(UTC) - timedelta(days=1),
                                      SnapshotStatus.OK,
                                      (Holding.simple("BTC", Decimal("1"), price=Decimal(1000)),),
                                      ("main",)))
    finally:
        store.close()


def _levels(window):
    window.state.refresh_now()
    return {w.counterparty: (w.level.value, tuple(e.id for e in w.events))
            for w in window.state.data.warnings}


def test_paste_review_accept_edit_reject(qtbot, make_window, data_dir):
    _hold(data_dir, "wazirx")
    window = make_window(data_dir)
    window.show_page("events")
    page = window.events
    panel = page.suggestions
    assert panel.rows == [] and not panel.badge.isVisible()
    before = _levels(window)

    panel.published.setDate(QDate(2024, 7, 18))
    with qtbot.waitSignal(panel.message, timeout=20_000) as read:
        panel.read_text(body("18-wazirx-hack"))
    assert "2 new suggestion(s)" in read.args[0]
    assert panel.badge.text() == "2" and panel.list.count() == 2
    assert panel.title.text() == "Suggestions (2)"
    assert _levels(window) == before              # pending suggestions move nothing

    hack_row = next(i for i, s in enumerate(panel.rows) if s.category.value == "hack")
    panel.list.setCurrentRow(hack_row)
    shown = panel.details.text()
    assert "<b style='background-color:#ffe08a;color:#000'>WazirX</b>" in shown
    assert "$230,000,000" in shown and "Looks like a known event" in shown

    # Pasted text has no web address: Accept explains, Edit lets the user add one.
    with qtbot.waitSignal(panel.message) as refused:
        assert not panel.accept_selected()
    assert "give the article's URL" in refused.args[0]
    dialog = panel.edit_selected()
    dialog.amount.setText("234,900,000")
    dialog.sources.setPlainText("https://therecord.media/wazirx-crypto-platform-confirms-230-"
                                "million-heist")
    with qtbot.waitSignal(dialog.accepted):
        assert dialog.save()
    mine = [e for e in window.state.store.risk.list() if e.origin.value == "user"]
    assert len(mine) == 1 and mine[0].magnitude_usd == Decimal("234900000")
    assert mine[0].published_day.isoformat() == "2024-07-18"
    assert panel.badge.text() == "1"
    assert mine[0].id in _levels(window)["wazirx"][1]

    panel.list.setCurrentRow(0)
    assert panel.reject_selected()
    assert panel.rows == [] and not panel.badge.isVisible()
    assert not panel.accept_button.isEnabled()


def test_dropping_a_file_on_the_page_reads_it_and_bad_files_say_why(qtbot, make_window,
                                                                   data_dir, tmp_path):
    window = make_window(data_dir)
    window.show_page("events")
    page = window.events
    panel = page.suggestions
    good = tmp_path / "poloniex.md"
    good.write_text(body("27-poloniex-hack"), encoding="utf-8")
    panel.published.setDate(QDate(2023, 11, 10))

    assert page.acceptDrops()

    def drop(path: Path) -> None:
        # Qt delivers a drop only during a real drag, which offscreen tests cannot start;
        # the page's event filter gets the events Qt would hand it.
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(path))])
        enter = QDragEnterEvent(QPoint(20, 20), Qt.DropAction.CopyAction, mime,
                                Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
        assert panel.eventFilter(page, enter) and enter.isAccepted()
        event = QDropEvent(QPointF(20, 20), Qt.DropAction.CopyAction, mime,
                           Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
        assert panel.eventFilter(page, event)

    with qtbot.waitSignal(panel.message, timeout=20_000) as read:
        drop(good)
    assert "1 new suggestion(s)" in read.args[0]
    assert [(s.counterparty, s.category.value) for s in panel.rows] == [("poloniex", "hack")]

    binary = tmp_path / "photo.html"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)))
    with qtbot.waitSignal(panel.message, timeout=20_000) as failed:
        drop(binary)
    assert failed.args == ["The article was not read (nothing stored): photo.html is a binary "
                           "file, not an article", "error"]
    assert len(panel.rows) == 1

    escape = "Hackers drained $40 million from Bitvavo hot wallets on Monday \x1b[2J, it said."
    with qtbot.waitSignal(panel.message, timeout=20_000):
        panel.read_text(escape)
    panel.list.setCurrentRow(next(i for i, s in enumerate(panel.rows)
                                  if s.counterparty == "bitvavo"))
    assert "\x1b" not in panel.details.text() and "\ufffd" in panel.details.text()


def test_pasting_an_address_anywhere_on_the_page_fetches_it_off_the_gui_thread(
        qtbot, make_window, data_dir):
    from PySide6.QtGui import QGuiApplication

    from exposure_app.emulator.news_server import NewsServer, article_html

    window = make_window(data_dir)
    window.show_page("events")
    page = window.events
    panel = page.suggestions
    paragraphs = [p for p in body("28-coinex-hack").split("\n\n")
                  if p.strip() and not p.startswith("#")]
    with NewsServer() as site:
        site.pages["/coinex.html"] = ("text/html", article_html(
            "CoinEx suspends deposits and withdrawals after hot wallet hack", paragraphs,
            datetime(2023, 9, 13, 8, tzinfo=UTC)))
        QGuiApplication.clipboard().setText(f"{site.url}/coinex.html")
        page.view.setFocus()
        with qtbot.waitSignal(panel.message, timeout=20_000) as read:
            qtbot.keyClick(page.view, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
        panel.wait_for_workers()
    assert "new suggestion(s)" in read.args[0]
    assert {(s.counterparty, s.category.value) for s in panel.rows} == {
        ("coinex", "hack"), ("coinex", "withdrawal_halt")}
    assert all(s.published.isoformat() == "2023-09-13" for s in panel.rows)
    assert all(s.sources == (f"{site.url}/coinex.html",) for s in panel.rows)


def test_feeds_are_read_after_a_sync_only_when_enabled(qtbot, make_window, data_dir):
    from exposure_app.emulator.news_server import NewsItem, NewsServer, rss_feed
    from exposure_app.services.settings import Settings

    with NewsServer() as site:
        site.pages["/rss.xml"] = ("application/rss+xml", rss_feed([NewsItem(
            "Hackers drain CoinEx hot wallets", "https://www.bleepingcomputer.com/news/security/"
            "hackers-steal-53-million-worth-of-cryptocurrency-from-coinex/",
            datetime(2023, 9, 13, 8, tzinfo=UTC), " ".join(
                p for p in body("28-coinex-hack").split("\n\n") if not p.startswith("#")))]))
        settings = Settings.load(data_dir)
        settings.news_feeds = f"{site.url}/rss.xml"
        settings.save()
        window = make_window(data_dir)
        if window.notices.news_poller is None:
            window._start_sync_controller()
        poller = window.notices.news_poller
        assert poller is not None
        assert not poller.timer.isActive() and not poller.poll_now()
        window.sync.running_changed.emit(False)      # a sync run ended
        assert site.paths == []                      # feeds are off: nothing fetched

        window.state.settings.news_feeds_enabled = True
        window.state.settings.save()                 # as the Settings page does
        window.state.apply_settings(window.state.settings)
        assert poller.timer.isActive()
        with qtbot.waitSignal(poller.polled, timeout=20_000) as polled:
            window.sync.running_changed.emit(False)
        (result,) = polled.args[0]
        assert result.ok and result.added == 2 and site.paths == ["/rss.xml"]
        poller.shutdown()
        assert not poller.timer.isActive()
