"""The start-up prompt for a chosen data folder that holds no profile, clicked as a user would."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from exposure_app.services.profile import ENV_DATA_DIR, Profile
from exposure_app.services.profile_location import chosen_data_dir, record_choice
from exposure_app.storage.store import ProfileStore
from exposure_app.ui.missing_folder_prompt import resolve_present_profile


def _click_when_shown(qtbot, text: str, before=None) -> list[str]:
    """Click the button ``text`` of the next message box; return the box's text."""
    seen: list[str] = []

    def click():
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, click)
            return
        seen.append(box.text())
        if before is not None:
            before()
        next(b for b in box.buttons() if b.text() == text).click()

    QTimer.singleShot(0, click)
    return seen


@pytest.fixture
def unplugged(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV_DATA_DIR, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    folder = tmp_path / "vault"
    folder.mkdir()
    record_choice(folder)
    return folder


def test_use_the_default_folder_forgets_the_choice(qapp, qtbot, unplugged, tmp_path):
    seen = _click_when_shown(qtbot, "Use the default folder")
    profile = resolve_present_profile(Profile.resolve())
    assert str(unplugged) in seen[0] and "Is its drive connected?" in seen[0]
    assert profile is not None and profile.data_dir == tmp_path / "xdg" / "Exposure"
    assert chosen_data_dir() is None and list(unplugged.iterdir()) == []


def test_quit_leaves_everything_as_it_was(qapp, qtbot, unplugged):
    _click_when_shown(qtbot, "Quit")
    assert resolve_present_profile(Profile.resolve()) is None
    assert chosen_data_dir() == unplugged and list(unplugged.iterdir()) == []


def test_try_again_opens_the_folder_once_the_drive_is_back(qapp, qtbot, unplugged):
    _click_when_shown(qtbot, "Try again", before=lambda: ProfileStore.open(unplugged).close())
    profile = resolve_present_profile(Profile.resolve())
    assert profile is not None and profile.data_dir == unplugged and not profile.missing
