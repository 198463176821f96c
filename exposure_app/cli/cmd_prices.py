"""``prices update [--json]`` and ``prices show ASSET [--as-of DATE] [--json]``.

``update`` asks the price sources (setting ``price_sources``) for tickers and
daily closes on the sync service's thread and caches them; exit status 1 when
no source answered (the cached prices stay, with their age). ``show`` reads
the cache only (works offline) and says how old it is.
"""

from __future__ import annotations

import argparse

from exposure_app.cli.context import CliContext, UserError, format_money, parse_as_of
from exposure_app.cli.options import Action, add_as_of, add_command, day_arg
from exposure_app.domain.timeutil import utc_now
from exposure_app.services.price_lookup import MarketPrices
from exposure_app.services.prices import cache_age_text


def register(subparsers: argparse._SubParsersAction) -> None:
    add_command(subparsers, "prices", "market prices: update the cache, show one", [
        Action("update", "fetch tickers and daily closes from the price sources", update,
               ("prices update", "prices update --since 2022-01-01 --json"), json="the report",
               arguments=lambda p: p.add_argument(
                   "--since", metavar="DAY", type=day_arg,
                   help="fetch daily closes back to this date (default: the first snapshot, "
                        "at least 400 days; at most 5 years per market and update)"),
               description="Ask the price sources (settings: price_sources) for current prices "
                           "and the daily closes missing from the cache, for every held asset, "
                           "the custodians' own tokens and the stablecoins. Exit status 1 if no "
                           "source answered."),
        Action("show", "one asset's cached price, now or at a date's close", show,
               ("prices show BTC", "prices show eth --as-of 2022-11-10 --json"),
               json="the price", arguments=_show_arguments),
    ])


def _show_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("asset", help="ticker, case-insensitive, e.g. BTC")
    add_as_of(p, "daily closes")


def update(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.lock_for_writing()
    from exposure_app.services.sync_service import SyncService

    since = args.since
    if since is not None and since >= utc_now().date():
        raise UserError("--since: give a date before today")
    with SyncService(ctx.profile) as service:
        report = service.refresh_prices(since).result()
    if args.json:
        ctx.emit_json(report.as_json())
    else:
        for source in report.sources:
            ctx.out(f"{source.source:<40} {'ok' if source.ok else 'failed'}  {source.message}")
        if not report.sources:
            ctx.out("no price source was needed (nothing to price)")
        ctx.out(f"{report.tickers} current prices, {report.closes} daily closes stored")
        if report.revalued_accounts:
            ctx.out(f"re-valued {report.revalued_accounts} hand-recorded account(s)")
        if report.unpriced:
            ctx.out("no price found for: " + ", ".join(report.unpriced))
        for reason in report.rejected:
            ctx.warn(f"rejected: {reason}")
        ctx.out(cache_age_text(ctx.store))
    return 0 if report.ok or not report.sources else 1


def show(args: argparse.Namespace, ctx: CliContext) -> int:
    asset = args.asset.strip().upper()
    if not asset.isalnum() or len(asset) > 32:
        raise UserError(f"{args.asset!r} is not an asset ticker")
    now = utc_now()
    base = ctx.settings.base_currency
    day = None
    if args.as_of:
        day = parse_as_of(args.as_of).date()
        if day >= now.date():
            day = None
    prices = MarketPrices.load(ctx.store, now, [asset, base])
    point = prices.price(asset, base, day)
    usd = prices.usd(asset, day)
    age = cache_age_text(ctx.store, now)
    if point is None:
        when = f" at {day.isoformat()}" if day else ""
        raise UserError(f"no cached market price for {asset}{when} in {base} ({age}); "
                        "run 'prices update' while online")
    if args.json:
        ctx.emit_json({
            "asset": asset, "base_currency": base, "price": point.price,
            "usd_price": usd.price if usd else None, "source": point.label,
            "day": point.day.isoformat(), "assumed": point.assumed,
            "as_of": day.isoformat() if day else None, "cache": age,
        })
        return 0
    ctx.out(f"1 {asset} = {format_money(point.price, base)}"
            + (f" ({format_money(usd.price, 'USD')})" if usd and base != "USD" else ""))
    ctx.out(f"source: {point.label}" + (" [assumed]" if point.assumed else ""))
    ctx.out(age)
    return 0
