"""Read one watch-only target into the same :class:`AccountReading` exchanges produce.

The holdings sit in one wallet named after the chain (``bitcoin``,
``ethereum``…), whose coverage is that chain; the coverage note says how many
addresses were scanned. A failure anywhere fails the whole read (a balance
missing some addresses would be wrong, not partial). What only confirms
withdrawals (incoming transactions, token transfers, the native balance's
block and the arrivals found from it, ``chains.evm_native``) may fail alone:
the balance stands and the coverage note says what was not read.

Threading: sync loop only.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from urllib.parse import urlsplit

from exposure_app.chains.esplora import MAX_RECEIPT_ADDRESSES, SATS, EsploraClient
from exposure_app.chains.evm import EvmRpcClient
from exposure_app.chains.evm_native import (
    NativeLedger,
    find_native_arrivals,
    observe,
)
from exposure_app.chains.evm_transfers import token_receipts
from exposure_app.chains.pool import ChainPool
from exposure_app.domain.balances import AccountReading, WalletBalance
from exposure_app.domain.chains import ChainFamily, chain_spec
from exposure_app.domain.watch_only import GAP_LIMIT, Receipt, TargetKind, WatchTarget
from exposure_app.domain.withdrawal_confirmation import ExpectedArrival
from exposure_app.exchanges.errors import SyncError


@dataclass(frozen=True, slots=True)
class ChainReading:
    reading: AccountReading
    receipts: tuple[Receipt, ...] = ()
    ledger: NativeLedger | None = None
    """An EVM address's native ledger after this read (``None``: keep the stored one)."""


def server_name(chain: str, url: str) -> str:
    """How error messages name the server: ``Bitcoin server blockstream.info``."""
    return f"{chain_spec(chain).name} server {urlsplit(url).netloc or url}"


def api_url_of(target: WatchTarget, options, defaults: dict[str, str] | None = None) -> str:
    """The account's own server, else the profile's for the chain, else the table's."""
    url = options.get("api_url") or (defaults or {}).get(target.chain)
    return str(url) if url else chain_spec(target.chain).default_api_url


async def read_target(pool: ChainPool, target: WatchTarget, api_url: str, now: datetime,
                      *, want_receipts: bool = False, proxy: str | None = None,
                      ledger: NativeLedger | None = None,
                      expected: Sequence[ExpectedArrival] = ()) -> ChainReading:
    """Read ``target``'s balances (and, with ``want_receipts``, its incoming transfers).

    EVM: ``ledger`` is the native ledger stored at the last sync and ``expected`` the
    native amounts checklist withdrawals wait for (``chains.evm_native``).
    """
    spec = chain_spec(target.chain)
    name = server_name(spec.id, api_url)
    wallet = spec.id
    if spec.family is ChainFamily.BITCOIN:
        client = EsploraClient(pool, api_url, name, proxy)
        balance = await client.balance(target)
        receipts: list[Receipt] = []
        unread = ""
        if want_receipts:
            try:   # concurrently, within the pool's per-server limit
                lists = await asyncio.gather(*(
                    client.receipts(address, now)
                    for address in balance.used_addresses[:MAX_RECEIPT_ADDRESSES]))
                receipts = [r for found in lists for r in found]
            except SyncError as error:   # the balance stands; only the evidence is missing
                unread = f"; incoming transactions not read: {error.message}"
        amount = Decimal(balance.sats) / SATS
        balances = [WalletBalance(wallet, "BTC", amount, Decimal(0), amount)] if balance.sats else []
        if target.kind is TargetKind.XPUB:
            note = (f"{len(balance.used_addresses)} used of {balance.scanned} addresses scanned "
                    f"(receive and change, gap limit {GAP_LIMIT})")
        else:
            note = "one address"
        note += unread
        reading = AccountReading(tuple(balances), (wallet,), coverage_note=note)
        return ChainReading(reading, tuple(receipts))
    client_evm = EvmRpcClient(pool, api_url, spec, name, proxy)
    found = await client_evm.balances(target.value)
    balances = [WalletBalance(wallet, b.asset, b.amount, Decimal(0), b.amount) for b in found]
    note = f"native {spec.native_symbol} and {len(spec.tokens)} listed tokens"
    token_receipts_found: list[Receipt] = []
    if want_receipts and spec.tokens:
        try:
            token_receipts_found = await token_receipts(client_evm, target.value)
        except SyncError as error:
            note += f"; incoming token transfers not read: {error.message}"
    ledger = ledger or NativeLedger()
    try:
        observation = await observe(client_evm, target.value, now)
        findings = await find_native_arrivals(client_evm, target.value, ledger.last,
                                              observation, expected)
    except SyncError as error:   # the ledger stays as it was: the next sync tries again
        note += f"; native {spec.native_symbol} arrivals not checked: {error.message}"
        new_ledger = None
    else:
        token_receipts_found += findings.receipts
        new_ledger = ledger.advanced(observation, findings.rises)
    return ChainReading(AccountReading(tuple(balances), (wallet,), coverage_note=note),
                        tuple(token_receipts_found), new_ledger)
