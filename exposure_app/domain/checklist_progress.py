"""Progress on a move-to-self-custody plan: ticks, notes, and what the data says is done.

:func:`still_held` and :func:`held_elsewhere` tell, from the latest snapshots,
whether an item's asset has left the custodian (so a sync can tick it).

Threading: pure functions over frozen dataclasses; safe anywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from exposure_app.domain.counterparties import CounterpartyDirectory
from exposure_app.domain.models import AccountState, captured


@dataclass(frozen=True, slots=True)
class ItemProgress:
    """A tick and note on one plan item; ``done_by`` is ``user`` or ``sync``."""

    item_key: str
    done: bool
    done_at: datetime | None = None
    done_by: str | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class PlanProgress:
    plan_id: int
    items: Mapping[str, ItemProgress] = field(default_factory=dict)

    def get(self, key: str) -> ItemProgress:
        return self.items.get(key) or ItemProgress(key, False)


def still_held(states: Iterable[AccountState], directory: CounterpartyDirectory,
               counterparty: str, asset: str) -> bool | None:
    """Whether ``counterparty`` still holds ``asset`` in the latest snapshots.

    ``None`` when no account of that custodian has a usable snapshot (nothing
    to judge from: the item stays as it is).
    """
    seen = False
    for state, snapshot in captured(states):
        account = state.account
        if not account.is_custodial or directory.holder(account.counterparty) != counterparty:
            continue
        seen = True
        if any(h.asset == asset and h.total > 0 for h in snapshot.holdings):
            return True
    return False if seen else None


def held_elsewhere(states: Iterable[AccountState], directory: CounterpartyDirectory,
                   owner: str, asset: str) -> bool:
    """Whether the affiliated ``asset`` of ``owner`` is still held outside ``owner``."""
    for state, snapshot in captured(states):
        if directory.holder(state.account.counterparty) == owner:
            continue
        if any(h.asset.upper() == asset and h.total > 0 for h in snapshot.holdings):
            return True
    return False
