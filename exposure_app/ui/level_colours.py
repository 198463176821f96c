"""Warning levels as the GUI shows them: names, order, colours, badges.

The risk engine owns the levels (``info < low < medium < high < critical``);
the GUI only needs their order and colours. Levels are accepted as enum
members or plain strings so the views do not depend on the engine's types.

Colours are chosen to stay legible on light and dark palettes: info
slate-blue, low green, medium amber, high orange, critical red.
"""

from __future__ import annotations

from PySide6.QtGui import QColor

LEVELS: tuple[str, ...] = ("info", "low", "medium", "high", "critical")
NO_LEVEL = "none"

LEVEL_COLOURS: dict[str, str] = {
    NO_LEVEL: "#8a94a6",
    "info": "#5b7fa6",
    "low": "#2e9d5b",
    "medium": "#d49a00",
    "high": "#e8710a",
    "critical": "#d93025",
}


HEALTH_COLOUR_KEYS: dict[str, str] = {
    "normal": "low", "watch": "medium", "distressed": "high", "failed": "critical",
}
"""A custodian's health state drawn in the colour of the level it most resembles."""


def health_colour_key(state: str | None) -> str:
    """The :data:`LEVEL_COLOURS` key for a health state (``none`` when unknown)."""
    return HEALTH_COLOUR_KEYS.get(str(state or ""), NO_LEVEL)


def level_name(level: object) -> str:
    """The lower-case name of ``level`` (an enum member, its value or a string)."""
    if level is None:
        return NO_LEVEL
    value = getattr(level, "value", level)
    name = str(value).lower()
    return name if name in LEVELS else NO_LEVEL


def level_rank(level: object) -> int:
    """-1 for no level, then 0 (info) to 4 (critical)."""
    name = level_name(level)
    return LEVELS.index(name) if name in LEVELS else -1


def level_colour(level: object) -> QColor:
    return QColor(LEVEL_COLOURS[level_name(level)])


def level_label(level: object) -> str:
    name = level_name(level)
    return "No warning" if name == NO_LEVEL else name.capitalize()


def highest_level(levels) -> str:
    best = NO_LEVEL
    for level in levels:
        if level_rank(level) > level_rank(best):
            best = level_name(level)
    return best
