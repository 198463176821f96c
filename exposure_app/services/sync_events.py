"""What the sync service reports: frozen dataclasses safe to hand to any thread.

Listeners receive, per account, :class:`AccountSyncStarted`, zero or more
:class:`AccountSyncProgress` and one :class:`AccountSyncFinished`; then one
:class:`SyncRunFinished` with the whole :class:`SyncReport`. The GUI re-emits
them as Qt signals; the CLI prints the report.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from exposure_app.domain.balances import KeyPermissions
from exposure_app.domain.frozen import freeze_fields


class SyncPhase(StrEnum):
    CONNECTING = "connecting"
    READING = "reading"
    PRICING = "pricing"
    SAVING = "saving"


class AccountSyncStatus(StrEnum):
    OK = "ok"
    PARTIAL = "partial"
    FAILED = "failed"
    CANCELLED = "cancelled"


@dataclass(frozen=True, slots=True)
class SyncTimings:
    started_at: datetime
    finished_at: datetime
    read_seconds: float | None = None     # balances + permissions
    pricing_seconds: float | None = None
    total_seconds: float = 0.0


@dataclass(frozen=True, slots=True)
class AccountSyncStarted:
    account_id: int
    account_name: str
    exchange_id: str
    started_at: datetime


@dataclass(frozen=True, slots=True)
class AccountSyncProgress:
    account_id: int
    account_name: str
    phase: SyncPhase
    detail: str = ""


@dataclass(frozen=True, slots=True)
class AccountSyncFinished:
    """The outcome for one account.

    For ``failed`` (and ``cancelled``) ``error`` says why and ``stale_since`` is
    the time of the last good snapshot still shown (``None`` if there is none).
    ``total_value`` sums the priced holdings in ``base_currency``;
    ``unpriced_assets`` lists assets kept without a value.
    """

    account_id: int
    account_name: str
    exchange_id: str
    status: AccountSyncStatus
    timings: SyncTimings
    base_currency: str
    coverage: tuple[str, ...] = ()
    missing: Mapping[str, str] = field(default_factory=dict)
    skipped: Mapping[str, str] = field(default_factory=dict)
    coverage_note: str = ""
    total_value: Decimal | None = None
    wallet_values: Mapping[str, Decimal] = field(default_factory=dict)
    holdings_count: int = 0
    unpriced_assets: tuple[str, ...] = ()
    assumed_prices: tuple[str, ...] = ()
    permissions: KeyPermissions | None = None
    permission_warning: str | None = None
    error: str | None = None
    error_kind: str | None = None
    snapshot_id: int | None = None
    stale_since: datetime | None = None
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        freeze_fields(self, tuples=("coverage", "unpriced_assets", "assumed_prices", "notes"),
                      mappings=("missing", "skipped", "wallet_values"))


@dataclass(frozen=True, slots=True)
class SyncReport:
    started_at: datetime
    finished_at: datetime
    results: tuple[AccountSyncFinished, ...]
    cancelled: bool = False

    @property
    def ok(self) -> bool:
        return all(r.status is AccountSyncStatus.OK for r in self.results)

    def result_for(self, account_id: int) -> AccountSyncFinished | None:
        return next((r for r in self.results if r.account_id == account_id), None)


@dataclass(frozen=True, slots=True)
class SyncRunFinished:
    report: SyncReport


@dataclass(frozen=True, slots=True)
class PricesRefreshed:
    """A market price refresh ended (``services.prices.PriceRefreshReport``)."""

    report: Any


SyncEvent = (AccountSyncStarted | AccountSyncProgress | AccountSyncFinished | SyncRunFinished
             | PricesRefreshed)
