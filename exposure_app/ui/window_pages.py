"""Which pages the main window has, how each is built, and how it is wired.

:func:`build_navigation` lays out the window's navigation list, the place
of its notice area and the page stack (with the placeholder shown until the
first figures are read); :func:`add_welcome_page` adds the first-run page
once the profile is open. :class:`PageAccessors` gives the window
one typed property per page. :func:`register_pages` gives the window's :class:`PageRegistry` one entry per
page, in navigation order, with a factory that imports the page's module only
when the page is first needed. :func:`wire_page` connects a page the moment it
is built (the registry's ``on_built``), and hands it what happened before it
existed, such as the sync status of each account.

Threading: GUI thread only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

from PySide6.QtCore import QSize, SignalInstance
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from exposure_app.ui.page_registry import PageRegistry
from exposure_app.ui.widgets.card_frames import muted

if TYPE_CHECKING:
    from exposure_app.ui.main_window import MainWindow
    from exposure_app.ui.pages.accounts_page import AccountsPage
    from exposure_app.ui.pages.checklist_page import ChecklistPage
    from exposure_app.ui.pages.events_page import EventsPage
    from exposure_app.ui.pages.history_page import HistoryPage
    from exposure_app.ui.pages.holdings_page import HoldingsPage
    from exposure_app.ui.pages.overview_page import OverviewPage
    from exposure_app.ui.pages.settings_page import SettingsPage
    from exposure_app.ui.pages.welcome_page import WelcomePage
    from exposure_app.ui.view_state import ViewData
    from exposure_app.ui.widgets.table_splitter import TableSplitter


# what the page area says until the profile's store is open, then until the first figures
OPENING_TEXT = "Opening the profile…"
READING_TEXT = "Reading the portfolio…"


# What a page may offer the window; each page class has the members it needs.

@runtime_checkable
class ShowsData(Protocol):
    """A page that shows the latest figures (called when it is shown after a refresh)."""

    def show_data(self, data: ViewData) -> None: ...


@runtime_checkable
class RequestsChecklist(Protocol):
    """A page with links to a custodian's checklist (``""`` = all custodians)."""

    @property
    def checklist_requested(self) -> SignalInstance: ...


@runtime_checkable
class RequestsExport(Protocol):
    """A page with an Export… button: the report name (``services.reports.REPORTS``)."""

    @property
    def export_requested(self) -> SignalInstance: ...


@runtime_checkable
class PostsMessages(Protocol):
    """A page that shows messages in the window's banner: ``(text, kind)``."""

    @property
    def message(self) -> SignalInstance: ...


@runtime_checkable
class TablePage(Protocol):
    """A page whose main table's header layout (widths, order) the window saves."""

    @property
    def view(self) -> QTableView: ...


@runtime_checkable
class SplitPage(Protocol):
    """A page whose table shares its height with panes below it; the window saves the split.

    Only a split the user made (dragged, or restored from an earlier drag) is saved: the
    default keeps adapting to the window's height.
    """

    @property
    def splitter(self) -> TableSplitter: ...


@runtime_checkable
class AutoSizedTable(Protocol):
    """A table page that sizes its columns to the first data unless a layout was restored."""

    _sized: bool


def build_navigation(window: QMainWindow) -> tuple[QListWidget, QHBoxLayout, QStackedWidget,
                                                    QLabel]:
    """The central area: the navigation list on the left, the notice area's row above the pages.

    The notice area (``MainWindow.banner``) goes into the returned row when it is
    first needed. The stack starts on a placeholder saying :data:`OPENING_TEXT`
    (then :data:`READING_TEXT`), which the window replaces by a page once its
    first figures are read.

    Nothing here touches PySide's ``Qt`` namespace (its Python enums, made on first
    use, cost more than this whole shell): the placeholder is centred by the
    property's name, which Qt resolves itself.
    """
    central = QWidget()
    layout = QHBoxLayout(central)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(0)
    nav = QListWidget()
    nav.setObjectName("navigation")
    nav.setAccessibleName("Pages")
    nav.setIconSize(QSize(20, 20))
    nav.setFixedWidth(170)
    nav.setFrameShape(QListWidget.Shape.NoFrame)
    nav.setStyleSheet("QListWidget#navigation { background: palette(window); }"
                      "QListWidget#navigation::item { padding: 8px 10px; }")
    right = QVBoxLayout()
    right.setContentsMargins(0, 0, 0, 0)
    right.setSpacing(0)
    banner_row = QHBoxLayout()
    banner_row.setContentsMargins(12, 8, 12, 0)
    stack = QStackedWidget()
    right.addLayout(banner_row)
    right.addWidget(stack, 1)
    layout.addWidget(nav)
    layout.addLayout(right, 1)
    window.setCentralWidget(central)
    reading = muted(OPENING_TEXT)
    reading.setObjectName("reading-placeholder")
    reading.setProperty("alignment", "AlignCenter")
    stack.addWidget(reading)
    return nav, banner_row, stack, reading


def add_welcome_page(stack: QStackedWidget) -> WelcomePage:
    """The first-run page (no accounts yet), added to the stack once the profile is open."""
    from exposure_app.ui.pages.welcome_page import WelcomePage

    welcome = WelcomePage()
    stack.addWidget(welcome)
    return welcome


class PageAccessors:
    """The window's typed page properties: each builds its page on first use.

    Each import is of a module the page's factory loads anyway; a page of the
    wrong class is a ``TypeError`` (:meth:`PageRegistry.get_as`).
    """

    pages: PageRegistry

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


def register_pages(window: MainWindow) -> None:
    """Navigation entries for every page; each widget is built on first use.

    The factories read ``window.state`` when they run, so registering needs no
    store (the shell has the entries) and building a page before the profile is
    open fails instead of reading it.
    """
    def overview() -> QWidget:
        from exposure_app.ui.pages.overview_page import OverviewPage
        return OverviewPage()

    def holdings() -> QWidget:
        from exposure_app.ui.pages.holdings_page import HoldingsPage
        return HoldingsPage()

    def history() -> QWidget:
        from exposure_app.ui.pages.history_page import HistoryPage
        return HistoryPage(window.state)

    def accounts() -> QWidget:
        from exposure_app.ui.pages.accounts_page import AccountsPage
        return AccountsPage(window.state, secret_store=window.secret_store)

    def events() -> QWidget:
        from exposure_app.ui.pages.events_page import EventsPage
        return EventsPage(window.state)

    def checklist() -> QWidget:
        from exposure_app.ui.pages.checklist_page import ChecklistPage
        return ChecklistPage(window.state)

    def settings() -> QWidget:
        from exposure_app.ui.pages.settings_page import SettingsPage
        return SettingsPage(window.state)

    for key, title, icon, factory in (
        # each page its own icon (resources/icons/actions/<page>.svg), none shared with an action
        ("overview", "Overview", "overview", overview),
        ("holdings", "Holdings", "holdings", holdings),
        ("history", "History", "history", history),
        ("accounts", "Accounts", "accounts", accounts),
        ("events", "Events", "events", events),
        ("checklist", "Checklist", "checklist", checklist),
        ("settings", "Settings", "settings", settings),
    ):
        window.pages.add(key, title, icon, factory)


def wire_page(window: MainWindow, key: str, page: QWidget) -> None:
    """Connect a page that has just been built, and give it what it missed."""
    if isinstance(page, RequestsChecklist) and key != "checklist":
        page.checklist_requested.connect(window.open_checklist)
    if isinstance(page, RequestsExport):
        page.export_requested.connect(window.open_export)
    if isinstance(page, PostsMessages):
        page.message.connect(window.banner.show_message)
    sync = window.sync_if_started()   # not made yet: it has no status to hand over
    # the page-specific signals, through the window's typed page accessors
    if key == "overview":
        overview = window.overview
        # the checklist page's "Record a test withdrawal…" dialog, for that custodian
        overview.test_withdrawal_requested.connect(
            lambda cp="": window.checklist_page.record_test(cp or None))
        if sync is not None:
            overview.live_status = dict(sync.live_status)
    elif key == "accounts":
        accounts = window.accounts
        accounts.changed.connect(window.state.mark_dirty)
        accounts.sync_requested.connect(lambda ids: window.sync.sync(ids))
        if sync is not None:
            accounts.set_live_status(sync.live_status, sync.last_results)
    elif key == "events":
        window.events.changed.connect(window.state.mark_dirty)
    elif key == "settings":
        window.settings_page.saved.connect(lambda _s: window.sync.apply_interval())
