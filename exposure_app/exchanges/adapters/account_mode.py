"""A unified/classic account mode, learnt once and cached between syncs.

Bybit, KuCoin and Bitget serve a unified trading account and a classic one
through different endpoints. The adapter learns which one a key belongs to
with one probe per client (concurrent wallet readers share it), keeps it in
the client's ``options`` for the rest of the sync, and hands it to the sync
service as a fact (:meth:`detected_facts`) so later syncs make no probe
(:meth:`ccxt_options` puts it back). A cached mode that proves stale is
forgotten (:meth:`forget`) and learnt again; :class:`UnifiedModeAdapter` then
reads the account once more under the new mode.

Threading: used on the sync service's loop only.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from exposure_app.domain.balances import AccountReading
from exposure_app.exchanges.adapters.base import ExchangeAdapter

# The client option the mode is kept under, unless the adapter names ccxt's own:
# where ccxt's ``uta`` option is pinned to False (so that ccxt neither probes the
# mode nor switches its public market-data calls, used for prices, to the
# unified-account API), the mode needs a name of our own.
OWN_OPTION = "exposureUnifiedAccount"


class AccountMode:
    """``fact``: the mode's cached name; ``option``: where it sits in ``client.options``."""

    def __init__(self, fact: str, probe: Callable[[Any], Awaitable[bool]], *,
                 option: str = OWN_OPTION) -> None:
        self.option = option
        self.fact = fact
        self._probe = probe
        self._pending: asyncio.Future | None = None

    def ccxt_options(self, cached: dict[str, Any]) -> dict[str, Any]:
        """The cached mode as a client option, when one is known."""
        known = cached.get(self.fact)
        return {self.option: known} if isinstance(known, bool) else {}

    def detected_facts(self, client: Any) -> dict[str, Any]:
        known = self.known(client)
        return {self.fact: known} if known is not None else {}

    def known(self, client: Any) -> bool | None:
        known = client.options.get(self.option)
        return known if isinstance(known, bool) else None

    async def is_unified(self, client: Any) -> bool:
        """The mode: known on the client, else probed once (a failed probe is raised,
        never taken for either mode)."""
        known = self.known(client)
        if known is not None:
            return known
        pending = self._pending
        # a finished probe with no mode set means it failed or the mode was forgotten
        if pending is None or pending.done():
            pending = self._pending = asyncio.ensure_future(self._learn(client))
        return await asyncio.shield(pending)

    async def _learn(self, client: Any) -> bool:
        unified = await self._probe(client)
        client.options[self.option] = unified
        return unified

    def forget(self, client: Any) -> None:
        """The cached mode proved stale: the next :meth:`is_unified` probes again."""
        client.options[self.option] = None
        self._pending = None


class UnifiedModeAdapter(ExchangeAdapter):
    """An adapter for an exchange with unified and classic accounts (its :attr:`mode`).

    The mode is passed to ccxt and cached as a fact with the adapter's own;
    a cached mode that proved stale during a read (a reader was refused for the
    old mode and learnt it again) makes every wallet read once more, since
    wallets read under the old mode are wrong.
    """

    mode: AccountMode

    def ccxt_options(self, cached: dict[str, Any]) -> dict[str, Any]:
        return self.mode.ccxt_options(cached)

    def detected_facts(self, client: Any) -> dict[str, Any]:
        return {**super().detected_facts(client), **self.mode.detected_facts(client)}

    async def is_unified(self, client: Any) -> bool:
        return await self.mode.is_unified(client)

    async def read_balances(self, client: Any) -> AccountReading:
        before = self.mode.known(client)
        reading = await super().read_balances(client)
        after = self.mode.known(client)
        if before is not None and after is not None and after != before:
            reading = await super().read_balances(client)
        return reading
