"""``exposure [--as-of DATE] [--json]``."""

from __future__ import annotations

import argparse

from exposure_app.cli.context import CliContext, format_money, format_share, parse_as_of
from exposure_app.cli.options import add_as_of, add_json, examples
from exposure_app.domain.exposure import ExposureReport
from exposure_app.services.base_currency import currency_mismatch
from exposure_app.services.exposure_as_of import exposure_as_of
from exposure_app.services.prices import cache_age_text


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("exposure", help="net worth and exposure per custodian and asset")
    add_as_of(p, "snapshots taken")
    add_json(p, "the exposure")
    examples(p, "exposure", "exposure --as-of 2022-11-10 --json")
    p.set_defaults(handler=exposure_cmd)


def exposure_to_json(report: ExposureReport) -> dict:
    """The documented JSON contract (README: CLI)."""
    return {
        "as_of": report.as_of,
        "base_currency": report.base_currency,
        "net_worth": report.net_worth,
        "custodial": {"value": report.custodial.value, "share": report.custodial.share},
        "self_custody": {"value": report.self_custody.value, "share": report.self_custody.share},
        "counterparties": [
            {
                "counterparty": c.counterparty,
                "name": c.name,
                "value": c.value,
                "share": c.share,
                "direct": c.direct,
                "affiliated": c.affiliated,
            }
            for c in report.counterparties
        ],
        "issuers": [
            {"counterparty": i.issuer, "name": i.name, "assets": list(i.assets), "value": i.value,
             "share": i.share}
            for i in report.issuers
        ],
        "assets": [{"asset": a.asset, "value": a.value, "share": a.share} for a in report.assets],
        "hhi": report.hhi,
        "unpriced": [
            {"account": u.account, "asset": u.asset, "amount": u.amount, "wallet": u.wallet}
            for u in report.unpriced
        ],
        "accounts": [
            {
                "account": s.account.name,
                "kind": s.account.kind.value,
                "counterparty": s.account.counterparty,
                "snapshot_at": s.snapshot.taken_at if s.snapshot else None,
                "status": s.snapshot.status.value if s.snapshot else None,
                "stale": s.is_stale,
                "stale_reason": s.stale_reason,
            }
            for s in report.accounts
        ],
    }


def exposure_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    report = exposure_as_of(ctx.store, ctx.settings, parse_as_of(args.as_of))
    mismatch = currency_mismatch(ctx.store, ctx.settings.base_currency)
    if mismatch:
        ctx.warn(mismatch)
    if args.json:
        ctx.emit_json(exposure_to_json(report))
        return 0
    cur = report.base_currency
    ctx.out(f"Exposure as of {report.as_of:%Y-%m-%d %H:%M} UTC")
    ctx.out(f"Net worth      {format_money(report.net_worth, cur)}")
    ctx.out(f"Custodial      {format_money(report.custodial.value, cur)}  "
            f"({format_share(report.custodial.share)})")
    ctx.out(f"Self-custody   {format_money(report.self_custody.value, cur)}  "
            f"({format_share(report.self_custody.share)})")
    ctx.out(f"Concentration  HHI {report.hhi:.3f} over custodians")
    market = cache_age_text(ctx.store, how="run 'prices update'")
    ctx.out(f"Market         {market}")
    if report.counterparties:
        ctx.out("\nCustodians                     direct          affiliated      share")
        for c in report.counterparties:
            ctx.out(f"  {c.name:<22} {format_money(c.direct, cur):>18} "
                    f"{format_money(c.affiliated, cur):>18} {format_share(c.share):>8}")
    if report.issuers:
        ctx.out("\nStablecoin issuers")
        for i in report.issuers:
            ctx.out(f"  {i.name:<22} {format_money(i.value, cur):>18} {format_share(i.share):>8}"
                    f"  ({', '.join(i.assets)})")
    if report.assets:
        ctx.out("\nAssets")
        for a in report.assets:
            ctx.out(f"  {a.asset:<22} {format_money(a.value, cur):>18} {format_share(a.share):>8}")
    if report.unpriced:
        ctx.out("\nUnpriced (not in the totals above)")
        for u in report.unpriced:
            ctx.out(f"  {u.account:<22} {u.asset:<10} {u.amount}")
    stale = [s for s in report.accounts if s.is_stale]
    for s in stale:
        ctx.warn(f"warning: {s.account.name} shows its last good snapshot: {s.stale_reason}")
    return 0
