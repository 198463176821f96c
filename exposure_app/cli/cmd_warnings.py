"""``warnings [--as-of DATE] [--json]``: exposure weighed by each counterparty's events."""

from __future__ import annotations

import argparse

from exposure_app.cli.context import CliContext, UserError, format_money, format_share, parse_as_of
from exposure_app.risk.events import format_published
from exposure_app.risk.warnings import WarningsReport
from exposure_app.services.risk_service import refresh_held_reserves, warnings_as_of


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("warnings", help="risk warnings for the custodians you use")
    p.add_argument("--as-of", metavar="DATE", help="ISO date or date-time (default now); only "
                   "snapshots and events dated on or before it count")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--refresh", action="store_true",
                   help="first fetch public reserve data for your custodians (network)")
    p.set_defaults(handler=warnings_cmd)


def warnings_to_json(report: WarningsReport) -> dict:
    """The documented contract: money as decimal strings, most severe first."""
    return {
        "as_of": report.as_of,
        "base_currency": report.base_currency,
        "net_worth": report.net_worth,
        "warnings": [
            {
                "counterparty": w.counterparty,
                "name": w.name,
                "level": w.level.value,
                "exposure": {
                    "value": w.exposure.value,
                    "share": w.exposure.share,
                    "direct": w.exposure.direct,
                    "affiliated": w.exposure.affiliated,
                },
                "reasons": list(w.reasons),
                "health": None if w.health is None else {
                    "state": w.health.state.value,
                    "score": w.health.score,
                    "reasons": list(w.health.reasons()),
                },
                "events": [
                    {"id": e.id, "counterparty": e.counterparty, "date": e.date.isoformat(),
                     "published": format_published(e.published),
                     "category": e.category.value, "title": e.title,
                     "sources": list(e.sources)}
                    for e in w.events
                ],
            }
            for w in report.warnings
        ],
    }


def warnings_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    as_of = parse_as_of(args.as_of)
    if args.refresh:
        ctx.lock_for_writing()
        try:
            results = refresh_held_reserves(ctx.store, ctx.settings)
        except ValueError as exc:
            raise UserError(f"reserve data not refreshed: {exc}") from None
        for result in results:
            if result.ok:
                ctx.warn(f"reserve data {result.slug}: {result.points} points")
            else:
                ctx.warn(f"reserve data {result.slug}: not updated, using the cached copy "
                         f"({result.error})")
    report = warnings_as_of(ctx.store, ctx.settings, as_of)
    if args.json:
        ctx.emit_json(warnings_to_json(report))
        return 0
    cur = report.base_currency
    ctx.out(f"Warnings as of {report.as_of:%Y-%m-%d %H:%M} UTC "
            f"(net worth {format_money(report.net_worth, cur)})")
    if not report.warnings:
        ctx.out("No warnings.")
        return 0
    for w in report.warnings:
        e = w.exposure
        ctx.out(f"\n[{w.level.value.upper()}] {w.name} ({w.counterparty}): "
                f"{format_money(e.value, cur)} = {format_share(e.share)} of net worth "
                f"(direct {format_money(e.direct, cur)}, affiliated "
                f"{format_money(e.affiliated, cur)})")
        for reason in w.reasons:
            ctx.out(f"  - {reason}")
        for event in w.events:
            ctx.out(f"    source for {event.id}: {event.sources[0]}")
        ctx.out(f"  Suggested: {w.action}")
    return 0
