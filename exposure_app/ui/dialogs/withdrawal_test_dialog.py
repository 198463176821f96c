"""Record the result of a small test withdrawal (worked, delayed, failed).

A failed or delayed test becomes one of the user's events and feeds the risk
engine (see :mod:`exposure_app.services.reminders`).

Threading: GUI thread only; writes through the GUI thread's store.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from PySide6.QtCore import QDateTime, Qt, Signal
from PySide6.QtWidgets import QComboBox, QDateTimeEdit, QLabel, QLineEdit, QWidget

from exposure_app.domain.timeutil import utc_now
from exposure_app.services.reminders import ReminderError, record_test
from exposure_app.storage.checklist import TEST_RESULTS, WithdrawalTest
from exposure_app.storage.store import ProfileStore
from exposure_app.ui.dialogs.form_dialog import FormDialog
from exposure_app.ui.formatting import DATE_TIME_EDIT_FORMAT, utc_datetime

RESULT_LABELS = {
    "worked": "Worked: it arrived as expected",
    "delayed": "Delayed: it arrived late",
    "failed": "Failed: it did not arrive or was refused",
}


class WithdrawalTestDialog(FormDialog):
    recorded = Signal(object)   # the WithdrawalTest

    def __init__(self, store: ProfileStore, custodians: Sequence[tuple[str, str]],
                 parent: QWidget | None = None, *, counterparty: str | None = None) -> None:
        super().__init__("Record a test withdrawal", parent)
        self.store = store
        intro = QLabel("A small withdrawal now and then proves the custodian still pays out. "
                       "A failed or delayed test is added to your events and raises the "
                       "custodian's warning level.")
        intro.setWordWrap(True)
        self.body.addWidget(intro)
        self.custodian = QComboBox()
        for cp, name in custodians:
            self.custodian.addItem(name, cp)
        if counterparty is not None:
            index = self.custodian.findData(counterparty)
            if index >= 0:
                self.custodian.setCurrentIndex(index)
        self.outcome = QComboBox()
        for result in TEST_RESULTS:
            self.outcome.addItem(RESULT_LABELS[result], result)
        self.when = QDateTimeEdit(QDateTime.currentDateTimeUtc().toLocalTime())
        self.when.setDisplayFormat(DATE_TIME_EDIT_FORMAT)
        self.when.setCalendarPopup(True)
        self.asset = QLineEdit()
        self.asset.setPlaceholderText("e.g. USDT (optional)")
        self.network = QLineEdit()
        self.network.setPlaceholderText("e.g. TRC20 (optional)")
        self.note = QLineEdit()
        self.note.setPlaceholderText("transaction id, how long it took… (optional)")
        self.add_fields(("Custodian", self.custodian), ("Result", self.outcome),
                        ("When", self.when), ("Asset", self.asset), ("Network", self.network),
                        ("Note", self.note))
        self.finish(self.save)
        self.test: WithdrawalTest | None = None

    def tested_at(self) -> datetime:
        return utc_datetime(self.when.dateTime())

    def save(self) -> None:
        cp = self.custodian.currentData()
        if not cp:
            self._fail("There is no custodian to test.")
            return
        try:
            self.test = record_test(
                self.store, cp, self.outcome.currentData(), tested_at=self.tested_at(),
                asset=self.asset.text().strip().upper() or None,
                network=self.network.text().strip() or None, note=self.note.text(), now=utc_now(),
            )
        except ReminderError as exc:
            self._fail(str(exc))
            return
        self.recorded.emit(self.test)
        self.accept()

    def _fail(self, text: str) -> None:
        self.show_error(text)
        self.error.setFocus(Qt.FocusReason.OtherFocusReason)
