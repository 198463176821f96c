"""Local persistence: the SQLite profile database and the OS keyring.

Threading: a :class:`~exposure_app.storage.store.ProfileStore` and its
repositories belong to the thread that opened them (sqlite3 connections are
not shared across threads). Other threads open their own store on the same
file; WAL mode lets readers run while one writer writes.
"""

import sys


def _import_sqlite_utils_without_numpy() -> None:
    """Import sqlite-utils so that it does not import numpy.

    sqlite-utils imports numpy whenever it is installed (pyqtgraph brings it),
    only to map numpy scalar types to column types; Exposure never hands it
    numpy values. Importing numpy is most of what sqlite-utils would cost at
    start, for the command line (every command) and the desktop app alike (the
    history page, which needs numpy for its chart, imports it later as usual).
    Runs once, on the thread that first imports the storage package, before
    any other thread exists.
    """
    if "sqlite_utils" in sys.modules or "numpy" in sys.modules:
        return
    sys.modules["numpy"] = None  # type: ignore[assignment]  # makes `import numpy` fail
    try:
        import sqlite_utils  # noqa: F401
    finally:
        if "numpy" in sys.modules and sys.modules["numpy"] is None:
            del sys.modules["numpy"]


_import_sqlite_utils_without_numpy()
