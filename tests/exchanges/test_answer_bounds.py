"""Every exchange answer is bounded in whole-request time and in size.

A Binance emulator answers a synced account's signed requests with one byte a
second (``DRIP``) or with an endless chunked body (``HUGE_BODY``). The sync
must end at the request timeout, or stop reading at the size cap without
holding the body, and report that account as failed with a one-line reason,
its last good snapshot kept and shown stale.
"""

from __future__ import annotations

import asyncio
import time
import tracemalloc
from decimal import Decimal

import pytest

from exposure_app.emulator.base import EmulatedAccount, EmulatedBalance, FaultKind
from exposure_app.emulator.binance import BinanceEmulator
from exposure_app.emulator.http_faults import FaultServer
from exposure_app.exchanges.answer_limits import (
    ACCOUNT_ANSWERS,
    MARKET_DATA_ANSWERS,
    MIB,
    AnswerLimit,
    AnswerTooLargeError,
)
from exposure_app.exchanges.client_factory import ConnectionOptions, build_client
from exposure_app.services.profile import Profile
from exposure_app.services.sync_service import sync_blocking
from exposure_app.storage.secrets import SecretStore

D = Decimal
REQUEST_TIMEOUT = 1.5
ACCOUNT_DEADLINE = 8.0


def rows(snapshot):
    return sorted((h.wallet, h.asset, h.total) for h in snapshot.holdings)


@pytest.fixture
def synced(request, store, data_dir, add_exchange_account, memory_keyring):
    """One Binance account synced once; ``request.param``: (request timeout, account deadline)."""
    request_timeout, deadline = getattr(request, "param", (REQUEST_TIMEOUT, ACCOUNT_DEADLINE))
    balances = [EmulatedBalance("spot", "BTC", D("0.5")), EmulatedBalance("funding", "ETH", D(2))]
    emulator = BinanceEmulator(EmulatedAccount("bounds-key", "bounds-secret", balances=balances),
                               tickers={"BTC/USDT": D(60000), "ETH/USDT": D(3000)})
    account = add_exchange_account(store, "Binance", emulator, timeout_seconds=request_timeout)

    def sync():
        return sync_blocking(Profile(data_dir), secret_store=SecretStore(memory_keyring),
                             account_timeout=deadline)

    first = sync()
    assert first.results[0].status.value == "ok", first.results[0].error
    return emulator, account, sync, first


def assert_failed_and_stale(store, account, report, first, kind: str, words: str) -> None:
    result = report.result_for(account.id)
    assert result.status.value == "failed"
    assert result.error_kind == kind, result.error
    assert words in result.error and "\n" not in result.error
    last_good = store.snapshots.get(first.result_for(account.id).snapshot_id)
    assert store.snapshots.latest_usable(account.id, report.finished_at).id == last_good.id
    state = store.snapshots.state(account, report.finished_at)
    assert state.is_stale and state.stale_reason == result.error
    assert rows(state.snapshot) == rows(last_good) and rows(last_good)


def test_a_dripping_answer_ends_at_the_request_timeout(store, synced):
    emulator, account, sync, first = synced
    emulator.inject(FaultKind.DRIP)
    started = time.monotonic()
    report = sync()
    elapsed = time.monotonic() - started
    assert_failed_and_stale(store, account, report, first, "timeout", "did not answer in time")
    # the request timeout ended it, not the account's deadline
    assert elapsed < ACCOUNT_DEADLINE, elapsed


# time enough to read the capped 32 MiB on a loaded machine: the cap must end it, not the clock
@pytest.mark.parametrize("synced", [(30.0, 60.0)], indirect=True)
def test_an_endless_answer_is_refused_at_the_cap_without_holding_it(store, synced):
    emulator, account, sync, first = synced
    emulator.inject(FaultKind.HUGE_BODY)
    tracemalloc.start()
    started = time.monotonic()
    try:
        report = sync()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    print(f"refused in {time.monotonic() - started:.1f} s, peak {peak / MIB:.0f} MiB traced")
    assert_failed_and_stale(store, account, report, first, "bad_response", "larger than")
    # the nine wallets are read side by side: together they hold at most the client's cap
    # (without it, the same sync read the endless bodies until the timeout, gigabytes)
    assert peak < ACCOUNT_ANSWERS.together + 32 * MIB, peak / MIB


def fetch(url: str, *, max_answer_bytes: int, timeout: float = 5.0):
    async def main():
        client = build_client("binance", {}, ConnectionOptions(timeout_seconds=timeout),
                              answer_limit=AnswerLimit(max_answer_bytes, 2 * max_answer_bytes))
        try:
            return await client.fetch(url)
        finally:
            await client.close()

    return asyncio.run(main())


def test_an_answer_is_read_up_to_its_cap_and_refused_beyond():
    body = b'{"balances": "' + b"x" * 3000 + b'"}'
    with FaultServer(body=body, content_type="application/json") as server:
        assert fetch(server.url + "/ok", max_answer_bytes=4096)["balances"] == "x" * 3000
        # a declared length over the cap is refused before the body is read
        with pytest.raises(AnswerTooLargeError, match="larger than 2 KiB"):
            fetch(server.url + "/ok", max_answer_bytes=2048)
        # so is a body without a declared length, once it passes the cap
        with pytest.raises(AnswerTooLargeError, match="larger than 1 MiB"):
            fetch(server.url + "/huge", max_answer_bytes=MIB)


def test_public_market_data_is_capped_too(emulator_server):
    from exposure_app.exchanges.market_data import MarketDataClient, PriceSource

    emulator = BinanceEmulator.sample()
    emulator_server.add(emulator)
    emulator.inject(FaultKind.HUGE_BODY, private_only=False)
    client = MarketDataClient(PriceSource("binance", emulator.base_url), proxy=None, timeout=5)

    async def main():
        try:
            await client.markets()
        finally:
            await client.close()

    with pytest.raises(AnswerTooLargeError, match=f"larger than {MARKET_DATA_ANSWERS.per_answer // MIB} MiB"):
        asyncio.run(main())
