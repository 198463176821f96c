"""A profile written by release 1 opens in this version, migrates, and reads back intact.

``fixtures/profile_release1.sql`` is FROZEN as the "release 1" profile (with
``profile_release1_settings.json`` and ``profile_release1_expected.json``,
written together by ``make_v1_fixture.py``). Once a release ships with that
schema these files must never be regenerated: they are the proof that every
later version still opens what release 1 wrote. When a later migration
changes how something is stored, update this test's reading of it, never the
fixture.

The dump is loaded into a fresh SQLite file, opened with
:meth:`ProfileStore.open` (which migrates to the latest schema), and every
piece of stored data is read back through the repositories and services and
compared with what release 1 read: accounts (with their non-secret options),
every snapshot (ok, partial, failed) with its holdings (priced and unpriced),
account states, prices, the user's event, checklist progress with notes,
reminder intervals and the recorded withdrawal test; the exposure as of the
recorded moment; and the warnings the user's own event raises. (Warnings
from shipped events may legitimately change as the shipped history grows, so
only the user's event is compared there.)
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import date, datetime
from pathlib import Path

import pytest

from exposure_app.services.settings import Settings
from exposure_app.storage.migrations import LATEST_VERSION
from exposure_app.storage.store import DB_NAME, ProfileStore
from tests.hardening.make_v1_fixture import EXPECTED_NAME, FIXTURES, SETTINGS_NAME, SQL_NAME
from tests.hardening.profile_observation import observe

STORED = ("accounts", "states", "snapshots", "prices", "user_events", "checklist",
          "reminder_intervals", "withdrawal_tests")
EXPOSURE_FIGURES = ("as_of", "base_currency", "net_worth", "custodial", "self_custody", "assets",
                    "unpriced", "hhi")


@pytest.fixture
def release1_profile(tmp_path: Path):
    data_dir = tmp_path / "profile"
    data_dir.mkdir()
    conn = sqlite3.connect(data_dir / DB_NAME)
    conn.executescript((FIXTURES / SQL_NAME).read_text(encoding="utf-8"))
    conn.close()
    shutil.copy(FIXTURES / SETTINGS_NAME, data_dir / "settings.json")
    expected = json.loads((FIXTURES / EXPECTED_NAME).read_text(encoding="utf-8"))
    return data_dir, expected


def _user_event_ids(warnings: dict) -> dict[str, set[str]]:
    return {w["counterparty"]: {e["id"] for e in w["events"] if e["origin"] == "user"}
            for w in warnings["warnings"]}


def _snapshot_currencies(node, found: list[str]):
    """Remove ``currency`` (added by migration 11) from every snapshot, collecting it."""
    if isinstance(node, dict):
        if "account_id" in node and "taken_at" in node and "currency" in node:
            found.append(node.pop("currency"))
        for value in node.values():
            _snapshot_currencies(value, found)
    elif isinstance(node, list):
        for value in node:
            _snapshot_currencies(value, found)


def test_release1_profile_migrates_with_its_data_intact(release1_profile):
    data_dir, expected = release1_profile
    with ProfileStore.open(data_dir) as store:
        assert store.db.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
        assert store.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert store.db.execute("PRAGMA foreign_key_check").fetchall() == []
        observed = json.loads(json.dumps(observe(store, Settings.load(data_dir), expected["as_of"])))
    before = expected["observed"]
    currencies: list[str] = []
    _snapshot_currencies(observed, currencies)
    assert currencies and set(currencies) == {"USD"}   # release 1 stored USD figures
    # migration 7 gives release-1 user events a publication time: when they were added
    for event in observed["user_events"]:
        published = datetime.fromisoformat(event.pop("published"))
        assert published.tzinfo is not None and published.date() >= date.fromisoformat(event["date"])
        assert event.pop("scheduled") is False and event.pop("published_note") == ""
    for key in STORED:
        assert observed[key] == before[key], key
    for key in EXPOSURE_FIGURES:
        assert observed["exposure"][key] == before["exposure"][key], key
    figures = ("counterparty", "value", "direct", "affiliated", "accounts")
    assert [{k: c[k] for k in figures} for c in observed["exposure"]["counterparties"]] == \
        [{k: c[k] for k in figures} for c in before["exposure"]["counterparties"]]
    assert _user_event_ids(observed["warnings"]) == _user_event_ids(before["warnings"])


def test_the_release1_fixture_covers_what_it_claims(release1_profile):
    """Guards the fixture itself: every kind of data the upgrade test relies on is in it."""
    _, expected = release1_profile
    data = expected["observed"]
    assert {a["kind"] for a in data["accounts"]} == {"exchange_api", "manual_custodial",
                                                     "self_custody"}
    statuses = [s["snapshot"]["status"] for rows in data["snapshots"].values() for s in rows]
    assert {"ok", "partial", "failed"} <= set(statuses)
    holdings = [h for rows in data["snapshots"].values() for s in rows for h in s["holdings"]]
    assert any(h["value"] is None for h in holdings) and any(h["value"] for h in holdings)
    assert data["prices"] and data["user_events"] and data["withdrawal_tests"]
    progress = data["checklist"][0]["progress"]["items"]
    assert any(item["done"] for item in progress.values())
    assert any(item["note"] for item in progress.values())
    assert data["reminder_intervals"]
    assert data["exposure"]["unpriced"]
    sql = (FIXTURES / SQL_NAME).read_text(encoding="utf-8")
    assert "PRAGMA user_version=" in sql
    assert "secret" not in json.dumps(data["accounts"]).replace("secret_ref", "")


def test_the_generator_refuses_to_overwrite_the_frozen_fixture(monkeypatch, capsys):
    from tests.hardening import make_v1_fixture

    monkeypatch.setattr("sys.argv", ["make_v1_fixture"])
    assert make_v1_fixture.main() == 1
    assert "frozen" in capsys.readouterr().err
