"""The dialogs built on FormDialog share one shape: every field is found by its label's
accessible name, the error line stays hidden until a save fails, then says why and the
dialog stays open."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog, QLabel, QWidget

from exposure_app.ui.dialogs.manual_account_dialog import ManualAccountDialog
from exposure_app.ui.dialogs.watch_address_dialog import WatchAddressDialog
from exposure_app.ui.dialogs.withdrawal_test_dialog import WithdrawalTestDialog


def named(dialog: QDialog, name: str) -> QWidget:
    [widget] = [w for w in dialog.findChildren(QWidget) if w.accessibleName() == name]
    return widget


CASES = {
    "watch": (lambda store: WatchAddressDialog(store),
              ("Name", "Chain", "Address or xpub", "Address type", "Server URL"), "address"),
    "manual": (lambda store: ManualAccountDialog(store), ("Account name", "Custodian"),
               "custodian"),
    "test": (lambda store: WithdrawalTestDialog(store, []),
             ("Custodian", "Result", "When", "Asset", "Network", "Note"), "no custodian"),
}


@pytest.mark.parametrize("case", CASES)
def test_fields_named_and_error_shown_only_when_saving_fails(qtbot, store, case):
    make, fields, words = CASES[case]
    dialog = make(store)
    qtbot.addWidget(dialog)
    if isinstance(dialog, ManualAccountDialog):
        dialog.custodial.setChecked(True)     # a custodian is needed and none is chosen
    dialog.show()
    qtbot.waitExposed(dialog)
    for name in fields:
        assert named(dialog, name).isVisible(), name
    error = named(dialog, "Error")
    assert isinstance(error, QLabel) and error is dialog.error
    assert not error.isVisible()
    dialog.save()
    assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
    assert error.isVisible() and words in error.text().lower()
    assert store.accounts.list() == []
