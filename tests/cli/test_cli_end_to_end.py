"""The CLI through its real entry point in a subprocess, on a temporary profile."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

pytestmark = pytest.mark.cli_in_process   # what commands do, not the process


def ok(result):
    assert result.returncode == 0, result.stderr
    return result


def test_manual_accounts_holdings_and_exposure_json(run_cli, tmp_path):
    ok(run_cli("accounts", "add-wallet", "Ledger"))
    ok(run_cli("accounts", "add-manual", "FTX main", "--custodian", "ftx"))
    ok(run_cli("accounts", "add-manual", "Binance spot", "--custodian", "binanceusdm"))
    ok(run_cli("holdings", "set", "Ledger", "BTC", "1", "--price", "20000", "--date", "2022-11-01"))
    ok(run_cli("holdings", "set", "Ledger", "FTT", "100", "--price", "20", "--date", "2022-11-01"))
    ok(run_cli("holdings", "set", "FTX main", "USDT", "10000", "--value", "10000", "--date", "2022-11-01"))
    ok(run_cli("holdings", "set", "Binance spot", "SHIB", "1000000", "--date", "2022-11-01"))
    data = json.loads(ok(run_cli("exposure", "--as-of", "2022-11-05", "--json")).stdout)
    assert data["base_currency"] == "USD"
    assert data["net_worth"] == "32000"
    assert data["custodial"] == {"value": "10000", "share": "0.3125"}
    assert data["self_custody"]["value"] == "22000"
    ftx = next(c for c in data["counterparties"] if c["counterparty"] == "ftx")
    assert (ftx["direct"], ftx["affiliated"], ftx["value"]) == ("10000", "2000", "12000")
    assert Decimal(ftx["share"]) == Decimal("0.375")
    assert data["unpriced"] == [{"account": "Binance spot", "asset": "SHIB", "amount": "1000000",
                                 "wallet": "main"}]
    assert [a["asset"] for a in data["assets"]] == ["BTC", "USDT", "FTT"]
    assert data["hhi"] == "1"
    # As of a date before anything was recorded: nothing.
    empty = json.loads(ok(run_cli("exposure", "--as-of", "2022-10-01", "--json")).stdout)
    assert empty["net_worth"] == "0" and empty["counterparties"] == []
    human = ok(run_cli("exposure", "--as-of", "2022-11-05")).stdout
    assert "FTX" in human and "Unpriced" in human


def test_import_csv_end_to_end_and_rejection_report(run_cli, tmp_path):
    ok(run_cli("accounts", "add-manual", "Celsius", "--custodian", "celsius"))
    good = tmp_path / "good.csv"
    good.write_text("date,account,asset,amount,price\n2022-06-01,Celsius,ETH,3,1000\n", encoding="utf-8")
    result = ok(run_cli("import", "holdings", str(good), "--json"))
    assert json.loads(result.stdout)["snapshots_written"] == 1
    again = json.loads(ok(run_cli("import", "holdings", str(good), "--json")).stdout)
    assert again["snapshots_written"] == 0 and again["snapshots_unchanged"] == 1
    bad = tmp_path / "bad.csv"
    bad.write_text("date,account,asset,amount\n2022-07-01,Celsius,ETH,x\n2022-07-01,Ghost,BTC,1\n",
                   encoding="utf-8")
    rejected = run_cli("import", "holdings", str(bad))
    assert rejected.returncode == 1
    assert "line 2" in rejected.stderr and "line 3" in rejected.stderr
    assert "Traceback" not in rejected.stderr
    rows = json.loads(ok(run_cli("holdings", "list", "--json")).stdout)["holdings"]
    assert [(r["asset"], r["total"]) for r in rows] == [("ETH", "3")]


def test_exit_codes_usage_and_user_errors(run_cli):
    usage = run_cli("accounts", "frobnicate")
    assert usage.returncode == 2 and "invalid choice" in usage.stderr
    missing = run_cli("holdings", "set", "Nobody", "BTC", "1")
    assert missing.returncode == 1 and "no account named 'Nobody'" in missing.stderr
    assert "Traceback" not in missing.stderr
    bad_date = run_cli("exposure", "--as-of", "yesterday")
    assert bad_date.returncode == 2 and "--as-of" in bad_date.stderr and "YYYY-MM-DD" in bad_date.stderr
    ok(run_cli("accounts", "add-wallet", "W"))
    dup = run_cli("accounts", "add-wallet", "w")
    assert dup.returncode == 1 and "already exists" in dup.stderr
    ok(run_cli("accounts", "remove", "W", "--yes"))
    assert json.loads(ok(run_cli("accounts", "list", "--json")).stdout) == {"schema": 1, "accounts": []}


def test_data_dir_from_environment(run_cli, tmp_path):
    other = tmp_path / "env-profile"
    result = run_cli("accounts", "add-wallet", "EnvWallet", env={"EXPOSURE_APP_DATA_DIR": str(other)},
                     data=other)
    ok(result)
    assert (other / "exposure.sqlite3").exists()


def test_settings_cli(run_cli):
    ok(run_cli("settings", "set", "base_currency", "EUR"))
    shown = json.loads(ok(run_cli("settings", "show", "--json")).stdout)
    assert shown["base_currency"] == "EUR"
    bad = run_cli("settings", "set", "dust_threshold", "-1")
    assert bad.returncode == 1 and "below" in bad.stderr
