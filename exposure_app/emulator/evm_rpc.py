"""A loopback EVM JSON-RPC server: ``eth_chainId``, ``eth_getBalance`` and ERC-20 ``balanceOf``.

Also ``eth_blockNumber``, ``eth_getLogs`` (ERC-20 ``Transfer`` logs made with
:meth:`EvmRpcEmulator.transfer_token`, filtered by block range, contract and
topics) and ``eth_getBlockByNumber`` (number and timestamp).

Accepts single requests and batches (an array; at most ``max_batch`` calls,
above which it answers with a JSON-RPC error as public endpoints do).
``eth_call`` answers only ``balanceOf(address)`` (selector ``0x70a08231``) on
the contracts given balances; other contracts answer 0, like a token the
address never held.

State: ``native[address]`` in wei and ``tokens[(contract, address)]`` in
token units (both lower-case hex addresses).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import time

from aiohttp import web

from exposure_app.emulator.chain_base import ChainEmulator

BALANCE_OF = "0x70a08231"
TRANSFER_TOPIC = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"


class EvmRpcEmulator(ChainEmulator):
    exchange_id = "evm_rpc"

    def __init__(self, *, chain_id: int = 1, latency: float = 0.0, max_concurrent: int = 32,
                 max_batch: int = 50) -> None:
        super().__init__(latency=latency, max_concurrent=max_concurrent)
        self.chain_id = chain_id
        self.max_batch = max_batch
        self.native: dict[str, int] = {}
        self.tokens: dict[tuple[str, str], int] = {}
        self.block_number = 20_000_000
        self.block_times: dict[int, int] = {}
        self.logs: list[dict] = []
        self._tx_counter = itertools.count(1)

    def set_native(self, address: str, wei: int) -> None:
        self.native[address.lower()] = wei

    def set_token(self, contract: str, address: str, units: int) -> None:
        self.tokens[(contract.lower(), address.lower())] = units

    def transfer_token(self, contract: str, to: str, units: int, *,
                       when: int | None = None) -> str:
        """An ERC-20 transfer to ``to`` in a new block: balance, ``Transfer`` log and block time."""
        self.block_number += 1
        self.block_times[self.block_number] = when if when is not None else int(time.time())
        key = (contract.lower(), to.lower())
        self.tokens[key] = self.tokens.get(key, 0) + units
        txid = "0x" + hashlib.sha256(f"evm-tx-{next(self._tx_counter)}".encode()).hexdigest()
        self.logs.append({
            "address": contract.lower(), "blockNumber": hex(self.block_number),
            "transactionHash": txid, "logIndex": "0x0", "removed": False,
            "data": "0x" + f"{units:064x}",
            "topics": [TRANSFER_TOPIC, "0x" + "0" * 24 + "11" * 20,
                       "0x" + "0" * 24 + to.lower().removeprefix("0x")],
        })
        return txid

    def _logs(self, query: dict) -> list[dict]:
        start = int(str(query.get("fromBlock", "0x0")), 16)
        end = int(str(query.get("toBlock", hex(self.block_number))), 16)
        topics = query.get("topics") or []
        out = []
        for log in self.logs:
            block = int(log["blockNumber"], 16)
            if not start <= block <= end or log["address"] != str(query.get("address")).lower():
                continue
            if any(want is not None and want != have for want, have in zip(topics, log["topics"],
                                                                          strict=False)):
                continue
            out.append(log)
        return out

    def _answer(self, call: object) -> dict:
        if not isinstance(call, dict):
            return {"jsonrpc": "2.0", "id": None,
                    "error": {"code": -32600, "message": "Invalid Request"}}
        method, params, call_id = call.get("method"), call.get("params") or [], call.get("id")

        def ok(value: int) -> dict:
            return {"jsonrpc": "2.0", "id": call_id, "result": hex(value)}

        if method == "eth_chainId":
            return ok(self.chain_id)
        if method == "eth_blockNumber":
            return ok(self.block_number)
        if method == "eth_getLogs" and params and isinstance(params[0], dict):
            return {"jsonrpc": "2.0", "id": call_id, "result": self._logs(params[0])}
        if method == "eth_getBlockByNumber" and params:
            number = int(str(params[0]), 16)
            if number not in self.block_times:
                return {"jsonrpc": "2.0", "id": call_id, "result": None}
            return {"jsonrpc": "2.0", "id": call_id, "result": {
                "number": hex(number), "timestamp": hex(self.block_times[number])}}
        if method == "eth_getBalance" and params:
            return ok(self.native.get(str(params[0]).lower(), 0))
        if method == "eth_call" and params and isinstance(params[0], dict):
            data = str(params[0].get("data", ""))
            contract = str(params[0].get("to", "")).lower()
            if data.startswith(BALANCE_OF) and len(data) == 74:
                holder = "0x" + data[-40:]
                units = self.tokens.get((contract, holder), 0)
                return {"jsonrpc": "2.0", "id": call_id, "result": "0x" + f"{units:064x}"}
            return {"jsonrpc": "2.0", "id": call_id,
                    "error": {"code": 3, "message": "execution reverted"}}
        return {"jsonrpc": "2.0", "id": call_id,
                "error": {"code": -32601, "message": "the method does not exist"}}

    async def _rpc(self, request: web.Request) -> web.Response:
        try:
            body = json.loads(await request.text())
        except ValueError:
            return self.json({"jsonrpc": "2.0", "id": None,
                              "error": {"code": -32700, "message": "Parse error"}})
        if isinstance(body, list):
            if len(body) > self.max_batch:
                return self.json({"jsonrpc": "2.0", "id": None, "error": {
                    "code": -32600, "message": f"batch size exceeds {self.max_batch}"}})
            return self.json([self._answer(call) for call in body])
        return self.json(self._answer(body))

    def add_routes(self, app: web.Application) -> None:
        app.router.add_post("/", self._rpc)
