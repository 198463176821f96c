"""The Esplora and JSON-RPC clients against the loopback emulators (real HTTP)."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest

from exposure_app.chains.evm import balance_of_data
from exposure_app.chains.pool import ChainPool, check_api_url
from exposure_app.chains.reader import read_target
from exposure_app.domain.chains import CHAINS
from exposure_app.domain.timeutil import utc_now
from exposure_app.domain.watch_only import derive_addresses, parse_watch_input
from exposure_app.emulator.base import FaultKind
from exposure_app.emulator.esplora import EsploraEmulator
from exposure_app.emulator.evm_rpc import EvmRpcEmulator
from exposure_app.exchanges.errors import ErrorKind, SyncError

from .test_watch_input import ZPUB_84

D = Decimal
HOLDER = "0x" + "ab" * 20


def read(target, url, *, want_receipts=False, concurrency=16):
    async def main():
        pool = ChainPool(concurrency=concurrency, request_timeout=5)
        try:
            return await read_target(pool, target, url, utc_now(), want_receipts=want_receipts)
        finally:
            await pool.close()
    return asyncio.run(main())


def test_xpub_sums_used_addresses_up_to_the_gap_limit(emulator_server):
    esplora = EsploraEmulator(max_concurrent=8)
    url = emulator_server.add(esplora, key="esplora")
    target = parse_watch_input("bitcoin", ZPUB_84)
    receive = derive_addresses(target, 0, 0, 61)
    change = derive_addresses(target, 1, 0, 3)
    esplora.receive(receive[0], 100_000)
    esplora.receive(receive[19], 50_000)     # 18 unused between: still within the gap
    esplora.receive(receive[39], 7)          # 19 unused after index 19: still found
    esplora.spend(receive[0], 30_000)
    esplora.receive(change[2], 1_000, confirmed=False)   # mempool counts
    esplora.receive(receive[60], 999_999)    # 20 unused (40..59) before it: beyond the gap
    result = read(target, url, concurrency=8)
    [balance] = result.reading.balances
    assert (balance.wallet, balance.asset) == ("bitcoin", "BTC")
    assert balance.total == D(100_000 - 30_000 + 50_000 + 7 + 1_000) / D(100_000_000)
    assert "4 used of" in result.reading.coverage_note
    assert esplora.peak_concurrent <= 8
    asked = {path for _m, path in esplora.requests}
    assert f"/address/{receive[60]}" not in asked
    assert f"/address/{receive[59]}" in asked     # the gap after index 39 was scanned


def test_single_address_receipts_exclude_outgoing(emulator_server):
    esplora = EsploraEmulator()
    url = emulator_server.add(esplora, key="esplora")
    address = "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu"
    txid = esplora.receive(address, 25_000_000, block_time=1_767_225_600)
    esplora.spend(address, 1_000_000)
    esplora.receive(address, 5, confirmed=False)
    result = read(parse_watch_input("bitcoin", address), url, want_receipts=True)
    assert result.reading.balances[0].total == D("0.24000005")
    confirmed = [r for r in result.receipts if r.confirmed]
    assert [(r.txid, r.amount, r.at.year) for r in confirmed] == [(txid, D("0.25"), 2026)]
    assert len(result.receipts) == 2       # the spend is not a receipt


@pytest.mark.parametrize(("fault", "kind"), [
    (FaultKind.RATE_LIMIT, ErrorKind.RATE_LIMIT),
    (FaultKind.SERVER_ERROR, ErrorKind.UNAVAILABLE),
    (FaultKind.HTML_200, ErrorKind.BAD_RESPONSE),
    (FaultKind.MALFORMED_JSON, ErrorKind.BAD_RESPONSE),
])
def test_esplora_faults_are_classified(emulator_server, fault, kind):
    esplora = EsploraEmulator()
    url = emulator_server.add(esplora, key="esplora")
    esplora.inject(fault)
    with pytest.raises(SyncError) as info:
        read(parse_watch_input("bitcoin", "1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabA"), url)
    assert info.value.kind is kind
    assert "Bitcoin server 127.0.0.1" in info.value.message


def test_unreachable_server_is_a_network_error():
    with pytest.raises(SyncError) as info:
        read(parse_watch_input("bitcoin", "1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabA"),
             "http://127.0.0.1:9")
    assert info.value.kind is ErrorKind.NETWORK


def test_evm_native_and_token_balances_in_batches(emulator_server):
    rpc = EvmRpcEmulator(chain_id=1, max_batch=10)
    url = emulator_server.add(rpc, key="rpc")
    tokens = {t.symbol: t for t in CHAINS["ethereum"].tokens}
    rpc.set_native(HOLDER, 1_500_000_000_000_000_000)
    rpc.set_token(tokens["USDT"].contract, HOLDER, 1_234_560_000)            # 6 decimals
    rpc.set_token(tokens["WBTC"].contract, HOLDER, 12_345_678)               # 8 decimals
    rpc.set_token(tokens["FTT"].contract, HOLDER, 3 * 10 ** 18)
    result = read(parse_watch_input("ethereum", HOLDER), url)
    got = {b.asset: b.total for b in result.reading.balances}
    assert got == {"ETH": D("1.5"), "USDT": D("1234.56"), "WBTC": D("0.12345678"), "FTT": D(3)}
    batches = [p for m, p in rpc.requests if m == "POST"]
    # 12 calls in batches of at most 10, then the latest block and the balance at it
    assert len(batches) == 4


def test_evm_wrong_chain_is_a_configuration_error(emulator_server):
    rpc = EvmRpcEmulator(chain_id=56)
    url = emulator_server.add(rpc, key="rpc")
    with pytest.raises(SyncError) as info:
        read(parse_watch_input("ethereum", HOLDER), url)
    assert info.value.kind is ErrorKind.CONFIG and "chain id 56" in info.value.message


def test_balance_of_call_data():
    assert balance_of_data(HOLDER) == "0x70a08231" + "0" * 24 + "ab" * 20


@pytest.mark.parametrize("url", ["ftp://node", "http://user:pw@node:3000", "node:3000", "   ",
                                 "http://node:99999", "http://no de:3000"])
def test_server_url_checked(url):
    with pytest.raises(ValueError):
        check_api_url(url)
    assert check_api_url(" https://node.example:3000/ ") == "https://node.example:3000"


def test_evm_token_receipts_from_transfer_logs(emulator_server):
    rpc = EvmRpcEmulator(chain_id=1, max_batch=10)
    url = emulator_server.add(rpc, key="rpc")
    usdt = next(t for t in CHAINS["ethereum"].tokens if t.symbol == "USDT")
    txid = rpc.transfer_token(usdt.contract, HOLDER, 2_500_000_000, when=1_798_000_000)
    rpc.transfer_token(usdt.contract, "0x" + "99" * 20, 7)          # to someone else
    result = read(parse_watch_input("ethereum", HOLDER), url, want_receipts=True)
    assert {b.asset: b.total for b in result.reading.balances} == {"USDT": D(2500)}
    [receipt] = result.receipts
    assert (receipt.txid, receipt.asset, receipt.amount, receipt.confirmed) == (
        txid, "USDT", D(2500), True)
    assert int(receipt.at.timestamp()) == 1_798_000_000 and receipt.address == HOLDER


def test_evm_receipts_failing_keeps_the_balance(emulator_server):
    rpc = EvmRpcEmulator(chain_id=1)
    url = emulator_server.add(rpc, key="rpc")
    rpc.set_native(HOLDER, 10 ** 18)
    rpc.block_number = -1             # eth_blockNumber answers "-0x1": not a quantity
    result = read(parse_watch_input("ethereum", HOLDER), url, want_receipts=True)
    assert result.reading.balances[0].total == D(1) and result.receipts == ()
    assert "incoming token transfers not read" in result.reading.coverage_note
