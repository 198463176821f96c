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
import unicodedata

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"

# Bidi embeddings/overrides/isolates can reorder what a terminal or a table shows.
_BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


def _is_control(ch: str) -> bool:
    return unicodedata.category(ch) == "Cc" or ch in _BIDI


def clean_line(text: str) -> str:
    """One line with no control characters; whitespace runs become one space."""
    cleaned = "".join(" " if ch in "\t\r\n" else ("" if _is_control(ch) else ch) for ch in text)
    return re.sub(r" {2,}", " ", cleaned).strip()


def clean_text(text: str) -> str:
    """Multi-line text: control characters removed except line breaks and tabs."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in text if ch in "\n\t" or not _is_control(ch)).strip()


def terminal_safe(text: str, *, keep_newlines: bool = True) -> str:
    """``text`` with every control character shown as an escape (``\\x1b``, ``\\r``...)."""
    out = []
    for ch in text:
        if ch == "\n" and keep_newlines:
            out.append(ch)
        elif _is_control(ch):
            out.append(ch.encode("unicode_escape").decode("ascii"))
        else:
            out.append(ch)
    return "".join(out)


def neutralise_cell(text: str) -> str:
    """``text`` made safe for a spreadsheet: prefixed with ``'`` if it starts like a formula."""
    if text.startswith(FORMULA_PREFIXES):
        return QUOTE + text
    return text


def restore_cell(text: str) -> str:
    """Undo :func:`neutralise_cell` for a cell read back from one of our CSV files."""
    if text.startswith(QUOTE) and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text
