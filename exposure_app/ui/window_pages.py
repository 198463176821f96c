"""Which pages the main window has, how each is built, and how it is wired.

:func:`register_pages` gives the window's :class:`PageRegistry` one entry per
page, in navigation order, with a factory that imports the page's module only
when the page is first needed. :func:`wire_page` connects a page the moment it
is built (the registry's ``on_built``), and hands it what happened before it
existed, such as the sync status of each account.

Threading: GUI thread only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

from PySide6.QtCore import SignalInstance
from PySide6.QtWidgets import QTableView, QWidget

if TYPE_CHECKING:
    from exposure_app.ui.main_window import MainWindow
    from exposure_app.ui.view_state import ViewData


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
class AutoSizedTable(Protocol):
    """A table page that sizes its columns to the first data unless a layout was restored."""

    _sized: bool


def register_pages(window: MainWindow) -> None:
    """Navigation entries for every page; each widget is built on first use."""
    state, secret_store = window.state, window.secret_store

    def overview() -> QWidget:
        from exposure_app.ui.pages.overview_page import OverviewPage
        return OverviewPage()

    def holdings() -> QWidget:
        from exposure_app.ui.pages.holdings_page import HoldingsPage
        return HoldingsPage()

    def history() -> QWidget:
        from exposure_app.ui.pages.history_page import HistoryPage
        return HistoryPage(state)

    def accounts() -> QWidget:
        from exposure_app.ui.pages.accounts_page import AccountsPage
        return AccountsPage(state, secret_store=secret_store)

    def events() -> QWidget:
        from exposure_app.ui.pages.events_page import EventsPage
        return EventsPage(state)

    def checklist() -> QWidget:
        from exposure_app.ui.pages.checklist_page import ChecklistPage
        return ChecklistPage(state)

    def settings() -> QWidget:
        from exposure_app.ui.pages.settings_page import SettingsPage
        return SettingsPage(state)

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
        overview.test_withdrawal_requested.connect(window.record_test_withdrawal)
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
