"""File → Export: write one CSV report (the same code path as ``export`` in the CLI).

The dialog collects the report, the "as of" instant and the file, then runs
:func:`exposure_app.services.reports.write_report` on a worker thread with its
own store (a long history must not freeze the window). For the same report
and instant the file is byte-identical to the CLI's.

Threading: widgets on the GUI thread; the export on a worker thread that opens
and closes its own :class:`ProfileStore`.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from exposure_app.domain.timeutil import utc_now
from exposure_app.services.checklist_service import ALL
from exposure_app.services.profile import Profile
from exposure_app.services.reports import REPORTS, ReportOptions, ReportResult, write_report
from exposure_app.ui.background import BackgroundCall
from exposure_app.ui.formatting import DATE_TIME_EDIT_FORMAT, sentence, utc_datetime
from exposure_app.ui.rich_text import escaped, plain
from exposure_app.ui.widgets.card_frames import ERROR_COLOUR
from exposure_app.ui.widgets.file_prompts import path_to_write


def export_in_own_store(profile: Profile, name: str, path: Path, options: ReportOptions
                        ) -> ReportResult:
    """Runs on the worker thread: its own store and settings, closed afterwards."""
    store = profile.open_store()
    try:
        return write_report(store, profile.load_settings(), name, path, options)
    finally:
        store.close()


class ExportDialog(QDialog):
    exported = Signal(object)   # ReportResult
    failed = Signal(str)

    def __init__(self, state, parent: QWidget | None = None, *, report: str = "exposure",
                 scope: str = ALL) -> None:
        super().__init__(parent)
        self.state = state
        self.setWindowTitle("Export a report")
        self._call: BackgroundCall | None = None
        self._replace_confirmed = ""
        self.written: ReportResult | None = None
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.report = QComboBox()
        self.report.setAccessibleName("Report")
        for spec in REPORTS.values():
            self.report.addItem(f"{spec.name}: {spec.description}", spec.name)
        self.report.setCurrentIndex(max(0, self.report.findData(report)))
        self.now = QCheckBox("Latest figures (now)")
        self.when = QDateTimeEdit()
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat(DATE_TIME_EDIT_FORMAT)
        self.when.setAccessibleName("As of")
        as_of = getattr(state, "as_of", None)
        self.now.setChecked(as_of is None)
        self.when.setDateTime(QDateTime.fromSecsSinceEpoch(int((as_of or utc_now()).timestamp())))
        self.when.setEnabled(as_of is not None)
        self.now.toggled.connect(lambda checked: self.when.setEnabled(not checked))
        when_row = QHBoxLayout()
        when_row.addWidget(self.now)
        when_row.addWidget(self.when, 1)
        self.scope = QComboBox()
        self.scope.setAccessibleName("Custodian")
        self.scope.addItem("All custodians", ALL)
        data = getattr(state, "data", None)
        for row in getattr(getattr(data, "report", None), "counterparties", ()):
            if row.direct > 0 or row.affiliated > 0:
                self.scope.addItem(row.name, row.counterparty)
        self.scope.setCurrentIndex(max(0, self.scope.findData(scope)))
        self.all_snapshots = QCheckBox("Every snapshot, not only the latest of each account")
        self.path = QLineEdit()
        self.path.setAccessibleName("File")
        browse = QPushButton("Choose…")
        browse.clicked.connect(self.choose_file)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path, 1)
        path_row.addWidget(browse)
        form.addRow("Report", self.report)
        form.addRow("As of", when_row)
        form.addRow("Plan for", self.scope)
        form.addRow("Holdings", self.all_snapshots)
        form.addRow("File", path_row)
        layout.addLayout(form)
        note = QLabel("CSV, UTF-8, one header row (<a href='#columns'>what each column "
                      "means</a>). Text that a spreadsheet would run as a formula starts with "
                      "a quote (').")
        note.setWordWrap(True)
        note.setTextFormat(Qt.TextFormat.RichText)
        note.linkActivated.connect(lambda _link: self.show_columns())
        self.note = note
        layout.addWidget(note)
        self.status = QLabel()
        self.status.setTextFormat(Qt.TextFormat.RichText)   # escaped: "a&b" is not "a&amp;b"
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Export status")
        layout.addWidget(self.status)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                        | QDialogButtonBox.StandardButton.Close)
        self.buttons.accepted.connect(self.start_export)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.report.currentIndexChanged.connect(self._update_fields)
        self._update_fields()

    def _update_fields(self) -> None:
        name = self.report.currentData()
        self.scope.setEnabled(name == "checklist")
        self.all_snapshots.setEnabled(name == "holdings")
        if not self.path.text() or Path(self.path.text()).stem in REPORTS:
            folder = Path(self.path.text()).parent if self.path.text() else Path.home()
            self.path.setText(str(folder / f"{name}.csv"))

    def choose_file(self) -> None:
        path = path_to_write(self, "Export report", self.path.text(), "CSV files (*.csv)")
        if path is not None:
            self.path.setText(str(path))
            self._replace_confirmed = str(path)   # the file dialog asked already

    def options(self) -> ReportOptions:
        as_of: datetime | None = None
        if not self.now.isChecked():
            as_of = utc_datetime(self.when.dateTime())
        return ReportOptions(as_of=as_of or utc_now(), scope=self.scope.currentData() or ALL,
                             all_snapshots=self.all_snapshots.isChecked())

    def start_export(self, options: ReportOptions | None = None) -> BackgroundCall | None:
        """Start writing on a worker; ``options`` (tests) overrides the form."""
        text = self.path.text().strip()
        if not text:
            self._show_error("Choose a file to write.")
            return None
        if self._call is not None and self._call.is_running():
            return self._call
        if Path(text).is_dir():
            self._show_error(f"{text} is a folder: choose a file name.")
            return None
        if (Path(text).exists() and text != self._replace_confirmed
                and not self.confirm_replace(Path(text))):
            self._show_info("Not written: the existing file was kept.")
            return None
        name = self.report.currentData()
        opts = options if isinstance(options, ReportOptions) else self.options()
        profile = self.state.profile
        self._show_info(f"Writing the {name} report…")
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(False)
        call = BackgroundCall(lambda: export_in_own_store(profile, name, Path(text), opts),
                              name="export", parent=self)
        call.done.connect(self._done)
        call.failed.connect(self._failed)
        self._call = call.start()
        return call

    def _done(self, result: ReportResult) -> None:
        self.written = result
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(True)
        self._show_info(f"Wrote {result.rows} row(s) to {result.path}.")
        self.exported.emit(result)

    def _failed(self, exc: BaseException) -> None:
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(True)
        self._show_error(f"The report was not written: {sentence(str(exc))}")
        self.failed.emit(str(exc))

    def confirm_replace(self, path: Path) -> bool:
        """Ask before overwriting an existing file (typed paths; the file dialog asks itself)."""
        answer = QMessageBox.question(
            self, "Replace the file?",
            plain(f"{path.name} already exists in {path.parent}. Replace it?"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def _show_error(self, text: str) -> None:
        self.status.setText(f"<span style='color:{ERROR_COLOUR}'><b>Error:</b> "
                            f"{escaped(text)}</span>")
        self.status.setProperty("kind", "error")

    def _show_info(self, text: str) -> None:
        self.status.setText(escaped(text))
        self.status.setProperty("kind", "info")

    def show_columns(self) -> QMessageBox:
        """The selected report's columns and what each holds (the in-app help)."""
        name = self.report.currentData()
        rows = "".join(f"<tr><td><b>{escaped(c.name)}</b></td><td>{escaped(c.doc)}</td></tr>"
                       for c in REPORTS[name].columns)
        box = QMessageBox(QMessageBox.Icon.Information, f"The {name} report's columns",
                          f"<table cellspacing='4'>{rows}</table>",
                          QMessageBox.StandardButton.Close, self)
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setModal(False)
        box.show()
        return box

    def done(self, code: int) -> None:   # Qt override: never leave the worker running
        if self._call is not None:
            self._call.wait(30)
        super().done(code)
