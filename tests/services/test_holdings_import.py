from __future__ import annotations

from decimal import Decimal

import pytest

from exposure_app.domain.models import AccountKind
from exposure_app.domain.timeutil import parse_instant
from exposure_app.services.holdings_import import ImportRejected, import_holdings_csv


@pytest.fixture
def accounts(store):
    store.accounts.add("Ledger", AccountKind.SELF_CUSTODY)
    store.accounts.add("Celsius", AccountKind.MANUAL_CUSTODIAL, counterparty="celsius")
    store.accounts.add("Synced", AccountKind.EXCHANGE_API, counterparty="binance", exchange_id="binance")
    return store


def counts(store):
    return (store.db.execute("SELECT count(*) FROM snapshots").fetchone()[0],
            store.db.execute("SELECT count(*) FROM holdings").fetchone()[0])


def test_rows_with_same_account_and_date_form_one_snapshot(accounts, tmp_path):
    f = tmp_path / "h.csv"
    f.write_text(
        "date,account,asset,amount,price,value\n"
        "2022-06-01,Celsius,ETH,10,1800,\n"
        "2022-06-01,Celsius,usdc,5000,,5000\n"
        "2022-06-01T00:00:00Z,Ledger,BTC,0.5,30000,\n"
        "2022-07-01,Celsius,ETH,10,1000,\n",
        encoding="utf-8",
    )
    result = import_holdings_csv(accounts, f)
    assert (result.snapshots_written, result.rows) == (3, 4)
    celsius = accounts.accounts.by_name("celsius")
    june = accounts.snapshots.latest_usable(celsius.id, parse_instant("2022-06-30"))
    assert sorted((h.asset, h.total, h.value) for h in june.holdings) == [
        ("ETH", Decimal(10), Decimal(18000)), ("USDC", Decimal(5000), Decimal(5000))]
    july = accounts.snapshots.latest_usable(celsius.id, parse_instant("2022-07-02"))
    assert [(h.asset, h.value) for h in july.holdings] == [("ETH", Decimal(10000))]


def test_reimporting_the_same_file_changes_nothing(accounts, tmp_path):
    f = tmp_path / "h.csv"
    f.write_text("account,asset,amount\nLedger,BTC,1\nCelsius,ETH,2\n", encoding="utf-8")
    first = import_holdings_csv(accounts, f)
    before = counts(accounts)
    second = import_holdings_csv(accounts, f)
    assert first.snapshots_written == 2
    assert (second.snapshots_written, second.snapshots_unchanged) == (0, 2)
    assert counts(accounts) == before


def test_every_bad_line_is_reported_and_nothing_is_written(accounts, tmp_path):
    f = tmp_path / "bad.csv"
    f.write_text(
        "date,account,asset,amount,price\n"
        "2022-06-01,Ledger,BTC,1,20000\n"       # 2 ok
        "2022-06-01,Nobody,BTC,1,\n"           # 3 unknown account
        "2022-13-01,Ledger,ETH,1,\n"           # 4 bad date
        "2022-06-01,Ledger,ETH,one,\n"         # 5 bad number
        "2022-06-01,Ledger,SOL,-3,\n"          # 6 negative
        "2022-06-01,Ledger,BTC,2,\n"           # 7 duplicate of line 2
        "2022-06-01,Synced,BTC,2,\n"           # 8 exchange account
        "2022-06-01,Ledger,DOT,1,abc\n",       # 9 bad price
        encoding="utf-8",
    )
    before = counts(accounts)
    with pytest.raises(ImportRejected) as info:
        import_holdings_csv(accounts, f)
    lines = {e.line: e.reason for e in info.value.errors}
    assert set(lines) == {3, 4, 5, 6, 7, 8, 9}
    assert "unknown account" in lines[3]
    assert "bad date" in lines[4]
    assert "bad number" in lines[5]
    assert "negative" in lines[6]
    assert "duplicate" in lines[7] and "line 2" in lines[7]
    assert "synced from its exchange" in lines[8]
    assert "price" in lines[9]
    assert counts(accounts) == before


@pytest.mark.parametrize(
    "content, message",
    [
        ("", "empty"),
        ("account,asset\nLedger,BTC\n", "missing column(s): amount"),
        ("account,asset,amount,colour\nLedger,BTC,1,red\n", "unknown column(s): colour"),
        ("account,asset,amount\n", "no data rows"),
        ("account,asset,amount\nLedger,BTC,1,extra\n", "expected 3 fields"),
        ("account,asset,amount,price,value\nLedger,BTC,1,2,2\n", "not both"),
    ],
)
def test_malformed_files_are_rejected_with_a_reason(accounts, tmp_path, content, message):
    f = tmp_path / "x.csv"
    f.write_text(content, encoding="utf-8")
    with pytest.raises(ImportRejected, match=message.replace("(", r"\(").replace(")", r"\)")):
        import_holdings_csv(accounts, f)
    assert counts(accounts) == (0, 0)


def test_non_utf8_file_is_rejected(accounts, tmp_path):
    f = tmp_path / "latin1.csv"
    f.write_bytes("account,asset,amount\nLedger,BTC,1\nLédger,ETH,1\n".encode("latin-1"))
    with pytest.raises(ImportRejected, match="not UTF-8"):
        import_holdings_csv(accounts, f)
