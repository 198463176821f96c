"""The ``checklist`` report: one CSV row per plan item, with its progress.

Threading: pure; run anywhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime

from exposure_app.domain.checklist_rows import ChecklistRow
from exposure_app.domain.withdrawal_confirmation import WithdrawalEvidence
from exposure_app.reports.csv_safe import Kind, money_or_none
from exposure_app.reports.record_rows import (
    RecordColumn,
    RowContext,
    as_of_cell,
    base_currency_cell,
    record_rows,
)

T, D, TM, B, INT = Kind.TEXT, Kind.DECIMAL, Kind.TIME, Kind.BOOL, Kind.INT


def _withdrawal(read: Callable[[WithdrawalEvidence], object]) -> Callable[[ChecklistRow, RowContext], object]:
    """A cell of the withdrawal's destination and on-chain evidence (empty without one)."""
    return lambda r, _row: None if r.withdrawal is None else read(r.withdrawal)


CHECKLIST_COLUMNS: tuple[RecordColumn[ChecklistRow], ...] = (
    RecordColumn("as_of", TM, "when the plan was built from the latest data", cell=as_of_cell),
    RecordColumn("scope", T, "the counterparty the plan is for, or all", cell=lambda _r, row: row.scope),
    RecordColumn("base_currency", T, "currency of the value column", cell=base_currency_cell),
    RecordColumn("position", INT, "order to follow"),
    RecordColumn("item", T, "stable item key (step:..., asset:CP:ASSET, affiliated:CP:ASSET)",
                 cell=lambda r, _row: r.item_key),
    RecordColumn("kind", T, "step, asset or affiliated"),
    RecordColumn("counterparty", T, "custodian id (empty for general steps)"),
    RecordColumn("level", T, "the custodian's warning level, if any"),
    RecordColumn("asset", T, "asset code"),
    RecordColumn("title", T, "what to do"),
    RecordColumn("detail", T, "where it is (account/wallet amounts) or how to do it"),
    RecordColumn("free", D, "amount withdrawable now"),
    RecordColumn("locked", D, "amount locked"),
    RecordColumn("total", D, "free + locked (affiliated: amount held elsewhere)"),
    RecordColumn("value", D, "value in the base currency; empty when unpriced",
                 cell=lambda r, row: money_or_none(r.value, row.base_currency)),
    RecordColumn("unlock", T, "what unlocks the locked part; when withdrawals are blocked, what to "
                              "do instead", cell=lambda r, _row: r.unlock or None),
    RecordColumn("withdrawals_blocked", B, "the custodian's withdrawals are blocked (an unresolved "
                                           "halt or insolvency, or it is defunct)",
                 cell=lambda r, _row: r.blocked),
    RecordColumn("networks", T, "withdrawal networks: enabled, fee, minimum, memo",
                 cell=lambda r, _row: r.networks or None),
    RecordColumn("memo", T, "whether a memo/tag is needed: required, likely, none or unknown",
                 cell=lambda r, _row: r.memo or None),
    RecordColumn("dust", T, "why it is not worth moving, if so", cell=lambda r, _row: r.dust or None),
    RecordColumn("listed", B, "false when the latest data no longer shows the item"),
    RecordColumn("done", B, "ticked off"),
    RecordColumn("done_at", TM, "when it was ticked"),
    RecordColumn("done_by", T, "user, or sync (the asset left the custodian)"),
    RecordColumn("note", T, "your note, e.g. the transaction id", cell=lambda r, _row: r.note or None),
    RecordColumn("destination", T, "the watched address the withdrawal is sent to (chain:address)",
                 cell=_withdrawal(lambda w: f"{w.chain}:{w.address}")),
    RecordColumn("confirmed_txid", T, "the transaction that brought the amount to the destination",
                 cell=_withdrawal(lambda w: w.txid)),
    RecordColumn("confirmed_at", TM, "when that transaction was confirmed on chain",
                 cell=_withdrawal(lambda w: w.received_at)),
    RecordColumn("confirmed_amount", D, "the amount it brought",
                 cell=_withdrawal(lambda w: w.amount)),
    RecordColumn("confirmed_by", T, "empty for a transaction; a native coin seen only in the balance "
                                      "(no transaction id): the blocks where it rose and why",
                 cell=_withdrawal(lambda w: w.basis)),
    RecordColumn("custodian_confirmed_at", TM, "when a sync saw the custodian's balance fall by it",
                 cell=_withdrawal(lambda w: w.custodian_confirmed_at)),
)


def checklist_rows(rows: Iterable[ChecklistRow], *, as_of: datetime, scope: str,
                   base_currency: str) -> Iterator[tuple]:
    return record_rows(CHECKLIST_COLUMNS, rows, RowContext(as_of, base_currency, scope))
