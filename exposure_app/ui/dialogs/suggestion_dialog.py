"""Edit a suggested event's fields, then accept it (Events page → Suggestions → Edit…).

Threading: GUI thread; accepting writes through the GUI thread's store.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QComboBox, QDateEdit, QLineEdit, QPlainTextEdit, QWidget

from exposure_app.risk.events import CATEGORIES
from exposure_app.risk.news.suggestion import Suggestion
from exposure_app.ui.dialogs.form_dialog import Buttons, FormDialog
from exposure_app.ui.formatting import DATE_EDIT_FORMAT

_URL = re.compile(r"^\s*https?://\S+\s*$", re.I)


class SuggestionDialog(FormDialog):
    """Edit a suggestion's fields before accepting it."""

    def __init__(self, suggestion: Suggestion, names: dict[str, str], store,
                 parent: QWidget | None = None) -> None:
        super().__init__("Edit and accept the suggestion", parent)
        self.suggestion = suggestion
        self.store = store
        self.day = QDateEdit(QDate(suggestion.date.year, suggestion.date.month,
                                   suggestion.date.day))
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat(DATE_EDIT_FORMAT)
        self.counterparty = QComboBox()
        for cp_id, name in sorted(names.items(), key=lambda kv: kv[1].casefold()):
            self.counterparty.addItem(name, cp_id)
        self.counterparty.setCurrentIndex(max(0, self.counterparty.findData(
            suggestion.counterparty)))
        self.category = QComboBox()
        for category in CATEGORIES:
            self.category.addItem(category.replace("_", " "), category)
        self.category.setCurrentIndex(self.category.findData(suggestion.category.value))
        self.amount = QLineEdit("" if suggestion.amount_usd is None
                                else f"{suggestion.amount_usd:f}")
        self.amount.setPlaceholderText("US dollars (optional)")
        self.title_edit = QLineEdit(suggestion.title)
        self.sources = QPlainTextEdit("\n".join(s for s in suggestion.sources if _URL.match(s)))
        self.sources.setPlaceholderText("The article's web address (one per line)")
        self.add_fields(("Date", self.day), ("Custodian", self.counterparty),
                        ("Category", self.category), ("Amount (USD)", self.amount),
                        ("Title", self.title_edit), ("Sources", self.sources))
        buttons = self.finish(self.save, buttons=Buttons.Ok | Buttons.Cancel,
                              error_name="Suggestion error")
        buttons.button(Buttons.Ok).setText("Accept")

    def save(self) -> bool:
        from exposure_app.services.suggestions import SuggestionError, accept

        text = self.amount.text().strip().replace(",", "").lstrip("$")
        try:
            amount = Decimal(text) if text else None
        except ArithmeticError:
            self.show_error("The amount is not a number.")
            return False
        qd = self.day.date()
        try:
            accept(self.store, self.suggestion.id, day=date(qd.year(), qd.month(), qd.day()),
                   category=self.category.currentData(), amount_usd=amount,
                   counterparty=self.counterparty.currentData(),
                   title=self.title_edit.text(),
                   sources=tuple(self.sources.toPlainText().split()))
        except SuggestionError as exc:
            self.show_error(str(exc))
            return False
        self.accept()
        return True
