"""The ``checklist`` report: one CSV row per plan item, with its progress.

Threading: pure; run anywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime

from exposure_app.domain.checklist_rows import ChecklistRow
from exposure_app.reports.csv_safe import Column, Kind, money_or_none

T, D, TM, B, INT = Kind.TEXT, Kind.DECIMAL, Kind.TIME, Kind.BOOL, Kind.INT

CHECKLIST_COLUMNS = (
    Column("as_of", TM, "when the plan was built from the latest data"),
    Column("scope", T, "the counterparty the plan is for, or all"),
    Column("base_currency", T, "currency of the value column"),
    Column("position", INT, "order to follow"),
    Column("item", T, "stable item key (step:..., asset:CP:ASSET, affiliated:CP:ASSET)"),
    Column("kind", T, "step, asset or affiliated"),
    Column("counterparty", T, "custodian id (empty for general steps)"),
    Column("level", T, "the custodian's warning level, if any"),
    Column("asset", T, "asset code"),
    Column("title", T, "what to do"),
    Column("detail", T, "where it is (account/wallet amounts) or how to do it"),
    Column("free", D, "amount withdrawable now"),
    Column("locked", D, "amount locked"),
    Column("total", D, "free + locked (affiliated: amount held elsewhere)"),
    Column("value", D, "value in the base currency; empty when unpriced"),
    Column("unlock", T, "what unlocks the locked part; when withdrawals are blocked, what to do "
                        "instead"),
    Column("withdrawals_blocked", B, "the custodian's withdrawals are blocked (an unresolved "
                                     "halt or insolvency, or it is defunct)"),
    Column("networks", T, "withdrawal networks: enabled, fee, minimum, memo"),
    Column("memo", T, "whether a memo/tag is needed: required, likely, none or unknown"),
    Column("dust", T, "why it is not worth moving, if so"),
    Column("listed", B, "false when the latest data no longer shows the item"),
    Column("done", B, "ticked off"),
    Column("done_at", TM, "when it was ticked"),
    Column("done_by", T, "user, or sync (the asset left the custodian)"),
    Column("note", T, "your note, e.g. the transaction id"),
    Column("destination", T, "the watched address the withdrawal is sent to (chain:address)"),
    Column("confirmed_txid", T, "the transaction that brought the amount to the destination"),
    Column("confirmed_at", TM, "when that transaction was confirmed on chain"),
    Column("confirmed_amount", D, "the amount it brought"),
    Column("confirmed_by", T, "empty for a transaction; a native coin seen only in the balance "
                              "(no transaction id): the blocks where it rose and why"),
    Column("custodian_confirmed_at", TM, "when a sync saw the custodian's balance fall by it"),
)


def checklist_rows(rows: Iterable[ChecklistRow], *, as_of: datetime, scope: str,
                   base_currency: str) -> Iterator[tuple]:
    for r in rows:
        yield (as_of, scope, base_currency, r.position, r.item_key, r.kind, r.counterparty, r.level,
               r.asset, r.title, r.detail, r.free, r.locked, r.total,
               money_or_none(r.value, base_currency), r.unlock or None,
               r.blocked, r.networks or None, r.memo or None, r.dust or None, r.listed, r.done, r.done_at,
               r.done_by, r.note or None, *_evidence(r))


def _evidence(r: ChecklistRow) -> tuple:
    """The withdrawal's destination and on-chain evidence (empty cells without one)."""
    w = r.withdrawal
    if w is None:
        return (None, None, None, None, None, None)
    return (f"{w.chain}:{w.address}", w.txid, w.received_at, w.amount, w.basis,
            w.custodian_confirmed_at)
