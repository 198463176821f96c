"""Add a wallet by hand, edit its holdings, import a CSV with a bad line (rejected, with
the report, nothing written), then a good one."""

from __future__ import annotations

from decimal import Decimal

from exposure_app.domain.models import AccountKind


def _add_wallet(qtbot, window, name="Cold storage"):
    dialog = window.accounts.add_manual()
    dialog.name.setText(name)
    dialog.self_custody.setChecked(True)
    with qtbot.waitSignal(dialog.accepted):
        dialog.buttons.accepted.emit()
    return dialog.account


def test_add_a_wallet_and_set_its_holdings(qtbot, make_window, data_dir):
    window = make_window(data_dir)
    account = _add_wallet(qtbot, window)
    assert account.kind is AccountKind.SELF_CUSTODY
    editor = window.accounts.edit_holdings()   # the new wallet is selected
    assert editor is not None and editor.account.id == account.id
    editor.asset.setText("btc")
    editor.amount.setText("0.75")
    editor.price.setText("60000")
    assert editor.apply()
    editor.asset.setText("DOGE")
    editor.amount.setText("100")
    editor.value.setText("oops")
    assert not editor.apply()
    assert "value" in editor.error.text()
    assert editor.table.rowCount() == 1 and editor.table.item(0, 0).text() == "BTC"
    editor.accept()
    window.state.refresh_now()
    report = window.state.data.report
    assert report.self_custody.value == Decimal("45000")
    assert window.overview.net_worth.value.text() == "45,000.00 USD"


def _save_custodial(window, name: str, custodian_typed: str):
    """The Add manual account dialog, saved as a custodial account with ``custodian_typed``."""
    dialog = window.accounts.add_manual()
    dialog.name.setText(name)
    dialog.custodial.setChecked(True)
    dialog.counterparty.setCurrentText(custodian_typed)
    dialog.save()
    return dialog


def test_a_custodian_needs_a_custodian(qtbot, make_window, data_dir):
    dialog = _save_custodial(make_window(data_dir), "Celsius", "")
    assert "custodian" in dialog.error.text() and dialog.account is None
    dialog.counterparty.setCurrentIndex(dialog.counterparty.findData("celsius"))
    dialog.save()
    assert dialog.account is not None and dialog.account.counterparty == "celsius"


def test_csv_import_with_a_bad_line_is_rejected_with_a_report(qtbot, make_window, data_dir,
                                                              tmp_path):
    window = make_window(data_dir)
    _add_wallet(qtbot, window, "Ledger")
    bad = tmp_path / "bad.csv"
    bad.write_text("account,asset,amount,date,price\n"
                   "Ledger,BTC,0.5,2024-01-02,42000\n"
                   "Ledger,ETH,lots,2024-01-02,2300\n"
                   "Nobody,SOL,3,2024-01-02,100\n", encoding="utf-8")
    store = window.state.store
    before = store.db.execute("SELECT count(*) FROM snapshots").fetchone()[0]
    dialog = window.accounts.import_csv()
    dialog.path.setText(str(bad))
    assert not dialog.check(str(bad))
    assert not dialog.import_button.isEnabled()
    report = dialog.report.toPlainText()
    assert "line 3" in report and "lots" in report
    assert "line 4" in report and "Nobody" in report
    assert dialog.report.isVisibleTo(dialog)
    assert "Nothing was imported" in dialog.summary.text()
    assert store.db.execute("SELECT count(*) FROM snapshots").fetchone()[0] == before

    good = tmp_path / "good.csv"
    good.write_text("account,asset,amount,date,price\n"
                    "Ledger,BTC,0.5,2024-01-02,42000\n"
                    "Ledger,ETH,2,2024-01-02,2300\n", encoding="utf-8")
    dialog.path.setText(str(good))
    assert dialog.check(str(good))
    assert dialog.import_button.isEnabled()
    with qtbot.waitSignal(dialog.accepted):
        dialog.import_button.click()
    assert dialog.import_result.snapshots_written == 1 and dialog.import_result.rows == 2
    assert store.db.execute("SELECT count(*) FROM snapshots").fetchone()[0] == before + 1
    assert any("Imported 1 snapshot" in m for m in window.banner.messages())


def test_an_unknown_custodian_is_refused_with_the_closest_one(qtbot, make_window, data_dir):
    window = make_window(data_dir)
    dialog = _save_custodial(window, "Savings", "celsus")
    assert "did you mean celsius?" in dialog.error.text() and dialog.account is None
    dialog.new_custodian.setChecked(True)
    dialog.save()
    assert dialog.account is not None and dialog.account.counterparty == "celsus"
