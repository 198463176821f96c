"""Events: the sourced history per counterparty, your own events, the feed, outflow signals.

Filters (counterparty, category, date, text) act on one list of every event
(shipped, yours, feed, derived). Selecting an event shows its summary and
clickable sources; derived outflow signals show their figures. When the
window shows a past date, only events up to that date are listed.

Network work (feed update, reserve data) runs on a worker thread with its
own store; the list refreshes when it is done.

Threading: GUI thread only (workers open their own ProfileStore).
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from exposure_app.risk.events import CATEGORIES, Origin, RiskEvent
from exposure_app.ui.background import BackgroundCall
from exposure_app.ui.formatting import DATE_EDIT_FORMAT, format_share
from exposure_app.ui.models.events_model import CATEGORY_LABELS, EventsFilter, EventsModel
from exposure_app.ui.rich_text import bold, escaped, lines, link, muted_line
from exposure_app.ui.view_state import ViewData, ViewState
from exposure_app.ui.widgets.action_button import action_button, icon_action, menu_button
from exposure_app.ui.widgets.card_frames import Card, RichLabel, muted
from exposure_app.ui.widgets.export_button import export_button
from exposure_app.ui.widgets.file_prompts import path_to_read, path_to_write
from exposure_app.ui.widgets.find_shortcut import find_shortcut
from exposure_app.ui.widgets.table_columns import data_table
from exposure_app.ui.widgets.table_splitter import TableSplitter, scrolled

EARLIEST = QDate(2010, 1, 1)


def describe_event(event: RiskEvent, name: str) -> str:
    """Rich text for the details panel: title, summary, figures, source links."""
    parts = [bold(event.title),
             muted_line(f"{event.date.isoformat()} · {escaped(name)} · "
                        f"{escaped(CATEGORY_LABELS.get(event.category.value, ''))}"),
             escaped(event.summary)]
    if event.is_derived and event.data:
        d = event.data
        parts.append(
            f"Net flow {escaped(d.get('net_flow_usd', '?'))} USD over "
            f"{escaped(d.get('window_days', '?'))} day(s) to "
            f"{escaped(str(d.get('window_end', ''))[:10])}"
            f" = {escaped(format_share(float(d['share']) if 'share' in d else None))} of "
            f"clean assets ({escaped(d.get('clean_assets_usd', '?'))} USD).")
    if event.resolved is not None:
        parts.append(f"Resolved by {event.resolved.date.isoformat()}"
                     f"{': ' + escaped(event.resolved.note) if event.resolved.note else ''}")
    parts.append(f"Sources: {' · '.join(link(u) for u in event.sources)}")
    return lines(parts)


class EventsPage(QWidget):
    title = "Events"
    changed = Signal()
    export_requested = Signal(str)   # report name: File → Export with it preselected
    message = Signal(str, str)

    def __init__(self, state: ViewState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setAccessibleName("Events")
        directory = state.directory()
        # one mapping, shared with the table and the suggestions; refreshed with the data
        self.names = {cp.id: cp.name for cp in directory}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        bar = QHBoxLayout()
        self.counterparty = QComboBox()
        self.counterparty.setAccessibleName("Counterparty filter")
        self.counterparty.addItem("All counterparties", "")
        for cp in sorted(directory, key=lambda c: c.name.casefold()):
            self.counterparty.addItem(cp.name, cp.id)
        self.category = QComboBox()
        self.category.setAccessibleName("Category filter")
        self.category.addItem("All categories", "")
        for category in CATEGORIES:
            self.category.addItem(CATEGORY_LABELS.get(category, category), category)
        self.since = QDateEdit(EARLIEST)
        self.since.setCalendarPopup(True)
        self.since.setDisplayFormat(DATE_EDIT_FORMAT)
        self.since.setAccessibleName("Events since")
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search titles and summaries…")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search events")
        self.find_action = find_shortcut(self, self.search)
        bar.addWidget(self.counterparty)
        bar.addWidget(self.category)
        bar.addWidget(QLabel("since"))
        bar.addWidget(self.since)
        bar.addWidget(self.search, 1)
        layout.addLayout(bar)
        # One row that fits 1024 px: the everyday actions as buttons, the rare ones
        # (saving the events file, refreshing outflow data) under "More".
        actions = QHBoxLayout()
        self.add_button = action_button("add-exchange", "Add event…", self.add_event)
        self.import_button = action_button("import", "Import…", self.import_events)
        # the events file (the format Import reads, the listed events) vs the events CSV
        # report (File → Export: every event known as of a date, not the filtered list)
        self.save_file_action = icon_action("export", "Save events file…", self.export_events,
                                            self)
        self.save_file_action.setToolTip("Save the listed events (not derived signals) as an "
                                         "events file that Import reads back (JSON or CSV)")
        self.report_button = export_button("events", self.export_requested.emit)
        self.feed_button = action_button("sync", "Update from feed", self.update_feed)
        self.reserve_action = icon_action("sync", "Refresh outflow data", self.refresh_reserves,
                                          self)
        self.more_button = menu_button("More", (self.save_file_action, self.reserve_action), self)
        self.edit_button = action_button("edit", "Edit mine…", self.edit_selected)
        self.remove_button = action_button("remove", "Remove mine", self.remove_selected)
        for b in (self.edit_button, self.remove_button):
            b.setEnabled(False)          # until one of the user's events is selected
        for widget in (self.add_button, self.import_button, self.report_button, self.feed_button,
                  self.more_button):
            actions.addWidget(widget)
        actions.addStretch(1)
        actions.addWidget(self.edit_button)
        actions.addWidget(self.remove_button)
        layout.addLayout(actions)
        self.model = EventsModel(self.names, self)
        self.proxy = EventsFilter(self)
        self.proxy.setSourceModel(self.model)
        self.view = data_table(self.proxy, "Events table", sort_by=EventsModel.Columns.DATE)
        self.view.horizontalHeader().setSectionResizeMode(EventsModel.Columns.TITLE,
                                                          QHeaderView.ResizeMode.Stretch)
        lower = QWidget()
        lower_layout = QHBoxLayout(lower)
        lower_layout.setContentsMargins(0, 8, 0, 0)
        self.details = RichLabel("Select an event to see its summary and sources.")
        self.details.setOpenExternalLinks(True)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.details.setAccessibleName("Event details")
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        details_card = Card("Details")
        details_card.body.addWidget(self.details, 1)
        self.signals_card = Card("Live outflow signals")
        self.signals_text = QLabel()
        self.signals_text.setWordWrap(True)
        self.signals_text.setTextFormat(Qt.TextFormat.RichText)
        self.signals_text.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.signals_card.body.addWidget(self.signals_text, 1)
        lower_layout.addWidget(details_card, 3)
        lower_layout.addWidget(self.signals_card, 2)
        from exposure_app.ui.widgets.news_suggestions import SuggestionsPanel

        self.suggestions = SuggestionsPanel(state, self.names)
        self.suggestions.changed.connect(self._after_change)
        self.suggestions.message.connect(self.message)
        self.suggestions.install_on(self)
        # the table first: at 1024x640 the details and the suggestions took all but four rows;
        # the details scroll, so a long summary is never cut off where the pane ends (and keep
        # room for the event's title, its date and two lines of its summary)
        details_pane = scrolled(lower)
        details_pane.setMinimumHeight(lower.minimumSizeHint().height()
                                      + 3 * self.details.fontMetrics().lineSpacing())
        self.splitter = TableSplitter(self.view, details_pane, scrolled(self.suggestions))
        layout.addWidget(self.splitter, 1)
        self.count = muted()
        layout.addWidget(self.count)
        self._calls: list[BackgroundCall] = []
        for box in (self.counterparty, self.category):
            box.currentIndexChanged.connect(self._apply_filter)
        self.since.dateChanged.connect(self._apply_filter)
        self.search.textChanged.connect(self._apply_filter)
        self.view.selectionModel().currentRowChanged.connect(lambda *_: self._show_selected())
        self.data: ViewData | None = None
        self._sized = False

    # -- data ------------------------------------------------------------------------

    def show_data(self, data: ViewData) -> None:
        self.data = data
        # own custodians imported since: named in place (the table and suggestions share it)
        self.names.update({cp.id: cp.name for cp in data.directory})
        self.reload()

    def reload(self) -> None:
        from exposure_app.services.risk_service import list_events

        as_of = self.data.as_of if self.data else None
        try:
            events = list_events(self.state.store, self.state.settings, as_of=as_of)
        except Exception as exc:   # a damaged user event must not blank the page
            self.message.emit(f"Events could not be read: {exc}", "error")
            events = []
        if self.data is not None and not self.data.live:
            events = [e for e in events if e.date <= self.data.as_of.date()]
        self.model.set_rows(events)
        self.suggestions.reload()
        if not self._sized and events:
            self.view.resizeColumnsToContents()
            self.view.horizontalHeader().setSectionResizeMode(
                EventsModel.Columns.TITLE, QHeaderView.ResizeMode.Stretch)
            self._sized = True
        self._show_signals(events)
        self._apply_filter()

    def _show_signals(self, events: list[RiskEvent]) -> None:
        derived = sorted((e for e in events if e.is_derived), key=lambda e: e.date, reverse=True)
        if not derived:
            enabled = self.state.settings.outflow_signals_enabled
            self.signals_text.setText(
                "No outflow signal for the custodians you use." if enabled else
                "Outflow signals are off (Settings → Outflow signals).")
            return
        rows = []
        for e in derived[:6]:
            share = e.data.get("share")
            rows.append(f"{bold(self.names.get(e.counterparty, e.counterparty))} "
                        f"{e.date.isoformat()}: "
                        f"{escaped(format_share(float(share))) if share else '?'} "
                        f"in {escaped(e.data.get('window_days', '?'))} day(s), net "
                        f"{escaped(e.data.get('net_flow_usd', '?'))} USD")
        self.signals_text.setText(lines(rows))

    def _apply_filter(self) -> None:
        qdate = self.since.date()
        since = None if qdate <= EARLIEST else date(qdate.year(), qdate.month(), qdate.day())
        self.proxy.set_filter(counterparty=self.counterparty.currentData() or "",
                              category=self.category.currentData() or "", since=since,
                              text=self.search.text())
        self.count.setText(f"{self.proxy.rowCount()} of {self.model.rowCount()} events")

    def set_counterparty(self, counterparty_id: str) -> None:
        index = self.counterparty.findData(counterparty_id)
        self.counterparty.setCurrentIndex(max(index, 0))

    def selected_event(self) -> RiskEvent | None:
        index = self.view.selectionModel().currentIndex()
        if not index.isValid():
            return None
        return self.proxy.record_at(index)

    def _show_selected(self) -> None:
        event = self.selected_event()
        mine = event is not None and event.origin is Origin.USER
        self.edit_button.setEnabled(mine)
        self.remove_button.setEnabled(mine)
        if event is not None:
            self.details.setText(describe_event(event, self.names.get(event.counterparty,
                                                                      event.counterparty)))

    # -- commands --------------------------------------------------------------------

    def add_event(self):
        from exposure_app.ui.dialogs.event_dialog import EventDialog

        dialog = EventDialog(self.state.store, self, self.counterparty.currentData() or None)
        dialog.accepted.connect(self._after_change)
        dialog.open()
        return dialog

    def edit_selected(self):
        """Edit the selected event if it is one of the user's own (others are read-only)."""
        event = self.selected_event()
        if event is None or event.origin is not Origin.USER:
            return None
        from exposure_app.ui.dialogs.event_dialog import EventDialog

        dialog = EventDialog(self.state.store, self, editing=event)
        dialog.accepted.connect(self._after_change)
        dialog.open()
        return dialog

    def _after_change(self) -> None:
        self.reload()
        self.changed.emit()

    def import_events(self, path: str | None = None) -> bool:
        from exposure_app.services.risk_service import import_user_events

        chosen = path_to_read(self, "Import events", "Events (*.json *.csv);;All files (*)", path)
        if chosen is None:
            return False
        try:
            outcome = import_user_events(self.state.store, chosen)
        except (ValueError, OSError) as exc:   # EventSetError / EventFileError: nothing changed
            self.message.emit(f"Nothing was imported. {exc}", "error")
            return False
        self.message.emit(f"Imported events from {chosen.name} ({outcome}).", "info")
        self._after_change()
        return True

    def export_events(self, path: str | None = None) -> bool:
        from exposure_app.reports.event_files import write_events_file

        chosen = path_to_write(self, "Export events", "events.json", "JSON (*.json);;CSV (*.csv)",
                               path)
        if chosen is None:
            return False
        shown = self.proxy.shown_rows()
        try:
            write_events_file(chosen, [e for e in shown if not e.is_derived])
        except (OSError, ValueError) as exc:
            self.message.emit(f"The events could not be exported: {exc}", "error")
            return False
        self.message.emit(f"Exported {len(shown)} event(s) to {chosen}.", "info")
        return True

    def remove_selected(self) -> None:
        from exposure_app.services.risk_service import remove_user_event

        event = self.selected_event()
        if event is None or event.origin is not Origin.USER:
            return
        remove_user_event(self.state.store, event.id)
        self._after_change()

    def _run_network(self, fn, done_text, name: str) -> None:
        profile = self.state.profile

        def work():
            store = profile.open_store()
            try:
                return fn(store)
            finally:
                store.close()

        for b in (self.feed_button, self.reserve_action):
            b.setEnabled(False)
        call = BackgroundCall(work, name, self)
        call.done.connect(lambda result: self._network_done(done_text(result), "info"),
                          Qt.ConnectionType.QueuedConnection)
        call.failed.connect(lambda exc: self._network_done(str(exc), "error"),
                            Qt.ConnectionType.QueuedConnection)
        self._calls.append(call.start())

    def _network_done(self, text: str, kind: str) -> None:
        for b in (self.feed_button, self.reserve_action):
            b.setEnabled(True)
        self._calls = [c for c in self._calls if c.is_running()]
        self.message.emit(text, kind)
        self._after_change()

    def update_feed(self) -> None:
        from exposure_app.services.event_feed import update_from_feed
        from exposure_app.services.network_proxy import proxy_for_requests

        url = self.state.settings.events_feed_url
        if not url:
            self.message.emit("No events feed is set: add its URL in Settings.", "info")
            return
        settings = self.state.settings
        self._run_network(lambda store: update_from_feed(
            store, url, proxy=proxy_for_requests(settings),
            timeout=settings.sync_timeout_seconds),
                          lambda r: f"The feed gave {r.events} event(s).", "events-feed")

    def refresh_reserves(self) -> None:
        from exposure_app.services.network_proxy import proxy_for_requests
        from exposure_app.services.reserve_feed import refresh_slugs
        from exposure_app.services.risk_service import held_reserve_slugs

        if self.data is None:
            return
        slugs = sorted(set(held_reserve_slugs(self.data.report, self.data.directory).values()))
        if not slugs:
            self.message.emit("None of your custodians publishes reserve data.", "info")
            return
        settings = self.state.settings
        self._run_network(lambda store: refresh_slugs(store, slugs,
                                                      base_url=settings.reserve_data_url,
                                                      proxy=proxy_for_requests(settings),
                                                      timeout=settings.sync_timeout_seconds),
                          lambda r: f"Reserve data refreshed for {sum(1 for x in r if not x.error)}"
                          f" of {len(r)} custodian(s)."
                          + "".join(f" {x.slug}: {x.error}." for x in r if x.error),
                          "reserve-data")

    def wait_for_workers(self, timeout: float = 30) -> None:
        for call in self._calls:
            call.wait(timeout)
        self.suggestions.wait_for_workers(timeout)
