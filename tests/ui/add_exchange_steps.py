"""The steps of the Add exchange account dialog that the GUI tests share.

:func:`open_add_exchange` opens the dialog from the accounts page, picks the
exchange once the list has loaded and fills the emulator's credentials, its
loopback API URL and a short timeout; :func:`choose` and :func:`fill` are its
two halves, for tests that look at the dialog in between. :func:`save_refused`
saves a key dialog (Add exchange or Replace API key) with a wrong secret and
checks that the key test refused it without echoing the secret.
"""

from __future__ import annotations


def choose(qtbot, dialog, exchange_id: str) -> None:
    qtbot.waitUntil(dialog.exchanges_loaded, timeout=30000)
    dialog.search.setText(exchange_id)
    assert dialog.choose(exchange_id)


def fill(dialog, emulator) -> None:
    for name, value in emulator.account.credentials().items():
        dialog.fields.edits[name].setText(value)
    dialog.advanced_toggle.setChecked(True)
    dialog.api_url.setText(emulator.base_url)
    dialog.timeout.setValue(10)


def open_add_exchange(qtbot, window, emulator):
    """The dialog for ``emulator``'s exchange, chosen and filled, not yet tested or saved."""
    dialog = window.accounts.add_exchange()
    choose(qtbot, dialog, emulator.exchange_id)
    fill(dialog, emulator)
    return dialog


def save_refused(qtbot, dialog, wrong_secret: str = "not-the-secret") -> str:
    """Types ``wrong_secret``, saves, waits for the key test; returns the result text."""
    dialog.fields.edits["secret"].setText(wrong_secret)
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.check is not None, timeout=30000)
    assert dialog.check.key_unusable
    text = dialog.result_label.text()
    assert wrong_secret not in text
    return text
