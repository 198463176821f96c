"""Text the UI font can draw: a character it has no glyph for is shown by its plain form.

Binance names its USD-margined futures "USDⓈ-M" (a circled S, U+24C8): its wallet
overview says "USDⓈ-M Futures", its CSV exports name the wallet so, and ccxt calls the
exchange "Binance USDⓈ-M". DejaVu Sans (the Linux default and the bundle's font) has no
glyph for it, so Qt drew an empty box in its place. The domain and the adapters keep
Binance's spelling (it is how Binance's documentation and files write it); the GUI shows
:func:`drawable` text instead: each character the font cannot draw is replaced by its
Unicode compatibility form (NFKC: "Ⓢ" is "S") when the font can draw that, so the label
reads "USDS-M Futures". A character with no plain form is left as it is.

Every table goes through it (:class:`~exposure_app.ui.models.table_model.RowTableModel`
passes each cell's text and tooltip), and so do the labels that show names from outside
the app (the exchange list of the add-exchange dialog, the overview's unpriced holdings).

Threading: GUI thread only (fonts are read there); the answers are cached per font.
"""

from __future__ import annotations

import unicodedata

from PySide6.QtGui import QFont, QFontMetrics, QGuiApplication

_known: dict[tuple[str, str], bool] = {}   # (font key, character) -> the font has its glyph


def can_draw(char: str, font: QFont) -> bool:
    """Whether ``font`` itself has a glyph for ``char`` (no fallback font counted)."""
    key = (font.key(), char)
    found = _known.get(key)
    if found is None:
        found = _known[key] = QFontMetrics(font).inFontUcs4(ord(char))
    return found


def drawable(text: str, font: QFont | None = None) -> str:
    """``text`` as ``font`` (by default the application's) can draw it: "USDⓈ-M Futures"
    reads "USDS-M Futures" in a font without the circled S, and is unchanged in one with it."""
    if text.isascii():
        return text
    if font is None:
        if QGuiApplication.instance() is None:
            return text
        font = QGuiApplication.font()
    shown = []
    for char in text:
        if char.isascii() or can_draw(char, font):
            shown.append(char)
            continue
        plain = unicodedata.normalize("NFKC", char)
        shown.append(plain if plain != char and all(can_draw(c, font) for c in plain)
                     else char)
    return "".join(shown)
