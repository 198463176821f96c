"""What an exchange reports: wallet balances and API-key permissions.

These are produced by :mod:`exposure_app.exchanges` (after validating the
exchange's response) and turned into a :class:`~exposure_app.domain.models.Snapshot`
by the sync service once prices are known.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from exposure_app.domain.frozen import freeze_fields


@dataclass(frozen=True, slots=True)
class WalletAmount:
    """How much of one asset one wallet holds (``spot``, ``funding``, ``earn_flexible``, ...
    or ``main``): ``locked`` is the part that cannot be withdrawn now, ``total`` the whole.

    The first fields of what an exchange reports (:class:`WalletBalance`) and of what
    a snapshot records (:class:`~exposure_app.domain.models.Holding`).
    """

    wallet: str
    asset: str
    free: Decimal
    locked: Decimal
    total: Decimal


@dataclass(frozen=True, slots=True)
class WalletBalance(WalletAmount):
    """One asset in one wallet as the exchange reports it: ``lock_reason`` says why part
    is locked (``open_orders``, ``locked_earn``, ``staking``, ``margin``...) and
    ``unlock_at`` (ISO text) until when, where the exchange tells.
    """

    lock_reason: str | None = None
    unlock_at: str | None = None


class PermissionLevel(StrEnum):
    READ_ONLY = "read_only"
    TRADE = "trade"
    WITHDRAW = "withdraw"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class KeyPermissions:
    """What an API key may do, as far as the exchange tells.

    ``None`` in a flag means the exchange did not say. ``level`` is
    ``UNKNOWN`` unless the exchange answered: never guessed as read-only.
    """

    level: PermissionLevel
    can_trade: bool | None = None
    can_withdraw: bool | None = None
    can_transfer: bool | None = None
    ip_restricted: bool | None = None
    source: str = ""
    detail: str = ""

    @property
    def is_dangerous(self) -> bool:
        return self.level in (PermissionLevel.TRADE, PermissionLevel.WITHDRAW)

    @classmethod
    def unknown(cls, detail: str = "this exchange does not report key permissions") -> KeyPermissions:
        return cls(PermissionLevel.UNKNOWN, detail=detail)


@dataclass(frozen=True, slots=True)
class AccountReading:
    """Everything read from one exchange account in one sync.

    ``coverage`` lists the wallets read successfully; ``missing`` maps each
    wallet that failed to the plain-language reason.
    """

    balances: tuple[WalletBalance, ...]
    coverage: tuple[str, ...]
    missing: Mapping[str, str] = field(default_factory=dict)
    permissions: KeyPermissions | None = None
    skipped: Mapping[str, str] = field(default_factory=dict)
    """Wallets not read because the exchange says they do not apply to this
    account (not opened, not offered); unlike ``missing`` they leave the
    snapshot complete."""
    coverage_note: str = ""
    """How complete ``coverage`` is, e.g. for the generic fallback adapter."""

    def __post_init__(self) -> None:
        freeze_fields(self, tuples=("balances", "coverage"), mappings=("missing", "skipped"))
