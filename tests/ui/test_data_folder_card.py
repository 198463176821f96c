"""Settings > Data folder: moving the profile from the GUI, the demo that cannot move, and
removing an account whose API key another copy of the profile still uses."""

from __future__ import annotations

from PySide6.QtCore import QTimer

from exposure_app.services.profile import Profile
from exposure_app.services.profile_location import chosen_data_dir
from exposure_app.storage.store import DB_NAME, ProfileStore
from exposure_app.ui.widgets.data_folder_card import DataFolderCard


def test_move_copies_the_profile_and_use_default_forgets_it(qtbot, make_window, data_dir,
                                                             tmp_path):
    window = make_window(data_dir)
    window.show_page("settings")
    card = window.settings_page.folder_card
    assert card.folder.text() == str(data_dir)
    assert card.move_button.isEnabled() and not card.default_button.isEnabled()
    target = tmp_path / "new"
    call = card.move_to(target)
    qtbot.waitUntil(lambda: not card.busy() and "copied" in card.status.text(), timeout=30000)
    call.wait(10)
    assert "Restart Exposure to use it" in card.status.text()
    assert "same API keys" in card.status.text()
    assert chosen_data_dir() == target and (target / DB_NAME).exists()
    assert card.default_button.isEnabled()
    assert card.folder.text() == str(data_dir)               # this run keeps its folder
    card.use_default()
    assert chosen_data_dir() is None and not card.default_button.isEnabled()


def test_a_refused_folder_is_shown_in_red_and_nothing_is_chosen(qtbot, make_window, data_dir,
                                                                tmp_path):
    window = make_window(data_dir)
    window.show_page("settings")
    card = window.settings_page.folder_card
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "notes.txt").write_text("mine")
    call = card.move_to(busy)
    qtbot.waitUntil(lambda: not card.busy() and "Not moved" in card.status.text(), timeout=30000)
    call.wait(10)
    assert "not empty and holds no Exposure profile" in card.status.text()
    assert "color" in card.status.styleSheet()
    assert chosen_data_dir() is None and card.move_button.isEnabled()


def test_the_demos_temporary_profile_cannot_be_moved(qtbot, tmp_path):
    profile = Profile(tmp_path / "demo", temporary=True)
    ProfileStore.open(profile.data_dir).close()
    card = DataFolderCard(profile)
    qtbot.addWidget(card)
    assert not card.move_button.isEnabled() and not card.default_button.isEnabled()
    assert "temporary" in card.status.text()
    assert card.move_to(tmp_path / "elsewhere") is None
    assert chosen_data_dir() is None and not (tmp_path / "elsewhere").exists()


def test_removing_an_account_whose_key_a_copy_uses_says_the_key_stays(
        qtbot, make_window, data_dir, tmp_path, secret_store, memory_keyring):
    from exposure_app.domain.models import AccountKind
    from exposure_app.services.profile_location import move_profile

    with ProfileStore.open(data_dir) as store:
        secret_store.save("shared-ref", {"apiKey": "k", "secret": "s"})
        account = store.accounts.add("Binance", AccountKind.EXCHANGE_API, counterparty="binance",
                                     exchange_id="binance", options={"secret_ref": "shared-ref"})
    target = tmp_path / "moved"
    move_profile(data_dir, target)
    window = make_window(data_dir)
    window.show_page("accounts")
    window.accounts.select_account(account.id)
    # the real confirmation says so before anything is removed; answered No, nothing changes
    from PySide6.QtWidgets import QApplication, QMessageBox

    asked: list[str] = []

    def answer_no() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, answer_no)
            return
        asked.append(box.text())
        box.button(QMessageBox.StandardButton.No).click()

    QTimer.singleShot(0, answer_no)
    assert not window.accounts.remove_selected()
    assert "stays in the keyring" in asked[0] and str(target.resolve()) in asked[0]
    assert window.state.store.accounts.find("Binance") is not None
    with qtbot.waitSignal(window.accounts.message) as shown:
        assert window.accounts.remove_selected(confirm=False)
    assert "stays in the keyring" in shown.args[0] and str(target.resolve()) in shown.args[0]
    assert len(memory_keyring.entries) == 1
    assert window.state.store.accounts.find("Binance") is None
