"""Event validation and JSON/CSV reading and writing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from exposure_app.reports.event_files import events_to_csv
from exposure_app.risk.catalog import load_directory
from exposure_app.risk.event_io import (
    EventFileError,
    events_to_json,
    load_shipped_events,
    read_events_text,
)
from exposure_app.risk.events import EventError, EventSetError, Origin, parse_event

from .helpers import raw_event

D = load_directory()


def parse(raw, today=date(2026, 1, 1)):
    return parse_event(raw, directory=D, origin=Origin.USER, today=today)


def test_valid_event_is_normalised_to_the_canonical_counterparty():
    e = parse(raw_event(counterparty="okex", magnitude_usd="1e6",
                        resolved={"date": "2024-06-01", "note": "fixed"}))
    assert e.counterparty == "okx"
    assert e.magnitude_usd == Decimal("1000000")
    assert e.resolved.date == date(2024, 6, 1)
    assert e.origin is Origin.USER


@pytest.mark.parametrize(("change", "fragment"), [
    ({"id": "A B"}, "id:"),
    ({"date": "2024-13-01"}, "date"),
    ({"date": "01/05/2024"}, "date"),
    ({"date": "2027-01-01"}, "future"),
    ({"counterparty": "nosuchplace"}, "not in the catalogue"),
    ({"category": "rugpull"}, "category"),
    ({"title": ""}, "title"),
    ({"summary": "  "}, "summary"),
    ({"sources": []}, "source"),
    ({"sources": ["ftp://example.org/x"]}, "http(s)"),
    ({"sources": ["not a url"]}, "http(s)"),
    ({"magnitude_usd": "-5"}, "negative"),
    ({"magnitude_usd": "lots"}, "not a number"),
    ({"resolved": {"date": "2024-04-01"}}, "before the event"),
    ({"extra": 1}, "unknown field"),
])
def test_invalid_events_say_why(change, fragment):
    with pytest.raises(EventError) as info:
        parse(raw_event(**change))
    assert fragment in str(info.value)


def test_every_problem_of_one_event_is_listed():
    with pytest.raises(EventError) as info:
        parse({"id": "x", "date": "nope", "category": "x"})
    assert len(info.value.problems) >= 5


def test_json_round_trip_is_lossless():
    events = list(load_shipped_events())[:20]
    again = read_events_text(events_to_json(events), fmt="json", directory=D,
                             origin=Origin.SHIPPED, what="t")
    assert [e.to_dict() for e in again] == [e.to_dict() for e in events]


def test_csv_round_trip_is_lossless():
    events = list(load_shipped_events())
    text = events_to_csv(events)
    again = read_events_text(text, fmt="csv", directory=D, origin=Origin.SHIPPED, what="t")
    assert [e.to_dict() for e in again] == [e.to_dict() for e in events]


def test_a_file_with_bad_entries_is_refused_as_a_whole_with_every_failure():
    good = raw_event("good-1")
    text = events_to_json([])  # valid, empty
    assert read_events_text(text, fmt="json", directory=D, origin=Origin.USER, what="t") == []
    import json

    body = json.dumps({"version": 1, "events": [
        good, raw_event("bad-1", category="nope"), raw_event("good-1"),
        raw_event("bad-2", sources="gopher://x"),
    ]})
    with pytest.raises(EventSetError) as info:
        read_events_text(body, fmt="json", directory=D, origin=Origin.USER, what="f.json")
    failed = {(p.index, p.event_id) for p in info.value.entries}
    assert failed == {(2, "bad-1"), (3, "good-1"), (4, "bad-2")}
    assert "repeats entry 1" in str(info.value)


def test_csv_failures_are_reported_by_line_number():
    text = ("id,date,counterparty,category,title,summary,sources\n"
            "ok-1,2024-01-02,kraken,hack,T,S,https://a.example/x\n"
            "bad-1,2024-01-02,kraken,hack,T,S,\n")
    with pytest.raises(EventSetError) as info:
        read_events_text(text, fmt="csv", directory=D, origin=Origin.USER, what="f.csv")
    assert [p.index for p in info.value.entries] == [3]


def test_reserved_ids_are_refused():
    shipped = load_shipped_events()[0]
    body = events_to_json([shipped])
    with pytest.raises(EventSetError) as info:
        read_events_text(body, fmt="json", directory=D, origin=Origin.USER, what="f",
                         reserved_ids={shipped.id: "is shipped"})
    assert "is shipped" in str(info.value)


@pytest.mark.parametrize(("text", "fmt"), [
    ("{not json", "json"), ('{"version": 99, "events": []}', "json"), ('{"x": 1}', "json"),
    ("a,b\n1,2\n", "csv"), ("", "csv"),
])
def test_unreadable_files(text, fmt):
    with pytest.raises(EventFileError):
        read_events_text(text, fmt=fmt, directory=D, origin=Origin.USER, what="t")
