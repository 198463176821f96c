"""Add an exchange account against a loopback emulator, sync, see the exposure and a
warning, move the as-of date, see the warnings change; and the trade-key warning."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from exposure_app.emulator.registry import emulator_class
from exposure_app.ui.models.accounts_model import AccountsModel
from tests.ui.add_exchange_steps import choose, fill, open_add_exchange, save_refused


@pytest.mark.slow
def test_add_exchange_sync_and_see_exposure_and_warnings(qtbot, make_window, data_dir,
                                                         binance_emulator, memory_keyring):
    emulator = binance_emulator
    window = make_window(data_dir)
    assert window.stack.currentWidget() is window.welcome

    dialog = window.accounts.add_exchange()
    choose(qtbot, dialog, "binance")
    # exactly the credentials binance needs, the secret masked, advanced options folded
    assert list(dialog.fields.edits) == ["apiKey", "secret"]
    assert dialog.fields.edits["secret"].echoMode() == dialog.fields.edits[
        "secret"].echoMode().Password
    assert not dialog.advanced.isVisibleTo(dialog)
    fill(dialog, emulator)
    dialog.name.setText("Binance main")
    with qtbot.waitSignal(window.sync.bridge.run_finished, timeout=60000) as finished:
        dialog.save_button.click()   # tests the key, saves, then the account syncs
    report = finished.args[0].report
    assert [r.status.value for r in report.results] == ["ok"]
    assert dialog.account is not None and dialog.result() == dialog.DialogCode.Accepted
    # the secret went to the keyring only
    assert any(emulator.account.secret in v for v in memory_keyring.entries.values())

    window.state.refresh_now()
    data = window.state.data
    binance = data.report.counterparty("binance")
    assert binance is not None and binance.direct > 0
    assert window.stack.currentWidget() is window.overview
    assert [r.counterparty for r in window.overview.bars.rows] == ["binance"]
    warned = {w.counterparty: w for w in data.warnings}
    assert "binance" in warned, "all of the net worth is with one custodian"
    assert window.overview.risk_card.value.text() != "None"
    # the accounts page shows status, coverage and the key's permissions
    window.show_page("accounts")
    accounts = window.accounts.model
    row = accounts.rows[0]
    assert row.state == "ok" and "spot" in row.coverage
    assert accounts.index(0, AccountsModel.Columns.PERMISSIONS).data() == "Read-only"

    # the day before the account existed: no exposure, so no warning for Binance
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date()
    window.history.set_day(yesterday)
    past = window.state.data
    assert not past.live and past.report.counterparty("binance") is None
    assert "binance" not in {w.counterparty for w in past.warnings}
    window.show_page("overview")
    assert window.overview.net_worth.value.text().startswith("0.00")
    window.state.set_as_of(None)
    assert "binance" in {w.counterparty for w in window.state.data.warnings}


@pytest.mark.slow
def test_a_key_that_can_trade_is_flagged_before_saving(qtbot, make_window, data_dir,
                                                       binance_emulator, memory_keyring):
    binance_emulator.account.permissions = frozenset({"read", "trade"})
    dialog = open_add_exchange(qtbot, make_window(data_dir), binance_emulator)
    dialog.test_key()
    qtbot.waitUntil(lambda: dialog.check is not None, timeout=30000)
    text = dialog.result_label.text()
    assert "TRADE" in text and "read-only key" in text
    from exposure_app.ui.widgets.card_frames import ERROR_COLOUR

    assert f"<b style='color:{ERROR_COLOUR}'>" in text          # the warning stands out in red
    assert dialog.account is None, "testing never saves"
    assert not memory_keyring.entries
    dialog.reject()


@pytest.mark.slow
def test_a_wrong_secret_is_refused_and_nothing_is_stored(qtbot, make_window, data_dir,
                                                         binance_emulator, memory_keyring):
    window = make_window(data_dir)
    dialog = open_add_exchange(qtbot, window, binance_emulator)
    assert "test failed" in save_refused(qtbot, dialog)
    assert dialog.account is None and not memory_keyring.entries
    assert window.state.store.accounts.list() == []
    dialog.reject()




@pytest.mark.slow
def test_sync_this_account_shows_progress_and_can_be_cancelled(qtbot, make_window, data_dir,
                                                                add_exchange_account):
    from PySide6.QtCore import Qt

    from exposure_app.storage.store import ProfileStore

    with ProfileStore.open(data_dir) as store:
        account = add_exchange_account(store, "Slow Binance",
                                       emulator_class("binance").sample(latency=0.5),
                                       timeout_seconds=20)
    window = make_window(data_dir)
    window.show_page("accounts")
    window.accounts.select_account(account.id)
    with qtbot.waitSignal(window.sync.bridge.account_started, timeout=60000):
        qtbot.keyClick(window, Qt.Key.Key_R,
                       Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert window.sync.is_running and window.cancel_action.isEnabled()
    assert not window.sync_all_action.isEnabled()
    qtbot.waitUntil(lambda: window.accounts.model.rows[0].state == "syncing", timeout=10000)
    assert window.sync.progress.isVisible()
    with qtbot.waitSignal(window.sync.bridge.run_finished, timeout=60000) as finished:
        window.cancel_action.trigger()
    report = finished.args[0].report
    assert report.cancelled
    assert [r.status.value for r in report.results] == ["cancelled"]
    assert window.statusBar().currentMessage() == "Sync cancelled."
    assert not window.cancel_action.isEnabled() and window.sync_all_action.isEnabled()
    assert window.state.store.snapshots.latest_usable(account.id, report.finished_at) is None


@pytest.mark.slow
def test_automatic_sync_runs_on_the_interval(qtbot, make_window, data_dir,
                                             add_exchange_account):
    from exposure_app.storage.store import ProfileStore

    emulator = emulator_class("kraken").sample()
    with ProfileStore.open(data_dir) as store:
        add_exchange_account(store, "Kraken", emulator, timeout_seconds=20)
    window = make_window(data_dir)
    assert window.sync.auto_timer.isActive()
    assert window.sync.auto_timer.interval() == 60 * 60_000   # the default setting
    # Fire once, soon: the timer is stopped as soon as its sync starts, so a loaded machine
    # cannot queue a second automatic sync that is still running when the test ends.
    window.sync.running_changed.connect(lambda running: running and window.sync.auto_timer.stop())
    window.sync.auto_timer.setInterval(50)
    with qtbot.waitSignal(window.sync.bridge.run_finished, timeout=60000) as finished:
        pass
    assert [r.status.value for r in finished.args[0].report.results] == ["ok"]
    assert not window.sync.auto_timer.isActive()


def test_edit_an_exchange_accounts_connection(qtbot, make_window, data_dir, secret_store):
    from exposure_app.exchanges.client_factory import ConnectionOptions
    from exposure_app.services.exchange_accounts import create_exchange_account
    from exposure_app.storage.secrets import SECRET_REF_OPTION
    from exposure_app.storage.store import ProfileStore

    store = ProfileStore.open(data_dir)
    try:
        account = create_exchange_account(
            store, secret_store, name="Kraken", exchange_id="kraken",
            credentials={"apiKey": "k", "secret": "c2VjcmV0"},
            connection=ConnectionOptions(timeout_seconds=30))
    finally:
        store.close()
    window = make_window(data_dir)
    window.show_page("accounts")
    window.accounts.select_account(account.id)
    dialog = window.accounts.edit_selected()
    dialog.proxy.setText("ftp://nope")
    assert not dialog.save() and "proxy" in dialog.error.text()
    dialog.proxy.setText("socks5://127.0.0.1:9050")
    dialog.api_url.setText("https://api.example.org")
    dialog.timeout.setValue(12)
    with qtbot.waitSignal(dialog.accepted):
        assert dialog.save()
    saved = window.state.store.accounts.get(account.id).options
    assert saved["proxy"] == "socks5://127.0.0.1:9050" and saved["timeout_seconds"] == 12
    assert saved["api_url"] == "https://api.example.org"
    assert saved[SECRET_REF_OPTION] == account.options[SECRET_REF_OPTION]


def test_a_coinbase_pem_secret_pasted_from_the_clipboard_is_tested_and_stored_whole(
        qtbot, make_window, data_dir, emulators, memory_keyring):
    import json

    from PySide6.QtWidgets import QApplication

    emulator = emulator_class("coinbase").sample()
    emulators.add(emulator)
    pem = emulator.account.secret.strip()
    window = make_window(data_dir)
    dialog = window.accounts.add_exchange()
    choose(qtbot, dialog, "coinbase")
    dialog.fields.edits["apiKey"].setText(emulator.account.api_key)
    QApplication.clipboard().setText(pem + "\n")            # copied from the key file
    dialog.fields.edits["secret"].paste()
    dialog.advanced_toggle.setChecked(True)
    dialog.api_url.setText(emulator.base_url)
    with qtbot.waitSignal(window.sync.bridge.run_finished, timeout=60000) as finished:
        dialog.save_button.click()
    assert [r.status.value for r in finished.args[0].report.results] == ["ok"]
    assert emulator.auth_schemes and set(emulator.auth_schemes) == {"jwt-es256"}
    (stored,) = [json.loads(v) for v in memory_keyring.entries.values()]
    assert stored["secret"] == pem and stored["secret"].count("\n") >= 3
    QApplication.clipboard().clear()
