"""Add a watch-only address or extended public key (xpub/ypub/zpub) on a chain.

Beside "Add exchange…": a name, the chain, the address or extended PUBLIC key,
and the server URL (empty = the chain's default public server; the text says
why the user's own node is better). Checking and saving go through
:func:`~exposure_app.services.watch_accounts.add_watch_account`, the same
service as ``accounts add-address``.

A private key, xprv or seed phrase typed or pasted into the field is
recognised at once: the field is cleared, a warning says what it looked like
(never the text itself), and nothing is saved or logged.

Threading: GUI thread, except that bip-utils (about a second to import) is
imported on a plain thread when the dialog opens, so the
first keystroke does not stall the window; :meth:`done` joins it. The checks
themselves are pure computation (milliseconds) and the save is one row in the
GUI's store.
"""

from __future__ import annotations

import threading

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QWidget

from exposure_app.domain.chains import CHAINS
from exposure_app.domain.models import Account
from exposure_app.domain.watch_only import SecretMaterialError, secret_kind
from exposure_app.services.watch_accounts import PRIVACY_NOTE, WatchInputError, add_watch_account
from exposure_app.storage.store import ProfileStore
from exposure_app.ui.background import paused_gc
from exposure_app.ui.dialogs.form_dialog import FormDialog, fit_hint
from exposure_app.ui.widgets.card_frames import muted


def _import_key_library() -> None:
    with paused_gc():
        import bip_utils  # noqa: F401


def warm_key_library() -> threading.Thread:
    """Import bip-utils off the GUI thread; join the returned thread before closing.

    A plain thread: it reports nothing back, so no QObject has to outlive the dialog.
    """
    thread = threading.Thread(target=_import_key_library, name="import-bip-utils", daemon=True)
    thread.start()
    return thread


class WatchAddressDialog(FormDialog):
    """Threading: GUI thread (see module docstring)."""

    account_created = Signal(object)   # the new Account

    def __init__(self, store: ProfileStore, parent: QWidget | None = None) -> None:
        super().__init__("Add watch-only address", parent)
        self.store = store
        self.account: Account | None = None
        intro = QLabel(
            "Watch a wallet you control by its address or its account's extended public key "
            "(xpub, ypub or zpub). Exposure only reads balances; it never needs a private key "
            "or recovery words, and refuses them.")
        intro.setWordWrap(True)   # on one line it made the dialog wider than a 1024 px screen
        self.body.addWidget(intro)
        self.name_edit = QLineEdit(self)
        self.name_edit.setPlaceholderText("e.g. Hardware wallet BTC")
        self.chain_combo = QComboBox(self)
        for spec in CHAINS.values():
            self.chain_combo.addItem(spec.name, spec.id)
        self.chain_combo.currentIndexChanged.connect(self._chain_changed)
        self.target_edit = QLineEdit(self)
        self.target_edit.setPlaceholderText("address, or xpub/ypub/zpub")
        self.target_edit.textChanged.connect(self._target_changed)
        self.script_combo = QComboBox(self)
        self.script_combo.addItem("as the key's prefix says (xpub, ypub, zpub)", None)
        for label, script in (("legacy (1…, BIP44)", "p2pkh"),
                              ("nested segwit (3…, BIP49)", "p2sh-p2wpkh"),
                              ("native segwit (bc1q…, BIP84)", "p2wpkh")):
            self.script_combo.addItem(label, script)
        self.script_combo.setToolTip("Some wallets export a plain xpub for a native segwit "
                                     "account: choose its address type here")
        self.url_edit = QLineEdit(self)
        self.add_fields(("Name", self.name_edit), ("Chain", self.chain_combo),
                        ("Address or xpub", self.target_edit),
                        ("Address type", self.script_combo), ("Server URL", self.url_edit))
        self.body.addWidget(muted(PRIVACY_NOTE + " Leave the URL empty to use the public server "
                                  "shown."))
        self.finish(self.save)
        self._chain_changed()
        self._warm = warm_key_library()

    def done(self, result: int) -> None:
        self._warm.join(30)
        super().done(result)

    def _chain_changed(self) -> None:
        spec = CHAINS[self.chain_combo.currentData()]
        self.script_combo.setEnabled(spec.family.value == "bitcoin")
        if not self.script_combo.isEnabled():
            self.script_combo.setCurrentIndex(0)
        kind = "Esplora API" if spec.family.value == "bitcoin" else "JSON-RPC"
        self.url_edit.setPlaceholderText(f"{spec.default_api_url}  ({kind}; your own node is best)")
        fit_hint(self.url_edit)

    def _target_changed(self, text: str) -> None:
        if secret_kind(text) is not None:
            self._refuse(SecretMaterialError(
                f"Refused: that looked like {secret_kind(text)}. It was removed from the field "
                "and not kept. Enter an address or an extended PUBLIC key instead."))
        elif self.error.isVisible():
            self.show_error("")

    def _refuse(self, error: SecretMaterialError) -> None:
        self.target_edit.blockSignals(True)
        self.target_edit.clear()
        self.target_edit.blockSignals(False)
        self.show_error(str(error))

    def save(self) -> None:
        try:
            self.account = add_watch_account(
                self.store, self.name_edit.text(), self.chain_combo.currentData(),
                self.target_edit.text(), self.url_edit.text().strip() or None,
                script=self.script_combo.currentData())
        except SecretMaterialError as exc:
            self._refuse(exc)
            return
        except WatchInputError as exc:
            self.show_error(str(exc))
            return
        self.account_created.emit(self.account)
        self.accept()
