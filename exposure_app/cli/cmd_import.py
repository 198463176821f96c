"""``import holdings FILE.csv``."""

from __future__ import annotations

import argparse
from pathlib import Path

from exposure_app.cli.context import CliContext, user_errors
from exposure_app.cli.options import Action, add_command
from exposure_app.services.holdings_import import ImportRejected, import_holdings_csv


def register(subparsers: argparse._SubParsersAction) -> None:
    add_command(subparsers, "import", "import data from files", [
        Action("holdings", "import holdings from CSV (see README: CSV format)", import_holdings,
               ("import holdings holdings.csv", "import holdings corrected.csv --replace"),
               json="a summary", arguments=_holdings_arguments),
    ])


def _holdings_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", type=Path, metavar="FILE",
                   help="a UTF-8 CSV file with a header row: date,account,asset,amount[,price|value]")
    p.add_argument("--replace", action="store_true",
                   help="replace holdings already recorded for an account at a date in the file "
                        "(otherwise such a file is refused)")


def import_holdings(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.lock_for_writing()
    with user_errors(ImportRejected):
        result = import_holdings_csv(ctx.store, args.file, base=ctx.settings.base_currency,
                                     replace=args.replace)
    if args.json:
        ctx.emit_json(
            {
                "rows": result.rows,
                "snapshots_written": result.snapshots_written,
                "snapshots_unchanged": result.snapshots_unchanged,
                "accounts": list(result.accounts),
            }
        )
    ctx.warn(
        f"Imported {result.rows} row(s): {result.snapshots_written} snapshot(s) written, "
        f"{result.snapshots_unchanged} already present."
    )
    return 0
