"""An advisory, per-profile write lock held for the life of a writing process.

Two processes writing one profile could interleave captures and settings in
ways no transaction protects (the GUI's in-memory state would go stale). The
lock is an OS file lock on ``profile.lock`` inside the profile folder: it is
released by the OS when the process dies, so a crash never leaves a stale
lock behind. The file holds the owner's pid for the error message only.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import IO

from exposure_app.storage.errors import ProfileLockedError, ReadOnlyProfileError

LOCK_NAME = "profile.lock"


class ProfileLock:
    """Threading: owned by the process; acquire once, release at exit."""

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / LOCK_NAME
        self._handle: IO[str] | None = None

    @property
    def held(self) -> bool:
        return self._handle is not None

    def acquire(self) -> None:
        """Take the lock or raise :class:`ProfileLockedError` at once (never waits)."""
        if self._handle is not None:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held open on purpose
        except OSError as exc:
            raise ReadOnlyProfileError(
                f"The profile at {self.path.parent} is read-only: its lock file cannot be "
                f"written ({exc.strerror or exc}). It can still be read; nothing was changed."
            ) from None
        try:
            _lock_file(handle)
        except OSError:
            handle.seek(0)
            owner = handle.read().strip() or "unknown"
            handle.close()
            raise ProfileLockedError(
                f"The profile at {self.path.parent} is in use by another Exposure "
                f"process (pid {owner}). Close it first, or use another --data-dir."
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        if self._handle is None:
            return
        try:
            _unlock_file(self._handle)
        finally:
            self._handle.close()
            self._handle = None

    def __enter__(self) -> ProfileLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _lock_file(handle: IO[str]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock_file(handle: IO[str]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _lock_file(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock_file(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
