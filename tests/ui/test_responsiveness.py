"""The window never freezes: a GUI-thread timer keeps ticking while accounts sync
against slow emulators (and the views refresh).

The goal is no gap above 100 ms, and the test prints the worst gap it saw. It fails
only above a freeze bound (MAX_GAP) that the suite's parallel workers on a 2-core
machine cannot reach by scheduling alone, while a network call made on the GUI
thread (several 120 ms round trips back to back) still does."""

from __future__ import annotations

import itertools
import sys
import time

import pytest
from PySide6.QtCore import QTimer

from exposure_app.emulator.registry import emulator_class
from exposure_app.exchanges.client_factory import ConnectionOptions
from exposure_app.services.exchange_accounts import create_exchange_account
from exposure_app.storage.store import ProfileStore
from exposure_app.ui.app import settle_heap

MAX_GAP = 0.300
EXCHANGES = ("binance", "okx", "kraken")


@pytest.mark.slow
def test_the_gui_thread_keeps_ticking_while_syncing_slow_exchanges(qtbot, make_window, data_dir,
                                                         emulators, secret_store):
    store = ProfileStore.open(data_dir)
    try:
        for exchange_id in EXCHANGES:
            emulator = emulator_class(exchange_id).sample(latency=0.12)
            emulators.add(emulator)
            create_exchange_account(
                store, secret_store, name=f"{exchange_id} main", exchange_id=exchange_id,
                credentials=emulator.account.credentials(),
                connection=ConnectionOptions(api_url=emulator.base_url, timeout_seconds=20))
    finally:
        store.close()
    window = make_window(data_dir)
    settle_heap()   # as the app does once its window is shown
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    try:
        qtbot.wait(100)
        started = time.perf_counter()
        with qtbot.waitSignal(window.sync.bridge.run_finished, timeout=120000) as finished:
            assert window.sync.sync_all()
        qtbot.wait(400)            # the coalesced refresh after the run
        ended = time.perf_counter()
    finally:
        timer.stop()
    report = finished.args[0].report
    assert sorted(r.status.value for r in report.results) == ["ok"] * len(EXCHANGES)
    assert ended - started > 0.5, "the emulators' latency makes the sync take a while"
    assert "ccxt" in sys.modules
    window_ticks = [t for t in ticks if started <= t <= ended]
    gaps = [b - a for a, b in itertools.pairwise(window_ticks)]
    worst = max(gaps)
    print(f"\n{len(window_ticks)} ticks over {ended - started:.2f} s, worst gap "
          f"{worst * 1000:.1f} ms")
    assert worst <= MAX_GAP, f"the GUI thread stalled for {worst * 1000:.0f} ms"
    assert len(window.state.data.report.counterparties) == len(EXCHANGES)


def test_settling_the_heap_turns_collection_back_on():
    import gc

    gc.disable()   # as exposure_app.main does while the window is built
    try:
        settle_heap()
        assert gc.isenabled()
        assert gc.get_freeze_count() > 0
    finally:
        gc.enable()
