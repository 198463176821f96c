"""ERC-20 tokens a watched EVM address received, from ``Transfer`` logs.

Standard JSON-RPC has no list of an address's transactions, but every ERC-20
transfer emits ``Transfer(address indexed from, address indexed to, uint256
value)``; ``eth_getLogs`` filtered on the token contract and on ``to`` (the
third topic) finds the incoming ones. Only the last :data:`LOOKBACK_BLOCKS`
blocks are asked for (public endpoints cap log ranges); receipts are stored,
so one sync within that window is enough. Block times come from
``eth_getBlockByNumber``. Native coin transfers (ETH, POL, BNB) leave no log
and are not found here.

Threading: sync loop only.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from exposure_app.chains.evm import MAX_BATCH, EvmRpcClient, quantity
from exposure_app.domain.watch_only import Receipt
from exposure_app.exchanges.errors import ErrorKind, make_error

TRANSFER_TOPIC = "0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef"
"""keccak256("Transfer(address,address,uint256)")."""
LOOKBACK_BLOCKS = 10_000
MAX_LOGS = 500
MAX_BLOCKS = 50
_TXID = re.compile(r"0x[0-9a-f]{64}")


def address_topic(address: str) -> str:
    return "0x" + address.lower().removeprefix("0x").rjust(64, "0")


async def token_receipts(client: EvmRpcClient, address: str) -> list[Receipt]:
    """Incoming transfers of the chain's listed tokens to ``address`` in the lookback window."""
    [latest_raw] = await client.batch([("eth_blockNumber", [])])
    latest = quantity(latest_raw, client.name)
    start = max(0, latest - LOOKBACK_BLOCKS)
    tokens = client.spec.tokens
    calls: list[tuple[str, list[Any]]] = [
        ("eth_getLogs", [{"fromBlock": hex(start), "toBlock": hex(latest),
                          "address": t.contract.lower(),
                          "topics": [TRANSFER_TOPIC, None, address_topic(address)]}])
        for t in tokens]
    answers: list[Any] = []
    for i in range(0, len(calls), MAX_BATCH):
        answers += await client.batch(calls[i:i + MAX_BATCH])
    found: list[tuple[str, int, Decimal, str]] = []   # txid, block, amount, symbol
    for token, logs in zip(tokens, answers, strict=True):
        if not isinstance(logs, list) or len(logs) > MAX_LOGS:
            raise make_error(ErrorKind.BAD_RESPONSE, client.name, detail="log list malformed")
        for log in logs:
            if not isinstance(log, dict) or not _TXID.fullmatch(str(log.get("transactionHash"))):
                raise make_error(ErrorKind.BAD_RESPONSE, client.name, detail="log malformed")
            if log.get("removed") is True:
                continue   # a reorganised block
            units = quantity(log.get("data"), client.name)
            block = quantity(log.get("blockNumber"), client.name)
            found.append((str(log["transactionHash"]), block,
                          Decimal(units).scaleb(-token.decimals), token.symbol))
    blocks = sorted({block for _t, block, _a, _s in found})[-MAX_BLOCKS:]
    times: dict[int, datetime] = {}
    for i in range(0, len(blocks), MAX_BATCH):
        chunk = blocks[i:i + MAX_BATCH]
        headers = await client.batch([("eth_getBlockByNumber", [hex(b), False]) for b in chunk])
        for block, header in zip(chunk, headers, strict=True):
            if not isinstance(header, dict):
                raise make_error(ErrorKind.BAD_RESPONSE, client.name, detail="block missing")
            times[block] = datetime.fromtimestamp(quantity(header.get("timestamp"), client.name),
                                                  UTC)
    return [Receipt(txid, address, symbol, amount, times[block], True)
            for txid, block, amount, symbol in found if block in times and amount > 0]
