"""The leak check behind the ``no_leaks`` fixture reports what a test leaves running."""

from __future__ import annotations

import threading
import weakref

from PySide6.QtCore import QTimer

from tests.ui.conftest import find_leaks


def test_a_running_thread_and_an_active_timer_are_reported(qtbot):
    before = set(threading.enumerate())
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, name="left-behind", daemon=True)
    thread.start()
    timer = QTimer()
    timer.setObjectName("left-ticking")
    timer.start(1000)
    try:
        problems = find_leaks(before, [(weakref.ref(timer), "t")], join_timeout=0.05)
        assert any("left-behind" in p for p in problems)
        assert any("left-ticking" in p for p in problems)
        assert not timer.isActive(), "the check stops the timer it reports"
    finally:
        stop.set()
        thread.join()
    assert find_leaks(before, [(weakref.ref(timer), "t")], join_timeout=0.05) == []
