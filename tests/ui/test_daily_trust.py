"""Trust in daily use: a failed key test never saves silently, and what the GUI shows adds up."""

from __future__ import annotations

import socket

import pytest

from exposure_app.emulator.registry import emulator_class
from tests.ui.test_exchange_flow import _choose, _fill


def _closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.mark.slow
def test_a_failed_key_test_keeps_the_dialog_open_until_corrected_or_saved_anyway(
        qtbot, make_window, data_dir, emulators, memory_keyring):
    emulator = emulator_class("binance").sample()
    emulators.add(emulator)
    window = make_window(data_dir)
    dialog = window.accounts.add_exchange()
    _choose(qtbot, dialog, "binance")
    _fill(dialog, emulator)
    dialog.api_url.setText(_closed_port_url())
    dialog.timeout.setValue(3)
    dialog.name.setText("Binance main")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.check is not None, timeout=30000)
    assert dialog.check.error is not None and not dialog.check.key_unusable
    qtbot.wait(50)
    assert dialog.isVisible() and dialog.account is None, "a failed test must not save"
    assert window.state.store.accounts.list() == [] and not memory_keyring.entries
    assert dialog.save_anyway_button.isVisible()
    assert "Save anyway" in dialog.result_label.text()

    # corrected in place: the same dialog tests again and saves under the same name
    dialog.api_url.setText(emulator.base_url)
    with qtbot.waitSignal(window.sync.bridge.run_finished, timeout=60000):
        dialog.save_button.click()
    assert dialog.account is not None and dialog.account.name == "Binance main"
    assert not dialog.save_anyway_button.isVisible()


@pytest.mark.slow
def test_save_anyway_saves_an_account_whose_test_failed(qtbot, make_window, data_dir,
                                                        emulators, memory_keyring):
    emulator = emulator_class("binance").sample()
    emulators.add(emulator)
    window = make_window(data_dir)
    dialog = window.accounts.add_exchange()
    _choose(qtbot, dialog, "binance")
    _fill(dialog, emulator)
    dialog.api_url.setText(_closed_port_url())
    dialog.timeout.setValue(3)
    dialog.test_key()
    qtbot.waitUntil(lambda: dialog.check is not None, timeout=30000)
    assert dialog.account is None
    with qtbot.waitSignal(window.sync.bridge.run_finished, timeout=60000):
        dialog.save_anyway_button.click()
    assert dialog.account is not None
    assert [a.name for a in window.state.store.accounts.list()] == [dialog.account.name]
