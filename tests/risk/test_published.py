"""Publication time: validation, as-of reading by ``published``, storage and the migration."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from exposure_app.reports.event_files import events_to_csv
from exposure_app.risk.catalog import load_directory
from exposure_app.risk.categories import CATEGORY_TABLE, markdown_table
from exposure_app.risk.event_io import (
    events_to_json,
    load_shipped_events,
    read_events_text,
)
from exposure_app.risk.events import Category, EventError, Origin, parse_event
from exposure_app.risk.scoring import RiskParameters, score_events
from exposure_app.risk.warnings import build_warnings
from exposure_app.services import risk_service
from exposure_app.storage.store import ProfileStore

from .helpers import event, raw_event
from .test_scoring import report

DIRECTORY = load_directory()


def parse(raw, origin=Origin.USER, **kw):
    return parse_event(raw, directory=DIRECTORY, origin=origin, **kw)


def test_published_forms_and_round_trip():
    day_only = parse(raw_event(published="2024-05-03"))
    assert day_only.published == datetime(2024, 5, 3, tzinfo=UTC)
    assert day_only.to_dict()["published"] == "2024-05-03"
    timed = parse(raw_event(published="2024-05-03T17:45:00Z"))
    assert timed.published == datetime(2024, 5, 3, 17, 45, tzinfo=UTC)
    assert timed.to_dict()["published"] == "2024-05-03T17:45:00Z"
    assert parse(timed.to_dict()).to_dict() == timed.to_dict()
    for bad in ("2024-05-03 17:45", "2024-13-01", "03/05/2024", 20240503, "2024-05-03T17:45Z"):
        with pytest.raises(EventError, match="published"):
            parse(raw_event(published=bad))


def test_published_before_date_only_when_scheduled():
    with pytest.raises(EventError, match="scheduled"):
        parse(raw_event(date="2024-05-01", published="2024-04-20"))
    early = parse(raw_event(date="2024-05-01", published="2024-04-20", scheduled=True))
    assert early.scheduled and early.to_dict()["scheduled"] is True
    with pytest.raises(EventError, match="scheduled"):
        parse(raw_event(scheduled="yes"))
    with pytest.raises(EventError, match="future"):
        parse(raw_event(published="2024-06-01"), today=date(2024, 5, 20))


def test_shipped_events_must_say_when_they_became_public():
    with pytest.raises(EventError, match="published: required"):
        parse(raw_event(), origin=Origin.SHIPPED)
    for shipped in load_shipped_events():
        assert shipped.published_day >= shipped.date or shipped.scheduled, shipped.id


def test_user_and_imported_events_default_to_when_added():
    added = datetime(2025, 1, 2, 3, 4, 5, 678, tzinfo=UTC)
    one = parse(raw_event(), added_at=added)
    assert one.published == datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    text = json.dumps({"version": 1, "events": [raw_event("a-1"), raw_event(
        "a-2", published="2024-05-02")]})
    imported = read_events_text(text, fmt="json", directory=DIRECTORY, origin=Origin.USER,
                                what="t", added_at=added)
    assert [e.published_day for e in imported] == [date(2025, 1, 2), date(2024, 5, 2)]
    csv_text = events_to_csv(imported)
    again = read_events_text(csv_text, fmt="csv", directory=DIRECTORY, origin=Origin.USER,
                             what="t.csv")
    assert [e.to_dict() for e in again] == [e.to_dict() for e in imported]
    assert json.loads(events_to_json(imported))["events"][1]["published"] == "2024-05-02"


def test_scoring_reads_published_not_date():
    late = event("binance", "2023-01-04", "outflow_surge", published="2023-01-09")
    params = RiskParameters()
    for day in (date(2023, 1, 4), date(2023, 1, 5), date(2023, 1, 8)):
        assert score_events([late], day, params).score == 0.0
    on_day = score_events([late], date(2023, 1, 9), params)
    assert on_day.score == pytest.approx(params.severity[Category.OUTFLOW_SURGE])


def _report(day: date, cp: str = "binance"):
    as_of = datetime.combine(day, datetime.max.time(), UTC)
    return report({cp: {"BTC": Decimal(100)}, "self": {"BTC": Decimal(900)}}, as_of)


def test_warnings_never_cite_an_event_published_after_as_of():
    halt = event("kraken", "2024-05-01", "withdrawal_halt", published="2024-05-04")
    report = _report(date(2024, 5, 2), "kraken")
    early = build_warnings(report, [halt], directory=DIRECTORY)
    assert all(halt not in w.events for w in early.warnings)
    assert all(w.level.value != "critical" for w in early.warnings)
    later = build_warnings(_report(date(2024, 5, 4), "kraken"), [halt], directory=DIRECTORY)
    assert later.for_counterparty("kraken").level.value == "critical"


def test_category_table_covers_every_category():
    assert set(CATEGORY_TABLE) == set(Category)
    table = markdown_table()
    for category in Category:
        assert f"`{category.value}`" in table
    assert all(spec.severity > 0 and spec.half_life_days > 0 for spec in CATEGORY_TABLE.values())


def test_stored_user_events_keep_published_and_edits_keep_it(store):
    event_ = risk_service.add_user_event(store, raw_event("mine-p", published="2024-05-02"))
    assert store.risk.get("mine-p").published == event_.published
    risk_service.edit_user_event(store, "mine-p", {"title": "New title"})
    assert store.risk.get("mine-p").published_day == date(2024, 5, 2)
    fresh = risk_service.add_user_event(store, raw_event("mine-q"))
    assert fresh.published_day == datetime.now(UTC).date()


def test_migration_backfills_existing_rows_with_their_created_time(tmp_path):
    folder = tmp_path / "p"
    old = ProfileStore.open(folder, target_version=6)
    body = json.dumps(raw_event("old-1"))
    old.db.execute(
        "INSERT INTO risk_events (id, origin, counterparty, date, category, body, created_at, "
        "updated_at) VALUES ('old-1', 'user', 'kraken', '2024-05-01', 'hack', ?, "
        "'2025-03-04T05:06:07.123456+00:00', '2025-03-04T05:06:07.123456+00:00')", [body])
    old.db.conn.commit()
    old.close()
    new = ProfileStore.open(folder)
    stored = new.risk.get("old-1")
    assert stored.published == datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC)
    row = new.db.execute("SELECT published, body FROM risk_events").fetchone()
    assert row[0].startswith("2025-03-04T05:06:07")
    assert json.loads(row[1])["published"] == "2025-03-04T05:06:07Z"
    new.close()

