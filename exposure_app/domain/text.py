"""Text that is safe where it goes: names and titles, terminals, spreadsheet cells.

* :func:`clean_line` is for input that is one line by nature (account names,
  event titles): control characters (ESC, CR, LF, BEL, C1 controls, the
  Unicode bidi overrides) are removed and runs of spaces folded.
* :func:`clean_text` is for longer text (summaries, notes): the same, but line
  breaks and tabs survive.
* :func:`terminal_safe` is for anything printed: every control character that
  is still there (old data, an exchange's answer, an error message) is shown
  as a visible escape (``\\x1b``) so it cannot move the cursor, rewrite the
  screen or set the window title.
* :func:`neutralise_cell` / :func:`restore_cell` are the spreadsheet-formula
  rule (CSV injection): a text cell starting with ``=``, ``+``, ``-``, ``@``,
  a tab or a CR is written with a ``'`` in front, and the reader takes it off
  again. The only CSV writer, :mod:`exposure_app.reports.csv_safe`, uses it.

Pure functions, no I/O.
"""

from __future__ import annotations

import re

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"

# Bidi embeddings/overrides/isolates can reorder what a terminal or a table shows.
_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# Unicode category Cc (C0, DEL, C1) plus the bidi controls.
_CONTROLS = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}]")
_SHOWN_CONTROLS = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]")   # not \t, \n


def clean_line(text: str) -> str:
    """One line with no control characters; whitespace runs become one space."""
    cleaned = _CONTROLS.sub("", re.sub(r"[\t\r\n]", " ", text))
    return re.sub(r" {2,}", " ", cleaned).strip()


def clean_text(text: str) -> str:
    """Multi-line text: control characters removed except line breaks and tabs."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _SHOWN_CONTROLS.sub("", text).strip()


def terminal_safe(text: str, *, keep_newlines: bool = True) -> str:
    """``text`` with every control character shown as an escape (``\\x1b``, ``\\r``...)."""
    pattern = _SHOWN_CONTROLS if keep_newlines else _CONTROLS
    return pattern.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def json_terminal_safe(json_text: str) -> str:
    """JSON text with every remaining control character (C1, bidi) as a ``\\uXXXX`` escape.

    Only valid on the output of ``json.dumps``, where such characters can only
    occur inside strings, so the result is the same JSON value.
    """
    return _SHOWN_CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", json_text)


def neutralise_cell(text: str) -> str:
    """``text`` made safe for a spreadsheet: prefixed with ``'`` if it starts like a formula."""
    if text.startswith(FORMULA_PREFIXES):
        return QUOTE + text
    return text


def restore_cell(text: str) -> str:
    """Undo :func:`neutralise_cell` for a cell read back from one of our CSV files.

    The rule is the reports' (their SQL-built lines must match it byte for
    byte), so one text does not survive the trip: one that itself began with
    ``'`` and a formula character loses that quote."""
    if text.startswith(QUOTE) and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text
