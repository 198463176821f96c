"""The adapter interface: how one exchange's wallets and key permissions are read.

An adapter is stateless apart from its options; the ccxt client it is given
is created, used and closed by the sync service on the service's own loop.
``read_balances`` must never return a silently partial result: a wallet whose
call failed goes into ``AccountReading.missing`` with the reason, and a
response without the expected structure raises
:class:`~exposure_app.exchanges.errors.BadResponseError` rather than reading
as an empty wallet.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from exposure_app.domain.balances import AccountReading, KeyPermissions, WalletBalance

# A wallet reader takes the ccxt client and returns the wallet's rows.
WalletReader = Callable[[Any], Awaitable[list[WalletBalance]]]


@dataclass(frozen=True, slots=True)
class WalletSpec:
    """One wallet to read: ``name`` as stored (spot, funding, earn_flexible...)."""

    name: str
    read: WalletReader
    required: bool = True   # a required wallet failing makes the snapshot partial


class ExchangeAdapter:
    """Base class; subclasses set ``exchange_id`` and implement the readers."""

    exchange_id: ClassVar[str] = ""

    def ccxt_options(self, cached: dict[str, Any]) -> dict[str, Any]:
        """ccxt ``options`` that avoid needless pre-calls (markets, account mode).

        ``cached`` holds facts detected on earlier syncs (unified-account mode,
        account ids) so they need not be fetched again.
        """
        return {}

    def wallets(self) -> list[WalletSpec]:  # pragma: no cover - abstract
        raise NotImplementedError

    async def read_permissions(self, client: Any) -> KeyPermissions:
        return KeyPermissions.unknown()

    async def read_balances(self, client: Any) -> AccountReading:  # pragma: no cover
        """Read every wallet; implemented once in the sync layer for all adapters."""
        raise NotImplementedError
