"""``accounts list | add-manual | add-wallet | remove``."""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import Any, TypedDict

from exposure_app.cli import cmd_exchange_accounts, cmd_watch_accounts
from exposure_app.cli.context import CliContext, user_errors
from exposure_app.cli.options import Action, add_action, add_command
from exposure_app.cli.tables import Column, TextTable
from exposure_app.domain.labels import account_kind_label
from exposure_app.domain.models import Account, AccountKind
from exposure_app.domain.timeutil import ensure_utc, format_age, utc_now
from exposure_app.domain.watch_only import watch_target_of
from exposure_app.services.accounts import custodian_for_account, remove_account_everywhere
from exposure_app.storage.errors import ConflictError


def register(subparsers: argparse._SubParsersAction) -> None:
    sub = add_command(subparsers, "accounts", "list, add and remove accounts", [
        Action("list", "list accounts", list_accounts, ("accounts list", "accounts list --json"),
               json="the accounts"),
        Action("add-manual", "a custodial account whose balances you record yourself",
               add_manual, ('accounts add-manual "Celsius" --custodian celsius',
                            'accounts add-manual "Broker" --new-custodian "My Broker"'),
               arguments=_add_manual_arguments),
        Action("add-wallet", "a self-custody wallet (hardware, software, paper)", add_wallet,
               ('accounts add-wallet "Ledger"',),
               arguments=lambda p: p.add_argument(
                   "name", help="a name for the wallet, e.g. 'Ledger'")),
    ])
    cmd_exchange_accounts.register_add_exchange(sub)
    cmd_exchange_accounts.register_set_key(sub)
    cmd_watch_accounts.register_add_address(sub)
    cmd_watch_accounts.register_set_server(sub)
    add_action(sub, Action("remove", "remove an account and its history (asks first)",
                           remove_account, ('accounts remove "Old exchange"',
                                            'accounts remove "Old exchange" --yes'),
                           arguments=_remove_arguments))


def _add_manual_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", help="a name for the account, e.g. 'Celsius'")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--custodian", metavar="ID",
                       help="custodian id from the catalogue: a ccxt exchange id (binance) "
                            "or a slug (celsius); see 'counterparties list'")
    which.add_argument("--new-custodian", metavar="NAME",
                       help="create a custodian that is not in the catalogue (it has no "
                            "risk history), e.g. --new-custodian 'My Broker'")


def _remove_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", help="the account's name (see 'accounts list')")
    p.add_argument("--yes", action="store_true",
                   help="do not ask (scripts): without a terminal to ask on, --yes is required")


LISTING = TextTable(Column("ACCOUNT", "<24"), Column("KIND", "<18"), Column("CUSTODIAN", "<14"),
                    Column("LAST SNAPSHOT"))
"""Kinds read as on the Accounts page (``--json`` keeps the ids); the last snapshot age first,
as the GUI words it: ``3 h ago (2026-12-02 20:15 UTC)``."""


class AccountRow(TypedDict):
    """One account in ``accounts list`` (and its ``--json`` output)."""

    account: str
    kind: str
    counterparty: str | None
    exchange: str | None
    watch: dict[str, Any] | None
    snapshot_at: datetime | None
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
                "account": account.name,
                "kind": account.kind.value,
                "counterparty": account.counterparty,
                "exchange": account.exchange_id,
                "watch": _watch_json(account),
                "snapshot_at": state.snapshot.taken_at if state.snapshot else None,
                "status": state.snapshot.status.value if state.snapshot else None,
                "stale": state.is_stale,
                "stale_reason": state.stale_reason,
            }
        )
    if args.json:
        ctx.emit_json({"accounts": rows})
        return 0
    if not rows:
        ctx.out("No accounts yet. Add one with 'accounts add-manual', 'accounts add-wallet' "
                "or 'accounts add-exchange'.")
        return 0
    ctx.out(LISTING.header())
    for row in rows:
        where = row["counterparty"] or ("watch-only" if row["watch"] else "self-custody")
        when = _last_snapshot(row["snapshot_at"])
        stale = f"  STALE: {row['stale_reason']}" if row["stale"] else ""
        kind = account_kind_label(AccountKind(row["kind"]))
        ctx.out_painted(LISTING.line(row["account"], kind, where, when + stale),
                        "warn" if row["stale"] else None)
    return 0


def _last_snapshot(taken_at: datetime | None) -> str:
    if taken_at is None:
        return "never"
    return f"{format_age(taken_at)} ({ensure_utc(taken_at):%Y-%m-%d %H:%M} UTC)"


def _add(ctx: CliContext, name: str, kind: AccountKind, custodian: str | None,
         new_custodian: str | None = None) -> int:
    ctx.lock_for_writing()
    counterparty = None
    # one transaction: a new custodian is kept only with the account made for it
    with ctx.store.transaction():
        with user_errors(ValueError):
            if kind is not AccountKind.SELF_CUSTODY:
                counterparty = custodian_for_account(ctx.store, custodian,
                                                     new_custodian=new_custodian)
        with user_errors(ConflictError, ValueError):
            account = ctx.store.accounts.add(name, kind, counterparty=counterparty)
    where = f" at {ctx.store.risk.directory().name(counterparty)}" if counterparty else ""
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
    account = ctx.account(args.name)
    ctx.confirm(f"Remove the account {account.name!r} and its whole history?", yes=args.yes)
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
