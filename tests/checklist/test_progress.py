"""Ticks and notes survive a restart; a sync that shows an asset gone closes its item."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from exposure_app.domain.models import SnapshotSource
from exposure_app.services.checklist_service import (
    ChecklistError,
    close_moved_items,
    open_checklist,
    set_item,
    start_over,
    view_checklist,
)
from exposure_app.services.exposure_as_of import exposure_as_of
from exposure_app.services.settings import Settings
from exposure_app.storage.store import ProfileStore
from tests.checklist.helpers import BINANCE_HOLDINGS, T1, populate, snapshot

T2 = T1 + timedelta(days=1)


def row(view, key):
    return next(r for r in view.rows if r.item_key == key)


def test_ticks_and_notes_survive_a_restart(data_dir):
    store = ProfileStore.open(data_dir)
    populate(store)
    view = open_checklist(store, Settings(), "binance", now=T1, levels={})
    set_item(store, view.plan_id, "step:wallet", done=True, now=T1)
    set_item(store, view.plan_id, "asset:binance:XRP", done=True, note="tx 0xdeadbeef", now=T1)
    set_item(store, view.plan_id, "asset:binance:ETH", note="unlocks in January", now=T1)
    store.close()

    reopened = ProfileStore.open(data_dir)
    try:
        again = open_checklist(reopened, Settings(), "binance", now=T1, levels={})
        assert again.plan_id == view.plan_id                 # the same plan, not a new one
        assert row(again, "step:wallet").done and row(again, "step:wallet").done_by == "user"
        xrp = row(again, "asset:binance:XRP")
        assert xrp.done and xrp.note == "tx 0xdeadbeef" and xrp.done_at == T1
        eth = row(again, "asset:binance:ETH")
        assert not eth.done and eth.note == "unlocks in January"
        # read-only view sees the same progress
        assert row(view_checklist(reopened, Settings(), "binance", as_of=T1, levels={}),
                   "asset:binance:XRP").note == "tx 0xdeadbeef"
        # unticking keeps the note
        set_item(reopened, again.plan_id, "asset:binance:XRP", done=False, now=T1)
        xrp = row(view_checklist(reopened, Settings(), "binance", as_of=T1, levels={}),
                  "asset:binance:XRP")
        assert not xrp.done and xrp.done_at is None and xrp.note == "tx 0xdeadbeef"
    finally:
        reopened.close()


def test_unknown_item_and_long_note_are_refused(store):
    populate(store)
    view = open_checklist(store, Settings(), "binance", now=T1, levels={})
    with pytest.raises(ChecklistError, match="no item"):
        set_item(store, view.plan_id, "asset:binance:NOPE", done=True)
    with pytest.raises(ChecklistError, match="2000"):
        set_item(store, view.plan_id, "step:wallet", note="x" * 2001)
    with pytest.raises(ChecklistError):
        open_checklist(store, Settings(), "   ", now=T1, levels={})


def test_a_sync_without_the_asset_closes_its_item_and_exposure_drops(data_dir):
    store = ProfileStore.open(data_dir)
    ids = populate(store)
    settings = Settings()
    view = open_checklist(store, settings, "binance", now=T1, levels={})
    before = exposure_as_of(store, settings, T1).counterparty("binance").direct
    # the assets at Binance plus the BNB held in the Ledger (affiliated: still exposed)
    assert view.remaining_value == Decimal("53650.2") + Decimal("1200")
    store.close()

    # the next sync: BTC withdrawn (gone from every wallet), the rest unchanged
    store = ProfileStore.open(data_dir)
    kept = [h for h in BINANCE_HOLDINGS if h.asset != "BTC"]
    store.snapshots.save(snapshot(ids["binance"], kept, taken_at=T2))
    changed = close_moved_items(store, now=T2)
    assert changed == [(view.plan_id, "asset:binance:BTC")]

    after = open_checklist(store, settings, "binance", now=T2, levels={})
    btc = row(after, "asset:binance:BTC")
    assert btc.done and btc.done_by == "sync" and not btc.listed     # kept, shown as moved
    assert not row(after, "asset:binance:XRP").done
    direct = exposure_as_of(store, settings, T2).counterparty("binance").direct
    assert before - direct == Decimal("36000")                       # exposure drops by BTC
    assert after.remaining_value == view.remaining_value - Decimal("36000")
    store.close()


def test_a_failed_sync_closes_nothing_and_a_returning_asset_reopens(store):
    ids = populate(store)
    view = open_checklist(store, Settings(), "binance", now=T1, levels={})
    store.snapshots.record_failure(ids["binance"], T2, "timeout", SnapshotSource.SYNC)
    assert close_moved_items(store, now=T2) == []                    # last good still has it

    kept = [h for h in BINANCE_HOLDINGS if h.asset != "XRP"]
    store.snapshots.save(snapshot(ids["binance"], kept, taken_at=T2 + timedelta(hours=1)))
    assert close_moved_items(store, now=T2 + timedelta(hours=1)) == [
        (view.plan_id, "asset:binance:XRP")]
    # XRP deposited again: the sync-made tick is undone; a user tick would stay
    store.snapshots.save(snapshot(ids["binance"], BINANCE_HOLDINGS, taken_at=T2 + timedelta(hours=2)))
    assert close_moved_items(store, now=T2 + timedelta(hours=2)) == [
        (view.plan_id, "asset:binance:XRP")]
    assert not row(view_checklist(store, Settings(), "binance", as_of=T2 + timedelta(hours=2),
                                  levels={}), "asset:binance:XRP").done


def test_affiliated_item_closes_when_the_token_is_no_longer_held_elsewhere(store):
    ids = populate(store)
    view = open_checklist(store, Settings(), "binance", now=T1, levels={})
    from tests.checklist.helpers import h

    store.snapshots.save(snapshot(ids["ledger"], [h("main", "BTC", "1", price="60000")], taken_at=T2))
    assert (view.plan_id, "affiliated:binance:BNB") in close_moved_items(store, now=T2)


def test_start_over_archives_the_plan_and_its_ticks(store):
    populate(store)
    first = open_checklist(store, Settings(), "binance", now=T1, levels={})
    set_item(store, first.plan_id, "step:wallet", done=True, now=T1)
    assert start_over(store, "binance")
    fresh = open_checklist(store, Settings(), "binance", now=T1, levels={})
    assert fresh.plan_id != first.plan_id and fresh.done_count == 0
    assert not start_over(store, "kraken")                 # no plan yet: nothing archived
