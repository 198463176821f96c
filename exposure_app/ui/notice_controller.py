"""What the window tells the user after a refresh: problems, the highest level, rises, due tests.

:class:`NoticeController` listens to :attr:`ViewState.refreshed` and turns each
:class:`ViewData` into notices, so the window itself only navigates:

* the data's problems (a bad setting, a currency mismatch, warnings that could
  not be computed) in the window's banner, once each;
* the highest warning level in the window title and the toolbar's badge;
* :attr:`level_changed` when a counterparty's level rose between two live
  refreshes (the tray shows it as a notice);
* withdrawal tests due now, handed to the checklist page, which announces each
  once. If that page does not exist yet it is built a little later
  (:data:`DUE_NOTICE_DELAY_MS`) or when it is first needed, whichever comes
  first: a tray notice can wait two seconds, the window's first paint should
  not wait for the checklist;
* the news poller's results in the status bar (the poller is started with the
  sync controller, just after the window is shown).

Threading: GUI thread only. It is made, connected and called on the GUI thread;
the data it receives are immutable :class:`ViewData` emitted on that thread, and
the news poller it starts delivers its results there as queued signals.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSize, QTimer, Signal

from exposure_app import APP_NAME
from exposure_app.ui.icons import level_icon
from exposure_app.ui.level_colours import level_label, level_rank

if TYPE_CHECKING:
    from exposure_app.ui.main_window import MainWindow
    from exposure_app.ui.news_poller import NewsPoller
    from exposure_app.ui.sync_controller import SyncController
    from exposure_app.ui.view_state import ViewData

# how long a due-test tray notice waits for the checklist page to be built
DUE_NOTICE_DELAY_MS = 2000


class NoticeController(QObject):
    """See the module docstring. Owned by the window (its Qt parent)."""

    level_changed = Signal(str, str)    # counterparty name, new level (when it rose)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.news_poller: NewsPoller | None = None
        self._levels_seen: dict[str, str] | None = None
        self._pending_due: tuple = ()   # due reminders waiting for the checklist page
        self._stopped = False

    # -- after each refresh ------------------------------------------------------------

    def show_data(self, data: ViewData) -> None:
        """Everything a refresh may have to say (call after the pages are updated)."""
        for problem in data.problems:
            self.window.banner.show_message(problem, "warning", key=problem)
        self._show_highest_level(data)
        self._check_rising_levels(data)
        self._notify_due_tests(data)

    def title(self, data: ViewData | None) -> str:
        """The window title: the app, the as-of date when not live, the highest level."""
        title = APP_NAME
        if data is not None and not data.live:
            title += f" — as of {data.as_of:%Y-%m-%d}"
        if data is not None and data.warnings:
            title += f" — {level_label(data.highest_level)}"
        if self.window.is_open and self.window.state.store.read_only:
            title += " (read-only)"
        return title

    def _show_highest_level(self, data: ViewData) -> None:
        label = self.window.level_label
        if data.warnings:
            top = data.highest_level
            label.setPixmap(level_icon(top).pixmap(QSize(18, 18)))
            label.setToolTip(f"Highest warning: {level_label(top)}")
        else:
            label.clear()
        self.window.setWindowTitle(self.title(data))

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

    # -- withdrawal tests due ----------------------------------------------------------

    def _notify_due_tests(self, data: ViewData) -> None:
        if not (data.live and data.due_reminders):
            return
        if self.window.pages.built("checklist") is not None:
            self.window.checklist_page.notify_due(data.due_reminders)
            return
        self._pending_due = data.due_reminders
        QTimer.singleShot(DUE_NOTICE_DELAY_MS, self, self._deliver_pending_due)

    def _deliver_pending_due(self) -> None:
        if self._pending_due and not self._stopped:
            self.window.pages.get("checklist")   # page_built hands it the pending reminders

    def page_built(self, key: str) -> None:
        """A page has just been built: the checklist gets the due tests it missed."""
        if key == "checklist" and self._pending_due:
            due, self._pending_due = self._pending_due, ()
            self.window.checklist_page.notify_due(due)

    # -- news feeds --------------------------------------------------------------------

    def start_news_poller(self, sync: SyncController) -> NewsPoller:
        """News feeds read on a timer and after each sync, when the user enabled them."""
        from exposure_app.ui.news_poller import NewsPoller

        poller = NewsPoller(self.window.state, self.window)
        poller.attach_sync(sync)
        poller.polled.connect(self._show_polls)
        self.news_poller = poller
        return poller

    def _show_polls(self, polls) -> None:
        self.window.statusBar().showMessage(
            f"News feeds read: {sum(p.added for p in polls)} new suggestion(s)"
            + "".join(f"; {p.url} failed ({p.error})" for p in polls if not p.ok), 8000)

    def shutdown(self) -> None:
        """Stop the news poller and drop pending notices (idempotent)."""
        self._stopped = True
        self._pending_due = ()
        if self.news_poller is not None:
            self.news_poller.shutdown()
