"""``reminders list | set | record | history``: withdrawal-test reminders.

A small test withdrawal now and then proves a custodian still pays out. A
failed or delayed test becomes one of your events and feeds the risk engine.
"""

from __future__ import annotations

import argparse

from exposure_app.cli.context import CliContext, UsageError, user_errors
from exposure_app.cli.options import Action, add_command, instant_arg
from exposure_app.services.reminders import (
    ReminderError,
    proof_of_keys_prompt,
    record_test,
    reminders,
    set_interval,
)
from exposure_app.storage.checklist import TEST_RESULTS, ReminderRepository


def register(subparsers: argparse._SubParsersAction) -> None:
    add_command(subparsers, "reminders", "withdrawal-test reminders and results", [
        Action("list", "each custodian's next test (due ones first)", list_cmd,
               ("reminders list", "reminders list --due --json"), json="the reminders",
               arguments=lambda p: p.add_argument(
                   "--due", action="store_true", help="only the ones due now")),
        Action("set", "set a custodian's interval: DAYS, off, or default", set_cmd,
               ("reminders set binance 30", "reminders set kraken off"),
               arguments=_set_arguments),
        Action("record", "record a test withdrawal's result", record_cmd,
               ("reminders record binance worked --asset USDT --network TRC20 --note 0xabc",),
               json="the recorded test", arguments=_record_arguments),
        Action("history", "recorded test results", history_cmd,
               ("reminders history", "reminders history binance --json"),
               json="the recorded tests",
               arguments=lambda p: p.add_argument(
                   "counterparty", nargs="?", help="only this custodian, e.g. binance")),
    ])


def _set_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("counterparty", help="custodian id of one of your accounts, e.g. binance")
    p.add_argument("interval", help="days between tests, 'off', or 'default', e.g. 30")


def _record_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("counterparty", help="custodian id of one of your accounts, e.g. binance")
    p.add_argument("result", choices=TEST_RESULTS, metavar="RESULT",
                   help="one of: " + ", ".join(TEST_RESULTS))
    p.add_argument("--date", type=instant_arg, metavar="WHEN",
                   help="when the test was made (default now), e.g. --date 2024-05-01T10:00Z")
    p.add_argument("--asset", metavar="TICKER", help="what was withdrawn, e.g. --asset USDT")
    p.add_argument("--network", metavar="NETWORK", help="the network used, e.g. --network TRC20")
    p.add_argument("--note", default="", metavar="TEXT", help="e.g. the transaction id")


def _reminder_json(r) -> dict:
    return {
        "counterparty": r.counterparty, "name": r.name, "interval_days": r.interval_days,
        "custom_interval": r.custom_interval, "enabled": r.enabled, "due": r.is_due,
        "due_at": r.due_at, "overdue_days": r.overdue_days,
        "last_test": None if r.last_test is None else {
            "tested_at": r.last_test.tested_at, "result": r.last_test.result},
        "withdrawals_blocked": bool(r.withdrawals_blocked),
        "withdrawals_blocked_reason": r.withdrawals_blocked or None, "message": r.message,
    }


def list_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    rows = reminders(ctx.store, ctx.settings)
    if args.due:
        rows = [r for r in rows if r.is_due]
    if args.json:
        ctx.emit_json({"reminders": [_reminder_json(r) for r in rows]})
        return 0
    if ctx.settings.withdrawal_test_interval_days == 0:
        ctx.warn("Reminders are off by default (settings: withdrawal_test_interval_days = 0).")
    prompt = proof_of_keys_prompt(ctx.settings)
    if prompt:
        ctx.out("DUE  " + prompt)
    if not rows:
        ctx.out("No reminders." if args.due else "No custodian holds anything for you.")
    for r in rows:
        ctx.out(("DUE  " if r.is_due else "     ") + r.message)
    return 0


def set_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.lock_for_writing()
    text = args.interval.strip().lower()
    if text == "default":
        days = None
    elif text == "off":
        days = 0
    else:
        try:
            days = int(text)
        except ValueError:
            raise UsageError(f"{args.interval!r}: give a number of days, 'off' or 'default'") from None
    with user_errors(ReminderError):
        cp = set_interval(ctx.store, ctx.counterparty(args.counterparty), days)
    what = "the default interval" if days is None else ("off" if days == 0 else f"every {days} days")
    ctx.warn(f"{ctx.store.risk.directory().name(cp)}: withdrawal-test reminder {what}.")
    return 0


def record_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.lock_for_writing()
    counterparty = ctx.counterparty(args.counterparty)
    with user_errors(ReminderError):
        test = record_test(ctx.store, counterparty, args.result, tested_at=args.date,
                           asset=args.asset, network=args.network, note=args.note)
    if args.json:
        ctx.emit_json({"id": test.id, "counterparty": test.counterparty, "tested_at": test.tested_at,
                       "result": test.result, "event_id": test.event_id})
    else:
        extra = f"; added event {test.event_id}" if test.event_id else ""
        name = ctx.store.risk.directory().name(test.counterparty)   # as 'reminders list' names it
        ctx.warn(f"Recorded a {test.result} test withdrawal at {name}{extra}.")
    return 0


def history_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    cp = ctx.counterparty(args.counterparty) if args.counterparty else None
    tests = ReminderRepository(ctx.store).tests(cp)
    if args.json:
        ctx.emit_json({"tests": [{"id": t.id, "counterparty": t.counterparty, "tested_at": t.tested_at,
                        "result": t.result, "asset": t.asset, "network": t.network, "note": t.note,
                        "event_id": t.event_id} for t in tests]})
        return 0
    if not tests:
        ctx.out("No test withdrawals recorded.")
    for t in tests:
        ctx.out(f"{t.tested_at:%Y-%m-%d %H:%M} {t.counterparty:<14} {t.result:<8} "
                f"{t.asset or ''} {t.network or ''} {t.note}".rstrip())
    return 0
