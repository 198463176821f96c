"""``holdings set | remove | list``: balances of manual and self-custody accounts."""

from __future__ import annotations

import argparse
from datetime import datetime
from decimal import Decimal
from typing import TypedDict

from exposure_app.cli.context import CliContext, UserError, format_money, parse_as_of
from exposure_app.domain.money import AmountError, parse_decimal
from exposure_app.domain.timeutil import DateError, parse_instant
from exposure_app.services.manual_holdings import ManualHoldingError, remove_holding, set_holding
from exposure_app.storage.errors import NotFoundError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("holdings", help="set and list holdings")
    sub = parser.add_subparsers(dest="holdings_command", metavar="ACTION", required=True)

    p = sub.add_parser("set", help="set the amount of one asset in a manual or wallet account")
    p.add_argument("account")
    p.add_argument("asset")
    p.add_argument("amount")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--price", help="price per unit in the base currency (kept as given; "
                       "without --price or --value the asset follows the market prices "
                       "that syncs read)")
    group.add_argument("--value", help="total value in the base currency (kept as given)")
    p.add_argument("--date", help="ISO 8601 date or date-time of the balance (default now)")
    p.set_defaults(handler=set_cmd)

    p = sub.add_parser("remove", help="remove one asset from a manual or wallet account")
    p.add_argument("account")
    p.add_argument("asset")
    p.add_argument("--date", help="ISO 8601 date or date-time (default now)")
    p.set_defaults(handler=remove_cmd)

    p = sub.add_parser("list", help="list holdings (latest snapshot of each account)")
    p.add_argument("account", nargs="?")
    p.add_argument("--as-of", metavar="DATE")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=list_cmd)


def _decimal(text: str | None, name: str):
    if text is None:
        return None
    try:
        return parse_decimal(text, field=name)
    except AmountError as exc:
        raise UserError(str(exc)) from None


def _date(text: str | None):
    if text is None:
        return None
    try:
        return parse_instant(text)
    except DateError as exc:
        raise UserError(f"--date: {exc}") from None


def _account(ctx: CliContext, name: str):
    try:
        return ctx.store.accounts.by_name(name)
    except NotFoundError as exc:
        raise UserError(str(exc)) from None


def set_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.lock_for_writing()
    account = _account(ctx, args.account)
    try:
        snapshot = set_holding(
            ctx.store,
            account,
            args.asset,
            _decimal(args.amount, "amount"),
            price=_decimal(args.price, "price"),
            value=_decimal(args.value, "value"),
            when=_date(args.date),
            base=ctx.settings.base_currency,
        )
    except ManualHoldingError as exc:
        raise UserError(str(exc)) from None
    ctx.warn(f"{account.name}: {args.asset.upper()} set to {args.amount} "
             f"({len(snapshot.holdings)} asset(s) recorded).")
    return 0


def remove_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.lock_for_writing()
    account = _account(ctx, args.account)
    try:
        remove_holding(ctx.store, account, args.asset, when=_date(args.date))
    except ManualHoldingError as exc:
        raise UserError(str(exc)) from None
    ctx.warn(f"{account.name}: {args.asset.upper()} removed.")
    return 0


class HoldingRow(TypedDict):
    """One holding in ``holdings list`` (and its ``--json`` output)."""

    account: str
    counterparty: str | None
    wallet: str
    asset: str
    free: Decimal
    locked: Decimal
    total: Decimal
    price: Decimal | None
    value: Decimal | None
    priced: bool
    price_source: str | None
    snapshot_at: datetime
    stale: bool


def list_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    as_of = parse_as_of(args.as_of)
    accounts = [_account(ctx, args.account)] if args.account else ctx.store.accounts.list()
    rows: list[HoldingRow] = []
    for account in accounts:
        state = ctx.store.snapshots.state(account, as_of)
        if state.snapshot is None:
            continue
        for h in state.snapshot.holdings:
            rows.append(
                {
                    "account": account.name,
                    "counterparty": account.counterparty,
                    "wallet": h.wallet,
                    "asset": h.asset,
                    "free": h.free,
                    "locked": h.locked,
                    "total": h.total,
                    "price": h.price,
                    "value": h.value,
                    "priced": h.priced,
                    "price_source": h.price_source,
                    "snapshot_at": state.snapshot.taken_at,
                    "stale": state.is_stale,
                }
            )
    if args.json:
        ctx.emit_json(rows)
        return 0
    currency = ctx.settings.base_currency
    if not rows:
        ctx.out("No holdings recorded.")
    for r in rows:
        ctx.out(f"{r['account']:<22} {r['wallet']:<14} {r['asset']:<8} {r['total']:>20}  "
                f"{format_money(r['value'], currency)}")
    return 0
