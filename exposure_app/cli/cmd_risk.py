"""``risk backtest [--from DATE] [--to DATE] [--exposure SHARE] [--json]``.

Replays the shipped catalogue day by day for every custodial counterparty and
prints the record of the warnings (``exposure_app.risk.backtest``): lead days
before each failure at ``medium`` and ``high``, and the false-alarm share,
before 2022 (where ``score_high`` is calibrated) and from 2022 on (held out).
The record prints as Markdown tables (docs/risk-model.md embeds them as they are),
or as JSON with ``--json``. An older ``--markdown`` asked for what is the default:
it is still accepted, hidden, so scripts that pass it keep working.
"""

from __future__ import annotations

import argparse
from datetime import date

from exposure_app.cli.context import CliContext, UsageError, user_errors
from exposure_app.cli.options import Action, add_command
from exposure_app.risk.backtest import DEFAULT_END, DEFAULT_START, to_json, to_markdown
from exposure_app.services.risk_service import catalogue_backtest


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a YYYY-MM-DD date") from None


def _share(text: str) -> float:
    try:
        value = float(text.rstrip("%")) / (100 if text.endswith("%") else 1)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a share such as 0.2 or 20%") from None
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError("the exposure share must be above 0 and at most 1")
    return value


def register(subparsers: argparse._SubParsersAction) -> None:
    add_command(subparsers, "risk", "the risk model's own record", [
        Action("backtest", "replay the catalogue and print the warnings' record (Markdown tables)",
               backtest_cmd,
               ("risk backtest", "risk backtest --from 2020-01-01 --exposure 0.3 --json"),
               arguments=_backtest_arguments),
    ])


def _backtest_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--from", dest="start", type=_date, metavar="DATE",
                   help="first day replayed (default 2014-01-01)")
    p.add_argument("--to", dest="end", type=_date, metavar="DATE",
                   help="last day replayed (default 2025-12-31)")
    p.add_argument("--exposure", type=_share, default=0.2, metavar="SHARE",
                   help="hypothetical share of net worth at each custodian (default 0.2)")
    p.add_argument("--no-calibrate", action="store_true",
                   help="use your risk thresholds as they are instead of calibrating "
                        "score_high on the years before 2022")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true",
                     help="print JSON instead of the Markdown tables printed by default")
    out.add_argument("--markdown", action="store_true", help=argparse.SUPPRESS)


def backtest_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    start, end = args.start or DEFAULT_START, args.end or DEFAULT_END
    if end < start:   # name both days: one of them may be a default the user never typed
        first = f"--from {start}" + ("" if args.start else " (the default first day)")
        last = f"--to {end}" + ("" if args.end else " (the default last day)")
        raise UsageError(f"{first} is after {last}: give a --from on or before the --to")
    with user_errors(ValueError):
        result = catalogue_backtest(ctx.settings, start=args.start, end=args.end,
                                    share=args.exposure, calibrated=not args.no_calibrate)
    if args.json:
        ctx.emit_json(to_json(result))
        return 0
    ctx.out(to_markdown(result))
    return 0
