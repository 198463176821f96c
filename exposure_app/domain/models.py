"""Core records: accounts, holdings and snapshots.

All records are frozen dataclasses so they can cross threads (the sync
thread hands them to the GUI thread) without anyone mutating shared state.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from exposure_app.domain.balances import WalletAmount
from exposure_app.domain.frozen import freeze_fields
from exposure_app.domain.money import ZERO, mul


class AccountKind(StrEnum):
    EXCHANGE_API = "exchange_api"
    """An exchange account read through ccxt with a read-only API key."""
    MANUAL_CUSTODIAL = "manual_custodial"
    """Balances the user records for a custodian they do not connect."""
    SELF_CUSTODY = "self_custody"
    """A hardware, software or paper wallet: nobody else holds the keys."""

    @property
    def is_custodial(self) -> bool:
        return self is not AccountKind.SELF_CUSTODY


class SnapshotStatus(StrEnum):
    OK = "ok"
    PARTIAL = "partial"
    """Some wallets could not be read; ``Snapshot.missing`` names them."""
    FAILED = "failed"
    """Nothing could be read; the account keeps its last good snapshot."""


class SnapshotSource(StrEnum):
    SYNC = "sync"
    MANUAL = "manual"
    IMPORT = "import"
    DEMO = "demo"
    REVALUED = "revalued"
    """Hand-recorded holdings re-valued at a sync's market prices (same amounts)."""


@dataclass(frozen=True, slots=True)
class Account:
    """A place where the user holds assets.

    ``counterparty`` is the custodian's id (a ccxt exchange id where one
    exists, else a slug such as ``ftx``); ``None`` for self-custody.
    ``exchange_id`` is the ccxt id for ``exchange_api`` accounts.
    ``options`` holds non-secret connection options (API URL override,
    sandbox, proxy, timeout) and cached exchange facts; never credentials.
    """

    id: int
    name: str
    kind: AccountKind
    counterparty: str | None
    exchange_id: str | None = None
    options: Mapping[str, object] = field(default_factory=dict)
    created_at: datetime | None = None

    def __post_init__(self) -> None:
        freeze_fields(self, mappings=("options",))

    @property
    def is_custodial(self) -> bool:
        return self.kind.is_custodial


@dataclass(frozen=True, slots=True)
class Holding(WalletAmount):
    """One asset in one wallet of one snapshot.

    ``locked`` is what cannot be withdrawn right now (open orders, locked
    earn). ``price`` and ``value`` are in the profile's base currency and are
    ``None`` when no price was found: such a holding is *unpriced* and is
    reported apart, never dropped. ``carried_from`` is set when the wallet
    could not be read in this capture and the row was carried over from the
    snapshot with that id (a partial snapshot).
    """

    price: Decimal | None = None
    value: Decimal | None = None
    price_source: str | None = None
    carried_from: int | None = None

    @property
    def priced(self) -> bool:
        return self.value is not None

    @classmethod
    def simple(
        cls,
        asset: str,
        amount: Decimal,
        *,
        wallet: str = "main",
        price: Decimal | None = None,
        value: Decimal | None = None,
        price_source: str | None = None,
    ) -> Holding:
        """A fully free holding; ``value`` is derived from ``price`` if not given."""
        if value is None and price is not None:
            value = mul(amount, price)
        elif price is None and value is not None and amount != 0:
            price = value / amount
        return cls(wallet, asset, amount, ZERO, amount, price, value, price_source)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """What one account held at one capture time.

    ``coverage`` lists the wallets that were read; ``missing`` maps a wallet
    that could not be read to the reason. A ``FAILED`` snapshot records the
    attempt and its ``error`` but carries no holdings.
    """

    id: int | None
    account_id: int
    taken_at: datetime
    status: SnapshotStatus
    holdings: tuple[Holding, ...] = ()
    coverage: tuple[str, ...] = ()
    missing: Mapping[str, str] = field(default_factory=dict)
    error: str | None = None
    source: SnapshotSource = SnapshotSource.MANUAL
    currency: str | None = None
    """The currency of its prices and values; ``None`` when written: the profile's
    value currency (``ProfileStore.value_currency``)."""

    def __post_init__(self) -> None:
        freeze_fields(self, tuples=("holdings", "coverage"), mappings=("missing",))

    @property
    def is_usable(self) -> bool:
        return self.status is not SnapshotStatus.FAILED


@dataclass(frozen=True, slots=True)
class AccountState:
    """An account as seen at an "as of" instant.

    ``snapshot`` is the latest usable (ok or partial) snapshot at or before the
    instant, or ``None``. ``stale_reason`` is set when a later capture attempt
    failed: the figures are the last good ones, and the reason says why they
    could not be refreshed. ``last_attempt_at`` is the time of that attempt.
    """

    account: Account
    snapshot: Snapshot | None
    stale_reason: str | None = None
    last_attempt_at: datetime | None = None

    @property
    def is_stale(self) -> bool:
        return self.stale_reason is not None


def captured(states: Iterable[AccountState]) -> Iterator[tuple[AccountState, Snapshot]]:
    """Each state that has a usable snapshot, with it (accounts never captured are skipped)."""
    for state in states:
        if state.snapshot is not None:
            yield state, state.snapshot
