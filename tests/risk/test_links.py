"""The links loader: schema, whole-file validation, bounds and directions."""

from __future__ import annotations

import json
from datetime import date

import pytest

from exposure_app.risk.catalog import load_directory
from exposure_app.risk.events import EventSetError, Origin
from exposure_app.risk.links import (
    MAX_FILE_BYTES,
    LinkFileError,
    LinkType,
    load_shipped_links,
    read_links_text,
)

DIRECTORY = load_directory()


def raw_link(lid: str = "genesis-gemini-earn", **overrides) -> dict:
    raw = {
        "id": lid, "counterparty": "gemini", "exposed_to": "genesis",
        "type": "custody_partner", "strength": "high", "since": "2021-02-01", "until": None,
        "published": "2022-11-16", "title": "Gemini Earn funds are lent to Genesis",
        "summary": "Test link.", "sources": ["https://example.org/link"],
    }
    raw.update(overrides)
    return raw


def read(links, origin=Origin.SHIPPED, **kw):
    return read_links_text(json.dumps({"version": 1, "links": links}), directory=DIRECTORY,
                           origin=origin, what="links.json", **kw)


def test_a_valid_file_loads_with_directions():
    one, two = read([raw_link(), raw_link("test-affiliates", counterparty="kraken",
                                          exposed_to="bitstamp", type="owner_affiliate")])
    assert one.type is LinkType.CUSTODY_PARTNER and one.directions() == (("gemini", "genesis"),)
    assert set(two.directions()) == {("kraken", "bitstamp"), ("bitstamp", "kraken")}
    assert not one.counts_on(date(2022, 11, 15)) and one.counts_on(date(2022, 11, 16))
    ended = read([raw_link(until="2022-12-01")])[0]
    assert not ended.counts_on(date(2022, 12, 2))
    assert read([one.to_dict()])[0] == one


def test_one_bad_entry_refuses_the_whole_file_and_lists_every_problem():
    with pytest.raises(EventSetError) as info:
        read([raw_link(), raw_link("b-2", type="friend", strength="huge"),
              raw_link("c-3", exposed_to="gemini"), raw_link("genesis-gemini-earn"),
              raw_link("d-4", published=None), raw_link("e-5", sources=["ftp://x"])])
    text = str(info.value)
    for needle in ("type:", "strength:", "linked to itself", "repeats entry 1",
                   "published: required", "not an http(s) URL"):
        assert needle in text
    assert "entry 1 " not in text


def test_user_links_default_published_to_when_added_and_refuse_future():
    from datetime import UTC, datetime

    added = datetime(2024, 1, 2, 3, 4, 5, tzinfo=UTC)
    link = read([raw_link(published=None)], origin=Origin.USER, added_at=added)[0]
    assert link.published == added
    with pytest.raises(EventSetError, match="future"):
        read([raw_link(published="2030-01-01")], origin=Origin.USER, today=date(2026, 1, 1))


def test_bounds_size_depth_and_shape():
    with pytest.raises(LinkFileError, match="larger"):
        read_links_text(" " * (MAX_FILE_BYTES + 1), directory=DIRECTORY, origin=Origin.USER,
                        what="x")
    with pytest.raises(LinkFileError, match="not valid JSON"):
        read_links_text("[" * 100_000, directory=DIRECTORY, origin=Origin.USER, what="x")
    with pytest.raises(LinkFileError, match="newer"):
        read_links_text('{"version": 9, "links": []}', directory=DIRECTORY,
                        origin=Origin.USER, what="x")
    with pytest.raises(EventSetError, match="unknown field"):
        read([raw_link(extra={"nested": [[[1]]]})])


def test_shipped_links_if_present_are_valid_and_public():
    for link in load_shipped_links():
        assert link.sources and link.published_day <= date.today()


def test_links_import_with_events_as_a_whole_and_export_again(store, tmp_path):
    from exposure_app.reports.event_files import write_events_file
    from exposure_app.services import risk_service

    from .helpers import raw_event

    good = tmp_path / "mine.json"
    good.write_text(json.dumps({"version": 1, "events": [raw_event("mine-e1")],
                                "links": [raw_link("my-link-1", published=None)]}))
    outcome = risk_service.import_user_events(store, good)
    assert outcome.added == 1 and outcome.links.added == 1
    (mine,) = store.risk.user_links()
    assert mine.origin is Origin.USER and mine.published_day == date.today()
    assert mine in risk_service.all_links(store)
    again = risk_service.import_user_events(store, good)
    assert again.links.unchanged == 1

    before = ([e.to_dict() for e in store.risk.list()],
              [link.to_dict() for link in store.risk.user_links()])
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"version": 1, "events": [raw_event("mine-e2")],
                               "links": [raw_link("my-link-2"), raw_link("x", type="nope")]}))
    with pytest.raises(EventSetError) as info:
        risk_service.import_user_events(store, bad)
    assert "entry 2" in str(info.value)
    shipped_id = tmp_path / "shipped.json"
    shipped_id.write_text(json.dumps({"links": [raw_link("ftx-alameda")]}))
    if load_shipped_links():
        with pytest.raises(EventSetError, match="shipped link"):
            risk_service.import_user_events(store, shipped_id)
    after = ([e.to_dict() for e in store.risk.list()],
             [link.to_dict() for link in store.risk.user_links()])
    assert after == before

    out = tmp_path / "out.json"
    write_events_file(out, store.risk.list(), links=store.risk.user_links())
    exported = json.loads(out.read_text())
    assert [x["id"] for x in exported["links"]] == ["my-link-1"]


def test_own_counterparties_events_and_links_in_one_file(store, tmp_path):
    from exposure_app.reports.event_files import write_events_file
    from exposure_app.services import risk_service

    from .helpers import raw_event

    mine = {"id": "my-local-exchange", "name": "My Local Exchange", "kind": "exchange",
            "website": "https://example.org/mle"}
    path = tmp_path / "own.json"
    path.write_text(json.dumps({
        "version": 1, "counterparties": [mine],
        "events": [raw_event("mle-halt", counterparty="my-local-exchange",
                             category="withdrawal_halt")],
        "links": [raw_link("mle-kraken", counterparty="my-local-exchange",
                           exposed_to="kraken", published=None)]}))
    outcome = risk_service.import_user_events(store, path)
    assert (outcome.counterparties.added, outcome.added, outcome.links.added) == (1, 1, 1)
    assert store.risk.directory().name("my-local-exchange") == "My Local Exchange"
    assert store.risk.get("mle-halt").counterparty == "my-local-exchange"
    again = risk_service.import_user_events(store, path)
    assert (again.counterparties.unchanged, again.unchanged) == (1, 1)
    listed = risk_service.list_events(store, __import__(
        "exposure_app.services.settings", fromlist=["Settings"]).Settings(),
        counterparty="my-local-exchange")
    assert [e.id for e in listed] == ["mle-halt"]

    before = store.risk.user_counterparty_entries()
    clash = tmp_path / "clash.json"
    clash.write_text(json.dumps({"counterparties": [{**mine, "id": "kraken"},
                                                    {"id": "x-y-z", "name": "X"}],
                                 "events": [raw_event("e-9", counterparty="x-y-z")]}))
    with pytest.raises(EventSetError) as info:
        risk_service.import_user_events(store, clash)
    assert "already in the catalogue" in str(info.value) and "entry 2" in str(info.value)
    assert store.risk.user_counterparty_entries() == before and store.risk.get("e-9") is None

    out = tmp_path / "out.json"
    write_events_file(out, store.risk.list(), links=store.risk.user_links(),
                      counterparties=store.risk.user_counterparty_entries())
    assert json.loads(out.read_text())["counterparties"] == [mine]
