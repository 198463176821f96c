"""Colour for the terminal, only where it helps and only where it is wanted.

Colour is used when the stream is a terminal and ``NO_COLOR`` is not set
(https://no-color.org); pipes, files and ``--json`` never get escape codes.

Threading: pure functions of the stream and the environment; main thread.
"""

from __future__ import annotations

import os
from typing import IO

_CODES = {
    "critical": "1;31",   # bold red
    "high": "31",         # red
    "medium": "33",       # yellow
    "low": "36",          # cyan
    "warn": "1;33",       # bold yellow: key permissions, stale data
    "ok": "32",
}


def wants_colour(stream: IO[str]) -> bool:
    if os.environ.get("NO_COLOR", "") != "":
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def paint(text: str, kind: str, stream: IO[str]) -> str:
    """``text`` in the colour for ``kind`` (a warning level or 'warn'), if the stream wants it."""
    code = _CODES.get(kind)
    if code is None or not wants_colour(stream):
        return text
    return f"\033[{code}m{text}\033[0m"
