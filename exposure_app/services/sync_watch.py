"""A watch-only account's read inside a sync run.

The sync run treats a watch-only account like an exchange account: it is read
concurrently with the others under the same per-account timeout, its result is
a :class:`~exposure_app.services.sync_account.ReadOutcome` priced and stored
the same way (coverage, staleness with the reason, rate-limit back-off), and a
failure is a classified :class:`~exposure_app.exchanges.errors.SyncError`
that leaves its last good snapshot stale and the other accounts untouched.

Receipts (incoming transactions) are read for single Bitcoin addresses always
(one more request) and for extended keys only when a checklist withdrawal is
waiting on the account, since they cost a request per used address. An EVM
address records its native balance with the block at every read (the
account's stored facts carry it, ``chains.evm_native``), and native coin
arrivals are looked for when a withdrawal waits for one.

Threading: sync loop only.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from exposure_app.chains.evm_native import ledger_of
from exposure_app.chains.pool import ChainPool
from exposure_app.chains.reader import api_url_of, read_target
from exposure_app.domain.market_valuation import with_market_price
from exposure_app.domain.models import Account
from exposure_app.domain.watch_only import (
    TargetKind,
    WatchTarget,
    is_watch_only,
    watch_target_of,
)
from exposure_app.domain.withdrawal_confirmation import ExpectedArrival
from exposure_app.exchanges.errors import SyncError, describe_exception
from exposure_app.services.sync_account import ReadOutcome
from exposure_app.services.sync_snapshot import BuiltSnapshot

__all__ = ["is_watch_only", "market_valued", "read_watch", "source_id"]


def market_valued(built: BuiltSnapshot) -> BuiltSnapshot:
    """The snapshot's holdings valued the way hand-recorded self-custody holdings are:
    ``price_source`` ``"market: …"`` (``domain.market_valuation``), so every valuation of
    market-following holdings (dated closes, the history) treats watched ones alike."""
    holdings = tuple(
        with_market_price(h, h.price, h.price_source or "sync") if h.price is not None else h
        for h in built.snapshot.holdings)
    return replace(built, snapshot=replace(built.snapshot, holdings=holdings))


def source_id(account: Account) -> str:
    """What results name as the account's source: the exchange id, or the chain."""
    if account.exchange_id:
        return account.exchange_id
    target = watch_target_of(account.options)
    return target.chain if target is not None else ""


async def read_watch(pool: ChainPool, account: Account, target: WatchTarget, now: datetime,
                     *, awaited: Sequence[ExpectedArrival] | None,
                     facts: Mapping[str, Any] | None = None,
                     default_urls: dict[str, str] | None = None,
                     default_proxy: str | None = None) -> ReadOutcome:
    """Read ``account``'s target; never raises (the error is in the outcome).

    ``awaited``: ``None`` when no checklist withdrawal waits for coins at this account,
    else the native coin amounts awaited (empty when only tokens or bitcoin are).
    ``facts``: the account's stored facts; the outcome's facts are these, updated.
    ``default_urls``: the profile's server per chain (``chain_api_urls`` setting).
    ``default_proxy``: the profile's proxy, for an account without one of its own.
    """
    started = time.perf_counter()
    url = api_url_of(target, account.options, default_urls)
    want = awaited is not None or (target.chain == "bitcoin"
                                   and target.kind is TargetKind.ADDRESS)
    facts = dict(facts or {})
    outcome = ReadOutcome(facts=facts)
    try:
        proxy = account.options.get("proxy") or default_proxy
        chain_reading = await read_target(pool, target, url, now, want_receipts=want,
                                          proxy=str(proxy) if proxy else None,
                                          ledger=ledger_of(facts), expected=awaited or ())
    except SyncError as error:
        outcome.error = error
    except Exception as exc:
        outcome.error = describe_exception(exc, target.chain)
    else:
        outcome.reading = chain_reading.reading
        outcome.receipts = chain_reading.receipts
        if chain_reading.ledger is not None:
            outcome.facts = chain_reading.ledger.to_facts(facts)
    outcome.read_seconds = time.perf_counter() - started
    return outcome
