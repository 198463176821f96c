"""Generated CSV files: the import never crashes, and a rejected file changes nothing."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exposure_app.domain.models import AccountKind
from exposure_app.services.holdings_import import ImportRejected, import_holdings_csv
from exposure_app.storage.store import ProfileStore

cell = st.one_of(
    st.sampled_from(["Ledger", "ledger", "Celsius", "Ghost", "", "BTC", "eth", "1", "0", "-1", "1e400",
                     "NaN", "inf", "2022-06-01", "2022-02-30", "2022-06-01T10:00:00+02:00", "=cmd()",
                     "1.5", "0.000000001", "１", " 2 ", "1,5", "\u00a0"]),
    st.text(max_size=12),
)
columns = st.lists(st.sampled_from(["date", "account", "asset", "amount", "price", "value", "colour"]),
                   min_size=0, max_size=7)


@st.composite
def csv_files(draw):
    header = draw(columns)
    rows = draw(st.lists(st.lists(cell, min_size=0, max_size=8), max_size=8))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    text = buffer.getvalue()
    if draw(st.booleans()):
        text = draw(st.text(max_size=200))  # not even CSV-shaped
    return text


@pytest.fixture(scope="module")
def fuzz_store(tmp_path_factory):
    store = ProfileStore.open(tmp_path_factory.mktemp("fuzz"))
    store.accounts.add("Ledger", AccountKind.SELF_CUSTODY)
    store.accounts.add("Celsius", AccountKind.MANUAL_CUSTODIAL, counterparty="celsius")
    yield store
    store.close()


def _fingerprint(store):
    return store.db.execute(
        "SELECT count(*), coalesce(group_concat(total_value), '') FROM snapshots"
    ).fetchone(), store.db.execute("SELECT count(*) FROM holdings").fetchone()


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=csv_files())
def test_import_never_crashes_and_rejection_changes_nothing(fuzz_store, text):
    before = _fingerprint(fuzz_store)
    try:
        result = import_holdings_csv(fuzz_store, text)
    except ImportRejected as exc:
        assert exc.errors, "a rejection must say why"
        assert all(str(e).strip() for e in exc.errors)
        assert _fingerprint(fuzz_store) == before
        return
    assert result.rows > 0
    # Accepted: importing the very same text again is a no-op.
    after = _fingerprint(fuzz_store)
    again = import_holdings_csv(fuzz_store, text)
    assert again.snapshots_written == 0
    assert _fingerprint(fuzz_store) == after
