"""Edit an exchange account's connection options (API URL, sandbox, proxy, timeout).

The key itself stays in the keyring untouched (its ``secret_ref`` is kept);
another key goes in through ``replace_key_dialog.py``. The options are
validated here the same way the exchange dialog builds them.

Threading: GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLineEdit, QWidget

from exposure_app.domain.models import Account
from exposure_app.exchanges.client_factory import ConnectionOptions
from exposure_app.storage.store import ProfileStore
from exposure_app.ui.dialogs.form_dialog import FormDialog
from exposure_app.ui.widgets.card_frames import muted
from exposure_app.ui.widgets.seconds_box import SecondsBox


class ConnectionDialog(FormDialog):
    def __init__(self, store: ProfileStore, account: Account,
                 parent: QWidget | None = None, secret_store=None) -> None:
        super().__init__(f"Connection of {account.name}", parent)
        self.store = store
        self.secret_store = secret_store
        self.account = account
        options = dict(account.options)
        # the account's name, as on every page, not the exchange library's id ("binance")
        note = muted(f"{account.name}: these options change how Exposure reaches the exchange. "
                     "The API key is kept as it is.")
        note.setTextFormat(Qt.TextFormat.PlainText)
        self.body.addWidget(note)
        self.api_url = QLineEdit(str(options.get("api_url") or ""))
        self.api_url.setPlaceholderText("default (the exchange's own address)")
        self.sandbox = QCheckBox("Use the exchange's sandbox / testnet")
        self.sandbox.setChecked(bool(options.get("sandbox", False)))
        self.proxy = QLineEdit(str(options.get("proxy") or ""))
        self.proxy.setPlaceholderText("none (http://, https:// or socks5:// URL)")
        self.timeout = SecondsBox(value=float(str(options.get("timeout_seconds", 30.0))))
        self.add_fields(("API URL", self.api_url), ("Sandbox", self.sandbox),
                        ("Proxy", self.proxy), ("Timeout", self.timeout))
        self.finish(self.save)

    def save(self) -> bool:
        """Validate and store through the service: a user name and password in
        a URL go to the keyring, the database keeps the bare URL."""
        from exposure_app.services.exchange_accounts import ExchangeAccountError, set_connection
        from exposure_app.storage.errors import StorageError
        from exposure_app.storage.secrets import SecretStore

        connection = ConnectionOptions(api_url=self.api_url.text().strip() or None,
                                       sandbox=self.sandbox.isChecked(),
                                       proxy=self.proxy.text().strip() or None,
                                       timeout_seconds=self.timeout.value())
        try:
            self.account = set_connection(self.store, self.secret_store or SecretStore(),
                                          self.account, connection)
        except (ExchangeAccountError, StorageError) as exc:
            self.show_error(str(exc))
            return False
        self.accept()
        return True
