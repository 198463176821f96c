"""The self-custody plan as Markdown (for printing, sharing or a notes app).

Text from the data (account names, notes) is escaped so it cannot change the
document's structure. Amounts are written in full precision.

Threading: pure; run anywhere.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime

from exposure_app.domain.checklist import NEVER_WITHDRAWS
from exposure_app.domain.checklist_rows import ChecklistRow
from exposure_app.domain.money import round_money, to_text
from exposure_app.domain.timeutil import ensure_utc

# "&" too: an entity in a note ("&amp;", "&lt;") would otherwise print as the character
_SPECIAL = re.compile(r"([\\`*_\[\]<>|&])")


def escape(text: str) -> str:
    """Escape Markdown syntax and fold newlines, so data stays plain text."""
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _box(row: ChecklistRow) -> str:
    return "[x]" if row.done else "[ ]"


def _amount(value, currency: str | None = None) -> str:
    if value is None:
        return "unpriced" if currency else "?"
    if currency:   # a value: rounded to the currency's cents; an amount stays exact
        return to_text(round_money(value, currency)) + f" {currency}"
    return to_text(value)


def plan_markdown(rows: Iterable[ChecklistRow], *, as_of: datetime, scope_name: str,
                  base_currency: str) -> str:
    lines = [
        f"# Move to self-custody: {escape(scope_name)}",
        "",
        f"Plan built {ensure_utc(as_of).isoformat()} from your latest data. Values in {base_currency}.",
        "",
        f"> {NEVER_WITHDRAWS}",
        "",
    ]
    section = None
    for row in rows:
        if row.kind == "step":
            if section != "steps":
                lines += ["## Before you start", ""]
                section = "steps"
            lines.append(f"- {_box(row)} **{escape(row.title)}**: {escape(row.detail)}")
        else:
            if section != row.counterparty:
                section = row.counterparty
                level = f" (warning level: {row.level})" if row.level else ""
                lines += ["", f"## {escape(row.counterparty_name or row.counterparty or '')}{level}", ""]
            lines.append(f"- {_box(row)} **{escape(row.title)}**"
                         + ("" if row.listed else " (no longer held there)"))
            if row.kind == "asset":
                lines.append(f"  - Amount: {_amount(row.total)} ({_amount(row.free)} free, "
                             f"{_amount(row.locked)} locked); value {_amount(row.value, base_currency)}")
                lines.append(f"  - Where: {escape(row.detail)}")
                label = "Blocked" if row.blocked else "Unlock"
                lines.append(f"  - {label}: {escape(row.unlock)}")
                lines.append(f"  - Networks: {escape(row.networks)}")
                lines.append(f"  - Memo/tag: {escape(row.memo)}")
                if row.dust:
                    lines.append(f"  - {escape(row.dust)}")
            else:
                lines.append(f"  - Amount {_amount(row.total)}, value {_amount(row.value, base_currency)}. "
                             f"{escape(row.detail)}")
        if row.kind != "step" or row.done or row.note:
            if row.done:
                who = " automatically after a sync" if row.done_by == "sync" else ""
                when = f" on {ensure_utc(row.done_at).date().isoformat()}" if row.done_at else ""
                lines.append(f"  - Done{who}{when}")
            if row.note:
                lines.append(f"  - Note: {escape(row.note)}")
            lines += _withdrawal_lines(row)
    lines.append("")
    return "\n".join(lines)


def _withdrawal_lines(row: ChecklistRow) -> list[str]:
    w = row.withdrawal
    if w is None:
        return []
    lines = [f"  - Destination: `{escape(w.destination_text)}`"]
    if w.confirmed and w.received_at is not None and w.txid is None:
        lines.append(f"  - Arrived: {_amount(w.amount)} {escape(row.asset or '')}, seen in the "
                     f"balance only: {escape(w.basis or '')}")
    elif w.confirmed and w.received_at is not None:
        lines.append(f"  - Arrived: {_amount(w.amount)} {escape(row.asset or '')} in transaction "
                     f"`{escape(w.txid or '')}`, confirmed {ensure_utc(w.received_at).isoformat()}")
    else:
        lines.append("  - Arrival: not seen yet on chain")
    if w.custodian_confirmed_at is not None:
        lines.append(f"  - Custodian's balance fell accordingly (sync of "
                     f"{ensure_utc(w.custodian_confirmed_at).date().isoformat()})")
    return lines
