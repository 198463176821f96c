"""What the window shows: the profile's figures as of one instant, refreshed lazily.

:class:`ViewState` is the GUI's single source of truth. It owns the GUI
thread's read-only :class:`ProfileStore`, the loaded :class:`Settings` and
the window-wide "as of" instant (``None`` means *now*, following the clock).

Refreshing is coalesced: anything that may change the figures (a finished
sync, an import, a settings change, a new as-of date) calls
:meth:`mark_dirty`; a short single-shot ``QTimer`` then recomputes once and
emits :attr:`refreshed` with an immutable :class:`ViewData`. Twenty sync
events in a burst cost one recomputation, and pages never reset their models
per event.

Threading: GUI thread only. The store is opened on the GUI thread and used
only there; the sync service writes through its own store (WAL).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from exposure_app.domain.timeutil import utc_now
from exposure_app.services.profile import Profile
from exposure_app.services.settings import Settings
from exposure_app.ui.level_colours import highest_level, level_name

if TYPE_CHECKING:
    from exposure_app.domain.counterparties import CounterpartyDirectory
    from exposure_app.domain.exposure import ExposureReport
    from exposure_app.domain.models import Account
    from exposure_app.risk.warnings import RiskWarning
    from exposure_app.storage.store import ProfileStore

log = logging.getLogger(__name__)
REFRESH_DELAY_MS = 120


@dataclass(frozen=True)
class ViewData:
    """One consistent picture for every page (immutable, cheap to pass around)."""

    as_of: datetime
    live: bool
    report: ExposureReport
    directory: CounterpartyDirectory
    """The custodians the report was made with (:meth:`ViewState.directory`): pages name
    and weigh them by this one, read once per refresh."""
    warnings: tuple[RiskWarning, ...] = ()
    levels: Mapping[str, str] = field(default_factory=dict)
    health: Mapping[str, str] = field(default_factory=dict)
    """Counterparty id -> health state (``normal`` ... ``failed``) of those with a warning."""
    accounts: tuple[Account, ...] = ()
    problems: tuple[str, ...] = ()
    #: withdrawal tests due as of ``as_of`` (``services.reminders.Reminder``), most overdue first
    due_reminders: tuple = ()
    #: "prices as of … (N h old)": the age of the cached market prices
    prices_age: str = ""

    @property
    def highest_level(self) -> str:
        return highest_level(self.levels.values())

    @property
    def is_empty(self) -> bool:
        return not self.accounts


class ViewState(QObject):
    """See the module docstring. Signals are emitted on the GUI thread."""

    refreshed = Signal(object)        # ViewData
    as_of_changed = Signal(object)    # datetime | None
    settings_changed = Signal(object)  # Settings

    def __init__(self, profile: Profile, store: ProfileStore | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.profile = profile
        self.store = store or profile.open_store()
        self.settings: Settings = profile.load_settings()
        self._as_of: datetime | None = None
        self._dirty = True
        self._data: ViewData | None = None
        self._closed = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_DELAY_MS)
        self._timer.timeout.connect(self.refresh_now)

    # -- as of ---------------------------------------------------------------

    @property
    def as_of(self) -> datetime | None:
        return self._as_of

    def set_as_of(self, moment: datetime | None) -> None:
        """Show the window as of ``moment`` (``None``: now). No look-ahead past it."""
        if moment == self._as_of:
            return
        self._as_of = moment
        self.as_of_changed.emit(moment)
        self.refresh_now()

    # -- settings ------------------------------------------------------------

    def apply_settings(self, settings: Settings) -> None:
        self.settings = settings
        self.settings_changed.emit(settings)
        self.mark_dirty()

    # -- counterparties ------------------------------------------------------

    def directory(self) -> CounterpartyDirectory:
        """The custodians every page names and weighs: the shipped catalogue plus the
        profile's own (imported with an events file, or created for an account), so that
        an own custodian is shown by its own name, with its own tokens. A damaged stored
        entry falls back to the catalogue alone (the warnings say what is wrong)."""
        from exposure_app.risk.catalog import load_directory
        from exposure_app.storage.errors import StorageError

        try:
            return self.store.risk.directory()
        except StorageError:
            log.exception("the profile's own custodians could not be read")
            return load_directory()

    # -- refreshing ----------------------------------------------------------

    @property
    def data(self) -> ViewData:
        if self._data is None or self._dirty:
            self.refresh_now()
        assert self._data is not None
        return self._data

    def mark_dirty(self) -> None:
        """Something changed; recompute once, shortly (coalesces bursts).

        After :meth:`close` nothing is recomputed: a signal queued by a worker may still
        arrive once the store is closed, and must not reopen work on it."""
        self._dirty = True
        if not self._closed and not self._timer.isActive():
            self._timer.start()

    def refresh_now(self) -> None:
        self._timer.stop()
        if self._closed:
            return
        self._dirty = False
        self._data = self._compute()
        self.refreshed.emit(self._data)

    def _compute(self) -> ViewData:
        # imported here, not at start: the window's first frame needs none of them
        from exposure_app.services.base_currency import currency_mismatch
        from exposure_app.services.exposure_as_of import exposure_as_of
        from exposure_app.services.prices import cache_age_text
        from exposure_app.services.reminders import due_reminders
        from exposure_app.ui import warning_view

        live = self._as_of is None
        moment = self._as_of or utc_now()
        directory = self.directory()
        report = exposure_as_of(self.store, self.settings, moment, directory=directory)
        problems = list(self.settings.problems)
        if self.profile.url_login_notice:
            problems.append(self.profile.url_login_notice)
        mismatch = currency_mismatch(self.store, self.settings.base_currency)
        if mismatch:
            problems.append(mismatch)
        warnings: tuple[RiskWarning, ...] = ()
        try:
            warnings = tuple(warning_view.warnings_as_of(self.store, self.settings, moment,
                                                        report=report))
        except Exception as exc:  # a bad event file must not blank the window
            log.exception("computing warnings failed")
            problems.append(f"Warnings could not be computed: {exc}")
        due: tuple = ()
        try:
            # as of the window's instant, from the accounts already read for the report
            due = tuple(due_reminders(self.store, self.settings, now=moment,
                                      states=report.accounts))
        except Exception as exc:  # reminders are advice: they must not blank the window
            log.exception("computing withdrawal-test reminders failed")
            problems.append(f"Withdrawal-test reminders could not be computed: {exc}")
        levels: dict[str, str] = {}
        for warning in warnings:
            cp = warning_view.warning_counterparty(warning)
            name = level_name(warning_view.warning_level(warning))
            if cp and (cp not in levels or _rank(name) > _rank(levels[cp])):
                levels[cp] = name
        health = {warning_view.warning_counterparty(w): w.health.state.value
                  for w in warnings if w.health is not None}
        return ViewData(
            as_of=moment,
            live=live,
            report=report,
            directory=directory,
            warnings=warnings,
            levels=MappingProxyType(levels),
            health=MappingProxyType(health),
            accounts=tuple(s.account for s in report.accounts),
            problems=tuple(problems),
            due_reminders=due,
            prices_age=cache_age_text(self.store, how="use Update prices"),
        )

    def close(self) -> None:
        self._closed = True
        self._timer.stop()
        self.store.close()


def _rank(name: str) -> int:
    from exposure_app.ui.level_colours import level_rank

    return level_rank(name)
