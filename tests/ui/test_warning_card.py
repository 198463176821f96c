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
