"""``export REPORT --out FILE [--as-of DATE]``: CSV reports (columns in docs/reports.md).

The GUI's File → Export calls the same :func:`~exposure_app.services.reports.write_report`,
so both produce byte-identical files for the same report and "as of".
"""

from __future__ import annotations

import argparse
from pathlib import Path

from exposure_app.cli.context import CliContext, parse_as_of, user_errors
from exposure_app.cli.options import add_as_of, add_json, examples, to_file_or_stdout
from exposure_app.services.checklist_service import ALL, ChecklistError
from exposure_app.services.reports import REPORTS, ReportError, ReportOptions, write_report


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("export", help="write a CSV report (see docs/reports.md)")
    p.add_argument("report", choices=list(REPORTS), metavar="REPORT",
                   help="one of: " + ", ".join(REPORTS))
    p.add_argument("--out", required=True, type=Path, metavar="FILE",
                   help="the CSV file to write ('-' for standard output), e.g. --out exposure.csv")
    add_as_of(p)
    p.add_argument("--counterparty", metavar="ID", default=ALL,
                   help="checklist: the custodian the plan is for (default all), e.g. binance")
    p.add_argument("--all-snapshots", action="store_true",
                   help="holdings: every holding of every snapshot, not only the latest")
    add_json(p, "a summary (file, rows, as of)")
    examples(p, "export exposure --out exposure.csv", "export events --out - --as-of 2022-12-31",
             "export checklist --counterparty binance --out plan.csv")
    p.set_defaults(handler=export_cmd)


def export_cmd(args: argparse.Namespace, ctx: CliContext) -> int:
    as_of = parse_as_of(args.as_of)
    scope = args.counterparty if args.counterparty == ALL else ctx.counterparty(args.counterparty)
    options = ReportOptions(as_of=as_of, scope=scope, all_snapshots=args.all_snapshots)
    with user_errors(ReportError, ChecklistError), to_file_or_stdout(args.out, ctx, ".csv") as path:
        result = write_report(ctx.store, ctx.settings, args.report, path, options)
    if args.json:
        ctx.emit_json({"report": result.name, "path": str(args.out), "rows": result.rows,
                       "as_of": result.as_of})
    else:
        ctx.warn(f"Wrote {result.rows} row(s) of the {result.name} report to {result.path}")
    return 0
