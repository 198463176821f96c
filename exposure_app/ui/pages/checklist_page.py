"""The self-custody checklist page: make a plan, tick it off, export or print it.

One click makes a plan for one custodian or all of them (from a warning, a
custodian's row in the overview — :meth:`ChecklistPage.open_for` — or here).
Ticks and notes are saved in the profile at once and survive restarts; an
asset that a later sync shows gone is ticked automatically. The plan can be
exported as CSV or Markdown (the same writers as the CLI) and printed or
saved as PDF through Qt's print support. The app never withdraws.

Below the plan sit the withdrawal-test reminders
(:class:`WithdrawalTestReminders`), with a button to record a result.

Threading: GUI thread only; reads and writes through the GUI thread's store.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import (
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QTextDocument
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from exposure_app.domain.checklist import NEVER_WITHDRAWS
from exposure_app.domain.checklist_rows import ChecklistRow
from exposure_app.reports.markdown import plan_markdown
from exposure_app.services.checklist_service import (
    ALL,
    ChecklistError,
    ChecklistView,
    close_moved_items,
    open_checklist,
    set_item,
    view_checklist,
)
from exposure_app.services.reports import ReportError, ReportOptions, write_report
from exposure_app.ui.models.checklist_model import ChecklistModel, Col, format_money
from exposure_app.ui.widgets.action_button import menu_button
from exposure_app.ui.widgets.card_frames import plain_text
from exposure_app.ui.widgets.file_prompts import path_to_write
from exposure_app.ui.widgets.table_columns import OneLine, WidthKeeper, data_table, fit_columns
from exposure_app.ui.widgets.tick_boxes import TickBoxDelegate
from exposure_app.ui.widgets.withdrawal_test_reminders import WithdrawalTestReminders

ITEM_WIDTH = 420
"""The widest the "What to do" column is fitted (longer titles wrap)."""
ITEM_READABLE = 220
"""The narrowest the "What to do" column gets while the other text columns can give way: a
step wraps over two or three lines at 1024 px, not five."""
TEXT_WIDTH = 300
"""The widest the other text columns are fitted (longer text ends in "…")."""


class ChecklistPage(QWidget):
    """See the module docstring.

    ``reminders_due`` is emitted (once per custodian and due date in a session)
    when withdrawal tests fall due; they are also shown as a tray notification
    when the window has a visible ``tray`` icon.
    """

    title = "Checklist"
    message = Signal(str, str)   # text, kind
    reminders_due = Signal(object)   # tuple[Reminder, ...] newly due

    def __init__(self, state, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.view: ChecklistView | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        heading = QLabel("Move to self-custody")
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        heading.setFont(font)
        layout.addWidget(heading)
        notice = QLabel(NEVER_WITHDRAWS)
        notice.setWordWrap(True)
        notice.setAccessibleName("Notice")
        layout.addWidget(notice)

        bar = QHBoxLayout()
        self.scope = QComboBox()
        self.scope.setAccessibleName("Plan for")
        self.scope.setMinimumWidth(200)
        self.make_button = QPushButton("Make plan")
        self.make_button.setAccessibleName("Make plan")
        self.make_button.clicked.connect(lambda: self.open_for(self.scope.currentData()))
        # the plan's four outputs share one menu: as four buttons beside the plan's own
        # they pushed "Send to watched address…" into a clipped stub at 1024 px
        self.csv_action = QAction("Export CSV…", self)
        self.csv_action.triggered.connect(lambda: self.export_csv())
        self.md_action = QAction("Export Markdown…", self)
        self.md_action.triggered.connect(lambda: self.export_markdown())
        self.print_action = QAction("Print…", self)
        self.print_action.triggered.connect(lambda: self.print_plan())
        self.pdf_action = QAction("Save as PDF…", self)
        self.pdf_action.triggered.connect(lambda: self.save_pdf())
        self.output_button = menu_button(
            "Save or print", (self.csv_action, self.md_action, self.print_action,
                              self.pdf_action), self)
        self.output_button.setToolTip("Export the plan as CSV or Markdown, print it or save "
                                      "it as PDF")
        self.destination_button = QPushButton("Send to watched address…")
        self.destination_button.setToolTip("Choose the watch-only address this withdrawal goes "
                                           "to; a sync ticks it when the coins arrive")
        self.destination_button.clicked.connect(lambda: self.choose_destination())
        bar.addWidget(QLabel("Plan for"))
        bar.addWidget(self.scope)
        bar.addWidget(self.make_button)
        bar.addWidget(self.destination_button)
        bar.addStretch(1)
        bar.addWidget(self.output_button)
        layout.addLayout(bar)

        # custodian names and their withdrawal notes: shown as written
        self.summary = plain_text(QLabel("Choose a custodian (or all) and make a plan."))
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName("Plan summary")
        layout.addWidget(self.summary)
        self.model = ChecklistModel(self)
        self.model.on_edit = self._edit
        # as the other tables: no sideways scroll bar at 1024 px; the text columns give
        # way (one line, "…", the whole text in the tooltip), the numbers keep their room
        self.table = data_table(self.model, "Checklist items", wrap=True)
        self.table.setItemDelegateForColumn(Col.DONE, TickBoxDelegate(self.table))
        self._one_line = OneLine(self.table)
        for column in ChecklistModel.ELIDED:
            self.table.setItemDelegateForColumn(column, self._one_line)
        self.widths = WidthKeeper(self.table, shrinkable=ChecklistModel.ELIDED,
                                  wrapped=ChecklistModel.WRAPPED, readable=ITEM_READABLE,
                                  stretch=Col.NOTE, trim=True)
        self.widths.refitted.connect(self.table.resizeRowsToContents)
        self._fit_columns()   # before a plan: each column as wide as its header
        layout.addWidget(self.table, 1)

        self.reminders = WithdrawalTestReminders(state, self)
        self.reminders.message.connect(self.message)
        self.reminders.reminders_due.connect(self.reminders_due)
        layout.addWidget(self.reminders)
        self.status = plain_text(QLabel())
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Status")
        layout.addWidget(self.status)
        self.message.connect(lambda text, _kind: self._status(text))
        self._set_export_enabled(False)

    def _status(self, text: str) -> None:
        self.status.setText(text)
        self.status.setVisible(bool(text))

    # -- data ------------------------------------------------------------------------

    def show_data(self, data) -> None:
        """Called by the window after each refresh: custodians and reminders; plan reload."""
        current = self.scope.currentData()
        self.scope.blockSignals(True)
        self.scope.clear()
        self.scope.addItem("All custodians", ALL)
        for row in data.report.counterparties:
            if row.direct > 0 or row.affiliated > 0:
                self.scope.addItem(row.name, row.counterparty)
        self.scope.setCurrentIndex(max(0, self.scope.findData(current or ALL)))
        self.scope.blockSignals(False)
        self.model.currency = data.report.base_currency
        self.reminders.show_reminders(data)
        self._status("")
        if self.view is not None:
            live = getattr(data, "live", True)
            self._reload(list(data.report.accounts) if live else None, data.report.as_of)

    def _levels(self) -> dict[str, str]:
        data = getattr(self.state, "_data", None)
        levels = getattr(data, "levels", None) if data is not None else None
        return dict(levels) if levels is not None else {}

    def open_for(self, counterparty_id: str | None) -> None:
        """Make (or refresh) the plan for ``counterparty_id`` (``None``/"all": every custodian)."""
        scope = counterparty_id or ALL
        index = self.scope.findData(scope)
        if index >= 0:
            self.scope.setCurrentIndex(index)
        try:
            self.view = open_checklist(self.state.store, self.state.settings, scope,
                                       levels=self._levels())
        except ChecklistError as exc:
            self.summary.setText(str(exc))
            self.message.emit(str(exc), "error")
            return
        if index < 0:
            self.scope.addItem(self.view.scope_name, self.view.scope)
            self.scope.setCurrentIndex(self.scope.count() - 1)
        self._show_view()

    def _reload(self, states=None, as_of=None) -> None:
        """Rebuild the shown plan from the latest data (the window's states when given)."""
        if self.view is None:
            return
        if states is not None:
            # hand-edited holdings (manual accounts) close items too, not only a sync
            close_moved_items(self.state.store, states=states)
        self.view = view_checklist(self.state.store, self.state.settings, self.view.scope,
                                   levels=self._levels(), states=states,
                                   as_of=as_of if states is not None else None)
        self._show_view()

    def _show_view(self) -> None:
        view = self.view
        if view is None:
            return
        self.model.currency = view.base_currency
        self.model.set_rows(view.rows)
        total = len(view.rows)
        notes = "; ".join(f"{s.name}: {s.withdrawal_info_note}" for s in view.plan.sections
                          if s.withdrawal_info_note)
        self.summary.setText(
            f"Plan for {view.scope_name}: {view.done_count} of {total} done; still to move "
            f"{format_money(view.remaining_value, view.base_currency)}."
            + (f" {notes}." if notes else ""))
        self._fit_columns()
        self._set_export_enabled(True)

    def _fit_columns(self) -> None:
        """Columns fitted to header and content, then kept within the table's width."""
        fit_columns(self.table, elided=ChecklistModel.ELIDED, max_width=TEXT_WIDTH,
                    stretch=Col.NOTE)
        self.table.setColumnWidth(Col.ITEM, min(self.table.columnWidth(Col.ITEM), ITEM_WIDTH))
        self.widths.fitted()
        self.table.resizeRowsToContents()

    def _edit(self, row: ChecklistRow, done: bool | None, note: str | None) -> bool:
        if self.view is None or self.view.plan_id is None:
            return False
        try:
            set_item(self.state.store, self.view.plan_id, row.item_key, done=done, note=note)
        except ChecklistError as exc:
            self.message.emit(str(exc), "error")
            return False
        self._reload()
        return True

    def choose_destination(self, row: ChecklistRow | None = None):
        """The selected withdrawal item's destination (``withdrawal_destination_dialog``)."""
        from exposure_app.ui.dialogs.withdrawal_destination_dialog import (
            WithdrawalDestinationDialog,
        )

        if row is None:
            selected = self.table.selectionModel().selectedRows()
            rows = self.model.rows
            row = rows[selected[0].row()] if selected and selected[0].row() < len(rows) else None
        if self.view is None or self.view.plan_id is None or row is None or row.kind != "asset":
            self.message.emit("Select a withdrawal (an asset) in the plan first.", "info")
            return None
        dialog = WithdrawalDestinationDialog(self.state.store, self.view.plan_id, row, self)
        dialog.accepted.connect(lambda: self._reload())
        dialog.open()
        return dialog

    def _set_export_enabled(self, enabled: bool) -> None:
        for action in (self.csv_action, self.md_action, self.print_action, self.pdf_action):
            action.setEnabled(enabled)

    # -- reminders -------------------------------------------------------------------

    def notify_due(self, due) -> None:
        """Tray notice for reminders due now, even before this page is shown.

        The window calls it after each live refresh with ``ViewData.due_reminders``;
        a custodian and due date is announced once per session, whichever of this
        and :meth:`show_data` sees it first.
        """
        self.reminders.notify([r for r in due if r.is_due])

    def record_test(self, counterparty: str | None = None):
        return self.reminders.record_test(counterparty)

    # -- export and print ----------------------------------------------------------------

    def _save(self, path: Path | None, title: str, suffix: str, filter_: str,
              write: Callable[[Path, ChecklistView], object]) -> Path | None:
        """Write the shown plan to ``path`` (asked for when ``None``) and say where it went."""
        view = self.view
        if view is None:
            return None
        path = path_to_write(self, title, Path.home() / f"checklist-{view.scope}{suffix}", filter_,
                             path)
        if path is None:
            return None
        try:
            write(path, view)
        except ReportError as exc:
            self.message.emit(str(exc), "error")
            return None
        self.message.emit(f"Saved the plan to {path}.", "info")
        return path

    def export_csv(self, path: Path | None = None) -> Path | None:
        return self._save(path, "Export the plan as CSV", ".csv", "CSV files (*.csv)",
                          lambda path, view: write_report(
                              self.state.store, self.state.settings, "checklist", path,
                              ReportOptions(as_of=view.as_of, scope=view.scope)))

    def markdown(self) -> str:
        assert self.view is not None
        return plan_markdown(self.view.rows, as_of=self.view.as_of, scope_name=self.view.scope_name,
                             base_currency=self.view.base_currency)

    def export_markdown(self, path: Path | None = None) -> Path | None:
        from exposure_app.services.reports import write_checklist_markdown

        return self._save(path, "Export the plan as Markdown", ".md", "Markdown (*.md)",
                          lambda path, view: write_checklist_markdown(
                              self.state.store, self.state.settings, path, scope=view.scope,
                              as_of=view.as_of))

    def document(self) -> QTextDocument:
        doc = QTextDocument(self)
        doc.setMarkdown(self.markdown())
        return doc

    def print_plan(self):
        """Open the system's print dialog (window-modal, no nested event loop); print on OK."""
        if self.view is None:
            return None
        from PySide6.QtPrintSupport import QPrintDialog, QPrinter

        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("Print the plan")
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        # the printer must outlive this call: the dialog keeps it until it closes
        dialog.accepted.connect(lambda: self.document().print_(printer))
        QDialog.open(dialog)   # QPrintDialog.open() takes a receiver in PySide6
        return dialog

    def save_pdf(self, path: Path | None = None) -> Path | None:
        return self._save(path, "Save the plan as PDF", ".pdf", "PDF (*.pdf)", self._write_pdf)

    def _write_pdf(self, path: Path, view: ChecklistView) -> None:
        from PySide6.QtGui import QPageSize, QPdfWriter

        writer = QPdfWriter(str(path))
        writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
        writer.setTitle(f"Move to self-custody: {view.scope_name}")
        self.document().print_(writer)
