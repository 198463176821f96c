"""The fields of an exchange's API key, shared by the add-account and replace-key dialogs.

Exactly the credentials the exchange needs (ccxt's ``requiredCredentials``),
labelled in words, the secret ones masked. The rows go into the caller's own
``QFormLayout`` so they line up with its other fields (the account name).

:func:`start_key_check` runs ``check_key`` (one wallet read and the key's
permissions, against the real exchange API) on a worker thread, because it
waits on the network.

Threading: GUI thread; the key check runs in the returned :class:`BackgroundCall`,
which the dialog joins before it closes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtWidgets import QFormLayout, QLineEdit, QWidget

from exposure_app.ui.background import BackgroundCall

CREDENTIAL_LABELS = {
    "apiKey": "API key", "secret": "API secret", "password": "Passphrase", "uid": "User ID",
    "login": "Login", "privateKey": "Private key", "walletAddress": "Wallet address",
    "token": "Token", "twofa": "2FA secret", "accountId": "Account ID",
}
SECRET_FIELDS = {"secret", "password", "privateKey", "twofa"}


def credential_label(name: str) -> str:
    return CREDENTIAL_LABELS.get(name, name)


class CredentialFields:
    """One line edit per credential name, as rows of ``form``."""

    def __init__(self, form: QFormLayout) -> None:
        self.form = form
        self.edits: dict[str, QLineEdit] = {}

    def set_names(self, names: Iterable[str], on_edit: Callable[[], None] | None = None) -> None:
        """Replace the rows with one per name (choosing another exchange changes them)."""
        for edit in self.edits.values():
            self.form.removeRow(edit)
        self.edits = {}
        for name in names:
            edit = QLineEdit()
            label = credential_label(name)
            edit.setAccessibleName(label)
            if name in SECRET_FIELDS:
                edit.setEchoMode(QLineEdit.EchoMode.Password)
            if on_edit is not None:
                edit.textChanged.connect(lambda _text: on_edit())
            self.form.addRow(label, edit)
            self.edits[name] = edit

    def values(self) -> dict[str, str]:
        return {name: edit.text().strip() for name, edit in self.edits.items()}

    def missing(self) -> list[str]:
        """The labels of the fields left empty."""
        return [credential_label(name) for name, value in self.values().items() if not value]

    def focus_first(self) -> None:
        if self.edits:
            next(iter(self.edits.values())).setFocus()


def start_key_check(parent: QWidget, exchange_id: str, credentials: dict[str, str],
                    connection, store=None, secret_store=None) -> BackgroundCall:
    """``check_key`` on a worker thread; connect to ``done``/``failed``, then ``start()``.

    With the profile's ``store``, an account without a proxy of its own is
    tested through the profile's proxy, as its syncs will be (the proxy's
    login is read from the keyring on the worker thread)."""
    from exposure_app.services.exchange_accounts import check_key

    data_dir = store.path.parent if store is not None and store.path is not None else None

    def work():
        tested = connection
        if data_dir is not None:
            from exposure_app.services.network_proxy import (
                connection_with_default_proxy,
                proxy_for_requests,
            )
            from exposure_app.services.settings import Settings

            proxy = proxy_for_requests(Settings.load(data_dir), secret_store)
            tested = connection_with_default_proxy(connection, proxy)
        return check_key(exchange_id, credentials, tested)

    return BackgroundCall(work, "test-api-key", parent)
