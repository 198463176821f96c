"""Suggested events from news on the Events page: the list, its count, review, reading.

:class:`SuggestionsPanel` lists pending suggestions (count badge in its title);
the selected one shows its evidence with the matched words highlighted, its
sources and any known event it repeats; Accept / Edit… / Reject act on it.
Articles are read from a file, a pasted text or URL, or a drop:
:meth:`SuggestionsPanel.install_on` makes pasting (Ctrl+V outside a text
field) and dropping anywhere on a page read the article.

Threading: widgets on the GUI thread. Reading (a fetch, HTML extraction,
parsing) runs in a :class:`BackgroundCall` with its own store; the result
comes back as a frozen outcome and the list reloads from the GUI's store.
Accept and reject are quick local writes on the GUI thread's store.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, QEvent, QObject, Qt, Signal
from PySide6.QtGui import QDragMoveEvent, QDropEvent, QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QWidget,
)

from exposure_app.risk.news.suggestion import Suggestion
from exposure_app.ui.background import BackgroundCall
from exposure_app.ui.formatting import DATE_EDIT_FORMAT
from exposure_app.ui.rich_text import bold, escaped, lines, link, plain
from exposure_app.ui.view_state import ViewState
from exposure_app.ui.widgets.action_button import action_button
from exposure_app.ui.widgets.card_frames import Card, muted
from exposure_app.ui.widgets.file_prompts import path_to_read

_URL = re.compile(r"^\s*https?://\S+\s*$", re.I)


def shown_text(text: str) -> str:
    """Article text made safe to show: control and format characters replaced."""
    return "".join("\N{REPLACEMENT CHARACTER}" if unicodedata.category(ch) in ("Cc", "Cf")
                   and ch not in "\n\t" else ch for ch in text)


def highlighted(text: str, spans: tuple[tuple[int, int], ...]) -> str:
    """Rich text of ``text`` with ``spans`` in bold on a marker colour; all else escaped."""
    out, at = [], 0
    for start, end in sorted(spans):
        start, end = max(start, at), min(end, len(text))
        if start >= end:
            continue
        out.append(escaped(shown_text(text[at:start])))
        out.append("<b style='background-color:#ffe08a;color:#000'>"
                   f"{escaped(shown_text(text[start:end]))}</b>")
        at = end
    out.append(escaped(shown_text(text[at:])))
    return "".join(out)


def describe(s: Suggestion, names: dict[str, str]) -> str:
    amount = f" · ${s.amount_usd:,.0f}" if s.amount_usd is not None else ""
    period = f" over {s.period_days} day(s)" if s.period_days else ""
    parts = [
        bold(shown_text(s.title)),
        f"{s.date.isoformat()} · {escaped(names.get(s.counterparty, s.counterparty))} · "
        f"{escaped(s.category.value.replace('_', ' '))}{amount}{period} · "
        f"published {s.published.isoformat()} · confidence {s.confidence:.0%}",
        f"“{highlighted(s.evidence, s.highlights)}”",
        "Sources: " + " · ".join(link(u, shown_text(u)) if _URL.match(u)
                                 else escaped(shown_text(u)) for u in s.sources),
    ]
    if s.duplicate_of:
        parts.append(f"Looks like a known event: {escaped(s.duplicate_of)}")
    return lines(parts)


class SuggestionsPanel(Card):
    """See the module docstring."""

    changed = Signal()
    message = Signal(str, str)

    def __init__(self, state: ViewState, names: dict[str, str],
                 parent: QWidget | None = None) -> None:
        super().__init__("Suggestions", parent)
        self.state = state
        self.names = names
        self.setAccessibleName("Suggestions")
        self.badge = QLabel("0")
        self.badge.setAccessibleName("Suggestions waiting")
        self.badge.setStyleSheet("QLabel { background:#d9534f; color:white; border-radius:8px;"
                                 " padding:0 6px; font-weight:bold; }")
        reading = QHBoxLayout()
        self.url = QLineEdit()
        self.url.setPlaceholderText("Paste an article's web address, or drop a file here…")
        self.url.setAccessibleName("Article address")
        self.url.returnPressed.connect(self.read_url)
        self.published = QDateEdit(QDate.currentDate())
        self.published.setCalendarPopup(True)
        self.published.setDisplayFormat(DATE_EDIT_FORMAT)
        self.published.setToolTip("Publication date, used when the article does not give one")
        self.read_button = action_button("import", "Read", self.read_url)
        self.open_button = action_button("import", "Open article…", self.open_file)
        reading.addWidget(self.badge)
        for widget in (self.url, QLabel("published"), self.published, self.read_button,
                       self.open_button):
            reading.addWidget(widget, 1 if widget is self.url else 0)
        self.body.addLayout(reading)
        self.list = QListWidget()
        self.list.setAccessibleName("Suggestions list")
        self.list.currentRowChanged.connect(lambda _row: self._show_selected())
        self.details = QLabel("Suggested events read from news appear here; none counts "
                              "until you accept it.")
        self.details.setWordWrap(True)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.details.setOpenExternalLinks(True)
        self.details.setAccessibleName("Suggestion evidence")
        buttons = QHBoxLayout()
        self.accept_button = action_button("add-exchange", "Accept", self.accept_selected)
        self.edit_button = action_button("edit", "Edit…", self.edit_selected)
        self.reject_button = action_button("remove", "Reject", self.reject_selected)
        for b in (self.accept_button, self.edit_button, self.reject_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        self.status = muted()
        buttons.addWidget(self.status)
        row = QHBoxLayout()
        row.addWidget(self.list, 2)
        row.addWidget(self.details, 3)
        self.body.addLayout(row)
        self.body.addLayout(buttons)
        self.rows: list[Suggestion] = []
        self._calls: list[BackgroundCall] = []
        self.reload()

    # -- list ------------------------------------------------------------------------

    def reload(self) -> None:
        from exposure_app.services.suggestions import pending

        try:
            self.rows = pending(self.state.store)
        except Exception as exc:   # a damaged row must not blank the page
            self.message.emit(f"Suggestions could not be read: {exc}", "error")
            self.rows = []
        current = self.list.currentRow()
        self.list.clear()
        for s in self.rows:
            item = QListWidgetItem(shown_text(
                f"{s.date.isoformat()}  {self.names.get(s.counterparty, s.counterparty)}: "
                f"{s.title}"))
            item.setToolTip(plain(shown_text(s.evidence)))
            self.list.addItem(item)
        self.badge.setText(str(len(self.rows)))
        self.badge.setVisible(bool(self.rows))
        self._set_title(f"Suggestions ({len(self.rows)})" if self.rows else "Suggestions")
        if self.rows:
            self.list.setCurrentRow(min(max(current, 0), len(self.rows) - 1))
        self._show_selected()

    def _set_title(self, text: str) -> None:
        self.title.setText(text)

    def selected(self) -> Suggestion | None:
        row = self.list.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def _show_selected(self) -> None:
        s = self.selected()
        for b in (self.accept_button, self.edit_button, self.reject_button):
            b.setEnabled(s is not None)
        if s is not None:
            self.details.setText(describe(s, self.names))

    # -- review ----------------------------------------------------------------------

    def accept_selected(self) -> bool:
        from exposure_app.services.suggestions import SuggestionError, accept

        s = self.selected()
        if s is None:
            return False
        try:
            event = accept(self.state.store, s.id)
        except SuggestionError as exc:
            self.message.emit(f"{exc}. Use Edit… to add it.", "error")
            return False
        self.message.emit(f"Accepted: {shown_text(event.title)} is now one of your events.", "info")
        self._after_change()
        return True

    def edit_selected(self):
        s = self.selected()
        if s is None:
            return None
        from exposure_app.ui.dialogs.suggestion_dialog import SuggestionDialog

        dialog = SuggestionDialog(s, self.names, self.state.store, self)
        dialog.accepted.connect(self._after_change)
        dialog.open()
        return dialog

    def reject_selected(self) -> bool:
        from exposure_app.services.suggestions import SuggestionError, reject

        s = self.selected()
        if s is None:
            return False
        try:
            reject(self.state.store, s.id)
        except SuggestionError as exc:
            self.message.emit(str(exc), "error")
            return False
        self._after_change()
        return True

    def _after_change(self) -> None:
        self.reload()
        self.changed.emit()

    # -- reading ---------------------------------------------------------------------

    def _published(self) -> date:
        qd = self.published.date()
        return date(qd.year(), qd.month(), qd.day())

    def read_url(self) -> None:
        text = self.url.text().strip()
        if text:
            self.read_text(text)

    def open_file(self) -> None:
        path = path_to_read(self, "Read an article", "Articles (*.txt *.md *.html *.htm)")
        if path is not None:
            self.read_path(path)

    def read_text(self, text: str) -> None:
        """A pasted URL is fetched; other pasted text is read as the article."""
        from exposure_app.services.network_proxy import proxy_for_requests
        from exposure_app.services.news_fetch import read_bytes, read_url

        settings = self.state.settings
        if _URL.match(text):
            url = text.strip()
            # the proxy (and its login, from the keyring) is read on the worker
            self._read(lambda: read_url(url, proxy=proxy_for_requests(settings)), url)
        else:
            data = text.encode("utf-8")
            self._read(lambda: read_bytes(data, "pasted text"), "pasted text")

    def read_path(self, path: Path) -> None:
        from exposure_app.services.news_fetch import read_file

        self._read(lambda: read_file(path), path.name)

    def _read(self, get_article, what: str) -> None:
        from exposure_app.services.news_fetch import ArticleError
        from exposure_app.services.suggestions import SuggestionError, suggest_from_article

        profile = self.state.profile
        fallback = self._published()

        def work():
            try:
                article = get_article()
            except ArticleError as exc:
                raise SuggestionError(str(exc)) from None
            store = profile.open_store()
            try:
                return suggest_from_article(store, article,
                                            published=None if article.published else fallback)
            finally:
                store.close()

        self.status.setText(f"Reading {shown_text(what)[:60]}…")
        self.read_button.setEnabled(False)
        call = BackgroundCall(work, "news-read", self)
        call.done.connect(self._read_done, Qt.ConnectionType.QueuedConnection)
        call.failed.connect(self._read_failed, Qt.ConnectionType.QueuedConnection)
        self._calls.append(call.start())

    def _finish_read(self) -> None:
        self.read_button.setEnabled(True)
        self.status.setText("")
        self._calls = [c for c in self._calls if c.is_running()]

    def _read_done(self, outcome) -> None:
        self._finish_read()
        found = len(outcome.added) + len(outcome.merged)
        text = (f"Read the article: {len(outcome.added)} new suggestion(s)"
                + (f", {len(outcome.merged)} added to earlier ones" if outcome.merged else "")
                if found else "No event found in the article; nothing stored.")
        if outcome.already_reviewed:
            text += f" {outcome.already_reviewed} left out (already accepted or rejected)."
        self.url.clear()
        self.message.emit(text, "info")
        self.reload()

    def _read_failed(self, exc: Exception) -> None:
        self._finish_read()
        self.message.emit(f"The article was not read (nothing stored): {shown_text(str(exc))}",
                          "error")

    def wait_for_workers(self, timeout: float = 30) -> None:
        for call in self._calls:
            call.wait(timeout)

    # -- paste and drop anywhere on a page ---------------------------------------------

    def install_on(self, page: QWidget) -> None:
        """Pasting (outside text fields) or dropping an article anywhere on ``page`` reads it."""
        page.setAcceptDrops(True)
        page.installEventFilter(self)
        shortcut = QShortcut(QKeySequence.StandardKey.Paste, page)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.paste)

    def paste(self) -> None:
        mime = QGuiApplication.clipboard().mimeData()
        if mime is not None:
            self.read_mime(mime)

    def read_mime(self, mime) -> bool:
        if mime.hasUrls():
            url = mime.urls()[0]
            if url.isLocalFile():
                self.read_path(Path(url.toLocalFile()))
            else:
                self.read_text(url.toString())
            return True
        if mime.hasText() and mime.text().strip():
            self.read_text(mime.text())
            return True
        return False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove) and isinstance(event, QDragMoveEvent):
            mime = event.mimeData()
            if mime.hasUrls() or mime.hasText():
                event.acceptProposedAction()
                return True
        elif kind == QEvent.Type.Drop and isinstance(event, QDropEvent) \
                and self.read_mime(event.mimeData()):
            event.acceptProposedAction()
            return True
        return super().eventFilter(watched, event)
