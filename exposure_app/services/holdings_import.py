"""CSV import of holdings for manual and self-custody accounts.

Format (documented in the README): a header row with ``account``, ``asset``,
``amount`` and optionally ``date``, ``price`` or ``value`` (in the profile's
base currency). Rows with the same account and date form one snapshot: the
account's full holdings at that instant. A row without a date means "now"
(one instant for the whole file).

The file is validated as a whole before anything is kept: any problem
rejects the file with every offending line and reason, and nothing changes.
Importing the same file again changes nothing (identical snapshots are
recognised and skipped). The whole import is one transaction.

The file is streamed, so a million-row file costs neither a million objects
nor a second pass: each line is read, checked and (while the file is still
clean) queued for writing in batches inside that one transaction; the first
bad line stops the writing, the rest of the file is still checked so that
every offending line is named, and the transaction is rolled back. Memory
grows with the number of snapshots (account and date pairs) and assets per
snapshot, not with the file.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import TextIO

from exposure_app.domain.account_names import name_key
from exposure_app.domain.bounds import BoundsError, check_holding_time
from exposure_app.domain.market_valuation import follows_market
from exposure_app.domain.models import Account, AccountKind, Holding, SnapshotSource
from exposure_app.domain.money import AmountError, add, parse_decimal, to_text
from exposure_app.domain.timeutil import DateError, parse_instant, utc_now
from exposure_app.domain.watch_only import is_watch_only
from exposure_app.services.csv_text import (
    ImportRejected,
    LineError,
    drain,
    guarded_lines,
    open_text,
)
from exposure_app.services.manual_holdings import ManualHoldingError, make_holding, normalise_asset
from exposure_app.services.manual_revaluation import price_from_records
from exposure_app.services.price_lookup import MarketPrices
from exposure_app.storage.snapshot_batches import SnapshotBatchWriter
from exposure_app.storage.snapshots import holding_key
from exposure_app.storage.store import ProfileStore

__all__ = [
    "REPLACEABLE", "CheckResult", "ImportRejected", "ImportResult", "LineError",
    "check_holdings_csv", "import_holdings_csv",
]

REQUIRED = ("account", "asset", "amount")
REPLACEABLE = "already has other holdings recorded"   # the refusal --replace overrides
OPTIONAL = ("date", "price", "value")
_CACHE_LIMIT = 10_000   # distinct date / asset cells remembered while reading


@dataclass(frozen=True, slots=True)
class ImportResult:
    snapshots_written: int
    snapshots_unchanged: int
    rows: int
    accounts: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class CheckResult:
    """What a valid file holds (the import dialog's summary before importing)."""

    rows: int
    accounts: tuple[str, ...]
    dates: int


@dataclass(slots=True)
class _Group:
    """One snapshot of the file: an account at an instant, and what is known of its rows.

    ``raw_digest`` and ``recorded_digest`` are order-independent sums of the
    hashes of its holdings' keys (as written, and without market-filled
    prices): two snapshots whose digests differ certainly differ; equal
    digests are confirmed row by row before anything is skipped.
    """

    account: Account
    taken_at: datetime
    first_line: int
    assets: dict[str, int] = field(default_factory=dict)   # asset -> line
    snapshot_id: int | None = None
    total: Decimal = Decimal(0)
    unpriced: int = 0
    raw_digest: int = 0
    recorded_digest: int = 0


_DIGEST_MASK = (1 << 64) - 1


def _key_hash(key: tuple[str, ...]) -> int:
    return hash(key) & _DIGEST_MASK


def _recorded_key(holding: Holding, key: tuple[str, ...]) -> tuple[str, ...]:
    """``holding_key(without_market_price(holding))`` from an already computed key."""
    if holding.price_source is None or not follows_market(holding):
        return key
    return (*key[:5], "", "")


def _digests(holdings: list[Holding]) -> tuple[int, int]:
    raw = recorded = 0
    for holding in holdings:
        key = _stored_key(holding)
        raw = (raw + _key_hash(key)) & _DIGEST_MASK
        recorded = (recorded + _key_hash(_recorded_key(holding, key))) & _DIGEST_MASK
    return raw, recorded


class _FileCheck:
    """Reads and checks a holdings CSV line by line; yields each valid row.

    ``errors`` collects every problem with its line; ``groups`` the file's
    snapshots in order of first appearance. A problem with the file as a
    whole (size, encoding, NUL bytes, header) raises :class:`ImportRejected`.
    """

    def __init__(self, store: ProfileStore) -> None:
        self.errors: list[LineError] = []
        self.groups: dict[tuple[int, datetime], _Group] = {}
        self.rows = 0
        self._now = utc_now()
        self._accounts = {name_key(a.name): a for a in store.accounts.list()}
        self._dates: dict[str, datetime | str] = {}
        self._account_cells: dict[str, tuple[Account | None, str | None]] = {}

    def rows_of(self, source: Path | str) -> Iterator[tuple[_Group, Holding]]:
        with ExitStack() as stack:
            stream = open_text(source, stack)
            yield from self._read(source, stream)

    def _read(self, source: Path | str, stream: TextIO) -> Iterator[tuple[_Group, Holding]]:
        lines = guarded_lines(source, stream)
        reader = csv.reader(lines)
        errors = self.errors
        try:
            header = next(reader)
        except StopIteration:
            raise ImportRejected([LineError(0, "the file is empty")]) from None
        except csv.Error as exc:
            drain(lines)
            raise ImportRejected([LineError(1, f"unreadable header: {exc}")]) from None
        columns = [h.strip().lower() for h in header]
        unknown = [c for c in columns if c not in REQUIRED + OPTIONAL]
        missing = [c for c in REQUIRED if c not in columns]
        if unknown:
            errors.append(LineError(1, f"unknown column(s): {', '.join(unknown)}"))
        if missing:
            errors.append(LineError(1, f"missing column(s): {', '.join(missing)}"))
        if len(set(columns)) != len(columns):
            errors.append(LineError(1, "a column appears twice"))
        if errors:
            drain(lines)
            raise ImportRejected(errors)

        width = len(columns)
        at = {c: i for i, c in enumerate(columns)}
        account_at, asset_at, amount_at = at["account"], at["asset"], at["amount"]
        date_at, price_at, value_at = at.get("date"), at.get("price"), at.get("value")
        check_row = self._row
        line = 1
        try:
            for record in reader:
                line = reader.line_num
                if not "".join(record).strip():
                    continue   # a blank line, or only separators
                if len(record) != width:
                    errors.append(LineError(line, f"expected {width} fields, found {len(record)}"))
                    continue
                row = check_row(
                    line, record[account_at].strip(), record[asset_at].strip(),
                    record[amount_at].strip(),
                    "" if date_at is None else record[date_at].strip(),
                    "" if price_at is None else record[price_at].strip(),
                    "" if value_at is None else record[value_at].strip(),
                )
                if row is not None:
                    self.rows += 1
                    yield row
        except csv.Error as exc:
            errors.append(LineError(line, f"unreadable CSV: {exc}"))
        if not errors and not self.rows:
            errors.append(LineError(0, "the file has no data rows"))

    def _row(self, line: int, account_cell: str, asset_cell: str, amount_cell: str,
             date_cell: str, price_cell: str, value_cell: str) -> tuple[_Group, Holding] | None:
        """Checks one line's cells; records its problems and returns ``None``, or returns the row."""
        row_errors: list[str] = []
        account, problem = self._account(account_cell)
        if problem:
            row_errors.append(problem)
        taken_at = self._now
        if date_cell:
            moment = self._date(date_cell)
            if isinstance(moment, str):
                row_errors.append(moment)
            else:
                taken_at = moment
        amount = price = value = None
        try:
            amount = parse_decimal(amount_cell, field="amount")
        except AmountError as exc:
            row_errors.append(f"bad number: {exc}")
        if price_cell:
            try:
                price = parse_decimal(price_cell, field="price")
            except AmountError as exc:
                row_errors.append(f"bad number: {exc}")
        if value_cell:
            try:
                value = parse_decimal(value_cell, field="value")
            except AmountError as exc:
                row_errors.append(f"bad number: {exc}")
        holding = None
        if not row_errors:
            try:
                holding = make_holding(asset_cell, amount, price=price, value=value)  # type: ignore[arg-type]
            except ManualHoldingError as exc:
                row_errors.append(str(exc))
        elif asset_cell:
            problem = self._asset_problem(asset_cell)
            if problem:
                row_errors.append(problem)
        if holding is not None and account is not None:
            group = self.groups.get((account.id, taken_at))
            if group is None:
                group = self.groups[(account.id, taken_at)] = _Group(account, taken_at, line)
            first = group.assets.get(holding.asset)
            if first is None:
                group.assets[holding.asset] = line
                if not row_errors:
                    return group, holding
            else:
                row_errors.append(
                    f"duplicate row: {holding.asset} for {account.name!r} at that date "
                    f"is already on line {first}"
                )
        self.errors.extend(LineError(line, reason) for reason in row_errors)
        return None

    def _account(self, text: str) -> tuple[Account | None, str | None]:
        """The account a cell names, or why it cannot take imported rows (remembered per text)."""
        known = self._account_cells.get(text)
        if known is None:
            account = self._accounts.get(name_key(text))
            problem = None
            if account is None:
                problem = f"unknown account {text!r}"
            elif account.kind is AccountKind.EXCHANGE_API:
                problem = f"account {account.name!r} is synced from its exchange"
            elif is_watch_only(account):
                problem = f"account {account.name!r} watches an address on a chain"
            if len(self._account_cells) >= _CACHE_LIMIT:
                self._account_cells.clear()
            known = self._account_cells[text] = (account, problem)
        return known

    def _date(self, text: str) -> datetime | str:
        """The instant a date cell names, or the reason it names none (remembered per text)."""
        known = self._dates.get(text)
        if known is None:
            try:
                known = parse_instant(text)
                check_holding_time(known, self._now)
            except (DateError, BoundsError) as exc:
                known = f"bad date: {exc}"
            if len(self._dates) >= _CACHE_LIMIT:
                self._dates.clear()
            self._dates[text] = known
        return known

    def _asset_problem(self, text: str) -> str | None:
        try:
            normalise_asset(text)
        except ManualHoldingError as exc:
            return str(exc)
        return None


def check_holdings_csv(store: ProfileStore, source: Path | str) -> CheckResult:
    """Validate the whole file without writing; raises :class:`ImportRejected`."""
    check = _FileCheck(store)
    for _ in check.rows_of(source):
        pass
    if check.errors:
        raise ImportRejected(check.errors)
    return CheckResult(
        check.rows,
        tuple(sorted({g.account.name for g in check.groups.values()})),
        len({g.taken_at.date() for g in check.groups.values()}),
    )


def import_holdings_csv(
    store: ProfileStore, source: Path | str, *, base: str | None = None, replace: bool = False
) -> ImportResult:
    """Validate and write in one pass; one snapshot per (account, date), one transaction.

    With ``base`` (the profile's base currency), a row without a price or value
    is valued at the last price stored for its asset at the row's date, as
    the holdings editor does; the next sync re-values it in any case.

    An account holds one snapshot per instant. When the file gives other
    holdings for an account and date that already has a snapshot (an earlier
    import, the holdings editor), the file is refused naming its lines,
    unless ``replace`` is true: then the file's snapshot replaces the stored
    one. The same holdings again are recognised and skipped either way.
    Every snapshot of the file is compared with what the profile held before
    the import, not with the file's other snapshots.
    """
    check = _FileCheck(store)
    market: MarketPrices | None = None
    with store.transaction():
        writer = SnapshotBatchWriter(store, source=SnapshotSource.IMPORT)
        for group, holding in check.rows_of(source):
            if check.errors:
                continue   # the file is rejected: only checking goes on
            if base is not None:
                if market is None:
                    market = MarketPrices.load(store, utc_now())
                holding = price_from_records(store, holding, base, group.taken_at, market)
            _queue(writer, group, holding)
        if check.errors:
            raise ImportRejected(check.errors)
        writer.flush()
        written, unchanged = _settle(store, writer, check.groups.values(), replace)
    names = tuple(sorted({g.account.name for g in check.groups.values()}))
    return ImportResult(written, unchanged, check.rows, names)


def _queue(writer: SnapshotBatchWriter, group: _Group, holding: Holding) -> None:
    if group.snapshot_id is None:
        group.snapshot_id = writer.open_snapshot(group.account.id, group.taken_at)
    key = _stored_key(holding)
    recorded = _recorded_key(holding, key)
    raw_hash = _key_hash(key)
    group.raw_digest = (group.raw_digest + raw_hash) & _DIGEST_MASK
    group.recorded_digest = (
        group.recorded_digest + (raw_hash if recorded is key else _key_hash(recorded))
    ) & _DIGEST_MASK
    if holding.value is None:
        if holding.total != 0:
            group.unpriced += 1
    else:
        group.total = add(group.total, holding.value)
    writer.add(
        group.snapshot_id,
        (holding.wallet, holding.asset, key[2], key[3], key[4],
         key[5] if holding.price is not None else None,
         key[6] if holding.value is not None else None, holding.price_source),
        holding.priced,
    )


def _stored_key(h: Holding) -> tuple[str, str, str, str, str, str, str]:
    """``holding_key(h)``, the texts as stored, each Decimal written out once."""
    free = to_text(h.free)
    return (h.wallet, h.asset, free, to_text(h.locked),
            free if h.total is h.free else to_text(h.total),
            "" if h.price is None else to_text(h.price),
            "" if h.value is None else to_text(h.value))


def _settle(store: ProfileStore, writer: SnapshotBatchWriter, groups: Iterable[_Group],
            replace: bool) -> tuple[int, int]:
    """Keep each written snapshot that says something new, drop the others (oldest first).

    Raises :class:`ImportRejected` (the caller's transaction rolls back) when
    a snapshot would sit beside another one of its account and instant and
    ``replace`` is false.
    """
    unchanged: list[_Group] = []
    plan: list[tuple[_Group, list[int]]] = []
    conflicts: list[LineError] = []
    for group in sorted(groups, key=lambda g: (g.taken_at, g.first_line)):
        if _identical_before(store, writer, group) or _same_as_latest(store, writer, group):
            unchanged.append(group)
            continue
        existing = writer.ids_at_before(group.account.id, group.taken_at)
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
    for group, existing in plan:
        for snapshot_id in existing:
            store.snapshots.delete(snapshot_id)
        writer.finish(group.snapshot_id, to_text(group.total), group.unpriced)  # type: ignore[arg-type]
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


def _identical_before(store: ProfileStore, writer: SnapshotBatchWriter, group: _Group) -> bool:
    """Whether the profile already held exactly these holdings at exactly that instant."""
    mine: list[tuple[str, ...]] | None = None
    for snapshot_id in writer.ids_at_before(group.account.id, group.taken_at):
        theirs = store.snapshots.holdings(snapshot_id)
        if _digests(theirs)[0] != group.raw_digest:
            continue
        if mine is None:
            mine = _keys(store.snapshots.holdings(group.snapshot_id), recorded=False)  # type: ignore[arg-type]
        if _keys(theirs, recorded=False) == mine:
            return True
    return False


def _same_as_latest(store: ProfileStore, writer: SnapshotBatchWriter, group: _Group) -> bool:
    """Whether the account already holds exactly this at that instant.

    Makes re-importing a file whose rows have no date (meaning "now") a no-op,
    also after a sync has re-valued those holdings at market prices: a price
    the app filled in is not part of what the file says.
    """
    before = writer.latest_usable_before(group.account.id, group.taken_at)
    if before is None:
        return False
    theirs = store.snapshots.holdings(before[0])
    if _digests(theirs)[1] != group.recorded_digest:
        return False
    mine = store.snapshots.holdings(group.snapshot_id)  # type: ignore[arg-type]
    return _keys(theirs, recorded=True) == _keys(mine, recorded=True)
