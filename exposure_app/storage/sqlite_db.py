"""sqlite-utils' :class:`Database`, imported without numpy: storage modules take it from here.

sqlite-utils imports numpy whenever it is installed (pyqtgraph brings it),
only to map numpy scalar types to column types; Exposure never hands it numpy
values. Importing numpy is most of what sqlite-utils would cost at start, for
the command line (every command) and the desktop app alike (the history page,
which needs numpy for its chart, imports it later as usual).

Every storage module that needs sqlite-utils imports this module first
(``store``, ``sql`` and ``migrations``; the migration modules load only through
``migrations``), so the first import of sqlite-utils in a process is this one.
It runs on the thread that first opens a store, before the sync thread exists.
"""

import sys


def _import_sqlite_utils_without_numpy() -> None:
    if "sqlite_utils" in sys.modules or "numpy" in sys.modules:
        return
    sys.modules["numpy"] = None  # type: ignore[assignment]  # makes `import numpy` fail
    try:
        import sqlite_utils  # noqa: F401
    finally:
        if "numpy" in sys.modules and sys.modules["numpy"] is None:
            del sys.modules["numpy"]


_import_sqlite_utils_without_numpy()

from sqlite_utils import Database  # noqa: E402

__all__ = ["Database"]
