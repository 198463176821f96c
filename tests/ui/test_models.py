"""Every item model passes Qt's model tester; sorting, filtering and copying work."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from PySide6.QtCore import QLocale, Qt

from exposure_app.domain.models import AccountKind, Holding, Snapshot, SnapshotStatus
from exposure_app.risk.catalog import load_directory
from exposure_app.services.exposure_as_of import exposure_as_of
from exposure_app.services.settings import Settings
from exposure_app.ui.models import SORT_ROLE
from exposure_app.ui.models.accounts_model import AccountsModel, account_rows
from exposure_app.ui.models.events_model import EventsFilter, EventsModel
from exposure_app.ui.models.freshness_model import FreshnessModel, freshness_rows
from exposure_app.ui.models.holdings_model import HoldingsFilter, HoldingsModel, holding_rows

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


@pytest.fixture
def report(store):
    binance = store.accounts.add("Binance main", AccountKind.MANUAL_CUSTODIAL,
                                 counterparty="binance")
    ledger = store.accounts.add("Ledger", AccountKind.SELF_CUSTODY)
    failing = store.accounts.add("Kraken", AccountKind.MANUAL_CUSTODIAL, counterparty="kraken")
    store.snapshots.save(Snapshot(None, binance.id, NOW - timedelta(hours=2), SnapshotStatus.OK, (
        Holding.simple("BTC", Decimal("0.5"), price=Decimal("60000")),
        Holding.simple("BNB", Decimal("10"), price=Decimal("600")),
        Holding.simple("OBSCURE", Decimal("1234.5")),
    ), ("spot",)))
    store.snapshots.save(Snapshot(None, ledger.id, NOW - timedelta(hours=1), SnapshotStatus.OK, (
        Holding.simple("BTC", Decimal("2"), price=Decimal("60000")),
        Holding.simple("ETH", Decimal("1.25"), price=Decimal("3000")),
    ), ("main",)))
    store.snapshots.save(Snapshot(None, failing.id, NOW - timedelta(days=3), SnapshotStatus.OK, (
        Holding.simple("ETH", Decimal("3"), price=Decimal("3000")),), ("spot",)))
    store.snapshots.record_failure(failing.id, NOW - timedelta(hours=1), "the API key was rejected",
                                   Snapshot.__dataclass_fields__["source"].default)
    return exposure_as_of(store, Settings(), NOW)


def test_holdings_model_passes_the_model_tester(qtmodeltester, report):
    model = HoldingsModel()
    model.set_rows(holding_rows(report, load_directory()))
    assert model.rowCount() == 6
    qtmodeltester.check(model)
    proxy = HoldingsFilter()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)


def test_holdings_sort_by_raw_value_and_filter(report):
    model = HoldingsModel()
    model.set_rows(holding_rows(report, load_directory()))
    proxy = HoldingsFilter()
    proxy.setSourceModel(model)
    proxy.sort(HoldingsModel.Columns.VALUE, Qt.SortOrder.DescendingOrder)
    values = [proxy.index(r, HoldingsModel.Columns.VALUE).data(SORT_ROLE)
              for r in range(proxy.rowCount())]
    assert values == sorted(values, reverse=True)
    assert values[0] == 120000.0          # 2 BTC in the Ledger sorts above 10 BNB
    # unpriced rows are kept, shown as such, and sort last
    last = proxy.index(proxy.rowCount() - 1, HoldingsModel.Columns.VALUE)
    assert last.data() == "unpriced"
    proxy.set_text("eth")
    assert {proxy.index(r, 3).data() for r in range(proxy.rowCount())} == {"ETH"}
    proxy.set_text("")
    proxy.set_account("Ledger")
    assert proxy.rowCount() == 2
    proxy.set_account("")
    proxy.set_counterparty("Binance")
    assert proxy.rowCount() == 3


def test_numbers_are_right_aligned_and_locale_formatted(report):
    QLocale.setDefault(QLocale(QLocale.Language.German, QLocale.Country.Germany))
    try:
        model = HoldingsModel()
        model.set_rows(holding_rows(report, load_directory()))
        row = next(i for i, r in enumerate(model.rows) if r.account == "Ledger" and r.asset == "BTC")
        value = model.index(row, HoldingsModel.Columns.VALUE)
        assert value.data() == "120.000,00"
        assert model.headerData(HoldingsModel.Columns.VALUE, Qt.Orientation.Horizontal) \
            == "Value (USD)"
        amount = model.index(row, HoldingsModel.Columns.TOTAL)
        assert amount.data() == "2"
        assert value.data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
        assert not model.index(row, 0).data(Qt.ItemDataRole.TextAlignmentRole) \
            & Qt.AlignmentFlag.AlignRight
    finally:
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))


def test_copy_gives_tab_separated_rows_with_a_header(report):
    model = HoldingsModel()
    model.set_rows(holding_rows(report, load_directory()))
    text = model.copy_text([0])
    header, line, end = text.split("\n")
    assert header.split("\t")[:4] == ["Account", "Custodian", "Wallet", "Asset"]
    assert line.split("\t")[0] == model.rows[0].account and end == ""


def test_set_rows_resets_only_on_change(qtbot, report):
    model = HoldingsModel()
    rows = holding_rows(report, load_directory())
    assert model.set_rows(rows)
    with qtbot.assertNotEmitted(model.modelReset):
        assert not model.set_rows(list(rows))


def test_freshness_and_accounts_models(qtmodeltester, store, report):
    rows = freshness_rows(report)
    states = {r.account: r.state for r in rows}
    assert states == {"Binance main": "manual", "Ledger": "manual", "Kraken": "stale"}
    kraken = next(r for r in rows if r.account == "Kraken")
    assert "API key was rejected" in kraken.detail
    fresh = FreshnessModel()
    fresh.set_rows(rows)
    qtmodeltester.check(fresh)
    accounts = AccountsModel()
    accounts.set_rows(account_rows(store, report, load_directory(), {}))
    qtmodeltester.check(accounts)
    live = freshness_rows(report, {report.accounts[0].account.id: "reading balances…"})
    assert live[0].state == "syncing"


def test_events_model_and_filter(qtmodeltester, store):
    from exposure_app.services.risk_service import list_events

    events = list_events(store, Settings(), as_of=NOW)
    model = EventsModel({cp.id: cp.name for cp in load_directory()})
    model.set_rows(events)
    qtmodeltester.check(model)
    proxy = EventsFilter()
    proxy.setSourceModel(model)
    qtmodeltester.check(proxy)
    proxy.set_filter(counterparty="ftx")
    assert proxy.rowCount() > 0
    assert all(model.row_at(proxy.mapToSource(proxy.index(r, 0)).row()).counterparty == "ftx"
               for r in range(proxy.rowCount()))
    proxy.set_filter(category="hack", since=datetime(2024, 1, 1).date())
    dates = [proxy.index(r, 0).data() for r in range(proxy.rowCount())]
    assert dates and all(d >= "2024-01-01" for d in dates)
