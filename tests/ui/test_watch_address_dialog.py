"""The "Add watch-only address" dialog: a pasted secret is cleared at once and never
saved; an address is saved through the same service as the CLI."""

from __future__ import annotations

from exposure_app.domain.watch_only import watch_target_of
from exposure_app.ui.dialogs.watch_address_dialog import WatchAddressDialog

XPRV = ("xprv9xpXFhFpqdQK3TmytPBqXtGSwS3DLjojFhTGht8gwAAii8py5X6pxeBnQ6ehJiyJ6nDjWGJfZ95W"
        "xByFXVkDxHXrqu53WCRGypk2ttuqncb")


def test_pasted_private_key_is_cleared_and_nothing_saved(qtbot, store, data_dir):
    dialog = WatchAddressDialog(store)
    qtbot.addWidget(dialog)
    dialog.name_edit.setText("Oops")
    dialog.target_edit.setText(XPRV)
    assert dialog.target_edit.text() == ""
    assert "Refused" in dialog.error.text() and XPRV not in dialog.error.text()
    dialog.save()
    assert store.accounts.list() == []
    assert dialog.result() != WatchAddressDialog.DialogCode.Accepted
    store.db.conn.commit()
    for path in data_dir.rglob("*"):       # the database, its WAL, settings, logs
        assert not path.is_file() or XPRV[:40].encode() not in path.read_bytes(), path


def test_address_saved_with_own_server(qtbot, store):
    dialog = WatchAddressDialog(store)
    qtbot.addWidget(dialog)
    dialog.name_edit.setText("Ledger ETH")
    dialog.chain_combo.setCurrentIndex(dialog.chain_combo.findData("ethereum"))
    dialog.target_edit.setText("0xdAC17F958D2ee523a2206206994597C13D831Ec7")   # bad checksum
    dialog.save()
    assert "EIP-55" in dialog.error.text() and store.accounts.list() == []
    dialog.target_edit.setText("0xdAC17F958D2ee523a2206206994597C13D831ec7")
    dialog.url_edit.setText("http://127.0.0.1:8545")
    with qtbot.waitSignal(dialog.account_created, timeout=1000) as signal:
        dialog.save()
    [account] = store.accounts.list()
    assert signal.args == [account] and account.options["api_url"] == "http://127.0.0.1:8545"
    assert watch_target_of(account.options).chain == "ethereum"
