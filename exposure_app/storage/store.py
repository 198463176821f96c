"""The profile database: opening, migrating and transactions.

Threading contract: a :class:`ProfileStore` wraps one ``sqlite3`` connection
and must be used only on the thread that created it (sqlite3's default
``check_same_thread``). The GUI thread and the sync thread each open their
own store on the same file; WAL mode lets the reader run beside the writer.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database

from exposure_app.storage.errors import SchemaTooNewError, StorageError
from exposure_app.storage.migrations import LATEST_VERSION, MIGRATIONS

DB_NAME = "exposure.sqlite3"


def read_user_version(path: Path) -> int:
    """The schema version of the file at ``path`` without changing the file."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


class ProfileStore:
    """One open profile database, migrated to the latest schema."""

    def __init__(self, db: Database, path: Path | None) -> None:
        self.db = db
        self.path = path
        self._depth = 0
        from exposure_app.storage.accounts import AccountRepository
        from exposure_app.storage.prices import PriceRepository
        from exposure_app.storage.snapshots import SnapshotRepository

        self.accounts = AccountRepository(self)
        self.snapshots = SnapshotRepository(self)
        self.prices = PriceRepository(self)
        from exposure_app.storage.exchange_state import ExchangeStateRepository

        self.exchange_state = ExchangeStateRepository(self)
        from exposure_app.storage.events import RiskEventRepository

        self.risk = RiskEventRepository(self)
        from exposure_app.storage.market_cache import MarketCacheRepository

        self.market = MarketCacheRepository(self)

    # -- opening ---------------------------------------------------------------

    @classmethod
    def open(cls, data_dir: Path, *, target_version: int | None = None) -> ProfileStore:
        """Open (creating if needed) the database in ``data_dir`` and migrate it.

        A database whose ``user_version`` is newer than this program knows is
        refused with :class:`SchemaTooNewError` before anything is written.
        ``target_version`` (tests only) stops migrating at that version.
        """
        data_dir = Path(data_dir)
        data_dir.mkdir(parents=True, exist_ok=True)
        path = data_dir / DB_NAME
        if path.exists():
            try:
                version = read_user_version(path)
            except sqlite3.DatabaseError as exc:
                raise StorageError(f"{path} is not a readable Exposure database: {exc}") from None
            if version > LATEST_VERSION:
                raise SchemaTooNewError(
                    f"{path} was written by a newer version of Exposure (schema {version}; "
                    f"this version knows up to {LATEST_VERSION}). It was left untouched: "
                    "please upgrade Exposure to open it."
                )
        conn = sqlite3.connect(path, isolation_level=None, timeout=30)
        store = cls(_database(conn), path)
        store._configure()
        store.migrate(target_version)
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
        target = LATEST_VERSION if target_version is None else target_version
        current = self.user_version
        if current > LATEST_VERSION:
            raise SchemaTooNewError(f"schema {current} is newer than {LATEST_VERSION}")
        for version in range(current, target):
            with self.transaction():
                MIGRATIONS[version](self.db)
                self.db.execute(f"PRAGMA user_version = {version + 1}")

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


def _database(conn: sqlite3.Connection) -> Database:
    """sqlite-utils' wrapper without its plugins.

    sqlite-utils plugins are whatever packages in the environment declare the
    ``sqlite_utils`` entry point; their ``prepare_connection`` hooks would run
    on the connection to the user's portfolio. Nothing here needs them, and
    finding them means reading the metadata of every installed package, which
    was a tenth of the app's start-up.
    """
    return Database(conn, execute_plugins=False)
