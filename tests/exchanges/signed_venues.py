"""Test helpers for the per-exchange adapter tests (OKX, Bybit, Bitget and KuCoin
run their adapters through :func:`run_client`; every exchange checks its sync
through :func:`sync_through_service` and :func:`assert_complete_sync`).

Each test runs the real ccxt async client, built by the app's client factory
with the account's API URL override, against the exchange's loopback
emulator, inside ``asyncio.run`` (the suite has no asyncio plugin).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from decimal import Decimal
from typing import Any

from exposure_app.domain.balances import WalletBalance
from exposure_app.emulator.base import EmulatedBalance, ExchangeEmulator, start_emulators
from exposure_app.exchanges.adapters.base import ExchangeAdapter
from exposure_app.exchanges.client_factory import ConnectionOptions, build_client


def run_client(
    exchange_id: str,
    emulator: ExchangeEmulator,
    adapter: ExchangeAdapter,
    credentials: dict[str, str],
    action: Callable[[Any], Awaitable[Any]],
    *,
    options: dict[str, Any] | None = None,
) -> Any:
    """Starts ``emulator``, runs ``action(client)`` with a real client, closes both."""

    async def main() -> Any:
        client = build_client(
            exchange_id,
            credentials,
            ConnectionOptions(api_url=emulator.base_url, timeout_seconds=5),
            options if options is not None else adapter.client_options({}),
            adapter.ccxt_config(),
        )
        # ccxt's per-client throttle (OKX: 110 ms x endpoint cost) is not under
        # test here and would make each read take about a second; the sync
        # service tests keep it on.
        client.enableRateLimit = False
        try:
            return await action(client)
        finally:
            await client.close()

    with start_emulators([emulator]):
        return asyncio.run(main())


def expected_by_wallet(balances: Iterable[EmulatedBalance]) -> dict[tuple[str, str], tuple]:
    """(wallet, asset) -> (free, locked) summed over the emulated balances."""
    result: dict[tuple[str, str], list[Decimal]] = {}
    for b in balances:
        sums = result.setdefault((b.wallet, b.asset), [Decimal(0), Decimal(0)])
        sums[0] += b.free
        sums[1] += b.locked
    return {key: (free, locked) for key, (free, locked) in result.items()}


def read_by_wallet(rows: Iterable[WalletBalance]) -> dict[tuple[str, str], tuple]:
    """(wallet, asset) -> (free, locked) summed over the adapter's rows,
    checking on the way that every row's total is free + locked."""
    result: dict[tuple[str, str], list[Decimal]] = {}
    for row in rows:
        assert row.total == row.free + row.locked, row
        sums = result.setdefault((row.wallet, row.asset), [Decimal(0), Decimal(0)])
        sums[0] += row.free
        sums[1] += row.locked
    return {key: (free, locked) for key, (free, locked) in result.items()}


def by_key(rows: Iterable[WalletBalance]) -> dict[tuple[str, str], WalletBalance]:
    """(wallet, asset) -> row, for rows known to be one per wallet and asset."""
    return {(r.wallet, r.asset): r for r in rows}


def sync_through_service(data_dir, store, secret_store, account_id: int):
    """Runs the real sync service on ``account_id`` and returns (result, snapshot).

    The service opens its own store on the profile's SQLite file in its loop
    thread; the snapshot is then read back through the test's own store.
    """
    from exposure_app.domain.timeutil import utc_now
    from exposure_app.services.profile import Profile
    from exposure_app.services.sync_service import SyncService

    with SyncService(Profile(data_dir), secret_store=secret_store, account_timeout=20) as service:
        report = service.sync([account_id]).result(timeout=60)
    result = report.result_for(account_id)
    snapshot = store.snapshots.latest_usable(account_id, utc_now())
    return result, snapshot


def second_sync(data_dir, store, secret_store, account_id: int, emulator: ExchangeEmulator):
    """Syncs ``account_id`` twice through the service (the first must be ``ok``) and returns
    the second's (result, snapshot), with ``emulator.requests`` holding its requests only:
    for what a sync caches for the next one."""
    first, _ = sync_through_service(data_dir, store, secret_store, account_id)
    assert first.status.value == "ok", first.error
    emulator.requests.clear()
    return sync_through_service(data_dir, store, secret_store, account_id)


def holdings_by_wallet(snapshot) -> dict[tuple[str, str], tuple]:
    """(wallet, asset) -> (free, locked) over a stored snapshot's holdings."""
    result: dict[tuple[str, str], list[Decimal]] = {}
    for holding in snapshot.holdings:
        assert holding.total == holding.free + holding.locked, holding
        sums = result.setdefault((holding.wallet, holding.asset), [Decimal(0), Decimal(0)])
        sums[0] += holding.free
        sums[1] += holding.locked
    return {key: (free, locked) for key, (free, locked) in result.items()}


def assert_complete_sync(result, snapshot, *, coverage: Iterable[str],
                         emulator: ExchangeEmulator | None = None) -> dict[tuple[str, str], tuple]:
    """An ``ok`` result that read exactly the ``coverage`` wallets, and its stored ``ok``
    snapshot; with ``emulator``, the snapshot holds exactly the emulated balances.

    Returns (wallet, asset) -> (total, locked) of the snapshot, for the exchange's own
    checks.
    """
    assert result.status.value == "ok", result.error
    assert set(result.coverage) == set(coverage)
    assert snapshot is not None and snapshot.status.value == "ok"
    assert snapshot.id == result.snapshot_id
    if emulator is not None:
        assert holdings_by_wallet(snapshot) == expected_by_wallet(emulator.account.balances)
    return {(h.wallet, h.asset): (h.total, h.locked) for h in snapshot.holdings}


def unlock_dates(store, snapshot, wallet: str, asset: str) -> list:
    """The unlock instants stored with ``snapshot`` for one wallet's asset."""
    from exposure_app.domain.timeutil import parse_instant
    from exposure_app.storage.checklist import HoldingLockRepository

    locks = HoldingLockRepository(store).for_snapshots([snapshot.id])[snapshot.id]
    return [parse_instant(lock.unlock_at) for lock in locks
            if (lock.wallet, lock.asset) == (wallet, asset)]
