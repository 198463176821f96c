"""The self-custody checklist: build a plan, keep its progress, close what moved.

* :func:`open_checklist` builds the plan for one custodian (or ``"all"``) from
  the latest data, saves what it lists, and returns it with the stored ticks
  and notes (a :class:`ChecklistView`). Items listed earlier but no longer
  shown by the data stay, marked ``listed = False``.
* :func:`view_checklist` does the same without writing (exports, previews).
* :func:`set_item` ticks, unticks or annotates one item.
* :func:`close_moved_items` runs after every sync: an asset that has gone
  from its custodian is ticked ``done_by = "sync"``; one that came back is
  reopened (only if the sync had ticked it).

Exposure itself needs no change when an asset moves: it is computed from the
snapshots, so the next sync's snapshot lowers it; the plan's remaining value
drops with it.

Threading: every function runs on the thread that owns ``store``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from typing import Any

from exposure_app.domain.balances import AccountReading
from exposure_app.domain.checklist import ChecklistPlan, build_plan
from exposure_app.domain.checklist_progress import held_elsewhere, still_held
from exposure_app.domain.checklist_rows import ChecklistRow, flatten
from exposure_app.domain.counterparties import CounterpartyDirectory
from exposure_app.domain.models import Account, AccountState
from exposure_app.domain.money import add, to_text
from exposure_app.domain.timeutil import utc_now
from exposure_app.services.exposure_as_of import account_states
from exposure_app.services.risk_service import friction_notes, withdrawals_blocked
from exposure_app.services.settings import Settings
from exposure_app.services.withdrawal_confirmations import evidence_by_item
from exposure_app.services.withdrawal_network_refresh import (
    lock_details,
    networks_for_plan,
    record_lock_details,
    refresh_after_sync,
)
from exposure_app.storage.checklist import ChecklistRepository, StoredItem
from exposure_app.storage.store import ProfileStore

ALL = "all"
log = logging.getLogger(__name__)


class ChecklistError(ValueError):
    """The plan cannot be made as asked; the message says why."""


@dataclass(frozen=True, slots=True)
class ChecklistView:
    """A plan with its progress, ready for a table, CSV, Markdown or print."""

    plan_id: int | None
    scope: str
    scope_name: str
    as_of: datetime
    base_currency: str
    plan: ChecklistPlan
    rows: tuple[ChecklistRow, ...]

    @property
    def remaining_value(self) -> Decimal:
        """Value still exposed: listed, undone asset items and affiliated tokens held elsewhere.

        Affiliated rows count: a plan whose only row is FTT held in a wallet
        must not say "still to move 0.00".
        """
        return add(*(r.value for r in self.rows
                     if r.kind in ("asset", "affiliated") and r.listed and not r.done
                     and r.value is not None))

    @property
    def done_count(self) -> int:
        return sum(1 for r in self.rows if r.done)


def resolve_scope(store: ProfileStore, scope: str, directory: CounterpartyDirectory) -> str:
    """The canonical scope id; raises :class:`ChecklistError` for an unknown custodian."""
    scope = (scope or "").strip()
    if not scope:
        raise ChecklistError("name a custodian (e.g. binance) or ask for all custodians")
    if scope.lower() == ALL:
        return ALL
    canonical = directory.resolve(scope)
    held = {directory.resolve(a.counterparty) for a in store.accounts.list()
            if a.is_custodial and a.counterparty}
    if canonical not in held and directory.get(canonical) is None:
        raise ChecklistError(f"{scope!r} is neither a known custodian nor one of your accounts'")
    return canonical


def risk_levels(store: ProfileStore, settings: Settings, as_of: datetime) -> dict[str, str]:
    """Counterparty -> warning level as of ``as_of``, from the risk engine."""
    from exposure_app.services.risk_service import warnings_as_of

    out: dict[str, str] = {}
    for w in warnings_as_of(store, settings, as_of).warnings:
        out.setdefault(w.counterparty, str(getattr(w.level, "value", w.level)))
    return out


def build_checklist(
    store: ProfileStore, settings: Settings, scope: str, *, as_of: datetime | None = None,
    directory: CounterpartyDirectory | None = None, levels: Mapping[str, str] | None = None,
    states: list[AccountState] | None = None,
) -> ChecklistPlan:
    directory = directory or store.risk.directory()
    as_of = as_of or utc_now()
    scope = resolve_scope(store, scope, directory)
    states = states if states is not None else account_states(store, as_of)
    snapshot_ids = [s.snapshot.id for s in states if s.snapshot is not None and s.snapshot.id]
    locks = lock_details(store, snapshot_ids)
    exchange_ids = {s.account.exchange_id for s in states if s.account.exchange_id}
    networks, notes = networks_for_plan(store, exchange_ids, states, directory)
    for cp, friction in friction_notes(store, as_of, directory).items():
        notes[cp] = f"{notes[cp]}; {friction}" if notes.get(cp) else friction
    if levels is None:
        levels = risk_levels(store, settings, as_of)
    return build_plan(
        states, scope=scope, as_of=as_of, base_currency=settings.base_currency,
        directory=directory, networks=networks, locks=locks, levels=levels,
        dust_threshold=settings.dust_threshold, withdrawal_info_notes=notes,
        withdrawals_blocked=withdrawals_blocked(store, as_of, directory),
    )


def _payload(row: ChecklistRow) -> dict[str, Any]:
    def dec(v: Decimal | None) -> str | None:
        return None if v is None else to_text(v)

    return {
        "counterparty_name": row.counterparty_name, "level": row.level, "detail": row.detail,
        "free": dec(row.free), "locked": dec(row.locked), "total": dec(row.total),
        "value": dec(row.value), "unlock": row.unlock, "networks": row.networks, "memo": row.memo,
        "dust": row.dust, "blocked": row.blocked,
    }


def _row_from_stored(item: StoredItem, position: int) -> ChecklistRow:
    p = item.payload

    def dec(key: str) -> Decimal | None:
        return None if p.get(key) is None else Decimal(p[key])

    return ChecklistRow(
        position, item.item_key, item.kind, item.counterparty, p.get("counterparty_name"),
        p.get("level"), item.asset, item.title, p.get("detail", ""), dec("free"), dec("locked"),
        dec("total"), dec("value"), p.get("unlock", ""), p.get("networks", ""), p.get("memo", ""),
        p.get("dust", ""), listed=False, blocked=bool(p.get("blocked", False)),
    )


def _merge(store: ProfileStore, plan_id: int | None, rows: list[ChecklistRow]) -> tuple[ChecklistRow, ...]:
    if plan_id is None:
        return tuple(rows)
    repo = ChecklistRepository(store)
    progress = repo.shared_progress()
    listed = {r.item_key for r in rows}
    merged = list(rows)
    for item in repo.items(plan_id):
        if item.item_key not in listed:
            merged.append(_row_from_stored(item, len(merged) + 1))
    evidence = evidence_by_item(store, plan_id)
    out = []
    for row in merged:
        p = progress.get(row.item_key)
        out.append(replace(row, done=p.done, done_at=p.done_at, done_by=p.done_by, note=p.note,
                           withdrawal=evidence.get(row.item_key)))
    return tuple(out)


def _view(store: ProfileStore, plan: ChecklistPlan, plan_id: int | None,
          directory: CounterpartyDirectory) -> ChecklistView:
    name = "all custodians" if plan.scope == ALL else directory.name(plan.scope)
    return ChecklistView(plan_id, plan.scope, name, plan.as_of, plan.base_currency, plan,
                         _merge(store, plan_id, flatten(plan)))


def view_checklist(store: ProfileStore, settings: Settings, scope: str, *,
                   as_of: datetime | None = None, directory: CounterpartyDirectory | None = None,
                   levels: Mapping[str, str] | None = None,
                   states: list[AccountState] | None = None) -> ChecklistView:
    """The plan with the stored progress of the scope's active plan; writes nothing.

    ``states``: the accounts as of ``as_of`` if the caller has them already.
    """
    directory = directory or store.risk.directory()
    plan = build_checklist(store, settings, scope, as_of=as_of, directory=directory, levels=levels,
                           states=states)
    stored = ChecklistRepository(store).active_plan(plan.scope)
    return _view(store, plan, stored.id if stored else None, directory)


def open_checklist(store: ProfileStore, settings: Settings, scope: str, *,
                   now: datetime | None = None, directory: CounterpartyDirectory | None = None,
                   levels: Mapping[str, str] | None = None) -> ChecklistView:
    """Build the plan from the latest data, save it (keeping progress) and return it."""
    directory = directory or store.risk.directory()
    now = now or utc_now()
    states = account_states(store, now)
    close_moved_items(store, directory=directory, now=now, states=states)
    plan = build_checklist(store, settings, scope, as_of=now, directory=directory, levels=levels,
                           states=states)
    rows = flatten(plan)
    items = [StoredItem(0, r.item_key, r.kind, r.counterparty, r.asset, r.position, r.title,
                        _payload(r)) for r in rows]
    stored = ChecklistRepository(store).save_plan(plan.scope, plan.base_currency, items, now=now)
    return _view(store, plan, stored.id, directory)


def start_over(store: ProfileStore, scope: str, *,
               directory: CounterpartyDirectory | None = None) -> bool:
    """Archive the scope's active plan (its ticks stay in the archive); the next
    :func:`open_checklist` starts a fresh one. Returns whether there was one."""
    directory = directory or store.risk.directory()
    repo = ChecklistRepository(store)
    active = repo.active_plan(resolve_scope(store, scope, directory))
    if active is None:
        return False
    repo.archive(active.id)
    return True


def set_item(store: ProfileStore, plan_id: int, item_key: str, *, done: bool | None = None,
             note: str | None = None, now: datetime | None = None) -> None:
    """Tick/untick an item and/or set its note (``None`` keeps the field)."""
    if note is not None:
        note = note.strip()
        if len(note) > 2000:
            raise ChecklistError("a note can be at most 2000 characters")
    try:
        ChecklistRepository(store).set_progress(plan_id, item_key, done=done, note=note, now=now)
    except KeyError as exc:
        raise ChecklistError(str(exc.args[0])) from None


def close_moved_items(store: ProfileStore, *, directory: CounterpartyDirectory | None = None,
                      now: datetime | None = None,
                      states: list[AccountState] | None = None) -> list[tuple[int, str]]:
    """Tick asset items whose asset has gone from the custodian; reopen sync-ticked ones
    that came back. Returns the ``(plan_id, item_key)`` pairs that changed."""
    repo = ChecklistRepository(store)
    plans = repo.plans()
    if not plans:
        return []            # nothing to close: skip reading the accounts
    directory = directory or store.risk.directory()
    now = now or utc_now()
    states = states if states is not None else account_states(store, now)
    changed: list[tuple[int, str]] = []
    with store.transaction():
        for plan in plans:
            progress = repo.progress(plan.id)
            for item in repo.items(plan.id):
                if item.kind == "step" or not item.counterparty or not item.asset:
                    continue
                if item.kind == "asset":
                    held = still_held(states, directory, item.counterparty, item.asset)
                else:
                    held = held_elsewhere(states, directory, item.counterparty, item.asset)
                p = progress.get(item.item_key)
                if held is False and not p.done:
                    repo.set_progress(plan.id, item.item_key, done=True, by="sync", now=now)
                    changed.append((plan.id, item.item_key))
                elif held is True and p.done and p.done_by == "sync":
                    repo.set_progress(plan.id, item.item_key, done=False, now=now)
                    changed.append((plan.id, item.item_key))
    return changed


async def after_sync(store: ProfileStore, accounts: list[tuple[Account, Any, AccountReading | None]],
                     report: Any = None, *, timeout: float) -> None:
    """The sync service's hook, awaited on its loop after a run's snapshots are stored.

    ``accounts`` holds ``(account, ccxt client or None, reading or None)`` for
    each account of the run; ``report`` is the run's ``SyncReport`` (its
    results carry ``snapshot_id``). In order: keep each new snapshot's lock
    reasons and ends; tick checklist items whose asset left its custodian;
    refresh per-network withdrawal info (once per exchange, at most hourly,
    bounded by ``timeout``). Never raises: the sync's own outcome is already saved.
    """
    snapshot_ids = {getattr(r, "account_id", None): getattr(r, "snapshot_id", None)
                    for r in getattr(report, "results", ())}
    try:
        for account, _client, reading in accounts:
            sid = snapshot_ids.get(account.id)
            if sid is not None and reading is not None:
                record_lock_details(store, sid, reading)
    except Exception:
        log.exception("checklist after-sync hook failed (lock details)")
    try:
        close_moved_items(store)
    except Exception:
        log.exception("checklist after-sync hook failed (closing moved items)")
    try:
        read: dict[str, set[str]] = {}
        clients: dict[str, tuple[Account, Any]] = {}
        for account, client, reading in accounts:
            if client is None or reading is None or not account.exchange_id:
                continue
            read.setdefault(account.exchange_id, set()).update(b.asset for b in reading.balances)
            clients.setdefault(account.exchange_id, (account, client))
        jobs = [
            refresh_after_sync(store, account, client,
                               assets=read[exchange_id]
                               | store.snapshots.held_assets(exchange_id=exchange_id))
            for exchange_id, (account, client) in clients.items()
        ]
        if jobs:
            await asyncio.wait_for(asyncio.gather(*jobs, return_exceptions=True), timeout)
    except (asyncio.CancelledError, TimeoutError):
        log.info("withdrawal info refresh cut short; the cached figures stay")
    except Exception:
        log.exception("checklist after-sync hook failed (withdrawal info)")
