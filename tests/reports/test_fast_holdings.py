"""The SQL-formatted holdings history equals the typed, Python-formatted one."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exposure_app.domain.models import AccountKind, Holding, Snapshot, SnapshotSource, SnapshotStatus
from exposure_app.reports.csv_safe import write_csv
from exposure_app.reports.portfolio_reports import (
    HOLDINGS_COLUMNS,
    all_holdings_cells,
    all_holdings_rows,
)
from exposure_app.storage.store import ProfileStore

# printable ASCII: account names are cleaned and bounded on input (control characters, mixed scripts)
names = st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E),
                min_size=1, max_size=12).map(str.strip).filter(bool)
amounts = st.decimals(min_value=0, max_value=10**12, places=8, allow_nan=False, allow_infinity=False)


def _both(store: ProfileStore, as_of: datetime, currency: str) -> tuple[str, str]:
    fast, slow = io.StringIO(newline=""), io.StringIO(newline="")
    n_fast = write_csv(fast, HOLDINGS_COLUMNS, all_holdings_cells(store, as_of, currency))
    n_slow = write_csv(slow, HOLDINGS_COLUMNS, all_holdings_rows(store, as_of, currency))
    assert n_fast == n_slow
    return fast.getvalue(), slow.getvalue()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    account=names, wallet=st.sampled_from(["spot", "=SUM(A1)", "-x", "@me", "\tt", "earn_locked"]),
    asset=st.sampled_from(["BTC", "=HYPERLINK", "+1", "LDBTC"]), free=amounts, locked=amounts,
    price=st.none() | amounts, micro=st.sampled_from([0, 1, 999999]),
    source=st.sampled_from([None, "binance", "=cmd", "stablecoin assumption"]),
    status=st.sampled_from([SnapshotStatus.OK, SnapshotStatus.PARTIAL]),
)
def test_fast_path_writes_the_same_bytes(tmp_path_factory, account, wallet, asset, free, locked, price,
                                         micro, source, status):
    store = ProfileStore.open(tmp_path_factory.mktemp("fast"))
    try:
        acc = store.accounts.add(account, AccountKind.MANUAL_CUSTODIAL, counterparty="=evil")
        total = free + locked
        value = None if price is None else total * price
        holding = Holding(wallet, asset, free, locked, total, price, value, source)
        unpriced = Holding("main", "XYZ", Decimal(1), Decimal(0), Decimal(1))
        store.snapshots.save(Snapshot(None, acc.id, datetime(2023, 5, 1, 12, 0, 0, micro, tzinfo=UTC), status,
                                      (holding, unpriced), source=SnapshotSource.SYNC))
        fast, slow = _both(store, datetime(2024, 1, 1, tzinfo=UTC), "=USD")
        assert fast == slow
        assert fast.count("\r\n") == 3
    finally:
        store.close()
