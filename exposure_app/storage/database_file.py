"""The profile database as a file: owner-only, checked for damage, backed up.

* Permissions: the profile folder is made ``0700`` and the database (with
  its ``-wal``/``-shm``) ``0600`` on POSIX, so other local users cannot read
  a portfolio.
* Damage: an existing ``exposure.sqlite3`` that is empty (0 bytes), lacks the
  SQLite header or cannot be read is *damage*, never a new profile: it is
  kept as it is and :class:`DamagedDatabaseError` says so and names the
  backups. After an unclean shutdown (a non-empty ``-wal`` file left behind:
  SQLite removes it when the last connection closes cleanly) the file gets a
  ``PRAGMA quick_check`` before use.
* Backups: :func:`make_backup` copies the database with SQLite's online
  backup API (consistent even while another connection writes) into
  ``backups/`` in the profile; the last :data:`KEEP_BACKUPS` are kept. The
  store takes one before every schema migration.
* Restoring: :func:`restore_backup` checks a backup, moves the current
  (damaged) file aside — it is never deleted — and copies the backup in.
  :func:`start_anew` only moves the damaged file aside.

Threading: plain file and sqlite3 calls on the caller's thread; callers that
change the file (restore, start anew) hold the profile's write lock.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from exposure_app.storage.errors import DiskFullError, ReadOnlyProfileError, StorageError

BACKUP_DIR = "backups"
KEEP_BACKUPS = 5
SQLITE_HEADER = b"SQLite format 3\x00"
RESTORE_HINT = ("Restore a backup with `exposure-app data-folder restore BACKUP`, or start "
                "anew with `exposure-app data-folder start-anew` (the damaged file is kept).")


class DamagedDatabaseError(StorageError):
    """The database file is damaged; it was left as it is."""

    def __init__(self, path: Path, detail: str) -> None:
        self.path = path
        self.detail = detail
        self.backups = list_backups(path.parent)
        where = (f" Backups: {', '.join(str(b) for b in self.backups[:3])}"
                 + (" …" if len(self.backups) > 3 else "") + "." if self.backups
                 else " There is no backup of it.")
        super().__init__(f"The database {path} is damaged ({detail}). It was kept as it "
                         f"is.{where} {RESTORE_HINT}")


class MigrationFailedError(StorageError):
    """A schema upgrade failed and was rolled back; a copy from before it exists."""


@dataclass(frozen=True, slots=True)
class Restored:
    backup: Path
    kept_as: Path | None     # where the file that was replaced now is


def _sidecars(path: Path) -> list[Path]:
    return [path.with_name(path.name + suffix) for suffix in ("-wal", "-shm")]


def make_owner_only(data_dir: Path, path: Path) -> None:
    """``chmod 0700`` the folder and ``0600`` the database files (POSIX; best effort:
    a folder the user does not own, or a read-only one, is left as it is)."""
    if os.name != "posix":   # pragma: no cover - Windows uses the profile folder's ACL
        return
    for target, mode in ((data_dir, 0o700), (path, 0o600), *((p, 0o600) for p in _sidecars(path))):
        try:
            if target.exists() and (target.stat().st_mode & 0o777) != mode:
                os.chmod(target, mode)
        except OSError:
            pass


def unclean_shutdown(path: Path) -> bool:
    """A non-empty ``-wal`` beside the database: the last writer did not close cleanly
    (or another process has it open right now; a check then costs only time)."""
    wal = _sidecars(path)[0]
    try:
        return wal.stat().st_size > 0
    except OSError:
        return False


def check_file(path: Path) -> None:
    """Raise :class:`DamagedDatabaseError` for an empty, foreign or unreadable file."""
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except PermissionError:
        raise ReadOnlyProfileError(f"The database {path} cannot be read: permission denied.") \
            from None
    except OSError as exc:
        raise DamagedDatabaseError(path, f"it cannot be read: {exc.strerror or exc}") from None
    if size == 0:
        raise DamagedDatabaseError(path, "the file is empty (0 bytes)")
    if header != SQLITE_HEADER:
        raise DamagedDatabaseError(path, "it is not an SQLite database")


def quick_check(conn: sqlite3.Connection) -> str | None:
    """``None`` when ``PRAGMA quick_check`` finds nothing wrong, else its first finding."""
    try:
        rows = conn.execute("PRAGMA quick_check(5)").fetchall()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    findings = [r[0] for r in rows if r and r[0] != "ok"]
    return findings[0] if findings else None


def quick_check_file(path: Path) -> str | None:
    """:func:`quick_check` on a read-only connection to ``path``, which (unlike a
    writer's close) never checkpoints a left-over ``-wal`` into a file that may be damaged."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return quick_check(conn)
    finally:
        conn.close()


def backup_dir(data_dir: Path) -> Path:
    return Path(data_dir) / BACKUP_DIR


def list_backups(data_dir: Path) -> list[Path]:
    """The profile's backups, newest first."""
    folder = backup_dir(data_dir)
    try:
        found = [p for p in folder.iterdir() if p.suffix == ".sqlite3" and p.is_file()]
    except OSError:
        return []
    return sorted(found, key=lambda p: p.name, reverse=True)


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def _copy_into(source: sqlite3.Connection, target: Path) -> None:
    """A consistent copy of the open database ``source`` written to the file ``target``
    (SQLite's online backup API, safe while ``source`` is in use)."""
    dest = sqlite3.connect(target)
    try:
        source.backup(dest)
    finally:
        dest.close()


def make_backup(source: sqlite3.Connection, data_dir: Path, label: str) -> Path:
    """Copy the open database ``source`` into ``backups/`` (SQLite backup API); keep the
    newest :data:`KEEP_BACKUPS`. Raises ``OSError``/``sqlite3.Error`` when it cannot."""
    folder = backup_dir(data_dir)
    folder.mkdir(mode=0o700, exist_ok=True)
    target = folder / f"exposure-{_stamp()}-{label}.sqlite3"
    partial = target.with_name(target.name + ".partial")
    _copy_into(source, partial)
    if os.name == "posix":
        os.chmod(partial, 0o600)
    os.replace(partial, target)
    for old in list_backups(data_dir)[KEEP_BACKUPS:]:
        old.unlink(missing_ok=True)
    return target


def _check_backup(backup: Path) -> None:
    check_file(backup)
    problem = quick_check_file(backup)
    if problem is not None:
        raise StorageError(f"The backup {backup} is damaged too ({problem}); choose another one.")


def _move_aside(path: Path) -> Path | None:
    if not path.exists():
        return None
    aside = path.with_name(f"{path.name}.damaged-{_stamp()}")
    os.replace(path, aside)
    for sidecar in _sidecars(path):
        if sidecar.exists():
            os.replace(sidecar, aside.with_name(aside.name + sidecar.name[len(path.name):]))
    return aside


def restore_backup(path: Path, backup: Path) -> Restored:
    """Replace the database at ``path`` with a checked copy of ``backup``.

    The file being replaced is moved aside (``exposure.sqlite3.damaged-<time>``),
    never deleted. Raises :class:`StorageError` (nothing changed) when the
    backup is missing or damaged.
    """
    backup = Path(backup)
    if not backup.is_file():
        raise StorageError(f"No backup at {backup}; `exposure-app data-folder backups` lists them.")
    try:
        _check_backup(backup)
    except DamagedDatabaseError as exc:
        raise StorageError(f"The backup {backup} is damaged ({exc.detail}); "
                           "choose another one.") from None
    partial = path.with_name(path.name + ".restoring")
    source = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        _copy_into(source, partial)
    finally:
        source.close()
    kept = _move_aside(path)
    os.replace(partial, path)
    make_owner_only(path.parent, path)
    return Restored(backup, kept)


def start_anew(path: Path) -> Path | None:
    """Move the (damaged) database aside so the next open creates a new one; returns
    where it went. Nothing is deleted."""
    return _move_aside(path)


_FULL = ("database or disk is full", "disk i/o error")
_READ_ONLY = ("attempt to write a readonly database", "readonly database")


def explain_error(exc: BaseException, data_dir: Path) -> StorageError | None:
    """A plain-words :class:`StorageError` for an ``sqlite3``/``OSError`` failure of the
    profile, or ``None`` when it is not one of these (the caller re-raises).

    A full disk and a read-only profile say that nothing was lost: every write
    is one transaction, rolled back when it cannot finish. A damaged file
    says so and names the backups.
    """
    import errno

    path = Path(data_dir) / "exposure.sqlite3"
    text = str(exc).lower()
    if (isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT)) \
            or (isinstance(exc, sqlite3.OperationalError) and any(m in text for m in _FULL)):
        return DiskFullError(
            f"The disk holding {data_dir} is full ({exc}). The change was not saved and "
            "nothing stored before was lost. Free some space and try again.")
    if (isinstance(exc, OSError) and exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM)) \
            or (isinstance(exc, sqlite3.OperationalError) and any(m in text for m in _READ_ONLY)):
        return ReadOnlyProfileError(
            f"The profile at {data_dir} is read-only ({exc}). It can be read, but this "
            "change needs a writable folder; nothing was changed.")
    if isinstance(exc, sqlite3.DatabaseError) and not isinstance(
            exc, sqlite3.OperationalError | sqlite3.IntegrityError | sqlite3.ProgrammingError):
        return DamagedDatabaseError(path, str(exc))
    return None
