"""Two imports for one account and date: the second is refused with its lines unless --replace."""

from __future__ import annotations

import json
import sqlite3

import pytest

pytestmark = pytest.mark.cli_in_process   # what commands do, not the process


def _write(path, rows: str):
    path.write_text("date,account,asset,amount,price\n" + rows, encoding="utf-8")
    return path


def _holdings(run_cli):
    return sorted((r["asset"], r["total"])
                  for r in json.loads(run_cli("holdings", "list", "--json").stdout)["holdings"])


def test_second_file_for_the_same_date_is_refused_then_replaces_on_request(run_cli, tmp_path,
                                                                          data_dir):
    assert run_cli("accounts", "add-manual", "Celsius", "--custodian", "celsius").returncode == 0
    first = _write(tmp_path / "a.csv", "2022-06-01,Celsius,ETH,3,1000\n2022-06-01,Celsius,BTC,1,20000\n")
    second = _write(tmp_path / "b.csv", "2022-05-01,Celsius,ETH,9,900\n"
                                        "2022-06-01,Celsius,ETH,5,1000\n2022-06-01,Celsius,USDT,7,1\n")
    assert run_cli("import", "holdings", str(first)).returncode == 0
    refused = run_cli("import", "holdings", str(second))
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    assert "line 3" in refused.stderr and "lines 3-4" in refused.stderr and "--replace" in refused.stderr
    assert _holdings(run_cli) == [("BTC", "1"), ("ETH", "3")]       # nothing changed, not even May
    again = json.loads(run_cli("import", "holdings", str(first), "--json").stdout)
    assert again["snapshots_unchanged"] == 1 and again["snapshots_written"] == 0
    replaced = run_cli("import", "holdings", str(second), "--replace", "--json")
    assert replaced.returncode == 0, replaced.stderr
    assert json.loads(replaced.stdout)["snapshots_written"] == 2
    assert _holdings(run_cli) == [("ETH", "5"), ("USDT", "7")]
    db = sqlite3.connect(data_dir / "exposure.sqlite3")
    at_june = db.execute("SELECT COUNT(*) FROM snapshots WHERE taken_at LIKE '2022-06-01%'")
    assert at_june.fetchone()[0] == 1          # one snapshot per account and instant
    db.close()
