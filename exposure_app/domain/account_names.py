"""Account names: one clean form to store, one key to compare.

A name is what the user reads in every table, warning and report, so two
accounts must never look alike. :func:`clean_account_name` gives the form to
store: NFKC-normalised (full-width ``Ｂｉｎａｎｃｅ`` becomes ``Binance``),
without zero-width or other invisible format characters and control
characters, with runs of spaces collapsed, at most :data:`MAX_NAME_LENGTH`
characters, and not mixing Latin letters with Cyrillic or Greek ones (the
scripts that hold look-alikes of Latin letters, as browsers' IDN rules treat
them: ``Biнance`` is refused).

:func:`name_key` is what names are compared by: case-insensitive and
confusable-insensitive, each non-ASCII character that has an ASCII look-alike
in Unicode's confusables data (through ``confusable_homoglyphs``) read as that
look-alike. ``Binance``, ``BINANCE``, ``Bіnance`` (Cyrillic і) and
``Binance\\u200b`` share one key.

Pure Python, no I/O.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# confusable_homoglyphs is imported where it is used: it loads its Unicode tables (and
# urllib) on import, which opening a profile, reading plain ASCII names, never needs.

MAX_NAME_LENGTH = 64

# Scripts that may not be mixed with Latin letters in one name.
_LOOKALIKE_SCRIPTS = frozenset({"CYRILLIC", "GREEK"})
_SPACES = re.compile(r"\s+")


class AccountNameError(ValueError):
    """The name cannot be used; ``str(e)`` says why in one line."""


def _visible(char: str) -> bool:
    # Cf: zero-width space/joiners, bidi marks, soft hyphen; Cc: control characters
    return unicodedata.category(char) not in ("Cf", "Cc", "Cs", "Co", "Cn")


def clean_account_name(raw: str) -> str:
    """The form of ``raw`` to store, or :class:`AccountNameError`."""
    text = unicodedata.normalize("NFKC", raw)
    text = "".join(ch if _visible(ch) else (" " if ch in "\t\r\n" else "") for ch in text)
    text = _SPACES.sub(" ", text).strip()
    if not text:
        raise AccountNameError("an account needs a name")
    if len(text) > MAX_NAME_LENGTH:
        raise AccountNameError(
            f"an account name may have at most {MAX_NAME_LENGTH} characters "
            f"(this one has {len(text)})"
        )
    from confusable_homoglyphs import categories

    scripts = {categories.alias(ch) for ch in text if ch.isalpha()}
    mixed = sorted(scripts & _LOOKALIKE_SCRIPTS)
    if "LATIN" in scripts and mixed:
        raise AccountNameError(
            f"the name {text!r} mixes Latin and {' and '.join(s.title() for s in mixed)} "
            "letters, which look alike; write it in one script"
        )
    return text


@functools.lru_cache(maxsize=4096)
def _ascii_lookalike(char: str) -> str:
    from confusable_homoglyphs import confusables

    found = confusables.is_confusable(char, greedy=True, preferred_aliases=[])
    for entry in found or ():
        for glyph in entry.get("homoglyphs", ()):
            candidate = glyph.get("c", "")
            if isinstance(candidate, str) and len(candidate) == 1 and candidate.isascii() \
                    and candidate.isalnum():
                return candidate
    return char


def name_key(name: str) -> str:
    """The comparison key of a name (case- and confusable-insensitive)."""
    text = unicodedata.normalize("NFKC", name)
    text = _SPACES.sub(" ", "".join(ch for ch in text if _visible(ch))).strip()
    skeleton = "".join(ch if ch.isascii() else _ascii_lookalike(ch) for ch in text)
    return unicodedata.normalize("NFKC", skeleton.casefold())
