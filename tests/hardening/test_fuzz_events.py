"""Generated event files (JSON and CSV) and event feeds: a clear error or a clean import.

Entries are built from the events schema with each field either valid or
replaced by garbage (wrong type, empty, unknown counterparty or category,
impossible dates, huge or negative magnitudes, ids that clash with shipped
events, markup); sometimes the whole text is replaced. A rejected file or feed
raises the app's own error with a message and leaves the stored events
exactly as they were; an accepted one is stored and importing it again adds
nothing.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exposure_app.risk.event_io import CSV_COLUMNS, EventFileError, load_shipped_events
from exposure_app.risk.events import EventSetError, Origin
from exposure_app.services.event_feed import FeedError, update_from_feed
from exposure_app.services.risk_service import import_user_events
from exposure_app.storage.store import ProfileStore

SHIPPED_ID = load_shipped_events()[0].id
garbage = st.one_of(st.none(), st.integers(-5, 10**20), st.floats(allow_nan=True), st.booleans(),
                    st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=3),
                                                                         st.integers(), max_size=2),
                    st.text(max_size=15), st.just("<script>alert(1)</script>"), st.just(""))


def field(valid, bad=garbage):
    """Mostly valid (so whole files get accepted too), sometimes garbage."""
    return st.integers(0, 11).flatmap(lambda n: bad if n == 0 else valid)


event_entries = st.fixed_dictionaries(
    {
        "id": field(st.from_regex(r"my-[a-z0-9]{1,8}", fullmatch=True),
                    st.one_of(garbage, st.just(SHIPPED_ID))),
        "date": field(st.sampled_from(["2022-06-12", "2019-01-01", "2024-02-29"]),
                      st.sampled_from(["2022-02-30", "2999-01-01", "12/06/2022", "2022-6-1"])),
        "counterparty": field(st.sampled_from(["binance", "celsius", "kraken", "tether"]),
                              st.sampled_from(["nosuchcustodian", "Binance ", "BINANCE"])),
        "category": field(st.sampled_from(["hack", "insolvency", "withdrawal_halt", "depeg"]),
                          st.sampled_from(["rumour", "HACK"])),
        "title": field(st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
                               min_size=1, max_size=30).filter(str.strip)),
        "summary": field(st.text(min_size=1, max_size=60)),
        "sources": field(st.lists(st.sampled_from(["https://example.org/a",
                                                    "https://news.example/b"]), min_size=1,
                                  max_size=2),
                         st.one_of(st.just([]), st.just(["ftp://x"]), st.just(["not a url"]))),
    },
    optional={
        "magnitude_usd": field(st.sampled_from(["1000000", "2.5e9", 5000]),
                               st.sampled_from(["-1", "1e400", "NaN", "lots"])),
        "resolved": field(st.fixed_dictionaries({"date": st.just("2023-01-01"),
                                                 "note": st.text(max_size=10)})),
    },
)


def to_csv(entries) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for e in entries:
        resolved = e.get("resolved") if isinstance(e.get("resolved"), dict) else {}
        sources = e.get("sources")
        writer.writerow([
            e.get("id"), e.get("date"), e.get("counterparty"), e.get("category"),
            e.get("magnitude_usd", ""), e.get("title"), e.get("summary"),
            " ".join(map(str, sources)) if isinstance(sources, list) else sources,
            resolved.get("date", ""), resolved.get("note", ""),
        ])
    return buffer.getvalue()


@st.composite
def event_files(draw):
    entries = draw(st.lists(event_entries, max_size=4))
    if entries and draw(st.integers(0, 9)) == 0:
        entries[0]["unexpected"] = 1
    fmt = draw(st.sampled_from(["json", "json-list", "csv"]))
    if fmt == "csv":
        text = to_csv(entries)
    elif fmt == "json":
        text = json.dumps({"version": draw(st.sampled_from([1, 1, 1, 2, "1"])), "events": entries})
    else:
        text = json.dumps(entries)
    if draw(st.integers(0, 9)) == 0:
        text = draw(st.one_of(st.text(max_size=80), st.sampled_from(
            ["", "{", "null", "<html>", "id,date\n1,2", '{"events": {}}'])))
    return ("csv" if fmt == "csv" else "json"), text


@pytest.fixture(scope="module")
def events_store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("events-fuzz")
    store = ProfileStore.open(folder / "profile")
    yield store, folder
    store.close()


def fingerprint(store):
    return store.db.execute(
        "SELECT id, origin, counterparty, date, category, body FROM risk_events ORDER BY id"
    ).fetchall()


# the store is shared by the examples on purpose; generation may be slow
FUZZ = settings(deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def written(events_store, name: str, text: str):
    """(store, path, fingerprint before): ``text`` written to ``name`` in the store's folder."""
    store, folder = events_store
    path = Path(folder) / name
    path.write_text(text, encoding="utf-8")
    return store, path, fingerprint(store)


@settings(FUZZ, max_examples=600)
@given(generated=event_files())
def test_event_import_gives_a_clear_error_or_a_clean_import(events_store, generated):
    fmt, text = generated
    store, path, before = written(events_store, f"events.{fmt}", text)
    try:
        outcome = import_user_events(store, path)
    except (EventFileError, EventSetError) as exc:
        assert str(exc).strip()
        assert fingerprint(store) == before
        return
    assert fingerprint(store) != before or outcome.added + outcome.updated == 0
    again = import_user_events(store, path)
    assert again.added == 0 and again.updated == 0
    assert all(e.origin is Origin.USER for e in store.risk.list(origin=Origin.USER))


@settings(FUZZ, max_examples=400)
@given(generated=event_files())
def test_event_feed_gives_a_clear_error_or_replaces_the_feed(events_store, generated):
    _, text = generated
    store, path, before = written(events_store, "feed.json", text)
    try:
        update = update_from_feed(store, path.as_uri())
    except FeedError as exc:
        assert str(exc).strip()
        assert fingerprint(store) == before
        return
    feed = store.risk.list(origin=Origin.FEED)
    assert update.events == len(feed)
    user_rows = [row for row in before if row[1] == "user"]
    assert [row for row in fingerprint(store) if row[1] == "user"] == user_rows
