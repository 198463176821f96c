"""Checklist withdrawals sent to a watched address, confirmed from the chain.

A withdrawal item (an asset at a custodian) can be given a destination: a
watch-only account of this profile and one of its addresses, whose format is
checked for the account's chain. After each sync, :func:`confirm_withdrawals`
looks at the receipts the sync stored for that account; a confirmed incoming
transaction of the item's amount (within the network fee, see
``domain.withdrawal_confirmation``) made after the plan ticks the item (done by
``sync``) with the transaction id, its time and the amount as evidence. Once
the custodian's own balance of the asset, at a sync after the arrival, has
fallen by what arrived, the other side is recorded too.

Arrivals come from Esplora transaction lists on Bitcoin and from ERC-20
``Transfer`` logs on EVM chains (``chains.evm_transfers``). A native coin sent
to an EVM address (ETH, POL, BNB) leaves no log: :func:`awaited_accounts` tells
the sync which amounts to look for, and ``chains.evm_native`` finds them from
the address's balance history, as a transaction (a receipt like the others)
or, when the server keeps no past state or the coins came through a contract,
as a balance rise kept in the account's facts. A rise confirms the item with
no txid; its evidence (``basis``) names the blocks and says why there is none.

Threading: the thread that owns ``store`` (the sync thread after a sync, or the
GUI/CLI thread when a destination is set).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal

from exposure_app.chains.evm_native import ledger_of
from exposure_app.domain.chains import ChainFamily, chain_spec
from exposure_app.domain.money import ZERO
from exposure_app.domain.timeutil import utc_now
from exposure_app.domain.watch_only import (
    Receipt,
    TargetKind,
    derive_addresses,
    watch_target_of,
)
from exposure_app.domain.withdrawal_confirmation import (
    BalanceRise,
    ExpectedArrival,
    WithdrawalDestination,
    WithdrawalEvidence,
    custodian_side_done,
    matching_arrival,
    matching_rise,
    tolerance_for,
)
from exposure_app.services.exposure_as_of import account_states
from exposure_app.storage.checklist import ChecklistRepository, WithdrawalNetworkRepository
from exposure_app.storage.errors import NotFoundError
from exposure_app.storage.store import ProfileStore
from exposure_app.storage.watch import WatchRepository


class DestinationError(ValueError):
    """A destination that cannot be used; the message says why in one line."""


AwaitedArrivals = Mapping[int, tuple[ExpectedArrival, ...]]
"""Watch-only account id -> the native coin amounts withdrawals wait for there."""


def awaited_accounts(store: ProfileStore) -> dict[int, tuple[ExpectedArrival, ...]]:
    """Watch-only accounts a checklist withdrawal is still waiting on, each with the native
    coin arrivals awaited on an EVM chain (empty for bitcoin and tokens, found otherwise)."""
    checklist = ChecklistRepository(store)
    awaited: dict[int, tuple[ExpectedArrival, ...]] = {}
    for d in WatchRepository(store).destinations():
        if d.account_id is None or d.confirmed:
            continue
        expected = awaited.setdefault(d.account_id, ())
        spec = chain_spec(d.chain)
        plan = checklist.get_plan(d.plan_id)
        item = {i.item_key: i for i in checklist.items(d.plan_id)}.get(d.item_key)
        if spec.family is not ChainFamily.EVM or plan is None or item is None \
                or item.asset != spec.native_symbol or not item.payload.get("total"):
            continue
        amount = Decimal(item.payload["total"])
        tolerance = tolerance_for(amount, _fee(store, item.counterparty, item.asset, d.chain))
        awaited[d.account_id] = (*expected,
                                 ExpectedArrival(d.address, amount, tolerance, plan.created_at))
    return awaited


def _rises(store: ProfileStore, account_id: int) -> tuple[BalanceRise, ...]:
    return ledger_of(store.exchange_state.facts(account_id)).rises


def evidence_by_item(store: ProfileStore, plan_id: int | None) -> dict[str, WithdrawalEvidence]:
    """Each item's destination and arrival evidence, for the checklist rows."""
    if plan_id is None:
        return {}
    names = {a.id: a.name for a in store.accounts.list()}
    plan = ChecklistRepository(store).get_plan(plan_id)
    evidence = {}
    for d in WatchRepository(store).destinations(plan_id):
        basis = None
        if d.confirmed and d.txid is None:
            rise = next((r for r in _rises(store, d.account_id) if r.address == d.address
                         and r.at == d.received_at and r.amount == d.amount), None) \
                if d.account_id is not None else None
            basis = rise.describe() if rise is not None else (
                "balance rose by the amount; no transaction id (the details of the blocks "
                "are no longer stored)")
            if rise is not None and rise.since is not None and plan is not None \
                    and rise.since < plan.created_at:
                basis += ("; the earlier sync was before the plan was made, so the same "
                          "amount arriving just before the plan would look the same")
        evidence[d.item_key] = WithdrawalEvidence.of(
            d, names.get(d.account_id) if d.account_id is not None else None, basis)
    return evidence


def set_destination(store: ProfileStore, plan_id: int, item_key: str, account_name: str,
                    address: str | None = None, *, now: datetime | None = None
                    ) -> WithdrawalDestination:
    """Send the item to the watch-only account ``account_name`` (at ``address``, or its own).

    For an extended key, ``address`` must be one of its first receive addresses;
    without it the first receive address is used.
    """
    checklist = ChecklistRepository(store)
    items = {i.item_key: i for i in checklist.items(plan_id)}
    item = items.get(item_key)
    if item is None or item.kind != "asset":
        raise DestinationError(f"{item_key!r} is not a withdrawal item of this plan")
    try:
        account = store.accounts.by_name(account_name)
    except NotFoundError as exc:
        raise DestinationError(str(exc)) from None
    target = watch_target_of(account.options)
    if target is None:
        raise DestinationError(f"{account.name!r} is not a watch-only address; add one with "
                               "'accounts add-address'")
    spec = chain_spec(target.chain)
    if item.asset not in {spec.native_symbol, *(t.symbol for t in spec.tokens)}:
        raise DestinationError(f"{item.asset} cannot be received on {spec.name} as Exposure "
                               "watches it; choose an address on the asset's network")
    if target.kind is TargetKind.ADDRESS:
        chosen = target.value
        if address is not None and _normal(spec.family, address) != chosen:
            raise DestinationError("that address is not the one this account watches")
    else:
        receive = derive_addresses(target, 0, 0, 20)
        chosen = receive[0] if address is None else _normal(spec.family, address)
        if chosen not in receive:
            raise DestinationError("that address is not among the first 20 receive addresses "
                                   "of this extended key")
    repo = WatchRepository(store)
    repo.set_destination(plan_id, item_key, account.id, spec.id, chosen, now or utc_now())
    return next(d for d in repo.destinations(plan_id) if d.item_key == item_key)


def clear_destination(store: ProfileStore, plan_id: int, item_key: str) -> None:
    """The item no longer waits on a watched address (its evidence, if any, goes too)."""
    WatchRepository(store).clear_destination(plan_id, item_key)


def destination_choices(store: ProfileStore, asset: str) -> list[str]:
    """Names of the watch-only accounts whose chain can receive ``asset``."""
    names = []
    for account in store.accounts.list():
        target = watch_target_of(account.options)
        if target is None:
            continue
        spec = chain_spec(target.chain)
        if asset in {spec.native_symbol, *(t.symbol for t in spec.tokens)}:
            names.append(account.name)
    return names


def _normal(family: ChainFamily, address: str) -> str:
    address = address.strip()
    return address.lower() if family is ChainFamily.EVM or address.lower().startswith("bc1") \
        else address


def _fee(store: ProfileStore, counterparty: str | None, asset: str, chain: str) -> Decimal | None:
    """The custodian's withdrawal fee for ``asset`` on the destination's network, if cached."""
    if not counterparty:
        return None
    fees = [info.fee for (a, _network), infos in
            WithdrawalNetworkRepository(store).for_exchange(counterparty).items()
            if a == asset for info in infos if info.fee is not None]
    return max(fees) if fees else None


def _held_at(store: ProfileStore, counterparty: str, asset: str, since: datetime,
             now: datetime) -> Decimal | None:
    """What the custodian's accounts hold of ``asset``, if all were captured after ``since``."""
    total = ZERO
    found = False
    for state in account_states(store, now):
        if state.account.counterparty != counterparty:
            continue
        if state.snapshot is None or state.snapshot.taken_at < since:
            return None
        found = True
        total += sum((h.total for h in state.snapshot.holdings if h.asset == asset), ZERO)
    return total if found else None


def confirm_withdrawals(store: ProfileStore, report: object = None, *,
                        now: datetime | None = None) -> list[tuple[int, str]]:
    """Tick withdrawal items whose coins arrived; returns the ``(plan_id, item_key)`` ticked."""
    repo = WatchRepository(store)
    destinations = [d for d in repo.destinations() if d.account_id is not None]
    if not destinations:
        return []
    now = now or utc_now()
    checklist = ChecklistRepository(store)
    ticked: list[tuple[int, str]] = []
    for d in destinations:
        plan = checklist.get_plan(d.plan_id)
        item = {i.item_key: i for i in checklist.items(d.plan_id)}.get(d.item_key)
        if plan is None or item is None or item.asset is None or not item.payload.get("total"):
            continue
        amount = Decimal(item.payload["total"])
        fee = _fee(store, item.counterparty, item.asset, d.chain)
        received, arrived_at = d.amount, d.received_at
        if not d.confirmed:
            assert d.account_id is not None
            found: Receipt | BalanceRise | None = matching_arrival(
                repo.receipts(d.account_id), address=d.address, asset=item.asset,
                amount=amount, fee=fee, after=plan.created_at)
            if found is None and item.asset == chain_spec(d.chain).native_symbol:
                found = matching_rise(_rises(store, d.account_id), address=d.address,
                                      asset=item.asset, amount=amount, fee=fee,
                                      after=plan.created_at)
            if found is None:
                continue
            txid = found.txid if isinstance(found, Receipt) else None
            repo.record_arrival(d.plan_id, d.item_key, txid, found.at, found.amount, now)
            if not checklist.progress(d.plan_id).get(d.item_key).done:
                checklist.set_progress(d.plan_id, d.item_key, done=True, by="sync", now=now)
            ticked.append((d.plan_id, d.item_key))
            received, arrived_at = found.amount, found.at
        if d.custodian_confirmed_at is None and item.counterparty and received is not None \
                and arrived_at is not None:
            held = _held_at(store, item.counterparty, item.asset, arrived_at, now)
            if custodian_side_done(amount, held, received):
                repo.record_custodian_side(d.plan_id, d.item_key, now)
    return ticked
