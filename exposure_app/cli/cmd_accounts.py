"""``accounts list | add-manual | add-wallet | remove``."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any, TypedDict

from exposure_app.cli import cmd_exchange_accounts, cmd_watch_accounts
from exposure_app.cli.context import CliContext, UserError
from exposure_app.domain.models import Account, AccountKind
from exposure_app.domain.timeutil import utc_now
from exposure_app.domain.watch_only import watch_target_of
from exposure_app.risk.catalog import load_directory
from exposure_app.services.accounts import custodian_for_account, remove_account_everywhere
from exposure_app.storage.errors import ConflictError, NotFoundError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("accounts", help="list, add and remove accounts")
    sub = parser.add_subparsers(dest="accounts_command", metavar="ACTION", required=True)

    p = sub.add_parser("list", help="list accounts")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(handler=list_accounts)

    p = sub.add_parser("add-manual", help="a custodial account whose balances you record yourself")
    p.add_argument("name")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--custodian", metavar="ID",
                       help="custodian id from the catalogue: a ccxt exchange id (binance) "
                            "or a slug (celsius)")
    which.add_argument("--new-custodian", metavar="NAME",
                       help="create a custodian that is not in the catalogue (it has no "
                            "risk history)")
    p.set_defaults(handler=add_manual)

    p = sub.add_parser("add-wallet", help="a self-custody wallet (hardware, software, paper)")
    p.add_argument("name")
    p.set_defaults(handler=add_wallet)

    cmd_exchange_accounts.register_add_exchange(sub)
    cmd_exchange_accounts.register_set_key(sub)
    cmd_watch_accounts.register_add_address(sub)
    cmd_watch_accounts.register_set_server(sub)

    p = sub.add_parser("remove", help="remove an account and its history")
    p.add_argument("name")
    p.set_defaults(handler=remove_account)


class AccountRow(TypedDict):
    """One account in ``accounts list`` (and its ``--json`` output)."""

    name: str
    kind: str
    counterparty: str | None
    exchange: str | None
    watch: dict[str, Any] | None
    last_snapshot: datetime | None
    status: str | None
    stale: bool
    stale_reason: str | None


def list_accounts(args: argparse.Namespace, ctx: CliContext) -> int:
    store = ctx.store
    now = utc_now()
    rows: list[AccountRow] = []
    for account in store.accounts.list():
        state = store.snapshots.state(account, now)
        rows.append(
            {
                "name": account.name,
                "kind": account.kind.value,
                "counterparty": account.counterparty,
                "exchange": account.exchange_id,
                "watch": _watch_json(account),
                "last_snapshot": state.snapshot.taken_at if state.snapshot else None,
                "status": state.snapshot.status.value if state.snapshot else None,
                "stale": state.is_stale,
                "stale_reason": state.stale_reason,
            }
        )
    if args.json:
        ctx.emit_json(rows)
        return 0
    if not rows:
        ctx.out("No accounts yet. Add one with 'accounts add-manual', 'accounts add-wallet' "
                "or 'accounts add-exchange'.")
        return 0
    for row in rows:
        where = row["counterparty"] or ("watch-only" if row["watch"] else "self-custody")
        when = row["last_snapshot"].strftime("%Y-%m-%d %H:%M UTC") if row["last_snapshot"] else "never"
        stale = f"  STALE: {row['stale_reason']}" if row["stale"] else ""
        ctx.out(f"{row['name']:<24} {row['kind']:<17} {where:<14} last: {when}{stale}")
    return 0


def _add(ctx: CliContext, name: str, kind: AccountKind, custodian: str | None,
         new_custodian: str | None = None) -> int:
    ctx.lock_for_writing()
    counterparty = None
    try:
        if kind is not AccountKind.SELF_CUSTODY:
            counterparty = custodian_for_account(ctx.store, custodian,
                                                 new_custodian=new_custodian)
    except ValueError as exc:
        raise UserError(str(exc)) from None
    try:
        account = ctx.store.accounts.add(name, kind, counterparty=counterparty)
    except ConflictError as exc:
        raise UserError(str(exc)) from None
    except ValueError as exc:
        raise UserError(str(exc)) from None
    where = f" at {load_directory().name(counterparty)}" if counterparty else ""
    if new_custodian is not None:
        where += " (a new custodian, not in the catalogue: no risk history)"
    what = "self-custody wallet" if kind is AccountKind.SELF_CUSTODY else "custodian account"
    ctx.warn(f"Added {what} {account.name!r}{where}.")
    return 0


def add_manual(args: argparse.Namespace, ctx: CliContext) -> int:
    return _add(ctx, args.name, AccountKind.MANUAL_CUSTODIAL, args.custodian, args.new_custodian)


def add_wallet(args: argparse.Namespace, ctx: CliContext) -> int:
    return _add(ctx, args.name, AccountKind.SELF_CUSTODY, None)


def remove_account(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.lock_for_writing()
    try:
        account = ctx.store.accounts.by_name(args.name)
    except NotFoundError as exc:
        raise UserError(str(exc)) from None
    removal = remove_account_everywhere(ctx.store, account)
    ctx.warn(f"Removed account {account.name!r} and its history.")
    if removal.key_kept_for is not None:
        ctx.warn(f"Its API key stays in the keyring: the copy of this profile in "
                 f"{removal.key_kept_for} still uses it.")
    return 0


def _watch_json(account: Account) -> dict[str, Any] | None:
    target = watch_target_of(account.options)
    if target is None:
        return None
    return {"chain": target.chain, "kind": target.kind.value, "value": target.value,
            "api_url": account.options.get("api_url")}
