"""A keyring backend for tests that must share credentials with a subprocess.

Selected with ``PYTHON_KEYRING_BACKEND=tests.hardening.file_keyring.FileKeyring``;
entries live in the JSON file named by ``EXPOSURE_TEST_KEYRING_FILE`` (a file
in the test's tmp folder, outside any profile). FOR TESTS ONLY: it stores
secrets in plain text, which is exactly what the app must never do; it exists
so a killed ``exposure-app sync`` subprocess can read the key the test process
stored through the real :class:`~exposure_app.storage.secrets.SecretStore`.

``EXPOSURE_TEST_KEYRING_FAIL`` makes it misbehave on purpose: ``get`` (reads
raise), ``set`` (writes raise) or ``all`` (both), to stand in for a locked or
broken keyring daemon.

Threading: one call at a time; writes replace the file atomically.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from jaraco.classes import properties
from keyring.backend import KeyringBackend
from keyring.errors import KeyringLocked, PasswordDeleteError

FILE_VARIABLE = "EXPOSURE_TEST_KEYRING_FILE"
FAIL_VARIABLE = "EXPOSURE_TEST_KEYRING_FAIL"
BACKEND_NAME = "tests.hardening.file_keyring.FileKeyring"


class FileKeyring(KeyringBackend):
    @properties.classproperty
    def priority(cls) -> float:  # noqa: N805 - keyring's classproperty
        """Never chosen by keyring's auto-detection unless a test set the file variable."""
        if FILE_VARIABLE not in os.environ:
            raise RuntimeError("a keyring for tests only")
        return 0.1

    def __init__(self, path: Path | str | None = None) -> None:
        super().__init__()
        self.path = Path(path or os.environ.get(FILE_VARIABLE) or os.devnull)

    def _fail(self, operation: str) -> None:
        mode = os.environ.get(FAIL_VARIABLE, "")
        if mode in (operation, "all"):
            raise KeyringLocked("the test keyring is locked")

    def _read(self) -> dict[str, str]:
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}

    def _write(self, entries: dict[str, str]) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(entries), encoding="utf-8")
        os.replace(tmp, self.path)

    def get_password(self, service: str, username: str) -> str | None:
        self._fail("get")
        return self._read().get(f"{service}\x00{username}")

    def set_password(self, service: str, username: str, password: str) -> None:
        self._fail("set")
        entries = self._read()
        entries[f"{service}\x00{username}"] = password
        self._write(entries)

    def delete_password(self, service: str, username: str) -> None:
        self._fail("set")
        entries = self._read()
        if entries.pop(f"{service}\x00{username}", None) is None:
            raise PasswordDeleteError("no such entry")
        self._write(entries)
