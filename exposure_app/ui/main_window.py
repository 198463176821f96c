"""The main window: navigation, export dispatch, the palette and shutdown.

Pages are registered in a :class:`~exposure_app.ui.page_registry.PageRegistry`
and built the first time they are shown or asked for, so a page nobody opens
costs nothing at start-up. What a page offers the window is a small
``Protocol`` in :mod:`exposure_app.ui.window_pages`.

Two controllers do the rest, each owned by the window: the
:class:`~exposure_app.ui.sync_controller.SyncController` (syncs, made just
after the window is shown) and the
:class:`~exposure_app.ui.notice_controller.NoticeController` (what a refresh
has to tell: problems, the highest level, rising levels, withdrawal tests due,
news polls). The window knows nothing of the demo or of how it was opened:
``ui.app`` builds it and connects :attr:`MainWindow.demo_requested`.

Two phases, so that the window is on screen before the profile's store is
touched: the constructor builds the *shell* (title, navigation with every
page's name, menus, toolbar, status bar, the page area saying "Opening the
profile…") from PySide6 and light modules only; :meth:`MainWindow.open_profile`
then opens the store (checked, migrated, logins moved to the keyring), enables
the actions that need it and reads the first figures after the next frame.
``MainWindow(profile)`` does both at once (tests, the demo);
``MainWindow(profile, open_now=False)`` builds the shell alone, and ``ui.app``
calls :meth:`open_profile` once :attr:`first_frame` has been painted. Until
then :attr:`state` raises (so no page that reads the store can be built), the
actions that need the store are disabled and navigating only selects a page.

Threading: GUI thread only. Network work happens in the sync service's own
thread (see :mod:`exposure_app.ui.sync_controller`); the window only reacts
to its signals.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import QDialog, QLabel, QMainWindow, QWidget

from exposure_app.services.profile import Profile
from exposure_app.ui.icons import app_icon
from exposure_app.ui.notice_controller import NoticeController
from exposure_app.ui.page_registry import PageRegistry
from exposure_app.ui.window_actions import (
    add_shortcuts,
    build_actions,
    build_toolbar,
    enable_store_actions,
    show_as_of,
)
from exposure_app.ui.window_pages import (
    READING_TEXT,
    AutoSizedTable,
    PageAccessors,
    ShowsData,
    SplitPage,
    TablePage,
    add_welcome_page,
    build_navigation,
    register_pages,
    wire_page,
)
from exposure_app.ui.window_state import WindowState

if TYPE_CHECKING:
    from exposure_app.services.settings import Settings
    from exposure_app.ui.errors import ErrorReporter
    from exposure_app.ui.pages.welcome_page import WelcomePage
    from exposure_app.ui.sync_controller import SyncController
    from exposure_app.ui.tray import TrayIcon
    from exposure_app.ui.view_state import ViewData, ViewState
    from exposure_app.ui.widgets.banner import MessageBanner

# how long after the profile is opened the sync controller is made (auto-sync timer)
SYNC_CONTROLLER_DELAY_MS = 250
# the first frame counts as painted after this if none is (a window hidden or never shown)
FIRST_FRAME_FALLBACK_MS = 500
# the theme the window last had, kept with its state for the next start's first frame
THEME_KEY = "window/theme"
# pages whose table header layout (column widths and order) is saved
HEADER_PAGES = ("holdings", "accounts", "events")


class MainWindow(PageAccessors, QMainWindow):
    checklist_requested = Signal(str)   # counterparty id ("" = all custodians)
    demo_requested = Signal()           # "Try the demo" (ui.app opens it in a new process)
    first_frame = Signal()              # the first frame is painted (once)
    opened = Signal()                   # the profile's store is open, its actions enabled (once)

    # made by window_actions.build_actions / build_toolbar
    today_action: QAction
    as_of_label: QLabel
    as_of_label_action: QAction
    as_of_reset_action: QAction
    level_label: QLabel
    store_actions: tuple[QAction, ...]
    pending_shortcuts: list[tuple[QAction, str]]   # attached by window_actions.add_shortcuts
    # set by ui.app.build_shell
    error_reporter: ErrorReporter | None
    tray: TrayIcon | None

    def __init__(self, profile: Profile, *, state: ViewState | None = None,
                 secret_store=None, open_now: bool = True) -> None:
        """The shell; with ``open_now`` (the default) the profile is opened at once too."""
        super().__init__()
        self._shut = False
        self._framed = False
        self._state: ViewState | None = None
        self._latest: ViewData | None = None
        self._stale_pages: set[str] = set()
        self.profile = profile
        self.secret_store = secret_store
        self.window_state = WindowState(profile.data_dir)
        # the theme the window last had (Settings -> Theme is read with the store): a
        # window that was dark is dark from its first frame, its icons drawn for it
        self._theme = str(self.window_state.value(THEME_KEY, "system"))
        if self._theme != "system":
            from exposure_app.ui.theme_mode import apply_theme

            apply_theme(self._theme)
        self.setWindowIcon(app_icon())
        self.setMinimumSize(900, 600)
        self.notices = NoticeController(self)
        self.setWindowTitle(self.notices.title(None))

        self.nav, self._banner_row, self.stack, self.reading = build_navigation(self)
        self._banner: MessageBanner | None = None
        self.welcome: WelcomePage   # added by open_profile
        self.pages = PageRegistry(self.nav, self.stack, self._on_page_built)
        register_pages(self)
        self.nav.currentRowChanged.connect(self._on_nav_changed)

        build_actions(self)
        build_toolbar(self)
        enable_store_actions(self, False)   # until open_profile
        self.statusBar().setSizeGripEnabled(True)
        # The sync controller (and the modules it needs) is made just after the
        # profile is opened, or at once if something asks for it before then.
        self._sync: SyncController | None = None
        if not self.window_state.restore_window(self):
            self.resize(1280, 820)
        # The saved page is selected; the stack shows the placeholder until the first
        # figures are read (just after the first frame once the profile is open).
        page = str(self.window_state.value("window/page", "overview"))
        self.nav.blockSignals(True)
        self.nav.setCurrentItem(self.pages.item(page if page in self.pages else "overview"))
        self.nav.blockSignals(False)
        QTimer.singleShot(FIRST_FRAME_FALLBACK_MS, self, self._on_first_frame)
        if open_now:
            self.open_profile(state)

    def open_profile(self, state: ViewState | None = None) -> None:
        """The second phase: open the store, connect what reads it, enable its actions.

        Raises what opening the store raises (``StorageError`` and its kinds, such as
        a damaged or too new database); the window is then left as it was, still
        closed to the store, for the caller to say so. The first figures follow the
        first frame (at once if it has been painted already).
        """
        if self._state is not None or self._shut:
            return
        from exposure_app.ui.view_state import ViewState

        self._state = state or ViewState(self.profile, parent=self)
        self.reading.setText(READING_TEXT)
        self.welcome = add_welcome_page(self.stack)
        add_shortcuts(self)
        self._connect()
        self.state.refreshed.connect(self._on_refreshed)
        self.state.settings_changed.connect(self._apply_theme)
        if self.state.settings.theme != self._theme:   # else the shell has it already
            from exposure_app.ui.window_palette import restyle_for_palette

            self._apply_theme(self.state.settings)
            restyle_for_palette(self)   # the icons were drawn for the shell's palette
        self.state.as_of_changed.connect(self._on_as_of_changed)
        self.setWindowTitle(self.notices.title(None))
        enable_store_actions(self, True)
        show_as_of(self, self.state.as_of)
        QTimer.singleShot(SYNC_CONTROLLER_DELAY_MS, self, self._start_sync_controller)
        self.opened.emit()
        if self._framed:
            QTimer.singleShot(0, self, self.read_first_figures)

    @property
    def banner(self) -> MessageBanner:
        """The window's notice area, made when first needed (it is hidden until a notice)."""
        if self._banner is None:
            from exposure_app.ui.widgets.banner import MessageBanner

            self._banner = MessageBanner()
            self._banner_row.addWidget(self._banner)
        return self._banner

    @property
    def is_open(self) -> bool:
        """Whether the profile's store is open (:meth:`open_profile` has run)."""
        return self._state is not None

    @property
    def state(self) -> ViewState:
        """The view's state and its store; only once the profile is open."""
        if self._state is None:
            raise RuntimeError("the profile is not open yet: nothing may read its store")
        return self._state

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        # an UpdateRequest paints the window: the first one is the first frame
        if event.type() == QEvent.Type.UpdateRequest and not getattr(self, "_framed", True):
            self._on_first_frame()
        return handled

    def _on_first_frame(self) -> None:
        if self._framed or self._shut:
            return
        self._framed = True
        self.first_frame.emit()
        if self.is_open:
            QTimer.singleShot(0, self, self.read_first_figures)

    def read_first_figures(self) -> None:
        """The first refresh, once (later ones come from ``ViewState``'s own timer)."""
        if self._latest is None and not self._shut and self._state is not None:
            self._state.refresh_now()   # refreshed -> _on_refreshed -> the saved page

    # -- pages -----------------------------------------------------------------------

    def _on_page_built(self, key: str, page: QWidget) -> None:
        wire_page(self, key, page)
        restored = (key in HEADER_PAGES and isinstance(page, TablePage)
                    and self.window_state.restore_header(key, page.view.horizontalHeader()))
        if restored and isinstance(page, AutoSizedTable):
            page._sized = True   # a restored layout is kept, not auto-sized
        if isinstance(page, SplitPage):
            self.window_state.restore_splitter(key, page.splitter)
        self.notices.page_built(key)
        self._stale_pages.add(key)
        self.read_first_figures()   # a page built before the first refresh gets the figures

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
        if not self._shut and not self.state.store.read_only:
            self.notices.start_news_poller(self.sync)

    def page(self, key: str) -> QWidget:
        return self.pages.get(key)

    def page_keys(self) -> list[str]:
        return self.pages.keys()

    def show_page(self, key: str) -> None:
        self.nav.setCurrentItem(self.pages.item(key))
        self._show_current()

    def current_page_key(self) -> str:
        return self.pages.key_at(self.nav.currentRow()) or "overview"

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
        if self._latest is None:   # needed before the first refresh: read the figures now
            self.read_first_figures()
            return
        key = self.current_page_key()
        if self.state.data.is_empty and key in ("overview", "holdings", "history"):
            self.stack.setCurrentWidget(self.welcome)   # the page itself is not needed yet
            return
        page = self.pages.get(key)
        self.update_page(key)
        self.stack.setCurrentWidget(page)

    def open_checklist(self, counterparty_id: str = "") -> None:
        """Show the move-to-self-custody checklist for ``counterparty_id`` ("" = all)."""
        from exposure_app.risk.warnings import PORTFOLIO_ID

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
        self.welcome.demo_requested.connect(self.demo_requested)

    def open_export(self, report: str = "exposure") -> QDialog | None:
        """File → Export (and each page's Export… button) with ``report`` preselected."""
        from PySide6.QtCore import Qt

        from exposure_app.ui.dialogs.export_dialog import ExportDialog

        dialog = ExportDialog(self.state, self, report=report or "exposure")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    # -- refresh -----------------------------------------------------------------------

    def _on_refreshed(self, data: ViewData) -> None:
        # Only the page on screen is updated now; the others when they are shown, so a
        # refresh costs one page's work, not all of them (the window stays responsive).
        self._latest = data
        self._stale_pages = set(self.pages.keys())
        self._show_current()
        self.notices.show_data(data)

    def _on_as_of_changed(self, moment) -> None:
        show_as_of(self, moment)

    # -- state -------------------------------------------------------------------------

    def save_state(self) -> None:
        """Window geometry, page, header layouts and splits the user made (pages never built keep theirs)."""
        self.window_state.save_window(self)
        for key, page in self.pages.built_pages():
            if key in HEADER_PAGES and isinstance(page, TablePage):
                self.window_state.save_header(key, page.view.horizontalHeader())
            if isinstance(page, SplitPage) and not page.splitter.default_layout:
                self.window_state.save_splitter(key, page.splitter)
        self.window_state.set_value("window/page", self.current_page_key())
        self.window_state.sync()

    def shutdown(self) -> None:
        """Stop the sync thread and timers, save state, close the store (idempotent)."""
        if self._shut:
            return
        self._shut = True
        for dialog in self.findChildren(QDialog):
            if dialog.isVisible():
                dialog.reject()
        if self.pages.built("events") is not None:
            self.events.wait_for_workers()
        if self.pages.built("settings") is not None:
            self.settings_page.folder_card.shutdown()   # a profile copy in progress finishes first
        self.notices.shutdown()
        if self._sync is not None:
            self._sync.shutdown()
        self.save_state()
        if self._state is not None:
            self._state.close()

    def _apply_theme(self, settings: Settings) -> None:
        from exposure_app.ui.theme_mode import apply_theme

        self._theme = apply_theme(settings.theme)
        self.window_state.set_value(THEME_KEY, self._theme)   # for the next shell

    def changeEvent(self, event: QEvent) -> None:
        """Follow a light/dark palette switch while running: icons and charts redraw."""
        super().changeEvent(event)
        if self._shut:   # closed: its store is closed too
            return
        if event.type() == QEvent.Type.PaletteChange and self._latest is not None:
            self.apply_palette()

    def apply_palette(self) -> None:
        """Redraw what does not follow a palette change by itself (``ui.window_palette``)."""
        from exposure_app.ui.window_palette import restyle_for_palette

        restyle_for_palette(self)
        self._stale_pages = set(self.pages.keys())
        self._show_current()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.shutdown()
        super().closeEvent(event)


