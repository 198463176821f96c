"""The import dialog refuses other holdings for a date already recorded, until Replace is ticked."""

from __future__ import annotations

from tests.ui.test_manual_flow import _add_wallet


def test_import_dialog_refuses_then_replaces(qtbot, make_window, data_dir, tmp_path):
    window = make_window(data_dir)
    _add_wallet(qtbot, window, "Ledger")
    store = window.state.store
    first = tmp_path / "a.csv"
    first.write_text("account,asset,amount,date,price\nLedger,BTC,0.5,2024-01-02,42000\n",
                     encoding="utf-8")
    second = tmp_path / "b.csv"
    second.write_text("account,asset,amount,date,price\nLedger,ETH,2,2024-01-02,2300\n",
                      encoding="utf-8")
    dialog = window.accounts.import_csv()
    dialog.path.setText(str(first))
    assert dialog.check(str(first))
    with qtbot.waitSignal(dialog.accepted):
        dialog.import_button.click()

    dialog = window.accounts.import_csv()
    dialog.path.setText(str(second))
    assert dialog.check(str(second))
    dialog.import_button.click()
    assert dialog.import_result is None and "line 2" in dialog.report.toPlainText()
    assert store.db.execute("SELECT count(*) FROM snapshots").fetchone()[0] == 1
    assert dialog.import_button.isEnabled()
    dialog.replace.setChecked(True)
    with qtbot.waitSignal(dialog.accepted):
        dialog.import_button.click()
    assert dialog.import_result.snapshots_written == 1
    rows = store.db.execute("SELECT h.asset FROM holdings h JOIN snapshots s "
                            "ON s.id = h.snapshot_id").fetchall()
    assert rows == [("ETH",)]
