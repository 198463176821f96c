"""Overview: net worth, custodial share, exposure per custodian, warnings, freshness.

Under the warnings, the withdrawal tests that are due as of the window's date
(computed with the other figures in :class:`ViewState`, never while painting),
with a button to record one. "Export…" buttons open File → Export with the
exposure or warnings report preselected.

Threading: GUI thread only.
"""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from exposure_app.domain.labels import wallet_label
from exposure_app.ui import warning_view
from exposure_app.ui.charts import theme
from exposure_app.ui.charts.donut import DonutChart
from exposure_app.ui.charts.exposure_bars import BarRow, ExposureBarChart
from exposure_app.ui.formatting import format_amount, format_money, format_share
from exposure_app.ui.glyphs import drawable
from exposure_app.ui.level_colours import (
    LEVELS,
    health_colour_key,
    level_colour,
    level_label,
    level_name,
)
from exposure_app.ui.models.freshness_model import FreshnessModel, freshness_rows
from exposure_app.ui.rich_text import bold, escaped, lines, muted_line
from exposure_app.ui.view_state import ViewData
from exposure_app.ui.widgets.age_ticker import AgeTicker
from exposure_app.ui.widgets.card_frames import Card, RichLabel, StatCard, muted
from exposure_app.ui.widgets.export_button import export_button
from exposure_app.ui.widgets.table_columns import (
    OneLine,
    Selection,
    WidthKeeper,
    data_table,
    fit_columns,
)
from exposure_app.ui.widgets.warning_card import WarningCard

MAX_CARDS = 8


class OverviewPage(QScrollArea):
    title = "Overview"
    checklist_requested = Signal(str)
    export_requested = Signal(str)              # report name (services.reports.REPORTS)
    test_withdrawal_requested = Signal(str)     # counterparty id of the first due test

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QScrollArea.Shape.NoFrame)
        self.setAccessibleName("Overview")
        self.live_status: dict[int, str] = {}
        content = QWidget()
        self.setWidget(content)
        grid = QGridLayout(content)
        grid.setContentsMargins(16, 16, 16, 16)
        grid.setHorizontalSpacing(14)
        grid.setVerticalSpacing(14)

        self.net_worth = StatCard("Net worth")
        self.split_card = Card("Custodial vs self-custody")
        split_row = QHBoxLayout()
        self.donut = DonutChart()
        self.split_text = QLabel()
        self.split_text.setTextFormat(Qt.TextFormat.RichText)
        split_row.addWidget(self.donut)
        split_row.addWidget(self.split_text, 1)
        self.split_card.body.addLayout(split_row)
        self.risk_card = StatCard("Highest warning")
        for i, card in enumerate((self.net_worth, self.split_card, self.risk_card)):
            grid.addWidget(card, 0, i)
        for column in range(3):
            grid.setColumnStretch(column, 1)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        left = QVBoxLayout()
        left.setSpacing(14)
        self.bars_card = Card("Exposure per custodian")
        self.bars = ExposureBarChart()
        self.bars.counterparty_clicked.connect(self.checklist_requested)
        self.bars_legend = muted(
            "Solid: held by the custodian. Hatched: its own tokens held elsewhere (affiliated). "
            "Colour: the custodian's health (green normal, amber watch, orange distressed, "
            "red failed). Label: share of your net worth. Click a bar for its self-custody "
            "checklist.")
        self.export_button = export_button("exposure", self.export_requested.emit)
        _add_header_button(self.bars_card, self.export_button)
        self.bars_card.body.addWidget(self.bars)
        self.bars_card.body.addWidget(self.bars_legend)
        self.bars_empty = muted()
        self.bars_empty.setAccessibleName("Exposure per custodian, empty")
        self.bars_card.body.addWidget(self.bars_empty)
        left.addWidget(self.bars_card)

        self.unpriced_card = Card("Unpriced holdings")
        self.unpriced_text = QLabel()
        self.unpriced_text.setTextFormat(Qt.TextFormat.RichText)
        self.unpriced_text.setWordWrap(True)
        self.unpriced_card.body.addWidget(self.unpriced_text)
        left.addWidget(self.unpriced_card)

        self.fresh_card = Card("Accounts")
        self.fresh_model = FreshnessModel(self)
        self.fresh_view = data_table(self.fresh_model, "Account freshness",
                                     selection=Selection.NoSelection)
        self.fresh_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.fresh_view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.fresh_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.fresh_view.horizontalHeader().setStretchLastSection(False)   # Detail stretches
        # no scroll bar here (the page scrolls): at 1024 px the names give way and the
        # other cells wrap instead, or "Last good data" was cut off with no way to read it
        self.fresh_view.setWordWrap(True)
        columns = FreshnessModel.Columns
        self._one_line = OneLine(self.fresh_view)
        for column in (columns.ACCOUNT, columns.DETAIL):
            self.fresh_view.setItemDelegateForColumn(column, self._one_line)
        self.fresh_fit = WidthKeeper(self.fresh_view, shrinkable=(columns.ACCOUNT,),
                                     stretch=columns.DETAIL, trim=True,
                                     wrapped=(columns.KIND, columns.STATE, columns.LAST_GOOD))
        self.fresh_fit.refitted.connect(self._fit_fresh_height)
        self.ages = AgeTicker(self, self.fresh_model, (columns.LAST_GOOD,))  # "3 h ago" moves on
        self.ages.ticked.connect(self._fit_fresh_height)
        self.fresh_card.body.addWidget(self.fresh_view)
        left.addWidget(self.fresh_card)
        left.addStretch(1)
        grid.addLayout(left, 1, 0, 1, 2)

        # The warnings scroll on their own, so rebuilding them relayouts only this column.
        self.warnings_card = Card("Warnings")
        self.warnings_area = QScrollArea()
        self.warnings_area.setWidgetResizable(True)
        self.warnings_area.setFrameShape(QScrollArea.Shape.NoFrame)
        self.warnings_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.warnings_area.setAccessibleName("Warnings")
        holder = QWidget()
        self.warnings_box = QVBoxLayout(holder)
        self.warnings_box.setContentsMargins(0, 0, 4, 0)
        self.warnings_box.setSpacing(8)
        self.warnings_box.addStretch(1)
        self.warnings_area.setWidget(holder)
        self.warnings_area.setMinimumHeight(360)
        self.warnings_card.body.addWidget(self.warnings_area, 1)
        self.warnings_export_button = export_button("warnings", self.export_requested.emit)
        _add_header_button(self.warnings_card, self.warnings_export_button)

        self.reminders_card = Card("Withdrawal tests due")
        self.reminders_text = RichLabel()
        self.reminders_text.setAccessibleName("Withdrawal tests due")
        self.record_test_button = QPushButton("Record a test withdrawal…")
        self.record_test_button.setAccessibleName("Record a test withdrawal")
        self.record_test_button.clicked.connect(self._request_test)
        self.reminders_card.body.addWidget(self.reminders_text)
        self.reminders_card.body.addWidget(self.record_test_button, 0,
                                           Qt.AlignmentFlag.AlignRight)
        self.reminders_card.setVisible(False)
        right = QVBoxLayout()
        right.setSpacing(14)
        right.addWidget(self.warnings_card, 1)
        right.addWidget(self.reminders_card)
        grid.addLayout(right, 1, 2)
        grid.setRowStretch(1, 1)
        self._shown_warnings: tuple | None = None
        self._shown_bars: tuple[list[BarRow], str] | None = None
        self._shown_split: tuple | None = None
        self._shown_reminders: tuple | None = None
        self._fitted: tuple | None = None
        self.data: ViewData | None = None

    def show_data(self, data: ViewData) -> None:
        self.data = data
        report = data.report
        cur = report.base_currency
        when = "now" if data.live else f"as of {data.as_of:%Y-%m-%d} (end of day, UTC)"
        accounts = len(data.accounts)
        detail = [f"{when} · {accounts} account{'s' if accounts != 1 else ''}"]
        if report.counterparties:
            largest = report.counterparties[0]
            detail.append(f"Largest custodian: {largest.name}, {format_share(largest.share)}")
            detail.append(f"Concentration (HHI): {float(report.hhi):.2f}")
        stale = sum(1 for s in report.accounts if s.is_stale)
        if stale:
            detail.append(f"{stale} account{'s' if stale != 1 else ''} stale: see below")
        if report.unpriced:
            detail.append(f"{len(report.unpriced)} holding(s) without a price: not counted")
        if data.prices_age:
            detail.append(data.prices_age[0].upper() + data.prices_age[1:])
        self.net_worth.set(format_money(report.net_worth, cur), "\n".join(detail))
        custodial = QColor(theme.CUSTODIAL_COLOUR)
        self_colour = QColor(theme.SELF_CUSTODY_COLOUR)
        split = (report.custodial.value, report.self_custody.value)
        if split != self._shown_split:   # unchanged figures: leave the chart alone
            self._shown_split = split
            self.donut.set_slices(
                [(float(split[0]), custodial), (float(split[1]), self_colour)],
                format_share(report.custodial.share) if report.net_worth else "—")
        self.split_text.setText(lines((
            f"<span style='color:{custodial.name()}'>■</span> Custodial",
            f"{bold(format_money(report.custodial.value, cur))} · "
            f"{escaped(format_share(report.custodial.share))}",
            "",
            f"<span style='color:{self_colour.name()}'>■</span> Self-custody",
            f"{bold(format_money(report.self_custody.value, cur))} · "
            f"{escaped(format_share(report.self_custody.share))}")))
        top = data.highest_level
        count = len(data.warnings)
        by_level = Counter(level_name(warning_view.warning_level(w)) for w in data.warnings)
        counts = " · ".join(f"{by_level[name]} {name}" for name in reversed(LEVELS)
                            if by_level[name])
        self.risk_card.set(level_label(top) if count else "None",
                           f"{count} warning{'s' if count != 1 else ''}: {counts}\n"
                           "Details on the right; each has a self-custody checklist."
                           if count else "No custodian is flagged for this date.")
        self.risk_card.value.setStyleSheet(f"color: {level_colour(top).name()};" if count else "")
        bars = [BarRow(c.counterparty, c.name, c.direct, c.affiliated,
                       health_colour_key(data.health.get(c.counterparty, "normal")),
                       float(c.share))
                for c in report.counterparties]
        if (bars, cur) != self._shown_bars:
            self._shown_bars = (bars, cur)
            self.bars.set_rows(bars, cur)
        # an empty chart says why rather than showing a blank card
        if not bars and report.net_worth > 0:
            self.bars_empty.setText("No custodian holds anything for you: all your holdings "
                                    "are in self-custody, so there is no custodial exposure.")
        elif not bars:
            self.bars_empty.setText("No holdings yet. Add an exchange account, or record a "
                                    "wallet or custodian by hand (Accounts page).")
        self.bars.setVisible(bool(bars))
        self.bars_legend.setVisible(bool(bars))
        self.bars_empty.setVisible(not bars)
        if (data.warnings, cur) != self._shown_warnings:
            first = self._shown_warnings is None
            self._shown_warnings = (data.warnings, cur)
            if first:
                self._show_warnings(data)
            else:
                # rebuilding the cards is the costliest part of a refresh: do it in the
                # next turn of the event loop, so no single turn keeps the window busy long
                QTimer.singleShot(0, self, lambda: self._show_latest_warnings(data))
        if report.unpriced:
            # account, wallet and asset are the user's or the exchange's: escaped
            unpriced = [escaped(drawable(f"{u.account} · {wallet_label(u.wallet)}: "
                                         f"{format_amount(u.amount)} {u.asset}",
                                         self.unpriced_text.font()))
                        for u in report.unpriced[:12]]
            more = len(report.unpriced) - 12
            self.unpriced_text.setText(lines((
                "No price was found for these; they are <b>not</b> in the totals above:",
                *unpriced, *([f"… and {more} more"] if more > 0 else []))))
        self.unpriced_card.setVisible(bool(report.unpriced))
        self._show_reminders(data)
        self.refresh_freshness()

    def _show_reminders(self, data: ViewData) -> None:
        due = tuple(getattr(data, "due_reminders", ()))
        if due == self._shown_reminders:
            return
        self._shown_reminders = due
        due_lines = []
        for r in due:
            last = ("never tested" if r.last_test is None else
                    f"last test {r.last_test.tested_at:%Y-%m-%d}: {r.last_test.result}")
            late = f", {r.overdue_days} day{'s' if r.overdue_days != 1 else ''} ago" \
                if r.overdue_days else ""
            due_lines.append(f"{bold(r.name)}: due {r.due_at:%Y-%m-%d}{late} "
                             f"({escaped(last)})")
        self.reminders_text.setText(lines((*due_lines, muted_line(
            "A small test withdrawal proves the custodian still pays out."))) if due_lines else "")
        self.reminders_card.setVisible(bool(due))

    def _request_test(self) -> None:
        due = self._shown_reminders or ()
        self.test_withdrawal_requested.emit(due[0].counterparty if due else "")

    def _show_latest_warnings(self, data: ViewData) -> None:
        if self.data is data:   # a newer refresh will draw its own
            self._show_warnings(data)

    def forget_drawn(self) -> None:
        """Draw everything again on the next data (after a palette change)."""
        self._shown_warnings = self._shown_bars = self._shown_split = None
        self._shown_reminders = None
        self._fitted = None

    def refresh_freshness(self) -> None:
        if self.data is None:
            return
        self.fresh_model.as_of = None if self.data.live else self.data.as_of
        self.fresh_model.set_rows(freshness_rows(self.data.report, self.live_status))
        rows = self.fresh_model.rowCount()
        names = tuple(self.fresh_model.index(r, 0).data() for r in range(rows))
        if names == self._fitted:   # a status change only: the layout stays
            return
        self._fitted = names
        fit_columns(self.fresh_view, elided=(FreshnessModel.Columns.ACCOUNT,),
                    stretch=FreshnessModel.Columns.DETAIL)
        self.fresh_fit.fitted()
        self._fit_fresh_height()
        self.fresh_card.setVisible(bool(rows))

    def _fit_fresh_height(self) -> None:
        """Every row shown: the page scrolls, so the table must not scroll inside it."""
        self.fresh_view.resizeRowsToContents()
        rows = self.fresh_model.rowCount()
        height = (self.fresh_view.horizontalHeader().sizeHint().height()
                  + 2 * self.fresh_view.frameWidth() + 2)
        height += sum(self.fresh_view.rowHeight(r) for r in range(rows)) or 28
        self.fresh_view.setFixedHeight(height)

    def _show_warnings(self, data: ViewData) -> None:
        while self.warnings_box.count() > 1:   # the last item is the stretch
            item = self.warnings_box.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
        widgets: list[QWidget] = []
        if not data.warnings:
            widgets.append(muted(
                "No warnings for this date. Warnings appear when a custodian you use has a "
                "record of trouble, or when too much sits with one custodian."))
        for warning in warning_view.in_shown_order(data.warnings)[:MAX_CARDS]:
            card = WarningCard(warning, data.report.base_currency)
            card.checklist_requested.connect(self.checklist_requested)
            widgets.append(card)
        if len(data.warnings) > MAX_CARDS:
            widgets.append(muted(f"… and {len(data.warnings) - MAX_CARDS} more, less severe or "
                                 "with less at stake."))
        for i, widget in enumerate(widgets):
            self.warnings_box.insertWidget(i, widget)


def _add_header_button(card: Card, button: QWidget) -> None:
    """Put ``button`` at the right of ``card``'s title row."""
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    card.body.removeWidget(card.title)
    row.addWidget(card.title, 1)
    row.addWidget(button)
    card.body.insertLayout(0, row)
