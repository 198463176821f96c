"""The streamed import: files larger than one write batch or one read block.

Rows are written in batches while the file is read; these tests make sure a
problem found after batches were written still leaves the profile as it was,
that whole-file checks (NUL bytes, UTF-8) reach past the first block, and that
the snapshot bookkeeping done at the end (totals, unchanged snapshots) is the
same as for a small file.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from exposure_app.domain.models import AccountKind
from exposure_app.domain.timeutil import parse_instant
from exposure_app.services.holdings_import import (
    ImportRejected,
    check_holdings_csv,
    import_holdings_csv,
)

BATCH_ROWS = 5000   # a file far larger than any one read or write step
DAYS = 3 * BATCH_ROWS // 40 + 1   # 40 rows a day: 15,000 rows and more


@pytest.fixture
def accounts(store):
    store.accounts.add("Ledger", AccountKind.SELF_CUSTODY)
    store.accounts.add("Celsius", AccountKind.MANUAL_CUSTODIAL, counterparty="celsius")
    return store


def counts(store):
    return (store.db.execute("SELECT count(*) FROM snapshots").fetchone()[0],
            store.db.execute("SELECT count(*) FROM holdings").fetchone()[0])


def big_file(days: int = DAYS) -> list[str]:
    lines = ["account,asset,amount,date,price"]
    for day in range(days):
        when = f"2021-{1 + day // 28 % 12:02d}-{1 + day % 28:02d}T{day // 336:02d}:00:00Z"
        for asset in range(20):
            lines.append(f"Celsius,A{asset},{day + asset + 1}.5,{when},2")
            lines.append(f"Ledger,A{asset},{asset + 1},{when},{day + 1}")
    return lines


def test_a_bad_line_after_written_batches_leaves_nothing(accounts, tmp_path):
    lines = big_file()
    bad = len(lines) - 3   # index into lines: line bad + 1 of the file
    lines[bad] = "Celsius,BTC,abc,2021-01-01,1"
    lines.append("Nobody,BTC,1,2021-01-01,1")
    f = tmp_path / "h.csv"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as caught:
        import_holdings_csv(accounts, f)
    assert [e.line for e in caught.value.errors] == [bad + 1, len(lines)]
    assert counts(accounts) == (0, 0)


def test_a_duplicate_far_apart_is_named_with_both_lines(accounts, tmp_path):
    lines = big_file()
    lines.append(lines[1])
    f = tmp_path / "h.csv"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as caught:
        import_holdings_csv(accounts, f)
    (error,) = caught.value.errors
    assert error.line == len(lines) and "already on line 2" in error.reason
    assert counts(accounts) == (0, 0)


def test_a_large_file_imports_whole_and_again_changes_nothing(accounts, tmp_path):
    lines = big_file()
    f = tmp_path / "h.csv"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    checked = check_holdings_csv(accounts, f)
    assert (checked.rows, checked.accounts) == (len(lines) - 1, ("Celsius", "Ledger"))
    assert counts(accounts) == (0, 0)   # checking writes nothing

    result = import_holdings_csv(accounts, f)
    # Ledger's amounts are the same every day (only the price changes): each day is a new
    # snapshot because its value changes; every Celsius day differs in amounts.
    assert (result.snapshots_written, result.rows) == (2 * DAYS, len(lines) - 1)
    assert counts(accounts) == (2 * DAYS, len(lines) - 1)
    celsius = accounts.accounts.by_name("Celsius")
    first = accounts.snapshots.latest_usable(celsius.id, parse_instant("2021-01-01T00:00:00Z"))
    assert sum((h.value for h in first.holdings), Decimal(0)) == sum(
        (Decimal(a + 1) + Decimal("0.5")) * 2 for a in range(20))
    total = accounts.db.execute("SELECT total_value FROM snapshots WHERE id = ?",
                                [first.id]).fetchone()[0]
    assert Decimal(total) == sum(h.value for h in first.holdings)

    again = import_holdings_csv(accounts, f)
    assert (again.snapshots_written, again.snapshots_unchanged) == (0, 2 * DAYS)
    assert counts(accounts) == (2 * DAYS, len(lines) - 1)


def test_each_snapshot_is_compared_with_what_the_profile_held_before(accounts, tmp_path):
    first = tmp_path / "first.csv"
    first.write_text("account,asset,amount,date\nLedger,BTC,1,2022-01-01\n", encoding="utf-8")
    assert import_holdings_csv(accounts, first).snapshots_written == 1
    f = tmp_path / "h.csv"
    f.write_text("account,asset,amount,date,value\n"
                 "Ledger,BTC,1,2022-01-03,\n"     # what the profile already holds: skipped
                 "Ledger,BTC,1,2022-01-02,\n"     # the same: skipped
                 "Ledger,BTC,2,2022-01-04,\n"
                 "Ledger,BTC,2,2022-01-05,\n", encoding="utf-8")   # same as the file's 01-04
    result = import_holdings_csv(accounts, f)
    assert (result.snapshots_written, result.snapshots_unchanged) == (2, 2)
    taken = [r[0][:10] for r in accounts.db.execute(
        "SELECT taken_at FROM snapshots ORDER BY taken_at")]
    assert taken == ["2022-01-01", "2022-01-04", "2022-01-05"]


def test_a_date_already_recorded_is_refused_unless_replace(accounts, tmp_path):
    f = tmp_path / "h.csv"
    f.write_text("account,asset,amount,date\n" + "".join(
        f"Ledger,A{i},1,2022-01-01\n" for i in range(BATCH_ROWS + 10)), encoding="utf-8")
    import_holdings_csv(accounts, f)
    f.write_text("account,asset,amount,date\n" + "".join(
        f"Ledger,A{i},2,2022-01-01\n" for i in range(BATCH_ROWS + 10)), encoding="utf-8")
    with pytest.raises(ImportRejected) as caught:
        import_holdings_csv(accounts, f)
    (error,) = caught.value.errors
    assert error.line == 2 and f"(lines 2-{BATCH_ROWS + 11} of this file)" in error.reason
    assert counts(accounts) == (1, BATCH_ROWS + 10)
    result = import_holdings_csv(accounts, f, replace=True)
    assert (result.snapshots_written, result.snapshots_unchanged) == (1, 0)
    assert counts(accounts) == (1, BATCH_ROWS + 10)
    (total,) = {r[0] for r in accounts.db.execute("SELECT total FROM holdings")}
    assert total == "2"


def test_nul_bytes_and_bad_utf8_past_the_first_block_reject_the_file(accounts, tmp_path):
    body = "\n".join(big_file(days=4000)) + "\n"   # several MiB: more than one read block
    assert len(body) > 2 * (1 << 20)
    f = tmp_path / "h.csv"
    f.write_text(body + "Ledger,BTC\x00,1,2021-01-01,1\n", encoding="utf-8")
    with pytest.raises(ImportRejected, match="NUL bytes"):
        import_holdings_csv(accounts, f)
    data = body.encode() + b"Ledger,BTC,1,2021-01-01,\xff\n"
    f.write_bytes(data)
    with pytest.raises(ImportRejected) as caught:
        check_holdings_csv(accounts, f)
    assert str(caught.value.errors[0]) == f"h.csv is not UTF-8 text (byte {len(data) - 2})"
    assert counts(accounts) == (0, 0)
