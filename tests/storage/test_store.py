from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from exposure_app.domain.models import AccountKind, Holding, Snapshot, SnapshotSource, SnapshotStatus
from exposure_app.domain.timeutil import to_storage
from exposure_app.storage.database_file import MigrationFailedError
from exposure_app.storage.errors import ConflictError, SchemaTooNewError
from exposure_app.storage.migrations import LATEST_VERSION, MIGRATIONS
from exposure_app.storage.store import DB_NAME, ProfileStore

T0 = datetime(2022, 11, 1, tzinfo=UTC)


def snap(account_id: int, when: datetime, *holdings: Holding, status=SnapshotStatus.OK, missing=None):
    return Snapshot(None, account_id, when, status, holdings, coverage=("main",), missing=missing or {},
                    source=SnapshotSource.MANUAL)


def btc(amount: str) -> Holding:
    return Holding.simple("BTC", Decimal(amount), price=Decimal("20000"))


def test_wal_foreign_keys_and_decimal_text(store, data_dir):
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    a = store.accounts.add("Ledger", AccountKind.SELF_CUSTODY)
    sid = store.snapshots.save(snap(a.id, T0, Holding.simple("ETH", Decimal("0.10000000000000000001"))))
    raw = store.db.execute("SELECT total, typeof(total) FROM holdings WHERE snapshot_id=?", [sid]).fetchone()
    assert raw == ("0.10000000000000000001", "text")
    assert store.snapshots.get(sid).holdings[0].total == Decimal("0.10000000000000000001")
    assert (data_dir / DB_NAME).exists()


def test_latest_usable_snapshot_as_of_and_stale_after_failure(store):
    a = store.accounts.add("Binance", AccountKind.MANUAL_CUSTODIAL, counterparty="binance")
    store.snapshots.save(snap(a.id, T0, btc("1")))
    store.snapshots.save(snap(a.id, T0 + timedelta(days=2), btc("2")))
    store.snapshots.record_failure(a.id, T0 + timedelta(days=3), "Binance rejected the key", SnapshotSource.SYNC)
    assert store.snapshots.latest_usable(a.id, T0 - timedelta(seconds=1)) is None
    assert store.snapshots.latest_usable(a.id, T0 + timedelta(days=1)).holdings[0].total == 1
    state = store.snapshots.state(a, T0 + timedelta(days=5))
    assert state.snapshot.holdings[0].total == 2
    assert state.is_stale and state.stale_reason == "Binance rejected the key"
    # As of before the failure the account was not stale: no look-ahead.
    assert not store.snapshots.state(a, T0 + timedelta(days=2, hours=1)).is_stale


def test_usable_holdings_stream_every_usable_capture_oldest_first(store):
    a = store.accounts.add("Binance", AccountKind.MANUAL_CUSTODIAL, counterparty="binance")
    b = store.accounts.add("Ledger", AccountKind.SELF_CUSTODY)
    eth = Holding.simple("ETH", Decimal("2"))
    later = store.snapshots.save(snap(b.id, T0 + timedelta(days=1), eth, btc("0.5")))
    first = store.snapshots.save(snap(a.id, T0, btc("1")))
    store.snapshots.record_failure(a.id, T0 + timedelta(days=2), "timeout", SnapshotSource.SYNC)
    store.snapshots.save(snap(a.id, T0 + timedelta(days=3), btc("3")))   # after the as-of

    rows = list(store.snapshots.usable_holdings(T0 + timedelta(days=2)))

    assert [(s.id, h.asset, h.total) for s, h in rows] == [
        (first, "BTC", Decimal("1")), (later, "ETH", Decimal("2")), (later, "BTC", Decimal("0.5"))]
    assert rows[1][0] is rows[2][0] and rows[1][0].holdings == ()
    assert rows[1][0].account_id == b.id and rows[1][0].taken_at == T0 + timedelta(days=1)
    assert rows[2][1] == btc("0.5") and rows[1][1] == eth


def test_held_assets_are_those_of_each_account_s_latest_usable_capture(store):
    a = store.accounts.add("Binance", AccountKind.EXCHANGE_API, counterparty="binance",
                           exchange_id="binance")
    b = store.accounts.add("Ledger", AccountKind.SELF_CUSTODY)
    store.snapshots.save(snap(a.id, T0, btc("1"), Holding.simple("FTT", Decimal("5"))))
    store.snapshots.save(snap(a.id, T0 + timedelta(days=2), btc("1")))
    store.snapshots.record_failure(a.id, T0 + timedelta(days=3), "timeout", SnapshotSource.SYNC)
    store.snapshots.save(snap(b.id, T0 + timedelta(days=1), Holding.simple("ETH", Decimal("2"))))

    assert store.snapshots.held_assets() == {"BTC", "ETH"}
    assert store.snapshots.held_assets(T0 + timedelta(days=1)) == {"BTC", "FTT", "ETH"}
    assert store.snapshots.held_assets(T0 - timedelta(days=1)) == set()
    assert store.snapshots.held_assets(exchange_id="binance") == {"BTC"}
    assert store.snapshots.held_assets(T0, exchange_id="binance") == {"BTC", "FTT"}
    assert store.snapshots.held_assets(exchange_id="kraken") == set()


def test_as_of_query_uses_the_index_not_a_scan(store):
    plan = store.db.execute(
        "EXPLAIN QUERY PLAN SELECT id FROM snapshots INDEXED BY idx_snapshots_usable "
        "WHERE account_id = 1 AND usable = 1 AND taken_at <= 'x' ORDER BY taken_at DESC LIMIT 1"
    ).fetchall()
    detail = " ".join(str(row[-1]) for row in plan)
    assert "USING INDEX idx_snapshots_usable" in detail or "USING COVERING INDEX" in detail
    assert "TEMP B-TREE" not in detail


def test_transaction_rolls_back_whole_capture(store):
    a = store.accounts.add("W", AccountKind.SELF_CUSTODY)
    with pytest.raises(RuntimeError), store.transaction():
        store.snapshots.save(snap(a.id, T0, btc("1")))
        raise RuntimeError("crash midway")
    assert store.db.execute("SELECT count(*) FROM snapshots").fetchone()[0] == 0
    assert store.db.execute("SELECT count(*) FROM holdings").fetchone()[0] == 0


def test_account_names_are_unique_case_insensitively_and_removal_cascades(store):
    a = store.accounts.add("Kraken", AccountKind.MANUAL_CUSTODIAL, counterparty="kraken")
    with pytest.raises(ConflictError):
        store.accounts.add("kraken", AccountKind.MANUAL_CUSTODIAL, counterparty="kraken")
    store.snapshots.save(snap(a.id, T0, btc("1")))
    store.accounts.remove(a.id)
    assert store.db.execute("SELECT count(*) FROM holdings").fetchone()[0] == 0


def test_every_earlier_schema_version_migrates_with_data(tmp_path):
    for version in range(1, LATEST_VERSION + 1):
        folder = tmp_path / f"v{version}"
        old = ProfileStore.open(folder, target_version=version)
        assert old.user_version == version
        a = old.accounts.add("Ledger", AccountKind.SELF_CUSTODY)
        # written with the version-1 columns: today's repository writes newer ones
        old.db.execute(
            "INSERT INTO snapshots (account_id, taken_at, status, usable, source) "
            "VALUES (?, ?, 'ok', 1, 'manual')", [a.id, to_storage(T0)])
        old.db.execute(
            "INSERT INTO holdings (snapshot_id, wallet, asset, free, locked, total, priced) "
            "VALUES (last_insert_rowid(), 'main', 'BTC', '1.25', '0', '1.25', 0)")
        old.close()
        new = ProfileStore.open(folder)
        assert new.user_version == LATEST_VERSION == len(MIGRATIONS)
        state = new.snapshots.state(new.accounts.by_name("Ledger"), T0)
        assert state.snapshot.holdings[0].total == Decimal("1.25")
        assert state.snapshot.currency == "USD"   # rows from before m0011 are USD
        new.close()


def test_a_failed_open_leaves_no_connection_open(tmp_path, monkeypatch):
    folder = tmp_path / "p"
    ProfileStore.open(folder, target_version=1).close()
    opened: list[sqlite3.Connection] = []
    connect = sqlite3.connect

    def recording_connect(*args, **kwargs):
        opened.append(connect(*args, **kwargs))
        return opened[-1]

    def broken_step(db):
        raise RuntimeError("step failed")

    monkeypatch.setattr(sqlite3, "connect", recording_connect)
    monkeypatch.setattr("exposure_app.storage.store.MIGRATIONS",
                        [MIGRATIONS[0], broken_step, *MIGRATIONS[2:]])
    with pytest.raises(MigrationFailedError, match="step failed"):
        ProfileStore.open(folder)
    assert opened
    for conn in opened:
        with pytest.raises(sqlite3.ProgrammingError, match="closed"):
            conn.execute("SELECT 1")


def test_newer_schema_is_refused_and_left_untouched(tmp_path):
    folder = tmp_path / "p"
    ProfileStore.open(folder).close()
    path = folder / DB_NAME
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 5}")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(SchemaTooNewError, match="newer version of Exposure"):
        ProfileStore.open(folder)
    assert path.read_bytes() == before


class _ConnectionHookPlugin:
    """An installed sqlite-utils plugin that adds an SQL function to every connection."""

    def __init__(self) -> None:
        from sqlite_utils import hookimpl

        def prepare_connection(conn):
            conn.create_function("plugin_was_here", 0, lambda: 1)

        self.prepare_connection = hookimpl(prepare_connection)


def test_sqlite_utils_plugins_never_run_on_the_profile_database(tmp_path):
    from sqlite_utils import Database
    from sqlite_utils.plugins import pm

    pm.register(_ConnectionHookPlugin(), name="test-connection-hook")
    try:
        # the plugin is live: a plain sqlite-utils Database runs its hook
        plain = Database(sqlite3.connect(":memory:"))
        assert plain.execute("SELECT plugin_was_here()").fetchone() == (1,)
        with ProfileStore.open(tmp_path / "p") as store, pytest.raises(
                sqlite3.OperationalError, match="no such function"):
            store.db.execute("SELECT plugin_was_here()")
    finally:
        pm.unregister(name="test-connection-hook")
