"""Builds the argument parser from the command modules and dispatches.

Each module in :data:`COMMAND_MODULES` has ``register(subparsers)``, which
adds its sub-commands and sets ``handler`` on them with ``set_defaults``.
Exit status: 0 success, 1 error (message on stderr), 2 usage.
"""

from __future__ import annotations

import argparse
import importlib
import sqlite3
import sys
from collections.abc import Sequence
from typing import NoReturn

from exposure_app import __version__
from exposure_app.cli.context import CliContext, UserError
from exposure_app.services.profile import Profile
from exposure_app.storage.database_file import explain_error
from exposure_app.storage.errors import StorageError

COMMAND_MODULES: list[str] = [
    "exposure_app.cli.cmd_accounts",
    "exposure_app.cli.cmd_holdings",
    "exposure_app.cli.cmd_import",
    "exposure_app.cli.cmd_exposure",
    "exposure_app.cli.cmd_settings",
    "exposure_app.cli.cmd_data_folder",
    "exposure_app.cli.cmd_warnings",
    "exposure_app.cli.cmd_events",
    "exposure_app.cli.cmd_feeds",
    "exposure_app.cli.cmd_counterparties",
    "exposure_app.cli.cmd_checklist",
    "exposure_app.cli.cmd_export",
    "exposure_app.cli.cmd_reminders",
    "exposure_app.cli.cmd_sync",
    "exposure_app.cli.cmd_risk",
    "exposure_app.cli.cmd_prices",
]


class _Parser(argparse.ArgumentParser):
    """argparse, but usage errors exit 2 with the message on stderr (as documented)."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {message}\n")


def add_global_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        help="profile folder (default: $EXPOSURE_APP_DATA_DIR or the platform's app-data folder)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="exposure-app",
        description="Exposure: how much of your crypto each custodian holds, and how risky that is.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    add_global_options(parser)
    app = parser.add_argument_group("desktop app (used without a COMMAND)")
    app.add_argument("--demo", action="store_true",
                     help="open the app on a throw-away demo profile with emulated exchanges")
    app.add_argument("--self-test", action="store_true",
                     help="check the installation (versions, keyring, resources, database, Qt)")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    return parser


def run_cli(argv: Sequence[str], *, stdout=None, stderr=None) -> int:
    parser = build_parser()
    args = parser.parse_args(list(argv))
    handler = getattr(args, "handler", None)
    if args.demo or args.self_test:
        parser.error("--demo and --self-test are used without a COMMAND")
    if handler is None:
        parser.print_help(sys.stderr)
        return 2
    ctx = CliContext(Profile.resolve(args.data_dir))
    if stdout is not None:
        ctx.stdout = stdout
    if stderr is not None:
        ctx.stderr = stderr
    try:
        return int(handler(args, ctx) or 0)
    except (UserError, StorageError) as exc:
        ctx.warn(f"error: {exc}")
        return 1
    except (sqlite3.Error, OSError) as exc:
        # a full disk, a read-only profile or a damaged file, met in the middle of a command
        explained = explain_error(exc, ctx.profile.data_dir)
        if explained is None:
            raise
        ctx.warn(f"error: {explained}")
        return 1
    except BrokenPipeError:
        # The reader (``| head``) went away: not an error worth a traceback.
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        ctx.warn("interrupted")
        return 130
    finally:
        ctx.close()
