"""Stacked filled bands drawn by a single graphics item.

Why not one ``pg.FillBetweenItem`` per band: every band then costs two
``PlotDataItem``s, a path rebuilt from their curves (twice, on creation), an
outline stroked with the item's default pen, and its own pass through the
scene's item traversal. For ten bands over five years that was about 60 ms to
build and a good part of each repaint. Here each band is one precomputed
``QPolygonF`` (upper edge forward, lower edge back) and one polyline for its
upper edge, built straight from numpy arrays, and one ``paint`` call draws
them all in data coordinates.

Threading: GUI thread only.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from pyqtgraph import functions as fn
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPen, QPolygonF

FILL_ALPHA = 170


@dataclass(frozen=True, slots=True)
class Band:
    """One band's polygons and colours, as painted."""

    area: QPolygonF    # upper edge left to right, then lower edge right to left
    edge: QPolygonF    # upper edge only
    brush: QBrush
    pen: QPen


def _polygon(x: np.ndarray, y: np.ndarray) -> QPolygonF:
    polygon = fn.create_qpolygonf(len(x))
    view = fn.ndarray_from_qpolygonf(polygon)
    view[:, 0] = x
    view[:, 1] = y
    return polygon


def band_polygons(x: np.ndarray, tops: np.ndarray) -> list[tuple[QPolygonF, QPolygonF]]:
    """(area, upper edge) per band for cumulative ``tops`` (bands x days).

    Band ``i`` fills from ``tops[i - 1]`` (zero for the first) up to ``tops[i]``.
    """
    bands = []
    lower = np.zeros(len(x))
    x_back = x[::-1]
    for upper in tops:
        area = _polygon(np.concatenate([x, x_back]), np.concatenate([upper, lower[::-1]]))
        bands.append((area, _polygon(x, upper)))
        lower = upper
    return bands


class StackedAreasItem(pg.GraphicsObject):
    """All bands of a stacked area chart; see the module docstring for why one item."""

    def __init__(self) -> None:
        super().__init__()
        self.bands: list[Band] = []
        self._bounds = QRectF()

    def set_bands(self, x: np.ndarray, tops: np.ndarray, colours: list[QColor]) -> None:
        """Replace the bands: ``tops`` is bands x len(x) of cumulative values."""
        if tops.shape != (len(colours), len(x)):
            raise ValueError(f"tops has shape {tops.shape}, expected {(len(colours), len(x))}")
        self.prepareGeometryChange()
        self.bands = []
        for (area, edge), colour in zip(band_polygons(x, tops), colours, strict=True):
            fill = QColor(colour)
            fill.setAlpha(FILL_ALPHA)
            pen = pg.mkPen(QColor(colour).darker(110), width=1)  # cosmetic: 1 px at any zoom
            self.bands.append(Band(area, edge, QBrush(fill), pen))
        if len(x) and len(tops):
            top = float(max(tops.max(), 0.0))
            self._bounds = QRectF(float(x[0]), 0.0, float(x[-1] - x[0]), top)
        else:
            self._bounds = QRectF()
        self.informViewBoundsChanged()
        self.update()

    def boundingRect(self) -> QRectF:
        return QRectF(self._bounds)

    def dataBounds(self, ax: int, frac: float = 1.0, orthoRange=None):
        if self._bounds.isNull():
            return None
        if ax == 0:
            return self._bounds.left(), self._bounds.right()
        return self._bounds.top(), self._bounds.bottom()

    def paint(self, painter: QPainter, *args) -> None:
        # Areas are filled without antialiasing and their edges drawn over them
        # with it: the edge lines hide the fills' stair steps, and an aliased
        # fill costs a fraction of an antialiased one when a series is spiky
        # (hundreds of tall, thin triangles per band).
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setPen(Qt.PenStyle.NoPen)
        for band in self.bands:
            painter.setBrush(band.brush)
            painter.drawPolygon(band.area)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for band in self.bands:
            painter.setPen(band.pen)
            painter.drawPolyline(band.edge)
