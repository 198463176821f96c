"""The options every command shares, declared once: dates, ``--json``, ``--out``, examples.

Commands build their arguments from these helpers so that the CLI speaks one
dialect:

* every date or date-time option parses through :func:`as_of_arg`,
  :func:`instant_arg` or :func:`day_arg` (argparse ``type=`` functions): a bad
  value is a usage error (exit status 2) that shows the expected format;
* ``--json`` comes from :func:`add_json`; the document it prints starts with
  ``"schema": 1`` (see :meth:`CliContext.emit_json` and docs/json.md);
* files a command writes are named with ``--out FILE`` (:func:`add_out`),
  ``-`` meaning standard output;
* every leaf command ends its ``--help`` with examples (:func:`examples`);
* sub-command placeholders are all called :data:`ACTION`;
* a command's sub-commands are declared as a table of :class:`Action` rows and
  built by :func:`add_command` (name, help, arguments, ``--json``, examples,
  handler), so each one is wired the same way.

Threading: argparse helpers; main thread only.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from exposure_app.domain.bounds import FUTURE_SLACK
from exposure_app.domain.timeutil import DateError, parse_instant, utc_now

ACTION = "ACTION"
"""The one metavar for sub-commands (``accounts ACTION``, ``events ACTION``...)."""

DATE_FORMATS = "YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM] (UTC unless an offset is given)"
STDOUT = "-"


def _instant(text: str, *, end_of_day: bool) -> datetime:
    try:
        return parse_instant(text, end_of_day=end_of_day)
    except DateError:
        raise argparse.ArgumentTypeError(
            f"{text.strip()!r} is not a date or date-time; expected {DATE_FORMATS}") from None


def as_of_arg(text: str) -> datetime:
    """``--as-of``: a bare date means the end of that UTC day (everything that day counts).

    A moment in the future is refused (a usage error, exit status 2): nothing is known of
    it, and a report dated then would be shown as if it were. "Future" allows what a date
    may be ahead of UTC somewhere (the domain's :data:`~exposure_app.domain.bounds.FUTURE_SLACK`,
    a day, as for capture dates): so today and, east of UTC, tomorrow are accepted."""
    moment = _instant(text, end_of_day=True)
    start = _instant(text, end_of_day=False)
    now = utc_now()
    if start > now + FUTURE_SLACK:
        raise argparse.ArgumentTypeError(
            f"{text.strip()!r} is in the future (it is now {now:%Y-%m-%d %H:%M} UTC); "
            "--as-of looks back: give today or an earlier date")
    return moment


def instant_arg(text: str) -> datetime:
    """A moment something happened (``--date`` of a balance or a test): a bare date is 00:00 UTC."""
    return _instant(text, end_of_day=False)


def day_arg(text: str) -> date:
    """A calendar day (``--since``, an event's ``--date``); a date-time gives its UTC day."""
    return _instant(text, end_of_day=False).date()


def published_arg(text: str) -> str:
    """``--published``: checked like every date, passed on as the ISO text it was given."""
    _instant(text, end_of_day=False)
    return text.strip()


def as_of_or_now(value: datetime | str | None) -> datetime:
    """The ``--as-of`` value, or now; a string is parsed (for callers without ``type=``)."""
    if value is None or value == "":
        return utc_now()
    if isinstance(value, str):
        return as_of_arg(value)
    return value


def add_as_of(p: argparse.ArgumentParser,
              what: str = "snapshots taken and events published") -> None:
    p.add_argument("--as-of", type=as_of_arg, metavar="WHEN",
                   help=f"look back to this date or date-time (default now): only {what} "
                        "on or before it count; a date means the end of that UTC day, "
                        "e.g. --as-of 2022-11-10")


def add_json(p: argparse.ArgumentParser, what: str = "the result") -> None:
    p.add_argument("--json", action="store_true",
                   help=f"print {what} as JSON (documented in docs/json.md); errors become "
                        'JSON too: {"error": {"code", "message"}}')


def add_out(p: argparse.ArgumentParser, what: str, *, required: bool = False,
            aliases: tuple[str, ...] = ()) -> None:
    """``--out FILE`` ('-' for standard output); ``aliases`` are older spellings, kept hidden."""
    p.add_argument("--out", type=Path, metavar="FILE", required=required,
                   help=f"write {what} to FILE ('-' for standard output), e.g. --out report.csv")
    for alias in aliases:
        p.add_argument(alias, type=Path, dest="out", help=argparse.SUPPRESS)


def is_stdout(path: Path | None) -> bool:
    return path is not None and str(path) == STDOUT


class HelpFormatter(argparse.HelpFormatter):
    """argparse's formatter, but the examples epilog keeps its lines as written."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if text.startswith("examples:"):
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)


@contextmanager
def to_file_or_stdout(path: Path, ctx: Any, suffix: str) -> Iterator[Path]:
    """The path a writer should write to: ``path`` itself, or for ``-`` a temporary file
    whose content goes to ``ctx.stdout`` afterwards (writers keep their atomic-file logic)."""
    if not is_stdout(path):
        yield path
        return
    with tempfile.TemporaryDirectory() as folder:
        temp = Path(folder) / f"out{suffix}"
        yield temp
        stream: IO[str] = ctx.stdout
        with temp.open(encoding="utf-8", newline="") as f:
            shutil.copyfileobj(f, stream)


def examples(p: argparse.ArgumentParser, *lines: str) -> None:
    """End ``p``'s ``--help`` with example command lines (shown as written)."""
    p.formatter_class = HelpFormatter
    body = "\n".join(f"  exposure-app {line}" for line in lines)
    p.epilog = f"examples:\n{body}"


Handler = Callable[[argparse.Namespace, Any], int]
"""``handler(args, ctx) -> exit status`` (``ctx`` is a :class:`~exposure_app.cli.context.CliContext`)."""


@dataclass(frozen=True, slots=True)
class Action:
    """One sub-command (``accounts list``, ``feeds add``), declared as data."""

    name: str
    help: str
    handler: Handler
    examples: tuple[str, ...]
    """Command lines after ``exposure-app``, shown at the end of ``--help``."""
    json: str | None = None
    """What ``--json`` prints (:func:`add_json`); ``None``: the action has no ``--json``."""
    arguments: Callable[[argparse.ArgumentParser], object] | None = None
    """Adds the action's own arguments; they come before ``--json`` in its help."""
    description: str | None = None


def add_action(sub: argparse._SubParsersAction, action: Action) -> argparse.ArgumentParser:
    """Build ``action``'s parser in ``sub``: arguments, then ``--json``, examples, handler."""
    p = sub.add_parser(action.name, help=action.help, description=action.description)
    if action.arguments is not None:
        action.arguments(p)
    if action.json is not None:
        add_json(p, action.json)
    examples(p, *action.examples)
    p.set_defaults(handler=action.handler)
    return p


def add_command(subparsers: argparse._SubParsersAction, name: str, help: str,
                actions: Iterable[Action]) -> argparse._SubParsersAction:
    """The command ``name`` with the sub-commands ``actions`` (one of them is required).

    Returns the sub-command group, for actions another module adds to it."""
    parser = subparsers.add_parser(name, help=help)
    sub = parser.add_subparsers(dest=f"{name.replace('-', '_')}_command", metavar=ACTION,
                                required=True)
    for action in actions:
        add_action(sub, action)
    return sub
