"""Reads the news feeds while the app runs: every ``news_poll_minutes`` and after each sync.

Only when the user enabled feeds (``news_feeds_enabled``) and listed at least
one; otherwise the timer is stopped and nothing is fetched. A poll runs on a
:class:`BackgroundCall` with its own store (feeds are network work); when it
ends the window's data is marked dirty so the Events page's suggestion count
updates. One poll at a time.

Threading: create, connect and call on the GUI thread.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from exposure_app.ui.background import BackgroundCall


class NewsPoller(QObject):
    polled = Signal(object)    # list[FeedPoll]
    failed = Signal(str)

    def __init__(self, state, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.timer = QTimer(self)
        self.timer.setObjectName("news-feeds-timer")
        self.timer.timeout.connect(self.poll_now)
        self._call: BackgroundCall | None = None
        state.settings_changed.connect(lambda _s: self.apply_settings())
        self.apply_settings()

    def _wanted(self) -> bool:
        from exposure_app.services.news_feeds import feed_urls

        settings = self.state.settings
        return bool(settings.news_feeds_enabled and feed_urls(settings))

    def apply_settings(self) -> None:
        minutes = self.state.settings.news_poll_minutes
        if self._wanted() and minutes > 0:
            self.timer.start(minutes * 60_000)
        else:
            self.timer.stop()

    def attach_sync(self, controller) -> None:
        """Poll after each sync run (when feeds are enabled)."""
        controller.running_changed.connect(lambda running: None if running else self.poll_now())

    def poll_now(self) -> bool:
        """Start a poll unless feeds are off or one is running; True if one started."""
        if not self._wanted() or (self._call is not None and self._call.is_running()):
            return False
        from exposure_app.services.news_feeds import poll_all

        profile = self.state.profile

        def work():
            # The worker reads its own copy of the settings (one Settings per thread).
            settings = profile.load_settings()
            store = profile.open_store()
            try:
                return poll_all(store, settings)
            finally:
                store.close()

        call = BackgroundCall(work, "news-feeds", self)
        call.done.connect(self._done, Qt.ConnectionType.QueuedConnection)
        call.failed.connect(lambda exc: self.failed.emit(str(exc)),
                            Qt.ConnectionType.QueuedConnection)
        self._call = call.start()
        return True

    def _done(self, polls) -> None:
        self.state.mark_dirty()
        self.polled.emit(polls)

    def shutdown(self, timeout: float = 30) -> None:
        self.timer.stop()
        if self._call is not None:
            self._call.wait(timeout)
