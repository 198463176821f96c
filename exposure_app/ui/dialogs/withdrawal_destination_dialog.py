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

from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from exposure_app.domain.checklist_rows import ChecklistRow
from exposure_app.services.withdrawal_confirmations import (
    DestinationError,
    clear_destination,
    destination_choices,
    set_destination,
)
from exposure_app.storage.store import ProfileStore
from exposure_app.ui.dialogs.form_dialog import FormDialog
from exposure_app.ui.dialogs.watch_address_dialog import warm_key_library
from exposure_app.ui.widgets.card_frames import muted, plain_text

NONE = "(no destination)"


class WithdrawalDestinationDialog(FormDialog):
    """Threading: GUI thread (see module docstring)."""

    def __init__(self, store: ProfileStore, plan_id: int, row: ChecklistRow,
                 parent: QWidget | None = None) -> None:
        super().__init__("Send to a watched address", parent)
        self.store, self.plan_id, self.row = store, plan_id, row
        self.body.addWidget(plain_text(QLabel(f"{row.title}: where will the {row.asset} go?")))
        self.account_combo = QComboBox(self)
        self.account_combo.addItem(NONE)
        choices = destination_choices(store, row.asset or "")
        self.account_combo.addItems(choices)
        current = row.withdrawal
        if current is not None and current.account_name in choices:
            self.account_combo.setCurrentText(current.account_name)
        self.address_edit = QLineEdit(self)
        self.address_edit.setPlaceholderText("optional: one of an xpub's receive addresses")
        if current is not None:
            self.address_edit.setText(current.address)
        self.add_fields(("Watched account", self.account_combo), ("Address", self.address_edit))
        if not choices:
            self.body.addWidget(muted(f"No watch-only account can receive {row.asset}. Add one "
                                      "with Accounts → Add watch-only address…"))
        if current is not None and current.confirmed:
            self.body.addWidget(muted(f"Arrived: {current.amount} {row.asset} in {current.txid}."
                                      if current.txid else
                                      f"Arrived: {current.amount} {row.asset}; {current.basis}."))
        self.body.addWidget(muted("A sync ticks the item when the amount (less the network fee) "
                                  "arrives there after the plan was made."))
        self.finish(self.save)
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
            self.show_error(str(exc))
            return
        self.accept()
