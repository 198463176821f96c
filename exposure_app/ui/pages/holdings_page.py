"""Holdings: every asset in every wallet, filterable, sortable, copyable.

Threading: GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from exposure_app.domain.asset_totals import asset_totals
from exposure_app.ui.formatting import format_money
from exposure_app.ui.models.asset_totals_model import AssetTotalsModel
from exposure_app.ui.models.holdings_model import HoldingsFilter, HoldingsModel, holding_rows
from exposure_app.ui.models.table_model import RowFilter
from exposure_app.ui.view_state import ViewData
from exposure_app.ui.widgets.export_button import export_button
from exposure_app.ui.widgets.find_shortcut import find_shortcut
from exposure_app.ui.widgets.table_columns import Selection, WidthKeeper, data_table, fit_columns

ALL = "All"


class HoldingsPage(QWidget):
    title = "Holdings"
    export_requested = Signal(str)   # report name: File → Export with it preselected

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Holdings")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        bar = QHBoxLayout()
        # each holding, or each asset's total across all accounts (and where it is)
        self.each_button = QPushButton("Each holding")
        self.per_asset_button = QPushButton("Per asset")
        for button in (self.each_button, self.per_asset_button):
            button.setCheckable(True)
            button.setAutoExclusive(True)
            bar.addWidget(button)
        self.each_button.setChecked(True)
        self.per_asset_button.setToolTip("How much of each asset you hold in all, and where")
        self.search = QLineEdit()
        # short enough to be read whole at 1024 px beside the two filters
        self.search.setPlaceholderText("Filter holdings…")
        self.search.setToolTip("Filter by asset, account, wallet or custodian")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Filter holdings")
        self.find_action = find_shortcut(self, self.search)
        self.account_box = QComboBox()
        self.account_box.setAccessibleName("Account filter")
        self.counterparty_box = QComboBox()
        self.counterparty_box.setAccessibleName("Custodian filter")
        # sized by a fixed number of characters, not by the longest account name (which
        # squeezed the filter field to nothing); the open list shows names whole
        for box in (self.account_box, self.counterparty_box):
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(12)
        bar.addWidget(self.search, 1)
        bar.addWidget(QLabel("Account"))
        bar.addWidget(self.account_box)
        bar.addWidget(QLabel("Custodian"))
        bar.addWidget(self.counterparty_box)
        self.export_button = export_button("holdings", self.export_requested.emit)
        bar.addWidget(self.export_button)
        layout.addLayout(bar)

        self.model = HoldingsModel(self)
        self.proxy = HoldingsFilter(self)
        self.proxy.setSourceModel(self.model)
        self.view = data_table(self.proxy, "Holdings table", sort_by=HoldingsModel.Columns.VALUE,
                               selection=Selection.ExtendedSelection, wrap=True)
        self.view.setObjectName("holdingsTable")
        header = self.view.horizontalHeader()
        # no Qt stretch section: the keeper below sizes every column, Account included
        header.setStretchLastSection(False)
        header.setHighlightSections(False)
        # at 1024 px Value and Share stay in view: padding and names give way first; in a
        # wide window the account's name takes the room left (no blank band at the right,
        # and a long name is read whole)
        self.widths = WidthKeeper(self.view, shrinkable=HoldingsModel.ELIDED, trim=True,
                                  fill=HoldingsModel.Columns.ACCOUNT)
        self.assets_model = AssetTotalsModel(self)
        self.assets_proxy = RowFilter(self)
        self.assets_proxy.setSourceModel(self.assets_model)
        self.assets_proxy.setFilterKeyColumn(-1)
        self.assets_proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.assets_view = data_table(self.assets_proxy, "Totals per asset",
                                      sort_by=AssetTotalsModel.Columns.VALUE,
                                      selection=Selection.ExtendedSelection)
        self.views = QStackedWidget()
        self.views.addWidget(self.view)
        self.views.addWidget(self.assets_view)
        self.per_asset_button.toggled.connect(self._show_per_asset)
        layout.addWidget(self.views, 1)
        self.summary = QLabel()
        self.summary.setAccessibleName("Holdings summary")
        layout.addWidget(self.summary)

        self.copy_action = QAction("Copy selected rows", self)
        self.copy_action.setShortcut(QKeySequence.StandardKey.Copy)
        self.copy_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.copy_action.triggered.connect(self.copy_selection)
        self.view.addAction(self.copy_action)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)

        self.search.textChanged.connect(self._on_filter_changed)
        self.account_box.currentTextChanged.connect(self._on_filter_changed)
        self.counterparty_box.currentTextChanged.connect(self._on_filter_changed)
        self._sized = False
        self.data: ViewData | None = None

    def _show_per_asset(self, on: bool) -> None:
        self.views.setCurrentWidget(self.assets_view if on else self.view)
        for widget in (self.account_box, self.counterparty_box):
            widget.setEnabled(not on)   # totals are across every account
        self._update_summary()

    def show_data(self, data: ViewData) -> None:
        self.data = data
        self.assets_model.currency = data.report.base_currency
        if self.assets_model.set_rows(asset_totals(data.report.accounts, data.report.net_worth)):
            fit_columns(self.assets_view, stretch=AssetTotalsModel.Columns.WHERE)
        changed = self.model.set_rows(holding_rows(data.report, data.directory))
        if changed:
            self._refill(self.account_box, sorted({r.account for r in self.model.rows}))
            self._refill(self.counterparty_box, sorted({r.counterparty for r in self.model.rows}))
        if changed and not self._sized and self.model.rowCount():
            fit_columns(self.view, elided=HoldingsModel.ELIDED)
            self.widths.fitted()
            self._sized = True
        self._update_summary()

    @staticmethod
    def _refill(box: QComboBox, items: list[str]) -> None:
        current = box.currentText()
        box.blockSignals(True)
        box.clear()
        box.addItems([ALL, *items])
        box.view().setMinimumWidth(box.view().sizeHintForColumn(0) + 24)
        index = box.findText(current)
        box.setCurrentIndex(index if index >= 0 else 0)
        box.blockSignals(False)

    def _on_filter_changed(self) -> None:
        self.proxy.set_text(self.search.text())
        self.assets_proxy.setFilterFixedString(self.search.text().strip())
        account = self.account_box.currentText()
        cp = self.counterparty_box.currentText()
        self.proxy.set_account("" if account == ALL else account)
        self.proxy.set_counterparty("" if cp == ALL else cp)
        self._update_summary()

    def _update_summary(self) -> None:
        if self.per_asset_button.isChecked():
            shown, total = self.assets_proxy.rowCount(), self.assets_model.rowCount()
            self.summary.setText(f"{shown} of {total} assets, each added up across all "
                                 "your accounts")
            return
        shown = self.proxy.rowCount()
        total = self.model.rowCount()
        rows = self.proxy.shown_rows()
        value = sum((r.value for r in rows if r.value is not None), start=0)
        unpriced = sum(1 for r in rows if r.value is None)
        cur = self.data.report.base_currency if self.data else ""
        text = f"{shown} of {total} holdings · {format_money(value, cur) if rows else '—'}"
        if unpriced:
            text += f" · {unpriced} unpriced (not in the total)"
        self.summary.setText(text)

    def selected_source_rows(self) -> list[int]:
        rows = {self.proxy.mapToSource(i).row() for i in self.view.selectionModel().selectedRows()}
        return sorted(rows)

    def copy_selection(self) -> None:
        rows = self.selected_source_rows()
        if rows:
            QApplication.clipboard().setText(self.model.copy_text(rows))
