"""The exchanges' own CSV exports (Binance, Kraken, Coinbase) imported into a manual account."""

from __future__ import annotations

from decimal import Decimal

import pytest

from exposure_app.domain.models import AccountKind
from exposure_app.services.exchange_csv_import import (
    ImportRejected,
    import_exchange_csv,
    kraken_asset,
    parse_exchange_csv,
)

BINANCE = """User_ID,UTC_Time,Account,Operation,Coin,Change,Remark
12345678,2024-01-02 10:00:00,Spot,Deposit,USDT,1000,
12345678,2024-01-03 11:00:00,Spot,Transaction Buy,BTC,0.01,
12345678,2024-01-03 11:00:00,Spot,Transaction Spend,USDT,-420.5,
12345678,2024-01-03 11:00:00,Spot,Transaction Fee,BTC,-0.00001,
12345678,2024-02-01 09:30:00,Funding,Deposit,ETH,1.5,
"""

KRAKEN = """"txid","refid","time","type","subtype","aclass","asset","wallet","amount","fee","balance"
"L1","Q1","2024-03-01 08:00:00","deposit","","currency","ZUSD","spot / main",500.0000,0.0000,500.0000
"L2","T1","2024-03-02 09:00:00","trade","","currency","XXBT","spot / main",0.0050000000,0.0000000000,0.0050000000
"L3","T1","2024-03-02 09:00:00","trade","","currency","ZUSD","spot / main",-300.0000,0.4800,199.5200
"L4","S1","2024-03-05 00:00:00","staking","","currency","DOT.S","earn / bonded",1.2,0,10.2
"""

COINBASE = """
Transactions
User,Jane Doe,abc-123
ID,Timestamp,Transaction Type,Asset,Quantity Transacted,Price Currency,Price at Transaction,Subtotal,Total (inclusive of fees and/or spread),Fees and/or Spread,Notes
a1,2024-04-01 10:00:00 UTC,Buy,BTC,0.02,USD,$60000.00,$1200.00,$1210.00,$10.00,Bought 0.02 BTC for 1210 USD
a2,2024-04-02 10:00:00 UTC,Buy,ETH,1,USD,$3000.00,$3000.00,$3020.00,$20.00,Bought 1 ETH for 3020 USD
a3,2024-04-03 10:00:00 UTC,Convert,ETH,0.5,USD,$3000.00,$1500.00,$1500.00,$0.00,Converted 0.5 ETH to 1496.2 USDC
a4,2024-04-04 10:00:00 UTC,Send,BTC,0.005,USD,$61000.00,$305.00,$305.00,$0.00,Sent 0.005 BTC to bc1q...
a5,2024-04-05 10:00:00 UTC,Staking Income,ETH,0.001,USD,$3100.00,$3.10,$3.10,$0.00,
"""


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_binance_balances_are_the_sum_of_changes_per_account_and_coin(tmp_path):
    parsed = parse_exchange_csv(_write(tmp_path, "binance.csv", BINANCE))
    assert parsed.exchange == "binance" and parsed.rows == 5
    assert parsed.balances == {("spot", "USDT"): Decimal("579.5"),
                               ("spot", "BTC"): Decimal("0.00999"),
                               ("funding", "ETH"): Decimal("1.5")}
    assert parsed.taken_at.isoformat() == "2024-02-01T09:30:00+00:00"


def test_kraken_keeps_the_latest_balance_and_maps_its_codes(tmp_path):
    parsed = parse_exchange_csv(_write(tmp_path, "ledgers.csv", KRAKEN))
    assert parsed.balances == {("spot_main", "USD"): Decimal("199.52"),
                               ("spot_main", "BTC"): Decimal("0.005"),
                               ("earn", "DOT"): Decimal("10.2")}
    assert kraken_asset("XXDG") == ("DOGE", None) and kraken_asset("ETH2.S") == ("ETH", "earn")
    assert kraken_asset("ZETA") == ("ZETA", None)


def test_coinbase_skips_its_preamble_and_follows_converts(tmp_path):
    parsed = parse_exchange_csv(_write(tmp_path, "coinbase.csv", COINBASE))
    assert parsed.balances == {("main", "BTC"): Decimal("0.015"),
                               ("main", "ETH"): Decimal("0.501"),
                               ("main", "USDC"): Decimal("1496.2")}


def test_bad_rows_are_reported_by_line_and_nothing_is_written(store, tmp_path):
    bad = BINANCE.replace("0.01,", "lots,").replace("2024-02-01 09:30:00", "yesterday")
    bad += "12345678,2024-02-02 09:30:00,Spot,Withdraw,SOL,-3,\n"
    account = store.accounts.add("Binance by hand", AccountKind.MANUAL_CUSTODIAL,
                                 counterparty="binance")
    with pytest.raises(ImportRejected) as rejected:
        import_exchange_csv(store, account, _write(tmp_path, "bad.csv", bad))
    text = [str(e) for e in rejected.value.errors]
    assert any(t.startswith("line 3:") and "not a number" in t for t in text)
    assert any(t.startswith("line 6:") and "not a date" in t for t in text)
    assert any("SOL" in t and "whole history" in t for t in text)
    assert store.snapshots.latest_usable(account.id, parse_time()) is None
    coinbase = COINBASE.replace("Staking Income", "Mystery Payout")
    with pytest.raises(ImportRejected, match="line 9: transaction type 'Mystery Payout'"):
        parse_exchange_csv(_write(tmp_path, "cb.csv", coinbase))
    with pytest.raises(ImportRejected, match="not an export this import knows"):
        parse_exchange_csv(_write(tmp_path, "x.csv", "account,asset,amount\nA,BTC,1\n"))


def parse_time():
    from exposure_app.domain.timeutil import utc_now

    return utc_now()


def test_an_import_writes_one_snapshot_once_into_a_manual_custodian(store, tmp_path):
    account = store.accounts.add("Kraken by hand", AccountKind.MANUAL_CUSTODIAL,
                                 counterparty="kraken")
    path = _write(tmp_path, "ledgers.csv", KRAKEN)
    first = import_exchange_csv(store, account, path)
    again = import_exchange_csv(store, account, path)
    assert (first.snapshots_written, again.snapshots_written) == (1, 0)
    snap = store.snapshots.latest_usable(account.id, parse_time())
    assert {(h.wallet, h.asset, h.total) for h in snap.holdings} == {
        ("spot_main", "USD", Decimal("199.52")), ("spot_main", "BTC", Decimal("0.005")),
        ("earn", "DOT", Decimal("10.2"))}
    wallet = store.accounts.add("Ledger", AccountKind.SELF_CUSTODY)
    with pytest.raises(ImportRejected, match="not a custodian account"):
        import_exchange_csv(store, wallet, path)
