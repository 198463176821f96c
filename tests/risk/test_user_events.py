"""User events in the store, imports that change nothing when refused, and the feed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from exposure_app.reports.event_files import events_to_csv
from exposure_app.risk.event_io import load_shipped_events
from exposure_app.risk.events import EventError, EventSetError, Origin
from exposure_app.services import risk_service
from exposure_app.services.event_feed import FeedError, update_from_feed
from exposure_app.services.settings import Settings
from exposure_app.storage.errors import ConflictError, NotFoundError

from .helpers import as_json_bytes, loopback_server, raw_event


def snapshot(store):
    return [(e.id, e.origin, e.to_dict()) for e in store.risk.list()]


def test_add_edit_remove(store):
    event = risk_service.add_user_event(store, raw_event("mine-1"))
    assert event.origin is Origin.USER
    assert store.risk.get("mine-1").to_dict() == event.to_dict()
    with pytest.raises(ConflictError):
        risk_service.add_user_event(store, raw_event("mine-1"))
    changed = risk_service.edit_user_event(store, "mine-1", {"title": "Renamed"})
    assert changed.title == "Renamed" and store.risk.get("mine-1").title == "Renamed"
    with pytest.raises(EventError):
        risk_service.edit_user_event(store, "mine-1", {"category": "nope"})
    assert store.risk.get("mine-1").category.value == "hack"
    risk_service.remove_user_event(store, "mine-1")
    assert store.risk.get("mine-1") is None
    with pytest.raises(NotFoundError):
        risk_service.remove_user_event(store, "mine-1")


def test_shipped_events_cannot_be_added_over_edited_or_removed(store):
    shipped = load_shipped_events()[0]
    with pytest.raises(EventError, match="shipped"):
        risk_service.add_user_event(store, {**shipped.to_dict()})
    with pytest.raises(NotFoundError):
        risk_service.edit_user_event(store, shipped.id, {"title": "x"})
    with pytest.raises(NotFoundError):
        risk_service.remove_user_event(store, shipped.id)
    assert store.risk.list() == []


def test_user_events_appear_in_the_event_list(store):
    risk_service.add_user_event(store, raw_event("mine-2", counterparty="krakenfutures"))
    listed = risk_service.list_events(store, Settings(), counterparty="kraken")
    assert "mine-2" in [e.id for e in listed]
    assert all(e.counterparty == "kraken" for e in listed)


def write_json(path: Path, events: list[dict]) -> Path:
    path.write_text(json.dumps({"version": 1, "events": events}), encoding="utf-8")
    return path


def test_import_adds_updates_and_is_idempotent(store, tmp_path):
    path = write_json(tmp_path / "mine.json", [raw_event("imp-1"), raw_event("imp-2")])
    first = risk_service.import_user_events(store, path)
    assert (first.added, first.updated, first.unchanged) == (2, 0, 0)
    again = risk_service.import_user_events(store, path)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 2)
    write_json(path, [raw_event("imp-1", title="Changed")])
    third = risk_service.import_user_events(store, path)
    assert (third.added, third.updated, third.unchanged) == (0, 1, 0)
    assert store.risk.get("imp-1").title == "Changed"


def test_a_bad_import_changes_nothing_and_lists_each_failure(store, tmp_path):
    risk_service.add_user_event(store, raw_event("keep-1"))
    before = snapshot(store)
    shipped_id = load_shipped_events()[3].id
    path = write_json(tmp_path / "bad.json", [
        raw_event("new-1"), raw_event("keep-1", title="overwrite"),
        raw_event("new-2", date="2024-02-30"), raw_event(shipped_id),
    ])
    with pytest.raises(EventSetError) as info:
        risk_service.import_user_events(store, path)
    assert [p.index for p in info.value.entries] == [3, 4]
    assert "shipped" in str(info.value)
    assert snapshot(store) == before


def test_csv_import_in_the_same_schema(store, tmp_path):
    risk_service.add_user_event(store, raw_event("csv-1"))
    exported = events_to_csv(store.risk.list(origin=Origin.USER))
    risk_service.remove_user_event(store, "csv-1")
    path = tmp_path / "mine.csv"
    path.write_text(exported, encoding="utf-8")
    outcome = risk_service.import_user_events(store, path)
    assert outcome.added == 1 and store.risk.get("csv-1").summary == "Something happened."


def test_feed_update_replaces_feed_events_and_refuses_bad_feeds(store):
    routes = {"/feed.json": (200, as_json_bytes({"version": 1, "events": [
        raw_event("feed-1"), raw_event("feed-2", counterparty="bybit")]}))}
    with loopback_server(routes) as base:
        url = f"{base}/feed.json"
        result = update_from_feed(store, url)
        assert result.events == 2
        assert {e.id for e in store.risk.list(origin=Origin.FEED)} == {"feed-1", "feed-2"}
        state = store.risk.feed_state(url)
        assert state.error is None and state.count == 2
        before = snapshot(store)

        routes["/feed.json"] = (200, as_json_bytes({"events": [
            raw_event("feed-3"), raw_event("feed-4", category="nope")]}))
        with pytest.raises(FeedError, match="feed-4"):
            update_from_feed(store, url)
        assert snapshot(store) == before
        assert "refused" in store.risk.feed_state(url).error

        shipped_id = load_shipped_events()[0].id
        routes["/feed.json"] = (200, as_json_bytes({"events": [raw_event(shipped_id)]}))
        with pytest.raises(FeedError, match="shipped"):
            update_from_feed(store, url)
        assert snapshot(store) == before

        routes["/feed.json"] = (500, b"oops")
        with pytest.raises(FeedError, match="HTTP 500"):
            update_from_feed(store, url)
        assert snapshot(store) == before
        assert store.risk.feed_state(url).succeeded_at is not None

        routes["/feed.json"] = (200, as_json_bytes({"events": [raw_event("feed-5")]}))
        update_from_feed(store, url)
        assert {e.id for e in store.risk.list(origin=Origin.FEED)} == {"feed-5"}


def test_feed_cannot_take_a_user_id(store):
    risk_service.add_user_event(store, raw_event("mine-9"))
    routes = {"/f": (200, as_json_bytes([raw_event("mine-9")]))}
    with loopback_server(routes) as base, pytest.raises(FeedError, match="your own"):
        update_from_feed(store, f"{base}/f")
    assert [e.origin for e in store.risk.list()] == [Origin.USER]


def test_no_feed_url(store):
    with pytest.raises(FeedError, match="no feed URL"):
        update_from_feed(store, "  ")
