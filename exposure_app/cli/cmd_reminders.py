"""``reminders list | set | record | history``: withdrawal-test reminders.

A small test withdrawal now and then proves a custodian still pays out. A
failed or delayed test becomes one of your events and feeds the risk engine.
"""

from __future__ import annotations

import argparse

from exposure_app.cli.context import CliContext, UserError
from exposure_app.domain.timeutil import DateError, parse_instant
from exposure_app.services.reminders import (
    ReminderError,
    proof_of_keys_prompt,
    record_test,
    reminders,
    set_interval,
)
from exposure_app.storage.checklist import TEST_RESULTS, ReminderRepository


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("reminders", help="withdrawal-test reminders and results")
    sub = parser.add_subparsers(dest="reminders_command", metavar="ACTION", required=True)

    p = sub.add_parser("list", help="each custodian's next test (due ones first)")
    p.add_argument("--due", action="store_true", help="only the ones due now")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=list_cmd)

    p = sub.add_parser("set", help="set a custodian's interval: DAYS, off, or default")
    p.add_argument("counterparty")
    p.add_argument("interval", help="days between tests, 'off', or 'default'")
    p.set_defaults(handler=set_cmd)

    p = sub.add_parser("record", help="record a test withdrawal's result")
    p.add_argument("counterparty")
    p.add_argument("result", choices=TEST_RESULTS)
    p.add_argument("--date", help="when the test was made (ISO 8601; default now)")
    p.add_argument("--asset")
    p.add_argument("--network")
    p.add_argument("--note", default="", help="e.g. the transaction id")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=record_cmd)

    p = sub.add_parser("history", help="recorded test results")
    p.add_argument("counterparty", nargs="?")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=history_cmd)


def _reminder_json(r) -> dict:
    return {
        "counterparty": r.counterparty, "name": r.name, "interval_days": r.interval_days,
        "custom_interval": r.custom_interval, "enabled": r.enabled, "due": r.is_due,
        "due_at": r.due_at, "overdue_days": r.overdue_days,
        "last_test": None if r.last_test is None else {
            "tested_at": r.last_test.tested_at, "result": r.last_test.result},
        "withdrawals_blocked": r.withdrawals_blocked or None, "message": r.message,
    }


def list_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    rows = reminders(ctx.store, ctx.settings)
    if args.due:
        rows = [r for r in rows if r.is_due]
    if args.json:
        ctx.emit_json([_reminder_json(r) for r in rows])
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
            raise UserError(f"{args.interval!r}: give a number of days, 'off' or 'default'") from None
    try:
        cp = set_interval(ctx.store, args.counterparty, days)
    except ReminderError as exc:
        raise UserError(str(exc)) from None
    what = "the default interval" if days is None else ("off" if days == 0 else f"every {days} days")
    ctx.warn(f"{cp}: withdrawal-test reminder {what}.")
    return 0


def record_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.lock_for_writing()
    tested_at = None
    if args.date:
        try:
            tested_at = parse_instant(args.date)
        except DateError as exc:
            raise UserError(f"--date: {exc}") from None
    try:
        test = record_test(ctx.store, args.counterparty, args.result, tested_at=tested_at,
                           asset=args.asset, network=args.network, note=args.note)
    except ReminderError as exc:
        raise UserError(str(exc)) from None
    if args.json:
        ctx.emit_json({"id": test.id, "counterparty": test.counterparty, "tested_at": test.tested_at,
                       "result": test.result, "event_id": test.event_id})
    else:
        extra = f"; added event {test.event_id}" if test.event_id else ""
        ctx.warn(f"Recorded a {test.result} test withdrawal at {test.counterparty}{extra}.")
    return 0


def history_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    cp = None
    if args.counterparty:
        from exposure_app.risk.catalog import load_directory

        cp = load_directory().resolve(args.counterparty)
    tests = ReminderRepository(ctx.store).tests(cp)
    if args.json:
        ctx.emit_json([{"id": t.id, "counterparty": t.counterparty, "tested_at": t.tested_at,
                        "result": t.result, "asset": t.asset, "network": t.network, "note": t.note,
                        "event_id": t.event_id} for t in tests])
        return 0
    if not tests:
        ctx.out("No test withdrawals recorded.")
    for t in tests:
        ctx.out(f"{t.tested_at:%Y-%m-%d %H:%M} {t.counterparty:<14} {t.result:<8} "
                f"{t.asset or ''} {t.network or ''} {t.note}".rstrip())
    return 0
