"""One duration format: the connection timeout reads like the Settings' sync timeout ("30 s")."""

from __future__ import annotations


def _exchange_account(data_dir, secret_store, name: str, timeout: float):
    from exposure_app.exchanges.client_factory import ConnectionOptions
    from exposure_app.services.exchange_accounts import create_exchange_account
    from exposure_app.storage.store import ProfileStore

    store = ProfileStore.open(data_dir)
    try:
        return create_exchange_account(
            store, secret_store, name=name, exchange_id="kraken",
            credentials={"apiKey": "k", "secret": "c2VjcmV0"},
            connection=ConnectionOptions(timeout_seconds=timeout))
    finally:
        store.close()


def test_the_connection_dialog_shows_seconds_as_the_settings_page_does(
        qtbot, make_window, data_dir, secret_store):
    from exposure_app.ui.dialogs.connection_dialog import ConnectionDialog

    whole = _exchange_account(data_dir, secret_store, "Kraken", 10)
    fraction = _exchange_account(data_dir, secret_store, "Kraken 2", 2.5)
    window = make_window(data_dir)
    window.show_page("settings")
    assert window.settings_page.editors["sync_timeout_seconds"].text() == "30 s"

    dialog = ConnectionDialog(window.state.store, whole, secret_store=secret_store)
    qtbot.addWidget(dialog)
    assert dialog.timeout.text() == "10 s"
    dialog.timeout.setValue(45)
    assert dialog.timeout.text() == "45 s"
    dialog.reject()

    # a fraction set from the command line (--timeout 2.5) is shown and kept, not rounded
    dialog = ConnectionDialog(window.state.store, fraction, secret_store=secret_store)
    qtbot.addWidget(dialog)
    assert dialog.timeout.text() == "2.5 s"
    with qtbot.waitSignal(dialog.accepted):
        assert dialog.save()
    assert window.state.store.accounts.get(fraction.id).options["timeout_seconds"] == 2.5
