"""Import dated holdings from a CSV file, with a clear report of rejected lines.

Two kinds of file: Exposure's own holdings CSV (any manual account, any dates),
or an exchange's own export (Binance, Kraken, Coinbase; see
``services.exchange_csv_import``) into one custodian account recorded by hand.

The file is checked as a whole first (nothing is written): either every row
is fine and the dialog says what will be imported, or the report lists each
rejected line with its reason and the Import button stays disabled.

Threading: GUI thread only (files are small; the check is the service's).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from exposure_app.domain.models import AccountKind
from exposure_app.services.exchange_csv_import import import_exchange_csv, parse_exchange_csv
from exposure_app.services.holdings_import import (
    REPLACEABLE,
    ImportRejected,
    ImportResult,
    check_holdings_csv,
    import_holdings_csv,
)
from exposure_app.storage.store import ProfileStore
from exposure_app.ui.rich_text import escaped
from exposure_app.ui.widgets.card_frames import muted
from exposure_app.ui.widgets.file_prompts import path_to_read

HOLDINGS, EXCHANGE = "holdings", "exchange"
EXCHANGE_HELP = ("The file the exchange itself exports: Binance \u201cExport Transaction "
                 "Records\u201d (its whole history), the Kraken ledger export, or the Coinbase "
                 "transaction history. The balances it adds up to become the account's "
                 "holdings as of the file's last row.")
FORMAT_HELP = ("Columns: account, asset, amount, and optionally date, price or value (in the "
               "base currency). Rows with the same account and date are that account's full "
               "holdings on that date. Accounts must exist and must not be exchange accounts.")


class CsvImportDialog(QDialog):
    def __init__(self, store: ProfileStore, parent: QWidget | None = None, *,
                 base: str | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.base = base
        self.import_result: ImportResult | None = None
        self.errors: list[str] = []
        self.setWindowTitle("Import holdings from CSV")
        self.resize(640, 420)
        layout = QVBoxLayout(self)
        kinds = QFormLayout()
        self.kind = QComboBox()
        self.kind.setAccessibleName("Kind of file")
        self.kind.addItem("Exposure holdings CSV", HOLDINGS)
        self.kind.addItem("An exchange's own export (Binance, Kraken, Coinbase)", EXCHANGE)
        self.account = QComboBox()
        self.account.setAccessibleName("Into account")
        for account in store.accounts.list():
            if account.kind is AccountKind.MANUAL_CUSTODIAL:
                self.account.addItem(account.name, account.id)
        kinds.addRow("File", self.kind)
        kinds.addRow("Into", self.account)
        layout.addLayout(kinds)
        self.help = muted(FORMAT_HELP)
        layout.addWidget(self.help)
        row = QHBoxLayout()
        self.path = QLineEdit()
        self.path.setPlaceholderText("Choose a .csv file…")
        self.path.setAccessibleName("CSV file")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self.browse)
        row.addWidget(self.path, 1)
        row.addWidget(browse)
        layout.addLayout(row)
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Check result")
        layout.addWidget(self.summary)
        self.report = QPlainTextEdit()
        self.report.setReadOnly(True)
        self.report.setAccessibleName("Rejected lines")
        self.report.setVisible(False)
        layout.addWidget(self.report, 1)
        self.replace = QCheckBox("Replace holdings already recorded for an account on a date "
                                 "in this file")
        self.replace.setToolTip("Otherwise a file with other holdings for an account and date "
                                "already recorded is refused, naming its lines.")
        layout.addWidget(self.replace)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = self.buttons.addButton("Import",
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setEnabled(False)
        self.buttons.accepted.connect(self.do_import)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._checked_path: str | None = None
        self.path.editingFinished.connect(self._on_path_edited)
        self.kind.currentIndexChanged.connect(self._on_kind_changed)
        self.account.currentIndexChanged.connect(lambda _i: self._recheck())
        self._on_kind_changed()

    def _exchange_file(self) -> bool:
        return self.kind.currentData() == EXCHANGE

    def _on_kind_changed(self) -> None:
        exchange = self._exchange_file()
        self.account.setEnabled(exchange)
        self.help.setText(EXCHANGE_HELP if exchange else FORMAT_HELP)
        self._recheck()

    def _recheck(self) -> None:
        if self.path.text().strip():
            self.check(self.path.text())

    def _on_path_edited(self) -> None:
        # note: editingFinished also fires on focus loss after the dialog closed
        if self.isVisible() and self.path.text() != self._checked_path:
            self.check(self.path.text())

    def browse(self) -> None:
        path = path_to_read(self, "Import holdings", "CSV files (*.csv);;All files (*)")
        if path is not None:
            self.path.setText(str(path))
            self.check(str(path))

    def check(self, path: str) -> bool:
        """Validate the file without writing; fills the report. True if importable."""
        self.import_button.setEnabled(False)
        self.errors = []
        self._checked_path = path
        if not path.strip():
            return False
        try:
            if self._exchange_file():
                return self._check_export(Path(path))
            checked = check_holdings_csv(self.store, Path(path))
        except ImportRejected as exc:
            self.errors = [str(e) for e in exc.errors]
            self.summary.setText(f"<b style='color:#d93025'>This file cannot be imported.</b> "
                                 f"{len(exc.errors)} problem(s) were found; fix them and check "
                                 "again. Nothing was imported.")
            self.report.setPlainText("\n".join(self.errors))
            self.report.setVisible(True)
            return False
        # account names come from the file: escaped in this rich-text line
        self.summary.setText(f"Ready: {checked.rows} holding(s) for "
                             f"{escaped(', '.join(checked.accounts))} on {checked.dates} date(s).")
        self.report.setVisible(False)
        self.import_button.setEnabled(True)
        return True

    def _check_export(self, path: Path) -> bool:
        if self.account.currentData() is None:
            self.summary.setText("<b style='color:#d93025'>No account to import into.</b> "
                                 "Add the exchange as a custodian recorded by hand first "
                                 "(Accounts → Add wallet or custodian).")
            self.report.setVisible(False)
            return False
        parsed = parse_exchange_csv(path)   # ImportRejected: shown by check()
        assets = sorted({asset for (_wallet, asset), amount in parsed.balances.items()
                         if amount})
        self.summary.setText(
            f"Ready: a {escaped(parsed.exchange.capitalize())} export of {parsed.rows} row(s): "
            f"balances of {len(assets)} asset(s) ({escaped(', '.join(assets[:8]))}"
            f"{'…' if len(assets) > 8 else ''}) as of {parsed.taken_at:%Y-%m-%d %H:%M} UTC, "
            f"into {escaped(self.account.currentText())}.")
        self.report.setVisible(False)
        self.import_button.setEnabled(True)
        return True

    def do_import(self) -> None:
        path = Path(self.path.text())
        try:
            if self._exchange_file():
                account = self.store.accounts.get(int(self.account.currentData()))
                self.import_result = import_exchange_csv(self.store, account, path,
                                                         base=self.base)
                self.accept()
                return
            self.import_result = import_holdings_csv(self.store, path, base=self.base,
                                                     replace=self.replace.isChecked())
        except ImportRejected as exc:   # dates already recorded, or the file changed
            self.errors = [str(e) for e in exc.errors]
            self.report.setPlainText("\n".join(self.errors))
            self.report.setVisible(True)
            # only "already recorded" problems can be solved here, by ticking Replace
            self.import_button.setEnabled(all(REPLACEABLE in e.reason for e in exc.errors))
            return
        self.accept()
