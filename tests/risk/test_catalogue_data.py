"""Data checks on the shipped catalogue files, read with the json module alone.

These guard the curation rules rather than the loaders: every event and link
says when it became public (``published``), nothing is published before it
happened unless it was announced in advance (``scheduled``), every source is a
web address, and links only join counterparties the catalogue knows. The
allowed values are the ones fixed in the cross-team contract, so a typo in a
category or link type fails here even before the app's loader sees it.
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from urllib.parse import urlsplit

import pytest

from exposure_app.resource_locator import read_resource_text
from exposure_app.risk.event_io import load_shipped_events
from exposure_app.risk.events import Category
from exposure_app.risk.links import LinkType, Strength, load_shipped_links

EVENTS = json.loads(read_resource_text("events.json"))["events"]
LINKS = json.loads(read_resource_text("links.json"))["links"]
COUNTERPARTY_IDS = {
    item["id"] for item in json.loads(read_resource_text("counterparties.json"))["counterparties"]
}

ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,99}$")
DATE_TIME_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
CATEGORIES = {
    "insolvency", "withdrawal_halt", "hack", "outflow_surge", "reserve_concern", "regulatory",
    "depeg", "withdrawal_friction", "own_token_reliance", "unusual_yield", "key_person",
    "counterparty_default", "asset_freeze", "token_drawdown",
}
LINK_TYPES = {"owner_affiliate", "lends_to", "borrows_from", "custody_partner", "shared_treasury"}
STRENGTHS = {"high", "medium", "low"}
LINK_FIELDS = {
    "id", "counterparty", "exposed_to", "type", "strength", "since", "until", "published",
    "title", "summary", "sources",
}


def published_day(value: object) -> date:
    """The UTC day of a ``published`` value: ``YYYY-MM-DD`` or ``YYYY-MM-DDTHH:MM:SSZ``."""
    assert isinstance(value, str), value
    if DATE_TIME_RE.match(value):
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").date()
    return date.fromisoformat(value)


def is_web_address(url: object) -> bool:
    if not isinstance(url, str) or url != url.strip():
        return False
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def event_ids() -> list[str]:
    return [event["id"] for event in EVENTS]


@pytest.mark.parametrize("event", EVENTS, ids=event_ids())
def test_event_is_published_no_earlier_than_it_happened(event):
    happened = date.fromisoformat(event["date"])
    published = published_day(event["published"])
    scheduled = event.get("scheduled", False)
    assert isinstance(scheduled, bool)
    assert published >= happened or scheduled, (
        f"{event['id']}: published {published} before it happened ({happened}) "
        "without being scheduled"
    )


@pytest.mark.parametrize("event", EVENTS, ids=event_ids())
def test_event_fields_follow_the_contract(event):
    assert ID_RE.match(event["id"])
    assert event["category"] in CATEGORIES
    assert event["counterparty"] in COUNTERPARTY_IDS
    assert event["title"].strip() and event["summary"].strip()
    assert event["sources"], "every event needs a source"
    assert all(is_web_address(url) for url in event["sources"]), event["sources"]
    assert len(set(event["sources"])) == len(event["sources"])
    note = event.get("published_note")
    assert note is None or (isinstance(note, str) and note.strip())


def test_event_ids_are_unique():
    ids = event_ids()
    assert len(ids) == len(set(ids))


def test_published_parser_rejects_other_shapes():
    for bad in ("2022-11-09T10:00:00", "2022-11-09 10:00:00Z", "09/11/2022", 20221109):
        with pytest.raises((AssertionError, ValueError)):
            published_day(bad)
    assert published_day("2022-11-09T23:59:59Z") == date(2022, 11, 9)


@pytest.mark.parametrize("link", LINKS, ids=[link["id"] for link in LINKS])
def test_link_follows_the_contract(link):
    assert set(link) == LINK_FIELDS, link["id"]
    assert ID_RE.match(link["id"])
    assert link["counterparty"] in COUNTERPARTY_IDS, link["counterparty"]
    assert link["exposed_to"] in COUNTERPARTY_IDS, link["exposed_to"]
    assert link["counterparty"] != link["exposed_to"]
    assert link["type"] in LINK_TYPES
    assert link["strength"] in STRENGTHS
    published_day(link["published"])
    bounds = [date.fromisoformat(link[key]) for key in ("since", "until") if link[key] is not None]
    assert bounds == sorted(bounds), "since must not be after until"
    assert link["title"].strip() and link["summary"].strip()
    assert link["sources"] and all(is_web_address(url) for url in link["sources"])


def test_link_ids_and_pairs_are_unique():
    ids = [link["id"] for link in LINKS]
    assert len(ids) == len(set(ids))
    triples = [(link["counterparty"], link["exposed_to"], link["type"]) for link in LINKS]
    assert len(triples) == len(set(triples))


def test_contract_values_are_the_apps():
    assert {c.value for c in Category} == CATEGORIES
    assert {t.value for t in LinkType} == LINK_TYPES
    assert {s.value for s in Strength} == STRENGTHS


def test_the_apps_loaders_accept_the_files_unchanged():
    shipped = {event.id: event for event in load_shipped_events()}
    assert set(shipped) == set(event_ids())
    for raw in EVENTS:
        assert shipped[raw["id"]].published.date() == published_day(raw["published"]), raw["id"]
    assert {link.id for link in load_shipped_links()} == {link["id"] for link in LINKS}
