"""The system-tray icon: the highest warning level, and a notice when a level rises.

Threading: GUI thread only.
"""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from exposure_app import APP_NAME
from exposure_app.ui.icons import app_icon, level_icon
from exposure_app.ui.level_colours import level_label
from exposure_app.ui.rich_text import plain
from exposure_app.ui.view_state import ViewData


class TrayIcon(QSystemTrayIcon):
    def __init__(self, window) -> None:
        super().__init__(app_icon(), window)
        self.window = window
        self.notices: list[tuple[str, str]] = []
        menu = QMenu()
        show = QAction("Show Exposure", menu)
        show.triggered.connect(self._show_window)
        menu.addAction(show)
        menu.addAction(window.sync_all_action)
        menu.addSeparator()
        menu.addAction(window.quit_action)
        self.setContextMenu(menu)
        self._menu = menu
        self.setToolTip(APP_NAME)
        self.activated.connect(self._on_activated)
        window.state.refreshed.connect(self.show_data)
        window.notices.level_changed.connect(self.notify_level_rise)

    def show_data(self, data: ViewData) -> None:
        if data.warnings:
            top = data.highest_level
            self.setIcon(level_icon(top))
            self.setToolTip(f"{APP_NAME}: highest warning {level_label(top)} "
                            f"({len(data.warnings)} warning(s))")
        else:
            self.setIcon(app_icon())
            self.setToolTip(f"{APP_NAME}: no warnings")

    def notify_level_rise(self, name: str, level: str) -> None:
        title = f"{name}: warning now {level_label(level)}"
        text = "Open Exposure to see why and what to do."
        self.notices.append((title, text))
        if self.isVisible() and self.supportsMessages():
            # Qt's own balloon reads the title as rich text if it looks like it (the message
            # is plain): a custodian's name goes through plain()
            self.showMessage(plain(title), text, level_icon(level), 10_000)

    def _show_window(self) -> None:
        self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()

    def _on_activated(self, reason) -> None:
        if reason == QSystemTrayIcon.ActivationReason.Trigger:
            self._show_window()
