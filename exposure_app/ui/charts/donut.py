"""A small donut for the custodial vs self-custody split.

A plain widget that paints ring segments with ``QPainter``: a donut has no
axes, no zoom and no data coordinates, so a pyqtgraph plot (scene, view box,
four axes, menus) would be all overhead, and it was a tenth of the time the
overview page took to build. Angles start at 12 o'clock and run clockwise.
Colours come from the palette at paint time, so a light/dark switch needs
only a repaint.

Threading: GUI thread only.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QWidget

from exposure_app.ui.charts import theme
from exposure_app.ui.rich_text import plain

HOLE = 0.62        # inner radius / outer radius
FULL_CIRCLE = 359.999   # a 360° arc collapses to nothing in QPainterPath


def segment_path(centre: QPointF, outer: float, inner: float, start_deg: float,
                 span_deg: float) -> QPainterPath:
    """A ring segment from ``start_deg`` spanning ``span_deg`` (Qt angles: counter-clockwise)."""
    path = QPainterPath()
    outer_rect = QRectF(centre.x() - outer, centre.y() - outer, 2 * outer, 2 * outer)
    inner_rect = QRectF(centre.x() - inner, centre.y() - inner, 2 * inner, 2 * inner)
    path.arcMoveTo(outer_rect, start_deg)
    path.arcTo(outer_rect, start_deg, span_deg)
    end = math.radians(start_deg + span_deg)
    path.lineTo(QPointF(centre.x() + inner * math.cos(end), centre.y() - inner * math.sin(end)))
    path.arcTo(inner_rect, start_deg + span_deg, -span_deg)
    path.closeSubpath()
    return path


def slice_spans(values: list[float]) -> list[tuple[float, float]]:
    """(start, span) in Qt degrees for each value, clockwise from 12 o'clock.

    Negative values count as zero; zero values get a zero span.
    """
    clean = [max(v, 0.0) for v in values]
    total = sum(clean)
    spans = []
    start = 90.0
    for value in clean:
        span = -360.0 * value / total if total > 0 else 0.0
        span = max(span, -FULL_CIRCLE)
        spans.append((start, span))
        start += span
    return spans


class DonutChart(QWidget):
    """A fixed, non-interactive donut with a centred caption."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Custodial versus self-custody chart")
        self.setFixedSize(150, 150)
        self.slices: list[tuple[float, QColor]] = []
        self.caption = ""

    def set_slices(self, slices: list[tuple[float, QColor]], caption: str) -> None:
        self.slices = [(float(v), QColor(c)) for v, c in slices]
        self.caption = caption
        self.setToolTip(plain(caption))
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        side = min(self.width(), self.height())
        outer = side / 2 - 4
        inner = outer * HOLE
        centre = QPointF(self.width() / 2, self.height() / 2)
        spans = slice_spans([v for v, _ in self.slices])
        if not any(span for _, span in spans):
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QBrush(theme.grid()))
            painter.drawPath(segment_path(centre, outer, inner, 90, -FULL_CIRCLE))
        else:
            edge = QPen(theme.panel(), 2)
            for (start, span), (_value, colour) in zip(spans, self.slices, strict=True):
                if span == 0:
                    continue
                painter.setPen(edge)
                painter.setBrush(QBrush(colour))
                painter.drawPath(segment_path(centre, outer, inner, start, span))
        if self.caption:
            font = QFont(self.font())
            font.setBold(True)
            painter.setFont(font)
            painter.setPen(theme.foreground())
            painter.drawText(QRectF(self.rect()), Qt.AlignmentFlag.AlignCenter, self.caption)
        painter.end()
