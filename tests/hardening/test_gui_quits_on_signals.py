"""Ctrl+C (SIGINT) and SIGTERM quit the desktop app cleanly, as closing its window does.

A real ``exposure-app`` process (offscreen Qt) is started on a profile; once
it holds the profile lock (the signal handlers are installed before that) it
gets the signal. It must exit by itself with status 0, through the normal
shutdown: the window state is saved and the lock released.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest

from exposure_app.storage.profile_lock import LOCK_NAME
from tests.conftest import REPO_ROOT, cli_env


def _wait_for_lock_owner(data_dir, pid: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        lock = data_dir / LOCK_NAME
        if lock.exists() and lock.read_text().strip() == str(pid):
            return
        time.sleep(0.1)
    raise AssertionError("the app never took the profile lock")


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
@pytest.mark.parametrize("settle", [0.0, 3.0])   # during start-up, and with the window shown
def test_the_gui_quits_cleanly_on_a_signal(data_dir, signum, settle):
    app = subprocess.Popen([sys.executable, "-m", "exposure_app", "--data-dir", str(data_dir)],
                           env=cli_env(QT_QPA_PLATFORM="offscreen"), cwd=REPO_ROOT,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for_lock_owner(data_dir, app.pid)
        time.sleep(settle)
        app.send_signal(signum)
        _out, err = app.communicate(timeout=30)
    finally:
        if app.poll() is None:
            app.kill()
            app.communicate()
            pytest.fail("the app was still running 30 s after the signal")
    assert app.returncode == 0, err
    assert "Traceback" not in err
    assert (data_dir / "window-state.ini").exists()      # the normal shutdown ran


def test_the_gui_asks_what_to_do_with_a_damaged_database(data_dir):
    """The same start-up, on an empty database file: a prompt (restore / start anew /
    quit) instead of a new, empty profile; quitting it leaves the file as it was.

    The window's shell is on screen by then (the store is checked after its first
    frame), but nothing has read the store; quitting closes it and the app exits 1."""
    import json

    (data_dir / "exposure.sqlite3").write_bytes(b"")
    probe = subprocess.run(
        [sys.executable, "-m", "tests.hardening.gui_dialog_probe", "--data-dir", str(data_dir)],
        env=cli_env(QT_QPA_PLATFORM="offscreen"), cwd=REPO_ROOT, capture_output=True, text=True,
        timeout=120)
    assert probe.returncode == 1, probe.stderr
    assert "Traceback" not in probe.stderr
    dialogs = [json.loads(line) for line in probe.stdout.splitlines() if line.startswith("{")]
    assert len(dialogs) == 1, probe.stdout
    assert "damaged" in dialogs[0]["text"] and "empty (0 bytes)" in dialogs[0]["text"]
    assert dialogs[0]["main_windows"] == ["MainWindow"]
    assert dialogs[0]["stores_open"] == [False]
    assert (data_dir / "exposure.sqlite3").read_bytes() == b""
