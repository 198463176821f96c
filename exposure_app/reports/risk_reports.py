"""The ``warnings`` and ``events`` reports: columns and rows.

Rows are read from the risk engine's records by attribute (``counterparty``,
``level``, ``reasons``, ``events``...), the same names as the ``warnings
--json`` contract, so these writers do not depend on the engine's classes.

Threading: pure; run anywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime
from decimal import Decimal
from typing import Any

from exposure_app.reports.csv_safe import Kind, money_or_none
from exposure_app.reports.record_rows import (
    RecordColumn,
    RowContext,
    as_of_cell,
    base_currency_cell,
    decimal_of,
    field_of,
    joined,
    record_rows,
    text_cell,
)

T, D, TM, DT, INT = Kind.TEXT, Kind.DECIMAL, Kind.TIME, Kind.DATE, Kind.INT


def _exposure(warning: Any, name: str) -> Decimal | None:
    """One figure of the warning's exposure (``value`` falls back to ``total``, or to the
    warning's own ``value`` where it has no exposure record)."""
    exposure = field_of(warning, "exposure")
    if exposure is None:
        return decimal_of(field_of(warning, name)) if name == "value" else None
    return decimal_of(field_of(exposure, name, "total") if name == "value" else field_of(exposure, name))


def _money(name: str) -> Any:
    return lambda w, row: money_or_none(_exposure(w, name), row.base_currency)


def _event_sources(warning: Any, _row: RowContext) -> str:
    """The cited events' source URLs, each once, in order."""
    sources: list[str] = []
    for event in field_of(warning, "events") or ():
        for url in field_of(event, "sources") or ():
            if url not in sources:
                sources.append(str(url))
    return joined(sources)


WARNINGS_COLUMNS: tuple[RecordColumn[Any], ...] = (
    RecordColumn("as_of", TM, "the instant the warnings are for (no later data counts)",
                 cell=as_of_cell),
    RecordColumn("base_currency", T, "currency of the value columns", cell=base_currency_cell),
    RecordColumn("rank", INT, "1 = most severe", cell=lambda _w, row: row.position),
    RecordColumn("counterparty", T, "counterparty id", cell=text_cell("counterparty")),
    RecordColumn("name", T, "display name", cell=text_cell("name")),
    RecordColumn("level", T, "info, low, medium, high or critical", cell=text_cell("level")),
    RecordColumn("exposure", D, "direct + affiliated value", cell=_money("value")),
    RecordColumn("share", D, "exposure as a fraction of net worth",
                 cell=lambda w, _row: _exposure(w, "share")),
    RecordColumn("direct", D, "value the counterparty holds for you", cell=_money("direct")),
    RecordColumn("affiliated", D, "value of its tokens held elsewhere", cell=_money("affiliated")),
    RecordColumn("reasons", T, "the reasons in plain words, separated by ' | '",
                 cell=lambda w, _row: joined(field_of(w, "reasons"))),
    RecordColumn("event_ids", T, "ids of the cited events, separated by ' | '",
                 cell=lambda w, _row: joined(field_of(e, "id") for e in field_of(w, "events") or ())),
    RecordColumn("event_sources", T, "source URLs of the cited events, separated by ' | '",
                 cell=_event_sources),
    RecordColumn("action", T, "the suggested action", cell=text_cell("action", "suggested_action")),
)


def warnings_rows(warnings: Iterable[Any], as_of: datetime, base_currency: str) -> Iterator[tuple]:
    return record_rows(WARNINGS_COLUMNS, warnings, RowContext(as_of, base_currency))


EVENTS_COLUMNS: tuple[RecordColumn[Any], ...] = (
    RecordColumn("id", T, "stable event id", cell=text_cell("id")),
    RecordColumn("date", DT, "the day it happened", cell=lambda e, _row: field_of(e, "date")),
    RecordColumn("counterparty", T, "counterparty id", cell=text_cell("counterparty")),
    RecordColumn("category", T, "insolvency, withdrawal_halt, hack, outflow_surge, reserve_concern, "
                                "regulatory or depeg", cell=text_cell("category")),
    RecordColumn("magnitude_usd", D, "headline amount in USD, where the sources give one",
                 cell=lambda e, _row: decimal_of(field_of(e, "magnitude_usd"))),
    RecordColumn("title", T, "short title", cell=text_cell("title")),
    RecordColumn("summary", T, "what happened", cell=text_cell("summary")),
    RecordColumn("sources", T, "source URLs, separated by ' | '",
                 cell=lambda e, _row: joined(field_of(e, "sources"))),
    RecordColumn("resolved_date", DT, "when it stopped being a live problem, if known",
                 cell=lambda e, _row: field_of(field_of(e, "resolved"), "date")),
    RecordColumn("origin", T, "shipped, user, feed or derived", cell=text_cell("origin")),
)


def events_rows(events: Iterable[Any]) -> Iterator[tuple]:
    return record_rows(EVENTS_COLUMNS, events)
