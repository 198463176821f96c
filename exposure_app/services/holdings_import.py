"""CSV import of holdings for manual and self-custody accounts.

Format (documented in the README): a header row with ``account``, ``asset``,
``amount`` and optionally ``date``, ``price`` or ``value`` (in the profile's
base currency). Rows with the same account and date form one snapshot: the
account's full holdings at that instant. A row without a date means "now"
(one instant for the whole file).

The file is validated as a whole before anything is written: any problem
rejects the file with every offending line and reason, and nothing changes.
Importing the same file again changes nothing (identical snapshots are
recognised and skipped). The whole import is one transaction.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from exposure_app.domain.account_names import name_key
from exposure_app.domain.bounds import BoundsError, check_holding_time
from exposure_app.domain.market_valuation import without_market_price
from exposure_app.domain.models import (
    AccountKind,
    Holding,
    Snapshot,
    SnapshotSource,
    SnapshotStatus,
)
from exposure_app.domain.money import AmountError, parse_decimal
from exposure_app.domain.timeutil import DateError, parse_instant, utc_now
from exposure_app.domain.watch_only import is_watch_only
from exposure_app.services.manual_holdings import ManualHoldingError, make_holding, normalise_asset
from exposure_app.services.manual_revaluation import price_from_records
from exposure_app.services.price_lookup import MarketPrices
from exposure_app.storage.snapshots import holding_key
from exposure_app.storage.store import ProfileStore

REQUIRED = ("account", "asset", "amount")
REPLACEABLE = "already has other holdings recorded"   # the refusal --replace overrides
OPTIONAL = ("date", "price", "value")
MAX_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class LineError:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}" if self.line else self.reason


class ImportRejected(ValueError):
    """The file was rejected; ``errors`` lists every problem. Nothing was written."""

    def __init__(self, errors: list[LineError]) -> None:
        self.errors = errors
        shown = "\n".join(f"  {e}" for e in errors[:50])
        more = f"\n  … and {len(errors) - 50} more" if len(errors) > 50 else ""
        super().__init__(f"the file was rejected, nothing was imported:\n{shown}{more}")


@dataclass(frozen=True, slots=True)
class ImportResult:
    snapshots_written: int
    snapshots_unchanged: int
    rows: int
    accounts: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class _Row:
    line: int
    account_id: int
    account_name: str
    taken_at: datetime
    holding: Holding


def _read_text(source: Path | str) -> str:
    if isinstance(source, Path):
        try:
            if source.stat().st_size > MAX_BYTES:
                raise ImportRejected([LineError(0, f"{source.name} is larger than 64 MiB")])
            data = source.read_bytes()
        except OSError as exc:
            raise ImportRejected([LineError(0, f"cannot read {source}: {exc.strerror}")]) from None
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ImportRejected(
                [LineError(0, f"{source.name} is not UTF-8 text (byte {exc.start})")]
            ) from None
    return source.removeprefix("\ufeff")


def parse_holdings_csv(store: ProfileStore, source: Path | str) -> list[_Row]:
    """Validate the whole file; returns rows or raises :class:`ImportRejected`."""
    text = _read_text(source)
    if "\x00" in text:
        raise ImportRejected([LineError(0, "the file contains NUL bytes: not a CSV text file")])
    reader = csv.reader(io.StringIO(text, newline=""))
    errors: list[LineError] = []
    try:
        header = next(reader)
    except StopIteration:
        raise ImportRejected([LineError(0, "the file is empty")]) from None
    except csv.Error as exc:
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
        raise ImportRejected(errors)

    now = utc_now()
    accounts = {name_key(a.name): a for a in store.accounts.list()}
    rows: list[_Row] = []
    seen: dict[tuple[int, datetime, str], int] = {}
    line = 1
    try:
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if len(record) != len(columns):
                errors.append(LineError(line, f"expected {len(columns)} fields, found {len(record)}"))
                continue
            cells = {c: v.strip() for c, v in zip(columns, record, strict=True)}
            row_errors: list[str] = []
            account = accounts.get(name_key(cells["account"]))
            if account is None:
                row_errors.append(f"unknown account {cells['account']!r}")
            elif account.kind is AccountKind.EXCHANGE_API:
                row_errors.append(f"account {account.name!r} is synced from its exchange")
            elif is_watch_only(account):
                row_errors.append(f"account {account.name!r} watches an address on a chain")
            taken_at = now
            if cells.get("date"):
                try:
                    taken_at = parse_instant(cells["date"])
                    check_holding_time(taken_at, now)
                except (DateError, BoundsError) as exc:
                    row_errors.append(f"bad date: {exc}")
            amounts: dict[str, Decimal | None] = {}
            for name in ("amount", "price", "value"):
                raw = cells.get(name, "")
                if name == "amount" or raw:
                    try:
                        amounts[name] = parse_decimal(raw, field=name)
                    except AmountError as exc:
                        row_errors.append(f"bad number: {exc}")
                        amounts[name] = None
                else:
                    amounts[name] = None
            holding = None
            if not row_errors:
                try:
                    holding = make_holding(
                        cells["asset"], amounts["amount"],  # type: ignore[arg-type]
                        price=amounts["price"], value=amounts["value"],
                    )
                except ManualHoldingError as exc:
                    row_errors.append(str(exc))
            elif cells["asset"]:
                try:
                    normalise_asset(cells["asset"])
                except ManualHoldingError as exc:
                    row_errors.append(str(exc))
            if holding is not None and account is not None:
                key = (account.id, taken_at, holding.asset)
                if key in seen:
                    row_errors.append(
                        f"duplicate row: {holding.asset} for {account.name!r} at that date "
                        f"is already on line {seen[key]}"
                    )
                else:
                    seen[key] = line
            if row_errors:
                errors.extend(LineError(line, reason) for reason in row_errors)
            elif holding is not None and account is not None:
                rows.append(_Row(line, account.id, account.name, taken_at, holding))
    except csv.Error as exc:
        errors.append(LineError(line, f"unreadable CSV: {exc}"))
    if errors:
        raise ImportRejected(errors)
    if not rows:
        raise ImportRejected([LineError(0, "the file has no data rows")])
    return rows


def import_holdings_csv(
    store: ProfileStore, source: Path | str, *, base: str | None = None, replace: bool = False
) -> ImportResult:
    """Validate then write; one snapshot per (account, date), all in one transaction.

    With ``base`` (the profile's base currency), a row without a price or value
    is valued at the last price stored for its asset at the row's date, as
    the holdings editor does; the next sync re-values it in any case.

    An account holds one snapshot per instant. When the file gives other
    holdings for an account and date that already has a snapshot (an earlier
    import, the holdings editor), the file is refused naming its lines,
    unless ``replace`` is true: then the file's snapshot replaces the stored
    one. The same holdings again are recognised and skipped either way.
    """
    rows = parse_holdings_csv(store, source)
    groups: dict[tuple[int, datetime], list[Holding]] = defaultdict(list)
    lines: dict[tuple[int, datetime], list[int]] = defaultdict(list)
    names: dict[int, str] = {}
    market = MarketPrices.load(store, utc_now()) if base is not None and rows else None
    for row in rows:
        holding = row.holding
        if base is not None:
            holding = price_from_records(store, holding, base, row.taken_at, market)
        groups[(row.account_id, row.taken_at)].append(holding)
        lines[(row.account_id, row.taken_at)].append(row.line)
        names[row.account_id] = row.account_name
    written = unchanged = 0
    with store.transaction():
        plan: list[tuple[Snapshot, list[int]]] = []
        conflicts: list[LineError] = []
        for key, holdings in sorted(groups.items(), key=lambda kv: kv[0][1]):
            account_id, taken_at = key
            snapshot = Snapshot(
                id=None,
                account_id=account_id,
                taken_at=taken_at,
                status=SnapshotStatus.OK,
                holdings=tuple(holdings),
                coverage=("main",),
                source=SnapshotSource.IMPORT,
            )
            if store.snapshots.find_identical(snapshot) is not None or _same_as_latest(
                store, snapshot
            ):
                unchanged += 1
                continue
            existing = store.snapshots.ids_at(account_id, taken_at)
            if existing and not replace:
                conflicts.append(LineError(lines[key][0], (
                    f"{names[account_id]!r} {REPLACEABLE} at {taken_at.isoformat()} "
                    f"(lines {_ranges(lines[key])} of this file); import with replace "
                    "(--replace) to replace them")))
                continue
            plan.append((snapshot, existing))
        if conflicts:
            raise ImportRejected(conflicts)
        for snapshot, existing in plan:
            for snapshot_id in existing:
                store.snapshots.delete(snapshot_id)
            store.snapshots.save(snapshot)
            written += 1
    return ImportResult(written, unchanged, len(rows), tuple(sorted(set(names.values()))))


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


def _same_as_latest(store: ProfileStore, snapshot: Snapshot) -> bool:
    """Whether the account already holds exactly this at that instant.

    Makes re-importing a file whose rows have no date (meaning "now") a no-op,
    also after a sync has re-valued those holdings at market prices: a price
    the app filled in is not part of what the file says.
    """
    latest = store.snapshots.latest_usable(snapshot.account_id, snapshot.taken_at)
    if latest is None:
        return False

    def recorded(holdings: Iterable[Holding]) -> list[tuple[str, ...]]:
        return sorted(holding_key(without_market_price(h)) for h in holdings)

    return recorded(latest.holdings) == recorded(snapshot.holdings)
