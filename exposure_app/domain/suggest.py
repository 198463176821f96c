""""Did you mean": the closest known names to one a user typed (difflib).

Every name a user types (an account, a custodian, a setting, a report, a
reminder's custodian) is checked against the known ones; a miss raises a
one-line error whose message lists the closest
matches, so a typo is never silently accepted nor left unexplained.

Threading: pure functions; safe anywhere.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def closest(name: str, known: Iterable[str], *, limit: int = 3) -> list[str]:
    """Up to ``limit`` known names close to ``name`` (case-insensitive), best first."""
    by_key: dict[str, str] = {}
    for candidate in known:
        by_key.setdefault(candidate.casefold(), candidate)
    wanted = name.strip().casefold()
    keys = difflib.get_close_matches(wanted, list(by_key), n=limit, cutoff=0.6)
    # a name typed as the start of a known one ("bin" for binance) is close too
    keys += [k for k in by_key if wanted and k.startswith(wanted) and k not in keys]
    return [by_key[k] for k in keys[:limit]]


def did_you_mean(name: str, known: Iterable[str], *, limit: int = 3) -> str:
    """`` (did you mean 'a' or 'b'?)`` for an unknown ``name``, or ``""`` when nothing is close."""
    matches = closest(name, known, limit=limit)
    if not matches:
        return ""
    quoted = [repr(m) for m in matches]
    listed = quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " or " + quoted[-1]
    return f" (did you mean {listed}?)"


def unknown(what: str, name: str, known: Iterable[str], *, listing: str = "") -> str:
    """One-line message for an unknown name: what, the suggestions, where to see them all."""
    message = f"no {what} named {name!r}{did_you_mean(name, known)}"
    return message + (f"; {listing}" if listing else "")
