"""Add a self-custody wallet or a custodian whose balances the user records by hand.

Threading: GUI thread only.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QLineEdit,
    QRadioButton,
    QWidget,
)

from exposure_app.domain.counterparties import CounterpartyKind
from exposure_app.domain.models import Account, AccountKind
from exposure_app.services.accounts import custodian_for_account
from exposure_app.storage.errors import StorageError
from exposure_app.storage.store import ProfileStore
from exposure_app.ui.dialogs.form_dialog import FormDialog
from exposure_app.ui.formatting import sentence


class _Refused(Exception):
    """What is wrong with the form, as shown to the user; nothing was added."""


class ManualAccountDialog(FormDialog):
    def __init__(self, store: ProfileStore, parent: QWidget | None = None) -> None:
        super().__init__("Add a wallet or custodian", parent)
        self.store = store
        self.account: Account | None = None
        self.self_custody = QRadioButton("Self-custody wallet (hardware, software or paper)")
        self.custodial = QRadioButton("Held by a custodian I record by hand (exchange, lender…)")
        self.self_custody.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.self_custody)
        group.addButton(self.custodial)
        self.body.addWidget(self.self_custody)
        self.body.addWidget(self.custodial)
        self.name = QLineEdit()
        self.name.setPlaceholderText("e.g. Ledger, Cold storage, Celsius")
        self.counterparty = QComboBox()
        self.counterparty.setEditable(True)
        directory = store.risk.directory()   # the profile's own custodians too
        for cp in sorted(directory, key=lambda c: c.name.casefold()):
            if cp.kind not in (CounterpartyKind.STABLECOIN_ISSUER, CounterpartyKind.TRADING_FIRM):
                self.counterparty.addItem(cp.name, cp.id)
        self.counterparty.setCurrentIndex(-1)
        typed = self.counterparty.lineEdit()   # it exists: the box is editable
        if typed is not None:
            typed.setPlaceholderText("Choose or type a custodian")
        self.add_fields(("Name", self.name), ("Custodian", self.counterparty))
        self.name.setAccessibleName("Account name")   # "Name" alone says too little
        self.new_custodian = QCheckBox(
            "Create a new custodian with this name (not in the catalogue: no risk history)")
        self.form.addRow("", self.new_custodian)
        self.finish(self.save)
        self.self_custody.toggled.connect(self._update)
        self._update()

    def _update(self) -> None:
        self.counterparty.setEnabled(self.custodial.isChecked())
        self.new_custodian.setEnabled(self.custodial.isChecked())

    def counterparty_id(self) -> str | None:
        text = self.counterparty.currentText().strip()
        if not text:
            return None
        index = self.counterparty.findText(text)
        if index >= 0 and self.counterparty.itemData(index):
            return str(self.counterparty.itemData(index))
        if self.new_custodian.isChecked():
            return custodian_for_account(self.store, new_custodian=text)
        return custodian_for_account(self.store, text.replace(" ", "_"))

    def save(self) -> None:
        try:
            # one transaction: a new custodian is kept only with the account made for it
            with self.store.transaction():
                self.account = self._add()
        except _Refused as refused:
            self.show_error(str(refused))
            return
        self.accept()

    def _add(self) -> Account:
        """The account the form describes, added; :class:`_Refused` says what is wrong."""
        kind = AccountKind.SELF_CUSTODY if self.self_custody.isChecked() \
            else AccountKind.MANUAL_CUSTODIAL
        try:
            cp = None if kind is AccountKind.SELF_CUSTODY else self.counterparty_id()
        except ValueError as exc:   # unknown custodian: the closest ones are named
            raise _Refused(str(exc).replace("--new-custodian NAME", "the box below")
                           .capitalize()) from None
        if kind is AccountKind.MANUAL_CUSTODIAL and not cp:
            raise _Refused("Choose the custodian that holds these assets.")
        try:
            return self.store.accounts.add(self.name.text(), kind, counterparty=cp)
        except (ValueError, StorageError) as exc:
            raise _Refused(sentence(str(exc))) from None   # the name keeps its case
