"""Give an exchange account a new API key, keeping its history.

For a key the user rotated on the exchange, or a keyring that lost the
account's entry. The new key is tested with the account's own connection
options before it is written over the old one (``replace_credentials``):

* a key the exchange rejects is not stored, and the old one stays;
* a key that can trade or withdraw gets the same prominent warning as when
  adding an account, and is stored only on a second, deliberate click;
* if the test could not reach the exchange (an outage), the key can still be
  stored on a second click; the next sync tells whether it works.

The fields are exactly the credentials the exchange needs (ccxt's
``requiredCredentials``), read on a worker thread because they need ccxt.

Threading: GUI thread; blocking calls run in :class:`BackgroundCall` threads
that :meth:`done` joins before the dialog closes.
"""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from exposure_app.domain.models import Account
from exposure_app.domain.timeutil import utc_now
from exposure_app.storage.store import ProfileStore
from exposure_app.ui.background import BackgroundCall, import_ccxt
from exposure_app.ui.widgets.card_frames import ERROR_COLOUR, muted
from exposure_app.ui.widgets.credential_fields import CredentialFields, start_key_check


def _credential_names(exchange_id: str) -> list[str]:
    from exposure_app.services.exchange_accounts import required_credential_names

    import_ccxt()
    return required_credential_names(exchange_id)


class ReplaceKeyDialog(QDialog):
    key_replaced = Signal(object)   # Account

    def __init__(self, store: ProfileStore, account: Account, secret_store=None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.account = account
        self.secret_store = secret_store
        self.check = None                  # the KeyCheck of the values in _checked_values
        self._checked_values: tuple | None = None
        self._calls: list[BackgroundCall] = []
        self.setWindowTitle(f"Replace the API key of {account.name}")
        self.resize(520, 300)
        layout = QVBoxLayout(self)
        layout.addWidget(muted(
            f"{account.exchange_id}: enter the new key. It is tested with this account's "
            "connection options, then replaces the old key in your system keyring. The "
            "account's history stays. Use a read-only key."))
        self.form = QFormLayout()
        layout.addLayout(self.form)
        self.fields = CredentialFields(self.form)
        self.result_label = QLabel("Loading the fields this exchange needs…")
        self.result_label.setWordWrap(True)
        self.result_label.setTextFormat(Qt.TextFormat.RichText)
        self.result_label.setAccessibleName("Key test result")
        layout.addWidget(self.result_label)
        layout.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = QPushButton("Test and replace")
        self.save_button.setDefault(True)
        self.save_button.setEnabled(False)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.save_button.clicked.connect(self.save)
        layout.addWidget(buttons)
        loader = BackgroundCall(lambda: _credential_names(account.exchange_id or ""),
                                "load-credential-names", self)
        loader.done.connect(self._on_names_loaded, Qt.ConnectionType.QueuedConnection)
        loader.failed.connect(lambda exc: self._show_error(str(exc)),
                              Qt.ConnectionType.QueuedConnection)
        self._calls.append(loader.start())

    def _on_names_loaded(self, names: list[str]) -> None:
        self.fields.set_names(names, on_edit=self._values_changed)
        self.result_label.setText("")
        self.save_button.setEnabled(True)
        self.fields.focus_first()

    def fields_loaded(self) -> bool:
        return bool(self.fields.edits)

    def credentials(self) -> dict[str, str]:
        return self.fields.values()

    def _values(self) -> tuple:
        return tuple(sorted(self.credentials().items()))

    def _values_changed(self) -> None:
        self.save_button.setText("Test and replace")

    def _show_error(self, text: str) -> None:
        self.result_label.setText(f"<span style='color:{ERROR_COLOUR}'>{html.escape(text)}</span>")

    # -- test, then replace ------------------------------------------------------------

    def save(self) -> bool:
        """Test the key if these values were not tested yet; replace it if the test allows."""
        if not self.fields_loaded():
            return False
        missing = self.fields.missing()
        if missing:
            self._show_error(f"Fill in: {', '.join(missing)}.")
            return False
        if self.check is None or self._checked_values != self._values():
            self._test()
            return False
        if self.check.key_unusable:
            self._show_error(f"Not replaced: {self.check.error}")
            return False
        return self._replace()

    def _test(self) -> None:
        from exposure_app.services.exchange_accounts import connection_of

        values = self._values()
        self.result_label.setText("Testing the key…")
        self.save_button.setEnabled(False)
        call = start_key_check(self, self.account.exchange_id or "", self.credentials(),
                               connection_of(self.account), self.store, self.secret_store)
        call.done.connect(lambda result: self._on_tested(values, result),
                          Qt.ConnectionType.QueuedConnection)
        call.failed.connect(self._on_test_failed, Qt.ConnectionType.QueuedConnection)
        self._calls.append(call.start())

    def _on_test_failed(self, exc: Exception) -> None:
        self.save_button.setEnabled(True)
        self._show_error(f"The key could not be tested: {exc}")

    def _on_tested(self, values: tuple, check) -> None:
        self.save_button.setEnabled(True)
        self.check = check
        self._checked_values = values
        if check.key_unusable:
            self._show_error(f"The exchange refused this key, so the old one was kept: "
                             f"{check.error}")
            return
        if check.error is not None:
            self._show_error(f"The test failed: {check.error}")
            self.result_label.setText(self.result_label.text() + "<br>This may be a passing "
                                      "problem: you can replace the key anyway and sync later.")
            self.save_button.setText("Replace without a test")
            return
        if check.warning:
            self.result_label.setText(f"<b style='color:{ERROR_COLOUR}'>"
                                      f"{html.escape(check.warning)}</b>")
            self.save_button.setText("Replace anyway")
            return
        self._replace()

    def _replace(self) -> bool:
        from exposure_app.services.exchange_accounts import replace_credentials
        from exposure_app.storage.secrets import SecretStore

        try:
            account = replace_credentials(self.store, self.secret_store or SecretStore(),
                                          self.account, self.credentials())
        except Exception as exc:   # keyring locked or missing: shown, the old key stays
            self._show_error(f"Not replaced: {exc}")
            return False
        if self.check is not None and self.check.error is None:
            self.store.exchange_state.save_permissions(account.id, self.check.permissions,
                                                       utc_now())
        self.account = account
        self.key_replaced.emit(account)
        self.accept()
        return True

    def done(self, result: int) -> None:
        for call in self._calls:
            call.wait(30)
        super().done(result)
