"""``warnings [--as-of DATE] [--json]``: exposure weighed by each counterparty's events."""

from __future__ import annotations

import argparse
from datetime import date

from exposure_app.cli.context import (
    CliContext,
    format_money,
    format_share,
    parse_as_of,
    user_errors,
)
from exposure_app.cli.options import add_as_of, add_json, examples
from exposure_app.risk.events import RiskEvent, format_published
from exposure_app.risk.warnings import WarningsReport
from exposure_app.services.risk_service import refresh_held_reserves, warnings_as_of


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("warnings", help="risk warnings for the custodians you use")
    add_as_of(p)
    add_json(p, "the warnings")
    p.add_argument("--refresh", action="store_true",
                   help="first fetch public reserve data for your custodians (network)")
    examples(p, "warnings", "warnings --as-of 2022-11-12 --json", "warnings --refresh")
    p.set_defaults(handler=warnings_cmd)


def event_json(e: RiskEvent, as_of_day: date) -> dict:
    """One event inside a warning: ``resolved`` only if it was resolved by the as-of day."""
    resolved = e.resolved if e.resolved_by(as_of_day) else None
    return {"id": e.id, "counterparty": e.counterparty, "date": e.date.isoformat(),
            "published": format_published(e.published), "category": e.category.value,
            "title": e.title, "sources": list(e.sources),
            "resolved": None if resolved is None else {"date": resolved.date.isoformat(),
                                                       "note": resolved.note}}


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
                "events": [event_json(e, report.as_of.date()) for e in w.events],
            }
            for w in report.warnings
        ],
    }


def warnings_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    as_of = parse_as_of(args.as_of)
    if args.refresh:
        ctx.lock_for_writing()
        with user_errors(ValueError, prefix="reserve data not refreshed: "):
            results = refresh_held_reserves(ctx.store, ctx.settings)
        if not results:
            ctx.warn("reserve data: nothing to refresh (outflow signals are off, or no custodian "
                     "you use publishes reserve data)")
        for result in results:
            if result.ok:
                ctx.warn(f"reserve data {result.slug}: {result.points} points")
            elif ctx.store.risk.cached_series(result.slug) is None:
                ctx.warn(f"reserve data {result.slug}: not fetched ({result.error}); there is no "
                         "cached copy yet, so no outflow signal for it")
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
        ctx.out()
        ctx.out_painted(f"[{w.level.value.upper()}] {w.name} ({w.counterparty}): "
                        f"{format_money(e.value, cur)} = {format_share(e.share)} of net worth "
                        f"(direct {format_money(e.direct, cur)}, affiliated "
                        f"{format_money(e.affiliated, cur)})", w.level.value)
        for reason in w.reasons:
            ctx.out(f"  - {reason}")
        for event in w.events:
            ctx.out(f"    source for {event.id}: {event.sources[0]}")
        ctx.out(f"  Suggested: {w.action}")
    return 0
