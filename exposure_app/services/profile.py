"""A profile: one folder with the database, settings, logs and the lock.

The folder is chosen by ``--data-dir``, else ``EXPOSURE_APP_DATA_DIR``, else
the folder chosen in Settings (``services.profile_location``), else the
platform's per-user data location (platformdirs: XDG on Linux,
``~/Library/Application Support`` on macOS, ``%LOCALAPPDATA%`` on Windows).

Resolving a profile and taking its lock load neither sqlite-utils nor the
settings: the desktop app does both before its window is shown, and opens the
store (:meth:`Profile.open_store`) just after.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from exposure_app.storage import DB_NAME
from exposure_app.storage.errors import StorageError
from exposure_app.storage.profile_lock import ProfileLock

if TYPE_CHECKING:
    from exposure_app.services.settings import Settings
    from exposure_app.storage.store import ProfileStore

ENV_DATA_DIR = "EXPOSURE_APP_DATA_DIR"


class ChosenFolderMissingError(StorageError):
    """The data folder chosen in Settings holds no profile (a drive not connected?)."""


def locate_data_dir() -> tuple[Path, bool]:
    """The default profile folder, and whether it is the one chosen in Settings."""
    env = os.environ.get(ENV_DATA_DIR, "").strip()
    if env:
        return Path(env).expanduser(), False
    from exposure_app.services.profile_location import chosen_data_dir

    chosen = chosen_data_dir()
    if chosen is not None:
        return chosen, True
    import platformdirs

    return Path(platformdirs.user_data_dir("Exposure", appauthor=False, roaming=False)), False


def default_data_dir() -> Path:
    return locate_data_dir()[0]


@dataclass
class Profile:
    """Paths of one profile, and the process-wide write lock.

    Threading: the :class:`Profile` itself holds no connection; each thread
    calls :meth:`open_store` for its own :class:`ProfileStore`.
    """

    data_dir: Path
    temporary: bool = False
    """A throw-away profile (the demo's): it is never moved or chosen as the default."""
    chosen: bool = False
    """The folder came from the choice made in Settings (``services.profile_location``)."""
    lock: ProfileLock = field(init=False)
    url_login_notice: str | None = field(default=None, init=False)
    """Set by :meth:`open_store` when a login older versions kept inside a stored URL
    could not be moved to the keyring (one line to show the user)."""

    def __post_init__(self) -> None:
        self.data_dir = Path(self.data_dir).expanduser().resolve()
        self.lock = ProfileLock(self.data_dir)

    @classmethod
    def resolve(cls, data_dir: str | os.PathLike[str] | None = None) -> Profile:
        if data_dir:
            return cls(Path(data_dir))
        folder, chosen = locate_data_dir()
        return cls(folder, chosen=chosen)

    @property
    def missing(self) -> bool:
        """The chosen folder holds no profile: its drive may not be connected.

        A new profile is never created there on its own: an empty app would
        look like lost data, and it would write to the mount point of a drive
        that is not there.
        """
        return self.chosen and not (self.data_dir / DB_NAME).exists()

    def check_present(self) -> None:
        """Raise :class:`ChosenFolderMissingError` (with the way out) when :attr:`missing`."""
        if self.missing:
            raise ChosenFolderMissingError(
                f"The data folder chosen in Settings, {self.data_dir}, holds no Exposure profile "
                "(is its drive connected?). Nothing was created there. Connect it, go back to the "
                "default folder with `exposure-app data-folder reset`, or start with --data-dir."
            )

    @property
    def log_dir(self) -> Path:
        return self.data_dir / "logs"

    def open_store(self) -> ProfileStore:
        """The profile's database, opened (and migrated) for the calling thread.

        A login an older version stored inside an account's URL moves to the
        keyring here (:mod:`exposure_app.services.url_login_upgrade`), and so does a
        proxy login an older version wrote into ``settings.json``; when either cannot,
        :attr:`url_login_notice` says so."""
        from exposure_app.storage.store import ProfileStore

        self.check_present()
        store = ProfileStore.open(self.data_dir)
        if not store.read_only and store.accounts.any_options_contain("@"):
            from exposure_app.services.url_login_upgrade import move_stored_url_logins

            try:
                self.url_login_notice = move_stored_url_logins(store).notice
            except BaseException:
                store.close()
                raise
        if not store.read_only:
            from exposure_app.services import url_login_upgrade as upgrade

            if upgrade.settings_may_hold_proxy_login(self.data_dir):
                notice = upgrade.move_settings_proxy_login(self.data_dir)
                if notice:
                    self.url_login_notice = " ".join(filter(None, (self.url_login_notice,
                                                                   notice)))
        return store

    def load_settings(self) -> Settings:
        from exposure_app.services.settings import Settings

        return Settings.load(self.data_dir)
