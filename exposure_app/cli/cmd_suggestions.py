"""``events suggest|suggestions|accept|reject``: suggested events read from news.

``suggest`` reads one article (a file, a URL, or stdin with ``-``), stores what
it finds as pending suggestions and prints them; nothing counts in a warning
until ``accept`` makes it one of the user's events. Article text printed here
has terminal control characters escaped (an article must not be able to drive
the terminal).
"""

from __future__ import annotations

import argparse
import re
import sys
from decimal import Decimal
from pathlib import Path

from exposure_app.cli.context import CliContext, user_errors
from exposure_app.cli.options import Action, day_arg
from exposure_app.domain.money import AmountError, parse_decimal
from exposure_app.domain.text import terminal_safe as escape_controls
from exposure_app.risk.events import CATEGORIES
from exposure_app.risk.news.suggestion import Suggestion
from exposure_app.services import suggestions
from exposure_app.services.network_proxy import proxy_for_requests
from exposure_app.services.news_fetch import (
    MAX_FILE_BYTES,
    ArticleError,
    ArticleText,
    read_bytes,
    read_file,
    read_url,
)
from exposure_app.services.suggestions import SuggestionError


def terminal_safe(text: str) -> str:
    """``text`` on one line, with control characters (escape sequences, bidi overrides)
    shown as ``\\x1b``-style escapes (:func:`exposure_app.domain.text.terminal_safe`)."""
    return escape_controls(text.replace("\n", " "))


def _amount(text: str) -> Decimal:
    try:
        value = parse_decimal(text.replace(",", "").lstrip("$"), field="--amount")
    except AmountError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    if value < 0:
        raise argparse.ArgumentTypeError("--amount must not be negative")
    return value


def _suggestion_id(text: str) -> int:
    match = re.fullmatch(r"#?(\d{1,12})", text.strip())
    if match is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a suggestion id (see events suggestions)")
    return int(match.group(1))


def _read(source: str, ctx: CliContext) -> ArticleText:
    if source == "-":
        data = sys.stdin.buffer.read(MAX_FILE_BYTES + 1)
        return read_bytes(data, "pasted text")
    if re.match(r"(?i)https?://", source):
        with user_errors(ValueError, prefix="not read: "):
            proxy = proxy_for_requests(ctx.settings)
        return read_url(source, proxy=proxy)
    return read_file(Path(source))


def _money(value: Decimal) -> str:
    return f"${value:,.0f}"


def _print(ctx: CliContext, s: Suggestion, note: str = "") -> None:
    amount = f"  {_money(s.amount_usd)}" if s.amount_usd is not None else ""
    period = f" over {s.period_days} d" if s.period_days else ""
    ctx.out(terminal_safe(
        f"#{s.id}  {s.date}  {s.counterparty:<12} {s.category.value:<16}{amount}{period}  "
        f"{s.title}  (confidence {s.confidence:.2f}){note}"))
    ctx.out("      " + terminal_safe(f"evidence: {s.evidence}"))
    ctx.out("      " + terminal_safe(f"published {s.published}; sources: {' '.join(s.sources)}"))
    if s.duplicate_of:
        ctx.out("      " + terminal_safe(f"duplicate of known event {s.duplicate_of}"))


def suggest_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    with user_errors(ArticleError, prefix="article not read (nothing stored): "):
        article = _read(args.source, ctx)
    ctx.lock_for_writing()
    with user_errors(SuggestionError, prefix="article not read (nothing stored): "):
        outcome = suggestions.suggest_from_article(ctx.store, article, published=args.published)
    if args.json:
        ctx.emit_json({"suggestions": [s.to_dict() for s in outcome.suggestions]})
    else:
        for s in outcome.added:
            _print(ctx, s)
        for s in outcome.merged:
            _print(ctx, s, "  [added this source to an earlier suggestion]")
    if outcome.already_reviewed:
        ctx.warn(f"{outcome.already_reviewed} reading(s) left out: you accepted or rejected "
                 "that episode before")
    if not outcome.suggestions:
        ctx.warn("no event found in this article; nothing stored")
    return 0


def suggestions_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    pending = suggestions.pending(ctx.store)
    if args.json:
        ctx.emit_json({"suggestions": [s.to_dict() for s in pending]})
        return 0
    for s in pending:
        _print(ctx, s)
    if not pending:
        ctx.out("No suggestions waiting for review.")
    return 0


def accept_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.lock_for_writing()
    with user_errors(SuggestionError):
        event = suggestions.accept(
            ctx.store, args.id, day=args.date, category=args.category, amount_usd=args.amount,
            counterparty=args.counterparty, title=args.title, sources=tuple(args.source))
    ctx.warn(terminal_safe(f"accepted #{args.id} as your event {event.id}: {event.title}"))
    return 0


def reject_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.lock_for_writing()
    with user_errors(SuggestionError):
        suggestions.reject(ctx.store, args.id)
    ctx.warn(f"rejected #{args.id}; that episode will not be suggested again")
    return 0


def _suggest_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("source", metavar="FILE|URL|-",
                   help="a .txt/.md/.html file, a web address, or - to read stdin")
    p.add_argument("--published", type=day_arg, metavar="DAY",
                   help="when the article was published (if the page does not say), "
                        "e.g. --published 2022-11-08")


def _accept_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("id", type=_suggestion_id, help="the suggestion's number, e.g. 12 or #12")
    p.add_argument("--date", type=day_arg, metavar="DAY",
                   help="the event's date, e.g. --date 2022-11-08")
    p.add_argument("--category", choices=CATEGORIES, metavar="CATEGORY",
                   help="one of: " + ", ".join(CATEGORIES))
    p.add_argument("--amount", type=_amount, metavar="USD",
                   help="size in US dollars, e.g. --amount 6000000000")
    p.add_argument("--counterparty", metavar="ID",
                   help="the counterparty id (see counterparties list), e.g. --counterparty ftx")
    p.add_argument("--title", metavar="TEXT", help="a short title for the event")
    p.add_argument("--source", action="append", default=[], metavar="URL",
                   help="the article's web address (needed for pasted text or files)")


ACTIONS = (
    Action("suggest", "read a news article and suggest events from it", suggest_cmd,
           ("events suggest article.html", "events suggest https://example.com/news/1",
            "pbpaste | exposure-app events suggest - --published 2022-11-08"),
           json="the suggestions", arguments=_suggest_arguments),
    Action("suggestions", "list suggested events waiting for review", suggestions_cmd,
           ("events suggestions", "events suggestions --json"), json="the suggestions"),
    Action("accept", "make a suggestion one of your events (optionally edited)", accept_cmd,
           ("events accept 12", "events accept 12 --category withdrawal_halt --date 2022-11-08"),
           arguments=_accept_arguments),
    Action("reject", "reject a suggestion (it will not come back)", reject_cmd,
           ("events reject 12",),
           arguments=lambda p: p.add_argument(
               "id", type=_suggestion_id, help="the suggestion's number, e.g. 12 or #12")),
)
"""The suggestion actions of the ``events`` command (``cmd_events.register`` adds them)."""
