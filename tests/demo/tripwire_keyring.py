"""A keyring backend that stands in for the user's real keyring in demo tests.

Every call is recorded and refused, so a test can assert that the demo never
reached "the real keyring". Loaded by name through ``PYTHON_KEYRING_BACKEND``
(subprocess tests) only when ``TRIPWIRE_KEYRING_MARKER`` names a file; its
construction then writes that file, which proves keyring discovery happened.
Without the variable the class is not viable, so keyring's own discovery in
other tests never picks it.
"""

from __future__ import annotations

import os
from pathlib import Path

from keyring.backend import KeyringBackend
from keyring.compat import properties

MARKER_ENV = "TRIPWIRE_KEYRING_MARKER"


class TripwireError(RuntimeError):
    pass


class TripwireKeyring(KeyringBackend):
    @properties.classproperty
    def priority(cls) -> float:  # noqa: N805 (a class property)
        if not os.environ.get(MARKER_ENV):
            raise RuntimeError("only for the demo tests")
        return 0.5

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[str] = []
        marker = os.environ.get(MARKER_ENV)
        if marker:
            Path(marker).write_text("the real keyring was loaded\n", encoding="utf-8")

    def _trip(self, what: str):
        self.calls.append(what)
        raise TripwireError(f"the demo called the real keyring ({what})")

    def get_password(self, service: str, username: str) -> str | None:
        return self._trip("get_password")

    def set_password(self, service: str, username: str, password: str) -> None:
        self._trip("set_password")

    def delete_password(self, service: str, username: str) -> None:
        self._trip("delete_password")
