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
