"""Small checks shared by the kraken, coinbase, gate and htx adapters.

Each adapter reads raw exchange bodies (not ccxt's float-based unified
structures) so amounts stay exact ``Decimal``. These helpers make a body
without the expected structure an error, never an empty wallet.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from exposure_app.domain.balances import WalletBalance
from exposure_app.exchanges import validation
from exposure_app.exchanges.errors import BadResponseError

ZERO = Decimal(0)


def bad(exchange: str, what: str) -> BadResponseError:
    return BadResponseError(f"{exchange} sent an unexpected response: {what}")


def require_dict(value: Any, exchange: str, what: str) -> Mapping[str, Any]:
    """``value`` as an object; an HTML page, empty or broken body is named as such."""
    if isinstance(value, Mapping):
        return value
    return validation.require_mapping(value, f"{exchange} {what}")


def require_list(value: Any, exchange: str, what: str) -> list[Any]:
    if isinstance(value, list):
        return value
    return validation.require_list(value, f"{exchange} {what}")


def require_key(obj: Mapping[str, Any], key: str, exchange: str, what: str) -> Any:
    if key not in obj:
        raise bad(exchange, f"{what} has no {key!r} field")
    return obj[key]


def amount(value: Any, exchange: str, what: str, *, allow_negative: bool = False) -> Decimal:
    """An amount sent as a JSON string or number, as an exact Decimal."""
    if isinstance(value, bool) or value is None:
        raise bad(exchange, f"{what} is not a number ({value!r})")
    try:
        result = Decimal(str(value)) if isinstance(value, (int, float)) else Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        raise bad(exchange, f"{what} is not a number ({value!r})") from None
    if not result.is_finite():
        raise bad(exchange, f"{what} is not a finite number")
    if result < 0 and not allow_negative:
        raise bad(exchange, f"{what} is negative ({value!r})")
    return result


def optional_amount(obj: Mapping[str, Any], key: str, exchange: str, what: str) -> Decimal:
    """``obj[key]`` as an amount; a missing or empty field is zero."""
    value = obj.get(key)
    if value is None or value == "":
        return ZERO
    return amount(value, exchange, f"{what}.{key}")


def merge_rows(rows: Iterable[WalletBalance]) -> list[WalletBalance]:
    """Adds rows of the same (wallet, asset, unlock date).

    Several exchange lines can hold one asset in one wallet (Coinbase has a
    wallet per currency plus vaults, Gate isolated margin one per pair, HTX a
    ``trade`` and a ``frozen`` line), so rows are summed rather than
    overwritten; the lock reason is the first one given for a locked part.
    Zero rows are dropped.
    """
    merged: dict[tuple[str, str, str | None], list] = {}
    for item in rows:
        key = (item.wallet, item.asset, item.unlock_at)
        sums = merged.setdefault(key, [ZERO, ZERO, ZERO, None])
        sums[0] += item.free
        sums[1] += item.locked
        sums[2] += item.total
        if item.locked and sums[3] is None:
            sums[3] = item.lock_reason
    result = []
    for (wallet, asset, unlock_at), (free, locked, total, reason) in merged.items():
        if total == 0 and free == 0 and locked == 0:
            continue
        result.append(
            WalletBalance(
                wallet=wallet,
                asset=asset,
                free=free,
                locked=locked,
                total=total,
                lock_reason=reason if locked else None,
                unlock_at=unlock_at,
            )
        )
    result.sort(key=lambda r: (r.wallet, r.asset, r.unlock_at or ""))
    return result


def row(
    wallet: str,
    asset: str,
    *,
    total: Decimal,
    locked: Decimal = ZERO,
    lock_reason: str | None = None,
    unlock_at: str | None = None,
) -> WalletBalance:
    """A row where ``free = total - locked`` (clamped to the total)."""
    locked = min(max(locked, ZERO), total) if total >= 0 else ZERO
    return WalletBalance(
        wallet=wallet,
        asset=asset,
        free=total - locked,
        locked=locked,
        total=total,
        lock_reason=lock_reason if locked else None,
        unlock_at=unlock_at,
    )


class SharedCall:
    """One exchange call per client per sync, shared by several wallet readers.

    Some exchanges answer for several wallets in one call (Kraken's
    ``BalanceEx``, Coinbase's account list). Each wallet still gets its own
    :class:`~exposure_app.exchanges.adapters.base.WalletSpec` (coverage is per
    wallet), and the readers await one shared future instead of repeating the
    call. :meth:`reset` is called at the start and end of every
    ``read_balances`` so a later sync calls the exchange again.

    Threading: used on the sync service's loop only.
    """

    def __init__(self, fetch) -> None:
        self._fetch = fetch
        self._pending: dict[int, asyncio.Future] = {}

    def reset(self, client: Any) -> None:
        pending = self._pending.pop(id(client), None)
        if pending is not None and pending.done() and not pending.cancelled():
            pending.exception()   # mark a failure as retrieved (no "never retrieved" warning)

    async def get(self, client: Any) -> Any:
        pending = self._pending.get(id(client))
        if pending is None:
            pending = asyncio.ensure_future(self._fetch(client))
            self._pending[id(client)] = pending
        return await asyncio.shield(pending)

    def reader(self, select):
        """A wallet reader returning ``select(result)`` of the shared call."""

        async def read(client: Any) -> list[WalletBalance]:
            return select(await self.get(client))

        return read
