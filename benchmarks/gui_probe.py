"""Child process for the start-up and memory benchmarks.

``python -m benchmarks.gui_probe app DIR`` runs the desktop app's real entry
point, ``exposure-app --data-dir DIR`` (``exposure_app.main.main``: options,
Ctrl+C handling, the profile locked, the window's shell built and shown by
``ui.app.show_profile_window``, the store opened just after its first frame),
with marks attached to the window it shows, and prints:

* ``shown`` (then ``cpu S``, the CPU seconds used so far) the moment the
  window's first frame has been painted: what the user sees then is the whole
  window (title, navigation with the page names, menus, toolbar, status bar)
  with the page area saying "Opening the profile…", and its actions that need
  the store still disabled. No figure is on screen yet.
* ``store open`` once the store has been checked, opened and migrated (logins
  moved to the keyring) and the window's actions enabled;
* ``figures`` once the first figures have been read and handed to the page on
  screen: when there are numbers to read.

With ``--sync`` it then syncs every exchange account of the profile through the
window's sync controller (the account is added, on an in-process emulator,
before the window is built), waits for the price update the sync starts (asked
of the same emulator) and prints the peak RSS in kB.

The yardsticks print ``shown`` at the same moment, their first frame painted:
``bare`` is a QMainWindow holding one pyqtgraph plot (the floor any Qt +
pyqtgraph app pays), ``plain`` an empty QMainWindow alone (the floor of any Qt
window, the yardstick now that the app no longer loads pyqtgraph at start).
"""

from __future__ import annotations

import resource
import sys
import time


def _peak_rss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _print_shown() -> None:
    """``shown``, then the CPU seconds this process used until then (``cpu S``: user +
    system, from the process CPU clock, finer than the 10 ms ticks of ``os.times``)."""
    cpu = time.process_time()
    print("shown", flush=True)
    print(f"cpu {cpu:.4f}", flush=True)


def main(argv: list[str]) -> int:
    mode = argv[0]
    if mode in ("bare", "plain"):
        return _yardstick(mode)
    sync = "--sync" in argv
    server = None
    import exposure_app.ui.app as app_module

    original = app_module.show_profile_window

    def show_profile_window(profile, **kwargs):
        """The app's own, with the probe's marks attached to the window it shows."""
        nonlocal server
        if sync:
            kwargs["secret_store"], server = _emulated_exchange_account(profile)
        window = original(profile, **kwargs)
        if window is not None:
            _attach_marks(window, sync)
        return window

    app_module.show_profile_window = show_profile_window
    from exposure_app.main import main as app_main

    try:   # the real entry point, as `exposure-app --data-dir DIR` runs it
        return app_main(["--data-dir", argv[1]])
    finally:
        if server is not None:
            server.stop()


def _attach_marks(window, sync: bool) -> None:
    """``shown`` at the first frame, ``store open``, ``figures``; then quit (or sync first)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    # the store opens in a zero-timer queued when the first frame is painted: after this
    window.first_frame.connect(_print_shown)

    def opened() -> None:
        print("store open", flush=True)
        window.state.refreshed.connect(figures)

    def figures(_data) -> None:
        window.state.refreshed.disconnect(figures)
        print("figures", flush=True)
        if not sync:
            print(f"rss {_peak_rss_kb()}", flush=True)
            QApplication.quit()
            return
        QTimer.singleShot(0, start_sync)

    def start_sync() -> None:
        window.sync.sync_all()
        poll()

    def poll() -> None:
        # the sync, then the price update it starts for the hand-recorded holdings
        if window.sync.is_running or window.sync.prices_running:
            QTimer.singleShot(100, poll)
            return
        QApplication.processEvents()
        print(f"rss {_peak_rss_kb()}", flush=True)
        QApplication.quit()

    window.opened.connect(opened)


def _yardstick(mode: str) -> int:
    """An empty QMainWindow (``plain``) or one with a pyqtgraph plot (``bare``), to its first frame."""
    from PySide6.QtCore import QEvent, QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    class Window(QMainWindow):
        painted = False

        def event(self, event: QEvent) -> bool:
            handled = super().event(event)
            if event.type() == QEvent.Type.UpdateRequest and not self.painted:
                self.painted = True   # the first frame, as the app's window sees it
                _print_shown()
                QTimer.singleShot(0, done)
            return handled

    app = QApplication([sys.argv[0]])
    window = Window()
    if mode == "bare":
        import pyqtgraph as pg

        window.setCentralWidget(pg.PlotWidget())
    window.resize(1280, 820)
    window.show()

    def done() -> None:
        print(f"rss {_peak_rss_kb()}", flush=True)
        app.quit()

    return app.exec()


def _emulated_exchange_account(profile):
    """A Binance account on an in-process emulator, its key in a memory keyring.

    The profile's settings send everything the sync starts to loopback: the price
    update after the sync asks the same emulator (``price_sources``), and the public
    reserve data, which has no emulator here, is switched off. A benchmark that
    reached for public services would time out here and measure the wait.
    """
    from exposure_app.emulator.base import EmulatorServer
    from exposure_app.emulator.registry import emulator_class
    from exposure_app.exchanges.client_factory import ConnectionOptions
    from exposure_app.services.exchange_accounts import create_exchange_account
    from exposure_app.services.settings import Settings
    from exposure_app.storage.secrets import SecretStore, memory_keyring

    secrets = SecretStore(memory_keyring())
    server = EmulatorServer()
    emulator = emulator_class("binance").sample()
    server.add(emulator)
    settings = Settings.load(profile.data_dir)
    settings.set("price_sources", f"binance={emulator.base_url}")
    settings.set("outflow_signals_enabled", False)
    settings.save()
    with profile.open_store() as store:
        for account in store.accounts.list():
            if account.name == "Benchmark Binance":
                store.accounts.remove(account.id)
        create_exchange_account(
            store, secrets, name="Benchmark Binance", exchange_id="binance",
            credentials=emulator.account.credentials(),
            connection=ConnectionOptions(api_url=emulator.base_url),
        )
    return secrets, server


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
