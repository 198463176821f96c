"""Add one of your own risk events, or edit one (validated by the risk service).

In edit mode (``editing=`` one of the user's events) the fields start with the
event's values and its id stays; saving replaces the event only if the whole
result is valid. Fields the dialog does not show (a resolution recorded with
the CLI) are kept.

Threading: GUI thread only.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QDateEdit, QLineEdit, QPlainTextEdit, QWidget

from exposure_app.risk.events import CATEGORIES, EventError, RiskEvent, format_published
from exposure_app.storage.errors import StorageError
from exposure_app.storage.store import ProfileStore
from exposure_app.ui.dialogs.form_dialog import FormDialog
from exposure_app.ui.formatting import DATE_EDIT_FORMAT
from exposure_app.ui.models.events_model import CATEGORY_LABELS


def suggested_id(counterparty: str, day: str, title: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:40] or "event"
    return f"user-{counterparty}-{day}-{slug}"[:100]


class EventDialog(FormDialog):
    def __init__(self, store: ProfileStore, parent: QWidget | None = None,
                 counterparty: str | None = None, *, editing: RiskEvent | None = None) -> None:
        super().__init__("Edit your event" if editing else "Add an event", parent)
        self.store = store
        self.editing = editing
        self.created: RiskEvent | None = None
        if editing is not None:
            counterparty = editing.counterparty
        self.resize(560, 480)
        self.counterparty = QComboBox()
        for cp in sorted(store.risk.directory(), key=lambda c: c.name.casefold()):
            self.counterparty.addItem(cp.name, cp.id)
        if counterparty:
            index = self.counterparty.findData(counterparty)
            self.counterparty.setCurrentIndex(max(index, 0))
        self.date = QDateEdit(QDate.currentDate())
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat(DATE_EDIT_FORMAT)
        self.date.setMaximumDate(QDate.currentDate())
        self.category = QComboBox()
        for category in CATEGORIES:
            self.category.addItem(CATEGORY_LABELS.get(category, category), category)
        self.title_edit = QLineEdit()
        self.summary = QPlainTextEdit()
        self.summary.setPlaceholderText("What happened, in your words.")
        self.sources = QPlainTextEdit()
        self.sources.setPlaceholderText("One source URL per line (https://…)")
        self.sources.setMaximumHeight(70)
        for text in (self.summary, self.sources):
            text.setTabChangesFocus(True)   # Tab moves on, as in every other field
        self.magnitude = QLineEdit()
        self.magnitude.setPlaceholderText("optional, USD")
        self.published = QLineEdit()
        self.published.setPlaceholderText("when it became public, YYYY-MM-DD (empty: now)")
        self.add_fields(("Counterparty", self.counterparty), ("Date", self.date),
                        ("Published", self.published), ("Category", self.category),
                        ("Title", self.title_edit), ("Summary", self.summary),
                        ("Sources", self.sources), ("Magnitude", self.magnitude))
        if editing is not None:
            self._fill(editing)
        self.finish(self.save, error_name="Problems")

    def _fill(self, event: RiskEvent) -> None:
        self.date.setDate(QDate(event.date.year, event.date.month, event.date.day))
        self.category.setCurrentIndex(max(self.category.findData(str(event.category)), 0))
        self.title_edit.setText(event.title)
        self.summary.setPlainText(event.summary)
        self.sources.setPlainText("\n".join(event.sources))
        if event.magnitude_usd is not None:
            self.magnitude.setText(str(event.magnitude_usd))
        self.published.setText(format_published(event.published))

    def raw(self) -> dict:
        cp = self.counterparty.currentData() or ""
        day = self.date.date().toString("yyyy-MM-dd")
        raw = {
            "id": self.editing.id if self.editing else suggested_id(cp, day, self.title_edit.text()),
            "date": day,
            "counterparty": cp,
            "category": self.category.currentData(),
            "title": self.title_edit.text(),
            "summary": self.summary.toPlainText(),
            "sources": self.sources.toPlainText().split(),
        }
        if self.magnitude.text().strip():
            raw["magnitude_usd"] = self.magnitude.text().strip()
        if self.published.text().strip():
            raw["published"] = self.published.text().strip()
        return raw

    def save(self) -> bool:
        from exposure_app.services.risk_service import add_user_event, edit_user_event

        try:
            if self.editing is None:
                self.created = add_user_event(self.store, self.raw())
            else:
                raw = self.raw()
                clear = () if "magnitude_usd" in raw else ("magnitude_usd",)
                self.created = edit_user_event(self.store, self.editing.id, raw, clear=clear)
        except EventError as exc:
            self.show_error("Not saved:\n• " + "\n• ".join(exc.problems))
            return False
        except StorageError as exc:
            self.show_error(f"Not saved: {exc}")
            return False
        self.accept()
        return True
