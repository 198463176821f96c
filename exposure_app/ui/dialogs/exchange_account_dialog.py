"""Connect an exchange account with an API key.

* A searchable list of every exchange ccxt supports, by name, each custodian's
  other APIs (futures, regional entities) grouped under it
  (``services.exchange_choices``; loaded on a worker thread: importing ccxt
  takes most of a second, the window must not stall).
* Exactly the credential fields that exchange needs (ccxt's
  ``requiredCredentials``), secrets masked.
* "Test key" reads one wallet and the key's permissions on a worker thread
  before anything is saved; a key that can trade or withdraw gets a
  prominent warning. Saving tests first if the current key was not tested.
* Advanced options (API URL override, sandbox, proxy, timeout) are folded
  away under a toggle.
* A failed test keeps the dialog open so the URL or key can be corrected in
  place; an account whose test failed is saved only through the explicit
  "Save anyway" button (never by "Save").

Credentials go to the OS keyring only (``create_exchange_account``); they are
never logged or shown again.

Threading: as :class:`~exposure_app.ui.dialogs.key_check_dialog.KeyCheckDialog`.
"""

from __future__ import annotations

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from exposure_app.domain.models import Account
from exposure_app.storage.store import ProfileStore
from exposure_app.ui.background import BackgroundCall, import_ccxt
from exposure_app.ui.dialogs.form_dialog import enter_presses
from exposure_app.ui.dialogs.key_check_dialog import KeyCheckDialog
from exposure_app.ui.glyphs import drawable
from exposure_app.ui.rich_text import escaped
from exposure_app.ui.widgets.card_frames import ERROR_COLOUR, muted
from exposure_app.ui.widgets.credential_fields import CredentialFields
from exposure_app.ui.widgets.seconds_box import SecondsBox

ID_ROLE = Qt.ItemDataRole.UserRole + 1        # the ccxt id of a row (None: a group heading)
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 2    # name, id and custodian: what the search matches


def _load_exchange_groups() -> list:
    from exposure_app.services.exchange_choices import exchange_choices, grouped

    import_ccxt()   # once, off the GUI thread and without GC pauses
    return grouped(exchange_choices())


def _item(text: str, exchange_id: str | None, search: str) -> QStandardItem:
    # ccxt's names as the font can draw them ("Binance USDⓈ-M" reads "Binance USDS-M");
    # the search finds either spelling
    item = QStandardItem(drawable(text))
    item.setEditable(False)
    item.setData(exchange_id, ID_ROLE)
    shown = drawable(search)
    item.setData(search if shown == search else f"{search} {shown}", SEARCH_ROLE)
    item.setToolTip(exchange_id or "")
    if exchange_id is None:
        item.setSelectable(False)
    return item


class ExchangeAccountDialog(KeyCheckDialog):
    account_created = Signal(object)   # Account

    def __init__(self, store: ProfileStore, secret_store=None,
                 parent: QWidget | None = None) -> None:
        super().__init__(store, secret_store, parent)
        self.account: Account | None = None
        self._save_after_test = False
        self.setWindowTitle("Add an exchange account")
        self.resize(760, 520)
        outer = QHBoxLayout(self)
        left = QVBoxLayout()
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search exchanges…")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search exchanges")
        self.ids_model = QStandardItemModel(self)
        self.ids_proxy = QSortFilterProxyModel(self)
        self.ids_proxy.setSourceModel(self.ids_model)
        self.ids_proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.ids_proxy.setFilterRole(SEARCH_ROLE)
        self.ids_proxy.setRecursiveFilteringEnabled(True)   # a match shows its group too
        self.list = QTreeView()
        self.list.setHeaderHidden(True)
        self.list.setRootIsDecorated(True)
        self.list.setUniformRowHeights(True)
        self.list.setModel(self.ids_proxy)
        self.list.setAccessibleName("Exchanges")
        self.list.setMinimumWidth(200)
        left.addWidget(self.search)
        left.addWidget(self.list, 1)
        self.loading = muted("Loading the list of exchanges…")
        left.addWidget(self.loading)
        outer.addLayout(left)

        right = QVBoxLayout()
        self.form = QFormLayout()
        self.name = QLineEdit()
        self.name.setAccessibleName("Account name")
        self.name.setPlaceholderText("e.g. Binance main")
        # a name typed by the user is kept when another exchange is chosen
        self.name.textEdited.connect(lambda _text: self.name.setProperty("auto", False))
        self.exchange_label = QLabel("Choose an exchange on the left.")
        self.form.addRow("Exchange", self.exchange_label)
        self.form.addRow("Name", self.name)
        right.addLayout(self.form)
        self.fields = CredentialFields(self.form)
        right.addWidget(muted("Use a read-only key: Exposure only reads balances and never "
                              "trades or withdraws. Keys are stored in your system keyring."))
        self.advanced_toggle = QToolButton()
        self.advanced_toggle.setText("Advanced options")
        self.advanced_toggle.setCheckable(True)
        self.advanced_toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.advanced_toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.advanced_toggle.setAutoRaise(True)
        self.advanced_toggle.toggled.connect(self._toggle_advanced)
        right.addWidget(self.advanced_toggle)
        self.advanced = QWidget()
        adv = QFormLayout(self.advanced)
        self.api_url = QLineEdit()
        self.api_url.setPlaceholderText("https://api.example.com (regional host, testnet…)")
        self.sandbox = QCheckBox("Use the exchange's sandbox / testnet")
        self.proxy = QLineEdit()
        self.proxy.setPlaceholderText("http://, https:// or socks5:// URL")
        self.timeout = SecondsBox()
        for label, widget in (("API URL", self.api_url), ("Sandbox", self.sandbox),
                              ("Proxy", self.proxy), ("Timeout", self.timeout)):
            widget.setAccessibleName(label)
            adv.addRow(label, widget)
        self.advanced.setVisible(False)
        right.addWidget(self.advanced)
        right.addWidget(self.result_label)
        right.addStretch(1)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.test_button = QPushButton("Test key")
        self.save_button = QPushButton("Save")
        self.save_anyway_button = QPushButton("Save anyway")
        self.save_anyway_button.setToolTip("Save the account although its key test failed; "
                                           "it will be synced later")
        self.buttons.addButton(self.test_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.save_anyway_button, QDialogButtonBox.ButtonRole.ActionRole)
        # shown after a failed key test only (hidden after adding: adding shows a button)
        self.save_anyway_button.setVisible(False)
        self.buttons.rejected.connect(self.reject)
        self.test_button.clicked.connect(lambda: self.test_key())
        self.save_button.clicked.connect(self.save)
        self.save_anyway_button.clicked.connect(self.save_anyway)
        right.addWidget(self.buttons)
        outer.addLayout(right, 1)
        enter_presses(self.save_button, self.buttons)
        self.exchange_id: str | None = None
        self._set_busy(False)
        self.search.textChanged.connect(self.ids_proxy.setFilterFixedString)
        self.list.selectionModel().currentChanged.connect(
            lambda current, _prev: self.select_exchange(current.data(ID_ROLE))
            if current.isValid() and current.data(ID_ROLE) else None)
        self.run(BackgroundCall(_load_exchange_groups, "load-exchange-ids", self),
                 self._on_ids_loaded,
                 lambda exc: self._show_error(f"The exchange list could not be loaded: {exc}"))

    # -- exchange choice -------------------------------------------------------------

    def _on_ids_loaded(self, groups: list) -> None:
        self.names: dict[str, str] = {}
        root = self.ids_model.invisibleRootItem()
        count = 0
        for group in groups:
            members = ([group.main] if group.main else []) + list(group.siblings)
            search = " ".join([group.name, *(f"{m.name} {m.exchange_id}" for m in members)])
            main = group.main
            parent = _item(main.name if main else group.name,
                           main.exchange_id if main else None, search)
            for sibling in group.siblings:
                parent.appendRow(_item(sibling.name, sibling.exchange_id,
                                       f"{group.name} {sibling.name} {sibling.exchange_id}"))
            root.appendRow(parent)
            for m in members:
                self.names[m.exchange_id] = m.name
            count += len(members)
        self.list.expandAll()
        self.loading.setText(f"{count} exchanges; an exchange's other APIs (futures, "
                             "regional sites) are listed under it")

    def exchanges_loaded(self) -> bool:
        return self.ids_model.rowCount() > 0

    def index_of(self, exchange_id: str):
        """The list's (proxy) index of ``exchange_id``, or an invalid index."""
        matches = self.ids_proxy.match(self.ids_proxy.index(0, 0), ID_ROLE, exchange_id, 1,
                                       Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive)
        return matches[0] if matches else self.ids_proxy.index(-1, 0)

    def choose(self, exchange_id: str) -> bool:
        """Select ``exchange_id`` in the list (as a click would)."""
        index = self.index_of(exchange_id)
        if not index.isValid():
            return False
        self.list.setCurrentIndex(index)
        return self.exchange_id == exchange_id

    def select_exchange(self, exchange_id: str) -> None:
        from exposure_app.services.exchange_accounts import required_credential_names

        try:
            names = required_credential_names(exchange_id)
        except Exception as exc:
            self._show_error(str(exc))
            return
        self.exchange_id = exchange_id
        name = getattr(self, "names", {}).get(exchange_id)
        if name is None:
            from exposure_app.exchanges.errors import friendly_name

            name = friendly_name(exchange_id)
        name = drawable(name, self.exchange_label.font())   # the label's and the default name
        self.exchange_label.setText(f"<b>{escaped(name)}</b>")
        self.exchange_label.setToolTip(f"ccxt id: {exchange_id}")
        if not self.name.text().strip() or self.name.property("auto"):
            self.name.setText(name)
            self.name.setProperty("auto", True)
        self.fields.set_names(names)        # in the name's form, so the fields line up
        self.check = None
        self.result_label.setText("")
        self._set_busy(False)

    def _toggle_advanced(self, shown: bool) -> None:
        self.advanced.setVisible(shown)
        self.advanced_toggle.setArrowType(Qt.ArrowType.DownArrow if shown
                                          else Qt.ArrowType.RightArrow)

    # -- values ------------------------------------------------------------------------

    def credentials(self) -> dict[str, str]:
        return self.fields.values()

    def connection(self):
        from exposure_app.exchanges.client_factory import ConnectionOptions

        return ConnectionOptions(api_url=self.api_url.text().strip() or None,
                                 sandbox=self.sandbox.isChecked(),
                                 proxy=self.proxy.text().strip() or None,
                                 timeout_seconds=self.timeout.value())

    def _values(self) -> tuple:
        return (self.exchange_id, tuple(sorted(self.credentials().items())), self.connection())

    # -- test and save -----------------------------------------------------------------

    def _set_busy(self, busy: bool) -> None:
        ready = self.exchange_id is not None and not busy
        self.test_button.setEnabled(ready)
        self.save_button.setEnabled(ready)
        self.save_anyway_button.setEnabled(ready)
        self.list.setEnabled(not busy)

    def test_key(self, then_save: bool = False) -> bool:
        if self.exchange_id is None:
            return False
        if not self._filled_in():
            return False
        try:
            self.connection().validated()    # the API URL and proxy, before any request
        except ValueError as exc:
            self._show_error(str(exc))
            return False
        values = self._values()
        self._save_after_test = then_save
        self.save_anyway_button.setVisible(False)
        self._set_busy(True)
        self.check_key(self.exchange_id, self.credentials(), values[2], values)
        return True

    def _on_test_failed(self, exc: Exception) -> None:
        self._set_busy(False)
        super()._on_test_failed(exc)

    def _on_tested(self, values: tuple, check) -> None:
        self._set_busy(False)
        self.check = check
        self._checked_values = values
        if check.error is not None:
            self._show_error(f"The test failed: {check.error}")
            if check.key_unusable:
                return
            self.result_label.setText(self.result_label.text() + "<br>Correct the API URL or "
                                      "the key and test again. If the exchange is only "
                                      "unreachable for now, use \u201cSave anyway\u201d and "
                                      "sync later.")
            self.save_anyway_button.setVisible(True)
            return
        else:
            level = check.permissions.level.value.replace("_", "-")
            self.result_label.setText(f"<span style='color:#2e9d5b'>✔ The key works</span> "
                                      f"(read the {check.wallet_read} wallet; permissions: "
                                      f"{level}).")
        if check.warning:
            self.result_label.setText(self.result_label.text()
                                      + f"<br><b style='color:{ERROR_COLOUR}'>"
                                      f"{escaped(check.warning)}</b>")
        if self._save_after_test and check.warning is None:
            self.save()

    def save_anyway(self) -> bool:
        """Save although the last test of these exact values failed (not for a refused key)."""
        return self.save(anyway=True)

    def save(self, anyway: bool = False) -> bool:
        """Save after a passing test; a failed test saves only with ``anyway`` (its own button)."""
        if self.exchange_id is None:
            return False
        if self.check is None or self._checked_values != self._values():
            return self.test_key(then_save=True) and False
        if self.check.key_unusable:
            self._show_error(f"Not saved: {self.check.error}")
            return False
        if self.check.error is not None and not anyway:
            return False
        from exposure_app.services.exchange_accounts import create_exchange_account
        from exposure_app.storage.secrets import SecretStore

        try:
            account = create_exchange_account(
                self.store, self.secret_store or SecretStore(), name=self.name.text(),
                exchange_id=self.exchange_id, credentials=self.credentials(),
                connection=self.connection())
        except Exception as exc:   # keyring missing, duplicate name...: shown, nothing kept
            self._show_error(f"Not saved: {exc}")
            return False
        return self._saved(account, self.account_created)
