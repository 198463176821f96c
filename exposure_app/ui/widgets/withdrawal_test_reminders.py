"""The Checklist page's withdrawal-test reminders: what is due, each custodian's interval,
recording a test, and the tray notice.

A small test withdrawal is the one check a user can make that a custodian
still pays out; the reminders say when each custodian is due one
(``services.reminders``). A custodian and due date is announced in the tray
once per session, whether the window's refresh or this widget sees it first.
Recording a result goes through :class:`WithdrawalTestDialog`; a failed or
delayed test becomes a user event, so the window is told to refresh its
warnings.

Threading: GUI thread only; reads and writes through the GUI thread's store.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from exposure_app.services.reminders import ReminderError, proof_of_keys_prompt, reminders, set_interval
from exposure_app.ui.widgets.card_frames import plain_text

if TYPE_CHECKING:
    from exposure_app.ui.view_state import ViewData

TRAY_RETRY_MS = 3000


class WithdrawalTestReminders(QWidget):
    """See the module docstring. ``reminders_due`` carries the newly due ``Reminder`` tuple."""

    message = Signal(str, str)        # text, kind
    reminders_due = Signal(object)    # tuple[Reminder, ...] newly due

    def __init__(self, state, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self._reminders: list = []
        self._notified: set[tuple[str, object]] = set()
        self._pending_tray: list = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        due_row = QHBoxLayout()
        self.reminder_label = plain_text(QLabel())   # custodian names, as written
        self.reminder_label.setWordWrap(True)
        self.reminder_label.setAccessibleName("Withdrawal-test reminders")
        self.test_button = QPushButton("Record a test withdrawal…")
        self.test_button.clicked.connect(lambda: self.record_test())
        due_row.addWidget(self.reminder_label, 1)
        due_row.addWidget(self.test_button)
        layout.addLayout(due_row)
        # the interval row, hidden while no custodian holds anything (an empty list and "off")
        self.interval_row = QWidget()
        interval = QHBoxLayout(self.interval_row)
        interval.setContentsMargins(0, 0, 0, 0)
        self.interval_custodian = QComboBox()
        self.interval_custodian.setAccessibleName("Reminder custodian")
        self.interval_days = QSpinBox()
        self.interval_days.setRange(0, 3650)
        self.interval_days.setSuffix(" days")
        self.interval_days.setSpecialValueText("off")
        self.interval_days.setAccessibleName("Reminder interval")
        self.interval_apply = QPushButton("Set")
        self.interval_apply.clicked.connect(lambda: self.apply_interval())
        self.interval_default = QPushButton("Use the default")
        self.interval_default.clicked.connect(lambda: self.apply_interval(default=True))
        self.interval_custodian.currentIndexChanged.connect(lambda _i: self._show_interval())
        interval.addWidget(QLabel("Test reminder for"))
        interval.addWidget(self.interval_custodian)
        interval.addWidget(QLabel("every"))
        interval.addWidget(self.interval_days)
        interval.addWidget(self.interval_apply)
        interval.addWidget(self.interval_default)
        interval.addStretch(1)
        layout.addWidget(self.interval_row)

    def show_reminders(self, data: ViewData | None = None) -> None:
        """Reminders as of now; reuses the window's account states when they are live."""
        states = data.report.accounts if data is not None and data.live else None
        every = reminders(self.state.store, self.state.settings, states=states)
        self._reminders = every
        current = self.interval_custodian.currentData()
        self.interval_custodian.blockSignals(True)
        self.interval_custodian.clear()
        for r in sorted(every, key=lambda r: r.name.lower()):
            self.interval_custodian.addItem(r.name, r.counterparty)
        self.interval_custodian.setCurrentIndex(max(0, self.interval_custodian.findData(current)))
        self.interval_custodian.blockSignals(False)
        self._show_interval()
        due = [r for r in every if r.is_due]
        self.notify(due)
        self.interval_row.setVisible(bool(every))
        self.test_button.setEnabled(bool(every))
        if not every:
            self.reminder_label.setText(
                "No withdrawal test to plan: no custodian holds anything of yours yet.")
        elif due:
            self.reminder_label.setText("Withdrawal tests due: " + "; ".join(r.message for r in due))
        else:
            upcoming = [r for r in every if r.enabled and not r.withdrawals_blocked]
            self.reminder_label.setText(
                "No withdrawal test is due." + (f" Next: {upcoming[0].message}." if upcoming else ""))
        prompt = proof_of_keys_prompt(self.state.settings)   # optional, 3-9 January
        if prompt:
            self.reminder_label.setText(f"{self.reminder_label.text()} {prompt}")

    def _show_interval(self) -> None:
        cp = self.interval_custodian.currentData()
        current = next((r for r in self._reminders if r.counterparty == cp), None)
        enabled = current is not None
        for widget in (self.interval_days, self.interval_apply, self.interval_default):
            widget.setEnabled(enabled)
        if current is not None:
            self.interval_days.setValue(current.interval_days)

    def apply_interval(self, *, default: bool = False) -> None:
        """Save the selected custodian's reminder interval (0 = off, or back to the default)."""
        cp = self.interval_custodian.currentData()
        if not cp:
            return
        try:
            set_interval(self.state.store, cp, None if default else self.interval_days.value())
        except ReminderError as exc:
            self.message.emit(str(exc), "error")
            return
        self.show_reminders()
        self.message.emit("Reminder saved.", "info")

    def notify(self, due) -> None:
        """Announce the reminders of ``due`` not yet announced this session."""
        new = tuple(r for r in due if (r.counterparty, r.due_at) not in self._notified)
        if not new:
            return
        self._notified.update((r.counterparty, r.due_at) for r in new)
        self.reminders_due.emit(new)
        self._pending_tray.extend(new)
        if not self._deliver_to_tray():
            # the tray icon is created after the window's first refresh: try again shortly
            QTimer.singleShot(TRAY_RETRY_MS, self, self._deliver_to_tray)

    def _deliver_to_tray(self) -> bool:
        tray = getattr(self.window(), "tray", None)
        if not self._pending_tray:
            return True
        if tray is None or not tray.isVisible() or not tray.supportsMessages():
            return False
        names = ", ".join(r.name for r in self._pending_tray)
        self._pending_tray.clear()
        tray.showMessage("Time for a test withdrawal",
                         f"{names}: a small test withdrawal proves withdrawals still work. "
                         "Record the result on the Checklist page.",
                         tray.MessageIcon.Information, 10_000)
        return True

    def record_test(self, counterparty: str | None = None):
        """Open the dialog that records a test withdrawal (window-modal); returns it."""
        from exposure_app.ui.dialogs.withdrawal_test_dialog import WithdrawalTestDialog

        custodians = [(r.counterparty, r.name)
                      for r in reminders(self.state.store, self.state.settings)]
        dialog = WithdrawalTestDialog(self.state.store, custodians, self, counterparty=counterparty)
        dialog.recorded.connect(lambda _t: self._after_test())
        QDialog.open(dialog)
        return dialog

    def _after_test(self) -> None:
        self.show_reminders()
        mark = getattr(self.state, "mark_dirty", None)
        if mark is not None:
            mark()           # a failed test is a new event: warnings change
