"""The snapshots a holdings file holds, and settling them against the profile.

A :class:`FileSnapshot` is one snapshot of the file (an account at an
instant) while the file is read: its lines, its totals and two
order-independent digests of its holdings (as written, and without
market-filled prices). :func:`settle` then keeps each written snapshot that
says something new and drops the others, comparing each with what the profile
held before the import: the snapshots taken at the same instant, and the
newest one before it. Two snapshots whose digests differ certainly differ;
equal digests are confirmed row by row before anything is skipped.

Threading: same as the owning :class:`ProfileStore`.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from exposure_app.domain.market_valuation import follows_market
from exposure_app.domain.models import Account, Holding
from exposure_app.domain.money import to_text
from exposure_app.domain.timeutil import to_storage
from exposure_app.services.csv_text import ImportRejected, LineError
from exposure_app.storage.snapshot_batches import SnapshotBatchWriter
from exposure_app.storage.snapshots import holding_key
from exposure_app.storage.store import ProfileStore

REPLACEABLE = "already has other holdings recorded"   # the refusal --replace overrides
DIGEST_MASK = (1 << 64) - 1


@dataclass(slots=True)
class FileSnapshot:
    """One snapshot of the file: an account at an instant, and what is known of its rows
    (see the module docstring for the digests)."""

    account: Account
    taken_at: datetime
    first_line: int
    assets: dict[str, int] = field(default_factory=dict)   # asset -> line
    snapshot_id: int | None = None
    total: Decimal = Decimal(0)
    unpriced: int = 0
    digest: int = 0
    market_delta: int = 0   # recorded_digest - digest, from rows priced at the market

    @property
    def raw_digest(self) -> int:
        return self.digest

    @property
    def recorded_digest(self) -> int:
        return (self.digest + self.market_delta) & DIGEST_MASK


def key_hash(key: tuple[str, ...]) -> int:
    return hash(key) & DIGEST_MASK


def _recorded_key(holding: Holding, key: tuple[str, ...]) -> tuple[str, ...]:
    """``holding_key(without_market_price(holding))`` from an already computed key."""
    if holding.price_source is None or not follows_market(holding):
        return key
    return (*key[:5], "", "")


def _digests(holdings: list[Holding]) -> tuple[int, int]:
    raw = recorded = 0
    for holding in holdings:
        key = stored_key(holding)
        raw = (raw + key_hash(key)) & DIGEST_MASK
        recorded = (recorded + key_hash(_recorded_key(holding, key))) & DIGEST_MASK
    return raw, recorded


def stored_key(h: Holding) -> tuple[str, str, str, str, str, str, str]:
    """``holding_key(h)``, the texts as stored, each Decimal written out once."""
    free = to_text(h.free)
    return (h.wallet, h.asset, free, to_text(h.locked),
            free if h.total is h.free else to_text(h.total),
            "" if h.price is None else to_text(h.price),
            "" if h.value is None else to_text(h.value))


class _Earlier:
    """The snapshots the profile held before the import, near the file's: per account, one
    query for the span of the file's instants (:meth:`SnapshotBatchWriter.usable_before_between`)
    instead of two per snapshot of the file."""

    def __init__(self, writer: SnapshotBatchWriter, groups: list[FileSnapshot]) -> None:
        spans: dict[int, tuple[datetime, datetime]] = {}
        for group in groups:
            low, high = spans.get(group.account.id, (group.taken_at, group.taken_at))
            spans[group.account.id] = (min(low, group.taken_at), max(high, group.taken_at))
        self._rows = {account_id: writer.usable_before_between(account_id, low, high)
                      for account_id, (low, high) in spans.items()}

    def ids_at(self, group: FileSnapshot) -> list[int]:
        """Usable snapshots stored before the import, taken at exactly the group's instant."""
        rows = self._rows[group.account.id]
        if not rows:
            return []
        at = to_storage(group.taken_at)
        start = bisect_left(rows, (at, 0))
        return [snapshot_id for taken_at, snapshot_id in rows[start:] if taken_at == at]

    def latest(self, group: FileSnapshot) -> int | None:
        """The newest usable snapshot stored before the import, taken at or before the group's instant."""
        rows = self._rows[group.account.id]
        if not rows:
            return None
        end = bisect_right(rows, (to_storage(group.taken_at), _AFTER_ANY_ID))
        return rows[end - 1][1] if end else None


_AFTER_ANY_ID = 1 << 62


def settle(store: ProfileStore, writer: SnapshotBatchWriter, groups: Iterable[FileSnapshot],
            replace: bool) -> tuple[int, int]:
    """Keep each written snapshot that says something new, drop the others (oldest first).

    Raises :class:`ImportRejected` (the caller's transaction rolls back) when
    a snapshot would sit beside another one of its account and instant and
    ``replace`` is false.
    """
    ordered = sorted(groups, key=lambda g: (g.taken_at, g.first_line))
    earlier = _Earlier(writer, ordered)
    unchanged: list[FileSnapshot] = []
    plan: list[tuple[FileSnapshot, list[int]]] = []
    conflicts: list[LineError] = []
    for group in ordered:
        existing = earlier.ids_at(group)
        if (_identical_before(store, group, existing)
                or _same_as_latest(store, group, earlier.latest(group))):
            unchanged.append(group)
            continue
        if existing and not replace:
            lines = list(group.assets.values())
            conflicts.append(LineError(lines[0], (
                f"{group.account.name!r} {REPLACEABLE} at {group.taken_at.isoformat()} "
                f"(lines {_ranges(lines)} of this file); import with replace "
                "(--replace) to replace them")))
            continue
        plan.append((group, existing))
    if conflicts:
        raise ImportRejected(conflicts)
    for group in unchanged:
        writer.drop(group.snapshot_id)  # type: ignore[arg-type]
    for _group, existing in plan:
        for snapshot_id in existing:
            store.snapshots.delete(snapshot_id)
    writer.finish_many((to_text(group.total), group.unpriced, group.snapshot_id)  # type: ignore[misc]
                       for group, _existing in plan)
    return len(plan), len(unchanged)


def _ranges(numbers: list[int]) -> str:
    """``[2, 3, 4, 7]`` -> ``"2-4, 7"``."""
    out: list[str] = []
    start = prev = numbers[0]
    for n in [*numbers[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        out.append(str(start) if start == prev else f"{start}-{prev}")
        if n is not None:
            start = prev = n
    return ", ".join(out)


def _keys(holdings: list[Holding], *, recorded: bool) -> list[tuple[str, ...]]:
    keys = (holding_key(h) for h in holdings)
    if recorded:
        return sorted(_recorded_key(h, k) for h, k in zip(holdings, keys, strict=True))
    return sorted(keys)


def _identical_before(store: ProfileStore, group: FileSnapshot, existing: list[int]) -> bool:
    """Whether the profile already held exactly these holdings at exactly that instant
    (in one of the ``existing`` snapshots taken then)."""
    mine: list[tuple[str, ...]] | None = None
    for snapshot_id in existing:
        theirs = store.snapshots.holdings(snapshot_id)
        if _digests(theirs)[0] != group.raw_digest:
            continue
        if mine is None:
            mine = _keys(store.snapshots.holdings(group.snapshot_id), recorded=False)  # type: ignore[arg-type]
        if _keys(theirs, recorded=False) == mine:
            return True
    return False


def _same_as_latest(store: ProfileStore, group: FileSnapshot, before: int | None) -> bool:
    """Whether the account already holds exactly this at that instant (``before``: its
    newest usable snapshot at or before it, stored before the import).

    Makes re-importing a file whose rows have no date (meaning "now") a no-op,
    also after a sync has re-valued those holdings at market prices: a price
    the app filled in is not part of what the file says.
    """
    if before is None:
        return False
    theirs = store.snapshots.holdings(before)
    if _digests(theirs)[1] != group.recorded_digest:
        return False
    mine = store.snapshots.holdings(group.snapshot_id)  # type: ignore[arg-type]
    return _keys(theirs, recorded=True) == _keys(mine, recorded=True)
