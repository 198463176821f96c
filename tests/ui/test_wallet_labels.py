"""Wallets by their human label on Holdings, Accounts and the Overview, from one table
(``domain.labels.WALLET_LABELS``); the CSV holdings report keeps the ids (docs/reports.md)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from exposure_app.domain.labels import WALLET_LABELS, wallet_label, wallet_list
from exposure_app.domain.models import AccountKind, Holding, Snapshot, SnapshotStatus
from exposure_app.reports.portfolio_reports import holdings_rows
from exposure_app.risk.catalog import load_directory
from exposure_app.services.exposure_as_of import exposure_as_of
from exposure_app.services.settings import Settings
from exposure_app.ui.models.accounts_model import AccountsModel, account_rows
from exposure_app.ui.models.freshness_model import freshness_rows
from exposure_app.ui.models.holdings_model import HoldingsFilter, HoldingsModel, holding_rows

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


@pytest.fixture
def report(store):
    kraken = store.accounts.add("Kraken", AccountKind.EXCHANGE_API, counterparty="kraken")
    store.snapshots.save(Snapshot(None, kraken.id, NOW - timedelta(hours=2), SnapshotStatus.OK, (
        Holding.simple("BTC", Decimal("0.5"), wallet="spot", price=Decimal("60000")),
        Holding.simple("USDT", Decimal("5250"), wallet="earn_flexible", price=Decimal("1")),
        Holding.simple("DOT", Decimal("40"), wallet="earn_locked"),           # unpriced
    ), ("spot", "earn_flexible", "earn_locked")))
    return exposure_as_of(store, Settings(), NOW)


def test_the_table_reads_each_wallet_the_adapters_name_and_leaves_unknown_ones_be():
    assert wallet_label("earn_flexible") == "Earn (flexible)"
    assert wallet_label("futures_coinm") == "Futures (COIN-M)"
    assert wallet_label("bitcoin") == "Bitcoin"   # a watched address's chain
    assert wallet_label("claim") == "claim"       # a wallet named in an import
    assert all("_" not in label and len(label) <= 18 for label in WALLET_LABELS.values())
    assert wallet_list(("spot", "earn_flexible")) == "Spot, Earn (flexible)"


def test_holdings_accounts_and_overview_show_labels_and_the_csv_keeps_ids(store, report):
    directory = load_directory()
    holdings = HoldingsModel()
    holdings.set_rows(holding_rows(report, directory))
    shown = {holdings.index(r, HoldingsModel.Columns.WALLET).data()
             for r in range(holdings.rowCount())}
    assert shown == {"Spot", "Earn (flexible)", "Earn (locked)"}
    proxy = HoldingsFilter()
    proxy.setSourceModel(holdings)
    for typed in ("earn (flex", "earn_flexible"):       # the label or the id finds the row
        proxy.set_text(typed)
        assert proxy.rowCount() == 1, typed

    accounts = AccountsModel()
    accounts.set_rows(account_rows(store, report, directory))
    coverage = accounts.index(0, AccountsModel.Columns.COVERAGE)
    assert coverage.data() == "Spot, Earn (flexible), Earn (locked)"
    assert coverage.data(3) == coverage.data()                  # the tooltip alike

    (overview,) = freshness_rows(report)
    assert overview.detail == "wallets: Spot, Earn (flexible), Earn (locked)"

    csv_wallets = {row[4] for row in holdings_rows(store, NOW, "USD")}
    assert csv_wallets == {"spot", "earn_flexible", "earn_locked"}


def test_the_overview_names_an_unpriced_holdings_wallet_by_its_label(qtbot, make_window,
                                                                      data_dir):
    from exposure_app.storage.store import ProfileStore

    store = ProfileStore.open(data_dir)
    try:
        kraken = store.accounts.add("Kraken", AccountKind.EXCHANGE_API, counterparty="kraken")
        store.snapshots.save(Snapshot(None, kraken.id, datetime.now(UTC) - timedelta(hours=1),
                                      SnapshotStatus.OK, (
            Holding.simple("NOPRICECOIN", Decimal("40"), wallet="earn_locked"),),
            ("earn_locked",)))
    finally:
        store.close()
    window = make_window(data_dir, page="overview")
    qtbot.waitUntil(lambda: window.overview.unpriced_card.isVisibleTo(window.overview))
    text = window.overview.unpriced_text.text()
    assert "Kraken · Earn (locked): 40 NOPRICECOIN" in text and "earn_locked" not in text


# -- where a hand-recorded or watched account's figures come from ------------------------

GENESIS = "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"   # a well-known public Bitcoin address


def test_coverage_says_how_a_hand_recorded_account_was_filled_and_what_a_watched_one_reads(
        store):
    """A hand-recorded account has no wallets that were read: its one wallet, "main", is
    not shown as one; a watched wallet names the address it reads. CLI and GUI share the
    words (``domain.labels``)."""
    from exposure_app.domain.labels import ENTERED_BY_HAND, IMPORTED
    from exposure_app.domain.models import SnapshotSource
    from exposure_app.services.manual_holdings import set_holding
    from exposure_app.services.watch_accounts import add_watch_account

    celsius = store.accounts.add("Celsius", AccountKind.MANUAL_CUSTODIAL, counterparty="celsius")
    set_holding(store, celsius, "BTC", Decimal("1"), value=Decimal("60000"),
                when=NOW - timedelta(hours=3))
    ledger = store.accounts.add("Ledger", AccountKind.SELF_CUSTODY)
    set_holding(store, ledger, "ETH", Decimal("2"), value=Decimal("6000"),
                when=NOW - timedelta(hours=3))
    nexo = store.accounts.add("Nexo", AccountKind.MANUAL_CUSTODIAL, counterparty="nexo")
    store.snapshots.save(Snapshot(None, nexo.id, NOW - timedelta(hours=3), SnapshotStatus.OK, (
        Holding.simple("USDC", Decimal("500"), wallet="earn", price=Decimal("1")),),
        ("earn",), source=SnapshotSource.IMPORT))
    watched = add_watch_account(store, "Cold storage", "bitcoin", GENESIS)
    store.snapshots.save(Snapshot(None, watched.id, NOW - timedelta(hours=1), SnapshotStatus.OK, (
        Holding.simple("BTC", Decimal("0.5"), wallet="bitcoin", price=Decimal("60000")),),
        ("bitcoin",), source=SnapshotSource.SYNC))
    kraken = store.accounts.add("Kraken", AccountKind.EXCHANGE_API, counterparty="kraken")
    report = exposure_as_of(store, Settings(), NOW)

    accounts = AccountsModel()
    accounts.set_rows(account_rows(store, report, load_directory()))
    shown = {accounts.index(r, AccountsModel.Columns.NAME).data():
             accounts.index(r, AccountsModel.Columns.COVERAGE).data()
             for r in range(accounts.rowCount())}
    assert shown["Celsius"] == ENTERED_BY_HAND == "entered by hand"
    assert shown["Ledger"] == ENTERED_BY_HAND
    assert shown["Nexo"] == IMPORTED
    assert shown["Cold storage"].startswith("Bitcoin address 1A1zP1eP5Q")
    assert shown["Cold storage"].endswith("DivfNa")
    assert shown[kraken.name] == "—"                  # an exchange account never synced
    assert not any("main" in text.casefold() for text in shown.values())

    details = {r.account: r.detail for r in freshness_rows(report)}
    assert details["Celsius"] == ENTERED_BY_HAND     # was "wallets: main"
    assert details["Cold storage"] == shown["Cold storage"]


# -- characters the UI font has no glyph for ---------------------------------------------

USDM = "USDⓈ-M Futures"   # Binance's own name of its USD-margined futures wallet (U+24C8)


def _missing(text: str, font) -> list[str]:
    from PySide6.QtGui import QFontMetrics

    metrics = QFontMetrics(font)
    return [c for c in text if not metrics.inFontUcs4(ord(c))]


def test_the_circled_s_is_drawn_as_a_plain_s_where_the_ui_font_has_no_glyph_for_it(qapp):
    from exposure_app.exchanges.adapters.binance import OVERVIEW_NAMES
    from exposure_app.ui.glyphs import drawable

    font = qapp.font()
    # the offscreen platform's font is DejaVu Sans (as on Linux and in the bundle): no Ⓢ
    assert _missing(USDM, font) == ["Ⓢ"], font.family()
    assert drawable(USDM, font) == "USDS-M Futures"
    assert drawable(USDM) == "USDS-M Futures"           # the application's font by default
    assert drawable("usdⓢ-m futures", font) == "usds-m futures"   # as Binance's CSV has it
    for kept in ("Earn (flexible)", "Nexo · earn: 40 NOPRICECOIN", "12 345,67 €", "ETH …"):
        assert drawable(kept, font) == kept             # what the font draws stays as it is
    # the domain and the adapter keep Binance's spelling: only the GUI shows it otherwise
    assert OVERVIEW_NAMES["futures"] == USDM and wallet_label(USDM) == USDM


def test_every_table_shows_the_usd_m_futures_wallet_in_characters_its_font_can_draw(
        qtbot, store):
    from PySide6.QtCore import Qt

    from exposure_app.ui.models.freshness_model import FreshnessModel
    from exposure_app.ui.widgets.table_columns import data_table

    binance = store.accounts.add("Binance export", AccountKind.MANUAL_CUSTODIAL,
                                 counterparty="binance")
    store.snapshots.save(Snapshot(None, binance.id, NOW - timedelta(hours=2),
                                  SnapshotStatus.PARTIAL, (
        Holding.simple("USDT", Decimal("900"), wallet=USDM, price=Decimal("1")),),
        (USDM,), missing={"other:Options": f"read with '{USDM}' closed"}))
    report = exposure_as_of(store, Settings(), NOW)
    holdings = HoldingsModel()
    holdings.set_rows(holding_rows(report, load_directory()))
    freshness = FreshnessModel()
    freshness.set_rows(freshness_rows(report))
    for model, index in ((holdings, holdings.index(0, HoldingsModel.Columns.WALLET)),
                         (freshness, freshness.index(0, FreshnessModel.Columns.DETAIL))):
        view = data_table(model, "table")
        qtbot.addWidget(view)
        for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            text = index.data(role)
            assert "USDS-M Futures" in text, (model, role, text)
            assert _missing(text, view.font()) == [], (model, role, text)
    assert holdings.rows[0].wallet == USDM               # the record keeps the name


def test_wallets_read_or_reported_by_exchanges_have_readable_names():
    """Coinbase's vault, and a Binance wallet its overview names but no adapter reads."""
    from exposure_app.domain.labels import OTHER_WALLET_PREFIX

    assert wallet_label("vault") == "Vault"
    assert wallet_label(f"{OTHER_WALLET_PREFIX}Trading Bots") == "Trading Bots"
    assert wallet_label(OTHER_WALLET_PREFIX) == OTHER_WALLET_PREFIX   # no name: as written
    assert wallet_label("my cold box") == "my cold box"
