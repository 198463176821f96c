"""Balance rows: read from declared fields, built, merged and summed.

Most exchanges answer a wallet as a list of lines, one per currency, with the
total (or the free part), what is locked, or what may move now. Each adapter
declares where its figures sit as a :class:`BalanceFields` (data, like its
:class:`~exposure_app.exchanges.validation.Envelope`) and reads such a wallet
with :meth:`BalanceFields.rows`, so the arithmetic (locked from fields or from
what can move, kept within the total where an exchange's figures can
disagree) is written once. Every figure goes through
:func:`~exposure_app.exchanges.validation.amount`, so amounts stay exact and a
bad one raises :class:`~exposure_app.exchanges.errors.BadResponseError`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from exposure_app.domain.balances import WalletBalance
from exposure_app.domain.money import ZERO
from exposure_app.domain.timeutil import to_storage
from exposure_app.exchanges.errors import BadResponseError
from exposure_app.exchanges.validation import (
    amount,
    asset_code,
    require_key,
    require_list,
    require_mapping,
)


def numbered_entries(value: Any, exchange: str, what: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Each object of the list ``value`` with its own name, ``"<what>[i]"``
    (``value`` is named ``"<exchange> <what>"``, a line ``"<exchange> <what>[i]"``)."""
    for index, entry in enumerate(require_list(value, f"{exchange} {what}")):
        line = f"{what}[{index}]"
        yield line, require_mapping(entry, f"{exchange} {line}")


def unlock_from_ms(value: Any, what: str) -> str:
    """A lock's end given in epoch milliseconds, as stored text."""
    return to_storage(datetime.fromtimestamp(int(amount(value, what)) / 1000, UTC))


def nested_entries(outer: list[Any], key: str, what: str, *, list_what: str,
                   allow_empty: bool = False) -> list[Any]:
    """Every entry of the ``key`` list inside each object of ``outer`` (Bybit's
    accounts and their coins, OKX's accounts and their details); ``list_what``
    names the inner list. An answer without any outer object is bad unless
    ``allow_empty``."""
    if not outer and not allow_empty:
        raise BadResponseError(f"{what}: no account in the answer")
    entries: list[Any] = []
    for item in outer:
        entries += require_list(require_key(require_mapping(item, what), key, what),
                                f"{what} {list_what}")
    return entries


@dataclass(frozen=True, slots=True)
class BalanceFields:
    """Where one exchange's balance line keeps its figures, declared as data.

    The total is ``total`` (or ``total_else`` when that field is absent), less
    ``debt``; or, with ``free`` given, ``free`` plus the locked part. The locked
    part is the sum of the ``locked`` fields, or what exceeds ``movable`` (the
    part that may move now). ``clamp`` keeps it within nought and the total,
    for answers whose figures can disagree (equity net of debt, margin);
    a ``movable`` reading is always clamped. ``all_locked`` locks the whole
    line (a fixed-term product); ``never_negative`` refuses a negative figure,
    for lines that hold only what the user owns (no equity, no debt). Each
    figure's error names the field (``"<what> <asset> <field>"``).
    """

    currency: str
    total: str | None = None
    total_else: str | None = None
    free: str | None = None
    locked: tuple[str, ...] = ()
    movable: str | None = None
    debt: str | None = None
    lock_reason: str | None = None
    clamp: bool = False
    aliases: Mapping[str, str] | None = None
    all_locked: bool = False
    never_negative: bool = False

    def row(self, client: Any, entry: Mapping[str, Any], wallet: str,
            what: str, *, unlock_at: str | None = None) -> WalletBalance:
        """One line as a row of ``wallet``; ``unlock_at`` dates a fixed-term line
        (each exchange tells the end its own way)."""
        asset = asset_code(client, entry.get(self.currency), what, self.aliases)

        def figure(key: str, default: Decimal | None = None) -> Decimal:
            value = amount(entry.get(key), f"{what} {asset} {key}", default=default)
            if self.never_negative and value < 0:
                raise BadResponseError(f"{what} {asset} {key}: is negative ({value})")
            return value

        if self.free is not None:
            primary = figure(self.free)
        else:
            assert self.total is not None, "BalanceFields needs total or free"
            key = self.total
            if self.total_else is not None and key not in entry:
                primary = amount(entry.get(self.total_else), f"{what} {asset} {key}")
            else:
                primary = figure(key)
        if self.debt is not None:
            primary -= figure(self.debt, ZERO)
        locked = sum((figure(key, ZERO) for key in self.locked), ZERO)
        total = primary + locked if self.free is not None else primary
        if self.movable is not None:
            locked = total - figure(self.movable, total)
        if self.clamp or self.movable is not None:
            locked = min(max(locked, ZERO), max(total, ZERO))
        if self.all_locked:
            locked = total
        return WalletBalance(wallet, asset, total - locked, locked, total,
                             self.lock_reason if locked else None, unlock_at)

    def rows(self, client: Any, entries: Iterable[Any], wallet: str,
             what: str) -> list[WalletBalance]:
        """Every line of ``entries`` (each must be an object), merged per asset."""
        return merge_rows([self.row(client, require_mapping(entry, what), wallet, what)
                           for entry in entries])


def merge_rows(rows: list[WalletBalance]) -> list[WalletBalance]:
    """Sum rows with the same (wallet, asset, lock_reason, unlock_at), in first-seen order."""
    merged: dict[tuple, WalletBalance] = {}
    for row in rows:
        key = (row.wallet, row.asset, row.lock_reason, row.unlock_at)
        prev = merged.get(key)
        if prev is None:
            merged[key] = row
        else:
            merged[key] = WalletBalance(
                row.wallet, row.asset, prev.free + row.free, prev.locked + row.locked,
                prev.total + row.total, row.lock_reason, row.unlock_at,
            )
    return list(merged.values())


def sum_rows(rows: Iterable[WalletBalance]) -> list[WalletBalance]:
    """Adds rows of the same (wallet, asset, unlock date), sorted; zero rows dropped.

    Several exchange lines can hold one asset in one wallet (Coinbase has a
    wallet per currency plus vaults, Gate isolated margin one per pair, HTX a
    ``trade`` and a ``frozen`` line), so rows are summed rather than
    overwritten; the lock reason is the first one given for a locked part.
    """
    merged: dict[tuple[str, str, str | None], list] = {}
    for item in rows:
        key = (item.wallet, item.asset, item.unlock_at)
        sums = merged.setdefault(key, [ZERO, ZERO, ZERO, None])
        sums[0] += item.free
        sums[1] += item.locked
        sums[2] += item.total
        if item.locked and sums[3] is None:
            sums[3] = item.lock_reason
    result = []
    for (wallet, asset, unlock_at), (free, locked, total, reason) in merged.items():
        if total == 0 and free == 0 and locked == 0:
            continue
        result.append(WalletBalance(wallet=wallet, asset=asset, free=free, locked=locked,
                                    total=total, lock_reason=reason if locked else None,
                                    unlock_at=unlock_at))
    result.sort(key=lambda r: (r.wallet, r.asset, r.unlock_at or ""))
    return result


def row(wallet: str, asset: str, *, total: Decimal, locked: Decimal = ZERO,
        lock_reason: str | None = None, unlock_at: str | None = None) -> WalletBalance:
    """A row where ``free = total - locked`` (the locked part clamped to the total)."""
    locked = min(max(locked, ZERO), total) if total >= 0 else ZERO
    return WalletBalance(wallet=wallet, asset=asset, free=total - locked, locked=locked,
                         total=total, lock_reason=lock_reason if locked else None,
                         unlock_at=unlock_at)
