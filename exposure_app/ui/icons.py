"""Icons: the SVGs in ``resources/icons/``, with Qt's standard icons as fallback.

SVG icons scale to any DPI. When an icon file is missing (a partial
checkout), the matching standard icon of the style is used instead so no
button is ever blank.

Threading: GUI thread only (QIcon and QStyle).
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QIcon, QPalette
from PySide6.QtWidgets import QApplication

from exposure_app.resource_locator import resource_path
from exposure_app.ui.level_colours import level_colour, level_name

# the style's standard icons (``QStyle.StandardPixmap`` names) for missing SVGs; by name,
# so that QStyle's many Python enums are made only when a fallback is needed
_FALLBACK = {
    "sync": "SP_BrowserReload",
    "add-exchange": "SP_FileDialogNewFolder",
    "add-wallet": "SP_DriveHDIcon",
    "import": "SP_DialogOpenButton",
    "export": "SP_DialogSaveButton",
    "checklist": "SP_FileDialogDetailedView",
    "settings": "SP_FileDialogContentsView",
    "cancel": "SP_BrowserStop",
    "remove": "SP_TrashIcon",
    "edit": "SP_FileDialogInfoView",
}


def _standard_icon(name: str) -> QIcon:
    from PySide6.QtWidgets import QStyle

    return QApplication.style().standardIcon(QStyle.StandardPixmap[name])


def _svg(*parts: str) -> QIcon | None:
    try:
        path = resource_path("icons", *parts)
    except FileNotFoundError:
        return None
    icon = QIcon(str(path))
    return None if icon.isNull() else icon


def _is_dark() -> bool:
    app = QApplication.instance()
    return isinstance(app, QApplication) and app.palette().color(QPalette.ColorRole.Window).lightness() < 128


def _tinted(icon: QIcon, colour: QColor) -> QIcon:
    """The icon recoloured (its shape kept): dark line icons stay visible on dark themes."""
    from PySide6.QtGui import QPainter

    tinted = QIcon()
    for size in (16, 20, 24, 32, 48):
        pixmap = icon.pixmap(QSize(size, size))
        painter = QPainter(pixmap)
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
        painter.fillRect(pixmap.rect(), colour)
        painter.end()
        tinted.addPixmap(pixmap)
    return tinted


def action_icon(name: str) -> QIcon:
    """``resources/icons/actions/<name>.svg`` or the style's closest standard icon.

    On a dark palette the line icons are drawn in the palette's text colour.
    """
    return _action_icon(name, _is_dark())


@cache
def _action_icon(name: str, dark: bool) -> QIcon:
    icon = _svg("actions", f"{name}.svg")
    if icon is not None:
        if dark:
            return _tinted(icon, QApplication.palette().color(QPalette.ColorRole.ButtonText))
        return icon
    return _standard_icon(_FALLBACK.get(name, "SP_FileIcon"))


@cache
def app_icon() -> QIcon:
    icon = _svg("app", "exposure.svg")
    if icon is not None:
        return icon
    return _standard_icon("SP_ComputerIcon")


def _dot(colour: QColor, size: int = 32) -> QIcon:
    from PySide6.QtGui import QPainter, QPixmap

    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(0, 0, 0, 0))
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(colour.darker(130))
    painter.setBrush(colour)
    painter.drawEllipse(2, 2, size - 4, size - 4)
    painter.end()
    return QIcon(pixmap)


@cache
def level_icon(level: str) -> QIcon:
    """The badge for a warning level (``levels/<level>.svg``), else a coloured dot."""
    name = level_name(level)
    icon = _svg("levels", f"{name}.svg")
    return icon if icon is not None else _dot(level_colour(name))
