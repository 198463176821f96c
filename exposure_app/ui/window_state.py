"""Window state (geometry, splitters, header state, current page) in QSettings.

Kept apart from the user's preferences (:class:`Settings`, shared with the
CLI as JSON): this file holds only how the window looked, in an INI file in
the profile folder (``window-state.ini``), so deleting it resets the layout
and nothing else.

Threading: GUI thread only.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QMainWindow

if TYPE_CHECKING:   # only named here: the window's first frame makes neither type
    from PySide6.QtWidgets import QHeaderView, QSplitter

FILE_NAME = "window-state.ini"
VERSION = 1


class WindowState:
    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / FILE_NAME
        self.qsettings = QSettings(str(self.path), QSettings.Format.IniFormat)
        if self.qsettings.value("version", VERSION, int) != VERSION:
            self.qsettings.clear()
        self.qsettings.setValue("version", VERSION)

    def _bytes(self, key: str) -> QByteArray | None:
        value = self.qsettings.value(key)
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def save_window(self, window: QMainWindow) -> None:
        self.qsettings.setValue("window/geometry", window.saveGeometry())
        self.qsettings.setValue("window/state", window.saveState())

    def restore_window(self, window: QMainWindow) -> bool:
        geometry = self._bytes("window/geometry")
        state = self._bytes("window/state")
        restored = geometry is not None and window.restoreGeometry(geometry)
        if state is not None:
            window.restoreState(state)
        return restored

    def save_header(self, key: str, header: QHeaderView) -> None:
        self.qsettings.setValue(f"headers/{key}", header.saveState())

    def restore_header(self, key: str, header: QHeaderView) -> bool:
        state = self._bytes(f"headers/{key}")
        return state is not None and header.restoreState(state)

    def save_splitter(self, key: str, splitter: QSplitter) -> None:
        self.qsettings.setValue(f"splitters/{key}", splitter.saveState())

    def restore_splitter(self, key: str, splitter: QSplitter) -> bool:
        state = self._bytes(f"splitters/{key}")
        return state is not None and splitter.restoreState(state)

    def value(self, key: str, default=None):
        return self.qsettings.value(key, default)

    def set_value(self, key: str, value) -> None:
        self.qsettings.setValue(key, value)

    def sync(self) -> None:
        self.qsettings.sync()
