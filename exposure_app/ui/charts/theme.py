"""Chart colours taken from the application palette (light or dark).

Threading: GUI thread only.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

# Categorical series colours (history areas): distinct, colour-blind aware
# (Okabe-Ito order), readable on light and dark backgrounds.
SERIES_COLOURS = (
    "#0072B2", "#E69F00", "#CC79A7", "#56B4E9", "#D55E00", "#8C6BB1",
    "#F0E442", "#999999", "#1B9E77", "#7570B3", "#E7298A", "#66A61E",
)
SELF_CUSTODY_COLOUR = "#009E73"
CUSTODIAL_COLOUR = "#5B6B8C"


def palette() -> QPalette:
    app = QApplication.instance()
    return app.palette() if isinstance(app, QApplication) else QPalette()


def background() -> QColor:
    return palette().color(QPalette.ColorRole.Base)


def panel() -> QColor:
    """The window colour: compact charts sit on their card without a box."""
    return palette().color(QPalette.ColorRole.Window)


def foreground() -> QColor:
    return palette().color(QPalette.ColorRole.Text)


def muted() -> QColor:
    colour = QColor(foreground())
    colour.setAlpha(150)
    return colour


def grid() -> QColor:
    colour = QColor(foreground())
    colour.setAlpha(40)
    return colour


def is_dark() -> bool:
    return background().lightness() < 128


def series_colour(index: int) -> QColor:
    return QColor(SERIES_COLOURS[index % len(SERIES_COLOURS)])


def style_plot(widget, *, on_panel: bool = False) -> None:
    """Apply palette colours to a ``pg.PlotWidget``'s background and axes."""
    widget.setBackground(panel() if on_panel else background())
    for name in ("left", "bottom", "right", "top"):
        axis = widget.getPlotItem().getAxis(name)
        if axis is None:
            continue
        axis.setPen(grid())
        axis.setTextPen(foreground())
