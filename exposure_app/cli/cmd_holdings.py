"""``holdings set | remove | list``: balances of manual and self-custody accounts."""

from __future__ import annotations

import argparse
from datetime import datetime
from decimal import Decimal
from typing import TypedDict

from exposure_app.cli.context import CliContext, UserError, format_money, parse_as_of, user_errors
from exposure_app.cli.options import Action, add_as_of, add_command, instant_arg
from exposure_app.cli.tables import Column, TextTable
from exposure_app.domain.labels import wallet_label
from exposure_app.domain.money import AmountError, parse_decimal
from exposure_app.domain.suggest import did_you_mean
from exposure_app.domain.timeutil import utc_now
from exposure_app.services.manual_holdings import ManualHoldingError, remove_holding, set_holding


def register(subparsers: argparse._SubParsersAction) -> None:
    add_command(subparsers, "holdings", "set and list holdings", [
        Action("set", "set the amount of one asset in a manual or wallet account", set_cmd,
               ("holdings set Ledger BTC 0.5", "holdings set Ledger ETH 2 --price 3000",
                "holdings set Celsius USDC 2500 --value 2500 --date 2022-06-01"),
               arguments=_set_arguments),
        Action("remove", "remove one asset from a manual or wallet account", remove_cmd,
               ("holdings remove Ledger DOGE",), arguments=_remove_arguments),
        Action("list", "list holdings (latest snapshot of each account)", list_cmd,
               ("holdings list", "holdings list Ledger --as-of 2022-11-10 --json"),
               json="the holdings", arguments=_list_arguments),
    ])


def _set_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("account", help="the account's name (see 'accounts list')")
    p.add_argument("asset", help="ticker, case-insensitive, e.g. BTC")
    p.add_argument("amount", help="the amount held, a decimal with '.' (e.g. 0.5)")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--price", metavar="AMOUNT",
                       help="price per unit in the base currency (kept as given; without --price "
                            "or --value the asset follows the market prices that syncs read)")
    group.add_argument("--value", metavar="AMOUNT",
                       help="total value in the base currency (kept as given), e.g. --value 2500")
    p.add_argument("--date", type=instant_arg, metavar="WHEN",
                   help="date or date-time of the balance (default now), e.g. --date 2022-06-01")


def _remove_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("account", help="the account's name (see 'accounts list')")
    p.add_argument("asset", help="ticker of an asset the account holds, e.g. DOGE")
    p.add_argument("--date", type=instant_arg, metavar="WHEN",
                   help="date or date-time it was gone (default now), e.g. --date 2023-01-31")


def _list_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("account", nargs="?", help="only this account (default: every account)")
    add_as_of(p, "snapshots taken")


def _decimal(text: str | None, name: str):
    if text is None:
        return None
    with user_errors(AmountError):
        return parse_decimal(text, field=name)


def set_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.lock_for_writing()
    account = ctx.account(args.account)
    with user_errors(ManualHoldingError):
        snapshot = set_holding(
            ctx.store,
            account,
            args.asset,
            _decimal(args.amount, "amount"),
            price=_decimal(args.price, "price"),
            value=_decimal(args.value, "value"),
            when=args.date,
            base=ctx.settings.base_currency,
        )
    ctx.warn(f"{account.name}: {args.asset.upper()} set to {args.amount} "
             f"({len(snapshot.holdings)} asset(s) recorded).")
    return 0


def remove_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.lock_for_writing()
    account = ctx.account(args.account)
    asset = args.asset.strip().upper()
    state = ctx.store.snapshots.state(account, args.date or utc_now())
    held = sorted({h.asset for h in (state.snapshot.holdings if state.snapshot else ())
                   if h.total != 0})
    if asset not in held:
        holds = f"it holds {', '.join(held)}" if held else "it holds nothing"
        raise UserError(f"{account.name} does not hold {asset}{did_you_mean(asset, held)}; "
                        f"{holds}; nothing changed", code="not_found")
    with user_errors(ManualHoldingError):
        remove_holding(ctx.store, account, asset, when=args.date)
    ctx.warn(f"{account.name}: {asset} removed.")
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


def holding_rows(ctx: CliContext, accounts, as_of) -> list[HoldingRow]:
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
    return rows


LISTING = TextTable(Column("ACCOUNT", "<22"), Column("WALLET", "<18"), Column("ASSET", "<8"),
                    Column("AMOUNT", ">20", gap="  "), Column("VALUE"))


def list_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    as_of = parse_as_of(args.as_of)
    accounts = [ctx.account(args.account)] if args.account else ctx.store.accounts.list()
    rows = holding_rows(ctx, accounts, as_of)
    currency = ctx.settings.base_currency
    if args.json:
        ctx.emit_json({"as_of": as_of, "base_currency": currency, "holdings": rows})
        return 0
    if not rows:
        ctx.out("No holdings recorded.")
        return 0
    ctx.out(LISTING.header())
    for r in rows:
        ctx.out(LISTING.line(r["account"], wallet_label(r["wallet"]), r["asset"], r["total"],
                             format_money(r["value"], currency)))
    return 0
