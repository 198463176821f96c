"""The window first, the store after: the shell before its store, and what happens when
opening the store fails once the shell is on screen (``ui.app``)."""

from __future__ import annotations

import sqlite3

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from exposure_app.domain.models import AccountKind
from exposure_app.services.profile import Profile
from exposure_app.storage.store import DB_NAME, ProfileStore
from tests.ui.test_url_login_notice import locked_keyring  # noqa: F401  (fixture)


@pytest.fixture
def shell(qtbot, data_dir, secret_store):
    """The window's shell on ``data_dir``, shown, its store not opened; closed at the end."""
    from exposure_app.ui.app import build_shell

    window = build_shell(Profile(data_dir), secret_store=secret_store)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.close()
    if window.error_reporter is not None:
        window.error_reporter.uninstall()


@pytest.fixture
def boxes():
    """Answers modal message boxes: ``boxes.answer = "Start anew"`` clicks that button,
    else a box is closed; ``boxes.seen`` holds each box's text, in order."""

    class Boxes:
        def __init__(self) -> None:
            self.answer: str | None = None
            self.seen: list[str] = []

    answered = Boxes()

    def look() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            return
        answered.seen.append(box.text())
        chosen = [b for b in box.buttons() if b.text() == answered.answer]
        if chosen:
            chosen[0].click()
            answered.answer = None   # once: the box that follows is closed
        else:
            box.close()

    timer = QTimer()
    timer.timeout.connect(look)
    timer.start(20)
    yield answered
    timer.stop()


def test_actions_that_need_the_store_are_disabled_until_it_opens(qtbot, shell, data_dir):
    from exposure_app.ui.app import open_in_window

    assert not shell.is_open
    assert shell.store_actions and not any(a.isEnabled() for a in shell.store_actions)
    assert shell.quit_action.isEnabled()
    with pytest.raises(RuntimeError, match="not open yet"):
        _ = shell.state
    shell.sync_all_action.trigger()             # disabled: nothing happens
    assert shell.sync_if_started() is None
    shell.show_page("accounts")                 # only selects the page
    assert shell.current_page_key() == "accounts"
    assert shell.pages.built("accounts") is None
    assert shell.stack.currentWidget() is shell.reading
    assert shell.reading.text() == "Opening the profile…"
    assert not (data_dir / DB_NAME).exists()    # nothing has opened the store
    assert shell.sync_all_action.shortcut().isEmpty()   # shortcuts come with the store
    open_in_window(shell, tray=False)
    assert shell.is_open and all(a.isEnabled() for a in shell.store_actions)
    assert shell.sync_all_action.shortcut().toString() == "Ctrl+R"
    assert shell.sync_all_action.toolTip().endswith("(Ctrl+R)")
    assert "()" not in shell.quit_action.toolTip()   # no empty keys where a platform has none
    assert (data_dir / DB_NAME).is_file()
    qtbot.waitUntil(lambda: shell.stack.currentWidget() is shell.pages.built("accounts"),
                    timeout=5000)               # the page chosen before is shown with data


def test_the_shell_looks_as_the_open_window_does(shell):
    """Set by property name in the shell (no ``Qt`` namespace yet): still what Qt shows."""
    from PySide6.QtCore import Qt

    assert shell.toolbar.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonTextBesideIcon
    assert shell.reading.alignment() == Qt.AlignmentFlag.AlignCenter
    assert [shell.pages.key_at(row) for row in range(shell.nav.count())] == shell.page_keys()
    shell.nav.setCurrentRow(2)
    assert shell.current_page_key() == "history"


def test_a_dark_window_is_dark_from_its_first_frame_on(qtbot, data_dir, secret_store):
    """The theme is read with the store; the shell takes the one the window last had."""
    from exposure_app.services.settings import Settings
    from exposure_app.ui.app import build_shell, open_in_window
    from exposure_app.ui.theme_mode import apply_theme, is_dark

    settings = Settings.load(data_dir)
    settings.set("theme", "dark")
    settings.save()
    try:
        first = build_shell(Profile(data_dir), secret_store=secret_store)
        qtbot.addWidget(first)
        assert not is_dark()                       # a first start: not known before the store
        open_in_window(first, tray=False)
        assert is_dark()
        first.close()
        apply_theme("system")
        again = build_shell(Profile(data_dir), secret_store=secret_store)
        qtbot.addWidget(again)
        assert is_dark() and not again.is_open    # dark before its store is opened
        settings.set("theme", "system")           # changed meanwhile (the command line)
        settings.save()
        open_in_window(again, tray=False)
        assert not is_dark()
        again.close()
        again.error_reporter.uninstall()
        first.error_reporter.uninstall()
    finally:
        apply_theme("system")


def test_a_damaged_database_asks_over_the_shown_window_and_starting_anew_opens_it(
        shell, boxes, data_dir):
    from exposure_app.ui.app import _open_store_in

    (data_dir / DB_NAME).write_bytes(b"")
    boxes.answer = "Start anew"
    assert _open_store_in(shell, tray=False)
    assert "damaged" in boxes.seen[0] and "empty (0 bytes)" in boxes.seen[0]
    assert "kept as" in boxes.seen[1]           # where the damaged file went
    assert shell.is_open
    assert any(p.name.startswith(DB_NAME) and p.name != DB_NAME and p.stat().st_size == 0
               for p in data_dir.iterdir())    # the damaged file was kept beside


def test_quitting_at_the_damaged_database_prompt_leaves_the_window_closed_to_it(
        shell, boxes, data_dir):
    from exposure_app.ui.app import _open_store_in

    (data_dir / DB_NAME).write_bytes(b"")
    boxes.answer = "Quit"
    assert not _open_store_in(shell, tray=False)
    assert len(boxes.seen) == 1 and "damaged" in boxes.seen[0]
    assert not shell.is_open
    assert (data_dir / DB_NAME).read_bytes() == b""


def test_a_database_from_a_newer_version_is_told_over_the_window(shell, boxes, data_dir):
    from exposure_app.ui.app import _open_store_in

    ProfileStore.open(data_dir).close()
    conn = sqlite3.connect(data_dir / DB_NAME)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    assert not _open_store_in(shell, tray=False)
    assert len(boxes.seen) == 1 and "newer version of Exposure" in boxes.seen[0]
    assert not shell.is_open


def test_an_unforeseen_failure_is_one_line_and_the_traceback_goes_to_the_log(
        shell, boxes, data_dir, monkeypatch):
    from exposure_app.ui.app import _open_store_in

    def fail(self):
        raise ValueError("something unforeseen")

    monkeypatch.setattr(Profile, "open_store", fail)
    assert not _open_store_in(shell, tray=False)
    [text] = boxes.seen
    assert "could not open the profile" in text and "ValueError: something unforeseen" in text
    assert str(data_dir / "logs") in text and "Traceback" not in text
    assert "Traceback" in (data_dir / "logs" / "exposure.log").read_text(encoding="utf-8")
    assert not shell.is_open


@pytest.mark.usefixtures("locked_keyring")
def test_a_keyring_refusing_the_url_login_upgrade_is_a_notice_once_the_shell_opens(
        qtbot, shell, boxes, data_dir):
    from exposure_app.ui.app import _open_store_in

    with ProfileStore.open(data_dir) as store:
        store.accounts.add("Kraken", AccountKind.EXCHANGE_API, counterparty="kraken",
                           exchange_id="kraken",
                           options={"api_url": "http://u:pw-left-behind@127.0.0.1:9",
                                    "secret_ref": "account-test", "timeout_seconds": 5.0})
    assert _open_store_in(shell, tray=False)
    assert boxes.seen == []                     # no prompt: the window opens
    qtbot.waitUntil(lambda: any("keyring" in m for m in shell.banner.messages()),
                    timeout=5000)
    [notice] = [m for m in shell.banner.messages() if "keyring" in m]
    assert "'Kraken'" in notice and "still in the profile's database" in notice


def test_a_window_built_in_one_go_that_cannot_open_leaves_no_error_hook(qtbot, data_dir):
    import sys

    from exposure_app.storage.errors import SchemaTooNewError
    from exposure_app.ui.app import build_window

    ProfileStore.open(data_dir).close()
    conn = sqlite3.connect(data_dir / DB_NAME)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    hook = sys.excepthook
    with pytest.raises(SchemaTooNewError):
        build_window(Profile(data_dir), tray=False)
    assert sys.excepthook is hook
