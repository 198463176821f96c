"""Icons: the SVGs in ``resources/icons/``, with Qt's standard icons as fallback.

SVG icons scale to any DPI. When an icon file is missing (a partial
checkout), the matching standard icon of the style is used instead so no
button is ever blank.

Threading: GUI thread only (QIcon and QStyle).
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QApplication, QStyle

from exposure_app.resource_locator import resource_path
from exposure_app.ui.level_colours import level_colour, level_name

_FALLBACK = {
    "sync": QStyle.StandardPixmap.SP_BrowserReload,
    "add-exchange": QStyle.StandardPixmap.SP_FileDialogNewFolder,
    "add-wallet": QStyle.StandardPixmap.SP_DriveHDIcon,
    "import": QStyle.StandardPixmap.SP_DialogOpenButton,
    "export": QStyle.StandardPixmap.SP_DialogSaveButton,
    "checklist": QStyle.StandardPixmap.SP_FileDialogDetailedView,
    "settings": QStyle.StandardPixmap.SP_FileDialogContentsView,
    "cancel": QStyle.StandardPixmap.SP_BrowserStop,
    "remove": QStyle.StandardPixmap.SP_TrashIcon,
    "edit": QStyle.StandardPixmap.SP_FileDialogInfoView,
}


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
    style = QApplication.style()
    pixmap = _FALLBACK.get(name, QStyle.StandardPixmap.SP_FileIcon)
    return style.standardIcon(pixmap)


@cache
def app_icon() -> QIcon:
    icon = _svg("app", "exposure.svg")
    if icon is not None:
        return icon
    return QApplication.style().standardIcon(QStyle.StandardPixmap.SP_ComputerIcon)


def _dot(colour: QColor, size: int = 32) -> QIcon:
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
