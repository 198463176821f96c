"""Where the profile lives when no ``--data-dir`` says so: a chosen folder.

A user may want the profile elsewhere than the platform's data folder (an
encrypted volume, a synced drive they trust). The choice cannot be stored in
the profile, because it says where the profile is, so it is one small file in
the platform's per-user *config* folder (``profile-location.json``, holding
only the path). The order, for the GUI and the CLI alike:

1. ``--data-dir``;
2. ``EXPOSURE_APP_DATA_DIR``;
3. the chosen folder, if one was chosen;
4. the platform's data folder.

:func:`move_profile` prepares the new folder while the app runs and then
records the choice; the app uses it from its next start:

* an empty (or new) folder gets a copy of this profile: the database through
  SQLite's online backup (consistent while the app has it open), then
  ``settings.json`` and ``window-state.ini``. The copy is checked (SQLite's
  integrity check, same schema version) before the choice is recorded. Logs and the lock are not copied;
* a folder that already holds an Exposure profile is used as it is, after
  checking that this version can open it;
* any other folder is refused: the profile's files must not mix with others.

The old folder is left exactly as it was; deleting it is the user's decision.
Both copies refer to the same API keys in the keyring (by reference). So that
removing an account in one copy cannot take the key from under the other, the
folders of every copy made are remembered in the same file
(:func:`profile_copies`) and :func:`other_copy_using` tells whether another
one still refers to a keyring entry.

Threading: any thread; it opens its own read-only connection to copy from, so
the GUI runs :func:`move_profile` on a worker thread.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exposure_app.domain.json_limits import loads_bounded
from exposure_app.storage import DB_NAME

LOCATION_FILE = "profile-location.json"
ENV_CONFIG_DIR = "EXPOSURE_APP_CONFIG_DIR"
#: Files of a profile besides the database that are worth carrying over.
PROFILE_FILES = ("settings.json", "window-state.ini")


class ProfileLocationError(ValueError):
    """The folder cannot hold the profile; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class MoveResult:
    data_dir: Path
    copied: bool
    """True when this profile was copied there; False when an existing profile is used."""


def config_dir() -> Path:
    """``EXPOSURE_APP_CONFIG_DIR`` if set (tests, portable setups), else the platform's."""
    env = os.environ.get(ENV_CONFIG_DIR, "").strip()
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir("Exposure", appauthor=False, roaming=False))


def _read_location_file(config: Path | None = None) -> dict[str, Any]:
    try:
        data = loads_bounded(((config or config_dir()) / LOCATION_FILE).read_text(
            encoding="utf-8"), what=LOCATION_FILE, max_depth=8)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_location_file(data: dict[str, Any], config: Path | None = None) -> None:
    config = config or config_dir()
    path = config / LOCATION_FILE
    if not data:
        path.unlink(missing_ok=True)
        return
    config.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def chosen_data_dir(config: Path | None = None) -> Path | None:
    """The folder chosen in Settings, or ``None`` (never chosen, or the file is unreadable)."""
    folder = _read_location_file(config).get("data_dir")
    if not isinstance(folder, str) or not os.path.isabs(folder):
        return None
    return Path(folder)


def record_choice(folder: Path | None, config: Path | None = None) -> None:
    """Remember ``folder`` for the next start; ``None`` goes back to the platform default."""
    data = _read_location_file(config)
    if folder is None:
        data.pop("data_dir", None)
    else:
        data["data_dir"] = str(folder)
    _write_location_file(data, config)


def _copies_in(data: dict[str, Any]) -> list[str]:
    copies = data.get("copies")
    if not isinstance(copies, list):
        return []
    return [c for c in copies if isinstance(c, str) and os.path.isabs(c)]


def profile_copies(config: Path | None = None) -> list[Path]:
    """The folders of every copy :func:`move_profile` has made, and the folders copied from."""
    return [Path(c) for c in _copies_in(_read_location_file(config))]


def _record_copy(source_dir: Path, folder: Path, config: Path | None = None) -> None:
    data = _read_location_file(config)
    known = _copies_in(data)
    data["copies"] = known + [str(p) for p in (source_dir, folder) if str(p) not in known]
    _write_location_file(data, config)


def other_copy_using(secret_ref: str, data_dir: Path, config: Path | None = None) -> Path | None:
    """Another copy of this profile whose accounts refer to ``secret_ref``, if any.

    A copy whose database is gone (the folder was deleted) uses nothing. One
    that is there but cannot be read is taken to use it: keeping a keyring
    entry that may be unused is better than breaking a copy's account.
    """
    from exposure_app.storage.secrets import SECRET_REF_OPTION

    here = Path(data_dir).resolve()
    for folder in profile_copies(config):
        if folder.resolve() == here or not (folder / DB_NAME).is_file():
            continue
        try:
            conn = sqlite3.connect(f"file:{folder / DB_NAME}?mode=ro", uri=True)
            try:
                rows = conn.execute("SELECT options FROM accounts").fetchall()
            finally:
                conn.close()
        except sqlite3.Error:
            return folder
        for (options,) in rows:
            try:
                if json.loads(options or "{}").get(SECRET_REF_OPTION) == secret_ref:
                    return folder
            except (ValueError, AttributeError):
                continue
    return None


def _check_copy(copy: Path, version: int) -> None:
    """The copy is a sound database at this profile's schema version."""
    conn = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    try:
        copied_version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()
    if copied_version != version or integrity != "ok":
        raise ProfileLocationError(f"the copy in {copy.parent} failed its check ({integrity}, "
                                   f"schema {copied_version}); nothing was changed")


def _check_existing_profile(folder: Path) -> None:
    # the store's modules load only here: finding the chosen folder at start-up needs none
    from exposure_app.storage.migrations import LATEST_VERSION
    from exposure_app.storage.store import read_user_version

    try:
        version = read_user_version(folder / DB_NAME)
    except sqlite3.DatabaseError as exc:
        raise ProfileLocationError(
            f"{folder / DB_NAME} is not a readable Exposure database ({exc}); choose another folder"
        ) from None
    if version > LATEST_VERSION:
        raise ProfileLocationError(
            f"the profile in {folder} was written by a newer version of Exposure (schema "
            f"{version}); upgrade Exposure to use it"
        )


def _copy_profile(source_dir: Path, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / DB_NAME
    partial = folder / (DB_NAME + ".partial")
    try:
        # its own read-only connection: callable from any thread, even while the app
        # (GUI and sync thread) has the profile open
        source = sqlite3.connect(f"file:{source_dir / DB_NAME}?mode=ro", uri=True)
        dest = sqlite3.connect(partial)
        try:
            version = int(source.execute("PRAGMA user_version").fetchone()[0])
            source.backup(dest)
            # the copy keeps the source's WAL flag; opening it for the check (read-only)
            # would then leave .partial-wal/.partial-shm files behind: make it a plain file
            dest.execute("PRAGMA journal_mode=DELETE")
        finally:
            dest.close()
            source.close()
        _check_copy(partial, version)
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        for suffix in ("-wal", "-shm", "-journal"):
            Path(f"{partial}{suffix}").unlink(missing_ok=True)
    for name in PROFILE_FILES:
        if (source_dir / name).is_file():
            shutil.copy2(source_dir / name, folder / name)


def move_profile(source_dir: Path, folder: Path, *, config: Path | None = None) -> MoveResult:
    """Prepare ``folder`` for this profile (see the module docstring) and record the choice."""
    folder = Path(folder).expanduser()
    if not folder.is_absolute():
        raise ProfileLocationError(f"{folder} is not an absolute path")
    folder = folder.resolve()
    source_dir = Path(source_dir).resolve()
    if folder == source_dir:
        raise ProfileLocationError("that is the folder this profile is in already")
    if folder.is_relative_to(source_dir) or source_dir.is_relative_to(folder):
        raise ProfileLocationError("the new folder must not be inside this profile's folder "
                                   "or contain it")
    if folder.exists() and not folder.is_dir():
        raise ProfileLocationError(f"{folder} is a file, not a folder")
    if (folder / DB_NAME).exists():
        _check_existing_profile(folder)
        copied = False
    else:
        if folder.exists() and any(folder.iterdir()):
            raise ProfileLocationError(
                f"{folder} is not empty and holds no Exposure profile; choose an empty folder "
                "(this profile is copied there) or one with a profile in it"
            )
        try:
            _copy_profile(source_dir, folder)
        except (OSError, sqlite3.Error) as exc:
            reason = getattr(exc, "strerror", None) or exc
            raise ProfileLocationError(f"the profile could not be copied to {folder}: "
                                       f"{reason}") from None
        copied = True
        _record_copy(source_dir, folder, config)
    record_choice(folder, config)
    return MoveResult(folder, copied)
