"""The ``suggestions`` report: events suggested from news, with their evidence.

Article text (titles, evidence sentences, file names) comes from outside, so it
goes through the one CSV writer like every other text cell: a cell that starts
like a formula is neutralised there.

Threading: pure; run anywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from exposure_app.reports.csv_safe import Column, Kind

T, D, DT, INT = Kind.TEXT, Kind.DECIMAL, Kind.DATE, Kind.INT
LIST_SEPARATOR = " | "

SUGGESTIONS_COLUMNS = (
    Column("id", INT, "suggestion id (events accept ID)"),
    Column("status", T, "pending, accepted or rejected"),
    Column("date", DT, "the day the article says it happened"),
    Column("published", DT, "when the earliest article about it was published"),
    Column("counterparty", T, "counterparty id"),
    Column("category", T, "event category read from the article"),
    Column("amount_usd", D, "the dollar figure the article gives, if any"),
    Column("period_days", INT, "the period that figure covers, if stated"),
    Column("title", T, "title in plain words"),
    Column("evidence", T, "the sentence the suggestion rests on"),
    Column("sources", T, "article URLs or file names, separated by ' | '"),
    Column("confidence", D, "0 to 1: how sure the reading is"),
    Column("duplicate_of", T, "id of a known event it repeats, if any"),
    Column("event_id", T, "your event made from it, once accepted"),
)


def suggestions_rows(suggestions: Iterable[Any]) -> Iterator[tuple]:
    from decimal import Decimal

    for s in suggestions:
        yield (
            s.id, s.status.value, s.date, s.published, s.counterparty, s.category.value,
            s.amount_usd, s.period_days, s.title, s.evidence, LIST_SEPARATOR.join(s.sources),
            Decimal(str(s.confidence)), s.duplicate_of, s.event_id,
        )
