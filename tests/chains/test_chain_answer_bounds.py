"""Chain servers' answers (Esplora, EVM JSON-RPC) are bounded in whole-request time and size,
and an answer that arrives in many pieces is read to its end."""

from __future__ import annotations

import asyncio
import json
import time
from decimal import Decimal

import pytest

from exposure_app.chains.pool import MAX_BODY_BYTES, ChainPool
from exposure_app.chains.reader import read_target
from exposure_app.domain.timeutil import utc_now
from exposure_app.domain.watch_only import parse_watch_input
from exposure_app.emulator.base import FaultKind
from exposure_app.emulator.esplora import EsploraEmulator
from exposure_app.emulator.evm_rpc import EvmRpcEmulator
from exposure_app.emulator.http_faults import FaultServer
from exposure_app.exchanges.errors import ErrorKind, SyncError
from exposure_app.services.profile import Profile
from exposure_app.services.sync_events import AccountSyncStatus
from exposure_app.services.sync_service import SyncService
from exposure_app.services.watch_accounts import add_watch_account
from exposure_app.storage.secrets import SecretStore, memory_keyring

BTC_ADDRESS = "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu"
HOLDER = "0x" + "ab" * 20


def read(chain: str, address: str, url: str, *, timeout: float = 5.0):
    async def main():
        pool = ChainPool(request_timeout=timeout)
        try:
            return await read_target(pool, parse_watch_input(chain, address), url, utc_now())
        finally:
            await pool.close()

    return asyncio.run(main())


def request(url: str, *, timeout: float = 5.0):
    async def main():
        pool = ChainPool(request_timeout=timeout)
        try:
            return await pool.request_json("GET", url, name="Bitcoin server")
        finally:
            await pool.close()

    return asyncio.run(main())


@pytest.mark.parametrize("chain", ["bitcoin", "ethereum"])
def test_a_dripping_answer_ends_at_the_request_timeout(emulator_server, chain):
    server = EsploraEmulator() if chain == "bitcoin" else EvmRpcEmulator(chain_id=1)
    url = emulator_server.add(server, key=chain)
    server.inject(FaultKind.DRIP, private_only=False)
    started = time.monotonic()
    with pytest.raises(SyncError) as info:
        read(chain, BTC_ADDRESS if chain == "bitcoin" else HOLDER, url, timeout=2.0)
    assert info.value.kind is ErrorKind.TIMEOUT, info.value.message
    assert time.monotonic() - started < 6


@pytest.mark.parametrize("chain", ["bitcoin", "ethereum"])
def test_an_endless_answer_is_refused_at_the_cap(emulator_server, chain):
    server = EsploraEmulator() if chain == "bitcoin" else EvmRpcEmulator(chain_id=1)
    url = emulator_server.add(server, key=chain)
    server.inject(FaultKind.HUGE_BODY, private_only=False)
    with pytest.raises(SyncError) as info:
        read(chain, BTC_ADDRESS if chain == "bitcoin" else HOLDER, url, timeout=30.0)
    assert info.value.kind is ErrorKind.BAD_RESPONSE
    assert f"larger than {MAX_BODY_BYTES // (1024 * 1024)} MiB" in info.value.message


def test_an_answer_in_many_pieces_is_read_whole_and_a_declared_giant_refused():
    # about 300 KB: more than one network read, well under the cap
    body = json.dumps({"txs": [{"txid": f"{n:064x}", "value": n} for n in range(3000)]})
    with FaultServer(body=body.encode(), content_type="application/json") as server:
        assert len(request(server.url + "/address")["txs"]) == 3000
        server.body = b" " * (MAX_BODY_BYTES + 1)     # declared in Content-Length
        with pytest.raises(SyncError, match="larger than"):
            request(server.url + "/address")


def test_a_refused_answer_fails_the_account_and_keeps_its_last_balance(store, data_dir,
                                                                       emulator_server):
    esplora = EsploraEmulator()
    url = emulator_server.add(esplora, key="esplora")
    esplora.receive(BTC_ADDRESS, 25_000_000)
    account = add_watch_account(store, "Cold BTC", "bitcoin", BTC_ADDRESS, url)
    service = SyncService(Profile(data_dir), secret_store=SecretStore(memory_keyring()),
                          account_timeout=30)
    try:
        assert service.sync().result(60).results[0].status is AccountSyncStatus.OK
        esplora.inject(FaultKind.HUGE_BODY, private_only=False)
        [result] = service.sync([account.id]).result(60).results
    finally:
        service.shutdown()
    assert result.status is AccountSyncStatus.FAILED and result.error_kind == "bad_response"
    state = store.snapshots.state(store.accounts.get(account.id), utc_now())
    assert state.is_stale and "larger than" in (state.stale_reason or "")
    assert state.snapshot is not None and state.snapshot.holdings[0].total == Decimal("0.25")
