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
from enum import Enum
from typing import Any

from exposure_app.reports.csv_safe import Column, Kind, money_or_none

T, D, TM, DT, INT = Kind.TEXT, Kind.DECIMAL, Kind.TIME, Kind.DATE, Kind.INT

LIST_SEPARATOR = " | "

WARNINGS_COLUMNS = (
    Column("as_of", TM, "the instant the warnings are for (no later data counts)"),
    Column("base_currency", T, "currency of the value columns"),
    Column("rank", INT, "1 = most severe"),
    Column("counterparty", T, "counterparty id"),
    Column("name", T, "display name"),
    Column("level", T, "info, low, medium, high or critical"),
    Column("exposure", D, "direct + affiliated value"),
    Column("share", D, "exposure as a fraction of net worth"),
    Column("direct", D, "value the counterparty holds for you"),
    Column("affiliated", D, "value of its tokens held elsewhere"),
    Column("reasons", T, "the reasons in plain words, separated by ' | '"),
    Column("event_ids", T, "ids of the cited events, separated by ' | '"),
    Column("event_sources", T, "source URLs of the cited events, separated by ' | '"),
    Column("action", T, "the suggested action"),
)


def _get(obj: Any, *names: str) -> Any:
    for name in names:
        if isinstance(obj, dict) and name in obj:
            return obj[name]
        if hasattr(obj, name):
            return getattr(obj, name)
    return None


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, Enum):
        return str(value.value)
    return str(value)


def _dec(value: Any) -> Decimal | None:
    if value is None or isinstance(value, Decimal):
        return value
    return Decimal(str(value))


def warnings_rows(warnings: Iterable[Any], as_of: datetime, base_currency: str) -> Iterator[tuple]:
    for rank, w in enumerate(warnings, start=1):
        exposure = _get(w, "exposure")
        value = _get(exposure, "value", "total") if exposure is not None else _get(w, "value")
        events = list(_get(w, "events") or ())
        sources: list[str] = []
        for e in events:
            for url in _get(e, "sources") or ():
                if url not in sources:
                    sources.append(str(url))
        yield (
            as_of, base_currency, rank, _text(_get(w, "counterparty")), _text(_get(w, "name")),
            _text(_get(w, "level")), money_or_none(_dec(value), base_currency),
            _dec(_get(exposure, "share")),
            money_or_none(_dec(_get(exposure, "direct")), base_currency),
            money_or_none(_dec(_get(exposure, "affiliated")), base_currency),
            LIST_SEPARATOR.join(str(r) for r in _get(w, "reasons") or ()),
            LIST_SEPARATOR.join(str(_get(e, "id")) for e in events),
            LIST_SEPARATOR.join(sources),
            _text(_get(w, "action", "suggested_action")),
        )


EVENTS_COLUMNS = (
    Column("id", T, "stable event id"),
    Column("date", DT, "the day it happened"),
    Column("counterparty", T, "counterparty id"),
    Column("category", T, "insolvency, withdrawal_halt, hack, outflow_surge, reserve_concern, "
                          "regulatory or depeg"),
    Column("magnitude_usd", D, "headline amount in USD, where the sources give one"),
    Column("title", T, "short title"),
    Column("summary", T, "what happened"),
    Column("sources", T, "source URLs, separated by ' | '"),
    Column("resolved_date", DT, "when it stopped being a live problem, if known"),
    Column("origin", T, "shipped, user, feed or derived"),
)


def events_rows(events: Iterable[Any]) -> Iterator[tuple]:
    for e in events:
        resolved = _get(e, "resolved")
        yield (
            _text(_get(e, "id")), _get(e, "date"), _text(_get(e, "counterparty")),
            _text(_get(e, "category")), _dec(_get(e, "magnitude_usd")), _text(_get(e, "title")),
            _text(_get(e, "summary")), LIST_SEPARATOR.join(str(s) for s in _get(e, "sources") or ()),
            _get(resolved, "date") if resolved is not None else None, _text(_get(e, "origin")),
        )
