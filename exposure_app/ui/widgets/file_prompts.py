"""The file a command reads or writes: the path it was given (a test, a drop, a
script) or, without one, the file the user picks in the system's file dialog.

``None`` means the user cancelled: the command does nothing.

Threading: GUI thread only (the file dialogs are modal).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget


def path_to_read(parent: QWidget, title: str, filter_: str,
                 given: str | Path | None = None) -> Path | None:
    if given is not None:
        return Path(given)
    chosen, _ = QFileDialog.getOpenFileName(parent, title, "", filter_)
    return Path(chosen) if chosen else None


def path_to_write(parent: QWidget, title: str, suggested: str | Path, filter_: str,
                  given: str | Path | None = None) -> Path | None:
    """``suggested``: the name (or whole path) the dialog starts with."""
    if given is not None:
        return Path(given)
    chosen, _ = QFileDialog.getSaveFileName(parent, title, str(suggested), filter_)
    return Path(chosen) if chosen else None
