"""Fixtures shared by the whole suite.

* ``data_dir``: an empty profile folder in tmp_path.
* ``store``: a migrated ProfileStore on a real SQLite file in ``data_dir``.
* ``isolated_config_dir`` (automatic): ``EXPOSURE_APP_CONFIG_DIR`` points at a
  scratch folder, so the chosen data folder of the machine is never used.
* ``run_cli``: runs ``python -m exposure_app --data-dir DIR ...`` in a
  subprocess (the real entry point) and returns the CompletedProcess. In a
  module marked ``pytestmark = pytest.mark.cli_in_process`` it is
  ``run_cli_in_process``.
* ``run_cli_in_process``: the same call, same answer, inside the test process
  (``tests/cli_in_process.py``): for tests about what a command does rather
  than about the process (signals, other processes' locks, locale, packaging),
  without a Python start-up per call.
* ``memory_keyring``: the process keyring replaced by an in-memory backend
  (restored afterwards); returns the backend (``.entries`` to inspect).
* ``secret_store``: a :class:`SecretStore` on that backend.
* ``emulator_server``: a started :class:`EmulatorServer`; ``server.add(emu)``
  serves an emulator on loopback and sets ``emu.base_url``. Stopped afterwards.
* ``add_exchange_account``: ``add(store, name, emu)`` adds an ``exchange_api``
  account pointed at ``emu`` (served if it is not yet) with its credentials in
  the memory keyring, through the same service the CLI uses (no key test).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from exposure_app.storage.secrets import SecretStore
from exposure_app.storage.store import ProfileStore

REPO_ROOT = Path(__file__).resolve().parent.parent


def cli_env(**extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO_ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    # Never let a CLI subprocess reach the developer's real keyring.
    env.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    env.pop("EXPOSURE_APP_DATA_DIR", None)
    env.update(extra)
    return env


@pytest.fixture(autouse=True)
def isolated_config_dir(tmp_path_factory, monkeypatch) -> Path:
    """A scratch config folder: no test reads or writes the developer's chosen data folder."""
    path = tmp_path_factory.mktemp("config")
    monkeypatch.setenv("EXPOSURE_APP_CONFIG_DIR", str(path))
    return path


@pytest.fixture(autouse=True)
def no_held_modifier_keys():
    """Each test starts with no modifier key held, as a user's next action would.

    A test that types a shortcut (``qtbot.keyClick(w, Key_R, Ctrl | Shift)``) leaves Qt
    believing Ctrl and Shift are still down: the key's release event carries them, and Qt
    takes the held modifiers from the last key event it saw. The next test's
    ``selectRow`` then extends a range from no anchor and selects nothing. Releasing the
    modifier keys after such a test gives the next one a keyboard at rest.
    """
    yield
    if "PySide6.QtWidgets" not in sys.modules:   # a test without Qt: nothing to release
        return
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication, QWidget

    if QApplication.instance() is None or \
            QGuiApplication.keyboardModifiers() == Qt.KeyboardModifier.NoModifier:
        return
    receiver = QWidget()
    for key in (Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_Meta):
        QTest.keyRelease(receiver, key)
    receiver.deleteLater()
    assert QGuiApplication.keyboardModifiers() == Qt.KeyboardModifier.NoModifier


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "profile"
    path.mkdir()
    return path


@pytest.fixture
def store(data_dir: Path):
    s = ProfileStore.open(data_dir)
    yield s
    s.close()


def pytest_configure(config) -> None:
    config.addinivalue_line(
        "markers", "cli_in_process: the module's run_cli calls the CLI inside the test process "
        "(tests/cli_in_process.py) instead of in a subprocess")


@pytest.fixture
def run_cli(request, data_dir: Path):
    if request.node.get_closest_marker("cli_in_process"):
        return request.getfixturevalue("run_cli_in_process")

    def run(*args: str, input: str | None = None, env: dict[str, str] | None = None,
            data: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "exposure_app", "--data-dir", str(data or data_dir), *args],
            input=input,
            capture_output=True,
            text=True,
            env=cli_env(**(env or {})),
            timeout=timeout,
            cwd=REPO_ROOT,
        )

    return run


@pytest.fixture
def run_cli_in_process(data_dir: Path):
    from tests.cli_in_process import run_cli_in_process

    def run(*args: str, input: str | None = None, env: dict[str, str] | None = None,
            data: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        del timeout   # the subprocess runner's; a call here cannot be left behind
        return run_cli_in_process(["--data-dir", str(data or data_dir), *args],
                                  input=input, env=cli_env(**(env or {})))

    return run


@pytest.fixture
def memory_keyring():
    import keyring

    from exposure_app.storage.secrets import memory_keyring as new_memory_keyring

    previous = keyring.get_keyring()
    backend = new_memory_keyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def secret_store(memory_keyring) -> SecretStore:
    return SecretStore(memory_keyring)


@pytest.fixture
def emulator_server():
    from exposure_app.emulator.base import EmulatorServer

    server = EmulatorServer()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def add_exchange_account(secret_store, emulator_server):
    """``add(store, name, emu, timeout_seconds=5)`` -> the Account pointed at ``emu``."""
    from exposure_app.exchanges.client_factory import ConnectionOptions
    from exposure_app.services.exchange_accounts import create_exchange_account

    def add(store, name: str, emulator, *, timeout_seconds: float = 5.0,
            exchange_id: str | None = None):
        if emulator.base_url is None:
            emulator_server.add(emulator, key=f"{name}-{id(emulator)}")
        return create_exchange_account(
            store, secret_store, name=name, exchange_id=exchange_id or emulator.exchange_id,
            credentials=emulator.account.credentials(),
            connection=ConnectionOptions(api_url=emulator.base_url,
                                         timeout_seconds=timeout_seconds),
        )

    return add
