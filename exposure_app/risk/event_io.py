"""Reading and writing events as JSON or CSV, in one schema.

JSON: an object ``{"version": 1, "events": [...]}`` or a bare list of event
objects (fields as in ``resources/events.json``); the object may also carry
``"links": [...]`` (the schema of ``resources/links.json``, read by
:func:`exposure_app.risk.links.link_entries`). CSV: a header row with the
columns in :data:`CSV_COLUMNS`; ``published`` is optional (empty: when the
event is added), ``scheduled`` is ``true`` or empty; ``sources`` holds one or more URLs separated
by spaces, ``resolved_date``/``resolved_note`` the optional resolution. Cells
the CSV writer neutralised against spreadsheet formulas (a leading ``'``) are
read back without it. Files are written by :mod:`exposure_app.reports.event_files`.

Every reader validates the whole input and raises
:class:`~exposure_app.risk.events.EventSetError` naming each failed entry (CSV:
by line number), so callers can refuse a file without changing anything.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from functools import cache
from pathlib import Path
from typing import Any, Unpack

from exposure_app.domain.counterparties import CounterpartyDirectory
from exposure_app.domain.json_limits import JsonError, loads_bounded
from exposure_app.domain.text import restore_cell
from exposure_app.resource_locator import read_resource_text
from exposure_app.risk.catalog import load_directory
from exposure_app.risk.entry_fields import check_format_version
from exposure_app.risk.events import (
    EntryProblem,
    EntrySetOptions,
    EventSetError,
    Origin,
    RiskEvent,
    parse_event_set,
)
from exposure_app.risk.links import Link

FORMAT_VERSION = 1
REPORT_ORIGIN_COLUMN = "origin"
CSV_COLUMNS = (
    "id", "date", "counterparty", "category", "magnitude_usd", "title", "summary",
    "sources", "resolved_date", "resolved_note", "published", "scheduled",
    "published_note",
)


class EventFileError(ValueError):
    """The file cannot be read as events at all (not JSON, wrong shape, no header)."""


def _json_entries(text: str, what: str) -> list[tuple[int, object]]:
    try:
        data = loads_bounded(text, what=what)
    except JsonError as exc:
        raise EventFileError(str(exc)) from None
    if isinstance(data, Mapping):
        check_format_version(data, what, FORMAT_VERSION, EventFileError)
        data = data.get("events", [] if "links" in data else None)
    if not isinstance(data, list):
        raise EventFileError(f"{what}: expected a list of events or {{\"events\": [...]}}")
    return list(enumerate(data, start=1))


def _csv_entries(text: str, what: str) -> list[tuple[int, object]]:
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    missing = [c for c in ("id", "date", "counterparty", "category", "title", "summary",
                           "sources") if c not in header]
    if missing:
        raise EventFileError(f"{what}: CSV header lacks column(s) {', '.join(missing)}")
    # the ``events`` CSV report (``export events``) is read too: it adds ``origin`` and
    # separates sources with " | "; its rows that are not the user's own are skipped
    # (shipped, feed and derived events come back on their own)
    unknown = [c for c in header if c not in (*CSV_COLUMNS, REPORT_ORIGIN_COLUMN)]
    if unknown:
        raise EventFileError(f"{what}: unknown CSV column(s) {', '.join(unknown)}")
    entries: list[tuple[int, object]] = []
    for row in reader:
        line = reader.line_num
        if None in row:
            entries.append((line, {"__bad_row__": "more cells than header columns"}))
            continue
        if (row.pop(REPORT_ORIGIN_COLUMN, None) or "user").strip() != "user":
            continue
        row = {key: restore_cell(value or "") for key, value in row.items()}
        raw: dict[str, object] = {
            key: value.strip()
            for key, value in row.items()
            if key not in ("resolved_date", "resolved_note", "magnitude_usd", "published",
                           "scheduled", "published_note")
        }
        if (row.get("published_note") or "").strip():
            raw["published_note"] = row["published_note"].strip()
        if (row.get("published") or "").strip():
            raw["published"] = row["published"].strip()
        flag = (row.get("scheduled") or "").strip().lower()
        if flag:
            raw["scheduled"] = {"true": True, "false": False}.get(flag, flag)
        raw["sources"] = (row.get("sources") or "").replace(" | ", " ").split()
        if (row.get("magnitude_usd") or "").strip():
            raw["magnitude_usd"] = row["magnitude_usd"].strip()
        if (row.get("resolved_date") or "").strip():
            raw["resolved"] = {
                "date": row["resolved_date"].strip(),
                "note": (row.get("resolved_note") or "").strip(),
            }
        entries.append((line, raw))
    return entries


def read_events_text(
    text: str,
    *,
    fmt: str,
    directory: CounterpartyDirectory,
    origin: Origin,
    what: str,
    **options: Unpack[EntrySetOptions],
) -> list[RiskEvent]:
    """Parse and validate ``text`` (``fmt`` is ``"json"`` or ``"csv"``) as a whole.

    ``added_at`` is the ``published`` of entries that do not give one (not
    allowed for shipped events)."""
    if fmt == "json":
        entries = _json_entries(text, what)
    elif fmt == "csv":
        entries = _csv_entries(text, what)
    else:
        raise EventFileError(f"{what}: unknown format {fmt!r} (use json or csv)")
    return parse_event_set(entries, directory=directory, origin=origin, what=what, **options)


def format_for(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix == ".json":
        return "json"
    raise EventFileError(f"{path.name}: use a .json or .csv file name")


def read_events_file(
    path: Path,
    *,
    directory: CounterpartyDirectory,
    origin: Origin = Origin.USER,
    **options: Unpack[EntrySetOptions],
) -> list[RiskEvent]:
    fmt = format_for(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise EventFileError(f"{path}: cannot be read ({exc})") from None
    return read_events_text(text, fmt=fmt, directory=directory, origin=origin, what=path.name,
                            **options)


def events_to_json(events: Iterable[RiskEvent], *, with_origin: bool = False,
                   links: Iterable[Link] = (),
                   counterparties: Iterable[dict[str, Any]] = ()) -> str:
    body: dict[str, object] = {
        "version": FORMAT_VERSION,
        "events": [e.to_dict(with_origin=with_origin) for e in events],
    }
    link_list = [link.to_dict() for link in links]
    if link_list:
        body["links"] = link_list
    own = list(counterparties)
    if own:
        body["counterparties"] = own
    return json.dumps(body, indent=2, ensure_ascii=False) + "\n"


def event_csv_row(event: RiskEvent) -> list[str]:
    """One event as the cells of :data:`CSV_COLUMNS` (written by
    :mod:`exposure_app.reports.event_files` through the one CSV writer)."""
    d = event.to_dict()
    resolved = d.get("resolved") or {}
    return [
        d["id"], d["date"], d["counterparty"], d["category"], d.get("magnitude_usd", ""),
        d["title"], d["summary"], " ".join(d["sources"]),
        resolved.get("date", ""), resolved.get("note", ""),
        d["published"], "true" if d.get("scheduled") else "", d.get("published_note", ""),
    ]


@cache
def load_shipped_events() -> tuple[RiskEvent, ...]:
    """The history shipped in ``resources/events.json``, validated, sorted by date.

    Every shipped event must say when it became public (``published``)."""
    events = read_events_text(
        read_resource_text("events.json"),
        fmt="json",
        directory=load_directory(),
        origin=Origin.SHIPPED,
        what="resources/events.json",
    )
    return tuple(sorted(events, key=lambda e: (e.date, e.id)))


__all__ = [
    "CSV_COLUMNS",
    "EntryProblem",
    "EventFileError",
    "EventSetError",
    "event_csv_row",
    "events_to_json",
    "load_shipped_events",
    "read_events_file",
    "read_events_text",
]
