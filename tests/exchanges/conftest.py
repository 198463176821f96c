"""Fixtures shared by the exchange tests (``memory_keyring``, ``secret_store``,
``emulator_server`` and ``add_exchange_account`` are the whole suite's, in
``tests/conftest.py``).

* ``run_adapter``: ``run_adapter(emu, adapter=None, credentials=None, ...)``
  builds the real ccxt client with ``build_client`` pointed at ``emu`` and
  runs ``adapter.read_account`` (or ``action(client)``) in ``asyncio.run``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from exposure_app.emulator.base import ExchangeEmulator
from exposure_app.exchanges.adapters.base import ExchangeAdapter
from exposure_app.exchanges.adapters.registry import adapter_for
from exposure_app.exchanges.client_factory import ConnectionOptions, build_client


def run_adapter_on(
    emulator: ExchangeEmulator,
    adapter: ExchangeAdapter | None = None,
    *,
    credentials: dict[str, str] | None = None,
    options: dict[str, Any] | None = None,
    action: Callable[[Any], Awaitable[Any]] | None = None,
    timeout_seconds: float = 5.0,
    exchange_id: str | None = None,
) -> Any:
    """Runs ``adapter.read_account(client)`` (or ``action``) against a served emulator."""
    exchange_id = exchange_id or emulator.exchange_id
    adapter = adapter or adapter_for(exchange_id)
    assert emulator.base_url, "serve the emulator first (emulator_server.add(emu))"

    async def main() -> Any:
        client = build_client(
            exchange_id,
            credentials if credentials is not None else emulator.account.credentials(),
            ConnectionOptions(api_url=emulator.base_url, timeout_seconds=timeout_seconds),
            options if options is not None else adapter.client_options({}),
            adapter.ccxt_config(),
        )
        try:
            if action is not None:
                return await action(client)
            return await adapter.read_account(client)
        finally:
            await client.close()

    return asyncio.run(main())


@pytest.fixture
def run_adapter(emulator_server):
    """``run_adapter(emu, ...)``: serves ``emu`` if needed, then :func:`run_adapter_on`."""

    def run(emulator: ExchangeEmulator, adapter: ExchangeAdapter | None = None, **kwargs):
        if emulator.base_url is None:
            emulator_server.add(emulator, key=f"{emulator.exchange_id}-{id(emulator)}")
        return run_adapter_on(emulator, adapter, **kwargs)

    return run
