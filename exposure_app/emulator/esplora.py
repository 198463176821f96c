"""A loopback Esplora server: ``/address/:address`` and ``/address/:address/txs``.

Answers in the format Blockstream's Esplora API.md documents (amounts in
satoshis; ``chain_stats``/``mempool_stats`` with ``funded_txo_count``,
``funded_txo_sum``, ``spent_txo_count``, ``spent_txo_sum``, ``tx_count``;
transactions newest first with ``txid``, ``vin[].prevout``, ``vout[]`` and
``status``). Unknown addresses answer with zero stats, as Esplora does.

State: :meth:`receive` and :meth:`spend` add transactions to an address.
"""

from __future__ import annotations

import hashlib
import itertools
import time
from dataclasses import dataclass

from aiohttp import web

from exposure_app.emulator.chain_base import ChainEmulator

_SENDER = "bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh"
"""The counterparty address shown on the other side of emulated transactions."""


@dataclass
class EmulatedTx:
    txid: str
    address: str
    sats: int
    """Positive: received by ``address``; negative: spent from it."""
    confirmed: bool
    block_time: int | None


class EsploraEmulator(ChainEmulator):
    exchange_id = "esplora"

    def __init__(self, *, latency: float = 0.0, max_concurrent: int = 32) -> None:
        super().__init__(latency=latency, max_concurrent=max_concurrent)
        self.txs: list[EmulatedTx] = []
        self._counter = itertools.count(1)

    # -- state ------------------------------------------------------------------

    def _txid(self) -> str:
        return hashlib.sha256(f"emulated-tx-{next(self._counter)}".encode()).hexdigest()

    def receive(self, address: str, sats: int, *, confirmed: bool = True,
                block_time: int | None = None, txid: str | None = None) -> str:
        txid = txid or self._txid()
        when = block_time if block_time is not None else (int(time.time()) if confirmed else None)
        self.txs.append(EmulatedTx(txid, address, sats, confirmed, when))
        return txid

    def spend(self, address: str, sats: int) -> str:
        txid = self._txid()
        self.txs.append(EmulatedTx(txid, address, -sats, True, int(time.time())))
        return txid

    # -- answers ----------------------------------------------------------------

    def _stats(self, address: str, confirmed: bool) -> dict[str, int]:
        txs = [t for t in self.txs if t.address == address and t.confirmed is confirmed]
        funded = [t.sats for t in txs if t.sats > 0]
        spent = [-t.sats for t in txs if t.sats < 0]
        return {"funded_txo_count": len(funded), "funded_txo_sum": sum(funded),
                "spent_txo_count": len(spent), "spent_txo_sum": sum(spent), "tx_count": len(txs)}

    async def _address(self, request: web.Request) -> web.Response:
        address = request.match_info["address"]
        return self.json({"address": address, "chain_stats": self._stats(address, True),
                          "mempool_stats": self._stats(address, False)})

    def _tx_json(self, tx: EmulatedTx) -> dict:
        mine = {"scriptpubkey_address": tx.address, "scriptpubkey_type": "v0_p2wpkh"}
        other = {"scriptpubkey_address": _SENDER, "scriptpubkey_type": "v0_p2wpkh"}
        if tx.sats > 0:
            vin = [{"txid": "00" * 32, "vout": 0, "prevout": {**other, "value": tx.sats + 1000}}]
            vout = [{**mine, "value": tx.sats}]
        else:
            vin = [{"txid": "00" * 32, "vout": 0, "prevout": {**mine, "value": -tx.sats + 1000}}]
            vout = [{**other, "value": -tx.sats}]
        status: dict = {"confirmed": tx.confirmed}
        if tx.confirmed:
            status.update(block_height=800_000, block_hash="00" * 32, block_time=tx.block_time)
        return {"txid": tx.txid, "version": 2, "locktime": 0, "vin": vin, "vout": vout,
                "size": 222, "weight": 561, "fee": 1000, "status": status}

    async def _address_txs(self, request: web.Request) -> web.Response:
        address = request.match_info["address"]
        txs = [t for t in reversed(self.txs) if t.address == address]
        mempool = [t for t in txs if not t.confirmed][:50]
        confirmed = [t for t in txs if t.confirmed][:25]
        return self.json([self._tx_json(t) for t in mempool + confirmed])

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get("/address/{address}", self._address)
        app.router.add_get("/address/{address}/txs", self._address_txs)
