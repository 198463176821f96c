"""``settings show | set KEY VALUE``: the profile's typed preferences."""

from __future__ import annotations

import argparse

from exposure_app.cli.context import CliContext, UserError, user_errors
from exposure_app.cli.options import Action, add_command
from exposure_app.cli.tables import Column, TextTable
from exposure_app.domain.json_limits import loads_bounded
from exposure_app.domain.suggest import did_you_mean
from exposure_app.services.network_proxy import set_proxy


def register(subparsers: argparse._SubParsersAction) -> None:
    add_command(subparsers, "settings", "show or change preferences", [
        Action("show", "print every setting", show, ("settings show", "settings show --json"),
               json="the settings"),
        Action("set", "change one setting", set_value,
               ("settings set base_currency EUR", "settings set withdrawal_test_interval_days 90"),
               arguments=_set_arguments),
    ])


def _set_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("key", help="the setting's name (see 'settings show'), e.g. base_currency")
    p.add_argument("value", help="a JSON value (30, true, \"EUR\") or plain text; currency "
                                 "codes are case-insensitive")


LISTING = TextTable(Column("SETTING", "<32"), Column("VALUE", "<12"), Column("MEANING"))


def show(args: argparse.Namespace, ctx: CliContext) -> int:
    values = ctx.settings.as_dict()
    if args.json:
        ctx.emit_json(values)
        return 0
    declared = {s.key: s for s in ctx.settings.declared().values()}
    ctx.out(LISTING.header())
    for key, value in values.items():
        ctx.out(LISTING.line(key, str(value), declared[key].help))
    return 0


def set_value(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.lock_for_writing()
    try:
        raw = loads_bounded(args.value, what=args.key, max_depth=2)
    except ValueError:   # plain text (or JSON nested deeper than any setting is)
        raw = args.value
    declared = {s.key: s for s in ctx.settings.declared().values()}
    setting = declared.get(args.key)
    if setting is None:
        raise UserError(f"unknown setting {args.key!r}{did_you_mean(args.key, declared)}; "
                        "see 'settings show'", code="not_found")
    if setting.kind is str and not isinstance(raw, str):
        raw = args.value
    choices = getattr(setting, "choices", None)
    if choices and isinstance(raw, str):
        # tickers and codes are case-insensitive everywhere else: usd is USD
        raw = next((c for c in choices if isinstance(c, str) and c.casefold() == raw.strip()
                    .casefold()), raw)
    if args.key == "base_currency":
        return _change_base_currency(ctx, str(raw))
    with user_errors(ValueError):
        if args.key == "proxy":    # a login in the URL goes to the keyring
            set_proxy(ctx.settings, args.value)
        else:
            ctx.settings.set(args.key, raw)
        moved = ctx.settings.save()   # refuses settings that contradict each other
    if moved is not None:
        ctx.warn(f"settings.json could not be read, so it was kept as {moved} and a new "
                 "settings.json was written; copy any other settings back from that file")
    ctx.warn(f"{args.key} = {ctx.settings.as_dict()[args.key]}")
    return 0


def _change_base_currency(ctx: CliContext, new: str) -> int:
    """Stored figures are converted through cached rates, or nothing changes (issue: a
    change used to relabel USD figures as the new currency)."""
    from exposure_app.services.base_currency import change_base_currency

    with user_errors(ValueError):
        change = change_base_currency(ctx.store, ctx.settings, new.strip().upper())
    ctx.warn(f"base_currency = {change.new} ({change.converted_snapshots} stored snapshot(s) "
             f"converted from {change.old})")
    return 0
