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

Threading: as :class:`~exposure_app.ui.dialogs.key_check_dialog.KeyCheckDialog`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialogButtonBox, QFormLayout, QPushButton, QVBoxLayout, QWidget

from exposure_app.domain.models import Account
from exposure_app.storage.store import ProfileStore
from exposure_app.ui.background import BackgroundCall, import_ccxt
from exposure_app.ui.dialogs.form_dialog import enter_presses
from exposure_app.ui.dialogs.key_check_dialog import KeyCheckDialog
from exposure_app.ui.rich_text import escaped
from exposure_app.ui.widgets.card_frames import ERROR_COLOUR, muted
from exposure_app.ui.widgets.credential_fields import CredentialFields


def _credential_names(exchange_id: str) -> list[str]:
    from exposure_app.services.exchange_accounts import required_credential_names

    import_ccxt()
    return required_credential_names(exchange_id)


class ReplaceKeyDialog(KeyCheckDialog):
    key_replaced = Signal(object)   # Account

    def __init__(self, store: ProfileStore, account: Account, secret_store=None,
                 parent: QWidget | None = None) -> None:
        super().__init__(store, secret_store, parent)
        self.account = account
        self.setWindowTitle(f"Replace the API key of {account.name}")
        self.resize(520, 300)
        layout = QVBoxLayout(self)
        note = muted(
            f"{account.name}: enter the new key. It is tested with this account's "
            "connection options, then replaces the old key in your system keyring. The "
            "account's history stays. Use a read-only key.")
        note.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(note)
        self.form = QFormLayout()
        layout.addLayout(self.form)
        self.fields = CredentialFields(self.form)
        self.result_label.setText("Loading the fields this exchange needs…")
        layout.addWidget(self.result_label)
        layout.addStretch(1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = QPushButton("Test and replace")
        self.save_button.setEnabled(False)
        buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.save_button.clicked.connect(self.save)
        layout.addWidget(buttons)
        enter_presses(self.save_button, buttons)
        self.run(BackgroundCall(lambda: _credential_names(account.exchange_id or ""),
                                "load-credential-names", self),
                 self._on_names_loaded, lambda exc: self._show_error(str(exc)))

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

    # -- test, then replace ------------------------------------------------------------

    def save(self) -> bool:
        """Test the key if these values were not tested yet; replace it if the test allows."""
        if not self.fields_loaded():
            return False
        if not self._filled_in():
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

        self.save_button.setEnabled(False)
        self.check_key(self.account.exchange_id or "", self.credentials(),
                       connection_of(self.account), self._values())

    def _on_test_failed(self, exc: Exception) -> None:
        self.save_button.setEnabled(True)
        super()._on_test_failed(exc)

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
                                      f"{escaped(check.warning)}</b>")
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
        return self._saved(account, self.key_replaced)
