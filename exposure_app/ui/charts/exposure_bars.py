"""Exposure per custodian: a sorted horizontal bar chart.

Each row is one counterparty; the direct part (what it holds for the user)
is drawn solid in the colour of the counterparty's warning level, and the
affiliated part (its own tokens held elsewhere) is stacked after it in a
hatched shade of the same colour. Rows are sorted largest first; past
:data:`MAX_ROWS` the rest is folded into one "Other" row. Clicking a row
asks for that counterparty's self-custody checklist.

A plain widget painted with ``QPainter``, like the donut beside it: the chart
has no axes to scale, no zoom and no data coordinates, and drawing it
directly keeps the overview, the first page the app shows, free of
pyqtgraph (which the history chart loads when that page is first opened).
Colours come from the palette at paint time.

Threading: GUI thread only.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import QEvent, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QHelpEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
)
from PySide6.QtWidgets import QToolTip, QWidget

from exposure_app.ui.charts import theme
from exposure_app.ui.formatting import format_compact_money, format_share
from exposure_app.ui.level_colours import level_colour
from exposure_app.ui.rich_text import plain

MAX_ROWS = 10
ROW_PIXELS = 34
BAR_SHARE = 0.62          # bar height / row height
LABEL_ROOM = 1.45         # the longest bar ends at 1/LABEL_ROOM of the bar area
MARGIN = 8


@dataclass(frozen=True, slots=True)
class BarRow:
    counterparty: str
    name: str
    direct: Decimal
    affiliated: Decimal
    level: str
    """Colour key (``ui.level_colours.LEVEL_COLOURS``): the overview passes the custodian's health."""
    share: float | None = None
    """Share of net worth, shown first in the label."""


def fold_rows(rows: list[BarRow]) -> list[BarRow]:
    """Largest first; past :data:`MAX_ROWS` the rest summed into one "Other" row."""
    rows = sorted(rows, key=lambda r: (-(r.direct + r.affiliated), r.name))
    if len(rows) <= MAX_ROWS:
        return rows
    rest = rows[MAX_ROWS - 1 :]
    return [*rows[: MAX_ROWS - 1], BarRow(
        "", f"Other ({len(rest)})", sum((r.direct for r in rest), Decimal(0)),
        sum((r.affiliated for r in rest), Decimal(0)), "none",
        sum(r.share for r in rest) if all(r.share is not None for r in rest) else None)]  # type: ignore[misc]


def value_label(row: BarRow, currency: str) -> str:
    text = format_compact_money(row.direct + row.affiliated, currency)
    if row.share is not None:
        text = f"{format_share(row.share)} · {text}"
    if row.affiliated:
        text += f"  (incl. {format_compact_money(row.affiliated)} affiliated)"
    return text


class ExposureBarChart(QWidget):
    """``set_rows`` draws; ``counterparty_clicked`` fires with the clicked row's id."""

    counterparty_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Exposure per custodian chart")
        self.setMouseTracking(True)
        self.rows: tuple[BarRow, ...] = ()
        self._labels: list[str] = []
        self.setMinimumHeight(80)

    def sizeHint(self) -> QSize:
        return QSize(480, max(80, 16 + ROW_PIXELS * len(self.rows)))

    def set_rows(self, rows: list[BarRow], currency: str) -> None:
        self.rows = tuple(fold_rows(rows))
        self._labels = [value_label(r, currency) for r in self.rows]
        self.setAccessibleDescription("; ".join(
            f"{r.name}: {label}" for r, label in zip(self.rows, self._labels, strict=True)))
        self.setMinimumHeight(min(40 + ROW_PIXELS * len(self.rows), 420) if self.rows else 80)
        self.updateGeometry()
        self.update()

    # -- geometry ---------------------------------------------------------------------

    def _row_height(self) -> float:
        return min(float(ROW_PIXELS), (self.height() - 2 * MARGIN) / max(len(self.rows), 1))

    def row_at(self, y: float) -> int | None:
        """The index of the row drawn at height ``y`` (widget pixels), if any."""
        if not self.rows:
            return None
        index = int((y - MARGIN) // self._row_height())
        return index if 0 <= index < len(self.rows) else None

    def bar_rect(self, index: int) -> QRectF:
        """Where row ``index``'s whole bar (direct + affiliated) is drawn."""
        left, width = self._bar_area()
        row_h = self._row_height()
        top = max(float(r.direct + r.affiliated) for r in self.rows) or 1.0
        row = self.rows[index]
        length = width / LABEL_ROOM * float(row.direct + row.affiliated) / top
        y = MARGIN + index * row_h + row_h * (1 - BAR_SHARE) / 2
        return QRectF(left, y, length, row_h * BAR_SHARE)

    def _bar_area(self) -> tuple[float, float]:
        metrics = QFontMetrics(self.font())
        names = max((metrics.horizontalAdvance(r.name) for r in self.rows), default=0)
        left = float(MARGIN + names + 10)
        return left, max(self.width() - left - MARGIN, 1.0)

    # -- drawing and input ---------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), theme.panel())
        if not self.rows:
            painter.end()
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        left, _width = self._bar_area()
        row_h = self._row_height()
        small = QFont(self.font())
        small.setPointSizeF(max(small.pointSizeF() - 1, 7))
        painter.setPen(QPen(theme.grid(), 1))
        painter.drawLine(int(left) - 1, MARGIN, int(left) - 1, int(MARGIN + row_h * len(self.rows)))
        for i, (row, label) in enumerate(zip(self.rows, self._labels, strict=True)):
            colour = level_colour(row.level)
            whole = self.bar_rect(i)
            total = float(row.direct + row.affiliated) or 1.0
            direct = QRectF(whole.left(), whole.top(), whole.width() * float(row.direct) / total,
                            whole.height())
            painter.setPen(QPen(colour.darker(115), 1))
            painter.setBrush(QBrush(colour))
            if row.direct:
                painter.drawRect(direct)
            if row.affiliated:
                light = QColor(colour)
                light.setAlpha(110)
                painter.setPen(QPen(light, 1))
                painter.setBrush(QBrush(colour, Qt.BrushStyle.Dense3Pattern))
                painter.drawRect(QRectF(direct.right(), whole.top(),
                                        whole.width() - direct.width(), whole.height()))
            centre_y = MARGIN + (i + 0.5) * row_h
            painter.setPen(theme.foreground())
            painter.setFont(self.font())
            painter.drawText(QRectF(MARGIN, centre_y - row_h / 2, left - MARGIN - 10, row_h),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, row.name)
            painter.setPen(theme.muted())
            painter.setFont(small)
            painter.drawText(QRectF(whole.right() + 6, centre_y - row_h / 2,
                                    self.width() - whole.right(), row_h),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, label)
        painter.end()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        index = self.row_at(event.position().y())
        clickable = index is not None and bool(self.rows[index].counterparty)
        self.setCursor(Qt.CursorShape.PointingHandCursor if clickable
                       else Qt.CursorShape.ArrowCursor)
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        index = self.row_at(event.position().y())
        if (event.button() == Qt.MouseButton.LeftButton and index is not None
                and self.rows[index].counterparty):
            self.counterparty_clicked.emit(self.rows[index].counterparty)
        super().mouseReleaseEvent(event)

    def event(self, event: QEvent) -> bool:
        if isinstance(event, QHelpEvent) and event.type() == QEvent.Type.ToolTip:
            index = self.row_at(event.pos().y())
            if index is None:
                QToolTip.hideText()
            else:
                row = self.rows[index]
                hint = " · click for its self-custody checklist" if row.counterparty else ""
                QToolTip.showText(event.globalPos(),
                                  plain(f"{row.name}: {self._labels[index]}{hint}"), self)
            return True
        return super().event(event)
