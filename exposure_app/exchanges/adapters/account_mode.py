"""A unified/classic account mode, learnt once and cached between syncs.

Bybit, KuCoin and Bitget serve a unified trading account and a classic one
through different endpoints. The adapter learns which one a key belongs to
with one probe per client (concurrent wallet readers share it), keeps it in
the client's ``options`` for the rest of the sync, and hands it to the sync
service as a fact (:meth:`detected_facts`) so later syncs make no probe
(:meth:`ccxt_options` puts it back). A cached mode that proves stale is
forgotten (:meth:`forget`) and learnt again.

Threading: used on the sync service's loop only.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any


class AccountMode:
    """``option``: where the mode sits in ``client.options``; ``fact``: its cached name."""

    def __init__(self, option: str, fact: str,
                 probe: Callable[[Any], Awaitable[bool]]) -> None:
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
