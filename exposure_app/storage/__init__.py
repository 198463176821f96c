"""Local persistence: the SQLite profile database and the OS keyring.

Importing the package loads nothing heavy: the profile lock, the errors and the
file name below come without sqlite-utils, so the desktop app can lock a profile
and show its window before the store's modules load. sqlite-utils is imported,
without numpy, by the modules that use it (:mod:`exposure_app.storage.sqlite_db`).

Threading: a :class:`~exposure_app.storage.store.ProfileStore` and its
repositories belong to the thread that opened it (sqlite3 connections are
not shared across threads). Other threads open their own store on the same
file; WAL mode lets readers run while one writer writes.
"""

DB_NAME = "exposure.sqlite3"
"""The profile database's file name, inside the profile folder."""
