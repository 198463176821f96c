"""Import dated holdings from a CSV file, with a clear report of rejected lines.

The file is checked as a whole first (nothing is written): either every row
is fine and the dialog says what will be imported, or the report lists each
rejected line with its reason and the Import button stays disabled.

Threading: GUI thread only (files are small; the check is the service's).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from exposure_app.services.holdings_import import (
    REPLACEABLE,
    ImportRejected,
    ImportResult,
    import_holdings_csv,
    parse_holdings_csv,
)
from exposure_app.storage.store import ProfileStore
from exposure_app.ui.widgets.cards import muted

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
        layout.addWidget(muted(FORMAT_HELP))
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

    def _on_path_edited(self) -> None:
        # note: editingFinished also fires on focus loss after the dialog closed
        if self.isVisible() and self.path.text() != self._checked_path:
            self.check(self.path.text())

    def browse(self) -> None:
        name, _ = QFileDialog.getOpenFileName(self, "Import holdings", "",
                                              "CSV files (*.csv);;All files (*)")
        if name:
            self.path.setText(name)
            self.check(name)

    def check(self, path: str) -> bool:
        """Validate the file without writing; fills the report. True if importable."""
        self.import_button.setEnabled(False)
        self.errors = []
        self._checked_path = path
        if not path.strip():
            return False
        try:
            rows = parse_holdings_csv(self.store, Path(path))
        except ImportRejected as exc:
            self.errors = [str(e) for e in exc.errors]
            self.summary.setText(f"<b style='color:#d93025'>This file cannot be imported.</b> "
                                 f"{len(exc.errors)} problem(s) were found; fix them and check "
                                 "again. Nothing was imported.")
            self.report.setPlainText("\n".join(self.errors))
            self.report.setVisible(True)
            return False
        accounts = sorted({r.account_name for r in rows})
        dates = {r.taken_at.date() for r in rows}
        self.summary.setText(f"Ready: {len(rows)} holding(s) for {', '.join(accounts)} on "
                             f"{len(dates)} date(s).")
        self.report.setVisible(False)
        self.import_button.setEnabled(True)
        return True

    def do_import(self) -> None:
        path = Path(self.path.text())
        try:
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
