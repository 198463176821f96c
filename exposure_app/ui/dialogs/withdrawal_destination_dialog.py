"""Choose the watched address a checklist withdrawal is sent to.

Lists the watch-only accounts whose chain can receive the item's asset (the
same check ``checklist --destination`` makes); for an extended key an
address among its first 20 receive addresses may be given (default: the
first). Once set, the next sync that sees the amount arrive ticks the item
with the transaction id. "No destination" removes it.

Threading: GUI thread; bip-utils is imported on a background thread when the
dialog opens (joined in :meth:`done`); the rest is one or two rows in the GUI's store.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from exposure_app.domain.checklist_rows import ChecklistRow
from exposure_app.services.withdrawal_confirmations import (
    DestinationError,
    clear_destination,
    destination_choices,
    set_destination,
)
from exposure_app.storage.store import ProfileStore
from exposure_app.ui.dialogs.watch_address_dialog import warm_key_library
from exposure_app.ui.widgets.card_frames import ERROR_COLOUR, muted

NONE = "(no destination)"


class WithdrawalDestinationDialog(QDialog):
    """Threading: GUI thread (see module docstring)."""

    def __init__(self, store: ProfileStore, plan_id: int, row: ChecklistRow,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store, self.plan_id, self.row = store, plan_id, row
        self.setWindowTitle("Send to a watched address")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(f"{row.title}: where will the {row.asset} go?"))
        form = QFormLayout()
        self.account_combo = QComboBox(self)
        self.account_combo.addItem(NONE)
        choices = destination_choices(store, row.asset or "")
        self.account_combo.addItems(choices)
        current = row.withdrawal
        if current is not None and current.account_name in choices:
            self.account_combo.setCurrentText(current.account_name)
        form.addRow("Watched account", self.account_combo)
        self.address_edit = QLineEdit(self)
        self.address_edit.setPlaceholderText("optional: one of an xpub's receive addresses")
        if current is not None:
            self.address_edit.setText(current.address)
        form.addRow("Address", self.address_edit)
        layout.addLayout(form)
        if not choices:
            layout.addWidget(muted(f"No watch-only account can receive {row.asset}. Add one with "
                                   "Accounts → Add watch-only address…"))
        if current is not None and current.confirmed:
            layout.addWidget(muted(f"Arrived: {current.amount} {row.asset} in {current.txid}."
                                   if current.txid else
                                   f"Arrived: {current.amount} {row.asset}; {current.basis}."))
        layout.addWidget(muted("A sync ticks the item when the amount (less the network fee) "
                               "arrives there after the plan was made."))
        self.error_label = QLabel(self)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.error_label.hide()
        layout.addWidget(self.error_label)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._warm = warm_key_library()   # an xpub's addresses are derived on Save

    def done(self, result: int) -> None:
        self._warm.join(30)
        super().done(result)

    def save(self) -> None:
        name = self.account_combo.currentText()
        try:
            if name == NONE:
                clear_destination(self.store, self.plan_id, self.row.item_key)
            else:
                address = self.address_edit.text().strip() or None
                set_destination(self.store, self.plan_id, self.row.item_key, name, address)
        except DestinationError as exc:
            self.error_label.setText(str(exc))
            self.error_label.show()
            return
        self.accept()
