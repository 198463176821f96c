"""What every CLI command handler gets: the profile, its store and settings.

Handlers are ``handler(args, ctx) -> int``. User mistakes raise
:class:`UserError` (printed on stderr, exit status 1, no traceback);
:class:`UsageError` is a wrongly formed command (exit status 2). Output for
scripts goes to stdout as JSON with ``--json``: every document starts with
``"schema": JSON_SCHEMA_VERSION`` (docs/json.md), and under ``--json`` an
error is printed as ``{"schema": 1, "error": {"code", "message"}}`` on stdout
with the same exit status. Messages for people go to stderr.
Everything printed passes :func:`~exposure_app.domain.text.terminal_safe`:
a name, title or error text cannot send escape sequences to the terminal.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import IO, Any

from exposure_app.cli.options import as_of_arg
from exposure_app.domain.money import share_text, to_text
from exposure_app.domain.suggest import unknown
from exposure_app.domain.text import json_terminal_safe, terminal_safe
from exposure_app.domain.timeutil import utc_now
from exposure_app.services.profile import Profile
from exposure_app.services.settings import Settings
from exposure_app.storage.store import ProfileStore

JSON_SCHEMA_VERSION = 1
"""Raised only when a field changes meaning or goes away; new fields may appear any time."""


class UserError(Exception):
    """A problem the user can fix; the message says how. Exit status 1.

    ``code`` is the machine-readable kind shown in JSON errors (docs/json.md).
    """

    exit_status = 1

    def __init__(self, message: str, *, code: str = "error") -> None:
        super().__init__(message)
        self.code = code


class UsageError(UserError):
    """The command line itself is wrong (a missing or malformed argument). Exit status 2."""

    exit_status = 2

    def __init__(self, message: str) -> None:
        super().__init__(message, code="usage")


@contextmanager
def user_errors(*kinds: type[Exception], prefix: str = "") -> Iterator[None]:
    """Inside the block, a service's refusal (an exception of ``kinds``) becomes a
    :class:`UserError` with its message after ``prefix``: the one way a command turns
    "nothing changed, because..." into a one-line error without a traceback."""
    try:
        yield
    except kinds as exc:
        raise UserError(f"{prefix}{exc}") from None


def error_document(code: str, message: str) -> dict:
    """The JSON printed instead of a result when a ``--json`` command fails."""
    return {"schema": JSON_SCHEMA_VERSION, "error": {"code": code, "message": message}}


def to_json_value(value: Any) -> Any:
    """JSON-ready form: Decimal as a decimal string, datetimes as ISO 8601."""
    if isinstance(value, Decimal):
        return to_text(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): to_json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_json_value(v) for v in value]
    return value


def parse_as_of(value: datetime | str | None) -> datetime:
    """``--as-of`` (already parsed by :func:`options.as_of_arg`, or text): default now."""
    if value is None or value == "":
        return utc_now()
    if isinstance(value, datetime):
        return value
    try:
        return as_of_arg(value)
    except argparse.ArgumentTypeError as exc:
        raise UsageError(f"--as-of: {exc}") from None


@dataclass
class CliContext:
    """Threading: CLI commands run on the main thread only."""

    profile: Profile
    stdout: IO[str] = field(default_factory=lambda: sys.stdout)
    stderr: IO[str] = field(default_factory=lambda: sys.stderr)
    _store: ProfileStore | None = None
    _settings: Settings | None = None
    writing: bool = False
    """The command took the write lock (it means to change the profile)."""

    @property
    def store(self) -> ProfileStore:
        if self._store is None:
            self._store = self.profile.open_store()
            if self.profile.url_login_notice:
                self.warn(f"warning: {self.profile.url_login_notice}")
        return self._store

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = self.profile.load_settings()
            for problem in self._settings.problems:
                self.warn(f"settings: {problem}")
        return self._settings

    def lock_for_writing(self) -> None:
        """Take the profile's write lock (raises ProfileLockedError if held elsewhere).

        A chosen data folder without a profile is refused first: the lock file
        would be the first thing written there.
        """
        self.profile.check_present()
        self.profile.lock.acquire()
        self.writing = True

    def out(self, text: str = "") -> None:
        """Print to stdout; control characters show as escapes (``\\x1b``), never act."""
        print(terminal_safe(text), file=self.stdout)

    def warn(self, text: str) -> None:
        """Print to stderr, escaped like :meth:`out`."""
        print(terminal_safe(text), file=self.stderr)

    def out_painted(self, text: str, kind: str | None) -> None:
        """One line on stdout, escaped like :meth:`out`, then coloured for ``kind`` (a warning
        level or 'warn') when stdout is a terminal and NO_COLOR is unset (``cli.style``)."""
        from exposure_app.cli.style import paint

        line = terminal_safe(text)
        print(paint(line, kind, self.stdout) if kind else line, file=self.stdout)

    def emit_json(self, data: Any, *, key: str = "items") -> None:
        """Print one JSON document, ``"schema"`` first. A list is wrapped as ``{key: [...]}``.

        ``json`` escapes C0 controls itself; C1 controls and bidi overrides (which it
        leaves raw) are written as ``\\uXXXX`` escapes too."""
        if not isinstance(data, dict):
            data = {key: data}
        document = {"schema": JSON_SCHEMA_VERSION, **data}
        text = json.dumps(to_json_value(document), indent=2, ensure_ascii=False)
        self.stdout.write(json_terminal_safe(text))
        self.stdout.write("\n")

    def account(self, name: str):
        """The account named ``name`` (case-insensitive), or a did-you-mean error."""
        account = self.store.accounts.find(name)
        if account is None:
            raise UserError(unknown("account", name, [a.name for a in self.store.accounts.list()],
                                    listing="see 'accounts list'"), code="not_found")
        return account

    def counterparty(self, name: str, *, what: str = "custodian") -> str:
        """The canonical id of a catalogue counterparty, or of one an account of yours uses,
        given by its id or by the name the other commands print ("Celsius Network").

        Anything else is refused with the closest known ids, so a typo never
        becomes a new, silently empty name.
        """
        from exposure_app.risk.catalog import load_directory

        directory = load_directory()
        cp = directory.resolve(name)
        own = {a.counterparty for a in self.store.accounts.list() if a.counterparty}
        if directory.get(cp) is not None or cp in own:
            return cp
        wanted = " ".join(name.split()).casefold()
        by_name = {c.name.casefold(): c.id for c in directory}
        by_name.update({directory.name(o).casefold(): o for o in sorted(own)})
        if wanted in by_name:
            return by_name[wanted]
        known = [c.id for c in directory] + sorted(own)
        raise UserError(unknown(what, name, known, listing="see 'counterparties list'"),
                        code="not_found")

    def confirm(self, question: str, *, yes: bool) -> None:
        """Ask on a terminal; without one, ``--yes`` is required (scripts say so explicitly)."""
        if yes:
            return
        if not (sys.stdin.isatty() and self.stderr.isatty()):
            raise UsageError(f"{question} Give --yes to confirm (no terminal to ask on).")
        self.stderr.write(f"{question} [y/N] ")
        self.stderr.flush()
        answer = sys.stdin.readline().strip().lower()
        if answer not in ("y", "yes"):
            raise UserError("nothing changed", code="cancelled")

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None
        self.profile.lock.release()


def format_money(value: Decimal | None, currency: str) -> str:
    """Human text for the terminal (JSON keeps full precision)."""
    if value is None:
        return "unpriced"
    places = 8 if currency in ("BTC", "ETH") else 2
    return f"{value:,.{places}f} {currency}"


def format_share(value: Decimal) -> str:
    """The share as the GUI shows it (one place, ``<0.1%`` rather than ``0.0%``)."""
    return share_text(value)
