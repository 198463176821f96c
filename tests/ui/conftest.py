"""Fixtures for the GUI tests (pytest-qt, ``QT_QPA_PLATFORM=offscreen``).

* ``no_leaks`` (autouse, napari style): fails a test that leaves a thread it
  started (the sync loop, emulators, key tests), a ``QTimer`` it started, or
  the global ``QThreadPool`` busy, once its widgets are closed.
* ``make_window(data_dir, size=None, page=None)``: a shown :class:`MainWindow` on
  that profile (at that size, on that page), its first figures read, closed (sync
  thread joined) at teardown.
* ``binance_emulator``: a sample Binance emulator served by ``emulators``.
* ``emulators``: the suite's ``emulator_server`` (``tests/conftest.py``), as the GUI
  tests name it; ``memory_keyring`` and ``secret_store`` are the suite's too.
"""

from __future__ import annotations

import threading
import weakref

import pytest


def find_leaks(before: set, started: list, *, join_timeout: float = 5) -> list[str]:
    """What a test left running: new threads, started QTimers still active, pool work."""
    from PySide6.QtCore import QThreadPool

    problems = []
    for thread in set(threading.enumerate()) - before:
        thread.join(timeout=join_timeout)
        if thread.is_alive():
            problems.append(f"thread {thread.name!r} still running")
    for ref, _name in started:
        timer = ref()
        try:
            if timer is not None and timer.isActive():
                problems.append(f"timer {timer.objectName() or timer!r} still active")
                timer.stop()
        except RuntimeError:   # the C++ timer is already deleted: fine
            pass
    if QThreadPool.globalInstance().activeThreadCount():
        problems.append("QThreadPool work still running")
    return problems


@pytest.fixture(autouse=True)
def no_leaks(request, monkeypatch):
    """Fail the test if it leaves threads, timers or thread-pool work running."""
    from PySide6.QtCore import QTimer

    before = set(threading.enumerate())
    started: list[tuple[weakref.ref, str]] = []
    original_start = QTimer.start

    def recording_start(self, *args):
        started.append((weakref.ref(self), request.node.name))
        return original_start(self, *args)

    monkeypatch.setattr(QTimer, "start", recording_start)
    yield
    monkeypatch.setattr(QTimer, "start", original_start)
    problems = find_leaks(before, started)
    assert not problems, "the test left work running: " + "; ".join(problems)


@pytest.fixture
def make_window(qtbot, secret_store):
    from PySide6.QtWidgets import QApplication

    from exposure_app.services.profile import Profile
    from exposure_app.ui.main_window import MainWindow

    windows = []

    def make(data_dir, *, size=None, page=None, **kwargs):
        window = MainWindow(Profile(data_dir), secret_store=secret_store, **kwargs)
        qtbot.addWidget(window)
        if size is not None:
            window.resize(*size)
        window.show()
        qtbot.waitExposed(window)
        window.activateWindow()   # shortcuts need the active window
        # the first figures are read just after the first frame
        qtbot.waitUntil(lambda: window.stack.currentWidget() is not window.reading)
        QApplication.processEvents()
        if page is not None:
            window.show_page(page)
        windows.append(window)
        return window

    yield make
    for window in windows:
        window.close()


@pytest.fixture
def emulators(emulator_server):
    return emulator_server


@pytest.fixture
def binance_emulator(emulators):
    from exposure_app.emulator.registry import emulator_class

    emulator = emulator_class("binance").sample()
    emulators.add(emulator)
    return emulator
