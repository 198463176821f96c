"""Edit the holdings of a manual or self-custody account.

Every change writes a new snapshot (the previous holdings with one asset
changed), so the history keeps what was held before. A price or a total value
in the base currency may be given and is kept as given; without one the asset
follows the market: valued at the last price a sync stored, re-valued by each
sync, and unpriced until a price is known.

"As of" dates the change (like the CLI's ``--date``): a balance recorded
late goes into the history on the day it was true, never in the future.
Selecting a row fills the whole form with that holding (asset, amount, and
the price or value the user gave), so changing one figure is one edit.

Threading: GUI thread only.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateTimeEdit,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from exposure_app.domain.models import Account
from exposure_app.domain.money import AmountError, parse_decimal, to_text
from exposure_app.domain.timeutil import utc_now
from exposure_app.services.manual_holdings import ManualHoldingError, remove_holding, set_holding
from exposure_app.storage.store import ProfileStore
from exposure_app.ui.dialogs.form_dialog import Buttons, FormDialog
from exposure_app.ui.formatting import DATE_TIME_EDIT_FORMAT, format_amount, format_money, utc_datetime
from exposure_app.ui.models import RIGHT
from exposure_app.ui.widgets.card_frames import muted


class HoldingsEditorDialog(FormDialog):
    def __init__(self, store: ProfileStore, account: Account, currency: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(f"Holdings of {account.name}", parent)
        self.store = store
        self.account = account
        self.currency = currency
        self.changed = False
        self.resize(640, 460)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["Asset", "Amount", "Price", "Value"])
        self.table.setAccessibleName("Current holdings")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._on_selected)
        self.body.addWidget(self.table, 1)
        self.empty_note = muted("Nothing recorded for this account yet: enter an asset and its "
                                "amount below, then Set holding.")
        self.empty_note.setAccessibleName("No holdings")
        self.body.addWidget(self.empty_note)
        self.asset = QLineEdit()
        self.asset.setPlaceholderText("BTC")
        self.amount = QLineEdit()
        self.amount.setPlaceholderText("0.5")
        self.price = QLineEdit()
        self.price.setPlaceholderText(f"optional, in {currency}")
        self.value = QLineEdit()
        self.value.setPlaceholderText(f"optional total, in {currency} (instead of a price)")
        self.when = QDateTimeEdit(QDateTime.currentDateTime())
        self.when.setDisplayFormat(DATE_TIME_EDIT_FORMAT)
        self.when.setCalendarPopup(True)
        self.when.setMaximumDateTime(QDateTime.currentDateTime().addSecs(60))
        self.when.setToolTip("When the account held this amount (now, or an earlier date)")
        self.add_fields(("Asset", self.asset), ("Amount", self.amount), ("Price", self.price),
                        ("Value", self.value), ("As of", self.when))
        row = QHBoxLayout()
        self.set_button = QPushButton("Set holding")
        self.remove_button = QPushButton("Remove selected")
        self.set_button.clicked.connect(self.apply)
        self.remove_button.clicked.connect(self.remove_selected)
        row.addWidget(self.set_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        self.body.addLayout(row)
        self.finish(self.accept, buttons=Buttons.Close, on_reject=self.accept)
        self.reload()

    def reload(self) -> None:
        snapshot = self.store.snapshots.latest_usable(self.account.id, utc_now())
        holdings = snapshot.holdings if snapshot else ()
        self._holdings = list(holdings)
        self.table.setRowCount(len(holdings))
        self.empty_note.setVisible(not holdings)
        for i, h in enumerate(holdings):
            cells = [h.asset, format_amount(h.total),
                     format_money(h.price, self.currency, with_currency=False),
                     format_money(h.value, self.currency) if h.value is not None else "unpriced"]
            for j, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if j:
                    item.setTextAlignment(RIGHT)
                self.table.setItem(i, j, item)
        self.remove_button.setEnabled(False)

    def _on_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        self.remove_button.setEnabled(bool(rows))
        if not rows:
            return
        h = self._holdings[rows[0].row()]
        self.asset.setText(h.asset)
        self.amount.setText(to_text(h.total))
        given = h.price_source == "manual"    # a price of the user's own, not the market's
        self.price.setText(to_text(h.price) if given and h.price is not None else "")
        self.value.setText("")

    @staticmethod
    def _optional(edit: QLineEdit, name: str) -> Decimal | None:
        text = edit.text().strip()
        return parse_decimal(text, field=name) if text else None

    def apply(self) -> bool:
        try:
            amount = parse_decimal(self.amount.text(), field="amount")
            price = self._optional(self.price, "price")
            value = self._optional(self.value, "value")
            when = utc_datetime(self.when.dateTime())
            if when > utc_now() + timedelta(minutes=5):
                raise ManualHoldingError("the date is in the future")
            set_holding(self.store, self.account, self.asset.text(), amount, price=price,
                        value=value, base=self.currency, when=when)
        except (AmountError, ManualHoldingError) as exc:
            self.show_error(f"Not saved: {exc}.")
            return False
        self.show_error("")
        self.changed = True
        for edit in (self.asset, self.amount, self.price, self.value):
            edit.clear()
        self.reload()
        return True

    def remove_selected(self) -> None:
        for index in self.table.selectionModel().selectedRows():
            item = self.table.item(index.row(), 0)
            if item is None:
                continue
            asset = item.text()
            try:
                remove_holding(self.store, self.account, asset)
            except ManualHoldingError as exc:
                self.show_error(f"Not removed: {exc}.")
                return
        self.changed = True
        self.reload()
