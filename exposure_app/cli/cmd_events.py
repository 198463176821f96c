"""``events list|add|edit|remove|import|export|update``: the event history.

Shipped events are read-only; the user's own events can be added, edited,
removed, imported and exported (JSON or CSV, same schema); ``update`` fetches
the configured feed. Imports and feeds are validated as a whole: a rejected
file changes nothing and every failed entry is listed.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from exposure_app.cli.context import CliContext, UserError
from exposure_app.reports.event_files import write_events_file
from exposure_app.risk.event_io import EventFileError, load_shipped_events
from exposure_app.risk.events import CATEGORIES, EventError, EventSetError, Origin
from exposure_app.services import risk_service
from exposure_app.services.event_feed import FeedError, update_from_feed
from exposure_app.services.network_proxy import proxy_for_requests


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a YYYY-MM-DD date") from None


def _event_fields(p: argparse.ArgumentParser, *, required: bool) -> None:
    p.add_argument("--date", type=_date, required=required, help="YYYY-MM-DD (when it happened)")
    p.add_argument("--published", metavar="WHEN",
                   help="when it became public: YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ "
                        "(default: now, when it is added)")
    p.add_argument("--scheduled", action="store_true", default=None,
                   help="announced in advance (allows --published before --date)")
    p.add_argument("--counterparty", required=required, help="counterparty id (see counterparties list)")
    p.add_argument("--category", choices=CATEGORIES, required=required)
    p.add_argument("--title", required=required)
    p.add_argument("--summary", required=required)
    p.add_argument("--source", action="append", dest="sources", required=required,
                   metavar="URL", help="source URL (repeat for several)")
    p.add_argument("--magnitude-usd", metavar="AMOUNT")
    p.add_argument("--resolved", type=_date, metavar="DATE", help="date it was resolved")
    p.add_argument("--resolved-note", metavar="TEXT", default="")


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("events", help="the history of counterparty events")
    sub = p.add_subparsers(dest="subcommand", metavar="SUBCOMMAND", required=True)

    lst = sub.add_parser("list", help="list events (shipped, yours, feed and derived)")
    lst.add_argument("--counterparty", metavar="ID")
    lst.add_argument("--since", type=_date, metavar="DATE")
    lst.add_argument("--json", action="store_true", help="print JSON")
    lst.set_defaults(handler=list_cmd)

    add = sub.add_parser("add", help="add an event of your own")
    add.add_argument("id", help="a new id (a-z, 0-9, '.', '_' or '-')")
    _event_fields(add, required=True)
    add.set_defaults(handler=add_cmd)

    edit = sub.add_parser("edit", help="change an event of your own")
    edit.add_argument("id")
    _event_fields(edit, required=False)
    edit.set_defaults(handler=edit_cmd)

    rm = sub.add_parser("remove", help="remove an event of your own")
    rm.add_argument("id")
    rm.set_defaults(handler=remove_cmd)

    imp = sub.add_parser("import", help="import events from a .json or .csv file")
    imp.add_argument("file", type=Path)
    imp.set_defaults(handler=import_cmd)

    exp = sub.add_parser("export", help="export events to a .json or .csv file")
    exp.add_argument("file", type=Path)
    exp.add_argument("--all", action="store_true",
                     help="include shipped and feed events, not just yours")
    exp.set_defaults(handler=export_cmd)

    upd = sub.add_parser("update", help="update events from the feed URL")
    upd.add_argument("url", nargs="?", help="feed URL (default: the events_feed_url setting)")
    upd.set_defaults(handler=update_cmd)

    from exposure_app.cli import cmd_suggestions

    cmd_suggestions.register(sub)


def _raw(args: argparse.Namespace) -> dict:
    raw: dict = {}
    if args.date is not None:
        raw["date"] = args.date.isoformat()
    for key in ("counterparty", "category", "title", "summary", "sources"):
        if getattr(args, key) is not None:
            raw[key] = getattr(args, key)
    if args.magnitude_usd is not None:
        raw["magnitude_usd"] = args.magnitude_usd
    if args.published is not None:
        raw["published"] = args.published.strip()
    if args.scheduled:
        raw["scheduled"] = True
    if args.resolved is not None:
        raw["resolved"] = {"date": args.resolved.isoformat(), "note": args.resolved_note}
    return raw


def list_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.counterparty is not None:
        from exposure_app.risk.catalog import load_directory

        if load_directory().get(args.counterparty) is None:
            raise UserError(f"unknown counterparty {args.counterparty!r} (see counterparties list)")
    events = risk_service.list_events(ctx.store, ctx.settings, counterparty=args.counterparty,
                                      since=args.since)
    if args.json:
        ctx.emit_json([e.to_dict(with_origin=True) for e in events])
        return 0
    for e in events:
        mark = "" if e.origin is Origin.SHIPPED else f" [{e.origin.value}]"
        if e.published_day != e.date:
            mark += f" (public {e.published_day})"
        ctx.out(f"{e.date}  {e.counterparty:<14} {e.category.value:<16} {e.title}{mark}")
    if not events:
        ctx.out("No events.")
    return 0


def add_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.lock_for_writing()
    try:
        event = risk_service.add_user_event(ctx.store, {"id": args.id, **_raw(args)})
    except EventError as exc:
        raise UserError(f"event not added: {exc}") from None
    ctx.warn(f"added {event.id}")
    return 0


def edit_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    changes = _raw(args)
    if not changes:
        raise UserError("nothing to change: give at least one field (--title, --date, ...)")
    ctx.lock_for_writing()
    try:
        risk_service.edit_user_event(ctx.store, args.id, changes)
    except EventError as exc:
        raise UserError(f"event not changed: {exc}") from None
    ctx.warn(f"changed {args.id}")
    return 0


def remove_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    if any(e.id == args.id for e in load_shipped_events()):
        raise UserError(f"{args.id!r} is a shipped event; only your own events can be removed")
    ctx.lock_for_writing()
    risk_service.remove_user_event(ctx.store, args.id)
    ctx.warn(f"removed {args.id}")
    return 0


def import_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.lock_for_writing()
    try:
        outcome = risk_service.import_user_events(ctx.store, args.file)
    except (EventFileError, EventSetError) as exc:
        raise UserError(f"nothing imported. {exc}") from None
    ctx.warn(f"imported {args.file.name}: {outcome.added} added, {outcome.updated} updated, "
             f"{outcome.unchanged} unchanged")
    if outcome.counterparties is not None:
        ctx.warn(f"counterparties: {outcome.counterparties.added} added, "
                 f"{outcome.counterparties.updated} updated, "
                 f"{outcome.counterparties.unchanged} unchanged")
    if outcome.links is not None:
        ctx.warn(f"links: {outcome.links.added} added, {outcome.links.updated} updated, "
                 f"{outcome.links.unchanged} unchanged")
    return 0


def export_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    events = (risk_service.stored_and_shipped_events(ctx.store) if args.all
              else ctx.store.risk.list(origin=Origin.USER))
    try:
        write_events_file(args.file, sorted(events, key=lambda e: (e.date, e.id)),
                          links=ctx.store.risk.user_links(),
                          counterparties=ctx.store.risk.user_counterparty_entries())
    except EventFileError as exc:
        raise UserError(str(exc)) from None
    except OSError as exc:
        raise UserError(f"cannot write {args.file}: {exc.strerror or exc}") from None
    ctx.warn(f"exported {len(events)} event(s) to {args.file}")
    return 0


def update_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    url = args.url or ctx.settings.events_feed_url
    ctx.lock_for_writing()
    try:
        proxy = proxy_for_requests(ctx.settings)
    except ValueError as exc:
        raise UserError(f"feed not fetched (nothing changed): {exc}") from None
    try:
        result = update_from_feed(ctx.store, url, proxy=proxy,
                                  timeout=ctx.settings.sync_timeout_seconds)
    except FeedError as exc:
        raise UserError(f"feed not applied (nothing changed): {exc}") from None
    ctx.warn(f"feed {result.url}: {result.events} event(s)")
    return 0
