"""The main window: navigation, pages, menus, the as-of indicator and sync.

Pages are registered in a :class:`~exposure_app.ui.page_registry.PageRegistry`
and built the first time they are shown or asked for, so a page nobody opens
costs nothing at start-up. A page is a ``QWidget`` with, optionally,
``show_data(ViewData)`` (called when it is shown after a refresh),
``open_for(counterparty_id)`` (called by :meth:`open_checklist`) and an
``export_requested(report)`` signal (opens File → Export with that report).

Threading: GUI thread only. Network work happens in the sync service's own
thread (see :mod:`exposure_app.ui.sync_controller`); the window only reacts
to its signals.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
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
from exposure_app.ui.level_colours import level_label, level_rank
from exposure_app.ui.page_registry import PageRegistry
from exposure_app.ui.pages.welcome_page import WelcomePage
from exposure_app.ui.view_state import ViewData, ViewState
from exposure_app.ui.widgets.banner import MessageBanner
from exposure_app.ui.window_actions import build_actions, build_toolbar, start_demo
from exposure_app.ui.window_pages import AutoSizedTable, ShowsData, TablePage, register_pages, wire_page
from exposure_app.ui.window_state import WindowState

if TYPE_CHECKING:
    from exposure_app.services.settings import Settings
    from exposure_app.ui.errors import ErrorReporter
    from exposure_app.ui.news_poller import NewsPoller
    from exposure_app.ui.pages.accounts_page import AccountsPage
    from exposure_app.ui.pages.checklist_page import ChecklistPage
    from exposure_app.ui.pages.events_page import EventsPage
    from exposure_app.ui.pages.history_page import HistoryPage
    from exposure_app.ui.pages.holdings_page import HoldingsPage
    from exposure_app.ui.pages.overview_page import OverviewPage
    from exposure_app.ui.pages.settings_page import SettingsPage
    from exposure_app.ui.sync_controller import SyncController
    from exposure_app.ui.tray import TrayIcon

log = logging.getLogger(__name__)

# how long after the window is built its sync controller is made (auto-sync timer)
SYNC_CONTROLLER_DELAY_MS = 250
# how long a due-test tray notice waits for the checklist page to be built
DUE_NOTICE_DELAY_MS = 2000
# pages whose table header layout (column widths and order) is saved
HEADER_PAGES = ("holdings", "accounts", "events")


class MainWindow(QMainWindow):
    checklist_requested = Signal(str)   # counterparty id ("" = all custodians)
    level_changed = Signal(str, str)    # counterparty name, new level (when it rose)

    # made by window_actions.build_actions / build_toolbar
    today_action: QAction
    as_of_label: QLabel
    as_of_label_action: QAction
    as_of_reset_action: QAction
    level_label: QLabel
    news_poller: NewsPoller
    # set by ui.app.build_window
    error_reporter: ErrorReporter
    tray: TrayIcon | None

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
        self._latest: ViewData | None = None
        self._stale_pages: set[str] = set()
        self._levels_seen: dict[str, str] | None = None
        self._pending_due: tuple = ()   # due reminders waiting for the checklist page

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
        self.pages = PageRegistry(self.nav, self.stack, self._on_page_built)
        register_pages(self)
        self.nav.currentRowChanged.connect(self._on_nav_changed)

        build_actions(self)
        build_toolbar(self)
        self.statusBar().setSizeGripEnabled(True)
        # The sync controller (and the modules it needs) is made just after the
        # window is shown, or at once if something asks for it before then.
        self._sync: SyncController | None = None
        QTimer.singleShot(SYNC_CONTROLLER_DELAY_MS, self, self._start_sync_controller)
        self._connect()
        self.state.refreshed.connect(self._on_refreshed)
        self.state.settings_changed.connect(self._apply_theme)
        if self.state.settings.theme != "system":   # the default leaves the palette alone
            self._apply_theme(self.state.settings)
        self.state.as_of_changed.connect(self._on_as_of_changed)
        if not self.window_state.restore_window(self):
            self.resize(1280, 820)
        self._on_as_of_changed(self.state.as_of)
        self.state.refresh_now()
        page = str(self.window_state.value("window/page", "overview"))
        self.show_page(page if page in self.pages else "overview")

    # -- pages -----------------------------------------------------------------------

    def _on_page_built(self, key: str, page: QWidget) -> None:
        wire_page(self, key, page)
        restored = (key in HEADER_PAGES and isinstance(page, TablePage)
                    and self.window_state.restore_header(key, page.view.horizontalHeader()))
        if restored and isinstance(page, AutoSizedTable):
            page._sized = True   # a restored layout is kept, not auto-sized
        if key == "checklist" and self._pending_due:
            self.checklist_page.notify_due(self._pending_due)
            self._pending_due = ()
        self._stale_pages.add(key)

    @property
    def sync(self) -> SyncController:
        """The sync controller, made on first use."""
        if self._sync is None:
            from exposure_app.ui.sync_controller import SyncController

            self._sync = SyncController(self)
        return self._sync

    def sync_if_started(self) -> SyncController | None:
        """The sync controller if it exists, without making it."""
        return self._sync

    def _start_sync_controller(self) -> None:
        # a read-only profile is only looked at: no automatic sync could store anything
        if not getattr(self, "_shut", False) and not self.state.store.read_only:
            _ = self.sync
            self._start_news_poller()

    def _start_news_poller(self) -> None:
        """News feeds read on a timer and after each sync, when the user enabled them."""
        from exposure_app.ui.news_poller import NewsPoller

        self.news_poller = NewsPoller(self.state, self)
        self.news_poller.attach_sync(self.sync)
        self.news_poller.polled.connect(lambda polls: self.statusBar().showMessage(
            f"News feeds read: {sum(p.added for p in polls)} new suggestion(s)"
            + "".join(f"; {p.url} failed ({p.error})" for p in polls if not p.ok), 8000))

    # Typed page accessors: each builds its page on first use; the import is of a
    # module the page's factory loads anyway.

    @property
    def overview(self) -> OverviewPage:
        from exposure_app.ui.pages.overview_page import OverviewPage
        return self.pages.get_as("overview", OverviewPage)

    @property
    def holdings(self) -> HoldingsPage:
        from exposure_app.ui.pages.holdings_page import HoldingsPage
        return self.pages.get_as("holdings", HoldingsPage)

    @property
    def history(self) -> HistoryPage:
        from exposure_app.ui.pages.history_page import HistoryPage
        return self.pages.get_as("history", HistoryPage)

    @property
    def accounts(self) -> AccountsPage:
        from exposure_app.ui.pages.accounts_page import AccountsPage
        return self.pages.get_as("accounts", AccountsPage)

    @property
    def events(self) -> EventsPage:
        from exposure_app.ui.pages.events_page import EventsPage
        return self.pages.get_as("events", EventsPage)

    @property
    def checklist_page(self) -> ChecklistPage:
        from exposure_app.ui.pages.checklist_page import ChecklistPage
        return self.pages.get_as("checklist", ChecklistPage)

    @property
    def settings_page(self) -> SettingsPage:
        from exposure_app.ui.pages.settings_page import SettingsPage
        return self.pages.get_as("settings", SettingsPage)

    def page(self, key: str) -> QWidget:
        return self.pages.get(key)

    def page_keys(self) -> list[str]:
        return self.pages.keys()

    def show_page(self, key: str) -> None:
        self.nav.setCurrentItem(self.pages.item(key))
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
        page = self.pages.get(key)
        if isinstance(page, ShowsData):
            page.show_data(self._latest)

    def _show_current(self) -> None:
        key = self.current_page_key()
        if self.state.data.is_empty and key in ("overview", "holdings", "history"):
            self.stack.setCurrentWidget(self.welcome)   # the page itself is not needed yet
            return
        page = self.pages.get(key)
        self.update_page(key)
        self.stack.setCurrentWidget(page)

    def open_checklist(self, counterparty_id: str = "") -> None:
        """Show the move-to-self-custody checklist for ``counterparty_id`` ("" = all)."""
        if counterparty_id == PORTFOLIO_ID:   # the "all custodians combined" warning
            counterparty_id = ""
        self.checklist_requested.emit(counterparty_id)
        page = self.checklist_page
        self.update_page("checklist")
        page.open_for(counterparty_id or None)
        self.show_page("checklist")

    # -- actions ---------------------------------------------------------------------

    def _connect(self) -> None:
        # the pages' own signals are wired in _on_page_built, when each page is built
        self.welcome.add_exchange_requested.connect(lambda: self.accounts.add_exchange())
        self.welcome.add_wallet_requested.connect(lambda: self.accounts.add_manual())
        self.welcome.demo_requested.connect(lambda: start_demo(self))

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
        from exposure_app.ui.dialogs.export_dialog import ExportDialog

        dialog = ExportDialog(self.state, self, report=report or "exposure")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def record_test_withdrawal(self, counterparty_id: str = "") -> QDialog | None:
        """The checklist page's "Record a test withdrawal…" dialog (from the overview)."""
        return self.checklist_page.record_test(counterparty_id or None)

    # -- refresh -----------------------------------------------------------------------

    def _on_refreshed(self, data: ViewData) -> None:
        # Only the page on screen is updated now; the others when they are shown, so a
        # refresh costs one page's work, not all of them (the window stays responsive).
        self._latest = data
        self._stale_pages = set(self.pages.keys())
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
        """Withdrawal tests due now: a tray notice without waiting for the checklist page.

        The checklist page keeps which reminders were announced. If it does not
        exist yet, it is built (and told) a little later or when it is first
        needed, whichever comes first: a tray notice can wait two seconds, the
        window's first paint should not wait for the checklist.
        """
        if not (data.live and data.due_reminders):
            return
        if self.pages.built("checklist") is not None:
            self.checklist_page.notify_due(data.due_reminders)
            return
        self._pending_due = data.due_reminders
        QTimer.singleShot(DUE_NOTICE_DELAY_MS, self, self._deliver_pending_due)

    def _deliver_pending_due(self) -> None:
        if self._pending_due and not getattr(self, "_shut", False):
            self.pages.get("checklist")   # _on_page_built hands it the pending reminders

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

    def save_state(self) -> None:
        """Window geometry, page and header layouts (pages never built keep theirs)."""
        self.window_state.save_window(self)
        for key, page in self.pages.built_pages():
            if key in HEADER_PAGES and isinstance(page, TablePage):
                self.window_state.save_header(key, page.view.horizontalHeader())
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
        if self.pages.built("events") is not None:
            self.events.wait_for_workers()
        if self.pages.built("settings") is not None:
            self.settings_page.folder_card.shutdown()   # a profile copy in progress finishes first
        if getattr(self, "news_poller", None) is not None:
            self.news_poller.shutdown()
        if self._sync is not None:
            self._sync.shutdown()
        self.save_state()
        self.state.close()

    def _apply_theme(self, settings: Settings) -> None:
        from exposure_app.ui.theme_mode import apply_theme

        apply_theme(settings.theme)

    def changeEvent(self, event: QEvent) -> None:
        """Follow a light/dark palette switch while running: icons and charts redraw."""
        super().changeEvent(event)
        if getattr(self, "_shut", False):   # closed: its store is closed too
            return
        if event.type() == QEvent.Type.PaletteChange and self._latest is not None:
            self.apply_palette()

    def apply_palette(self) -> None:
        # style sheets resolve palette(...) when set: set them again so muted labels and
        # the navigation take the new palette's colours
        for widget in (self, *self.findChildren(QWidget)):
            sheet = widget.styleSheet()
            if "palette(" in sheet:
                widget.setStyleSheet("")
                widget.setStyleSheet(sheet)
        # actions and page buttons made with an icon name (window_actions, action_button)
        iconed: list[QAction | QAbstractButton] = [*self.findChildren(QAction),
                                                   *self.findChildren(QAbstractButton)]
        for item in iconed:
            name = item.property("icon_name")
            if name:
                item.setIcon(action_icon(name))
        for row in range(self.nav.count()):
            entry = self.nav.item(row)
            entry.setIcon(action_icon(entry.data(Qt.ItemDataRole.UserRole + 1)))
        # pages not built yet are styled from the palette when they are
        if self.pages.built("overview") is not None:
            overview = self.overview
            overview.bars.update()    # painted widgets: they take their colours
            overview.donut.update()   # from the palette when they paint
            overview.forget_drawn()
        if self.pages.built("history") is not None:
            history = self.history
            theme.style_plot(history.chart)
            history._loaded_key = None
        self._stale_pages = set(self.pages.keys())
        self._show_current()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)


