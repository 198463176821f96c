"""Native coins (ETH, POL, BNB) a watched EVM address received, found from its balance.

Standard JSON-RPC cannot list an address's transactions and a native transfer
leaves no log, so arrivals are found from the balance:

1. Every sync records an *observation*: the latest block number and the
   native balance at exactly that block (``eth_blockNumber``, then
   ``eth_getBalance(address, block)``), kept in the account's stored facts as
   a :class:`NativeLedger`.
2. When a checklist withdrawal waits for the coin (an :class:`ExpectedArrival`)
   and the balance rose since the previous observation by at least the amount
   less the fee, the block where it crossed is found by bisecting
   ``eth_getBalance(address, n)`` between the two observed blocks (at most
   :data:`MAX_PROBES` calls), and that block is read with
   ``eth_getBlockByNumber(n, true)`` (an answer of up to :data:`FULL_BLOCK_BYTES`):
   the transaction to the address with the matching value gives the txid and the
   block time (a :class:`Receipt`). If the block holds no such transaction but
   the balance rose there by the amount (an internal transfer through a
   contract), a :class:`BalanceRise` names the block. A block whose full
   transactions are larger still is read without them (its time only); the
   rise in it is then kept as a :class:`BalanceRise` that says the block could
   not be read, so the search ends there rather than being tried again at
   every sync.
3. A server without past state (a pruned node: :class:`StateUnavailableError`)
   cannot be bisected; then, only if the balance rose between the two
   observations by the amount within the fee, a :class:`BalanceRise` names the
   block range and the two syncs' times. No txid is ever made up.

Without a previous observation (the account's first sync since a withdrawal
began waiting), the baseline is the balance :data:`LOOKBACK_BLOCKS` blocks
back, if the server keeps that state.

A rise spread over several transfers (two halves, or a spend in between that
leaves no block matching the amount) is not an arrival. Two withdrawals of the
same coin landing between one pair of syncs on a server without past state are
not told apart.

Threading: sync loop only.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from exposure_app.chains.evm import EvmRpcClient, StateUnavailableError, quantity
from exposure_app.chains.evm_transfers import LOOKBACK_BLOCKS
from exposure_app.chains.pool import MAX_BODY_BYTES, OversizedAnswerError
from exposure_app.domain.timeutil import from_storage, to_storage
from exposure_app.domain.watch_only import Receipt
from exposure_app.domain.withdrawal_confirmation import BalanceRise, ExpectedArrival
from exposure_app.exchanges.errors import ErrorKind, make_error

MAX_PROBES = 40
"""Balance reads per bisection at most: 2**40 blocks, far beyond any chain's length."""
MAX_EXPECTED = 4
"""Waiting withdrawals looked for per read at most (each may cost a bisection)."""
MAX_TRANSACTIONS = 5000
"""A block with more transactions than this is refused as malformed."""
FULL_BLOCK_BYTES = 20 * 1024 * 1024
"""The answer cap for one block with its full transactions (other answers get the pool's
2 MiB). Since the Fusaka upgrade an Ethereum execution block is at most 8 MiB RLP-encoded
(EIP-7934: 10 MiB less a 2 MiB margin for the beacon block). JSON writes each of those
bytes as two hex digits (16 MiB at most) and adds, per transaction, fields RLP leaves out
(hash, sender, block hash, number and index: under 400 bytes), for at most gas limit /
21,000 transactions (2,857 at 60 M gas: about 1.1 MiB). 20 MiB holds the largest valid
mainnet block with room to spare, where 2 MiB failed on busy mainnet blocks; a chain with
larger blocks ends in the stored "could not be read" rise described above."""
MAX_RISES_KEPT = 20
FACTS_KEY = "native_ledger"
_TXID = re.compile(r"0x[0-9a-fA-F]{64}")


@dataclass(frozen=True, slots=True)
class BalanceObservation:
    """The native balance in wei at ``block``, read at the sync of ``at``."""

    block: int
    wei: int
    at: datetime | None = None
    """``None`` for a lookback baseline read from past state, not at a sync."""


@dataclass(frozen=True, slots=True)
class NativeLedger:
    """What the account's facts keep between syncs: the last observation and the rises found."""

    last: BalanceObservation | None = None
    rises: tuple[BalanceRise, ...] = field(default_factory=tuple)

    def advanced(self, observation: BalanceObservation,
                 rises: Sequence[BalanceRise] = ()) -> NativeLedger:
        return NativeLedger(observation, (*self.rises, *rises)[-MAX_RISES_KEPT:])

    def to_facts(self, facts: Mapping[str, Any]) -> dict[str, Any]:
        """``facts`` with this ledger in it (everything else kept)."""
        ledger: dict[str, Any] = {"rises": [_rise_json(r) for r in self.rises]}
        if self.last is not None and self.last.at is not None:
            ledger["last"] = {"block": self.last.block, "wei": str(self.last.wei),
                              "at": to_storage(self.last.at)}
        return {**facts, FACTS_KEY: ledger}


def ledger_of(facts: Mapping[str, Any]) -> NativeLedger:
    """The ledger stored in an account's facts; anything malformed reads as empty."""
    raw = facts.get(FACTS_KEY)
    if not isinstance(raw, dict):
        return NativeLedger()
    try:
        last = raw.get("last")
        observation = None
        if isinstance(last, dict):
            observation = BalanceObservation(_block(last["block"]), _wei(last["wei"]),
                                             from_storage(str(last["at"])))
        rises = raw.get("rises") or []
        if not isinstance(rises, list):
            raise ValueError("rises")
        return NativeLedger(observation, tuple(_rise(r) for r in rises[-MAX_RISES_KEPT:]))
    except (KeyError, TypeError, ValueError, ArithmeticError):
        return NativeLedger()


def _block(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2 ** 63:
        raise ValueError("block")
    return value


def _wei(value: Any) -> int:
    number = int(str(value))
    if not 0 <= number < 2 ** 256:
        raise ValueError("wei")
    return number


def _rise_json(rise: BalanceRise) -> dict[str, Any]:
    return {"address": rise.address, "asset": rise.asset, "amount": str(rise.amount),
            "at": to_storage(rise.at), "first_block": rise.first_block,
            "last_block": rise.last_block,
            "since": to_storage(rise.since) if rise.since is not None else None,
            "unread": rise.unread}


def _rise(raw: Any) -> BalanceRise:
    if not isinstance(raw, dict):
        raise ValueError("rise")
    since = raw.get("since")
    return BalanceRise(str(raw["address"]), str(raw["asset"]), Decimal(str(raw["amount"])),
                       from_storage(str(raw["at"])), _block(raw["first_block"]),
                       _block(raw["last_block"]), from_storage(since) if since else None,
                       str(raw.get("unread") or "")[:300])


@dataclass(frozen=True, slots=True)
class NativeFindings:
    receipts: tuple[Receipt, ...] = ()
    rises: tuple[BalanceRise, ...] = ()


async def observe(client: EvmRpcClient, address: str, now: datetime) -> BalanceObservation:
    """The latest block and the native balance at exactly that block."""
    [latest] = await client.batch([("eth_blockNumber", [])])
    block = quantity(latest, client.name)
    [wei] = await client.batch([("eth_getBalance", [address, hex(block)])])
    return BalanceObservation(block, quantity(wei, client.name), now)


class _History:
    """Balances at past blocks, each read once per sync."""

    def __init__(self, client: EvmRpcClient, address: str) -> None:
        self.client = client
        self.address = address
        self.known: dict[int, int] = {}

    async def at(self, block: int) -> int:
        if block not in self.known:
            [wei] = await self.client.batch([("eth_getBalance", [self.address, hex(block)])])
            self.known[block] = quantity(wei, self.client.name)
        return self.known[block]


async def find_native_arrivals(client: EvmRpcClient, address: str,
                               previous: BalanceObservation | None,
                               current: BalanceObservation,
                               expected: Sequence[ExpectedArrival]) -> NativeFindings:
    """Arrivals of the awaited amounts between ``previous`` and ``current`` (see module doc).

    Raises :class:`~exposure_app.exchanges.errors.SyncError` when the server fails
    (other than lacking past state): the caller keeps ``previous`` to try again.
    """
    history = _History(client, address)
    history.known[current.block] = current.wei
    receipts: list[Receipt] = []
    rises: list[BalanceRise] = []
    for wanted in expected[:MAX_EXPECTED]:
        if wanted.amount - wanted.tolerance <= 0 or wanted.address != address:
            continue
        baseline = previous
        if baseline is None or baseline.block >= current.block:
            if baseline is not None:
                continue   # no block since the last sync
            start = max(0, current.block - LOOKBACK_BLOCKS)
            try:
                baseline = BalanceObservation(start, await history.at(start))
            except StateUnavailableError:
                continue   # nothing to compare with: the next sync's observation starts it
        history.known[baseline.block] = baseline.wei
        decimals = client.spec.native_decimals
        risen = Decimal(current.wei - baseline.wei).scaleb(-decimals)
        if risen < wanted.amount - wanted.tolerance:
            continue
        try:
            found = await _locate(client, history, baseline, current, wanted)
        except StateUnavailableError:
            found = None
            if baseline.at is not None and wanted.matches(risen):
                assert current.at is not None
                found = BalanceRise(address, client.spec.native_symbol, risen, current.at,
                                    baseline.block + 1, current.block, baseline.at)
        if isinstance(found, Receipt):
            receipts.append(found)
        elif found is not None:
            rises.append(found)
    return NativeFindings(tuple(receipts), tuple(rises))


async def _locate(client: EvmRpcClient, history: _History, baseline: BalanceObservation,
                  current: BalanceObservation,
                  wanted: ExpectedArrival) -> Receipt | BalanceRise | None:
    """The first block after ``baseline`` where the balance had risen by the amount (less
    the fee), and in it the transaction that brought it."""
    decimals = client.spec.native_decimals
    threshold = baseline.wei + int((wanted.amount - wanted.tolerance).scaleb(decimals))
    low, high = baseline.block, current.block   # balance below threshold at low, not at high
    for _probe in range(MAX_PROBES):
        if high - low <= 1:
            break
        middle = (low + high) // 2
        if await history.at(middle) >= threshold:
            high = middle
        else:
            low = middle
    else:
        if high - low > 1:
            raise make_error(ErrorKind.BAD_RESPONSE, client.name,
                             detail="the block range is too long to search")
    step = Decimal(await history.at(high) - await history.at(high - 1)).scaleb(-decimals)
    symbol = client.spec.native_symbol
    try:
        block, at = await _read_block(client, high, full=True)
    except OversizedAnswerError as error:
        # too large to read whole: the block's time from its header and hashes alone, and
        # the rise kept with the reason, so the next sync does not try it again
        _header, at = await _read_block(client, high, full=False)
        if wanted.matches(step):
            return BalanceRise(history.address, symbol, step, at, high, high,
                               unread=_unread_reason(error))
        return None
    candidates = []
    for tx in block["transactions"]:
        if not isinstance(tx, dict) or str(tx.get("to")).lower() != history.address:
            continue
        txid = tx.get("hash")
        if not isinstance(txid, str) or not _TXID.fullmatch(txid):
            raise make_error(ErrorKind.BAD_RESPONSE, client.name, detail="transaction malformed")
        value = Decimal(quantity(tx.get("value"), client.name)).scaleb(-decimals)
        if wanted.matches(value):
            candidates.append((abs(value - wanted.amount), txid.lower(), value))
    if candidates:
        _gap, txid, value = min(candidates)
        return Receipt(txid, history.address, symbol, value, at, True)
    if wanted.matches(step):
        return BalanceRise(history.address, symbol, step, at, high, high)
    return None



async def _read_block(client: EvmRpcClient, number: int, *,
                      full: bool) -> tuple[dict[str, Any], datetime]:
    """Block ``number`` (with full transactions, or their hashes) and its time."""
    [block] = await client.batch([("eth_getBlockByNumber", [hex(number), full])],
                                 max_bytes=FULL_BLOCK_BYTES if full else MAX_BODY_BYTES)
    if not isinstance(block, dict) or not isinstance(block.get("transactions"), list) \
            or len(block["transactions"]) > MAX_TRANSACTIONS:
        raise make_error(ErrorKind.BAD_RESPONSE, client.name, detail="block missing or malformed")
    if quantity(block.get("number"), client.name) != number:
        raise make_error(ErrorKind.BAD_RESPONSE, client.name, detail="answer for another block")
    at = datetime.fromtimestamp(min(quantity(block.get("timestamp"), client.name), 2 ** 33), UTC)
    return block, at


def _unread_reason(error: OversizedAnswerError) -> str:
    """The stored reason: the error's sentence without its closing full stop."""
    return error.message.rstrip(".")
