"""End to end through the real entry point: warnings, events and counterparties."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .helpers import FTX_HOLDINGS, as_json_bytes, loopback_server, raw_event

pytestmark = pytest.mark.cli_in_process   # what commands do, not the process

MOVED_OUT = """date,account,asset,amount,price
2022-11-10,FTX main,USDT,0,1
"""


def ok(result):
    assert result.returncode == 0, result.stderr
    return result


def setup_ftx(run_cli, tmp_path: Path):
    ok(run_cli("accounts", "add-manual", "FTX main", "--custodian", "ftx"))
    ok(run_cli("accounts", "add-wallet", "Ledger"))
    path = tmp_path / "holdings.csv"
    path.write_text(FTX_HOLDINGS, encoding="utf-8")
    ok(run_cli("import", "holdings", str(path)))


def warnings_json(run_cli, as_of):
    return json.loads(ok(run_cli("warnings", "--as-of", as_of, "--json")).stdout)


def test_warnings_before_and_after_the_ftx_halt(run_cli, tmp_path):
    setup_ftx(run_cli, tmp_path)
    early = warnings_json(run_cli, "2022-11-05")
    late = warnings_json(run_cli, "2022-11-12")

    assert set(late) == {"schema", "as_of", "base_currency", "net_worth", "warnings"}
    assert late["base_currency"] == "USD" and late["net_worth"] == "47500"
    ftx_late = late["warnings"][0]
    assert set(ftx_late) == {"counterparty", "name", "level", "exposure", "reasons", "events",
                             "health"}
    assert ftx_late["health"]["state"] == "failed" and ftx_late["health"]["reasons"]
    assert ftx_late["counterparty"] == "ftx" and ftx_late["level"] == "critical"
    assert ftx_late["exposure"] == {"value": "27500", "share": "0.578947368421",
                                    "direct": "25000", "affiliated": "2500"}
    ids = {e["id"] for e in ftx_late["events"]}
    assert {"2022-11-08-ftx-withdrawal-halt", "2022-11-11-ftx-insolvency"} <= ids
    for e in ftx_late["events"]:
        assert set(e) == {"id", "counterparty", "date", "published", "category", "title",
                          "sources", "resolved"}
        assert e["published"] <= "2022-11-12" and e["sources"]
    assert any("unresolved" in r for r in ftx_late["reasons"])

    ftx_early = next(w for w in early["warnings"] if w["counterparty"] == "ftx")
    assert ftx_early["level"] in ("medium", "high")
    assert all(e["published"] <= "2022-11-05" for e in ftx_early["events"])
    assert ftx_early["health"]["state"] in ("watch", "distressed")
    assert "2022-11-08-ftx-withdrawal-halt" not in {e["id"] for e in ftx_early["events"]}
    ranks = ["info", "low", "medium", "high", "critical"]
    for report in (early, late):
        levels = [ranks.index(w["level"]) for w in report["warnings"]]
        assert levels == sorted(levels, reverse=True)

    text = ok(run_cli("warnings", "--as-of", "2022-11-12")).stdout
    assert "[CRITICAL] FTX" in text and "exposure-app checklist ftx" in text

    # The exposure view uses the same semantics: direct and affiliated apart, issuers apart.
    exposure = json.loads(ok(run_cli("exposure", "--as-of", "2022-11-12", "--json")).stdout)
    ftx = next(c for c in exposure["counterparties"] if c["counterparty"] == "ftx")
    assert (ftx["direct"], ftx["affiliated"], ftx["value"]) == ("25000", "2500", "27500")
    assert [(i["counterparty"], i["value"]) for i in exposure["issuers"]] == [("tether", "5000")]


def test_only_snapshots_up_to_the_as_of_date_count(run_cli, tmp_path):
    setup_ftx(run_cli, tmp_path)
    path = tmp_path / "moved.csv"
    path.write_text(MOVED_OUT, encoding="utf-8")
    ok(run_cli("import", "holdings", str(path)))
    on_9th = warnings_json(run_cli, "2022-11-09")
    assert on_9th["warnings"][0]["counterparty"] == "ftx"
    assert on_9th["warnings"][0]["level"] == "critical"
    on_12th = warnings_json(run_cli, "2022-11-12")
    ftx = next((w for w in on_12th["warnings"] if w["counterparty"] == "ftx"), None)
    # Nothing left at FTX: only the FTT held in the wallet ties the user to it.
    assert ftx is not None and ftx["exposure"]["direct"] == "0"
    assert ftx["level"] != "critical"


def test_events_add_edit_list_export_remove(run_cli, tmp_path):
    ok(run_cli("events", "add", "my-halt-1", "--date", "2024-05-02", "--counterparty",
               "krakenfutures", "--category", "withdrawal_halt", "--title", "My test halt",
               "--summary", "Withdrawals stuck for me.", "--source", "https://example.org/1"))
    listed = json.loads(ok(run_cli("events", "list", "--counterparty", "kraken",
                                   "--since", "2024-01-01", "--json")).stdout)["events"]
    mine = [e for e in listed if e["id"] == "my-halt-1"]
    assert mine and mine[0]["origin"] == "user" and mine[0]["counterparty"] == "kraken"
    assert all(e["date"] >= "2024-01-01" for e in listed)

    ok(run_cli("events", "edit", "my-halt-1", "--resolved", "2024-05-03",
               "--resolved-note", "paid out"))
    bad = run_cli("events", "edit", "my-halt-1", "--date", "2024-06-01")
    assert bad.returncode == 1 and "before the event" in bad.stderr

    shipped = run_cli("events", "remove", "2022-11-11-ftx-insolvency")
    assert shipped.returncode == 1 and "shipped" in shipped.stderr
    dup = run_cli("events", "add", "2022-11-11-ftx-insolvency", "--date", "2022-11-11",
                  "--counterparty", "ftx", "--category", "insolvency", "--title", "x",
                  "--summary", "y", "--source", "https://example.org/2")
    assert dup.returncode == 1 and "shipped" in dup.stderr

    out_json, out_csv = tmp_path / "mine.json", tmp_path / "mine.csv"
    ok(run_cli("events", "export", str(out_json)))
    ok(run_cli("events", "export", str(out_csv)))
    exported = json.loads(out_json.read_text())["events"]
    assert [e["id"] for e in exported] == ["my-halt-1"]
    assert exported[0]["resolved"] == {"date": "2024-05-03", "note": "paid out"}
    assert "my-halt-1,2024-05-02,kraken,withdrawal_halt" in out_csv.read_text()

    ok(run_cli("events", "remove", "my-halt-1"))
    ok(run_cli("events", "import", str(out_csv)))
    again = json.loads(ok(run_cli("events", "list", "--counterparty", "kraken",
                                  "--json")).stdout)["events"]
    assert any(e["id"] == "my-halt-1" for e in again)

    everything = tmp_path / "all.json"
    ok(run_cli("events", "export", str(everything), "--all"))
    assert len(json.loads(everything.read_text())["events"]) >= 61


def test_a_rejected_import_changes_nothing(run_cli, tmp_path):
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"events": [raw_event("keep-me")]}))
    ok(run_cli("events", "import", str(good)))
    before = json.loads(ok(run_cli("events", "list", "--json")).stdout)["events"]
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"events": [raw_event("new-one"),
                                          raw_event("broken", counterparty="atlantis"),
                                          raw_event("2014-02-07-mtgox-withdrawal-halt")]}))
    result = run_cli("events", "import", str(bad))
    assert result.returncode == 1
    assert "entry 2 (broken)" in result.stderr and "entry 3" in result.stderr
    assert "Traceback" not in result.stderr
    assert json.loads(ok(run_cli("events", "list", "--json")).stdout)["events"] == before
    missing = run_cli("events", "import", str(tmp_path / "nope.json"))
    assert missing.returncode == 1 and "cannot be read" in missing.stderr


def test_events_update_from_a_feed(run_cli):
    routes = {"/events.json": (200, as_json_bytes({"version": 1, "events": [
        raw_event("feed-a", counterparty="bybit")]}))}
    with loopback_server(routes) as base:
        ok(run_cli("settings", "set", "events_feed_url", f"{base}/events.json"))
        ok(run_cli("events", "update"))
        listed = json.loads(ok(run_cli("events", "list", "--counterparty", "bybit",
                                       "--json")).stdout)["events"]
        assert any(e["id"] == "feed-a" and e["origin"] == "feed" for e in listed)
        routes["/events.json"] = (200, b'{"events": [{"id": "x"}]}')
        failed = run_cli("events", "update")
        assert failed.returncode == 1 and "nothing changed" in failed.stderr
    listed = json.loads(ok(run_cli("events", "list", "--counterparty", "bybit",
                                   "--json")).stdout)["events"]
    assert any(e["id"] == "feed-a" for e in listed)


def test_counterparties_list(run_cli):
    data = json.loads(ok(run_cli("counterparties", "list", "--json")).stdout)
    by_id = {c["counterparty"]: c for c in data["counterparties"]}
    assert by_id["binance"]["ccxt_ids"] == ["binance", "binanceusdm", "binancecoinm"]
    assert by_id["ftx"]["status"] == "defunct" and by_id["ftx"]["defunct_since"] == "2022-11-11"
    assert "okex" in by_id["okx"]["aliases"]
    assert by_id["tether"]["issued_stablecoins"][0] == "USDT"
    assert "FTX" in ok(run_cli("counterparties", "list")).stdout


def test_usage_and_user_errors(run_cli):
    assert run_cli("warnings", "--as-of", "yesterday").returncode == 2
    assert run_cli("events", "list", "--counterparty", "atlantis").returncode == 1
    assert run_cli("events", "add", "x-1").returncode == 2
    assert run_cli("events", "list", "--since", "soon").returncode == 2


def test_warnings_refresh_reads_reserve_data_and_works_offline_from_the_cache(run_cli, tmp_path):
    from .helpers import protocol_payload
    from .test_reserve_feed import kucoin_like_series

    ok(run_cli("accounts", "add-manual", "KuCoin main", "--custodian", "kucoinfutures"))
    path = tmp_path / "h.csv"
    path.write_text("date,account,asset,amount,price\n2024-03-01,KuCoin main,USDT,1000,1\n")
    ok(run_cli("import", "holdings", str(path)))
    routes = {"/protocol/kucoin": (200, as_json_bytes(protocol_payload(kucoin_like_series())))}
    with loopback_server(routes) as base:
        ok(run_cli("settings", "set", "reserve_data_url", base))
        first = ok(run_cli("warnings", "--refresh", "--as-of", "2024-03-27", "--json"))
        assert "reserve data kucoin: 43 points" in first.stderr
    data = json.loads(first.stdout)
    kucoin = next(w for w in data["warnings"] if w["counterparty"] == "kucoin")
    assert "derived-kucoin-2024-03-27" in {e["id"] for e in kucoin["events"]}

    offline = ok(run_cli("warnings", "--refresh", "--as-of", "2024-03-27", "--json"))
    assert "using the cached copy" in offline.stderr
    assert json.loads(offline.stdout) == data
    earlier = json.loads(ok(run_cli("warnings", "--as-of", "2024-03-26", "--json")).stdout)
    ids = {e["id"] for w in earlier["warnings"] for e in w["events"]}
    assert not any(i.startswith("derived-") for i in ids)
