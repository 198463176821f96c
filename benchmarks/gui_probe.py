"""Child process for the start-up and memory benchmarks.

``python -m benchmarks.gui_probe app DIR`` starts the real GUI start-up path
(application, main window built from the profile, shown) and prints
``shown`` once the event loop runs with the window shown (its first frame
is painted next), then ``figures`` once the window has read the profile's
figures and handed them to the page on screen (the window reads them just
after its first frame); with ``--sync`` it then
syncs every exchange account of the profile through the window's sync
controller and prints the peak RSS in kB. ``bare`` does the same with a
plain QMainWindow holding one pyqtgraph plot: the floor any Qt + pyqtgraph
app pays. ``plain`` is an empty QMainWindow alone: the floor of any Qt
window, the yardstick now that the app no longer loads pyqtgraph at start.
"""

from __future__ import annotations

import os
import resource
import sys


def _peak_rss_kb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _print_shown() -> None:
    """``shown``, then the CPU seconds this process used until then (``cpu S``)."""
    times = os.times()
    print("shown", flush=True)
    print(f"cpu {times.user + times.system:.3f}", flush=True)


def main(argv: list[str]) -> int:
    mode = argv[0]
    from PySide6.QtCore import QTimer

    if mode in ("bare", "plain"):
        from PySide6.QtWidgets import QApplication, QMainWindow

        app = QApplication([sys.argv[0]])
        window = QMainWindow()
        if mode == "bare":
            import pyqtgraph as pg

            window.setCentralWidget(pg.PlotWidget())
        window.resize(1280, 820)
        window.show()

        def done() -> None:
            _print_shown()
            print(f"rss {_peak_rss_kb()}", flush=True)
            app.quit()

        QTimer.singleShot(0, done)
        return app.exec()

    import gc

    gc.disable()   # as exposure_app.main does before the GUI's imports
    from exposure_app.services.profile import Profile
    from exposure_app.ui.app import build_window, create_application, settle_heap

    app = create_application()
    profile = Profile.resolve(argv[1])
    profile.lock.acquire()
    sync = "--sync" in argv
    secret_store = server = None
    if sync:
        secret_store, server = _emulated_exchange_account(profile)
    window = build_window(profile, secret_store=secret_store, tray=False)
    figures_read: list[bool] = []
    window.state.refreshed.connect(lambda _data: figures_read.append(True))
    window.show()
    settle_heap()

    def shown() -> None:
        _print_shown()
        wait_for_figures()

    def wait_for_figures() -> None:
        if not figures_read:   # the page on screen has not had the figures yet
            QTimer.singleShot(0, wait_for_figures)
            return
        print("figures", flush=True)
        if not sync:
            print(f"rss {_peak_rss_kb()}", flush=True)
            app.quit()
            return
        window.sync.sync_all()
        poll()

    def poll() -> None:
        if window.sync.is_running:
            QTimer.singleShot(100, poll)
            return
        app.processEvents()
        print(f"rss {_peak_rss_kb()}", flush=True)
        app.quit()

    QTimer.singleShot(0, shown)
    try:
        return app.exec()
    finally:
        window.shutdown()
        profile.lock.release()
        if server is not None:
            server.stop()


def _emulated_exchange_account(profile):
    """A Binance account on an in-process emulator, its key in a memory keyring."""
    from exposure_app.emulator.base import EmulatorServer
    from exposure_app.emulator.registry import emulator_class
    from exposure_app.exchanges.client_factory import ConnectionOptions
    from exposure_app.services.exchange_accounts import create_exchange_account
    from exposure_app.storage.secrets import SecretStore, memory_keyring

    secrets = SecretStore(memory_keyring())
    server = EmulatorServer()
    emulator = emulator_class("binance").sample()
    server.add(emulator)
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
