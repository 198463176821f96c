"""The Accounts table at 1024 px reads: Kind, Status and Key permissions whole, a useful part
of each name, the age of the last good data whole, Coverage in the room left (whole in its
tooltip); at 1920 px nothing is cut and the columns fill the table."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from PySide6.QtCore import Qt

ZPUB = ("zpub6rFR7y4Q2AijBEqTUquhVz398htDFrtymD9xYYfG1m4wAcvPhXNfE3EfH1r1ADqtfSdVCToUG868"
        "RvUUkgDKf31mGDtKsAYz2oz2AGutZYs")
BINANCE_WALLETS = ("spot", "funding", "margin", "margin_isolated", "futures", "futures_coinm",
                   "earn_flexible", "earn_locked", "staking")
AGES = {"Binance": "just now", "Kraken": "just now", "FTX": "652 days ago",
        "Ledger hardware wallet": "1 h ago", "Nexo savings": "1 h ago",
        "Hardware wallet (watch-only)": "just now"}


def _demo_like(data_dir) -> None:
    """Accounts as in the demo: exchanges read through a read-only key, custodians and a
    wallet recorded by hand (FTX's figures imported 652 days ago) and a watched wallet."""
    from exposure_app.domain.balances import KeyPermissions, PermissionLevel
    from exposure_app.domain.models import (
        AccountKind,
        Holding,
        Snapshot,
        SnapshotSource,
        SnapshotStatus,
    )
    from exposure_app.domain.timeutil import utc_now
    from exposure_app.services.manual_holdings import set_holding
    from exposure_app.services.watch_accounts import add_watch_account
    from exposure_app.storage.store import ProfileStore

    now = utc_now() - timedelta(seconds=5)
    store = ProfileStore.open(data_dir)
    try:
        for name, wallets in (("Binance", BINANCE_WALLETS),
                              ("Kraken", ("spot", "earn_flexible", "staking", "earn_locked"))):
            account = store.accounts.add(name, AccountKind.EXCHANGE_API,
                                         counterparty=name.lower(), exchange_id=name.lower())
            store.snapshots.save(Snapshot(None, account.id, now, SnapshotStatus.OK, (
                Holding.simple("BTC", Decimal("0.5"), wallet="spot", price=Decimal("60000")),),
                wallets, source=SnapshotSource.SYNC))
            store.exchange_state.save_permissions(
                account.id, KeyPermissions(PermissionLevel.READ_ONLY, detail="reading"), now)
        ftx = store.accounts.add("FTX", AccountKind.MANUAL_CUSTODIAL, counterparty="ftx")
        store.snapshots.save(Snapshot(
            None, ftx.id, now - timedelta(days=652, hours=2), SnapshotStatus.OK, (
                Holding.simple("USDT", Decimal("900"), wallet="main", price=Decimal("1")),),
            ("main",), source=SnapshotSource.IMPORT))
        nexo = store.accounts.add("Nexo savings", AccountKind.MANUAL_CUSTODIAL,
                                  counterparty="nexo")
        ledger = store.accounts.add("Ledger hardware wallet", AccountKind.SELF_CUSTODY)
        for account in (nexo, ledger):
            set_holding(store, account, "ETH", Decimal("2"), value=Decimal("6000"),
                        when=now - timedelta(hours=1, minutes=5))
        watched = add_watch_account(store, "Hardware wallet (watch-only)", "bitcoin", ZPUB)
        store.snapshots.save(Snapshot(None, watched.id, now, SnapshotStatus.OK, (
            Holding.simple("BTC", Decimal("0.2"), wallet="bitcoin", price=Decimal("60000")),),
            ("bitcoin",), source=SnapshotSource.SYNC))
    finally:
        store.close()


def _accounts(qtbot, make_window, data_dir, size):
    _demo_like(data_dir)
    window = make_window(data_dir, size=size, page="accounts")
    view = window.accounts.view
    qtbot.waitUntil(lambda: view.model().rowCount() == len(AGES))
    qtbot.wait(50)
    return window, view


def _shown(view, row: int, column: int) -> str:
    """The text the cell draws: its delegate's choice (whole or short form) or the model's."""
    from exposure_app.ui.widgets.table_columns import ShortWhenNarrow

    index = view.model().index(row, column)
    delegate = view.itemDelegateForColumn(column)
    if isinstance(delegate, ShortWhenNarrow):
        return delegate.text_for(index, view.horizontalHeader().sectionSize(column))
    return index.data()


def _fits(view, text: str, column: int) -> bool:
    """Whether ``text`` is drawn whole in the column: the cell less the style's text margin
    on either side."""
    from exposure_app.ui.widgets.table_columns import text_margin

    width = view.horizontalHeader().sectionSize(column) - 2 * text_margin(view)
    return view.fontMetrics().horizontalAdvance(text) <= width


def test_at_1024_px_the_accounts_columns_show_their_words_and_coverage_takes_the_rest(
        qtbot, make_window, data_dir):
    """Kind read "Exchange (A…", Status "Recorded by…", Last good data "just now (20…" and
    Account "Hardware w…" while Coverage took the most room."""
    from exposure_app.ui.models.accounts_model import AccountsModel

    _window, view = _accounts(qtbot, make_window, data_dir, (1024, 640))
    columns = AccountsModel.Columns
    header = view.horizontalHeader()
    model = view.model()
    assert header.length() <= view.viewport().width()
    assert view.horizontalScrollBar().maximum() == 0            # no sideways scrolling
    assert not view.horizontalScrollBar().isVisible()
    names = {model.index(r, columns.NAME).data(): r for r in range(model.rowCount())}
    assert set(names) == set(AGES)
    for name, row in names.items():
        for column in (columns.KIND, columns.STATUS, columns.PERMISSIONS):
            text = _shown(view, row, column)
            assert _fits(view, text, column), (name, column.header, text)
        age = _shown(view, row, columns.LAST_SYNC)
        assert age == AGES[name], (name, age)                  # the age, not "just now (20…"
        assert _fits(view, age, columns.LAST_SYNC), (name, age)
        whole = model.index(row, columns.LAST_SYNC).data(Qt.ItemDataRole.ToolTipRole)
        assert whole.startswith(f"{age} (20") and whole.endswith(")"), whole   # date in the tip
        coverage = model.index(row, columns.COVERAGE).data()
        assert model.index(row, columns.COVERAGE).data(Qt.ItemDataRole.ToolTipRole) == coverage
    # a useful part of each name: "Hardware wallet…", "Ledger hardware…"
    metrics = view.fontMetrics()
    assert header.sectionSize(columns.NAME) >= metrics.horizontalAdvance("Ledger hardware…")
    assert _fits(view, "Nexo savings", columns.NAME)
    for column in (columns.PERMISSIONS, columns.LAST_SYNC):     # headers whole too
        assert header.sectionSize(column) >= header.sectionSizeHint(column), column.header
    # Coverage has what is left, and its long texts are cut ("Spot, Funding, M…")
    coverage = header.sectionSize(columns.COVERAGE)
    assert header.sectionViewportPosition(columns.COVERAGE) + coverage == view.viewport().width()
    assert coverage >= 72
    binance = model.index(names["Binance"], columns.COVERAGE)
    assert binance.data().startswith("Spot, Funding, Margin, Margin (isolated)")
    assert not _fits(view, binance.data(), columns.COVERAGE)


def test_at_1920_px_every_accounts_cell_is_whole_and_the_columns_fill_the_table(
        qtbot, make_window, data_dir):
    from exposure_app.ui.models.accounts_model import AccountsModel

    window, view = _accounts(qtbot, make_window, data_dir, (1920, 1080))
    columns = AccountsModel.Columns
    header = view.horizontalHeader()
    model = view.model()
    assert header.length() == view.viewport().width()          # no blank band at the right
    assert view.horizontalScrollBar().maximum() == 0
    for row in range(model.rowCount()):
        for column in columns:
            text = _shown(view, row, column)
            assert text == model.index(row, column).data(), (column.header, text)   # whole
            assert _fits(view, text, column), (column.header, text)
        assert "(20" in _shown(view, row, columns.LAST_SYNC)   # the date is in the cell here
    for column in columns:
        assert header.sectionSize(column) >= header.sectionSizeHint(column), column.header
    window.resize(1024, 640)                                    # and it narrows back
    qtbot.waitUntil(lambda: header.length() <= view.viewport().width())
    row = next(r for r in range(model.rowCount())
               if model.index(r, columns.NAME).data() == "FTX")
    assert _shown(view, row, columns.LAST_SYNC) == "652 days ago"
