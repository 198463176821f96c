"""Risk events (shipped, yours, feed, derived) with a filter proxy.

Threading: GUI thread only.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtGui import QBrush, QColor

from exposure_app.risk.categories import WORDS
from exposure_app.risk.events import RiskEvent
from exposure_app.ui.formatting import format_compact_money
from exposure_app.ui.models.table_model import (
    Column,
    RowFilter,
    RowTableModel,
    TableColumns,
    number_column,
)

CATEGORY_LABELS = {c.value: words[:1].upper() + words[1:] for c, words in WORDS.items()}
"""Each category as the tables and filters name it: the words the warnings use, from the
one category table (a hand list here lacked six, shown as "key_person")."""
ORIGIN_LABELS = {"shipped": "History", "user": "Yours", "feed": "Feed", "derived": "Signal"}


class EventsModel(RowTableModel):
    class Columns(TableColumns):
        DATE = Column("Date", lambda e: e.date.isoformat(), sort=lambda e: e.date.toordinal())
        COUNTERPARTY = Column("Counterparty")       # by the model's names
        CATEGORY = Column("Category",
                          lambda e: CATEGORY_LABELS.get(e.category.value, e.category.value))
        TITLE = Column("Title", lambda e: e.title)
        MAGNITUDE = number_column("Magnitude", lambda e: e.magnitude_usd,
                                  lambda v: format_compact_money(v, "USD") if v is not None else "")
        ORIGIN = Column("Origin", lambda e: ORIGIN_LABELS.get(e.origin.value, e.origin.value))
        SOURCES = Column("Sources", lambda e: str(len(e.sources)), sort=lambda e: len(e.sources),
                         numeric=True)

    def __init__(self, names: dict[str, str] | None = None, parent=None) -> None:
        super().__init__(parent)
        self.names = dict(names or {})

    def display(self, e: RiskEvent, c) -> str:
        if c == self.Columns.COUNTERPARTY:
            return self.names.get(e.counterparty, e.counterparty)
        return super().display(e, c)

    def tooltip(self, e: RiskEvent, c):
        return e.summary or None

    def foreground(self, e: RiskEvent, c):
        if e.is_derived and c == self.Columns.ORIGIN:
            return QBrush(QColor("#e8710a"))
        return None


class EventsFilter(RowFilter):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.counterparty = ""
        self.category = ""
        self.since: date | None = None
        self.until: date | None = None
        self.text = ""

    def set_filter(self, *, counterparty: str = "", category: str = "",
                   since: date | None = None, until: date | None = None, text: str = "") -> None:
        def apply() -> None:
            self.counterparty, self.category = counterparty, category
            self.since, self.until, self.text = since, until, text.strip().casefold()

        self.change(apply)

    def accepts(self, e: RiskEvent) -> bool:
        if self.counterparty and e.counterparty != self.counterparty:
            return False
        if self.category and e.category.value != self.category:
            return False
        if self.since and e.date < self.since:
            return False
        if self.until and e.date > self.until:
            return False
        return not (self.text and self.text not in f"{e.title} {e.summary}".casefold())
