"""Rich text built from text that is not the app's own, escaped where it goes in.

Qt reads a label's text as HTML when the label is set to rich text, or when it
guesses so (the default ``AutoText`` and ``Qt.mightBeRichText``: a tag such as
``<b>`` in the first line); tooltips, message boxes and tray titles always guess.
Account, wallet and custodian names, notes, events, imported files, exchanges'
error messages and asset codes, feed and news titles and URLs must be shown as
written: a name like ``Ledger <b>cold</b>`` or a share shown as ``<0.1%`` must not
turn into a tag. So:

* rich text is made of the pieces here (:func:`bold`, :func:`muted_line`,
  :func:`link`, :func:`lines`), each escaping the text it is given; other text
  goes in through :func:`escaped`;
* a label that needs no rich text is set to plain text instead;
* a sink that only guesses (a tooltip, a message box) gets :func:`plain`.

Only ``http`` and ``https`` URLs become links: a sourced ``javascript:`` or
``file:`` URL is shown as text, never made something to click.

Threading: pure functions; any thread (Qt is imported only by :func:`plain`).
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from urllib.parse import urlsplit

LINK_SCHEMES = ("http", "https")
MUTED_STYLE = "color:palette(placeholder-text)"


def escaped(text: object) -> str:
    """``text`` as rich text that shows it exactly as written."""
    return html.escape(str(text), quote=True)


def bold(text: object) -> str:
    return f"<b>{escaped(text)}</b>"


def muted_line(markup: str) -> str:
    """``markup`` (rich text already built from escaped pieces) in the muted colour."""
    return f"<span style='{MUTED_STYLE}'>{markup}</span>"


def is_web_url(url: str) -> bool:
    """An ``http``/``https`` URL with a host: the only kind shown as a link."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in LINK_SCHEMES and bool(parts.netloc)


def link(url: str, text: str | None = None) -> str:
    """A link to ``url`` reading ``text`` (the URL itself by default).

    A URL that is not http(s) is shown as escaped text (the URL itself, so the
    user still sees where it pointed), never as a link.
    """
    if not is_web_url(url):
        return escaped(url)
    return f'<a href="{escaped(url.strip())}">{escaped(url if text is None else text)}</a>'


def lines(parts: Iterable[str]) -> str:
    """Rich-text lines (each already built from escaped pieces), one under another."""
    return "<br>".join(parts)


def plain(text: str) -> str:
    """``text`` for a sink that guesses the format (tooltip, message box, tray title).

    Unchanged when Qt would show it as plain text anyway; otherwise rich text
    that shows it as written, spaces and line breaks kept.
    """
    from PySide6.QtGui import Qt

    if not Qt.mightBeRichText(text):
        return text
    return f"<p style='white-space:pre-wrap'>{html.escape(text, quote=False)}</p>"
