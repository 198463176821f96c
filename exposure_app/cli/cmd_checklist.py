"""``checklist [COUNTERPARTY | --all] [--json | --out FILE [--format csv|markdown]]``.

Builds (or refreshes) the move-to-self-custody plan and prints it; ``--tick``,
``--untick`` and ``--note`` record progress on one item (by its key, e.g.
``asset:binance:BTC``, or its position number). The app never withdraws.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from exposure_app.cli.context import CliContext, UsageError, UserError, format_money, user_errors
from exposure_app.cli.options import add_json, examples, to_file_or_stdout
from exposure_app.domain.checklist import AssetItem
from exposure_app.domain.checklist_rows import ChecklistRow
from exposure_app.domain.suggest import did_you_mean
from exposure_app.services.checklist_service import (
    ALL,
    ChecklistError,
    ChecklistView,
    open_checklist,
    set_item,
    start_over,
    view_checklist,
)
from exposure_app.services.reports import (
    ReportError,
    ReportOptions,
    write_checklist_markdown,
    write_report,
)
from exposure_app.services.withdrawal_confirmations import DestinationError, set_destination
from exposure_app.storage.errors import ProfileLockedError


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "checklist", help="a step-by-step plan to move assets to self-custody (never withdraws)")
    p.add_argument("counterparty", nargs="?",
                   help="custodian id, e.g. binance (default: every custodian, like --all)")
    p.add_argument("--all", action="store_true",
                   help="one plan for every custodian (the default without a custodian)")
    out = p.add_mutually_exclusive_group()
    add_json(out, "the plan")
    out.add_argument("--out", type=Path, metavar="FILE",
                     help="write the plan to FILE ('-' for standard output): CSV, or Markdown "
                          "for a .md name or --format markdown, e.g. --out plan.md")
    out.add_argument("--csv", type=Path, help=argparse.SUPPRESS)
    out.add_argument("--markdown", type=Path, help=argparse.SUPPRESS)
    p.add_argument("--format", choices=("csv", "markdown"), metavar="FORMAT",
                   help="the format of --out: csv or markdown (default: from the file name)")
    act = p.add_mutually_exclusive_group()
    act.add_argument("--tick", metavar="ITEM", help="mark an item done (key or position)")
    act.add_argument("--untick", metavar="ITEM", help="mark an item not done")
    p.add_argument("--note", metavar="TEXT",
                   help="with --tick/--untick or alone with --item: a note such as the tx id")
    p.add_argument("--item", metavar="ITEM", help="the item --note applies to (without --tick)")
    p.add_argument("--destination", metavar="ACCOUNT",
                   help="with --item: the watch-only account the withdrawal is sent to; a sync "
                        "ticks the item when the amount arrives there")
    p.add_argument("--address", metavar="ADDRESS",
                   help="with --destination on an xpub account: which receive address")
    p.add_argument("--new", action="store_true",
                   help="start a fresh plan (the current one and its ticks are archived)")
    examples(p, "checklist", "checklist binance --json", "checklist --tick 3 --note 'tx 0xabc'",
             "checklist --out plan.md")
    p.set_defaults(handler=checklist_cmd)


def _scope(args: argparse.Namespace, ctx: CliContext) -> str:
    if args.all and args.counterparty:
        raise UsageError("give a custodian or --all, not both")
    if args.all or not args.counterparty:
        return ALL
    return ctx.counterparty(args.counterparty)


def _output(args: argparse.Namespace) -> tuple[Path | None, str]:
    """The file to write and its format, from --out/--format (or the older --csv/--markdown)."""
    if args.csv is not None:
        return args.csv, "csv"
    if args.markdown is not None:
        return args.markdown, "markdown"
    if args.out is None:
        if args.format:
            raise UsageError("--format goes with --out FILE")
        return None, ""
    fmt = args.format or ("markdown" if args.out.suffix.lower() in (".md", ".markdown") else "csv")
    return args.out, fmt


def _find(view: ChecklistView, ref: str) -> ChecklistRow:
    ref = ref.strip()
    for row in view.rows:
        if row.item_key == ref or (ref.isdigit() and row.position == int(ref)):
            return row
    raise UserError(f"the plan has no item {ref!r}"
                    f"{did_you_mean(ref, [row.item_key for row in view.rows])} (use a key such "
                    "as asset:binance:BTC or a position number from the plan)", code="not_found")


def _networks_json(item: AssetItem | None) -> list[dict] | None:
    """The withdrawal networks as data; ``None`` when the exchange did not say."""
    if item is None or not item.networks:
        return None
    return [{"network": o.network, "network_id": o.network_id,
             "withdraw_enabled": o.withdraw_enabled, "fee": o.fee, "minimum": o.minimum,
             "memo": {"needed": o.memo.value, "label": o.memo_label}}
            for o in item.networks]


def row_json(row: ChecklistRow, item: AssetItem | None = None) -> dict:
    """One item; ``item`` (the plan's asset item) gives the structured networks and memo."""
    return {
        "position": row.position, "item": row.item_key, "kind": row.kind,
        "counterparty": row.counterparty, "level": row.level, "asset": row.asset,
        "title": row.title, "detail": row.detail, "free": row.free, "locked": row.locked,
        "total": row.total, "value": row.value, "unlock": row.unlock or None,
        "networks": _networks_json(item),
        "memo": None if item is None else {"needed": item.memo.value, "label": item.memo_label},
        "dust": row.dust or None,
        "withdrawals_blocked": row.blocked, "listed": row.listed, "done": row.done,
        "done_at": row.done_at, "done_by": row.done_by, "note": row.note or None,
        **withdrawal_json(row),
    }


def withdrawal_json(row: ChecklistRow) -> dict:
    w = row.withdrawal
    if w is None:
        return {"destination": None, "confirmation": None}
    return {
        "destination": {"chain": w.chain, "address": w.address, "account": w.account_name},
        "confirmation": None if not w.confirmed else {
            "txid": w.txid, "at": w.received_at, "amount": w.amount, "basis": w.basis,
            "custodian_confirmed_at": w.custodian_confirmed_at},
    }


def view_json(view: ChecklistView) -> dict:
    items = {a.key: a for s in view.plan.sections for a in s.assets}
    return {
        "plan_id": view.plan_id, "scope": view.scope, "name": view.scope_name,
        "as_of": view.as_of, "base_currency": view.base_currency, "notice": view.plan.notice,
        "remaining_value": view.remaining_value, "done": view.done_count,
        "custodians": [
            {"counterparty": s.counterparty, "name": s.name, "level": s.level, "value": s.value,
             "unpriced_assets": sorted(a.asset for a in s.assets if a.value is None),
             "withdrawal_info": s.withdrawal_info_note or None,
             "withdrawals_blocked": bool(s.withdrawals_blocked),
             "withdrawals_blocked_reason": s.withdrawals_blocked or None}
            for s in view.plan.sections
        ],
        "items": [row_json(r, items.get(r.item_key)) for r in view.rows],
    }


def _print(ctx: CliContext, view: ChecklistView) -> None:
    cur = view.base_currency
    ctx.out(f"Move to self-custody: {view.scope_name}  (plan as of {view.as_of:%Y-%m-%d %H:%M} UTC)")
    ctx.out(view.plan.notice)
    ctx.out(f"Still to move: {format_money(view.remaining_value, cur)}")
    section = None
    for r in view.rows:
        heading = "Before you start" if r.kind == "step" else (r.counterparty_name or "")
        if heading != section:
            section = heading
            level = f"  [{r.level}]" if r.level and r.kind != "step" else ""
            ctx.out(f"\n{heading}{level}")
        box = "[x]" if r.done else "[ ]"
        gone = "" if r.listed else "  (no longer held there)"
        ctx.out(f" {r.position:>3}. {box} {r.title}{gone}")
        if r.kind == "asset":
            ctx.out(f"        {r.total} {r.asset} ({r.free} free, {r.locked} locked), "
                    f"{format_money(r.value, cur)}")
            ctx.out(f"        {'blocked' if r.blocked else 'unlock'}: {r.unlock}")
            ctx.out(f"        networks: {r.networks}")
            ctx.out(f"        memo/tag: {r.memo}")
            if r.dust:
                ctx.out(f"        {r.dust}")
        elif r.kind == "affiliated":
            ctx.out(f"        {r.total} {r.asset}, {format_money(r.value, cur)}: {r.detail}")
        if r.done and r.done_by == "sync":
            ctx.out("        done automatically: gone from the custodian at the last sync")
        if r.note:
            ctx.out(f"        note: {r.note}")
        if r.withdrawal is not None:
            w = r.withdrawal
            ctx.out(f"        destination: {w.destination_text}")
            if w.confirmed and w.received_at is not None:
                ctx.out(f"        arrived: {w.amount} {r.asset} in {w.txid} "
                        f"({w.received_at:%Y-%m-%d %H:%M} UTC)" if w.txid else
                        f"        arrived: {w.amount} {r.asset}; {w.basis}")
            if w.custodian_confirmed_at is not None:
                ctx.out("        the custodian's balance fell accordingly")
    for s in view.plan.sections:
        if s.withdrawal_info_note:
            ctx.out(f"\n{s.name}: {s.withdrawal_info_note}")


def _named(row: ChecklistRow) -> str:
    """An item as the listing shows it (``1. Set up your own wallet``), not its key: what
    a person ticked by position or key reads back as what it is."""
    return f"{row.position}. {row.title}"


def checklist_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    scope = _scope(args, ctx)
    out_path, out_format = _output(args)
    ref = args.tick or args.untick or args.item
    writing = ref is not None or args.note is not None or args.new or args.destination
    try:
        ctx.lock_for_writing()
        locked = True
    except ProfileLockedError:
        if writing:
            raise
        locked = False   # the app has the profile open: show the plan without saving it
        ctx.warn("The profile is open in another Exposure process: showing the plan without "
                 "saving it (ticks shown are the saved ones).")
    with user_errors(ChecklistError, ReportError):
        if args.new and start_over(ctx.store, scope):
            ctx.warn("Archived the previous plan; starting a fresh one.")
        if locked:
            view = open_checklist(ctx.store, ctx.settings, scope)
        else:
            view = view_checklist(ctx.store, ctx.settings, scope)
        if args.note is not None and ref is None:
            raise UsageError("--note needs --tick ITEM, --untick ITEM or --item ITEM")
        if args.destination is not None or args.address is not None:
            if args.item is None or args.destination is None:
                raise UsageError("--destination ACCOUNT needs --item ITEM (and --address only "
                                "with --destination)")
            row = _find(view, args.item)
            assert view.plan_id is not None
            try:
                chosen = set_destination(ctx.store, view.plan_id, row.item_key, args.destination,
                                         args.address)
            except DestinationError as exc:
                raise UserError(str(exc)) from None
            ctx.warn(f"{_named(row)}: send to {chosen.chain}:{chosen.address}; a sync will tick "
                     "it when the amount arrives")
            view = open_checklist(ctx.store, ctx.settings, scope, now=view.as_of)
            ref = None if args.note is None else ref
        if ref is not None:
            if view.plan_id is None:  # pragma: no cover - open_checklist always saves
                raise UserError("the plan could not be saved")
            row = _find(view, ref)
            done = True if args.tick else (False if args.untick else None)
            set_item(ctx.store, view.plan_id, row.item_key, done=done, note=args.note)
            view = open_checklist(ctx.store, ctx.settings, scope, now=view.as_of)
            ctx.warn(f"{_named(row)}: "
                     f"{'done' if done else 'not done' if done is False else 'noted'}")
        if out_path is not None and out_format == "csv":
            with to_file_or_stdout(out_path, ctx, ".csv") as path:
                result = write_report(ctx.store, ctx.settings, "checklist", path,
                                      ReportOptions(as_of=view.as_of, scope=view.scope))
            ctx.warn(f"Wrote {result.rows} item(s) to {out_path}")
        elif out_path is not None:
            with to_file_or_stdout(out_path, ctx, ".md") as path:
                write_checklist_markdown(ctx.store, ctx.settings, path,
                                         scope=view.scope, as_of=view.as_of)
            ctx.warn(f"Wrote the plan to {out_path}")
        elif args.json:
            ctx.emit_json(view_json(view))
        elif ref is None and args.destination is None:
            _print(ctx, view)
    return 0
