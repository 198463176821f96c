"""Trust in daily use: a failed key test never saves silently, and what the GUI shows adds up."""

from __future__ import annotations

import socket

import pytest

from tests.ui.add_exchange_steps import open_add_exchange


def _closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.mark.slow
def test_a_failed_key_test_keeps_the_dialog_open_until_corrected_or_saved_anyway(
        qtbot, make_window, data_dir, binance_emulator, memory_keyring):
    emulator = binance_emulator
    window = make_window(data_dir)
    dialog = open_add_exchange(qtbot, window, emulator)
    dialog.api_url.setText(_closed_port_url())
    dialog.timeout.setValue(3)
    dialog.name.setText("Binance main")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: dialog.check is not None, timeout=30000)
    assert dialog.check.error is not None and not dialog.check.key_unusable
    qtbot.wait(50)
    assert dialog.isVisible() and dialog.account is None, "a failed test must not save"
    assert window.state.store.accounts.list() == [] and not memory_keyring.entries
    assert dialog.save_anyway_button.isVisible()
    assert "Save anyway" in dialog.result_label.text()

    # corrected in place: the same dialog tests again and saves under the same name
    dialog.api_url.setText(emulator.base_url)
    with qtbot.waitSignal(window.sync.bridge.run_finished, timeout=60000):
        dialog.save_button.click()
    assert dialog.account is not None and dialog.account.name == "Binance main"
    assert not dialog.save_anyway_button.isVisible()


@pytest.mark.slow
def test_save_anyway_saves_an_account_whose_test_failed(qtbot, make_window, data_dir,
                                                        binance_emulator, memory_keyring):
    window = make_window(data_dir)
    dialog = open_add_exchange(qtbot, window, binance_emulator)
    dialog.api_url.setText(_closed_port_url())
    dialog.timeout.setValue(3)
    dialog.test_key()
    qtbot.waitUntil(lambda: dialog.check is not None, timeout=30000)
    assert dialog.account is None
    with qtbot.waitSignal(window.sync.bridge.run_finished, timeout=60000):
        dialog.save_anyway_button.click()
    assert dialog.account is not None
    assert [a.name for a in window.state.store.accounts.list()] == [dialog.account.name]


# -- shared profile: Binance (23%+), FTX (a tiny claim), a Ledger with FTT -----------------

def _profile(data_dir, *, added=None):
    from datetime import UTC, datetime
    from decimal import Decimal

    from exposure_app.domain.models import AccountKind
    from exposure_app.services.manual_holdings import set_holding
    from exposure_app.storage.store import ProfileStore

    old = datetime(2022, 9, 1, 12, tzinfo=UTC)
    store = ProfileStore.open(data_dir)
    try:
        binance = store.accounts.add("Binance", AccountKind.MANUAL_CUSTODIAL,
                                     counterparty="binance", created_at=added)
        ftx = store.accounts.add("FTX", AccountKind.MANUAL_CUSTODIAL, counterparty="ftx",
                                 created_at=added)
        ledger = store.accounts.add("Ledger", AccountKind.SELF_CUSTODY, created_at=added)
        set_holding(store, binance, "BTC", Decimal("0.25"), value=Decimal("23000"), when=old)
        set_holding(store, ftx, "USDT", Decimal("119.16"), value=Decimal("119.16"), when=old)
        set_holding(store, ledger, "BTC", Decimal("0.8"), value=Decimal("73000"), when=old)
        set_holding(store, ledger, "FTT", Decimal("100"), value=Decimal("119.16"), when=old)
    finally:
        store.close()


def test_warning_cards_are_ordered_by_level_then_value_as_the_cli_lists_them_and_tiny_ones_say_so(
        qtbot, make_window, data_dir, run_cli):
    import json

    from exposure_app.ui import warning_view
    from exposure_app.ui.widgets.warning_card import WarningCard

    _profile(data_dir)
    cli = run_cli("warnings", "--json")
    assert cli.returncode == 0, cli.stderr
    cli_order = [w["counterparty"] for w in json.loads(cli.stdout)["warnings"]]
    window = make_window(data_dir)
    window.state.refresh_now()
    window.show_page("overview")
    page = window.overview
    qtbot.waitUntil(lambda: bool(page.findChildren(WarningCard)), timeout=5000)
    cards = [w for w in (page.warnings_box.itemAt(i).widget()
                         for i in range(page.warnings_box.count())) if isinstance(w, WarningCard)]
    keys = [(warning_view.warning_level(c.warning).rank, warning_view.warning_at_stake(c.warning))
            for c in cards]
    assert keys == sorted(keys, reverse=True), "most severe level first, then most at stake"
    names = [warning_view.warning_counterparty(c.warning) for c in cards]
    assert names == cli_order[:len(names)]
    # FTX failed (critical) with only 119 USD left there; Binance holds far more at a lower level
    assert "binance" in names and "ftx" in names
    assert names.index("ftx") < names.index("binance")
    ftx = cards[names.index("ftx")]
    from PySide6.QtWidgets import QLabel

    text = " ".join(label.text() for label in ftx.findChildren(QLabel))
    assert "small exposure" in text and "0.0%" not in text


def test_reminders_count_from_when_the_account_was_added_and_ages_from_the_as_of_date(
        qtbot, make_window, data_dir):
    from datetime import UTC, datetime

    from exposure_app.ui.models.freshness_model import FreshnessModel

    _profile(data_dir)   # added today, holdings imported from 2022
    window = make_window(data_dir)
    window.state.refresh_now()
    assert window.state.data.due_reminders == ()     # not "due 2022, 1500 days ago"
    window.show_page("overview")
    assert not window.overview.reminders_card.isVisibleTo(window.overview)

    window.state.set_as_of(datetime(2022, 9, 3, 23, 59, tzinfo=UTC))
    model = window.overview.fresh_model
    last = model.index(0, FreshnessModel.Columns.LAST_GOOD).data()
    assert "2 days before" in last and "ago" not in last
    assert model.index(0, FreshnessModel.Columns.STATE).data() != "Up to date"
    window.state.set_as_of(None)


def test_plans_share_ticks_count_affiliated_value_and_a_blocked_plan_has_no_withdraw_steps(
        qtbot, make_window, data_dir):
    _profile(data_dir)
    window = make_window(data_dir)
    window.state.refresh_now()
    window.show_page("checklist")
    page = window.pages.get("checklist")
    page.open_for("ftx")
    keys = [r.item_key for r in page.view.rows]
    assert "step:whitelist" not in keys and "step:test" not in keys
    assert "still to move 238.32 USD" in page.summary.text()   # the claim and the FTT

    page.open_for("binance")
    btc = next(r for r in page.view.rows if r.item_key == "asset:binance:BTC")
    assert page._edit(btc, True, "tx 1")
    page.open_for(None)
    shared = next(r for r in page.view.rows if r.item_key == "asset:binance:BTC")
    assert shared.done and shared.note == "tx 1"
    assert page.summary.text().startswith(f"Plan for all custodians: {page.view.done_count} of")
    assert page.view.done_count >= 1


def test_an_export_from_the_window_rounds_values_to_cents_and_keeps_amounts(
        qtbot, make_window, data_dir, tmp_path):
    import csv
    from decimal import Decimal

    from exposure_app.domain.models import AccountKind
    from exposure_app.services.manual_holdings import set_holding
    from exposure_app.storage.store import ProfileStore

    store = ProfileStore.open(data_dir)
    account = store.accounts.add("Binance", AccountKind.MANUAL_CUSTODIAL, counterparty="binance")
    set_holding(store, account, "BTC", Decimal("0.779263911111111111"),
                price=Decimal("91116.600000000204"))
    store.close()
    window = make_window(data_dir)
    for report in ("exposure", "holdings"):
        dialog = window.open_export(report)
        out = tmp_path / f"{report}.csv"
        dialog.path.setText(str(out))
        with qtbot.waitSignal(dialog.exported, timeout=10000):
            dialog.start_export()
        rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
        dialog.reject()
        value = rows[0]["total" if report == "exposure" else "value"]
        # 0.779263911111111111 x 91116.600000000204 = 71003.8836...: cents, not 60 digits
        assert value == "71003.88", value
        if report == "holdings":
            assert rows[0]["total"] == "0.779263911111111111"   # amounts stay exact
