"""``settings show | set KEY VALUE``: the profile's typed preferences."""

from __future__ import annotations

import argparse

from exposure_app.cli.context import CliContext, UserError
from exposure_app.domain.json_limits import loads_bounded
from exposure_app.services.network_proxy import set_proxy


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("settings", help="show or change preferences")
    sub = parser.add_subparsers(dest="settings_command", metavar="ACTION", required=True)
    p = sub.add_parser("show", help="print every setting")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=show)
    p = sub.add_parser("set", help="change one setting")
    p.add_argument("key")
    p.add_argument("value", help="a JSON value (30, true, \"EUR\") or plain text")
    p.set_defaults(handler=set_value)


def show(args: argparse.Namespace, ctx: CliContext) -> int:
    values = ctx.settings.as_dict()
    if args.json:
        ctx.emit_json(values)
        return 0
    declared = {s.key: s for s in ctx.settings.declared().values()}
    for key, value in values.items():
        ctx.out(f"{key:<32} {value!s:<12} {declared[key].help}")
    return 0


def set_value(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.lock_for_writing()
    try:
        raw = loads_bounded(args.value, what=args.key, max_depth=2)
    except ValueError:   # plain text (or JSON nested deeper than any setting is)
        raw = args.value
    declared = {s.key: s for s in ctx.settings.declared().values()}
    setting = declared.get(args.key)
    if setting is not None and setting.kind is str and not isinstance(raw, str):
        raw = args.value
    if args.key == "base_currency":
        return _change_base_currency(ctx, str(raw))
    try:
        if args.key == "proxy":    # a login in the URL goes to the keyring
            set_proxy(ctx.settings, args.value)
        else:
            ctx.settings.set(args.key, raw)
        moved = ctx.settings.save()   # refuses settings that contradict each other
    except ValueError as exc:
        raise UserError(str(exc)) from None
    if moved is not None:
        ctx.warn(f"settings.json could not be read, so it was kept as {moved} and a new "
                 "settings.json was written; copy any other settings back from that file")
    ctx.warn(f"{args.key} = {ctx.settings.as_dict()[args.key]}")
    return 0


def _change_base_currency(ctx: CliContext, new: str) -> int:
    """Stored figures are converted through cached rates, or nothing changes (issue: a
    change used to relabel USD figures as the new currency)."""
    from exposure_app.services.base_currency import change_base_currency

    try:
        change = change_base_currency(ctx.store, ctx.settings, new.strip().upper())
    except ValueError as exc:
        raise UserError(str(exc)) from None
    ctx.warn(f"base_currency = {change.new} ({change.converted_snapshots} stored snapshot(s) "
             f"converted from {change.old})")
    return 0
