"""``feeds add URL | list | remove URL | poll``: the news feeds read for suggested events.

The list lives in the settings (``news_feeds``); ``poll`` reads them only when
``news_feeds_enabled`` is on (nothing is fetched otherwise).
"""

from __future__ import annotations

import argparse

from exposure_app.cli.cmd_suggestions import terminal_safe
from exposure_app.cli.context import CliContext, user_errors
from exposure_app.cli.options import Action, add_command
from exposure_app.services import news_feeds
from exposure_app.services.suggestions import repository


def register(subparsers: argparse._SubParsersAction) -> None:
    add_command(subparsers, "feeds", "news feeds (RSS/Atom) read for suggested events", [
        Action("add", "add a feed", add_cmd, ("feeds add https://example.com/news/rss.xml",),
               arguments=lambda p: p.add_argument(
                   "url", metavar="URL", help="an RSS or Atom feed's https:// address")),
        Action("list", "list the feeds and when each was last read", list_cmd,
               ("feeds list", "feeds list --json"), json="the feeds"),
        Action("remove", "remove a feed", remove_cmd,
               ("feeds remove https://example.com/news/rss.xml",),
               arguments=lambda p: p.add_argument(
                   "url", metavar="URL", help="the feed's address as listed by 'feeds list'")),
        Action("poll", "read the feeds now (when feeds are enabled)", poll_cmd,
               ("feeds poll", "feeds poll --json"), json="what each feed gave"),
    ])


def why_not_read(url: str, error: str | None) -> str | None:
    """A failed read's reason without the feed's address in front (the line names it)."""
    return error.removeprefix(f"{url}: ") if error else error


def add_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.lock_for_writing()
    with user_errors(ValueError, prefix="feed not added: "):
        news_feeds.add_feed(ctx.settings, args.url)
    ctx.warn(f"added {args.url}")
    if not ctx.settings.news_feeds_enabled:
        ctx.warn("news feeds are off: nothing is fetched until you run "
                 "`settings set news_feeds_enabled true`")
    return 0


def list_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    repo = repository(ctx.store)
    rows = []
    for url in news_feeds.feed_urls(ctx.settings):
        state = repo.feed_state(url)
        rows.append({
            "url": url,
            "last_read": state.succeeded_at.isoformat() if state and state.succeeded_at else None,
            "error": state.error if state else None,
        })
    if args.json:
        ctx.emit_json({"enabled": ctx.settings.news_feeds_enabled, "feeds": rows})
        return 0
    ctx.out(f"News feeds are {'on' if ctx.settings.news_feeds_enabled else 'off'}.")
    for row in rows:
        url = str(row["url"])
        problem = why_not_read(url, row["error"])
        if row["last_read"] is None:
            shown = f"not read yet: {problem}" if problem else "not read yet"
        else:
            shown = f"last read {row['last_read']}"
            if problem:   # its last good entries are kept
                shown += f"; STALE, the last try failed: {problem}"
        ctx.out(terminal_safe(f"{url}  ({shown})"))
    if not rows:
        ctx.out("No feeds. Add one with `feeds add URL`.")
    return 0


def remove_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.lock_for_writing()
    with user_errors(ValueError, prefix="feed not removed: "):
        news_feeds.remove_feed(ctx.settings, ctx.store, args.url)
    ctx.warn(f"removed {args.url}")
    return 0


def poll_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.lock_for_writing()
    with user_errors(news_feeds.FeedsOff, ValueError):   # ValueError: the proxy setting
        polls = news_feeds.poll_all(ctx.store, ctx.settings)
    if args.json:
        ctx.emit_json({"polls": [p.to_dict() for p in polls]})
    for p in polls:
        if p.ok:
            ctx.warn(terminal_safe(f"{p.url}: {p.entries} new entr{'y' if p.entries == 1 else 'ies'}, "
                                   f"{p.added} new suggestion(s), {p.merged} merged"
                                   + (f", {p.unreadable} unreadable" if p.unreadable else "")))
        else:
            ctx.warn(terminal_safe(f"{p.url}: not read, kept as it was "
                                   f"({why_not_read(p.url, p.error)})"))
    if not polls:
        ctx.warn("no feeds: add one with `feeds add URL`")
    return 0 if all(p.ok for p in polls) else 1
