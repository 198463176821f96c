"""A checklist withdrawal confirmed end to end: plan, destination, coins arriving at the
watched address (Esplora emulator), a sync ticking the item with the txid, the custodian's
balance falling, and the evidence in the CSV, the Markdown and the CLI's JSON."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from decimal import Decimal

import pytest

from exposure_app.domain.models import AccountKind, Holding, Snapshot, SnapshotSource, SnapshotStatus
from exposure_app.domain.timeutil import utc_now
from exposure_app.emulator.esplora import EsploraEmulator
from exposure_app.services.checklist_service import open_checklist, view_checklist
from exposure_app.services.profile import Profile
from exposure_app.services.reports import ReportOptions, write_checklist_markdown, write_report_to
from exposure_app.services.sync_service import SyncService
from exposure_app.services.watch_accounts import add_watch_account
from exposure_app.services.withdrawal_confirmations import (
    DestinationError,
    confirm_withdrawals,
    set_destination,
)
from exposure_app.storage.secrets import SecretStore, memory_keyring

pytestmark = pytest.mark.cli_in_process   # what commands do, not the process

D = Decimal
ADDRESS = "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu"
KEY = "asset:binance:BTC"


def _custodian(store, amount: Decimal, when=None):
    account = store.accounts.find("Binance") or store.accounts.add(
        "Binance", AccountKind.MANUAL_CUSTODIAL, counterparty="binance")
    store.snapshots.save(Snapshot(None, account.id, when or utc_now(), SnapshotStatus.OK,
                                  (Holding.simple("BTC", amount, price=D(60000)),),
                                  source=SnapshotSource.MANUAL))
    return account


def test_withdrawal_to_a_watched_address_is_confirmed(store, data_dir, emulator_server, run_cli,
                                                      tmp_path):
    esplora = EsploraEmulator()
    url = emulator_server.add(esplora, key="esplora")
    profile = Profile(data_dir)
    settings = profile.load_settings()
    _custodian(store, D("0.5"), utc_now() - timedelta(minutes=5))
    add_watch_account(store, "Cold", "bitcoin", ADDRESS, url)
    # the same amount arrived once before the plan: that is not this withdrawal
    esplora.receive(ADDRESS, 49_950_000, block_time=int((utc_now() - timedelta(days=3)).timestamp()))
    view = open_checklist(store, settings, "binance")
    with pytest.raises(DestinationError):
        set_destination(store, view.plan_id, KEY, "Binance")
    set_destination(store, view.plan_id, KEY, "Cold")

    service = SyncService(profile, secret_store=SecretStore(memory_keyring()), account_timeout=10)
    try:
        service.sync().result(60)
        assert not _row(store, settings).done            # only the old receipt so far
        txid = esplora.receive(ADDRESS, 49_950_000)      # 0.5 BTC less a 0.0005 fee
        service.sync().result(60)
    finally:
        service.shutdown()
    row = _row(store, settings)
    assert row.done and row.done_by == "sync"
    w = row.withdrawal
    assert w is not None and w.txid == txid and w.amount == D("0.4995")
    assert w.custodian_confirmed_at is None            # the custodian still shows 0.5

    _custodian(store, D(0))                            # next capture: the coins left
    confirm_withdrawals(store)
    w = _row(store, settings).withdrawal
    assert w is not None and w.custodian_confirmed_at is not None

    out = io.StringIO(newline="")
    write_report_to(out, store, settings, "checklist", ReportOptions(scope="binance"))
    [line] = [r for r in csv.DictReader(io.StringIO(out.getvalue())) if r["item"] == KEY]
    assert (line["destination"], line["confirmed_txid"], line["confirmed_amount"]) == (
        f"bitcoin:{ADDRESS}", txid, "0.4995")
    assert line["confirmed_at"] and line["custodian_confirmed_at"]
    markdown = tmp_path / "plan.md"
    write_checklist_markdown(store, settings, markdown, scope="binance")
    assert txid in markdown.read_text() and ADDRESS in markdown.read_text()

    store.close()
    done = run_cli("checklist", "binance", "--json")
    assert done.returncode == 0, done.stderr
    [item] = [i for i in json.loads(done.stdout)["items"] if i["item"] == KEY]
    assert item["destination"] == {"chain": "bitcoin", "address": ADDRESS, "account": "Cold"}
    assert item["confirmation"]["txid"] == txid and item["confirmation"]["amount"] == "0.4995"
    assert item["confirmation"]["at"]


def _row(store, settings):
    return next(r for r in view_checklist(store, settings, "binance").rows if r.item_key == KEY)


def test_token_withdrawal_to_an_evm_address_is_confirmed(store, data_dir, emulator_server):
    from exposure_app.domain.chains import CHAINS
    from exposure_app.emulator.evm_rpc import EvmRpcEmulator

    rpc = EvmRpcEmulator(chain_id=1)
    url = emulator_server.add(rpc, key="rpc")
    holder = "0x" + "cd" * 20
    usdt = next(t for t in CHAINS["ethereum"].tokens if t.symbol == "USDT")
    profile = Profile(data_dir)
    settings = profile.load_settings()
    account = store.accounts.add("Binance", AccountKind.MANUAL_CUSTODIAL, counterparty="binance")
    store.snapshots.save(Snapshot(None, account.id, utc_now() - timedelta(minutes=5),
                                  SnapshotStatus.OK, (Holding.simple("USDT", D(1000)),),
                                  source=SnapshotSource.MANUAL))
    add_watch_account(store, "Ledger ETH", "ethereum", holder, url)
    view = open_checklist(store, settings, "binance")
    set_destination(store, view.plan_id, "asset:binance:USDT", "Ledger ETH")
    txid = rpc.transfer_token(usdt.contract, holder, 999_000_000,   # 1000 USDT less a 1 USDT fee
                              when=int((utc_now() + timedelta(seconds=5)).timestamp()))
    service = SyncService(profile, secret_store=SecretStore(memory_keyring()), account_timeout=10)
    try:
        service.sync().result(60)
    finally:
        service.shutdown()
    row = next(r for r in view_checklist(store, settings, "binance").rows
               if r.item_key == "asset:binance:USDT")
    assert row.done and row.withdrawal is not None
    assert (row.withdrawal.txid, row.withdrawal.amount) == (txid, D(999))
