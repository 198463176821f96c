"""A loopback EVM JSON-RPC server: balances, blocks, ERC-20 ``Transfer`` logs, history.

Methods, in the formats of the Ethereum JSON-RPC specification (ethereum.org,
"JSON-RPC API"; quantities as ``0x`` hex without leading zeros):

* ``eth_chainId``, ``eth_blockNumber``;
* ``eth_getBalance(address, block)`` where ``block`` is ``"latest"``,
  ``"pending"``, ``"safe"``, ``"finalized"``, ``"earliest"`` or a block number:
  the balance *at that block*, from the balance history the emulator keeps;
* ``eth_call`` of ERC-20 ``balanceOf(address)`` (selector ``0x70a08231``) on
  the contracts given balances; other contracts answer 0, like a token the
  address never held;
* ``eth_getLogs`` (``Transfer`` logs made with :meth:`EvmRpcEmulator.transfer_token`,
  filtered by block range, contract and topics);
* ``eth_getBlockByNumber(block, full)``: every block up to the latest, with its
  transactions as hashes, or as full transaction objects (``hash``, ``from``,
  ``to``, ``value``, ``blockNumber``, ``blockHash``, ``transactionIndex``,
  ``nonce``, ``gas``, ``gasPrice``, ``input``, ``type``) when ``full`` is true;
  a block beyond the latest is ``null``.

A full node prunes old state: with ``state_window`` set, balances are served
only for the latest ``state_window`` blocks (geth keeps 128) and an older block
answers ``-32000 missing trie node … (path )`` as geth does; ``state_window=0``
serves the latest state only. ``None`` (the default) is an archive node.

Accepts single requests and batches (an array; at most ``max_batch`` calls,
above which it answers with a JSON-RPC error as public endpoints do).

State: ``native[address]`` in wei and ``tokens[(contract, address)]`` in
token units (both lower-case hex addresses); every change of a native balance
is also kept in ``native_history`` by block, and every block made by
:meth:`send_native`, :meth:`transfer_token` or :meth:`mine` has a time.
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
EXCHANGE_HOT_WALLET = "0x" + "11" * 20
"""The sender of every emulated transfer (an exchange's hot wallet)."""
WITHDRAWAL_CONTRACT = "0x" + "22" * 20
"""A contract that forwards coins: its transfers reach the address as internal transfers."""
_BLOCK_TAGS = ("latest", "pending", "safe", "finalized")


def _hash(kind: str, n: int) -> str:
    return "0x" + hashlib.sha256(f"evm-{kind}-{n}".encode()).hexdigest()


class EvmRpcEmulator(ChainEmulator):
    exchange_id = "evm_rpc"

    def __init__(self, *, chain_id: int = 1, latency: float = 0.0, max_concurrent: int = 32,
                 max_batch: int = 50, state_window: int | None = None) -> None:
        super().__init__(latency=latency, max_concurrent=max_concurrent)
        self.chain_id = chain_id
        self.max_batch = max_batch
        self.state_window = state_window
        self.native: dict[str, int] = {}
        self.native_history: dict[str, list[tuple[int, int]]] = {}
        self.tokens: dict[tuple[str, str], int] = {}
        self.block_number = 20_000_000
        self.block_times: dict[int, int] = {self.block_number: int(time.time()) - 30 * 86400}
        self.transactions: dict[int, list[dict]] = {}
        self.logs: list[dict] = []
        self._tx_counter = itertools.count(1)

    # -- state the tests change ------------------------------------------------------

    def set_native(self, address: str, wei: int) -> None:
        """The native balance from the current block on (no transaction)."""
        address = address.lower()
        self.native[address] = wei
        self.native_history.setdefault(address, []).append((self.block_number, wei))

    def set_token(self, contract: str, address: str, units: int) -> None:
        self.tokens[(contract.lower(), address.lower())] = units

    def mine(self, count: int = 1, *, when: int | None = None) -> int:
        """``count`` empty blocks, 12 s apart, the last at ``when`` (default: now)."""
        last = when if when is not None else int(time.time())
        for i in range(count):
            self.block_number += 1
            self.block_times[self.block_number] = last - 12 * (count - 1 - i)
        return self.block_number

    def send_native(self, to: str, wei: int, *, when: int | None = None,
                    internal: bool = False) -> str:
        """Native coins sent to ``to`` in a new block; returns the transaction's hash.

        ``internal``: the exchange calls :data:`WITHDRAWAL_CONTRACT`, which forwards the
        coins, so the block holds no transaction *to* ``to`` (an internal transfer).
        """
        self.mine(when=when)
        to = to.lower()
        self.set_native(to, self.native.get(to, 0) + wei)
        txs = self.transactions.setdefault(self.block_number, [])
        txid = _hash("tx", next(self._tx_counter))
        txs.append({
            "hash": txid, "from": EXCHANGE_HOT_WALLET,
            "to": WITHDRAWAL_CONTRACT if internal else to,
            "value": hex(wei), "input": ("0x" + to.removeprefix("0x").rjust(64, "0"))
            if internal else "0x",
            "nonce": hex(next(self._tx_counter)), "gas": hex(21_000 if not internal else 60_000),
            "gasPrice": hex(20 * 10 ** 9), "type": "0x0", "chainId": hex(self.chain_id),
            "v": "0x25", "r": "0x1", "s": "0x1",
        })
        return txid

    def crowd_block(self, number: int, count: int, input_bytes: int) -> None:
        """Add ``count`` unrelated contract calls, each with ``input_bytes`` of call data, to
        block ``number``: a busy block whose full transactions make a large answer."""
        txs = self.transactions.setdefault(number, [])
        data = "0x" + "ab" * input_bytes
        for _ in range(count):
            n = next(self._tx_counter)
            txs.append({
                "hash": _hash("tx", n), "from": "0x" + f"{n:040x}", "to": WITHDRAWAL_CONTRACT,
                "value": "0x0", "input": data, "nonce": hex(n), "gas": hex(1_000_000),
                "gasPrice": hex(20 * 10 ** 9), "type": "0x0", "chainId": hex(self.chain_id),
                "v": "0x25", "r": "0x1", "s": "0x1",
            })

    def transfer_token(self, contract: str, to: str, units: int, *,
                       when: int | None = None) -> str:
        """An ERC-20 transfer to ``to`` in a new block: balance, ``Transfer`` log and block time."""
        self.mine(when=when)
        key = (contract.lower(), to.lower())
        self.tokens[key] = self.tokens.get(key, 0) + units
        txid = _hash("tx", next(self._tx_counter))
        self.logs.append({
            "address": contract.lower(), "blockNumber": hex(self.block_number),
            "transactionHash": txid, "logIndex": "0x0", "removed": False,
            "data": "0x" + f"{units:064x}",
            "topics": [TRANSFER_TOPIC, "0x" + "0" * 24 + EXCHANGE_HOT_WALLET[2:],
                       "0x" + "0" * 24 + to.lower().removeprefix("0x")],
        })
        return txid

    # -- answers ------------------------------------------------------------------------

    def _block_of(self, tag: object) -> int | None:
        """The block a tag or hex number names; ``None`` if not a valid block parameter."""
        if tag in _BLOCK_TAGS or tag is None:
            return self.block_number
        if tag == "earliest":
            return 0
        try:
            return int(str(tag), 16) if str(tag).startswith("0x") else None
        except ValueError:
            return None

    def _time_of(self, number: int) -> int:
        known = [b for b in self.block_times if b <= number]
        return self.block_times[max(known)] if known else min(self.block_times.values())

    def _balance_at(self, address: str, number: int) -> int:
        if number >= self.block_number:
            return self.native.get(address.lower(), 0)
        history = self.native_history.get(address.lower(), [])
        before = [wei for block, wei in history if block <= number]
        return before[-1] if before else 0

    def _block(self, number: int, full: bool) -> dict:
        txs = self.transactions.get(number, [])
        block_hash = _hash("block", number)
        return {
            "number": hex(number), "hash": block_hash, "parentHash": _hash("block", number - 1),
            "timestamp": hex(self._time_of(number)), "gasLimit": hex(30_000_000),
            "gasUsed": hex(21_000 * len(txs)), "miner": "0x" + "00" * 20,
            "transactions": [
                {**tx, "blockNumber": hex(number), "blockHash": block_hash,
                 "transactionIndex": hex(i)} if full else tx["hash"]
                for i, tx in enumerate(txs)],
        }

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

        def result(value: object) -> dict:
            return {"jsonrpc": "2.0", "id": call_id, "result": value}

        def error(code: int, message: str) -> dict:
            return {"jsonrpc": "2.0", "id": call_id, "error": {"code": code, "message": message}}

        if method == "eth_chainId":
            return result(hex(self.chain_id))
        if method == "eth_blockNumber":
            return result(hex(self.block_number))
        if method == "eth_getLogs" and params and isinstance(params[0], dict):
            return result(self._logs(params[0]))
        if method == "eth_getBlockByNumber" and params:
            number = self._block_of(params[0])
            if number is None:
                return error(-32602, "invalid argument 0: hex string without 0x prefix")
            if number > self.block_number:
                return result(None)
            return result(self._block(number, len(params) > 1 and params[1] is True))
        if method == "eth_getBalance" and params:
            number = self._block_of(params[1] if len(params) > 1 else "latest")
            if number is None:
                return error(-32602, "invalid argument 1: hex string without 0x prefix")
            if number > self.block_number:
                return error(-32000, "header not found")
            if self.state_window is not None and number < self.block_number - self.state_window:
                return error(-32000, f"missing trie node {_hash('root', number)[2:]} (path )")
            return result(hex(self._balance_at(str(params[0]), number)))
        if method == "eth_call" and params and isinstance(params[0], dict):
            data = str(params[0].get("data", ""))
            contract = str(params[0].get("to", "")).lower()
            if data.startswith(BALANCE_OF) and len(data) == 74:
                holder = "0x" + data[-40:]
                units = self.tokens.get((contract, holder), 0)
                return result("0x" + f"{units:064x}")
            return error(3, "execution reverted")
        return error(-32601, "the method does not exist")

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
