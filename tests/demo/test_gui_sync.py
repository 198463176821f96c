"""In the demo window, "Sync all" reads the emulated exchanges and the watched wallet
through the real path."""

from __future__ import annotations

from keyring import core as keyring_core

from exposure_app.domain.models import AccountKind, SnapshotSource
from exposure_app.domain.watch_only import is_watch_only
from exposure_app.services.demo import start_demo_session
from exposure_app.services.sync_events import AccountSyncStatus

from .tripwire_keyring import TripwireKeyring


def test_sync_all_in_the_demo_window(qtbot, tmp_path, monkeypatch):
    from exposure_app.ui.app import build_window

    tripwire = TripwireKeyring()
    monkeypatch.setattr(keyring_core, "_keyring_backend", tripwire)
    session = start_demo_session(exchanges=("binance", "okx", "bybit"), temp_root=tmp_path)
    try:
        window = build_window(session.profile, secret_store=session.secret_store, tray=False)
        qtbot.addWidget(window)
        try:
            window.show()
            controller = window.sync
            # wait for the run-finished event to reach the window, not just the service
            with qtbot.waitSignal(controller.running_changed, timeout=90_000,
                                  check_params_cb=lambda running: not running):
                assert controller.sync_all()
            qtbot.wait(200)  # let the queued refresh of the pages run before shutting down
            results = controller.last_results
            store = window.state.store
            exchange_ids = {a.id for a in store.accounts.list()
                            if a.kind is AccountKind.EXCHANGE_API or is_watch_only(a)}
            assert session.account_ids["watch-only"] in exchange_ids   # the watched wallet too
            assert set(results) == exchange_ids
            assert all(r.status is AccountSyncStatus.OK for r in results.values()), results
            for account_id in exchange_ids:
                latest = store.snapshots.list_for_account(account_id, limit=1)[0]
                assert latest.source is SnapshotSource.SYNC
        finally:
            window.shutdown()
            window.error_reporter.uninstall()
    finally:
        session.close()
    assert tripwire.calls == []
    assert keyring_core._keyring_backend is tripwire
