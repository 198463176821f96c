"""Exposure as of a date, read from the store.

This is the one place that turns stored snapshots into the as-of view, so
the CLI, the GUI, reports and the risk engine all see the same figures.
"""

from __future__ import annotations

from datetime import datetime

from exposure_app.domain.counterparties import CounterpartyDirectory
from exposure_app.domain.exposure import ExposureReport, compute_exposure
from exposure_app.domain.models import AccountState
from exposure_app.domain.timeutil import utc_now
from exposure_app.services.settings import Settings
from exposure_app.storage.store import ProfileStore


def account_states(store: ProfileStore, as_of: datetime) -> list[AccountState]:
    """Every account with its latest usable snapshot at or before ``as_of``.

    Cost follows the number of accounts (two index seeks each), not the
    length of the history.
    """
    return store.snapshots.states(store.accounts.list(), as_of)


def exposure_as_of(
    store: ProfileStore,
    settings: Settings,
    as_of: datetime | None = None,
    directory: CounterpartyDirectory | None = None,
) -> ExposureReport:
    as_of = as_of or utc_now()
    return compute_exposure(
        account_states(store, as_of),
        as_of=as_of,
        base_currency=settings.base_currency,
        directory=directory or store.risk.directory(),
    )
