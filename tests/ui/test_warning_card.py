"""A warning card in a narrow warnings column: long names wrap, the Checklist button stays
inside the column (it was pushed out of sight at 1280 px)."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtWidgets import QApplication, QPushButton, QScrollArea, QVBoxLayout, QWidget

from exposure_app.risk.scoring import Level
from exposure_app.risk.warnings import RiskWarning, WarningExposure
from exposure_app.ui.widgets.warning_card import WarningCard


def test_a_long_name_wraps_and_the_checklist_button_stays_in_the_column(qtbot):
    warning = RiskWarning(
        counterparty="techteryx", name="Techteryx (TrueUSD) and all of its affiliated issuers",
        level=Level.HIGH, score=70.0,
        exposure=WarningExposure(Decimal(1000), Decimal("0.1"), Decimal(1000), Decimal(0)),
        reasons=("Reserve concern",), events=(), action="Consider moving it.",
    )
    area = QScrollArea()              # as the overview's warnings column is set up
    area.setWidgetResizable(True)
    holder = QWidget()
    box = QVBoxLayout(holder)
    card = WarningCard(warning, "USD")
    box.addWidget(card)
    area.setWidget(holder)
    area.resize(320, 400)
    qtbot.addWidget(area)
    area.show()
    QApplication.processEvents()
    button = next(b for b in card.findChildren(QPushButton) if b.text() == "Checklist")
    viewport = area.viewport()
    right = button.mapTo(viewport, button.rect().topRight()).x()
    assert right <= viewport.width(), "the button is pushed out of the column"
    assert card.minimumSizeHint().width() <= 320


def _shown(label) -> str:
    """What a label puts on screen: its rich text rendered, as the user reads it."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QTextDocument

    text = label.text()
    if label.textFormat() == Qt.TextFormat.RichText or Qt.mightBeRichText(text):
        document = QTextDocument()
        document.setHtml(text)
        return document.toPlainText()
    return text


def test_a_tiny_share_is_shown_whole_not_cut_at_its_less_than_sign(qtbot):
    """"<0.1%" inside rich text was read as the start of a tag, and everything after it
    vanished: the card said "126.75 USD · a small exposure (" and nothing more."""
    from PySide6.QtWidgets import QLabel

    warning = RiskWarning(
        counterparty="ftx", name="FTX", level=Level.HIGH, score=140.0,
        exposure=WarningExposure(Decimal("126.75"), Decimal("0.0004"), Decimal(0),
                                 Decimal("126.75")),
        reasons=("You hold 126.75 USD of its own tokens.",), events=(), action="Sell it.",
    )
    card = WarningCard(warning, "USD")
    qtbot.addWidget(card)
    figure = next(label for label in card.findChildren(QLabel)
                  if label.accessibleName() == "Exposure")
    assert _shown(figure) == "126.75 USD · a small exposure (<0.1% of net worth)"


def test_a_tiny_custodial_share_is_shown_whole_in_the_overview_split(qtbot, make_window,
                                                                     data_dir):
    """The custodial/self-custody split is rich text too; a custodian holding 50 USD of
    a 100,050 USD net worth is "<0.1%" there, not a cut line."""
    from datetime import UTC, datetime

    from exposure_app.domain.models import AccountKind
    from exposure_app.services.manual_holdings import set_holding
    from exposure_app.storage.store import ProfileStore

    when = datetime(2026, 11, 1, 12, tzinfo=UTC)
    store = ProfileStore.open(data_dir)
    try:
        kraken = store.accounts.add("Kraken", AccountKind.MANUAL_CUSTODIAL,
                                    counterparty="kraken")
        ledger = store.accounts.add("Ledger", AccountKind.SELF_CUSTODY)
        set_holding(store, kraken, "USDT", Decimal("50"), value=Decimal("50"), when=when)
        set_holding(store, ledger, "USDT", Decimal("100000"), value=Decimal("100000"),
                    when=when)
    finally:
        store.close()
    window = make_window(data_dir)
    window.state.refresh_now()
    window.show_page("overview")
    shown = _shown(window.overview.split_text)
    assert "Custodial" in shown and "Self-custody" in shown
    assert "50.00 USD · <0.1%" in shown and "100,000.00 USD · 100.0%" in shown
