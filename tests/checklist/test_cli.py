"""``checklist`` and ``reminders`` through the real entry point."""

from __future__ import annotations

import json

import pytest

from exposure_app.storage.store import ProfileStore
from tests.checklist.helpers import populate

pytestmark = pytest.mark.cli_in_process   # what commands do, not the process


def test_checklist_json_tick_note_and_reminders(data_dir, run_cli):
    store = ProfileStore.open(data_dir)
    populate(store)
    store.close()

    shown = run_cli("checklist", "binance")
    assert shown.returncode == 0, shown.stderr
    assert "never withdraws" in shown.stdout and "Withdraw XRP from Binance" in shown.stdout
    assert "memo/tag: required: destination tag" in shown.stdout

    ticked = run_cli("checklist", "binance", "--tick", "asset:binance:XRP", "--note", "tx 0xabc")
    assert ticked.returncode == 0, ticked.stderr
    by_position = run_cli("checklist", "binance", "--tick", "1")
    assert by_position.returncode == 0, by_position.stderr

    data = json.loads(run_cli("checklist", "binance", "--json").stdout)
    items = {i["item"]: i for i in data["items"]}
    assert items["asset:binance:XRP"]["done"] and items["asset:binance:XRP"]["note"] == "tx 0xabc"
    assert items["step:wallet"]["done"] and items["step:wallet"]["done_by"] == "user"
    assert items["asset:binance:BTC"]["locked"] == "0.1"                     # decimals as strings
    assert data["scope"] == "binance" and "never withdraws" in data["notice"]

    bad = run_cli("checklist", "binance", "--tick", "asset:binance:NOPE")
    assert bad.returncode == 1 and "no item" in bad.stderr

    everything = json.loads(run_cli("checklist", "--all", "--json").stdout)
    assert {c["counterparty"] for c in everything["custodians"]} == {"binance", "kraken"}

    rem = json.loads(run_cli("reminders", "list", "--json").stdout)["reminders"]
    assert {r["counterparty"] for r in rem} == {"binance", "kraken"}
    assert all(r["due"] for r in rem)                  # the fixture's snapshots are from March
    assert run_cli("reminders", "set", "kraken", "off").returncode == 0
    recorded = run_cli("reminders", "record", "binance", "worked", "--note", "0.001 BTC arrived",
                       "--json")
    assert recorded.returncode == 0, recorded.stderr
    assert json.loads(recorded.stdout)["event_id"] is None
    rem = {r["counterparty"]: r for r in json.loads(run_cli("reminders", "list", "--json").stdout)["reminders"]}
    assert not rem["binance"]["due"] and not rem["kraken"]["enabled"]
    history = json.loads(run_cli("reminders", "history", "--json").stdout)["tests"]
    assert [t["result"] for t in history] == ["worked"]
    assert run_cli("reminders", "set", "kraken", "soon").returncode == 2


def test_a_tick_reads_back_the_items_title_not_its_key(data_dir, run_cli):
    store = ProfileStore.open(data_dir)
    populate(store)
    store.close()
    items = {i["item"]: i for i in
             json.loads(run_cli("checklist", "binance", "--json").stdout)["items"]}
    wallet, xrp = items["step:wallet"], items["asset:binance:XRP"]

    ticked = run_cli("checklist", "binance", "--tick", "step:wallet")
    assert ticked.returncode == 0, ticked.stderr
    assert f"{wallet['position']}. {wallet['title']}: done" in ticked.stderr
    assert "step:wallet" not in ticked.stderr
    unticked = run_cli("checklist", "binance", "--untick", str(wallet["position"]))
    assert f"{wallet['position']}. {wallet['title']}: not done" in unticked.stderr
    noted = run_cli("checklist", "binance", "--item", "asset:binance:XRP", "--note", "tx 0xabc")
    assert noted.returncode == 0, noted.stderr
    assert f"{xrp['position']}. Withdraw XRP from Binance: noted" in noted.stderr


def test_checklist_reads_while_the_app_holds_the_profile(data_dir, run_cli):
    from exposure_app.storage.profile_lock import ProfileLock

    store = ProfileStore.open(data_dir)
    populate(store)
    store.close()
    with ProfileLock(data_dir):
        shown = run_cli("checklist", "binance", "--json")
        assert shown.returncode == 0, shown.stderr
        assert "without saving" in shown.stderr
        assert json.loads(shown.stdout)["plan_id"] is None
        ticked = run_cli("checklist", "binance", "--tick", "1")
        assert ticked.returncode == 1 and "in use" in ticked.stderr
