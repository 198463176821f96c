"""Accounts: list, add (exchange, wallet, manual custodian), edit holdings, replace an
API key, import, remove.

Threading: GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QMenu,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from exposure_app.domain.models import AccountKind
from exposure_app.services.accounts import key_shared_with, remove_account_everywhere
from exposure_app.storage.errors import StorageError
from exposure_app.ui.models.accounts_model import AccountRow, AccountsModel, account_rows
from exposure_app.ui.models.table_model import RowFilter
from exposure_app.ui.rich_text import plain
from exposure_app.ui.view_state import ViewData, ViewState
from exposure_app.ui.widgets.action_button import action_tool_button, icon_action, menu_button
from exposure_app.ui.widgets.age_ticker import AgeTicker
from exposure_app.ui.widgets.card_frames import heading, muted
from exposure_app.ui.widgets.table_columns import (
    ShortWhenNarrow,
    WidthKeeper,
    data_table,
    fit_columns,
)

NAME_READABLE = 120
"""The narrowest the Account column gets while other columns can give way: a useful part
of a name ("Hardware wallet…", "Ledger hardware…"), the whole in its tooltip."""


class AccountsPage(QWidget):
    title = "Accounts"
    changed = Signal()
    sync_requested = Signal(object)   # list of account ids
    message = Signal(str, str)        # text, kind

    def __init__(self, state: ViewState, secret_store=None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.secret_store = secret_store
        self.setAccessibleName("Accounts")
        self.live_status: dict[int, str] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        layout.addWidget(heading("Accounts"))
        # Each command is one QAction, shown as a button or in the "More" menu and in the
        # table's context menu; the selection enables it once for all of them.
        self.add_exchange_action = icon_action("add-exchange", "Add exchange…",
                                               self.add_exchange, self)
        self.add_address_action = icon_action("add-wallet", "Add watch-only address…",
                                              self.add_address, self)
        self.add_wallet_action = icon_action("add-wallet", "Add wallet or custodian…",
                                             self.add_manual, self)
        self.import_action = icon_action("import", "Import CSV…", self.import_csv, self)
        self.holdings_action = icon_action("edit", "Edit holdings…", self.edit_holdings, self)
        self.sync_action = icon_action("sync", "Sync this account",
                                       lambda: self.sync_requested.emit(
                                           self.selected_account_ids()), self)
        self.connection_action = icon_action("settings", "Connection…", self.edit_connection,
                                             self)
        self.key_action = icon_action("key", "Replace API key…", self.replace_key, self)
        self.rename_action = icon_action("edit", "Rename…", self.rename_selected, self)
        self.remove_action = icon_action("remove", "Remove…", self.remove_selected, self)
        self.selection_actions = (self.holdings_action, self.sync_action, self.connection_action,
                                  self.key_action, self.rename_action, self.remove_action)
        # short on the buttons, so the bar fits 1024 px unclipped ("Add wa…ddress");
        # the tooltip and the menus keep the whole name
        for action, short in ((self.sync_action, "Sync"),
                              (self.add_address_action, "Add address"),
                              (self.add_wallet_action, "Add wallet"),
                              (self.import_action, "Import")):
            action.setToolTip(action.text().rstrip("…"))
            action.setIconText(short)
        bar = QHBoxLayout()
        for action in (self.add_exchange_action, self.add_address_action, self.add_wallet_action,
                       self.import_action):
            bar.addWidget(action_tool_button(action))
        bar.addSpacing(8)
        for action in (self.holdings_action, self.sync_action):
            bar.addWidget(action_tool_button(action))
        self.more_button = menu_button(
            "More", (self.connection_action, self.key_action, self.rename_action), self)
        bar.addWidget(self.more_button)
        bar.addStretch(1)
        bar.addWidget(action_tool_button(self.remove_action))
        layout.addLayout(bar)
        self.model = AccountsModel(self)
        self.proxy = RowFilter(self)
        self.proxy.setSourceModel(self.model)
        self.view = data_table(self.proxy, "Accounts table", sort_by=AccountsModel.Columns.NAME,
                               descending=False)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        # never a sideways scroll bar (1024 px wide), and no blank band at 1920: Coverage takes
        # the room the others leave and gives way first; Kind, Status and the age of the last
        # good data keep their whole words ("652 days ago", the date then only in the
        # tooltip), Account a useful part of a name; every cut text is whole in its tooltip
        columns = AccountsModel.Columns
        self.view.horizontalHeader().setStretchLastSection(False)
        self._short = ShortWhenNarrow(self.view)
        for column in (columns.STATUS, columns.LAST_SYNC):
            self.view.setItemDelegateForColumn(column, self._short)
        self.widths = WidthKeeper(
            self.view, fill=columns.COVERAGE, trim=True, keep={columns.NAME: NAME_READABLE},
            whole=(columns.KIND, columns.STATUS, columns.LAST_SYNC),
            shrinkable=(columns.NAME, columns.KIND, columns.COUNTERPARTY, columns.STATUS,
                        columns.LAST_SYNC, columns.COVERAGE))
        self.ages = AgeTicker(self, self.model, (columns.LAST_SYNC,))   # "3 h ago" moves on
        self.view.doubleClicked.connect(lambda _i: self.edit_selected())
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        layout.addWidget(self.view, 1)
        layout.addWidget(muted(
            "Exchange accounts sync with a read-only API key kept in your system keyring. "
            "Wallets and custodians you record by hand keep the holdings you enter or import."))
        self.data: ViewData | None = None
        self._results: dict = {}
        self._update_buttons()

    # -- data --------------------------------------------------------------------------

    def show_data(self, data: ViewData) -> None:
        self.data = data
        self._reload()

    def set_live_status(self, live: dict[int, str], results: dict) -> None:
        self.live_status = dict(live)
        self._results = dict(results)
        self._reload()

    def _reload(self) -> None:
        if self.data is None:
            return
        selected = self.selected_account_ids()
        self.model.as_of = None if self.data.live else self.data.as_of   # ages as the overview's
        self.model.set_rows(account_rows(self.state.store, self.data.report, self.data.directory,
                                         self.live_status))
        names = tuple(r.name for r in self.model.rows)
        if names != getattr(self, "_fitted", None):   # not on every sync status change
            self._fitted = names
            fit_columns(self.view, elided=(AccountsModel.Columns.NAME,))
            self.widths.fitted()
        if selected:
            self.select_account(selected[0])
        self._update_buttons()

    def selected_rows(self) -> list[AccountRow]:
        return [self.proxy.record_at(i) for i in self.view.selectionModel().selectedRows()]

    def selected_account_ids(self) -> list[int]:
        return [r.account_id for r in self.selected_rows()]

    def select_account(self, account_id: int) -> None:
        for row, record in enumerate(self.model.rows):
            if record.account_id == account_id:
                index = self.proxy.mapFromSource(self.model.index(row, 0))
                self.view.selectRow(index.row())
                return

    def _update_buttons(self) -> None:
        rows = self.selected_rows()
        exchange = bool(rows) and rows[0].kind is AccountKind.EXCHANGE_API
        self.holdings_action.setEnabled(bool(rows) and not exchange)
        for action in (self.sync_action, self.connection_action, self.key_action):
            action.setEnabled(exchange)
        self.rename_action.setEnabled(bool(rows))
        self.remove_action.setEnabled(bool(rows))

    def _context_menu(self, pos) -> QMenu | None:
        """The selected account's commands (only those that apply to it) at ``pos``."""
        index = self.view.indexAt(pos)
        if not index.isValid():
            return None
        self.view.selectRow(index.row())
        menu = QMenu(self)
        for action in self.selection_actions:
            if action is self.remove_action:
                menu.addSeparator()
            if action.isEnabled():
                menu.addAction(action)
        menu.popup(self.view.viewport().mapToGlobal(pos))
        return menu

    # -- commands ------------------------------------------------------------------------

    def add_exchange(self):
        from exposure_app.ui.dialogs.exchange_account_dialog import ExchangeAccountDialog

        dialog = ExchangeAccountDialog(self.state.store, self.secret_store, self)
        dialog.account_created.connect(self._on_added)
        dialog.open()
        return dialog

    def _on_added(self, account) -> None:
        self._sync_new(account, f"{account.name} was added.")

    def _sync_new(self, account, what: str) -> None:
        """After an account was added or got a new key: refresh, say so, and sync it."""
        self.changed.emit()
        self.message.emit(f"{what} Syncing it now…", "info")
        self.sync_requested.emit([account.id])

    def add_address(self):
        from exposure_app.ui.dialogs.watch_address_dialog import WatchAddressDialog

        dialog = WatchAddressDialog(self.state.store, self)
        dialog.account_created.connect(self._on_added)   # same: refresh, then sync it
        dialog.open()
        return dialog

    def add_manual(self):
        from exposure_app.ui.dialogs.manual_account_dialog import ManualAccountDialog

        dialog = ManualAccountDialog(self.state.store, self)
        dialog.accepted.connect(lambda: self._on_manual_added(dialog))
        dialog.open()
        return dialog

    def _on_manual_added(self, dialog) -> None:
        self.changed.emit()
        self.state.refresh_now()
        self.show_data(self.state.data)   # this page may not be the one on screen
        if dialog.account is not None:
            self.select_account(dialog.account.id)
            self.edit_holdings()

    def _selected_account(self, *, exchange: bool):
        """The selected account if it is an exchange account (``exchange``) or is not one."""
        rows = self.selected_rows()
        if not rows or (rows[0].kind is AccountKind.EXCHANGE_API) != exchange:
            return None
        return self.state.store.accounts.get(rows[0].account_id)

    def edit_holdings(self):
        account = self._selected_account(exchange=False)
        if account is None:
            return None
        from exposure_app.ui.dialogs.holdings_editor_dialog import HoldingsEditorDialog

        dialog = HoldingsEditorDialog(self.state.store, account,
                                      self.state.settings.base_currency, self)
        dialog.finished.connect(lambda _r: self.changed.emit() if dialog.changed else None)
        dialog.open()
        return dialog

    def edit_selected(self):
        """Double-click: holdings for manual accounts, connection for exchange accounts."""
        rows = self.selected_rows()
        if not rows:
            return None
        if rows[0].kind is AccountKind.EXCHANGE_API:
            return self.edit_connection()
        return self.edit_holdings()

    def edit_connection(self):
        account = self._selected_account(exchange=True)
        if account is None:
            return None
        from exposure_app.ui.dialogs.connection_dialog import ConnectionDialog

        dialog = ConnectionDialog(self.state.store, account, self, secret_store=self.secret_store)
        dialog.accepted.connect(self.changed.emit)
        dialog.open()
        return dialog

    def replace_key(self):
        account = self._selected_account(exchange=True)
        if account is None:
            return None
        from exposure_app.ui.dialogs.replace_key_dialog import ReplaceKeyDialog

        dialog = ReplaceKeyDialog(self.state.store, account, self.secret_store, self)
        dialog.key_replaced.connect(lambda account: self._sync_new(
            account, f"The API key of {account.name} was replaced."))
        dialog.open()
        return dialog

    def import_csv(self):
        from exposure_app.ui.dialogs.csv_import_dialog import CsvImportDialog

        dialog = CsvImportDialog(self.state.store, self,
                                 base=self.state.settings.base_currency)
        dialog.accepted.connect(lambda: self._on_imported(dialog))
        dialog.open()
        return dialog

    def _on_imported(self, dialog) -> None:
        result = dialog.import_result
        if result is not None:
            self.message.emit(f"Imported {result.snapshots_written} snapshot(s) "
                              f"({result.rows} rows); {result.snapshots_unchanged} were already "
                              "there.", "info")
        self.changed.emit()

    def rename_selected(self) -> None:
        rows = self.selected_rows()
        if not rows:
            return
        name, ok = QInputDialog.getText(self, "Rename account", "New name", text=rows[0].name)
        if not ok or not name.strip():
            return
        try:
            self.state.store.accounts.rename(rows[0].account_id, name)
        except (StorageError, ValueError) as exc:   # taken, too long, look-alike scripts
            self.message.emit(str(exc), "error")
            return
        self.changed.emit()

    def remove_selected(self, *, confirm: bool = True) -> bool:
        rows = self.selected_rows()
        if not rows:
            return False
        row = rows[0]
        account = self.state.store.accounts.get(row.account_id)
        if confirm:
            key = ""
            if row.kind is AccountKind.EXCHANGE_API:
                shared = key_shared_with(self.state.store, account)
                key = (f" Its API key stays in the keyring: the copy of this profile in {shared} "
                       "still uses it." if shared else " Its API key is deleted from the keyring.")
            answer = QMessageBox.question(
                self, "Remove account",
                plain(f"Remove {row.name} and its whole history from this profile?{key}"))
            if answer != QMessageBox.StandardButton.Yes:
                return False
        try:
            removal = remove_account_everywhere(self.state.store, account, self.secret_store)
        except StorageError as exc:
            self.message.emit(f"{row.name} was not removed: {exc}", "error")
            return False
        if removal.key_kept_for is not None:
            self.message.emit(f"Removed {row.name}. Its API key stays in the keyring: the copy "
                              f"of this profile in {removal.key_kept_for} still uses it.", "info")
        self.changed.emit()
        return True
