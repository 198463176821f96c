"""Which pages the main window has, how each is built, and how it is wired.

:func:`register_pages` gives the window's :class:`PageRegistry` one entry per
page, in navigation order, with a factory that imports the page's module only
when the page is first needed. :func:`wire_page` connects a page the moment it
is built (the registry's ``on_built``), and hands it what happened before it
existed, such as the sync status of each account.

Threading: GUI thread only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

if TYPE_CHECKING:
    from exposure_app.ui.main_window import MainWindow


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
    request = getattr(page, "checklist_requested", None)
    if request is not None and key != "checklist":
        request.connect(window.open_checklist)
    export = getattr(page, "export_requested", None)
    if export is not None:
        export.connect(window.open_export)
    message = getattr(page, "message", None)
    if message is not None:
        message.connect(window.banner.show_message)
    sync = window.sync_if_started()   # not made yet: it has no status to hand over
    if key == "overview":
        page.test_withdrawal_requested.connect(window.record_test_withdrawal)
        if sync is not None:
            page.live_status = dict(sync.live_status)
    elif key == "accounts":
        page.changed.connect(window.state.mark_dirty)
        page.sync_requested.connect(lambda ids: window.sync.sync(ids))
        if sync is not None:
            page.set_live_status(sync.live_status, sync.last_results)
    elif key == "events":
        page.changed.connect(window.state.mark_dirty)
    elif key == "settings":
        page.saved.connect(lambda _s: window.sync.apply_interval())
