"""Native coin (ETH) withdrawals to a watched EVM address, confirmed from its balance.

Standard JSON-RPC lists no transactions of an address, so the sync records the
balance with its block and, when a withdrawal waits, bisects the balance history
to the block where it rose and reads that block for the transaction. A server
without past state confirms on the rise alone, saying so, with no txid."""

from __future__ import annotations

import asyncio
import csv
import io
import json
from datetime import timedelta
from decimal import Decimal

from exposure_app.chains.evm_native import BalanceObservation, NativeLedger
from exposure_app.chains.pool import ChainPool
from exposure_app.chains.reader import read_target
from exposure_app.domain.models import AccountKind, Holding, Snapshot, SnapshotSource, SnapshotStatus
from exposure_app.domain.timeutil import utc_now
from exposure_app.domain.watch_only import parse_watch_input
from exposure_app.domain.withdrawal_confirmation import ExpectedArrival
from exposure_app.emulator.evm_rpc import EvmRpcEmulator
from exposure_app.services.checklist_service import open_checklist, view_checklist
from exposure_app.services.profile import Profile
from exposure_app.services.reports import ReportOptions, write_checklist_markdown, write_report_to
from exposure_app.services.watch_accounts import add_watch_account
from exposure_app.services.withdrawal_confirmations import set_destination

D = Decimal
HOLDER = "0x" + "cd" * 20
KEY = "asset:binance:ETH"
ETH = 10 ** 18


def _plan(store, data_dir, url, amount=D(2)):
    """Binance holds ``amount`` ETH; a plan sends it to the watched address."""
    settings = Profile(data_dir).load_settings()
    account = store.accounts.add("Binance", AccountKind.MANUAL_CUSTODIAL, counterparty="binance")
    store.snapshots.save(Snapshot(None, account.id, utc_now() - timedelta(minutes=5),
                                  SnapshotStatus.OK, (Holding.simple("ETH", amount, price=D(3000)),),
                                  source=SnapshotSource.MANUAL))
    view = open_checklist(store, settings, "binance")
    set_destination(store, view.plan_id, KEY, "Ledger ETH")
    return settings


def _row(store, settings):
    return next(r for r in view_checklist(store, settings, "binance").rows if r.item_key == KEY)


def _soon() -> int:
    return int((utc_now() + timedelta(seconds=5)).timestamp())


def test_native_withdrawal_is_confirmed_with_its_transaction(store, data_dir, emulator_server,
                                                             service, tmp_path):
    rpc = EvmRpcEmulator(chain_id=1)
    url = emulator_server.add(rpc, key="rpc")
    rpc.set_native(HOLDER, 5 * ETH // 10)
    add_watch_account(store, "Ledger ETH", "ethereum", HOLDER, url)
    service.sync().result(60)                        # the balance and its block, recorded
    settings = _plan(store, data_dir, url)
    rpc.mine(300)
    # an unrelated deposit, after the plan, of another amount: not this withdrawal
    rpc.send_native(HOLDER, 3 * ETH // 10, when=_soon())
    rpc.mine(40)
    service.sync().result(60)
    assert not _row(store, settings).done
    rpc.mine(1000)
    txid = rpc.send_native(HOLDER, 2 * ETH - 2 * ETH // 1000, when=_soon())   # 2 ETH less 0.002
    arrived = rpc.block_number
    rpc.mine(7)
    service.sync().result(60)

    row = _row(store, settings)
    assert row.done and row.done_by == "sync"
    w = row.withdrawal
    assert w is not None and w.txid == txid and w.amount == D("1.998") and w.basis is None
    assert int(w.received_at.timestamp()) == rpc.block_times[arrived]
    out = io.StringIO(newline="")
    write_report_to(out, store, settings, "checklist", ReportOptions(scope="binance"))
    [line] = [r for r in csv.DictReader(io.StringIO(out.getvalue())) if r["item"] == KEY]
    assert (line["confirmed_txid"], line["confirmed_amount"], line["confirmed_by"]) == (
        txid, "1.998", "")


def test_pruned_node_confirms_on_the_balance_alone_and_says_so(store, data_dir, emulator_server,
                                                               service, tmp_path, run_cli):
    rpc = EvmRpcEmulator(chain_id=1, state_window=0)   # serves the latest state only
    url = emulator_server.add(rpc, key="rpc")
    rpc.set_native(HOLDER, ETH)
    add_watch_account(store, "Ledger ETH", "ethereum", HOLDER, url)
    service.sync().result(60)
    first_block = rpc.block_number
    settings = _plan(store, data_dir, url)
    rpc.mine(50)
    txid = rpc.send_native(HOLDER, 2 * ETH - ETH // 1000, when=_soon())
    rpc.mine(5)
    service.sync().result(60)

    row = _row(store, settings)
    assert row.done and row.withdrawal is not None
    w = row.withdrawal
    assert w.txid is None and w.amount == D("1.999")
    assert w.basis is not None and f"between blocks {first_block + 1} and {rpc.block_number}" \
        in w.basis and "no transaction id" in w.basis
    assert "the earlier sync was before the plan was made" in w.basis   # said, not hidden
    out = io.StringIO(newline="")
    write_report_to(out, store, settings, "checklist", ReportOptions(scope="binance"))
    [line] = [r for r in csv.DictReader(io.StringIO(out.getvalue())) if r["item"] == KEY]
    assert line["confirmed_txid"] == "" and line["confirmed_by"] == w.basis
    markdown = tmp_path / "plan.md"
    write_checklist_markdown(store, settings, markdown, scope="binance")
    text = markdown.read_text()
    assert "seen in the balance only" in text and txid not in text

    store.close()
    done = run_cli("checklist", "binance", "--json")
    assert done.returncode == 0, done.stderr
    [item] = [i for i in json.loads(done.stdout)["items"] if i["item"] == KEY]
    assert item["confirmation"]["txid"] is None and item["confirmation"]["amount"] == "1.999"
    assert item["confirmation"]["basis"] == w.basis


def test_a_rise_by_another_amount_confirms_nothing(store, data_dir, emulator_server, service):
    rpc = EvmRpcEmulator(chain_id=1, state_window=0)
    url = emulator_server.add(rpc, key="rpc")
    add_watch_account(store, "Ledger ETH", "ethereum", HOLDER, url)
    service.sync().result(60)
    settings = _plan(store, data_dir, url)
    rpc.send_native(HOLDER, 15 * ETH // 10, when=_soon())      # 1.5 ETH, not 2
    service.sync().result(60)
    assert not _row(store, settings).done
    assert _row(store, settings).withdrawal.confirmed is False


def test_the_same_amount_before_the_plan_is_not_the_withdrawal(store, data_dir, emulator_server,
                                                                service):
    rpc = EvmRpcEmulator(chain_id=1)
    url = emulator_server.add(rpc, key="rpc")
    add_watch_account(store, "Ledger ETH", "ethereum", HOLDER, url)
    service.sync().result(60)
    rpc.mine(20)
    # 2 ETH arrived three days ago (after the last sync's block): an earlier deposit
    old = rpc.send_native(HOLDER, 2 * ETH, when=int((utc_now() - timedelta(days=3)).timestamp()))
    settings = _plan(store, data_dir, url)
    rpc.mine(20)
    service.sync().result(60)
    assert not _row(store, settings).done
    rpc.mine(20)
    new = rpc.send_native(HOLDER, 2 * ETH - ETH // 1000, when=_soon())
    service.sync().result(60)
    w = _row(store, settings).withdrawal
    assert w is not None and w.txid == new != old


def _read(url, ledger, expected):
    async def main():
        pool = ChainPool(request_timeout=5)
        try:
            return await read_target(pool, parse_watch_input("ethereum", HOLDER), url, utc_now(),
                                     want_receipts=True, ledger=ledger, expected=expected)
        finally:
            await pool.close()
    return asyncio.run(main())


def _expect(amount: str) -> ExpectedArrival:
    return ExpectedArrival(HOLDER, D(amount), D("0.01"), utc_now() - timedelta(hours=1))


def test_bisection_is_bounded_over_a_long_range(emulator_server):
    rpc = EvmRpcEmulator(chain_id=1)
    url = emulator_server.add(rpc, key="rpc")
    earlier = rpc.block_number - 1_000_000           # the last sync, a million blocks back
    txid = rpc.send_native(HOLDER, ETH, when=_soon())
    rpc.mine(3)
    ledger = NativeLedger(BalanceObservation(earlier, 0, utc_now() - timedelta(days=140)))
    result = _read(url, ledger, [_expect("1")])
    [receipt] = [r for r in result.receipts if r.asset == "ETH"]
    assert (receipt.txid, receipt.amount) == (txid, D(1))
    posts = sum(1 for method, _path in rpc.requests if method == "POST")
    assert posts <= 35          # balance batch, token logs, observation, ~20 probes, the block
    assert result.ledger is not None and result.ledger.last.block == rpc.block_number


def test_coins_through_a_contract_name_the_block_without_a_txid(emulator_server):
    rpc = EvmRpcEmulator(chain_id=1)
    url = emulator_server.add(rpc, key="rpc")
    start = rpc.block_number
    rpc.mine(10)
    rpc.send_native(HOLDER, 3 * ETH, when=_soon(), internal=True)
    block = rpc.block_number
    result = _read(url, NativeLedger(BalanceObservation(start, 0, utc_now())), [_expect("3")])
    assert not [r for r in result.receipts if r.asset == "ETH"]
    [rise] = result.ledger.rises
    assert (rise.first_block, rise.last_block, rise.amount) == (block, block, D(3))
    assert f"in block {block}" in rise.describe() and "no transaction id" in rise.describe()


def test_a_busy_block_over_two_mib_is_read_whole(emulator_server):
    rpc = EvmRpcEmulator(chain_id=1)
    url = emulator_server.add(rpc, key="rpc")
    start = rpc.block_number
    rpc.mine(10)
    txid = rpc.send_native(HOLDER, 2 * ETH, when=_soon())
    rpc.crowd_block(rpc.block_number, 300, 4096)     # about 2.4 MiB of call data as hex
    rpc.mine(2)
    result = _read(url, NativeLedger(BalanceObservation(start, 0, utc_now())), [_expect("2")])
    assert [r.txid for r in result.receipts if r.asset == "ETH"] == [txid]
    assert result.ledger is not None and result.ledger.last.block == rpc.block_number


def test_a_block_too_large_even_so_ends_in_a_stored_reason(emulator_server, monkeypatch):
    from exposure_app.chains import evm_native

    # the rule at a smaller cap, so the test need not build answers of 20 MiB
    monkeypatch.setattr(evm_native, "FULL_BLOCK_BYTES", 3 * 1024 * 1024)
    rpc = EvmRpcEmulator(chain_id=1)
    url = emulator_server.add(rpc, key="rpc")
    start = rpc.block_number
    rpc.mine(10)
    rpc.send_native(HOLDER, 2 * ETH, when=_soon())
    block = rpc.block_number
    rpc.crowd_block(block, 500, 4096)                 # about 4 MiB as hex
    rpc.mine(2)
    result = _read(url, NativeLedger(BalanceObservation(start, 0, utc_now())), [_expect("2")])
    assert not [r for r in result.receipts if r.asset == "ETH"]
    assert result.ledger is not None and result.ledger.last.block == rpc.block_number
    [rise] = result.ledger.rises
    assert (rise.first_block, rise.last_block, rise.amount) == (block, block, D(2))
    assert int(rise.at.timestamp()) == rpc.block_times[block]
    assert "larger than 3 MiB" in rise.unread
    text = rise.describe()
    assert f"in block {block}" in text and "could not be read" in text
    assert "internal transfer" not in text
    # kept with the ledger, which has moved past the block: the next sync starts after it
    assert evm_native.ledger_of(json.loads(json.dumps(result.ledger.to_facts({})))) \
        == result.ledger
    rpc.mine(1)
    again = _read(url, result.ledger, [_expect("2")])
    assert again.ledger is not None and again.ledger.rises == result.ledger.rises
    assert again.ledger.last.block == rpc.block_number


def test_first_read_looks_back_when_the_server_keeps_past_state(emulator_server):
    rpc = EvmRpcEmulator(chain_id=1)
    url = emulator_server.add(rpc, key="rpc")
    rpc.mine(100)
    txid = rpc.send_native(HOLDER, ETH, when=_soon())
    found = _read(url, None, [_expect("1")])
    assert [r.txid for r in found.receipts if r.asset == "ETH"] == [txid]
    pruned = EvmRpcEmulator(chain_id=1, state_window=0)
    pruned_url = emulator_server.add(pruned, key="pruned")
    pruned.send_native(HOLDER, ETH, when=_soon())
    nothing = _read(pruned_url, None, [_expect("1")])   # no baseline: nothing claimed
    assert not nothing.receipts and nothing.ledger.rises == ()
    assert nothing.ledger.last.wei == ETH


def test_the_stored_ledger_round_trips_and_malformed_facts_read_as_empty():
    from exposure_app.chains.evm_native import ledger_of
    from exposure_app.domain.withdrawal_confirmation import BalanceRise

    now = utc_now().replace(microsecond=0)
    rise = BalanceRise(HOLDER, "ETH", D("1.5"), now, 10, 20, now - timedelta(hours=1))
    ledger = NativeLedger().advanced(BalanceObservation(20, 3 * ETH, now), [rise])
    facts = ledger.to_facts({"other": 1})
    assert facts["other"] == 1 and ledger_of(json.loads(json.dumps(facts))) == ledger
    for bad in ({"native_ledger": {"last": {"block": -5, "wei": "1", "at": "x"}}},
                {"native_ledger": {"rises": "many"}},
                {"native_ledger": {"last": {"block": 1, "wei": str(2 ** 300), "at": "x"}}},
                {"native_ledger": []}):
        assert ledger_of(bad) == NativeLedger()
