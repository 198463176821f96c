"""Accounts > Replace API key…: a rotated key goes in, the history stays, a bad key changes
nothing; through the real dialog, ccxt and the Binance emulator."""

from __future__ import annotations

import json

import pytest

from exposure_app.storage.store import ProfileStore
from tests.ui.add_exchange_steps import save_refused

NEW_KEY = "gui-rotated-key-7c1e"
NEW_SECRET = "gui-rotated-secret-93ab5d"


@pytest.fixture
def binance_account(binance_emulator, data_dir, add_exchange_account):
    """(emulator, account): "Binance main" on the served Binance emulator, key in the keyring."""
    with ProfileStore.open(data_dir) as store:
        account = add_exchange_account(store, "Binance main", binance_emulator, timeout_seconds=10)
    return binance_emulator, account


def _open_dialog(qtbot, window, account):
    window.show_page("accounts")
    window.accounts.select_account(account.id)
    assert window.accounts.key_action.isEnabled()
    dialog = window.accounts.replace_key()
    qtbot.waitUntil(dialog.fields_loaded, timeout=30000)
    return dialog


def _stored(memory_keyring, account) -> dict:
    return json.loads(memory_keyring.entries[("io.github.exposure_app.Exposure",
                                              account.options["secret_ref"])])


def _snapshots(window) -> int:
    return window.state.store.db.execute("SELECT count(*) FROM snapshots").fetchone()[0]


@pytest.mark.slow
def test_a_rotated_key_replaces_the_old_one_and_the_account_syncs_again(
        qtbot, make_window, data_dir, binance_account, memory_keyring):
    emulator, account = binance_account
    window = make_window(data_dir)
    with qtbot.waitSignal(window.sync.bridge.run_finished, timeout=60000):
        window.sync.sync_all()
    history = _snapshots(window)
    old = _stored(memory_keyring, account)
    emulator.account.api_key, emulator.account.secret = NEW_KEY, NEW_SECRET  # rotated there

    dialog = _open_dialog(qtbot, window, account)
    assert list(dialog.fields.edits) == ["apiKey", "secret"]
    assert dialog.fields.edits["secret"].echoMode() == dialog.fields.edits[
        "secret"].echoMode().Password
    # a wrong secret: tested, refused, nothing written
    dialog.fields.edits["apiKey"].setText(NEW_KEY)
    assert "old one was kept" in save_refused(qtbot, dialog)
    assert dialog.isVisible() and _stored(memory_keyring, account) == old

    dialog.fields.edits["secret"].setText(NEW_SECRET)
    with qtbot.waitSignal(window.sync.bridge.run_finished, timeout=60000) as finished:
        dialog.save_button.click()   # tests, replaces, then the account syncs
    assert dialog.result() == dialog.DialogCode.Accepted
    assert [r.status.value for r in finished.args[0].report.results] == ["ok"]
    assert _stored(memory_keyring, account) == {"apiKey": NEW_KEY, "secret": NEW_SECRET}
    assert len(memory_keyring.entries) == 1
    assert _snapshots(window) == history + 1          # the history stayed, one more snapshot
    assert window.state.store.exchange_state.permissions(account.id)[0].level.value == "read_only"


def test_a_key_that_can_trade_needs_a_second_deliberate_click(
        qtbot, make_window, data_dir, binance_account, memory_keyring):
    emulator, account = binance_account
    window = make_window(data_dir)
    old = _stored(memory_keyring, account)
    emulator.account.permissions = frozenset({"read", "trade"})
    dialog = _open_dialog(qtbot, window, account)
    for name, value in emulator.account.credentials().items():
        dialog.fields.edits[name].setText(value)
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.check is not None, timeout=30000)
    assert "TRADE" in dialog.result_label.text() and "read-only key" in dialog.result_label.text()
    assert dialog.save_button.text() == "Replace anyway"
    assert dialog.isVisible() and _stored(memory_keyring, account) == old
    with qtbot.waitSignal(dialog.key_replaced):
        dialog.save_button.click()
    assert window.state.store.exchange_state.permissions(account.id)[0].level.value == "trade"
    # editing a field after a test means testing again before anything is stored
    dialog2 = _open_dialog(qtbot, window, account)
    dialog2.fields.edits["apiKey"].setText("x")
    dialog2.fields.edits["secret"].setText("y")
    assert not dialog2.save()
    qtbot.waitUntil(lambda: dialog2.check is not None, timeout=30000)
    dialog2.fields.edits["secret"].setText("z")
    assert dialog2.save_button.text() == "Test and replace"
    assert not dialog2.save()                           # a new test, not a replacement
    dialog2.reject()


def _menu_texts(page, account_id) -> list[str]:
    page.select_account(account_id)
    row = page.view.selectionModel().selectedRows()[0].row()
    pos = page.view.visualRect(page.proxy.index(row, 0)).center()
    menu = page._context_menu(pos)
    texts = [a.text() for a in menu.actions() if not a.isSeparator()]
    menu.close()
    return texts


def test_only_exchange_accounts_offer_a_key_and_empty_fields_are_named(
        qtbot, make_window, data_dir, binance_account, memory_keyring):
    from exposure_app.domain.models import AccountKind

    _, account = binance_account
    with ProfileStore.open(data_dir) as store:
        wallet = store.accounts.add("Ledger", AccountKind.SELF_CUSTODY)
    window = make_window(data_dir)
    window.show_page("accounts")
    page = window.accounts
    page.view.clearSelection()
    assert not page.more_button.isEnabled()               # nothing selected, nothing to do
    # the context menu offers what applies to the account under the mouse, and only that
    assert _menu_texts(page, wallet.id) == ["Edit holdings…", "Rename…", "Remove…"]
    assert _menu_texts(page, account.id) == [
        "Sync this account", "Connection…", "Replace API key…", "Rename…", "Remove…"]
    assert page.more_button.isEnabled()
    assert [a.text() for a in page.more_button.menu().actions()] == [
        "Connection…", "Replace API key…", "Rename…"]
    page.select_account(wallet.id)
    assert not page.key_action.isEnabled() and page.more_button.isEnabled()   # rename
    assert page.replace_key() is None
    dialog = _open_dialog(qtbot, window, account)
    dialog.fields.edits["apiKey"].setText("only-the-key")
    assert not dialog.save()
    assert "Fill in: API secret." in dialog.result_label.text()
    assert dialog.check is None                          # nothing was sent anywhere
    dialog.reject()
