"""A profile: one folder with the database, settings, logs and the lock.

The folder is chosen by ``--data-dir``, else ``EXPOSURE_APP_DATA_DIR``, else
the folder chosen in Settings (``services.profile_location``), else the
platform's per-user data location (platformdirs: XDG on Linux,
``~/Library/Application Support`` on macOS, ``%LOCALAPPDATA%`` on Windows).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from exposure_app.services.settings import Settings
from exposure_app.storage.profile_lock import ProfileLock
from exposure_app.storage.store import ProfileStore

ENV_DATA_DIR = "EXPOSURE_APP_DATA_DIR"


def default_data_dir() -> Path:
    env = os.environ.get(ENV_DATA_DIR, "").strip()
    if env:
        return Path(env).expanduser()
    from exposure_app.services.profile_location import chosen_data_dir

    chosen = chosen_data_dir()
    if chosen is not None:
        return chosen
    import platformdirs

    return Path(platformdirs.user_data_dir("Exposure", appauthor=False, roaming=False))


@dataclass
class Profile:
    """Paths of one profile, and the process-wide write lock.

    Threading: the :class:`Profile` itself holds no connection; each thread
    calls :meth:`open_store` for its own :class:`ProfileStore`.
    """

    data_dir: Path
    temporary: bool = False
    """A throw-away profile (the demo's): it is never moved or chosen as the default."""
    lock: ProfileLock = field(init=False)

    def __post_init__(self) -> None:
        self.data_dir = Path(self.data_dir).expanduser().resolve()
        self.lock = ProfileLock(self.data_dir)

    @classmethod
    def resolve(cls, data_dir: str | os.PathLike[str] | None = None) -> Profile:
        return cls(Path(data_dir) if data_dir else default_data_dir())

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "logs"

    def open_store(self) -> ProfileStore:
        return ProfileStore.open(self.data_dir)

    def load_settings(self) -> Settings:
        return Settings.load(self.data_dir)
