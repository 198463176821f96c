"""Builds the argument parser from the command modules and dispatches.

Each module in :data:`COMMAND_MODULES` has ``register(subparsers)``, which
adds its sub-commands and sets ``handler`` on them with ``set_defaults``.
Exit status: 0 success, 1 error (message on stderr), 2 usage.

What every command gets without asking, added here once after registration:
``--data-dir`` before or after the command words; with ``--json`` errors
(usage ones too) printed as JSON on stdout; shell completion (argcomplete);
a note on stderr when the run created a new, empty profile (a mistyped
``--data-dir`` otherwise shows net worth 0 as if the data were gone).
"""

from __future__ import annotations

import argparse
import importlib
import json
import sqlite3
import sys
from collections.abc import Sequence
from typing import NoReturn

from exposure_app import __version__
from exposure_app.cli.context import CliContext, UsageError, UserError, error_document
from exposure_app.domain.suggest import did_you_mean
from exposure_app.domain.text import json_terminal_safe
from exposure_app.services.profile import Profile
from exposure_app.storage.database_file import explain_error
from exposure_app.storage.errors import ProfileLockedError, StorageError
from exposure_app.storage.store import DB_NAME

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
    """argparse, but usage errors exit 2 with the message on stderr (as documented),
    as a JSON error document on stdout under ``--json``, and with the closest
    command or choice offered for a mistyped one."""

    json_errors = False
    """Set by :func:`run_cli` when ``--json`` is on the command line."""
    streams: tuple | None = None
    """(stdout, stderr) of the running :func:`run_cli` call; ``None``: the process's."""

    def error(self, message: str) -> NoReturn:
        if message.startswith("unrecognized arguments: "):
            # name the unknown options only: a value typed after one may be a secret
            words = [w for w in message.split(": ", 1)[1].split() if w.startswith("-")]
            message = "unrecognized arguments: " + (" ".join(words) or "(extra values)")
        message += _suggest_choice(message)
        out, err = _Parser.streams or (sys.stdout, sys.stderr)
        if _Parser.json_errors:
            print(json.dumps(error_document("usage", message)), file=out)
        else:
            self.print_usage(err)
            print(f"{self.prog}: error: {message}", file=err)
        raise SystemExit(2)


def _suggest_choice(message: str) -> str:
    """argparse says "invalid choice: 'x' (choose from ...)": add the closest one."""
    if "invalid choice: " not in message or "(choose from " not in message:
        return ""
    typed = message.split("invalid choice: ", 1)[1].split(" (choose from ", 1)[0].strip("'\"")
    listed = message.split("(choose from ", 1)[1].rstrip(")")
    choices = [c.strip().strip("'\"") for c in listed.split(",")]
    return did_you_mean(typed, choices)


DATA_DIR_HELP = ("profile folder (default: $EXPOSURE_APP_DATA_DIR or the platform's app-data "
                 "folder), before or after the command words, e.g. --data-dir ~/exposure-test")


def add_global_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data-dir", metavar="DIR", help=DATA_DIR_HELP)


def _add_data_dir_everywhere(parser: argparse.ArgumentParser) -> None:
    """``--data-dir`` accepted after the command words too (``accounts list --data-dir D``).

    On the sub-parsers its default is SUPPRESS, so a value given there
    overrides the top-level one and an absent one leaves it alone.
    """
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in set(action.choices.values()):
                if "--data-dir" not in sub._option_string_actions:
                    sub.add_argument("--data-dir", metavar="DIR", default=argparse.SUPPRESS,
                                     help=DATA_DIR_HELP)
                _add_data_dir_everywhere(sub)


def register_help(subparsers: argparse._SubParsersAction, parser: argparse.ArgumentParser) -> None:
    p = subparsers.add_parser("help", help="show the help of a command: help [COMMAND [ACTION]]")
    p.add_argument("words", nargs="*", metavar="COMMAND",
                   help="the command (and action) to explain, e.g. help accounts add-exchange")
    p.set_defaults(handler=lambda args, ctx: _print_help(parser, args.words, ctx))


def _print_help(parser: argparse.ArgumentParser, words: list[str], ctx: CliContext) -> int:
    target = parser
    for word in words:
        subs = [a for a in target._actions if isinstance(a, argparse._SubParsersAction)]
        if not subs or word not in subs[0].choices:
            known = list(subs[0].choices) if subs else []
            raise UsageError(f"no command {' '.join(words)!r}{did_you_mean(word, known)}")
        target = subs[0].choices[word]
    ctx.out(target.format_help().rstrip())
    return 0


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
    register_help(subparsers, parser)
    _add_data_dir_everywhere(parser)
    return parser


def _complete(parser: argparse.ArgumentParser) -> None:
    """Answer a shell's completion request (argcomplete) and exit; a no-op otherwise."""
    try:
        import argcomplete
    except ImportError:  # pragma: no cover - a dependency, but completion is optional
        return
    argcomplete.autocomplete(parser)


def run_cli(argv: Sequence[str], *, stdout=None, stderr=None) -> int:
    parser = build_parser()
    _complete(parser)
    argv = list(argv)
    _Parser.json_errors = "--json" in argv
    _Parser.streams = (stdout or sys.stdout, stderr or sys.stderr)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:     # usage error (2), or --help/--version (0)
        return int(exc.code or 0) if not isinstance(exc.code, str) else 2
    finally:
        _Parser.streams = None
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
    as_json = bool(getattr(args, "json", False))
    existed = (ctx.profile.data_dir / DB_NAME).exists()
    status = 1
    try:
        status = int(handler(args, ctx) or 0)
        return status
    except UserError as exc:
        return _fail(ctx, as_json, exc.code, str(exc), exc.exit_status)
    except ProfileLockedError as exc:
        return _fail(ctx, as_json, "locked", str(exc), 1)
    except StorageError as exc:
        return _fail(ctx, as_json, "storage", str(exc), 1)
    except BrokenPipeError:
        # The reader (``| head``) went away: not an error worth a traceback.
        sys.stderr.close()
        return 0
    except (sqlite3.Error, OSError) as exc:
        # a full disk, a read-only profile or a damaged file, met in the middle of a command
        explained = explain_error(exc, ctx.profile.data_dir)
        if explained is None:
            raise
        return _fail(ctx, as_json, "storage", str(explained), 1)
    except KeyboardInterrupt:
        ctx.warn("interrupted")
        return 130
    except ImportError as exc:
        # a library loaded on first use is missing or broken (an incomplete install or
        # bundle): say which, not a traceback; nothing was written before the import
        missing = exc.name or str(exc)
        return _fail(ctx, as_json, "missing_library",
                     f"a part of Exposure could not be loaded ({missing}); the installation "
                     "looks incomplete: reinstall Exposure or run 'exposure --self-test'", 1)
    finally:
        ctx.close()
        # a command that only reads, run on a folder without a profile: most likely a
        # mistyped --data-dir (it would show an empty portfolio as if the data were gone)
        if (status == 0 and not ctx.writing and not existed
                and (ctx.profile.data_dir / DB_NAME).exists()):
            print(f"note: created a new, empty profile in {ctx.profile.data_dir} (if you expected "
                  "your data, check --data-dir or EXPOSURE_APP_DATA_DIR)",
                  file=ctx.stderr)


def _fail(ctx: CliContext, as_json: bool, code: str, message: str, status: int) -> int:
    """One error, one line: JSON on stdout under ``--json``, else ``error: ...`` on stderr."""
    if as_json:
        ctx.stdout.write(json_terminal_safe(json.dumps(error_document(code, message),
                                                       ensure_ascii=False)) + "\n")
    else:
        ctx.warn(f"{'usage error' if status == 2 else 'error'}: {message}")
    return status
