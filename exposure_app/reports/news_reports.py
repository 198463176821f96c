"""The ``suggestions`` report: events suggested from news, with their evidence.

Article text (titles, evidence sentences, file names) comes from outside, so it
goes through the one CSV writer like every other text cell: a cell that starts
like a formula is neutralised there.

Threading: pure; run anywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal

from exposure_app.reports.csv_safe import Kind
from exposure_app.reports.record_rows import RecordColumn, joined, record_rows
from exposure_app.risk.news.suggestion import Suggestion

T, D, DT, INT = Kind.TEXT, Kind.DECIMAL, Kind.DATE, Kind.INT

SUGGESTIONS_COLUMNS: tuple[RecordColumn[Suggestion], ...] = (
    RecordColumn("id", INT, "suggestion id (events accept ID)"),
    RecordColumn("status", T, "pending, accepted or rejected", cell=lambda s, _row: s.status.value),
    RecordColumn("date", DT, "the day the article says it happened"),
    RecordColumn("published", DT, "when the earliest article about it was published"),
    RecordColumn("counterparty", T, "counterparty id"),
    RecordColumn("category", T, "event category read from the article",
                 cell=lambda s, _row: s.category.value),
    RecordColumn("amount_usd", D, "the dollar figure the article gives, if any"),
    RecordColumn("period_days", INT, "the period that figure covers, if stated"),
    RecordColumn("title", T, "title in plain words"),
    RecordColumn("evidence", T, "the sentence the suggestion rests on"),
    RecordColumn("sources", T, "article URLs or file names, separated by ' | '",
                 cell=lambda s, _row: joined(s.sources)),
    RecordColumn("confidence", D, "0 to 1: how sure the reading is",
                 cell=lambda s, _row: Decimal(str(s.confidence))),
    RecordColumn("duplicate_of", T, "id of a known event it repeats, if any"),
    RecordColumn("event_id", T, "your event made from it, once accepted"),
)


def suggestions_rows(suggestions: Iterable[Suggestion]) -> Iterator[tuple]:
    return record_rows(SUGGESTIONS_COLUMNS, suggestions)
