"""The profile database: opening, migrating and transactions.

Threading contract: a :class:`ProfileStore` wraps one ``sqlite3`` connection
and must be used only on the thread that created it (sqlite3's default
``check_same_thread``). The GUI thread and the sync thread each open their
own store on the same file; WAL mode lets the reader run beside the writer.
"""

from __future__ import annotations

import functools
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from exposure_app.storage import DB_NAME as DB_NAME  # defined with the package: no sqlite-utils
from exposure_app.storage.database_file import (
    DamagedDatabaseError,
    MigrationFailedError,
    check_file,
    make_backup,
    make_owner_only,
    quick_check,
    unclean_shutdown,
)
from exposure_app.storage.errors import ReadOnlyProfileError, SchemaTooNewError
from exposure_app.storage.migrations import LATEST_VERSION, MIGRATIONS
from exposure_app.storage.sqlite_db import Database

if TYPE_CHECKING:
    from exposure_app.storage.events import RiskEventRepository


def read_user_version(path: Path) -> int:
    """The schema version of the file at ``path`` without changing the file.

    A WAL database in a folder that cannot be written has no ``-shm`` file for
    a reader; it is then read as immutable (nothing else can be writing it).
    """
    try:
        return _read_only_query(f"file:{path}?mode=ro", "PRAGMA user_version")
    except sqlite3.OperationalError:
        if os.access(path.parent, os.W_OK):
            raise
        return _read_only_query(f"file:{path}?mode=ro&immutable=1", "PRAGMA user_version")


def _read_only_query(uri: str, sql: str) -> int:
    conn = sqlite3.connect(uri, uri=True)
    try:
        return int(conn.execute(sql).fetchone()[0])
    finally:
        conn.close()


def check_existing_database(data_dir: Path) -> int:
    """Check the existing database file of a profile without writing to it; its schema version.

    Raises :class:`DamagedDatabaseError` for an empty, foreign or unreadable
    file, or one that fails ``PRAGMA quick_check`` after an unclean shutdown,
    and :class:`SchemaTooNewError` for a newer schema. Cheap enough for
    start-up (the GUI calls it before building its window).
    """
    path = Path(data_dir) / DB_NAME
    check_file(path)
    try:
        version = read_user_version(path)
    except sqlite3.DatabaseError as exc:
        raise DamagedDatabaseError(path, str(exc)) from None
    if version > LATEST_VERSION:
        raise SchemaTooNewError(
            f"{path} was written by a newer version of Exposure (schema {version}; "
            f"this version knows up to {LATEST_VERSION}). It was left untouched: "
            "please upgrade Exposure to open it."
        )
    if unclean_shutdown(path):
        _check_after_unclean_shutdown(path)
    return version


def _check_after_unclean_shutdown(path: Path) -> None:
    """``PRAGMA quick_check`` on a read-only connection, which (unlike a writer's close)
    never checkpoints the left-over ``-wal`` into a file that may be damaged."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        problem = quick_check(conn)
    finally:
        conn.close()
    if problem is not None:
        raise DamagedDatabaseError(path, f"quick_check: {problem}")


class ProfileStore:
    """One open profile database, migrated to the latest schema."""

    def __init__(self, db: Database, path: Path | None, *, read_only: bool = False) -> None:
        self.db = db
        self.path = path
        self.read_only = read_only
        """Opened read-only (the profile folder or file cannot be written): reads work,
        writes fail with ``attempt to write a readonly database``."""
        self._depth = 0
        from exposure_app.storage.accounts import AccountRepository
        from exposure_app.storage.prices import PriceRepository
        from exposure_app.storage.snapshots import SnapshotRepository

        self.accounts = AccountRepository(self)
        self.snapshots = SnapshotRepository(self)
        self.prices = PriceRepository(self)
        from exposure_app.storage.exchange_state import ExchangeStateRepository

        self.exchange_state = ExchangeStateRepository(self)
        from exposure_app.storage.market_cache import MarketCacheRepository

        self.market = MarketCacheRepository(self)

    @functools.cached_property
    def risk(self) -> RiskEventRepository:
        """Made on first use: its modules (the catalogue's types) wait for the first read."""
        from exposure_app.storage.events import RiskEventRepository

        return RiskEventRepository(self)

    # -- opening ---------------------------------------------------------------

    @classmethod
    def open(cls, data_dir: Path, *, target_version: int | None = None) -> ProfileStore:
        """Open (creating if needed) the database in ``data_dir`` and migrate it.

        A database whose ``user_version`` is newer than this program knows is
        refused with :class:`SchemaTooNewError` before anything is written. An
        existing file that is empty, not SQLite, unreadable, or (after an
        unclean shutdown) fails ``PRAGMA quick_check`` raises
        :class:`~exposure_app.storage.database_file.DamagedDatabaseError` and
        is left as it is. A profile that cannot be written opens read-only
        (:attr:`read_only`). Before a migration the database is backed up
        (``backups/``); a failed migration is rolled back and reported with
        where that copy is. ``target_version`` (tests only) stops migrating
        at that version.
        """
        data_dir = Path(data_dir)
        path = data_dir / DB_NAME
        try:
            data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise ReadOnlyProfileError(f"The profile folder {data_dir} cannot be created "
                                       f"({exc.strerror or exc}).") from None
        exists = path.exists()
        version = check_existing_database(data_dir) if exists else 0
        writable = os.access(data_dir, os.W_OK) and (not exists or os.access(path, os.W_OK))
        if not writable:
            return cls._open_read_only(path, exists, version, target_version)
        conn = sqlite3.connect(path, isolation_level=None, timeout=30)
        with _closed_on_error(conn):
            store = cls(_database(conn), path)
            store._configure()
            make_owner_only(data_dir, path)
            store.migrate(target_version)
        return store

    @classmethod
    def _open_read_only(cls, path: Path, exists: bool, version: int,
                        target_version: int | None) -> ProfileStore:
        if not exists:
            raise ReadOnlyProfileError(f"The profile folder {path.parent} is read-only, so a "
                                       "new profile cannot be created there.")
        target = LATEST_VERSION if target_version is None else target_version
        if version < target:
            raise ReadOnlyProfileError(
                f"The profile at {path.parent} is read-only and its database needs an upgrade "
                f"(schema {version} to {target}) before this version can read it. Make the "
                "folder writable, or open it with the version of Exposure that wrote it.")
        # immutable: a read-only folder cannot hold the -shm file WAL mode needs for readers
        immutable = "&immutable=1" if not os.access(path.parent, os.W_OK) else ""
        conn = sqlite3.connect(f"file:{path}?mode=ro{immutable}", uri=True,
                               isolation_level=None, timeout=30)
        with _closed_on_error(conn):
            store = cls(_database(conn), path, read_only=True)
            store.db.execute("PRAGMA foreign_keys = ON")
        return store

    @classmethod
    def in_memory(cls) -> ProfileStore:
        conn = sqlite3.connect(":memory:", isolation_level=None)
        store = cls(_database(conn), None)
        store._configure()
        store.migrate()
        return store

    def _configure(self) -> None:
        self.db.execute("PRAGMA foreign_keys = ON")
        if self.path is not None:
            self.db.execute("PRAGMA journal_mode = WAL")
            self.db.execute("PRAGMA synchronous = NORMAL")
        self.db.execute("PRAGMA busy_timeout = 30000")

    @property
    def user_version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def migrate(self, target_version: int | None = None) -> None:
        """Bring the schema to ``target_version`` (default: the latest), one step per
        transaction. An existing database (schema > 0) is backed up first; if that
        copy cannot be made nothing is migrated."""
        target = LATEST_VERSION if target_version is None else target_version
        current = self.user_version
        if current > LATEST_VERSION:
            raise SchemaTooNewError(f"schema {current} is newer than {LATEST_VERSION}")
        backup = None
        if current < target and current > 0 and self.path is not None:
            try:
                backup = make_backup(self.db.conn, self.path.parent, f"schema{current}")
            except (OSError, sqlite3.Error) as exc:
                raise MigrationFailedError(
                    f"The database {self.path} needs an upgrade (schema {current} to {target}) "
                    f"but no backup could be made first ({exc}), so nothing was changed. "
                    "Free some disk space or make the profile folder writable.") from None
        for version in range(current, target):
            try:
                with self.transaction():
                    MIGRATIONS[version](self.db)
                    self.db.execute(f"PRAGMA user_version = {version + 1}")
            except Exception as exc:
                where = (f"A copy from before the upgrade is at {backup}." if backup
                         else "It was a new, empty database.")
                raise MigrationFailedError(
                    f"The database could not be upgraded from schema {version} to "
                    f"{version + 1} ({type(exc).__name__}: {exc}). That step was undone, so "
                    f"the file is at schema {version}. {where}") from None

    def close(self) -> None:
        self.db.conn.close()

    def __enter__(self) -> ProfileStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions ----------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """One write transaction (``BEGIN IMMEDIATE``); nested calls join it.

        Everything inside commits together or not at all, so a crash midway
        through a capture or an import leaves no partial snapshot.
        """
        if self._depth:
            self._depth += 1
            try:
                yield self.db
            finally:
                self._depth -= 1
            return
        self.db.execute("BEGIN IMMEDIATE")
        self._depth = 1
        try:
            yield self.db
        except BaseException:
            self._depth = 0
            self.db.execute("ROLLBACK")
            raise
        self._depth = 0
        self.db.execute("COMMIT")

    # -- meta ------------------------------------------------------------------

    VALUE_CURRENCY_KEY = "value_currency"

    @property
    def value_currency(self) -> str:
        """The currency stored values are in (snapshots written without one get it).

        Changed only together with every stored value (``services.base_currency``).
        """
        return self.get_meta(self.VALUE_CURRENCY_KEY) or "USD"

    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", [key]).fetchone()
        return None if row is None else row[0]

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction():
            self.db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [key, value],
            )


@contextmanager
def _closed_on_error(conn: sqlite3.Connection) -> Iterator[None]:
    """Close ``conn`` if preparing the store on it fails (or is interrupted), so a
    failed open leaves no connection, and no lock on the file, behind."""
    try:
        yield
    except BaseException:
        conn.close()
        raise


def _database(conn: sqlite3.Connection) -> Database:
    """sqlite-utils' wrapper without its plugins.

    sqlite-utils plugins are whatever packages in the environment declare the
    ``sqlite_utils`` entry point; their ``prepare_connection`` hooks would run
    on the connection to the user's portfolio. Nothing here needs them, and
    finding them means reading the metadata of every installed package, which
    was a tenth of the app's start-up.
    """
    return Database(conn, execute_plugins=False)
