"""Start-up prompt when the data folder chosen in Settings holds no profile.

The folder may be on a drive that is not connected. Exposure never creates a
new, empty profile there on its own (an empty window would look like lost
data), so it asks: try again (after connecting the drive), go back to the
platform's default folder, or quit.

Threading: GUI thread, before the main window exists.
"""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox

from exposure_app import APP_NAME
from exposure_app.services.profile import Profile
from exposure_app.services.profile_location import record_choice
from exposure_app.ui.rich_text import plain


def resolve_present_profile(profile: Profile, parent=None) -> Profile | None:
    """``profile`` once its chosen folder is there, the default one, or ``None`` to quit."""
    while profile.missing:
        box = QMessageBox(QMessageBox.Icon.Warning, APP_NAME,
                          plain(f"The data folder chosen in Settings holds no Exposure profile:\n"
                                f"{profile.data_dir}\n\nIs its drive connected? Nothing was "
                                "created there."), parent=parent)
        box.setObjectName("missing-data-folder")
        retry = box.addButton("Try again", QMessageBox.ButtonRole.AcceptRole)
        default = box.addButton("Use the default folder", QMessageBox.ButtonRole.ResetRole)
        box.addButton("Quit", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(retry)
        box.exec()
        clicked = box.clickedButton()
        if clicked is retry:
            profile = Profile.resolve()
        elif clicked is default:
            record_choice(None)
            profile = Profile.resolve()
        else:
            return None
    return profile
