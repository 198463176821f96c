"""What every CLI command handler gets: the profile, its store and settings.

Handlers are ``handler(args, ctx) -> int``. User mistakes raise
:class:`UserError` (printed on stderr, exit status 1, no traceback). Output
for scripts goes to stdout as JSON with ``--json``; messages go to stderr.
Everything printed passes :func:`~exposure_app.domain.text.terminal_safe`:
a name, title or error text cannot send escape sequences to the terminal.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import IO, Any

from exposure_app.domain.money import to_text
from exposure_app.domain.text import json_terminal_safe, terminal_safe
from exposure_app.domain.timeutil import DateError, parse_instant, utc_now
from exposure_app.services.profile import Profile
from exposure_app.services.settings import Settings
from exposure_app.storage.store import ProfileStore


class UserError(Exception):
    """A problem the user can fix; the message says how. Exit status 1."""


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


def parse_as_of(text: str | None) -> datetime:
    """``--as-of``: a date means the end of that UTC day; default now."""
    if not text:
        return utc_now()
    try:
        return parse_instant(text, end_of_day=True)
    except DateError as exc:
        raise UserError(f"--as-of: {exc}") from None


@dataclass
class CliContext:
    """Threading: CLI commands run on the main thread only."""

    profile: Profile
    stdout: IO[str] = field(default_factory=lambda: sys.stdout)
    stderr: IO[str] = field(default_factory=lambda: sys.stderr)
    _store: ProfileStore | None = None
    _settings: Settings | None = None

    @property
    def store(self) -> ProfileStore:
        if self._store is None:
            self._store = self.profile.open_store()
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

    def out(self, text: str = "") -> None:
        """Print to stdout; control characters show as escapes (``\\x1b``), never act."""
        print(terminal_safe(text), file=self.stdout)

    def warn(self, text: str) -> None:
        """Print to stderr, escaped like :meth:`out`."""
        print(terminal_safe(text), file=self.stderr)

    def emit_json(self, data: Any) -> None:
        """JSON on stdout. ``json`` escapes C0 controls itself; C1 controls and bidi
        overrides (which it leaves raw) are written as ``\\uXXXX`` escapes too."""
        text = json.dumps(to_json_value(data), indent=2, ensure_ascii=False)
        self.stdout.write(json_terminal_safe(text))
        self.stdout.write("\n")

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
    return f"{value * 100:.1f}%"
