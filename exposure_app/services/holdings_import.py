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
clean) handed to one streaming insert inside that one transaction; the first
bad line stops the writing, the rest of the file is still checked so that
every offending line is named, and the transaction is rolled back. Memory
grows with the number of snapshots (account and date pairs) and assets per
snapshot, not with the file.

Speed: nearly every line of a real file is plain (a known account, a date
already seen, an asset ticker already seen, plain decimal figures well inside
their bounds). Such a line is checked on a short path that produces the
stored texts directly (:func:`~exposure_app.domain.bounds.plain_entered_text`,
one ``Decimal`` product for the value) instead of building a ``Holding``; any
other line takes the full path (``parse_decimal``, ``make_holding`` and its
bounds), which also words the problems. Both give the same stored rows
(``tests/services/test_holdings_import_fast_path.py``).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import TextIO

from exposure_app.domain.account_names import name_key
from exposure_app.domain.bounds import (
    MAX_PRICE,
    MAX_UNITS,
    MAX_VALUE,
    BoundsError,
    canonical_figure,
    check_holding_time,
    plain_figure_reader,
)
from exposure_app.domain.market_valuation import MARKET_PREFIX
from exposure_app.domain.models import Account, AccountKind, Holding, SnapshotSource
from exposure_app.domain.money import (
    WIDE_CONTEXT,
    AmountError,
    add,
    mul,
    parse_decimal,
    to_text,
)
from exposure_app.domain.timeutil import DateError, parse_instant, utc_now
from exposure_app.domain.watch_only import is_watch_only
from exposure_app.services.csv_text import (
    ImportRejected,
    LineError,
    drain,
    guarded_lines,
    open_text,
)
from exposure_app.services.holdings_snapshots import (
    DIGEST_MASK,
    REPLACEABLE,
    FileSnapshot,
    key_hash,
    settle,
    stored_key,
)
from exposure_app.services.manual_holdings import ManualHoldingError, make_holding, normalise_asset
from exposure_app.services.manual_revaluation import price_from_records
from exposure_app.services.price_lookup import MarketPrices
from exposure_app.storage.snapshot_batches import SnapshotBatchWriter, StoredHolding
from exposure_app.storage.store import ProfileStore

__all__ = [
    "REPLACEABLE", "CheckResult", "ImportRejected", "ImportResult", "LineError",
    "check_holdings_csv", "import_holdings_csv",
]

REQUIRED = ("account", "asset", "amount")
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


# A plain line, checked: its key as :func:`holding_key` gives it (wallet, asset, free,
# locked, total, price or "", value or "") and its value (``None``: unpriced).
Stored = tuple[tuple[str, str, str, str, str, str, str], Decimal | None]
# What the check yields per line: stored texts (the short path) or a Holding (the full one).
Row = Stored | Holding

class _FileCheck:
    """Reads and checks a holdings CSV line by line; yields each valid row.

    ``errors`` collects every problem with its line; ``groups`` the file's
    snapshots in order of first appearance. A problem with the file as a
    whole (size, encoding, NUL bytes, header) raises :class:`ImportRejected`.
    """

    def __init__(self, store: ProfileStore, writer: SnapshotBatchWriter | None = None, *,
                 base: str | None = None) -> None:
        """With ``writer``, :meth:`rows_of` yields each valid row as it is to be stored
        (its snapshot opened with ``writer`` at its first row), until a bad line is
        found; without, it only checks. ``base``: rows without a price or value are
        valued from the stored prices in that currency (on the full path)."""
        self._store = store
        self._writer = writer
        self._base = base
        self._market: MarketPrices | None = None
        self._assets: dict[str, str] = {}
        self._plain_amount = plain_figure_reader(MAX_UNITS)
        self._plain_price = plain_figure_reader(MAX_PRICE)
        self.errors: list[LineError] = []
        self.groups: dict[tuple[int, datetime], FileSnapshot] = {}
        self.rows = 0
        self._now = utc_now()
        self._accounts = {name_key(a.name): a for a in store.accounts.list()}
        self._dates: dict[str, datetime | str] = {}
        self._account_cells: dict[str, tuple[Account | None, str | None]] = {}

    def rows_of(self, source: Path | str) -> Iterator[StoredHolding]:
        with ExitStack() as stack:
            stream = open_text(source, stack)
            yield from self._read(source, stream)

    def _read(self, source: Path | str, stream: TextIO) -> Iterator[StoredHolding]:
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
        check_row, stage, assets = self._row, self._stage, self._assets
        canonical_amount = canonical_figure(MAX_UNITS).fullmatch
        canonical_price = canonical_figure(MAX_PRICE).fullmatch
        read_amount, read_price = self._plain_amount, self._plain_price
        # (account cell, date cell) -> the snapshot of a line with those cells that was fine
        known_groups: dict[tuple[str, str], FileSnapshot] = {}
        staging = self._writer is not None
        # rows without a price are valued from stored prices on the full path
        plain_unpriced = self._base is None
        mask = DIGEST_MASK
        multiply, wide_add = WIDE_CONTEXT.multiply, WIDE_CONTEXT.add
        line = 1
        rows = 0
        try:
            for record in reader:
                line = reader.line_num
                if len(record) != width:
                    if "".join(record).strip():   # not a blank line
                        errors.append(LineError(line, f"expected {width} fields, "
                                                      f"found {len(record)}"))
                    continue
                account_cell = record[account_at].strip()
                asset_cell = record[asset_at].strip()
                amount_cell = record[amount_at].strip()
                date_cell = "" if date_at is None else record[date_at].strip()
                price_cell = "" if price_at is None else record[price_at].strip()
                value_cell = "" if value_at is None else record[value_at].strip()
                if not (account_cell or asset_cell or amount_cell or date_cell or price_cell
                        or value_cell):
                    continue   # only separators (every column is one of these six)
                # The short path (see the module docstring), inlined: it runs for nearly
                # every line of a large file. An account and a date whose snapshot a line
                # already opened, an asset already seen, plain figures; else _row.
                group = known_groups.get((account_cell, date_cell))
                if group is not None and not value_cell and (price_cell or plain_unpriced):
                    amount = (amount_cell if canonical_amount(amount_cell)
                              else read_amount(amount_cell))
                    asset = assets.get(asset_cell)
                    if amount is not None and asset is not None:
                        value = None
                        price: str | None = ""
                        value_text = ""
                        if price_cell:
                            price = (price_cell if canonical_price(price_cell)
                                     else read_price(price_cell))
                            if price is not None:
                                value = multiply(Decimal(amount), Decimal(price))
                                if value <= MAX_VALUE:
                                    value_text = format(value, "f")   # to_text, inlined
                                    if "." in value_text:
                                        value_text = value_text.rstrip("0").rstrip(".")
                        # a duplicate keeps its first line, and _row names both
                        if (not price_cell or value_text) and (
                                group.assets.setdefault(asset, line) == line):
                            rows += 1
                            if errors or not staging:
                                continue
                            # as _stage does; the price is the user's own, so the
                            # recorded key is the key (no market delta)
                            group.digest = (group.digest + hash(
                                ("main", asset, amount, "0", amount, price, value_text))) & mask
                            if value is None:
                                if amount != "0":
                                    group.unpriced += 1
                                yield (group.snapshot_id, "main", asset, amount, "0",  # type: ignore[misc]
                                       amount, None, None, None, 0)
                            else:
                                group.total = wide_add(group.total, value)
                                yield (group.snapshot_id, "main", asset, amount, "0",  # type: ignore[misc]
                                       amount, price, value_text, "manual", 1)
                            continue
                row = check_row(line, account_cell, asset_cell, amount_cell, date_cell,
                                price_cell, value_cell)
                if row is not None:
                    known_groups[(account_cell, date_cell)] = row[0]
                    rows += 1
                    if staging and not errors:
                        yield stage(*row)
        except csv.Error as exc:
            errors.append(LineError(line, f"unreadable CSV: {exc}"))
        finally:
            self.rows = rows
        if not errors and not self.rows:
            errors.append(LineError(0, "the file has no data rows"))

    def _row(self, line: int, account_cell: str, asset_cell: str, amount_cell: str,
             date_cell: str, price_cell: str, value_cell: str) -> tuple[FileSnapshot, Row] | None:
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
        if not row_errors and not value_cell and (price_cell or self._base is None):
            plain = self._plain_row(asset_cell, amount_cell, price_cell)
            if plain is not None:
                return self._grouped(line, account, taken_at, plain[0][1], plain)  # type: ignore[arg-type]

        def number(cell: str, field: str) -> Decimal | None:
            try:
                return parse_decimal(cell, field=field)
            except AmountError as exc:
                row_errors.append(f"bad number: {exc}")
                return None

        amount = number(amount_cell, "amount")
        price = number(price_cell, "price") if price_cell else None
        value = number(value_cell, "value") if value_cell else None
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
            return self._grouped(line, account, taken_at, holding.asset, holding, row_errors)
        self.errors.extend(LineError(line, reason) for reason in row_errors)
        return None

    def _grouped(self, line: int, account: Account, taken_at: datetime, asset: str, row: Row,
                 row_errors: list[str] | None = None) -> tuple[FileSnapshot, Row] | None:
        """``row`` in its snapshot, unless the snapshot already has ``asset`` (or the
        line has other problems, which are recorded)."""
        group = self.groups.get((account.id, taken_at))
        if group is None:
            group = self.groups[(account.id, taken_at)] = FileSnapshot(account, taken_at, line)
        first = group.assets.get(asset)
        if first is None:
            group.assets[asset] = line
            if not row_errors:
                return group, row
        else:
            row_errors = [*(row_errors or ()), (
                f"duplicate row: {asset} for {account.name!r} at that date "
                f"is already on line {first}")]
        self.errors.extend(LineError(line, reason) for reason in row_errors or ())
        return None

    def _plain_row(self, asset_cell: str, amount_cell: str, price_cell: str) -> Stored | None:
        """The stored form of a plain line (see the module docstring), or ``None``: then
        the line takes the full path, which gives the same result or words the problem."""
        amount = self._plain_amount(amount_cell)
        asset = self._assets.get(asset_cell)
        if amount is None or asset is None:
            if amount is None or not asset_cell:
                return None
            try:
                asset = normalise_asset(asset_cell)
            except ManualHoldingError:
                return None
            if len(self._assets) >= _CACHE_LIMIT:
                self._assets.clear()
            self._assets[asset_cell] = asset
        if not price_cell:   # unpriced (the caller asked for no market prices)
            return ("main", asset, amount, "0", amount, "", ""), None
        price = self._plain_price(price_cell)
        if price is None:
            return None
        value = mul(Decimal(amount), Decimal(price))
        if value > MAX_VALUE:
            return None
        return ("main", asset, amount, "0", amount, price, to_text(value)), value

    def _stage(self, group: FileSnapshot, row: Row) -> StoredHolding:
        """``row`` as it is stored, its snapshot opened if it is the first; the snapshot's
        digests and totals follow it."""
        if isinstance(row, Holding):
            if self._base is not None:
                if self._market is None:
                    self._market = MarketPrices.load(self._store, utc_now())
                row = price_from_records(self._store, row, self._base, group.taken_at,
                                         self._market)
            key, value, price_source = stored_key(row), row.value, row.price_source
        else:
            key, value = row
            price_source = None if value is None else "manual"
        if group.snapshot_id is None:
            group.snapshot_id = self._writer.open_snapshot(  # type: ignore[union-attr]
                group.account.id, group.taken_at)
        digest = key_hash(key)
        group.digest = (group.digest + digest) & DIGEST_MASK
        if price_source is not None and price_source.startswith(MARKET_PREFIX):
            recorded = key_hash((*key[:5], "", ""))   # recorded without the market's price
            group.market_delta = (group.market_delta + recorded - digest) & DIGEST_MASK
        if value is None:
            if key[4] != "0":
                group.unpriced += 1
        else:
            group.total = add(group.total, value)
        return (group.snapshot_id, *key[:5], key[5] or None, key[6] or None, price_source,
                int(value is not None))

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
    with store.transaction():
        writer = SnapshotBatchWriter(store, source=SnapshotSource.IMPORT)
        check = _FileCheck(store, writer, base=base)
        writer.insert_holdings(check.rows_of(source))
        if check.errors:
            raise ImportRejected(check.errors)
        written, unchanged = settle(store, writer, check.groups.values(), replace)
    names = tuple(sorted({g.account.name for g in check.groups.values()}))
    return ImportResult(written, unchanged, check.rows, names)
