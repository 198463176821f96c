"""``events list|show|add|edit|remove|import|export|update``: the event history.

Shipped events are read-only; the user's own events can be added, edited,
removed, imported and exported (JSON or CSV, same schema); ``update`` fetches
the configured feed. Imports and feeds are validated as a whole: a rejected
file changes nothing and every failed entry is listed.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from exposure_app.cli.cmd_warnings import event_json
from exposure_app.cli.context import CliContext, UsageError, UserError, parse_as_of, user_errors
from exposure_app.cli.options import (
    Action,
    add_as_of,
    add_command,
    day_arg,
    is_stdout,
    published_arg,
    to_file_or_stdout,
)
from exposure_app.cli.tables import Column, TextTable
from exposure_app.reports.event_files import write_events_file
from exposure_app.risk.entry_fields import format_published
from exposure_app.risk.event_io import EventFileError, load_shipped_events
from exposure_app.risk.events import CATEGORIES, EventError, EventSetError, Origin
from exposure_app.services import risk_service
from exposure_app.services.event_feed import FeedError, update_from_feed
from exposure_app.services.network_proxy import proxy_for_requests


def _event_fields(p: argparse.ArgumentParser, *, required: bool) -> None:
    p.add_argument("--date", type=day_arg, required=required, metavar="DAY",
                   help="when it happened, e.g. --date 2022-11-08")
    p.add_argument("--published", metavar="WHEN", type=published_arg,
                   help="when it became public: YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ "
                        "(default: now, when it is added)")
    p.add_argument("--scheduled", action="store_true", default=None,
                   help="announced in advance (allows --published before --date)")
    p.add_argument("--counterparty", required=required, metavar="ID",
                   help="counterparty id (see counterparties list), e.g. --counterparty ftx")
    p.add_argument("--category", choices=CATEGORIES, required=required, metavar="CATEGORY",
                   help="one of: " + ", ".join(CATEGORIES))
    p.add_argument("--title", required=required, metavar="TEXT",
                   help="a short title, e.g. --title 'Withdrawals paused'")
    p.add_argument("--summary", required=required, metavar="TEXT",
                   help="what happened, in a sentence or two")
    p.add_argument("--source", action="append", dest="sources", required=required,
                   metavar="URL", help="source URL (repeat for several), e.g. --source https://...")
    p.add_argument("--magnitude-usd", metavar="AMOUNT",
                   help="headline amount in USD, e.g. --magnitude-usd 1500000")
    p.add_argument("--resolved", type=day_arg, metavar="DAY",
                   help="the day it was resolved, e.g. --resolved 2022-12-01")
    p.add_argument("--resolved-note", metavar="TEXT", default="",
                   help="how it was resolved, e.g. --resolved-note 'withdrawals reopened'")


def register(subparsers: argparse._SubParsersAction) -> None:
    from exposure_app.cli import cmd_suggestions

    add_command(subparsers, "events", "the history of counterparty events", [
        Action("list", "list events (shipped, yours, feed and derived)", list_cmd,
               ("events list --counterparty ftx", "events list --as-of 2022-11-10 --json"),
               json="the events", arguments=_list_arguments),
        Action("show", "one event in full: summary, sources, when it became public", show_cmd,
               ("events show 2022-11-08-ftx-withdrawal-halt",),
               arguments=lambda p: p.add_argument(
                   "id", help="the event's id (the ID column of 'events list')")),
        Action("add", "add an event of your own", add_cmd,
               ("events add 2024-05-01-mybroker-halt --date 2024-05-01 --counterparty mybroker "
                "--category withdrawal_halt --title 'Withdrawals paused' --summary '...' "
                "--source https://example.com/notice",),
               arguments=_add_arguments),
        Action("edit", "change an event of your own", edit_cmd,
               ("events edit 2024-05-01-mybroker-halt --resolved 2024-05-20",),
               arguments=_edit_arguments),
        Action("remove", "remove an event of your own", remove_cmd,
               ("events remove 2024-05-01-mybroker-halt",),
               arguments=lambda p: p.add_argument(
                   "id", help="the id of one of your events (the ID column of 'events list')")),
        Action("import", "import events from a .json or .csv file", import_cmd,
               ("events import my-events.csv",),
               arguments=lambda p: p.add_argument(
                   "file", type=Path, metavar="FILE",
                   help="a file written by 'events export' or 'export events' (.json or .csv)")),
        Action("export", "export events to a .json or .csv file", export_cmd,
               ("events export --out my-events.csv", "events export --all --out -"),
               arguments=_export_arguments),
        Action("update", "update events from the feed URL", update_cmd,
               ("events update", "events update https://example.com/events.json"),
               arguments=lambda p: p.add_argument(
                   "url", nargs="?", help="feed URL (default: the events_feed_url setting)")),
        *cmd_suggestions.ACTIONS,
    ])


def _list_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--counterparty", metavar="ID",
                   help="only this counterparty's events, e.g. --counterparty ftx")
    p.add_argument("--since", type=day_arg, metavar="DAY",
                   help="only events that happened on or after this day, e.g. --since 2022-01-01")
    add_as_of(p, "events published")


def _add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("id", help="a new id (a-z, 0-9, '.', '_' or '-'), e.g. 2024-05-01-mybroker-halt")
    _event_fields(p, required=True)


def _edit_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("id", help="the id of one of your events (the ID column of 'events list')")
    _event_fields(p, required=False)


def _export_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=Path, nargs="?", help=argparse.SUPPRESS)
    p.add_argument("--out", type=Path, metavar="FILE",
                   help="the .json or .csv file to write ('-' for JSON on standard output)")
    p.add_argument("--all", action="store_true",
                   help="include shipped and feed events, not just yours")


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


def _listing(title_width: int) -> TextTable:
    """The listing's columns; the title column is as wide as the longest title shown, so the
    ids (what 'events show', 'edit' and 'remove' take) line up after it."""
    return TextTable(Column("DATE", "<10", gap="  "), Column("COUNTERPARTY", "<14"),
                     Column("CATEGORY", f"<{max(len(c) for c in CATEGORIES)}"),
                     Column("TITLE", f"<{title_width}", gap="  "), Column("ID"))


def list_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    counterparty = None
    if args.counterparty is not None:
        counterparty = ctx.counterparty(args.counterparty, what="counterparty")
    as_of = parse_as_of(args.as_of)
    events = risk_service.list_events(ctx.store, ctx.settings, counterparty=counterparty,
                                      since=args.since, as_of=as_of)
    if args.json:
        ctx.emit_json({"as_of": as_of, "events": [_listed(e, as_of) for e in events]})
        return 0
    if not events:
        ctx.out("No events.")
        return 0
    titles = []
    for e in events:
        mark = "" if e.origin is Origin.SHIPPED else f" [{e.origin.value}]"
        if e.published_day != e.date:
            mark += f" (public {e.published_day})"
        titles.append(e.title + mark)
    listing = _listing(max(len(t) for t in titles))
    ctx.out(listing.header())
    for e, title in zip(events, titles, strict=True):
        ctx.out(listing.line(e.date.isoformat(), e.counterparty, e.category.value, title, e.id))
    return 0


def show_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    """Everything known about one event, including what the listing leaves out."""
    found = [e for e in risk_service.list_events(ctx.store, ctx.settings) if e.id == args.id]
    if not found:
        raise UserError(f"no event with the id {args.id!r}; the ids are in the ID column of "
                        "'events list'")
    e = found[0]
    directory = ctx.store.risk.directory()
    ctx.out(f"{e.title}")
    ctx.out(f"  id            {e.id} ({e.origin.value})")
    ctx.out(f"  counterparty  {directory.name(e.counterparty)} ({e.counterparty})")
    ctx.out(f"  category      {e.category.value}")
    ctx.out(f"  happened      {e.date.isoformat()}")
    public = format_published(e.published)
    ctx.out(f"  public        {public}{' (announced in advance)' if e.scheduled else ''}"
            + (f"; {e.published_note}" if e.published_note else ""))
    if e.magnitude_usd is not None:
        ctx.out(f"  amount        about {e.magnitude_usd:,f} USD")
    if e.resolved is None:
        ctx.out("  resolved      not resolved")
    else:
        note = f": {e.resolved.note}" if e.resolved.note else ""
        ctx.out(f"  resolved      {e.resolved.date.isoformat()}{note}")
    ctx.out(f"  summary       {e.summary}")
    for i, url in enumerate(e.sources):
        ctx.out(f"  {'sources' if i == 0 else '':<12}  {url}")
    return 0


def _listed(e, as_of) -> dict:
    """An event in ``events list --json``: the warnings' event fields plus the rest."""
    data = event_json(e, as_of.date())
    data.update({"summary": e.summary, "origin": e.origin.value, "scheduled": bool(e.scheduled),
                 "magnitude_usd": e.magnitude_usd})
    return data


def add_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.lock_for_writing()
    args.counterparty = ctx.counterparty(args.counterparty, what="counterparty")
    directory = ctx.store.risk.directory()
    # a custodian named with --new-custodian by an older version (only its id was kept)
    if directory.get(args.counterparty) is None:
        raise UserError(
            f"event not added: {directory.name(args.counterparty)} ({args.counterparty}) is a "
            "custodian you named yourself, not in the catalogue; events can be recorded for "
            "catalogue counterparties ('counterparties list') and for counterparties "
            "imported with 'events import'")
    with user_errors(EventError, prefix="event not added: "):
        event = risk_service.add_user_event(ctx.store, {"id": args.id, **_raw(args)})
    ctx.warn(f"added {event.id}")
    return 0


def edit_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    if args.counterparty is not None:
        args.counterparty = ctx.counterparty(args.counterparty, what="counterparty")
    changes = _raw(args)
    if not changes:
        raise UsageError("nothing to change: give at least one field (--title, --date, ...)")
    ctx.lock_for_writing()
    with user_errors(EventError, prefix="event not changed: "):
        risk_service.edit_user_event(ctx.store, args.id, changes)
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
    with user_errors(EventFileError, EventSetError, prefix="nothing imported. "):
        outcome = risk_service.import_user_events(ctx.store, args.file)
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
    target = args.out or args.file
    if target is None:
        raise UsageError("give the file to write with --out FILE ('-' for standard output)")
    events = (risk_service.stored_and_shipped_events(ctx.store) if args.all
              else ctx.store.risk.list(origin=Origin.USER))
    if is_stdout(target):
        with to_file_or_stdout(target, ctx, ".json") as path:
            write_events_file(path, sorted(events, key=lambda e: (e.date, e.id)))
        return 0
    args.file = target
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
    with user_errors(ValueError, prefix="feed not fetched (nothing changed): "):
        proxy = proxy_for_requests(ctx.settings)
    with user_errors(FeedError, prefix="feed not applied (nothing changed): "):
        result = update_from_feed(ctx.store, url, proxy=proxy,
                                  timeout=ctx.settings.sync_timeout_seconds)
    ctx.warn(f"feed {result.url}: {result.events} event(s)")
    return 0
