"""The light/dark choice (Settings → Theme): ``system``, ``light`` or ``dark``.

``light`` and ``dark`` use Qt's Fusion style with a fixed palette, so the app
looks the same on every desktop; ``system`` gives back the style and palette
the application started with (the desktop's). The window follows a palette
change by itself (``MainWindow.changeEvent`` redraws icons and charts).

Threading: GUI thread only.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

THEMES = ("system", "light", "dark")

_DARK = {
    "Window": "#2b2d31", "WindowText": "#e6e6e6", "Base": "#1e1f22", "AlternateBase": "#26282c",
    "Text": "#e6e6e6", "Button": "#34363b", "ButtonText": "#e6e6e6", "Highlight": "#3d6fb6",
    "HighlightedText": "#ffffff", "Mid": "#4a4d52", "Dark": "#1b1c1f", "Light": "#46494f",
    "Midlight": "#3a3d42", "Shadow": "#111214", "PlaceholderText": "#9a9da3",
    "Link": "#7fb0ff", "LinkVisited": "#b99cff", "ToolTipBase": "#34363b",
    "ToolTipText": "#e6e6e6", "BrightText": "#ffffff",
}
_LIGHT = {
    "Window": "#f3f4f6", "WindowText": "#1f2933", "Base": "#ffffff", "AlternateBase": "#f6f7f9",
    "Text": "#1f2933", "Button": "#eef0f3", "ButtonText": "#1f2933", "Highlight": "#2f6fd0",
    "HighlightedText": "#ffffff", "Mid": "#c3c8cf", "Dark": "#9aa1ab", "Light": "#ffffff",
    "Midlight": "#e3e6ea", "Shadow": "#6b7280", "PlaceholderText": "#6b7280",
    "Link": "#1a5fc2", "LinkVisited": "#6b3fb8", "ToolTipBase": "#ffffdc",
    "ToolTipText": "#1f2933", "BrightText": "#ffffff",
}
_DISABLED = {"dark": "#6d7076", "light": "#9aa1ab"}

_original: tuple[str, QPalette] | None = None


def _palette(colours: dict[str, str], disabled: str) -> QPalette:
    palette = QPalette()
    for name, colour in colours.items():
        palette.setColor(getattr(QPalette.ColorRole, name), QColor(colour))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text,
                 QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(disabled))
    return palette


def apply_theme(theme: str, app: QApplication | None = None) -> str:
    """Switch the running application to ``theme``; returns the theme applied.

    An unknown name is treated as ``system`` (a hand-edited settings file must
    not stop the window from opening).
    """
    global _original
    app = app or _gui_app()
    if app is None:
        return "system"
    if _original is None:
        _original = (app.style().name(), QPalette(app.palette()))
    if theme not in THEMES:
        theme = "system"
    if theme == "system":
        style, palette = _original
        if app.style().name() != style:
            app.setStyle(style)
        app.setPalette(palette)
        return theme
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")
    colours = _DARK if theme == "dark" else _LIGHT
    app.setPalette(_palette(colours, _DISABLED[theme]))
    return theme


def _gui_app() -> QApplication | None:
    app = QApplication.instance()
    return app if isinstance(app, QApplication) else None


def is_dark(app: QApplication | None = None) -> bool:
    app = app or _gui_app()
    return app is not None and app.palette().color(QPalette.ColorRole.Window).lightness() < 128
