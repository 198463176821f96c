"""The first-run state: no accounts yet.

Threading: GUI thread only.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from exposure_app.ui.icons import action_icon, app_icon
from exposure_app.ui.widgets.card_frames import heading, muted


class WelcomePage(QWidget):
    title = "Welcome"
    add_exchange_requested = Signal()
    add_wallet_requested = Signal()
    demo_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName("Welcome")
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        logo = QLabel()
        logo.setPixmap(app_icon().pixmap(QSize(72, 72)))
        logo.setAlignment(Qt.AlignmentFlag.AlignCenter)
        outer.addWidget(logo)
        title = heading("See who holds your crypto", level=1)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        outer.addWidget(title)
        text = muted(
            "Exposure shows how much of what you own sits with each exchange, lender or "
            "stablecoin issuer, what has happened to them, and how to move to self\u2011custody.\n"
            "Connect an exchange with a read-only API key, record a wallet or a custodian by "
            "hand, or look around a demo first.")
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text.setMaximumWidth(700)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(text)
        row.addStretch(1)
        outer.addLayout(row)
        buttons = QHBoxLayout()
        buttons.setSpacing(12)
        buttons.addStretch(1)
        self.add_exchange = self._button("add-exchange", "Add exchange",
                                         "Connect an exchange with a read-only API key")
        self.add_wallet = self._button("add-wallet", "Add wallet",
                                       "Record a self-custody wallet or a custodian by hand")
        self.try_demo = self._button("sync", "Try the demo",
                                     "Open a demo profile in a separate window")
        self.add_exchange.clicked.connect(self.add_exchange_requested)
        self.add_wallet.clicked.connect(self.add_wallet_requested)
        self.try_demo.clicked.connect(self.demo_requested)
        for button in (self.add_exchange, self.add_wallet, self.try_demo):
            buttons.addWidget(button)
        buttons.addStretch(1)
        outer.addSpacing(12)
        outer.addLayout(buttons)
        outer.addStretch(2)
        self.add_exchange.setDefault(True)

    @staticmethod
    def _button(icon: str, text: str, tip: str) -> QPushButton:
        button = QPushButton(action_icon(icon), text)
        button.setIconSize(QSize(22, 22))
        button.setMinimumSize(170, 44)
        button.setToolTip(tip)
        button.setAccessibleName(text)
        button.setAccessibleDescription(tip)
        return button
