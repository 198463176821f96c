"""The main window: navigation, pages, menus, the as-of indicator and sync.

Pages are registered in a small page registry (:meth:`MainWindow.add_page`)
so optional pages, such as the checklist, plug in without touching the rest:
a page is a ``QWidget`` with a ``title`` and, optionally,
``show_data(ViewData)`` (called after every refresh),
``open_for(counterparty_id)`` (called by :meth:`open_checklist`) and an
``export_requested(report)`` signal (opens File → Export with that report).

Threading: GUI thread only. Network work happens in the sync service's own
thread (see :mod:`exposure_app.ui.sync_controller`); the window only reacts
to its signals.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from exposure_app import APP_NAME
from exposure_app.risk.warnings import PORTFOLIO_ID
from exposure_app.services.profile import Profile
from exposure_app.ui.charts import theme
from exposure_app.ui.icons import action_icon, app_icon, level_icon
from exposure_app.ui.levels import level_label, level_rank
from exposure_app.ui.pages.accounts_page import AccountsPage
from exposure_app.ui.pages.events_page import EventsPage
from exposure_app.ui.pages.history_page import HistoryPage
from exposure_app.ui.pages.holdings_page import HoldingsPage
from exposure_app.ui.pages.overview_page import OverviewPage
from exposure_app.ui.pages.settings_page import SettingsPage
from exposure_app.ui.pages.welcome_page import WelcomePage
from exposure_app.ui.view_state import ViewData, ViewState
from exposure_app.ui.widgets.banner import MessageBanner
from exposure_app.ui.window_actions import build_actions, build_toolbar
from exposure_app.ui.window_state import WindowState

log = logging.getLogger(__name__)


@dataclass
class PageEntry:
    key: str
    widget: QWidget
    item: QListWidgetItem


class MainWindow(QMainWindow):
    checklist_requested = Signal(str)   # counterparty id ("" = all custodians)
    level_changed = Signal(str, str)    # counterparty name, new level (when it rose)

    def __init__(self, profile: Profile, *, state: ViewState | None = None,
                 secret_store=None) -> None:
        super().__init__()
        self.profile = profile
        self.state = state or ViewState(profile, parent=self)
        self.secret_store = secret_store
        self.window_state = WindowState(profile.data_dir)
        self.setWindowIcon(app_icon())
        self.setWindowTitle(APP_NAME)
        self.setMinimumSize(900, 600)
        self._pages: dict[str, PageEntry] = {}
        self._latest: ViewData | None = None
        self._stale_pages: set[str] = set()
        self._levels_seen: dict[str, str] | None = None

        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        self.nav = QListWidget()
        self.nav.setObjectName("navigation")
        self.nav.setAccessibleName("Pages")
        self.nav.setIconSize(QSize(20, 20))
        self.nav.setFixedWidth(170)
        self.nav.setFrameShape(QListWidget.Shape.NoFrame)
        self.nav.setStyleSheet("QListWidget#navigation { background: palette(window); }"
                               "QListWidget#navigation::item { padding: 8px 10px; }")
        right = QVBoxLayout()
        right.setContentsMargins(0, 0, 0, 0)
        right.setSpacing(0)
        self.banner = MessageBanner()
        banner_box = QHBoxLayout()
        banner_box.setContentsMargins(12, 8, 12, 0)
        banner_box.addWidget(self.banner)
        self.stack = QStackedWidget()
        right.addLayout(banner_box)
        right.addWidget(self.stack, 1)
        layout.addWidget(self.nav)
        layout.addLayout(right, 1)
        self.setCentralWidget(central)

        self.welcome = WelcomePage()
        self.stack.addWidget(self.welcome)
        self.overview = OverviewPage()
        self.holdings = HoldingsPage()
        self.history = HistoryPage(self.state)
        self.accounts = AccountsPage(self.state, secret_store=secret_store)
        self.events = EventsPage(self.state)
        self.settings_page = SettingsPage(self.state)
        for key, page, icon in (
            ("overview", self.overview, "checklist"),
            ("holdings", self.holdings, "import"),
            ("history", self.history, "sync"),
            ("accounts", self.accounts, "add-exchange"),
            ("events", self.events, "export"),
        ):
            self.add_page(key, page, icon)
        self._add_optional_pages()
        self.add_page("settings", self.settings_page, "settings")
        self.nav.currentRowChanged.connect(self._on_nav_changed)

        build_actions(self)
        build_toolbar(self)
        self.statusBar().setSizeGripEnabled(True)
        from exposure_app.ui.sync_controller import SyncController

        self.sync = SyncController(self)
        self._connect()
        self.state.refreshed.connect(self._on_refreshed)
        self.state.as_of_changed.connect(self._on_as_of_changed)
        if not self.window_state.restore_window(self):
            self.resize(1280, 820)
        self.restore_headers()
        self._on_as_of_changed(self.state.as_of)
        self.state.refresh_now()
        page = str(self.window_state.value("window/page", "overview"))
        self.show_page(page if page in self._pages else "overview")

    # -- page registry ---------------------------------------------------------------

    def add_page(self, key: str, widget: QWidget, icon: str = "checklist") -> None:
        title = getattr(widget, "title", key.capitalize())
        item = QListWidgetItem(action_icon(icon), title)
        item.setData(Qt.ItemDataRole.UserRole, key)
        item.setData(Qt.ItemDataRole.UserRole + 1, icon)
        item.setToolTip(f"{title} (Ctrl+{self.nav.count() + 1})")
        self.nav.addItem(item)
        self.stack.addWidget(widget)
        self._pages[key] = PageEntry(key, widget, item)
        request = getattr(widget, "checklist_requested", None)
        if request is not None and key != "checklist":
            request.connect(self.open_checklist)
        export = getattr(widget, "export_requested", None)
        if export is not None:
            export.connect(self.open_export)
        message = getattr(widget, "message", None)
        if message is not None:
            message.connect(self.banner.show_message)

    def _add_optional_pages(self) -> None:
        try:
            from exposure_app.ui.pages.checklist_page import ChecklistPage
        except ModuleNotFoundError as exc:
            if exc.name != "exposure_app.ui.pages.checklist_page":
                raise
            return
        self.add_page("checklist", ChecklistPage(self.state), "checklist")

    def page(self, key: str) -> QWidget:
        return self._pages[key].widget

    def page_keys(self) -> list[str]:
        return list(self._pages)

    def show_page(self, key: str) -> None:
        entry = self._pages[key]
        self.nav.setCurrentItem(entry.item)
        self._show_current()

    def current_page_key(self) -> str:
        item = self.nav.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else "overview"

    def _on_nav_changed(self, _row: int) -> None:
        self._show_current()

    def update_page(self, key: str) -> None:
        """Give page ``key`` the latest data if it has not seen it yet."""
        if key not in self._stale_pages or self._latest is None:
            return
        self._stale_pages.discard(key)
        show = getattr(self._pages[key].widget, "show_data", None)
        if show is not None:
            show(self._latest)

    def _show_current(self) -> None:
        key = self.current_page_key()
        self.update_page(key)
        empty = self.state.data.is_empty and key in ("overview", "holdings", "history")
        self.stack.setCurrentWidget(self.welcome if empty else self._pages[key].widget)

    def open_checklist(self, counterparty_id: str = "") -> None:
        """Show the move-to-self-custody checklist for ``counterparty_id`` ("" = all)."""
        if counterparty_id == PORTFOLIO_ID:   # the "all custodians combined" warning
            counterparty_id = ""
        self.checklist_requested.emit(counterparty_id)
        entry = self._pages.get("checklist")
        if entry is None:
            self.banner.show_message("The self-custody checklist is not available in this "
                                     "version.", "info", key="checklist")
            return
        self.update_page("checklist")
        opener = getattr(entry.widget, "open_for", None)
        if opener is not None:
            opener(counterparty_id or None)
        self.show_page("checklist")

    # -- actions ---------------------------------------------------------------------

    def _connect(self) -> None:
        self.welcome.add_exchange_requested.connect(self.accounts.add_exchange)
        self.welcome.add_wallet_requested.connect(self.accounts.add_manual)
        self.welcome.demo_requested.connect(self.start_demo)
        self.overview.test_withdrawal_requested.connect(self.record_test_withdrawal)
        self.accounts.changed.connect(self.state.mark_dirty)
        self.accounts.sync_requested.connect(lambda ids: self.sync.sync(ids))
        self.events.changed.connect(self.state.mark_dirty)
        self.settings_page.saved.connect(lambda _s: self.sync.apply_interval())

    def sync_selected_account(self) -> None:
        ids = self.accounts.selected_account_ids()
        if not ids:
            self.show_page("accounts")
            self.banner.show_message("Select an account in Accounts first.", "info",
                                     key="select-account")
            return
        self.sync.sync(ids)

    def open_export(self, report: str = "exposure") -> QDialog | None:
        """File → Export (and each page's Export… button) with ``report`` preselected."""
        try:
            from exposure_app.ui.dialogs.export_dialog import ExportDialog
        except ModuleNotFoundError as exc:
            if exc.name != "exposure_app.ui.dialogs.export_dialog":
                raise
            self.banner.show_message("Exporting reports is not available in this version.",
                                     "info", key="export")
            return None
        dialog = ExportDialog(self.state, self, report=report or "exposure")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def record_test_withdrawal(self, counterparty_id: str = "") -> QDialog | None:
        """The checklist page's "Record a test withdrawal…" dialog (from the overview)."""
        entry = self._pages.get("checklist")
        record = getattr(entry.widget, "record_test", None) if entry is not None else None
        if record is None:
            self.banner.show_message("Recording test withdrawals is not available in this "
                                     "version.", "info", key="checklist")
            return None
        return record(counterparty_id or None)

    def start_demo(self) -> None:
        """Open the demo profile in a separate process (this profile stays as it is)."""
        try:
            from exposure_app.ui.demo import demo_command

            command = demo_command()
        except ModuleNotFoundError:
            command = [sys.executable, "-m", "exposure_app", "--demo"]
        try:
            subprocess.Popen(command, start_new_session=True)
        except OSError as exc:
            self.banner.show_message(f"The demo could not be started: {exc.strerror}.")
            return
        self.statusBar().showMessage("Opening the demo in a new window…", 8000)

    def _open_logs(self) -> None:
        from PySide6.QtCore import QUrl
        from PySide6.QtGui import QDesktopServices

        self.profile.log_dir.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.profile.log_dir)))

    # -- refresh -----------------------------------------------------------------------

    def _on_refreshed(self, data: ViewData) -> None:
        # Only the page on screen is updated now; the others when they are shown, so a
        # refresh costs one page's work, not all of them (the window stays responsive).
        self._latest = data
        self._stale_pages = set(self._pages)
        self._show_current()
        for problem in data.problems:
            self.banner.show_message(problem, "warning", key=problem)
        top = data.highest_level
        title = APP_NAME if data.live else f"{APP_NAME} — as of {data.as_of:%Y-%m-%d}"
        if data.warnings:
            title += f" — {level_label(top)}"
            self.level_label.setPixmap(level_icon(top).pixmap(QSize(18, 18)))
            self.level_label.setToolTip(f"Highest warning: {level_label(top)}")
        else:
            self.level_label.clear()
        self.setWindowTitle(title)
        self._check_rising_levels(data)
        self._notify_due_tests(data)

    def _notify_due_tests(self, data: ViewData) -> None:
        """Withdrawal tests due now: a tray notice without waiting for the checklist page."""
        entry = self._pages.get("checklist")
        notify = getattr(entry.widget, "notify_due", None) if entry is not None else None
        if data.live and data.due_reminders and notify is not None:
            notify(data.due_reminders)

    def _check_rising_levels(self, data: ViewData) -> None:
        if not data.live:
            return
        seen = self._levels_seen
        self._levels_seen = dict(data.levels)
        if seen is None:
            return
        names = {c.counterparty: c.name for c in data.report.counterparties}
        for cp, level in data.levels.items():
            if level_rank(level) > level_rank(seen.get(cp)):
                self.level_changed.emit(names.get(cp, cp), level)

    def _on_as_of_changed(self, moment) -> None:
        # note: a widget in a toolbar is shown and hidden through its action
        if moment is None:
            self.as_of_label.setText("")
        else:
            self.as_of_label.setText(f"Showing {moment:%Y-%m-%d} (end of day, UTC) ")
        self.as_of_label_action.setVisible(moment is not None)
        self.as_of_reset_action.setVisible(moment is not None)
        self.today_action.setEnabled(moment is not None)

    # -- state -------------------------------------------------------------------------

    def restore_headers(self) -> None:
        """Restore column widths and order; a restored page keeps them (no auto-size)."""
        for key, page in (("holdings", self.holdings), ("accounts", self.accounts),
                          ("events", self.events)):
            if self.window_state.restore_header(key, page.view.horizontalHeader()):
                page._sized = True

    def save_state(self) -> None:
        self.window_state.save_window(self)
        self.window_state.save_header("holdings", self.holdings.view.horizontalHeader())
        self.window_state.save_header("accounts", self.accounts.view.horizontalHeader())
        self.window_state.save_header("events", self.events.view.horizontalHeader())
        self.window_state.set_value("window/page", self.current_page_key())
        self.window_state.sync()

    def shutdown(self) -> None:
        """Stop the sync thread and timers, save state, close the store (idempotent)."""
        if getattr(self, "_shut", False):
            return
        self._shut = True
        for dialog in self.findChildren(QDialog):
            if dialog.isVisible():
                dialog.reject()
        self.events.wait_for_workers()
        self.sync.shutdown()
        self.save_state()
        self.state.close()

    def changeEvent(self, event: QEvent) -> None:
        """Follow a light/dark palette switch while running: icons and charts redraw."""
        super().changeEvent(event)
        if getattr(self, "_shut", False):   # closed: its store is closed too
            return
        if event.type() == QEvent.Type.PaletteChange and self._latest is not None:
            self.apply_palette()

    def apply_palette(self) -> None:
        for action in self.findChildren(QAction):
            name = action.property("icon_name")
            if name:
                action.setIcon(action_icon(name))
        for row in range(self.nav.count()):
            item = self.nav.item(row)
            item.setIcon(action_icon(item.data(Qt.ItemDataRole.UserRole + 1)))
        for chart in (self.overview.bars, self.overview.donut):
            theme.style_plot(chart, on_panel=True)
        theme.style_plot(self.history.chart)
        self.overview.forget_drawn()
        self.history._loaded_key = None
        self._stale_pages = set(self._pages)
        self._show_current()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)


