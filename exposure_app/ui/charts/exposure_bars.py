"""Exposure per custodian: a sorted horizontal bar chart.

Each row is one counterparty; the direct part (what it holds for the user)
is drawn solid in the colour of the counterparty's warning level, and the
affiliated part (its own tokens held elsewhere) is stacked after it in a
lighter, hatched shade of the same colour. Rows are sorted largest first;
past :data:`MAX_ROWS` the rest is folded into one "Other" row.

Threading: GUI thread only.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from exposure_app.ui.charts import theme
from exposure_app.ui.formatting import format_compact_money
from exposure_app.ui.levels import level_colour

MAX_ROWS = 10
ROW_PIXELS = 34


@dataclass(frozen=True, slots=True)
class BarRow:
    counterparty: str
    name: str
    direct: Decimal
    affiliated: Decimal
    level: str


class ExposureBarChart(pg.PlotWidget):
    """``set_rows`` draws; ``counterparty_clicked`` fires with the row's id."""

    counterparty_clicked = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Exposure per custodian chart")
        self.setMouseEnabled(False, False)
        self.setMenuEnabled(False)
        self.hideButtons()
        self.getPlotItem().hideAxis("bottom")
        self.getPlotItem().getViewBox().setDefaultPadding(0.0)
        self.getAxis("left").setStyle(tickLength=0)
        theme.style_plot(self, on_panel=True)
        self._ids: list[str] = []
        self._labels: list[pg.TextItem] = []
        self.rows: tuple[BarRow, ...] = ()
        self.scene().sigMouseClicked.connect(self._on_click)

    def set_rows(self, rows: list[BarRow], currency: str) -> None:
        rows = sorted(rows, key=lambda r: (-(r.direct + r.affiliated), r.name))
        if len(rows) > MAX_ROWS:
            rest = rows[MAX_ROWS - 1 :]
            rows = [*rows[: MAX_ROWS - 1], BarRow(
                "", f"Other ({len(rest)})", sum((r.direct for r in rest), Decimal(0)),
                sum((r.affiliated for r in rest), Decimal(0)), "none")]
        self.rows = tuple(rows)
        self.clear()
        self._labels.clear()
        self._ids = [r.counterparty for r in rows]
        n = len(rows)
        if n == 0:
            self.setMinimumHeight(80)
            return
        y = np.arange(n)[::-1].astype(float)
        direct = np.array([float(r.direct) for r in rows])
        affiliated = np.array([float(r.affiliated) for r in rows])
        colours = [level_colour(r.level) for r in rows]
        self.addItem(pg.BarGraphItem(
            x0=np.zeros(n), y=y, height=0.62, width=direct,
            brushes=[QBrush(c) for c in colours], pens=[pg.mkPen(c.darker(115)) for c in colours],
        ))
        if affiliated.any():
            light = []
            for c in colours:
                shade = QColor(c)
                shade.setAlpha(110)
                light.append(shade)
            self.addItem(pg.BarGraphItem(
                x0=direct, y=y, height=0.62, width=affiliated,
                brushes=[QBrush(c, Qt.BrushStyle.Dense3Pattern) for c in colours],
                pens=[pg.mkPen(c) for c in light],
            ))
        total = direct + affiliated
        top = float(total.max()) if total.size else 1.0
        font = QFont()
        font.setPointSizeF(max(font.pointSizeF() - 1, 7))
        for i, row in enumerate(rows):
            text = format_compact_money(row.direct + row.affiliated, currency)
            if row.affiliated:
                text += f"  (incl. {format_compact_money(row.affiliated)} affiliated)"
            label = pg.TextItem(text, color=theme.muted(), anchor=(0, 0.5))
            label.setFont(font)
            label.setPos(float(total[i]) + top * 0.01, y[i])
            self.addItem(label)
            self._labels.append(label)
        self.getAxis("left").setTicks([[(float(y[i]), rows[i].name) for i in range(n)]])
        self.setXRange(0, top * 1.45 if top > 0 else 1, padding=0)
        self.setYRange(-0.6, n - 0.4, padding=0)
        self.setMinimumHeight(min(40 + ROW_PIXELS * n, 420))

    def _on_click(self, event) -> None:
        if not self._ids:
            return
        point = self.getPlotItem().getViewBox().mapSceneToView(event.scenePos())
        index = len(self._ids) - 1 - round(point.y())
        if 0 <= index < len(self._ids) and self._ids[index]:
            self.counterparty_clicked.emit(self._ids[index])
