"""Value per custodian over time as stacked areas, custodial share as a line.

Areas are stacked cumulative bands drawn by one
:class:`~exposure_app.ui.charts.stacked_areas.StackedAreasItem` on a
``pg.DateAxisItem`` time axis; self-custody is the top band, so the top edge
is net worth. The custodial share (0-100 %)
is a line on its own right-hand axis (a second ``ViewBox`` linked on x).
A draggable vertical line marks the window's "as of" day and emits
:attr:`HistoryChart.as_of_dragged` when the user lets it go.

The x axis never reaches past the last day (no future days); a single day of
data is drawn one day wide rather than as an invisible zero-width area. Under
the mouse, a crosshair and a read-out give the day, each band's value and the
custodial share (:meth:`HistoryChart.readout_at`). :meth:`show_last_days`
zooms to the last N days (the page's 1M/3M/1Y/All presets).

Threading: GUI thread only.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor

from exposure_app.services.history import HistoryPoint
from exposure_app.ui.charts import theme
from exposure_app.ui.charts.stacked_areas import StackedAreasItem
from exposure_app.ui.formatting import format_money, format_share
from exposure_app.ui.rich_text import escaped

# pyqtgraph picks the Qt binding already loaded: the app has imported PySide6 by now.
pg.setConfigOptions(antialias=True, foreground="k", background="w")

MAX_SERIES = 8
MAX_POINTS = 600
DAY_SECONDS = 86400


def thinning_step(days: int) -> int:
    """Keep every n-th day so that ``days`` days make at most :data:`MAX_POINTS` points."""
    return max(1, -(-days // MAX_POINTS))


def day_to_ts(day: date) -> float:
    return datetime.combine(day, time(12), tzinfo=UTC).timestamp()


def ts_to_day(ts: float) -> date:
    return datetime.fromtimestamp(ts, UTC).date()


def stacked_values(
    points: list[HistoryPoint], names: dict[str, str]
) -> tuple[list[tuple[str, QColor]], np.ndarray]:
    """Bands bottom to top, and their values (bands x days) as floats.

    The custodians largest on the last day come first, up to
    :data:`MAX_SERIES`; the rest are summed into one grey band, and
    self-custody is always the top band, so the stack's top is net worth.
    Floats are for drawing only: the exact figures stay in ``points``.
    """
    last = points[-1].by_counterparty
    ids = {cp for p in points for cp in p.by_counterparty}
    ordered = sorted(ids, key=lambda cp: (-last.get(cp, 0), cp))
    shown, rest = ordered[:MAX_SERIES], ordered[MAX_SERIES:]
    rows = [[float(p.by_counterparty.get(cp, 0)) for cp in shown] for p in points]
    columns: list[np.ndarray] = [np.array(rows, dtype=float).reshape(len(points), len(shown)).T]
    bands = [(names.get(cp, cp), theme.series_colour(i)) for i, cp in enumerate(shown)]
    if rest:
        other = [float(sum(p.by_counterparty.get(cp, 0) for cp in rest)) for p in points]
        columns.append(np.array([other]))
        bands.append((f"Other custodians ({len(rest)})", QColor("#999999")))
    columns.append(np.array([[float(p.self_custody) for p in points]]))
    bands.append(("Self-custody", QColor(theme.SELF_CUSTODY_COLOUR)))
    return bands, np.vstack(columns)


class HistoryChart(pg.PlotWidget):
    as_of_dragged = Signal(object)  # datetime.date

    def __init__(self, parent=None) -> None:
        super().__init__(parent, axisItems={"bottom": pg.DateAxisItem(orientation="bottom")})
        self.setAccessibleName("Value per custodian over time chart")
        self.setMenuEnabled(False)
        self.setMouseEnabled(x=True, y=False)
        self.showGrid(x=False, y=True, alpha=0.15)
        plot = self.getPlotItem()
        plot.showAxis("right")
        plot.getAxis("left").setLabel("Value")
        plot.getAxis("left").enableAutoSIPrefix(True)
        plot.getAxis("right").setLabel("Custodial share", units="%")
        self.share_view = pg.ViewBox()
        self.share_view.setMouseEnabled(False, False)
        plot.scene().addItem(self.share_view)
        # the share line is drawn over the areas, and lets the mouse through to them
        self.share_view.setZValue(plot.zValue() + 1)
        self.share_view.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.share_view.setAcceptHoverEvents(False)
        plot.getAxis("right").linkToView(self.share_view)
        self.share_view.setXLink(plot)
        self.share_view.setYRange(0, 100, padding=0.02)
        plot.getViewBox().sigResized.connect(self._sync_views)
        theme.style_plot(self)
        # note: a pg.LegendItem with FillBetweenItem samples crashed PySide6 at exit;
        # the page draws the legend as a label from ``legend_entries`` instead.
        self.legend_entries: list[tuple[str, QColor]] = []
        self.as_of_line = pg.InfiniteLine(
            angle=90, movable=True,
            pen=pg.mkPen(theme.foreground(), width=1.5, style=Qt.PenStyle.DashLine),
            hoverPen=pg.mkPen("#d93025", width=2),
        )
        # note: InfiniteLine's own label (InfLineLabel.setFormat) crashed PySide6 at exit,
        # so the day is drawn by a plain TextItem that follows the line.
        self.as_of_text = pg.TextItem("", color=theme.foreground(), anchor=(-0.05, 0))
        self.as_of_line.sigPositionChangeFinished.connect(self._on_line_moved)
        self.as_of_line.sigPositionChanged.connect(self._on_line_moving)
        self.points: list[HistoryPoint] = []
        self.areas = StackedAreasItem()
        self.areas.setZValue(-10)
        plot.addItem(self.areas)
        self.share_curve: pg.PlotDataItem | None = None
        self.currency = ""
        self._drawn: list[HistoryPoint] = []
        self._band_values = np.zeros((0, 0))
        self._x = np.zeros(0)
        self.crosshair = pg.InfiniteLine(angle=90, movable=False,
                                         pen=pg.mkPen(theme.foreground(), width=1))
        self.readout = pg.TextItem("", color=theme.foreground(), anchor=(0, 0),
                                   fill=pg.mkBrush(theme.background()),
                                   border=pg.mkPen(theme.foreground()))
        self.readout.setZValue(100)
        self.crosshair.setVisible(False)
        self.readout.setVisible(False)
        plot.addItem(self.crosshair, ignoreBounds=True)
        plot.addItem(self.readout, ignoreBounds=True)
        plot.scene().sigMouseMoved.connect(self._on_mouse_moved)

    def _sync_views(self) -> None:
        self.share_view.setGeometry(self.getPlotItem().getViewBox().sceneBoundingRect())
        self.share_view.linkedViewChanged(self.getPlotItem().getViewBox(), self.share_view.XAxis)

    def set_series(self, points: list[HistoryPoint], names: dict[str, str]) -> None:
        """Draw ``points`` (days in order); ``names`` maps custodian ids to display names.

        Long histories are thinned to about :data:`MAX_POINTS` evenly spaced days
        (the last day always kept): more than one point per pixel column adds
        nothing to see but makes every redraw slower. The history page already
        loads only those days (:func:`thinning_step`); a longer list is thinned here.
        """
        self.points = points
        if len(points) > MAX_POINTS + 1:   # already thinned by the loader: leave it
            step = thinning_step(len(points))
            points = [*points[: -1 : step], points[-1]]
        plot = self.getPlotItem()
        self.legend_entries = []
        if self.share_curve is not None:
            self.share_view.removeItem(self.share_curve)
            self.share_curve = None
        if self.as_of_line.scene() is not None:
            plot.removeItem(self.as_of_line)
            plot.removeItem(self.as_of_text)
        if not points:
            self.areas.set_bands(np.zeros(0), np.zeros((0, 0)), [])
            return
        x = np.array([day_to_ts(p.day) for p in points])
        names_and_colours, values = stacked_values(points, names)
        self._drawn, self._band_values, self._x = list(points), values, x
        if len(points) == 1:   # one day of data: a band one day wide, not an invisible line
            x = np.array([x[0] - DAY_SECONDS / 2, x[0] + DAY_SECONDS / 2])
            values = np.repeat(values, 2, axis=1)
        tops = np.cumsum(values, axis=0)
        self.areas.set_bands(x, tops, [colour for _name, colour in names_and_colours])
        self.legend_entries = [(name, QColor(colour)) for name, colour in names_and_colours]
        net_worth = tops[-1]
        share = np.array([float(p.custodial_share) * 100 for p in points])
        if len(points) == 1:
            share = np.repeat(share, 2)
        self.share_curve = pg.PlotDataItem(
            x, share, pen=pg.mkPen(theme.foreground(), width=2, style=Qt.PenStyle.DotLine))
        self.share_view.addItem(self.share_curve)
        top = float(net_worth.max())
        plot.setYRange(0, top * 1.08 if top > 0 else 1, padding=0)
        # all the data, and never a day after the last one. note: the limits first: the
        # old ones (a week of data) would clamp the new range to that week
        self._x_span = (float(x[0]) - DAY_SECONDS / 2, float(x[-1]) + DAY_SECONDS / 2)
        plot.setLimits(xMin=self._x_span[0], xMax=self._x_span[1])
        plot.setXRange(*self._x_span, padding=0)
        self.as_of_line.setBounds((float(self._x[0]), float(self._x[-1])))
        plot.addItem(self.as_of_line)
        plot.addItem(self.as_of_text, ignoreBounds=True)
        self._sync_views()

    def show_last_days(self, days: int | None) -> None:
        """Zoom to the last ``days`` days of the data (``None``: all of it)."""
        if not self._drawn:
            return
        start, end = self._x_span
        if days is not None:
            start = max(start, end - days * DAY_SECONDS)
        self.getPlotItem().setXRange(start, end, padding=0)

    def visible_days(self) -> tuple[date, date]:
        """The first and last day the x axis shows now."""
        low, high = self.getPlotItem().getViewBox().viewRange()[0]
        return ts_to_day(low + DAY_SECONDS / 2), ts_to_day(high - DAY_SECONDS / 2)

    def readout_at(self, ts: float) -> str:
        """The read-out for the drawn day nearest ``ts``: date, each band's value, share."""
        if not self._drawn:
            return ""
        i = int(np.abs(self._x - ts).argmin())
        point = self._drawn[i]
        lines = [f"<b>{point.day.isoformat()}</b>"]
        for (name, colour), value in zip(self.legend_entries, self._band_values[:, i],
                                         strict=True):
            lines.append(f"<span style='color:{colour.name()}'>■</span> {escaped(name)}: "
                         f"{escaped(format_money(Decimal(str(round(value, 2))), self.currency))}")
        lines.append(f"Net worth: {escaped(format_money(point.net_worth, self.currency))}")
        lines.append(f"Custodial share: {escaped(format_share(point.custodial_share))}")
        return "<br>".join(lines)

    def show_readout(self, ts: float) -> None:
        """Crosshair and read-out at ``ts`` (a time on the x axis)."""
        if not self._drawn:
            return
        i = int(np.abs(self._x - ts).argmin())
        x = float(self._x[i])
        # the palette may have changed since the chart was made (light/dark)
        self.crosshair.setPen(pg.mkPen(theme.foreground(), width=1))
        self.readout.setColor(theme.foreground())
        self.readout.fill = pg.mkBrush(theme.background())
        self.readout.border = pg.mkPen(theme.foreground())
        self.crosshair.setValue(x)
        self.readout.setHtml(f"<div style='padding:2px'>{self.readout_at(ts)}</div>")
        view = self.getPlotItem().getViewBox()
        (low, high), (_bottom, top) = view.viewRange()
        # on the side of the cursor with more room, at the top of the plot
        self.readout.setAnchor((1, 0) if x > (low + high) / 2 else (0, 0))
        self.readout.setPos(x, top)
        self.crosshair.setVisible(True)
        self.readout.setVisible(True)

    def hide_readout(self) -> None:
        self.crosshair.setVisible(False)
        self.readout.setVisible(False)

    def _on_mouse_moved(self, pos) -> None:
        view = self.getPlotItem().getViewBox()
        if not self._drawn or not view.sceneBoundingRect().contains(pos):
            self.hide_readout()
            return
        self.show_readout(view.mapSceneToView(pos).x())

    def leaveEvent(self, event) -> None:
        self.hide_readout()
        super().leaveEvent(event)

    def set_as_of(self, day: date) -> None:
        self.as_of_line.blockSignals(True)
        self.as_of_line.setValue(day_to_ts(day))
        self.as_of_line.blockSignals(False)
        self._place_text(day)

    def _place_text(self, day: date) -> None:
        self.as_of_text.setText(f"as of {day.isoformat()}")
        top = self.getPlotItem().getViewBox().viewRange()[1][1]
        self.as_of_text.setPos(day_to_ts(day), top)

    def _on_line_moving(self) -> None:
        self._place_text(ts_to_day(self.as_of_line.value()))

    def _on_line_moved(self) -> None:
        day = ts_to_day(self.as_of_line.value())
        self.set_as_of(day)
        self.as_of_dragged.emit(day)
