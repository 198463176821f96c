"""Ordered schema migrations, tracked with ``PRAGMA user_version``.

Each migration is a function ``migrate(db)`` in its own module, applied in
list order inside one transaction together with the ``user_version`` bump.
Never edit a released migration: add a new one. ``MIGRATIONS[i]`` takes the
schema from version ``i`` to ``i + 1``.
"""

from __future__ import annotations

from collections.abc import Callable

# sqlite_db first: the migration modules import sqlite-utils, which must load without numpy
from exposure_app.storage import sqlite_db
from exposure_app.storage.migrations import (
    m0001_foundation,
    m0002_exchanges,
    m0003_risk,
    m0004_checklist,
    m0005_history_index,
    m0006_revalued_snapshots,
    m0007_risk_published_links,
    m0008_news_suggestions,
    m0011_market_prices,
    m0012_watch_only,
)

Migration = Callable[[sqlite_db.Database], None]

MIGRATIONS: list[Migration] = [
    m0001_foundation.migrate,
    m0002_exchanges.migrate,
    m0003_risk.migrate,
    m0004_checklist.migrate,
    m0005_history_index.migrate,
    m0006_revalued_snapshots.migrate,
    m0007_risk_published_links.migrate,
    m0008_news_suggestions.migrate,
    m0011_market_prices.migrate,
    m0012_watch_only.migrate,
]

LATEST_VERSION = len(MIGRATIONS)
