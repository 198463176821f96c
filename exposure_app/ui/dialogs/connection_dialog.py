"""Edit an exchange account's connection options (API URL, sandbox, proxy, timeout).

The key itself stays in the keyring untouched (its ``secret_ref`` is kept);
another key goes in through ``replace_key_dialog.py``. The options are
validated here the same way the exchange dialog builds them.

Threading: GUI thread only.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from exposure_app.domain.models import Account
from exposure_app.storage.store import ProfileStore
from exposure_app.ui.widgets.cards import error_label, muted

OPTION_KEYS = ("api_url", "sandbox", "proxy", "timeout_seconds")


def _valid_url(text: str, schemes: tuple[str, ...]) -> bool:
    parts = urlsplit(text)
    return parts.scheme in schemes and bool(parts.netloc)


class ConnectionDialog(QDialog):
    def __init__(self, store: ProfileStore, account: Account,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.account = account
        self.setWindowTitle(f"Connection of {account.name}")
        options = dict(account.options)
        layout = QVBoxLayout(self)
        layout.addWidget(muted(f"{account.exchange_id}: these options change how Exposure "
                               "reaches the exchange. The API key is kept as it is."))
        form = QFormLayout()
        self.api_url = QLineEdit(str(options.get("api_url") or ""))
        self.api_url.setPlaceholderText("default (the exchange's own address)")
        self.sandbox = QCheckBox("Use the exchange's sandbox / testnet")
        self.sandbox.setChecked(bool(options.get("sandbox", False)))
        self.proxy = QLineEdit(str(options.get("proxy") or ""))
        self.proxy.setPlaceholderText("none (http://, https:// or socks5:// URL)")
        self.timeout = QDoubleSpinBox()
        self.timeout.setRange(1, 600)
        self.timeout.setSuffix(" s")
        self.timeout.setValue(float(str(options.get("timeout_seconds", 30.0))))
        for label, widget in (("API URL", self.api_url), ("Sandbox", self.sandbox),
                              ("Proxy", self.proxy), ("Timeout", self.timeout)):
            widget.setAccessibleName(label)
            form.addRow(label, widget)
        layout.addLayout(form)
        self.error = error_label()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def save(self) -> bool:
        api_url = self.api_url.text().strip()
        proxy = self.proxy.text().strip()
        if api_url and not _valid_url(api_url, ("http", "https")):
            self.error.setText("The API URL must be an http:// or https:// address.")
            return False
        if proxy and not _valid_url(proxy, ("http", "https", "socks5", "socks5h", "socks4")):
            self.error.setText("The proxy must be an http://, https:// or socks5:// URL.")
            return False
        options = {k: v for k, v in self.account.options.items() if k not in OPTION_KEYS}
        options.update({"sandbox": self.sandbox.isChecked(),
                        "timeout_seconds": self.timeout.value()})
        if api_url:
            options["api_url"] = api_url
        if proxy:
            options["proxy"] = proxy
        self.account = self.store.accounts.update_options(self.account.id, options)
        self.accept()
        return True
