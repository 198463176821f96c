"""The checklist page's "Send to watched address…": the dialog lists the watch-only accounts
that can receive the asset and stores the destination the next sync checks."""

from __future__ import annotations

from PySide6.QtCore import Qt

from exposure_app.services.watch_accounts import add_watch_account
from exposure_app.storage.store import ProfileStore
from exposure_app.storage.watch import WatchRepository
from tests.checklist.helpers import populated_state, shown_checklist_page

from .test_watch_input import ZPUB_84

FIRST_RECEIVE = "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu"


def test_destination_picker_on_a_withdrawal_item(qtbot, data_dir):
    def add_watch_accounts(store: ProfileStore) -> None:
        add_watch_account(store, "Cold zpub", "bitcoin", ZPUB_84)
        add_watch_account(store, "Ledger ETH", "ethereum", "0x" + "ab" * 20)

    with populated_state(data_dir, add_watch_accounts) as state:
        page = shown_checklist_page(qtbot, state)
        page.scope.setCurrentIndex(page.scope.findData("binance"))
        qtbot.mouseClick(page.make_button, Qt.MouseButton.LeftButton)
        row = next(r for r in page.model.rows if r.item_key == "asset:binance:BTC")
        dialog = page.choose_destination(row)
        qtbot.addWidget(dialog)
        choices = [dialog.account_combo.itemText(i) for i in range(dialog.account_combo.count())]
        assert choices == ["(no destination)", "Cold zpub"]     # ETH cannot receive BTC
        dialog.account_combo.setCurrentText("Cold zpub")
        dialog.address_edit.setText("1LqBGSKuX5yYUonjxT5qGfpUsXKYYWeabA")   # not this key's
        dialog.save()
        assert dialog.error.isVisible() and not WatchRepository(state.store).destinations()
        dialog.address_edit.clear()
        dialog.save()
        [destination] = WatchRepository(state.store).destinations()
        assert (destination.item_key, destination.address) == ("asset:binance:BTC", FIRST_RECEIVE)
        row = next(r for r in page.model.rows if r.item_key == "asset:binance:BTC")
        assert row.withdrawal is not None and row.withdrawal.account_name == "Cold zpub"
