"""Bitcoin balances from an Esplora-compatible HTTP API.

The format is the one Blockstream's Esplora documents (API.md) and
mempool.space and electrs serve: ``GET /address/:address`` returns
``chain_stats`` and ``mempool_stats``, each with ``funded_txo_sum``,
``spent_txo_sum`` and ``tx_count`` (amounts in satoshis);
``GET /address/:address/txs`` lists up to 50 mempool and the 25 newest
confirmed transactions, each with ``txid``, ``vin`` (``prevout``), ``vout``
(``scriptpubkey_address``, ``value``) and ``status`` (``confirmed``,
``block_time``).

An extended public key is scanned with the gap limit on its receive and change
chains: addresses are queried in a sliding window that never runs more than
:data:`~exposure_app.domain.watch_only.GAP_LIMIT` past the last used one, so
an xpub with hundreds of used addresses costs one request per address plus
the gap, with requests in flight up to the pool's per-server limit.

Threading: sync loop only (uses a :class:`~exposure_app.chains.pool.ChainPool`).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from exposure_app.chains.pool import ChainPool
from exposure_app.domain.watch_only import (
    GAP_LIMIT,
    Receipt,
    TargetKind,
    WatchTarget,
    derive_addresses,
)
from exposure_app.exchanges.errors import BadResponseError, ErrorKind, make_error

SATS = Decimal(100_000_000)
MAX_SATS = 21_000_000 * 100_000_000
MAX_INDEX = 5000
"""Addresses scanned per chain of an extended key at most (a bound, not a wallet limit)."""
MAX_RECEIPT_ADDRESSES = 50
"""Used addresses of an extended key whose transactions are read for confirmations."""


@dataclass(frozen=True, slots=True)
class AddressStats:
    address: str
    confirmed_sats: int
    mempool_sats: int
    tx_count: int

    @property
    def used(self) -> bool:
        return self.tx_count > 0


@dataclass(frozen=True, slots=True)
class BitcoinBalance:
    sats: int
    used_addresses: tuple[str, ...]
    scanned: int


def _sats(stats: Any, field: str) -> int:
    value = stats.get(field) if isinstance(stats, dict) else None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_SATS * 10:
        raise BadResponseError(f"{field} missing or out of range")
    return value


def parse_address_stats(address: str, body: Any) -> AddressStats:
    """The stats of ``address`` from a ``/address/:address`` answer (validated)."""
    if not isinstance(body, dict):
        raise BadResponseError("address answer is not an object")
    if body.get("address") not in (None, address):
        raise BadResponseError("answer for another address")
    chain, mempool = body.get("chain_stats"), body.get("mempool_stats")
    confirmed = _sats(chain, "funded_txo_sum") - _sats(chain, "spent_txo_sum")
    pending = _sats(mempool, "funded_txo_sum") - _sats(mempool, "spent_txo_sum")
    if confirmed < 0 or confirmed + pending < 0 or confirmed > MAX_SATS:
        raise BadResponseError("balance out of range")
    tx_count = _sats(chain, "tx_count") + _sats(mempool, "tx_count")
    return AddressStats(address, confirmed, pending, tx_count)


def parse_receipts(address: str, body: Any, seen_at: datetime) -> list[Receipt]:
    """Incoming transactions of ``address`` from a ``/address/:address/txs`` answer."""
    if not isinstance(body, list) or len(body) > 200:
        raise BadResponseError("transaction list missing or too long")
    receipts = []
    for tx in body:
        if not isinstance(tx, dict) or not isinstance(tx.get("txid"), str):
            raise BadResponseError("transaction without a txid")
        txid = tx["txid"]
        if len(txid) != 64 or any(c not in "0123456789abcdef" for c in txid):
            raise BadResponseError("malformed txid")
        vin, vout = tx.get("vin"), tx.get("vout")
        if not isinstance(vin, list) or not isinstance(vout, list):
            raise BadResponseError("transaction without inputs or outputs")
        spends_own = any(isinstance(i, dict) and isinstance(i.get("prevout"), dict)
                         and i["prevout"].get("scriptpubkey_address") == address for i in vin)
        if spends_own:
            continue   # outgoing (its change comes back here); not a receipt
        received = sum(_sats(o, "value") for o in vout
                       if isinstance(o, dict) and o.get("scriptpubkey_address") == address)
        if received <= 0:
            continue
        raw_status = tx.get("status")
        status: dict[str, Any] = raw_status if isinstance(raw_status, dict) else {}
        confirmed = status.get("confirmed") is True
        block_time = status.get("block_time")
        at = seen_at
        if confirmed and isinstance(block_time, int) and 1_230_000_000 <= block_time <= 2 ** 33:
            at = datetime.fromtimestamp(block_time, UTC)
        receipts.append(Receipt(txid, address, "BTC", Decimal(received) / SATS, at, confirmed))
    return receipts


class EsploraClient:
    """Threading: sync loop only."""

    def __init__(self, pool: ChainPool, base_url: str, name: str,
                 proxy: str | None = None) -> None:
        self.pool = pool
        self.base_url = base_url.rstrip("/")
        self.name = name
        self.proxy = proxy

    async def address_stats(self, address: str) -> AddressStats:
        body = await self.pool.request_json("GET", f"{self.base_url}/address/{address}",
                                            name=self.name, proxy=self.proxy)
        try:
            return parse_address_stats(address, body)
        except BadResponseError as exc:
            raise make_error(ErrorKind.BAD_RESPONSE, self.name, detail=str(exc)) from None

    async def receipts(self, address: str, seen_at: datetime) -> list[Receipt]:
        body = await self.pool.request_json("GET", f"{self.base_url}/address/{address}/txs",
                                            name=self.name, proxy=self.proxy)
        try:
            return parse_receipts(address, body, seen_at)
        except BadResponseError as exc:
            raise make_error(ErrorKind.BAD_RESPONSE, self.name, detail=str(exc)) from None

    async def balance(self, target: WatchTarget) -> BitcoinBalance:
        """The target's balance: one address, or every used address of an extended key."""
        if target.kind is TargetKind.ADDRESS:
            stats = await self.address_stats(target.value)
            used = (stats.address,) if stats.used else ()
            return BitcoinBalance(stats.confirmed_sats + stats.mempool_sats, used, 1)
        chains = await asyncio.gather(self._scan(target, 0), self._scan(target, 1))
        found = [s for chain in chains for s in chain]
        return BitcoinBalance(sum(s.confirmed_sats + s.mempool_sats for s in found),
                              tuple(s.address for s in found if s.used), len(found))

    async def _scan(self, target: WatchTarget, change: int) -> list[AddressStats]:
        """Stats of one chain's addresses up to the gap limit past the last used one."""
        window = max(1, self.pool.concurrency)
        addresses: list[str] = []
        results: dict[int, AddressStats] = {}
        last_used = -1
        next_index = 0
        in_flight: set[asyncio.Task] = set()

        async def query(index: int) -> tuple[int, AddressStats]:
            return index, await self.address_stats(addresses[index])

        try:
            while True:
                while next_index <= last_used + GAP_LIMIT and len(in_flight) < window:
                    if next_index >= MAX_INDEX:
                        raise make_error(ErrorKind.NOT_SUPPORTED, self.name, detail=(
                            f"more than {MAX_INDEX} addresses in use on one chain of this key"))
                    if next_index >= len(addresses):
                        addresses += await asyncio.to_thread(
                            derive_addresses, target, change, len(addresses), GAP_LIMIT)
                    in_flight.add(asyncio.ensure_future(query(next_index)))
                    next_index += 1
                if not in_flight:
                    break
                done, in_flight = await asyncio.wait(in_flight,
                                                     return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    index, stats = task.result()
                    results[index] = stats
                    if stats.used:
                        last_used = max(last_used, index)
        finally:
            for task in in_flight:
                task.cancel()
            if in_flight:
                await asyncio.gather(*in_flight, return_exceptions=True)
        return [results[i] for i in sorted(results)]
