"""``sync [ACCOUNT...] [--json]``: read every connected exchange account now.

Prints, per account: status (ok, partial, failed), the wallets read
(coverage) and any missing, the total in the base currency, the key's
permissions (with the read-only warning) and timings. Exit status 1 when any
account failed (its last good snapshot is kept and shown as stale).
"""

from __future__ import annotations

import argparse

from exposure_app.cli.context import CliContext, UserError, format_money
from exposure_app.cli.options import add_json, examples
from exposure_app.domain.labels import HAND_OR_IMPORTED
from exposure_app.domain.models import AccountKind
from exposure_app.services.sync_events import AccountSyncFinished, AccountSyncStatus, SyncReport
from exposure_app.services.sync_service import sync_blocking
from exposure_app.services.sync_watch import is_watch_only


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "sync", help="read balances from connected exchange accounts and watched addresses now",
        description="Read every wallet of the named exchange accounts (all when none is "
                    "named) concurrently, price the holdings and store a snapshot per account. "
                    "Exit status 1 if any account failed.",
    )
    p.add_argument("accounts", nargs="*", metavar="ACCOUNT",
                   help="exchange account names (default: all), e.g. 'Binance main'")
    add_json(p, "the report")
    examples(p, "sync", 'sync "Binance main" --json')
    p.set_defaults(handler=sync_accounts)


def _select(ctx: CliContext, names: list[str]) -> list[int] | None:
    exchange_accounts = [a for a in ctx.store.accounts.list()
                         if a.kind is AccountKind.EXCHANGE_API or is_watch_only(a)]
    if not names:
        if not exchange_accounts:
            raise UserError("no exchange accounts or watched addresses to sync; add one with "
                            "'accounts add-exchange NAME --exchange ID' or "
                            "'accounts add-address NAME --chain CHAIN ADDRESS'")
        return None
    ids = []
    for name in names:
        account = ctx.account(name)
        if account.kind is not AccountKind.EXCHANGE_API and not is_watch_only(account):
            raise UserError(f"{account.name!r} is not an exchange account; its balances are "
                            f"{HAND_OR_IMPORTED}")
        ids.append(account.id)
    return ids


def result_to_json(r: AccountSyncFinished) -> dict[str, object]:
    # after a failed read the key was not checked: an earlier check is not shown as current
    perms = None if r.status is AccountSyncStatus.FAILED else r.permissions
    return {
        "account": r.account_name,
        "exchange": r.exchange_id,
        "status": r.status.value,
        "coverage": list(r.coverage),
        "coverage_note": r.coverage_note or None,
        "missing": dict(r.missing),
        "skipped": dict(r.skipped),
        "base_currency": r.base_currency,
        "value": r.total_value,
        "wallet_values": dict(r.wallet_values),
        "holdings": r.holdings_count,
        "unpriced_assets": list(r.unpriced_assets),
        "assumed_prices": list(r.assumed_prices),
        "permissions": None if perms is None else {
            "level": perms.level.value, "can_trade": perms.can_trade,
            "can_withdraw": perms.can_withdraw, "can_transfer": perms.can_transfer,
            "ip_restricted": perms.ip_restricted, "source": perms.source,
            "detail": perms.detail,
        },
        "warning": None if perms is None else r.permission_warning,
        "error": r.error,
        "error_kind": r.error_kind,
        "stale_since": r.stale_since,
        "timings": {
            "read_seconds": r.timings.read_seconds,
            "pricing_seconds": r.timings.pricing_seconds,
            "total_seconds": round(r.timings.total_seconds, 3),
        },
        "notes": list(r.notes),
    }


def _print_result(ctx: CliContext, r: AccountSyncFinished) -> None:
    total = format_money(r.total_value, r.base_currency) if r.total_value is not None else "-"
    ctx.out(f"{r.account_name} ({r.exchange_id}): {r.status.value.upper()}  total {total}  "
            f"in {r.timings.total_seconds:.2f} s")
    if r.coverage:
        ctx.out(f"  wallets read: {', '.join(r.coverage)}")
    if r.coverage_note:
        ctx.out(f"  coverage: {r.coverage_note}")
    for wallet, reason in r.missing.items():
        ctx.out(f"  MISSING {wallet}: {reason}")
    for wallet, reason in r.skipped.items():
        ctx.out(f"  not applicable {wallet}: {reason}")
    if r.unpriced_assets:
        ctx.out(f"  unpriced (kept without a value): {', '.join(r.unpriced_assets)}")
    for note in r.notes:
        ctx.out(f"  note: {note}")
    failed = r.status is AccountSyncStatus.FAILED
    if r.permissions is not None and not failed:
        p = r.permissions
        ctx.out(f"  key permissions: {p.level.value.replace('_', '-')}"
                + (f" ({p.detail})" if p.detail else ""))
        if r.permission_warning:
            ctx.out_painted(f"  !!! {r.permission_warning}", "warn")
    if failed:
        ctx.out_painted(f"  FAILED: {r.error}", "high")
        if r.stale_since is not None:
            ctx.out(f"  showing the last good snapshot from "
                    f"{r.stale_since.strftime('%Y-%m-%d %H:%M UTC')} (stale)")
    elif r.status is AccountSyncStatus.CANCELLED:
        ctx.out(f"  cancelled: {r.error}")


def print_report(ctx: CliContext, report: SyncReport) -> None:
    for result in report.results:
        _print_result(ctx, result)
    seconds = (report.finished_at - report.started_at).total_seconds()
    ctx.out(f"{len(report.results)} account(s) in {seconds:.2f} s")


def sync_accounts(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.lock_for_writing()
    ids = _select(ctx, args.accounts)
    report = sync_blocking(ctx.profile, ids)
    if args.json:
        ctx.emit_json({
            "started_at": report.started_at, "finished_at": report.finished_at,
            "accounts": [result_to_json(r) for r in report.results],
        })
    else:
        print_report(ctx, report)
    _read_news_feeds(ctx)
    failed = [r for r in report.results if r.status is AccountSyncStatus.FAILED]
    return 1 if failed else 0


def _read_news_feeds(ctx: CliContext) -> None:
    """After a sync, the news feeds are read too, when the user enabled them."""
    from exposure_app.cli.cmd_feeds import why_not_read
    from exposure_app.services import news_feeds

    if not (ctx.settings.news_feeds_enabled and news_feeds.feed_urls(ctx.settings)):
        return
    try:
        polls = news_feeds.poll_all(ctx.store, ctx.settings)
    except ValueError as exc:     # the proxy setting is unusable: nothing was fetched
        ctx.warn(f"news feeds not read: {exc}")
        return
    for poll in polls:
        ctx.warn(f"news feed {poll.url}: " + (f"{poll.added} new suggestion(s)" if poll.ok
                                               else "not read, kept as it was "
                                               f"({why_not_read(poll.url, poll.error)})"))
