"""A second desktop app on a profile already open in another: a clear message, no second writer.

The first ``exposure-app --data-dir D`` (offscreen) holds the profile lock.
The second runs through :mod:`tests.hardening.gui_dialog_probe`, which reports
the modal dialog it shows and closes it: the second must explain that the
profile is in use (naming the first process), never build a main window, and
exit non-zero; the first keeps running and the database stays whole.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time

from exposure_app.domain.models import AccountKind
from exposure_app.storage.profile_lock import LOCK_NAME
from exposure_app.storage.store import DB_NAME, ProfileStore
from tests.conftest import REPO_ROOT, cli_env


def _wait_for_lock_owner(data_dir, pid: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    lock = data_dir / LOCK_NAME
    while time.monotonic() < deadline:
        if lock.exists() and lock.read_text().strip() == str(pid):
            return
        time.sleep(0.1)
    raise AssertionError("the first app never took the profile lock")


def _terminate(app: subprocess.Popen) -> None:
    """SIGTERM (the app quits cleanly), SIGKILL after 20 s; its pipes are drained."""
    app.send_signal(signal.SIGTERM)
    try:
        app.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        app.kill()
        app.communicate()


def test_second_gui_on_an_open_profile_explains_and_exits(data_dir):
    with ProfileStore.open(data_dir) as store:
        store.accounts.add("Ledger", AccountKind.SELF_CUSTODY)
    env = cli_env(QT_QPA_PLATFORM="offscreen")
    first = subprocess.Popen([sys.executable, "-m", "exposure_app", "--data-dir", str(data_dir)],
                             env=env, cwd=REPO_ROOT, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
    try:
        _wait_for_lock_owner(data_dir, first.pid)
        second = subprocess.run(
            [sys.executable, "-m", "tests.hardening.gui_dialog_probe", "--data-dir", str(data_dir)],
            env=env, cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
        assert first.poll() is None, "the first app must keep running"
    finally:
        _terminate(first)
    assert second.returncode == 1, second.stderr
    assert "Traceback" not in second.stderr
    dialogs = [json.loads(line) for line in second.stdout.splitlines() if line.startswith("{")]
    assert len(dialogs) == 1, second.stdout
    shown = dialogs[0]
    assert shown["dialog"] == "QMessageBox"
    assert "in use by another Exposure process" in shown["text"]
    assert f"pid {first.pid}" in shown["text"]
    assert shown["main_windows"] == []          # no window, so no second writer was built
    conn = sqlite3.connect(data_dir / DB_NAME)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT name FROM accounts").fetchall() == [("Ledger",)]
    finally:
        conn.close()


def test_second_gui_opens_once_the_first_has_exited(data_dir):
    env = cli_env(QT_QPA_PLATFORM="offscreen")
    first = subprocess.Popen([sys.executable, "-m", "exposure_app", "--data-dir", str(data_dir)],
                             env=env, cwd=REPO_ROOT, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    _wait_for_lock_owner(data_dir, first.pid)
    first.send_signal(signal.SIGKILL)               # even a crash releases the OS lock
    first.wait()
    second = subprocess.Popen([sys.executable, "-m", "exposure_app", "--data-dir", str(data_dir)],
                              env=env, cwd=REPO_ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        _wait_for_lock_owner(data_dir, second.pid)
        assert second.poll() is None
    finally:
        _terminate(second)
