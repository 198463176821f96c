"""Names and titles lose control characters on input; nothing printed can drive the terminal."""

from __future__ import annotations

import json
import sqlite3

import pytest

pytestmark = pytest.mark.cli_in_process   # what commands do, not the process

ESC_TITLE = "Hack\x1b]0;pwned\x07\x1b[2J\rsafe\nline"
ESC_NAME = "Main\x1b[31m red\r\x9b"


def ok(result):
    assert result.returncode == 0, result.stderr
    return result


def _no_controls(text: str) -> None:
    assert not any(ch in text for ch in "\x1b\x07\r\x9b\u202e"), repr(text)


def test_names_and_titles_are_cleaned_on_input_and_output_is_escaped(run_cli, data_dir, tmp_path):
    ok(run_cli("accounts", "add-manual", ESC_NAME, "--custodian", "kraken"))
    ok(run_cli("holdings", "set", "Main[31m red", "USDT", "1000", "--value", "1000",
               "--date", "2024-01-01"))
    events = tmp_path / "mine.json"
    events.write_text(json.dumps({"version": 1, "events": [{
        "id": "mine-esc", "date": "2024-01-02", "counterparty": "kraken", "category": "hack",
        "title": ESC_TITLE, "summary": "Body\x1b[1m with\u202e escapes",
        "sources": ["https://example.org/a"]}]}), encoding="utf-8")
    ok(run_cli("events", "import", str(events)))

    listed = json.loads(ok(run_cli("events", "list", "--json")).stdout)["events"]
    mine = next(e for e in listed if e["id"] == "mine-esc")
    assert mine["title"] == "Hack]0;pwned[2J safe line"
    assert mine["summary"] == "Body[1m with escapes"
    accounts = json.loads(ok(run_cli("accounts", "list", "--json")).stdout)["accounts"]
    assert [a["account"] for a in accounts] == ["Main[31m red"]

    for args in (("events", "list"), ("accounts", "list"), ("warnings", "--as-of", "2024-01-05")):
        result = ok(run_cli(*args))
        _no_controls(result.stdout + result.stderr)


def test_control_characters_already_stored_are_escaped_when_printed(run_cli, data_dir):
    ok(run_cli("accounts", "add-wallet", "Plain"))
    db = sqlite3.connect(data_dir / "exposure.sqlite3")
    with db:
        db.execute("UPDATE accounts SET name = ?", ["Evil\x1b]2;title\x07\x1b[2J\u202eX\x9b"])
    db.close()
    human = ok(run_cli("accounts", "list"))
    _no_controls(human.stdout + human.stderr)
    assert "Evil\\x1b]2;title\\x07" in human.stdout
    as_json = ok(run_cli("accounts", "list", "--json"))
    _no_controls(as_json.stdout)
    assert json.loads(as_json.stdout)["accounts"][0]["account"] == "Evil\x1b]2;title\x07\x1b[2J\u202eX\x9b"
    missing = run_cli("holdings", "set", "Nobody\x1b[2J", "BTC", "1")
    assert missing.returncode == 1
    _no_controls(missing.stderr)
