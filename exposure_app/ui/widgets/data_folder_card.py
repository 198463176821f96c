"""The Settings page's "Data folder" card: where the profile is, and moving it.

"Move…" copies this profile into an empty folder (or adopts the profile already
in the chosen folder) on a worker thread, then records that folder as the
default from the next start (``services.profile_location``). The running app
keeps using the current folder until it is restarted, and the old folder is
left as it was. "Use default" forgets the choice. A temporary profile (the
demo's) cannot be moved.

Threading: GUI thread; the copy runs in a :class:`BackgroundCall` that
:meth:`shutdown` joins.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton, QWidget

from exposure_app.services.profile import Profile
from exposure_app.services.profile_location import (
    MoveResult,
    ProfileLocationError,
    chosen_data_dir,
    move_profile,
    record_choice,
)
from exposure_app.ui.background import BackgroundCall
from exposure_app.ui.widgets.card_frames import ERROR_COLOUR, Card, muted

SAME_KEYS_NOTE = ("The old folder was left as it was; delete it when you no longer need it. "
                  "Both copies use the same API keys in your keyring: removing an account in "
                  "one keeps a key the other still uses.")


class DataFolderCard(Card):
    def __init__(self, profile: Profile, parent: QWidget | None = None) -> None:
        super().__init__("Data folder", parent)
        self.profile = profile
        self._call: BackgroundCall | None = None
        row = QHBoxLayout()
        self.folder = QLineEdit(str(profile.data_dir))
        self.folder.setReadOnly(True)
        self.folder.setAccessibleName("Data folder")
        open_button = QPushButton("Open folder")
        open_button.clicked.connect(lambda: QDesktopServices.openUrl(
            QUrl.fromLocalFile(str(profile.data_dir))))
        self.move_button = QPushButton("Move…")
        self.move_button.setAccessibleName("Move the profile")
        self.move_button.clicked.connect(self.choose_folder)
        self.default_button = QPushButton("Use default")
        self.default_button.setAccessibleName("Use the default data folder")
        self.default_button.clicked.connect(self.use_default)
        row.addWidget(self.folder, 1)
        for button in (open_button, self.move_button, self.default_button):
            row.addWidget(button)
        self.body.addLayout(row)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.setAccessibleName("Data folder status")
        self.body.addWidget(self.status)
        self.body.addWidget(muted(
            "The database, settings, window layout and logs of this profile live here. "
            "Move… copies the profile to an empty folder (or uses the profile already in the "
            "folder you pick) and opens it from the next start. A folder named when the app is "
            "started still comes first. API keys are never stored here: they stay in the "
            "system keyring."))
        self._refresh()

    def _refresh(self, message: str = "", error: bool = False) -> None:
        chosen = chosen_data_dir()
        movable = not self.profile.temporary and not self.busy()
        self.move_button.setEnabled(movable)
        self.default_button.setEnabled(movable and chosen is not None)
        if self.profile.temporary:
            message = message or "This is the demo's temporary profile; it cannot be moved."
        elif not message and chosen is not None and chosen != self.profile.data_dir:
            message = f"From the next start Exposure opens {chosen}."
        self.status.setStyleSheet(f"color: {ERROR_COLOUR}" if error else "")
        self.status.setText(message)
        self.status.setVisible(bool(message))

    def busy(self) -> bool:
        return self._call is not None and self._call.is_running()

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Choose the profile's new folder",
                                                  str(self.profile.data_dir.parent))
        if folder:
            self.move_to(Path(folder))

    def move_to(self, folder: Path) -> BackgroundCall | None:
        """Copy or adopt the profile in ``folder`` on a worker thread; the card shows the result."""
        if self.profile.temporary or self.busy():
            return None
        source = self.profile.data_dir
        self._call = BackgroundCall(lambda: move_profile(source, folder), "move-profile", self)
        self._call.done.connect(self._on_moved, Qt.ConnectionType.QueuedConnection)
        self._call.failed.connect(self._on_failed, Qt.ConnectionType.QueuedConnection)
        self._call.start()
        self.status.setText(f"Copying the profile to {folder}…")
        self.status.setVisible(True)
        self.move_button.setEnabled(False)
        self.default_button.setEnabled(False)
        return self._call

    def _on_moved(self, result: MoveResult) -> None:
        if result.copied:
            text = (f"This profile was copied to {result.data_dir}. Restart Exposure to use it. "
                    + SAME_KEYS_NOTE)
        else:
            text = (f"Exposure will open the profile already in {result.data_dir} from the "
                    "next start. This profile stays where it is.")
        self._call = None
        self._refresh(text)

    def _on_failed(self, exc: Exception) -> None:
        self._call = None
        if isinstance(exc, ProfileLocationError):
            text = f"Not moved: {exc}."
        else:
            text = f"Not moved: {type(exc).__name__}: {exc}"
        self._refresh(text, error=True)

    def use_default(self) -> None:
        if self.profile.temporary:
            return
        record_choice(None)
        self._refresh("The platform's data folder is the default again from the next start.")

    def shutdown(self) -> None:
        if self._call is not None:
            self._call.wait(60)
