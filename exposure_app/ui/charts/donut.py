"""A small donut for the custodial vs self-custody split.

pyqtgraph has no pie item, so :class:`DonutItem` is a custom
``pg.GraphicsObject`` that pre-renders ring segments into a ``QPicture``
(the pattern of pyqtgraph's ``customGraphicsItem`` example): angles start at
12 o'clock and run clockwise.

Threading: GUI thread only.
"""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen, QPicture

from exposure_app.ui.charts import theme

RADIUS = 1.0


class DonutItem(pg.GraphicsObject):
    """Ring segments for ``slices`` (value, colour); ``hole`` is the inner radius ratio."""

    def __init__(self, slices: list[tuple[float, QColor]], hole: float = 0.62) -> None:
        super().__init__()
        self.slices = [(max(v, 0.0), c) for v, c in slices]
        self.hole = hole
        self.picture = QPicture()
        self.generate_picture()

    @staticmethod
    def segment_path(start_deg: float, span_deg: float, inner: float, outer: float) -> QPainterPath:
        """A ring segment from ``start_deg`` spanning ``span_deg`` (Qt angles: counter-clockwise)."""
        path = QPainterPath()
        outer_rect = QRectF(-outer, -outer, 2 * outer, 2 * outer)
        inner_rect = QRectF(-inner, -inner, 2 * inner, 2 * inner)
        path.arcMoveTo(outer_rect, start_deg)
        path.arcTo(outer_rect, start_deg, span_deg)
        end = math.radians(start_deg + span_deg)
        path.lineTo(QPointF(inner * math.cos(end), -inner * math.sin(end)))
        path.arcTo(inner_rect, start_deg + span_deg, -span_deg)
        path.closeSubpath()
        return path

    def generate_picture(self) -> None:
        self.picture = QPicture()
        painter = QPainter(self.picture)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        total = sum(v for v, _ in self.slices)
        if total <= 0:
            painter.setPen(QPen(theme.grid(), 0))
            painter.setBrush(QBrush(theme.grid()))
            painter.drawPath(self.segment_path(90, -359.999, RADIUS * self.hole, RADIUS))
        else:
            start = 90.0
            edge = QPen(theme.panel(), 0)
            edge.setCosmetic(True)
            edge.setWidthF(2)
            for value, colour in self.slices:
                if value <= 0:
                    continue
                span = -360.0 * value / total
                if abs(span) >= 359.999:
                    span = -359.999
                painter.setPen(edge)
                painter.setBrush(QBrush(colour))
                # the view's y axis points up: mirror so clockwise stays clockwise
                painter.save()
                painter.scale(1, -1)
                painter.drawPath(self.segment_path(start, span, RADIUS * self.hole, RADIUS))
                painter.restore()
                start += span
        painter.end()

    def paint(self, painter, *args) -> None:
        painter.drawPicture(0, 0, self.picture)

    def boundingRect(self) -> QRectF:
        return QRectF(-RADIUS, -RADIUS, 2 * RADIUS, 2 * RADIUS)


class DonutChart(pg.PlotWidget):
    """A fixed, non-interactive donut with a centred caption."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Custodial versus self-custody chart")
        self.setMouseEnabled(False, False)
        self.setMenuEnabled(False)
        self.hideButtons()
        for axis in ("left", "bottom"):
            self.getPlotItem().hideAxis(axis)
        self.setAspectLocked(True)
        theme.style_plot(self, on_panel=True)
        self.item: DonutItem | None = None
        self.caption = pg.TextItem("", color=theme.foreground(), anchor=(0.5, 0.5))
        self.setFixedSize(150, 150)

    def set_slices(self, slices: list[tuple[float, QColor]], caption: str) -> None:
        if self.item is not None:
            self.removeItem(self.item)
        self.item = DonutItem(slices)
        self.addItem(self.item)
        self.removeItem(self.caption)
        self.caption = pg.TextItem(caption, color=theme.foreground(), anchor=(0.5, 0.5))
        font = self.caption.textItem.font()
        font.setBold(True)
        self.caption.setFont(font)
        self.addItem(self.caption)
        self.caption.setPos(0, 0)
        self.setRange(xRange=(-1.05, 1.05), yRange=(-1.05, 1.05), padding=0)
