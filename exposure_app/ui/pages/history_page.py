"""History: value per custodian over time, and the window-wide "as of" date.

The date picker and the draggable line on the chart both set the as-of date
of the whole window (:meth:`ViewState.set_as_of`): the overview, holdings and
warnings then show that day, using only what was known by its end.

The series is read only when this page is shown and the data changed (it is
the one query that walks the whole history).

Threading: GUI thread only.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from exposure_app.domain.timeutil import utc_now
from exposure_app.services.history import HistoryPoint, daily_history, first_snapshot_day
from exposure_app.ui.charts.history_chart import HistoryChart, thinning_step
from exposure_app.ui.formatting import DATE_EDIT_FORMAT
from exposure_app.ui.rich_text import escaped
from exposure_app.ui.view_state import ViewData, ViewState
from exposure_app.ui.widgets.card_frames import muted
from exposure_app.ui.widgets.export_button import export_button

RANGE_PRESETS = (("1M", 31), ("3M", 92), ("1Y", 366), ("All", None))
RANGE_NAMES = {"1M": "the last month", "3M": "the last three months", "1Y": "the last year",
               "All": "all the history"}
EARLIEST_DAY = QDate(2009, 1, 3)   # nothing crypto before Bitcoin's first block


def end_of_day(day: date) -> datetime:
    return datetime.combine(day, time.max, tzinfo=UTC)


class HistoryPage(QWidget):
    title = "History"
    export_requested = Signal(str)   # report name: File → Export with it preselected

    def __init__(self, state: ViewState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.setAccessibleName("History")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Show the whole window as of"))
        self.date_edit = QDateEdit()
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat(DATE_EDIT_FORMAT)
        self.date_edit.setAccessibleName("As-of date")
        self.date_edit.setToolTip("Overview, holdings and warnings show this day, without "
                                  "anything learned later")
        self.today_button = QPushButton("Today")
        self.today_button.setAccessibleName("Show today")
        bar.addWidget(self.date_edit)
        bar.addWidget(self.today_button)
        bar.addSpacing(12)
        # zoom presets: the x range only, the as-of date stays where it is
        self.range_buttons: dict[str, QPushButton] = {}
        for label, days in RANGE_PRESETS:
            button = QPushButton(label)
            button.setFixedWidth(button.fontMetrics().horizontalAdvance("All") * 3 + 12)
            button.setCheckable(True)
            button.setAutoExclusive(True)
            button.setAccessibleName(f"Show {RANGE_NAMES[label]}")
            button.setToolTip(f"Show {RANGE_NAMES[label]}")
            button.clicked.connect(lambda _checked=False, d=days: self.chart.show_last_days(d))
            self.range_buttons[label] = button
            bar.addWidget(button)
        self.range_buttons["All"].setChecked(True)
        bar.addStretch(1)
        self.export_button = export_button("history", self.export_requested.emit)
        bar.addWidget(self.export_button)
        layout.addLayout(bar)
        # on its own line: at 1024 px it does not fit beside the date, presets and Export
        self.note = muted()
        layout.addWidget(self.note)
        self.chart: HistoryChart = HistoryChart()
        layout.addWidget(self.chart, 1)
        self.legend = QLabel()
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setWordWrap(True)
        self.legend.setAccessibleName("Chart legend")
        layout.addWidget(self.legend)
        self.empty = muted("No history yet: sync an account or import dated holdings.")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.empty)
        self.points: list[HistoryPoint] = []
        self._loaded_key: tuple | None = None
        self._stale = True
        self.date_edit.setDate(QDate.currentDate())
        self.date_edit.dateChanged.connect(self._on_date_edited)
        self.today_button.clicked.connect(lambda: self.state.set_as_of(None))
        self.chart.as_of_dragged.connect(self._on_line_dragged)
        state.as_of_changed.connect(self._on_as_of_changed)

    def show_data(self, data: ViewData) -> None:
        self._stale = True
        if self.isVisible():
            self.reload()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self._stale:
            self.reload()

    def _data_key(self) -> tuple:
        """Changes whenever a capture is added or removed (one cheap index read)."""
        row = self.state.store.db.execute(
            "SELECT count(*), max(id) FROM snapshots WHERE usable = 1").fetchone()
        return (tuple(row), utc_now().date(), self.state.settings.base_currency)

    def reload(self, *, force: bool = False) -> None:
        self._stale = False
        key = self._data_key()
        if key == self._loaded_key and not force:
            self._on_as_of_changed(self.state.as_of)
            return
        self._loaded_key = key
        directory = self.state.directory()
        first = first_snapshot_day(self.state.store)
        today = utc_now().date()
        # only the days the chart can show: it draws at most MAX_POINTS of them
        days = (today - first).days + 1 if first else 0
        self.points = daily_history(self.state.store, first, today, directory,
                                    every=thinning_step(days)) if first else []
        names = {cp.id: cp.name for cp in directory}
        for point in self.points:
            for cp in point.by_counterparty:
                names.setdefault(cp, directory.name(cp))
        self.chart.currency = self.state.settings.base_currency
        self.chart.set_series(self.points, names)
        self.range_buttons["All"].setChecked(True)   # new data: all of it is shown
        self.chart.getPlotItem().getAxis("left").setLabel(
            "Value", units=self.state.settings.base_currency)
        entries = [f"<span style='color:{c.name()}'>■</span>&nbsp;{escaped(n)}"
                   for n, c in self.chart.legend_entries]
        if entries:
            entries.append("<b>┈</b>&nbsp;Custodial share (right axis)")
        self.legend.setText(" &nbsp;&nbsp; ".join(entries))
        self.empty.setVisible(not self.points)
        self.chart.setVisible(bool(self.points))
        if self.points:
            last_day = self.points[-1].day
            self.date_edit.blockSignals(True)
            # any day up to the last: a day before the data is allowed and said so
            self.date_edit.setDateRange(EARLIEST_DAY,
                                        QDate(last_day.year, last_day.month, last_day.day))
            self.date_edit.blockSignals(False)
        self._on_as_of_changed(self.state.as_of)

    def _current_day(self) -> date:
        moment = self.state.as_of
        return (moment or utc_now()).date()

    def _on_as_of_changed(self, moment) -> None:
        day = (moment or utc_now()).date()
        self.date_edit.blockSignals(True)
        self.date_edit.setDate(QDate(day.year, day.month, day.day))
        self.date_edit.blockSignals(False)
        if self.points:
            first = self.points[0].day
            self.chart.set_as_of(min(max(day, first), self.points[-1].day))
            days = (self.points[-1].day - first).days + 1
            if day < first:
                # the line stops at the first day; the text says the date is earlier
                self.note.setText(f"{day.isoformat()} is before your first data "
                                  f"({first.isoformat()}): nothing was recorded then")
                self.note.setStyleSheet("color: #d93025;")
            else:
                self.note.setText(f"{days} day{'s' if days != 1 else ''} · drag the dashed "
                                  "line to move the as-of date")
                self.note.setStyleSheet("color: palette(placeholder-text);")
        self.today_button.setEnabled(moment is not None)

    def set_day(self, day: date) -> None:
        """Set the window's as-of date to the end of ``day`` (today means live)."""
        if day >= utc_now().date():
            self.state.set_as_of(None)
        else:
            self.state.set_as_of(end_of_day(day))

    def _on_date_edited(self, qdate: QDate) -> None:
        self.set_day(date(qdate.year(), qdate.month(), qdate.day()))

    def _on_line_dragged(self, day: date) -> None:
        self.set_day(day)
