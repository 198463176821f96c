"""EVM balances through standard Ethereum JSON-RPC.

One read sends, in JSON-RPC batches of at most :data:`MAX_BATCH` calls (public
endpoints cap batch sizes; 10 is accepted everywhere we know of):

* ``eth_chainId``: the endpoint must serve the chain the account is for;
* ``eth_getBalance(address, "latest")``: the native coin, in wei;
* ``eth_call({"to": token, "data": 0x70a08231 ‖ address}, "latest")`` for every
  token of the chain's list: ERC-20 ``balanceOf(address)``.

Every result must be a hex quantity of at most 256 bits; an error object, a
missing id or a wrong chain fails the read with the usual error kinds. A node
that keeps no state for an asked block (a pruned full node answers ``missing
trie node``, ``header not found`` or "state … is not available") fails with
:class:`StateUnavailableError`, so callers can fall back instead of failing.

Threading: sync loop only.
"""

from __future__ import annotations

import asyncio
import itertools
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from exposure_app.chains.pool import MAX_BODY_BYTES, ChainPool
from exposure_app.domain.chains import ChainSpec
from exposure_app.exchanges.errors import ErrorKind, SyncError, make_error

BALANCE_OF = "0x70a08231"
"""The ERC-20 ``balanceOf(address)`` selector."""
MAX_BATCH = 10
_HEX_QUANTITY = re.compile(r"0x[0-9a-fA-F]{0,64}")


@dataclass(frozen=True, slots=True)
class EvmBalance:
    asset: str
    amount: Decimal


def balance_of_data(address: str) -> str:
    """Call data of ``balanceOf(address)``: the selector and the address padded to 32 bytes."""
    return BALANCE_OF + address.lower().removeprefix("0x").rjust(64, "0")


def quantity(value: Any, name: str) -> int:
    if not isinstance(value, str) or not _HEX_QUANTITY.fullmatch(value):
        raise make_error(ErrorKind.BAD_RESPONSE, name, detail="result is not a 256-bit hex number")
    return int(value, 16) if len(value) > 2 else 0


class StateUnavailableError(SyncError):
    """The node keeps no state (or no header) for the block asked about."""


_NO_STATE = re.compile(r"missing trie node|header not found|not available|historical state|"
                       r"state histor|pruned|MissingTrieNode", re.IGNORECASE)


class EvmRpcClient:
    """Threading: sync loop only."""

    def __init__(self, pool: ChainPool, url: str, spec: ChainSpec, name: str,
                 proxy: str | None = None) -> None:
        self.pool = pool
        self.proxy = proxy
        self.url = url
        self.spec = spec
        self.name = name
        self._ids = itertools.count(1)

    async def batch(self, calls: list[tuple[str, list[Any]]], *,
                    max_bytes: int = MAX_BODY_BYTES) -> list[Any]:
        """The results of ``calls`` (at most :data:`MAX_BATCH`), in order; any error fails all.
        ``max_bytes`` caps the answer (:class:`~exposure_app.chains.pool.OversizedAnswerError`)."""
        requests = [{"jsonrpc": "2.0", "id": next(self._ids), "method": m, "params": p}
                    for m, p in calls]
        body = await self.pool.request_json("POST", self.url, name=self.name, payload=requests,
                                            proxy=self.proxy, max_bytes=max_bytes)
        if not isinstance(body, list) or len(body) != len(requests):
            raise make_error(ErrorKind.BAD_RESPONSE, self.name,
                             detail="the batch answer does not match the batch")
        by_id = {item.get("id"): item for item in body if isinstance(item, dict)}
        results = []
        for request in requests:
            item = by_id.get(request["id"])
            if item is None:
                raise make_error(ErrorKind.BAD_RESPONSE, self.name, detail="an answer is missing")
            if "error" in item:
                raise _rpc_error(item["error"], self.name)
            results.append(item.get("result"))
        return results

    async def balances(self, address: str) -> list[EvmBalance]:
        """Native and token balances of ``address`` (zero balances left out)."""
        calls: list[tuple[str, list[Any]]] = [
            ("eth_chainId", []), ("eth_getBalance", [address, "latest"])]
        calls += [("eth_call", [{"to": t.contract.lower(), "data": balance_of_data(address)},
                                "latest"]) for t in self.spec.tokens]
        chunks = [calls[i:i + MAX_BATCH] for i in range(0, len(calls), MAX_BATCH)]
        answers = await asyncio.gather(*(self.batch(c) for c in chunks))
        results = [r for chunk in answers for r in chunk]
        chain_id = quantity(results[0], self.name)
        if chain_id != self.spec.chain_id:
            raise SyncError(ErrorKind.CONFIG, (
                f"The RPC URL for {self.spec.name} serves chain id {chain_id}, not "
                f"{self.spec.chain_id}. Check the account's RPC URL."))
        amounts = [(self.spec.native_symbol, self.spec.native_decimals, results[1])]
        amounts += [(t.symbol, t.decimals, r) for t, r in zip(self.spec.tokens, results[2:],
                                                             strict=True)]
        balances = []
        for symbol, decimals, raw in amounts:
            units = quantity(raw, self.name)
            if units:
                balances.append(EvmBalance(symbol, Decimal(units).scaleb(-decimals)))
        return balances


def _rpc_error(error: Any, name: str) -> SyncError:
    code = error.get("code") if isinstance(error, dict) else None
    message = error.get("message") if isinstance(error, dict) else None
    text = str(message)[:120] if isinstance(message, str) else "no message"
    data = error.get("data") if isinstance(error, dict) else None
    if _NO_STATE.search(text) or (isinstance(data, str) and _NO_STATE.search(data[:2000])):
        return StateUnavailableError(ErrorKind.EXCHANGE, (
            f"{name} keeps no state for that block (JSON-RPC error {code}: {text})"))
    if code in (-32005, 429) or "rate" in text.lower() or "limit" in text.lower():
        return make_error(ErrorKind.RATE_LIMIT, name)
    return make_error(ErrorKind.EXCHANGE, name, detail=f"JSON-RPC error {code}: {text}")
