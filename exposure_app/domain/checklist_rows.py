"""A plan flattened into rows, worded for people: the table, the CSV and the Markdown.

Threading: pure functions over frozen dataclasses; safe anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from exposure_app.domain.checklist import AssetItem, ChecklistPlan
from exposure_app.domain.money import to_text
from exposure_app.domain.withdrawal_confirmation import WithdrawalEvidence
from exposure_app.domain.withdrawal_networks import Memo


@dataclass(frozen=True, slots=True)
class ChecklistRow:
    """One tickable line of a plan, flattened for tables, CSV and Markdown.

    Text fields are already worded for people; amounts stay Decimal.
    ``done``/``done_at``/``done_by``/``note`` come from the stored progress.
    ``listed`` is false for an item the plan listed earlier but the latest
    data no longer shows (the asset has gone from the custodian). ``blocked``
    marks an asset at a custodian whose withdrawals are blocked; its
    ``unlock`` then says what to do instead of withdrawing.
    """

    position: int
    item_key: str
    kind: str                     # step, asset or affiliated
    counterparty: str | None
    counterparty_name: str | None
    level: str | None
    asset: str | None
    title: str
    detail: str
    free: Decimal | None = None
    locked: Decimal | None = None
    total: Decimal | None = None
    value: Decimal | None = None
    unlock: str = ""
    networks: str = ""
    memo: str = ""
    dust: str = ""
    done: bool = False
    done_at: datetime | None = None
    done_by: str | None = None
    note: str = ""
    listed: bool = True
    blocked: bool = False
    """The custodian's withdrawals are blocked: ``unlock`` says what to do instead."""
    withdrawal: WithdrawalEvidence | None = None
    """Where the withdrawal is sent (a watched address) and the on-chain evidence of arrival."""


def _asset_detail(item: AssetItem) -> str:
    parts = "; ".join(
        f"{p.account}/{p.wallet}: {to_text(p.free)} free, {to_text(p.locked)} locked" for p in item.parts
    )
    extra = []
    if item.value is None:
        extra.append("unpriced (not in the totals)")
    if item.stale_reason:
        extra.append(f"figures may be out of date: {item.stale_reason}")
    return parts + ("; " + "; ".join(extra) if extra else "")


def blocked_advice(name: str, why: str) -> str:
    """What to do about an asset at a custodian whose withdrawals are blocked."""
    return (f"Withdrawals are blocked: {why}. Keep records of this balance (statements, "
            f"screenshots), file or follow your claim in {name}'s claims process, and withdraw "
            "as soon as withdrawals reopen.")


def flatten(plan: ChecklistPlan) -> list[ChecklistRow]:
    """The plan as rows, in plan order (positions from 1)."""
    rows: list[ChecklistRow] = []
    for step in plan.steps:
        rows.append(ChecklistRow(len(rows) + 1, step.key, step.KIND, None, None, None, None,
                                 step.title, step.detail))
    for section in plan.sections:
        # none read for any asset: the exchange was not asked yet or refused (the section's
        # note says which), so "it did not say" would be untrue of every row
        any_read = any(a.networks for a in section.assets)
        for a in section.assets:
            if a.networks:
                networks = "; ".join(o.describe() for o in a.networks)
            elif section.read_from_exchange and any_read:
                networks = "unknown (the exchange did not say)"
            elif section.read_from_exchange:
                networks = f"unknown (not read from {section.name} yet: see the plan's note)"
            else:   # nobody was asked: say where to look, as the section's note does
                networks = "unknown (recorded by hand: check on the custodian's site)"
            memo = {
                Memo.REQUIRED: f"required: {a.memo_label}",
                Memo.LIKELY: f"likely: {a.memo_label}",
                Memo.NONE: "none",
                Memo.UNKNOWN: "unknown",
            }[a.memo]
            if section.withdrawals_blocked:
                title = f"Claim {a.asset} from {section.name} (withdrawals blocked)"
                unlock = blocked_advice(section.name, section.withdrawals_blocked)
            else:
                title = f"Withdraw {a.asset} from {section.name}"
                unlock = "; ".join(a.unlock_steps) or "nothing locked"
            if a.own_token:
                title += f" ({section.name}'s own token: falls with it)"
            rows.append(ChecklistRow(
                len(rows) + 1, a.key, a.KIND, section.counterparty, section.name, section.level,
                a.asset, title, _asset_detail(a), a.free, a.locked, a.total, a.value,
                unlock=unlock, networks=networks, memo=memo, dust=a.dust_reason or "",
                blocked=bool(section.withdrawals_blocked),
            ))
        for f in section.affiliated:
            rows.append(ChecklistRow(
                len(rows) + 1, f.key, f.KIND, section.counterparty, section.name,
                section.level, f.asset,
                f"Reduce {f.asset} held outside {section.name} (separate exposure)",
                f"{f.asset} is {section.name}'s own token; its value depends on {section.name} even "
                f"in self-custody. Held in: {', '.join(f.held_at)}.",
                None, None, f.amount, f.value,
            ))
    return rows
