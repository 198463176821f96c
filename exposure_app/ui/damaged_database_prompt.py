"""Start-up prompt when the profile's database is damaged (empty, unreadable, corrupt).

The damaged file is never replaced silently: the user chooses to restore the
newest backup, choose another backup, start anew (the damaged file is kept
beside the new one either way), or quit. The same actions exist in the CLI
(``data-folder restore BACKUP``, ``data-folder start-anew``).

Threading: GUI thread, before the main window exists; the caller holds the
profile's write lock.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox

from exposure_app import APP_NAME
from exposure_app.storage.database_file import (
    DamagedDatabaseError,
    backup_dir,
    list_backups,
    restore_backup,
    start_anew,
)
from exposure_app.storage.errors import StorageError
from exposure_app.ui.rich_text import plain


def resolve_damaged_database(error: DamagedDatabaseError, parent=None) -> bool:
    """``True`` when the user restored a backup or started anew (open the profile
    again), ``False`` to quit."""
    path = error.path
    backups = list_backups(path.parent)
    box = QMessageBox(QMessageBox.Icon.Critical, APP_NAME, plain(str(error)), parent=parent)
    box.setObjectName("damaged-database")
    newest = (box.addButton(f"Restore {backups[0].name}", QMessageBox.ButtonRole.AcceptRole)
              if backups else None)
    choose = box.addButton("Choose a backup…", QMessageBox.ButtonRole.ActionRole)
    anew = box.addButton("Start anew", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
    box.exec()
    clicked = box.clickedButton()
    try:
        if newest is not None and clicked is newest:
            restore_backup(path, backups[0])
            return True
        if clicked is choose:
            chosen, _ = QFileDialog.getOpenFileName(parent, "Choose a backup", str(
                backup_dir(path.parent)), "Exposure databases (*.sqlite3);;All files (*)")
            if not chosen:
                return resolve_damaged_database(error, parent)
            restore_backup(path, Path(chosen))
            return True
        if clicked is anew:
            kept = start_anew(path)
            QMessageBox.information(parent, APP_NAME, plain(
                f"The damaged database was kept as {kept}. Exposure starts with an empty "
                "profile."))
            return True
    except (StorageError, OSError) as exc:
        QMessageBox.critical(parent, APP_NAME, plain(f"Nothing was changed: {exc}"))
        return resolve_damaged_database(error, parent)
    return False
