"""The main window's actions, menus and toolbar (one place for every shortcut).

The toolbar's as-of indicator is set by :func:`show_as_of` (the window calls
it when :attr:`ViewState.as_of_changed` fires). The actions that need the
profile's store are listed once (``window.store_actions``): the window
disables them until its store is open (:func:`enable_store_actions`).

The shell the window shows first does not touch PySide's ``Qt`` namespace or
``QKeySequence``, whose Python enums (about a hundred, made on first use) cost
more than the rest of the shell: the toolbar's button style is set by the
property's name, which Qt resolves itself, and the shortcuts are attached with
the store (:func:`add_shortcuts`), when the actions they trigger work.

Threading: GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QSizePolicy, QToolBar, QToolButton, QWidget

from exposure_app.ui.icons import action_icon

# the standard shortcut named instead of keys ("Quit": what the platform uses)
QUIT_SHORTCUT = "Quit"


def _action(window, text: str, slot, shortcut: str | None = None, icon: str | None = None,
            tip: str = "") -> QAction:
    """An action of the window; its ``shortcut`` (keys, or :data:`QUIT_SHORTCUT`) is
    attached by :func:`add_shortcuts`."""
    action = QAction(text, window)
    if icon:
        action.setIcon(action_icon(icon))
        action.setProperty("icon_name", icon)   # to redraw it when the palette changes
    action.setToolTip(tip or text.replace("…", ""))
    action.setStatusTip(tip or text)
    action.triggered.connect(slot)
    window.addAction(action)
    if shortcut is not None:
        window.pending_shortcuts.append((action, shortcut))
    return action


def add_shortcuts(window) -> None:
    """Attach the actions' shortcuts (once), naming each in its tooltip."""
    from PySide6.QtGui import QKeySequence

    for action, keys in window.pending_shortcuts:
        action.setShortcut(QKeySequence.StandardKey.Quit if keys == QUIT_SHORTCUT
                           else QKeySequence(keys))
        keys_text = action.shortcut().toString()   # a standard key may have none here
        if keys_text:
            action.setToolTip(f"{action.toolTip()} ({keys_text})")
    window.pending_shortcuts.clear()


def build_actions(window) -> None:
    """The window's actions (their shortcuts attached later: add_shortcuts), its menus."""
    def a(*args, **kwargs):
        return _action(window, *args, **kwargs)

    window.pending_shortcuts = []

    window.sync_all_action = a("&Sync all", lambda: window.sync.sync_all(), "Ctrl+R", "sync",
                             "Sync every exchange account now")
    window.sync_one_action = a("Sync this &account", lambda: window.sync.sync_selected(),
                             "Ctrl+Shift+R", None, "Sync the account selected in Accounts")
    window.cancel_action = a("&Cancel sync", lambda: window.sync.cancel(), "Ctrl+.", None,
                           "Stop the sync that is running")
    window.cancel_action.setEnabled(False)
    window.update_prices_action = a("Update &prices", lambda: window.sync.refresh_prices(),
                                    "Ctrl+Shift+P", "prices",
                                    "Update the market prices that value wallets and "
                                    "hand-recorded holdings")
    window.add_exchange_action = a("Add &exchange…", lambda: window.accounts.add_exchange(),
                                 "Ctrl+Shift+E", "add-exchange",
                                 "Connect an exchange with a read-only API key")
    window.add_wallet_action = a("Add &wallet or custodian…",
                                 lambda: window.accounts.add_manual(), "Ctrl+Shift+W",
                                 "add-wallet", "Record a wallet or a custodian by hand")
    window.import_action = a("&Import holdings CSV…", lambda: window.accounts.import_csv(),
                           "Ctrl+I", "import", "Import dated holdings from a CSV file")
    window.export_action = a("E&xport…", lambda: window.open_export(), "Ctrl+E", "export",
                           "Export reports as CSV")
    window.checklist_action = a("Self-custody &checklist", lambda: window.open_checklist(""),
                              "Ctrl+L", "checklist", "Plan moving assets to self-custody")
    window.today_action = a("Back to &today", lambda: window.state.set_as_of(None), "Ctrl+T",
                          None, "Show the latest figures")
    window.quit_action = a("&Quit", window.close, QUIT_SHORTCUT)
    # the actions that read or change the store (Cancel sync and Back to today keep
    # their own state: enabled only while a sync runs / while a past day is shown)
    window.store_actions = (window.sync_all_action, window.sync_one_action,
                            window.update_prices_action, window.add_exchange_action,
                            window.add_wallet_action, window.import_action,
                            window.export_action, window.checklist_action)
    window.page_actions = []
    for i, key in enumerate(window.pages.keys()):
        title = window.pages.item(key).text()
        action = a(title, lambda _=False, k=key: window.show_page(k), f"Ctrl+{i + 1}")
        window.page_actions.append(action)
    menus = window.menuBar()
    file_menu = menus.addMenu("&File")
    for action in (window.add_exchange_action, window.add_wallet_action, window.import_action,
                   window.export_action):
        file_menu.addAction(action)
    file_menu.addSeparator()
    file_menu.addAction(window.quit_action)
    view_menu = menus.addMenu("&View")
    for action in window.page_actions:
        view_menu.addAction(action)
    view_menu.addSeparator()
    view_menu.addAction(window.today_action)
    sync_menu = menus.addMenu("&Sync")
    for action in (window.sync_all_action, window.sync_one_action, window.cancel_action,
                   window.update_prices_action):
        sync_menu.addAction(action)
    tools = menus.addMenu("&Tools")
    tools.addAction(window.checklist_action)
    help_menu = menus.addMenu("&Help")
    help_menu.addAction(_action(window, "Open the &log folder", lambda: open_logs(window)))


def build_toolbar(window) -> None:
    """The main toolbar, with the as-of indicator and the highest level on the right."""
    bar = QToolBar("Main")
    bar.setObjectName("mainToolbar")
    bar.setMovable(False)
    bar.setIconSize(QSize(20, 20))
    bar.setProperty("toolButtonStyle", "ToolButtonTextBesideIcon")   # see the module docstring
    for action in (window.sync_all_action, window.cancel_action, window.update_prices_action):
        bar.addAction(action)
    bar.addSeparator()
    for action in (window.add_exchange_action, window.add_wallet_action, window.import_action,
                   window.export_action):
        bar.addAction(action)
    spacer = QWidget()
    spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    bar.addWidget(spacer)
    window.as_of_label = QLabel()
    window.as_of_label.setAccessibleName("As-of date")
    window.as_of_reset = QToolButton()
    window.as_of_reset.setDefaultAction(window.today_action)
    window.level_label = QLabel()
    window.level_label.setAccessibleName("Highest warning level")
    window.as_of_label_action = bar.addWidget(window.as_of_label)
    window.as_of_reset_action = bar.addWidget(window.as_of_reset)
    bar.addWidget(window.level_label)
    window.addToolBar(bar)
    window.toolbar = bar
    show_as_of(window, None)


def enable_store_actions(window, enabled: bool) -> None:
    """Enable (the store is open) or disable (not yet) the actions that need the store."""
    for action in window.store_actions:
        action.setEnabled(enabled)


def show_as_of(window, moment) -> None:
    """The toolbar's "Showing <date>" and "Back to today" while the window looks at a past day."""
    # note: a widget in a toolbar is shown and hidden through its action
    if moment is None:
        window.as_of_label.setText("")
    else:
        window.as_of_label.setText(f"Showing {moment:%Y-%m-%d} (end of day, UTC) ")
    window.as_of_label_action.setVisible(moment is not None)
    window.as_of_reset_action.setVisible(moment is not None)
    window.today_action.setEnabled(moment is not None)


def open_logs(window) -> None:
    """Show the profile's log folder in the file manager."""
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    window.profile.log_dir.mkdir(parents=True, exist_ok=True)
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(window.profile.log_dir)))
