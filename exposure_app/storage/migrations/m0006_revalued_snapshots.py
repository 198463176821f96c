"""Version 6: snapshots may have the source ``revalued``.

Hand-recorded holdings without a price of the user's own now follow the
market: a sync writes a ``revalued`` snapshot for them
(``services.manual_revaluation``). No table changes (``snapshots.source`` is
free text), but a version-5 app would fail on the unknown source when it
reads such a snapshot. With the version bump it refuses the profile up front
instead, with its "made by a newer version" message, and changes nothing.
"""

from __future__ import annotations

from sqlite_utils import Database


def migrate(db: Database) -> None:
    """Nothing to change in the tables: the version bump is the whole migration."""
    del db
