"""The risk tables (migration 3) on a real SQLite file."""

from __future__ import annotations

from datetime import UTC, datetime

from exposure_app.risk.events import Origin
from exposure_app.storage.migrations import MIGRATIONS, m0003_risk
from exposure_app.storage.store import ProfileStore

from .helpers import daily_series, event


def test_migration_three_creates_the_risk_tables(data_dir):
    assert MIGRATIONS[2] is m0003_risk.migrate
    store = ProfileStore.open(data_dir, target_version=2)
    store.close()
    store = ProfileStore.open(data_dir)
    try:
        tables = {r[0] for r in store.db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()}
        assert {"risk_events", "reserve_cache", "reserve_fetch_log", "event_feed_state"} <= tables
    finally:
        store.close()


def test_events_and_series_survive_reopening(data_dir):
    from datetime import date

    store = ProfileStore.open(data_dir)
    mine = event("kraken", "2024-01-02", "hack", eid="mine-1")
    store.risk.add_user(mine)
    series = daily_series("kraken-x", date(2024, 1, 1), [{"BTC": 1.5, "USDT": 10.0}] * 3,
                          {"BTC": 40000.0, "USDT": 1.0})
    fetched = datetime(2024, 1, 4, tzinfo=UTC)
    store.risk.save_series(series, fetched_at=fetched, source_url="http://127.0.0.1/x")
    store.close()
    store = ProfileStore.open(data_dir)
    try:
        assert [e.to_dict() for e in store.risk.list(origin=Origin.USER)] == [mine.to_dict()]
        cached = store.risk.cached_series("kraken-x")
        assert cached.fetched_at == fetched
        assert [p.amounts for p in cached.series.points] == [p.amounts for p in series.points]
        store.db.execute("UPDATE reserve_cache SET series = '{broken', fetched_at = ?",
                         ["2024-01-05T00:00:00.000000+00:00"])
        assert store.risk.cached_series("kraken-x") is None
    finally:
        store.close()
