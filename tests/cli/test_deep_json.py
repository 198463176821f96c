"""JSON nested 100,000 levels deep: a clear one-line error, nothing changed, no RecursionError."""

from __future__ import annotations

import json

import pytest

from exposure_app.domain.json_limits import JsonError, loads_bounded
from exposure_app.emulator.http_faults import FaultServer
from exposure_app.services.reserve_feed import ReserveFetchError, fetch_protocol_json

pytestmark = pytest.mark.cli_in_process   # what commands do, not the process

DEEP = '{"version": 1, "events": ' + "[" * 100_000 + "]" * 100_000 + "}"


def _one_error_line(result) -> str:
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "RecursionError" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_loads_bounded_limits_depth_both_ways():
    with pytest.raises(JsonError, match="nested too deeply"):
        loads_bounded("[" * 100_000 + "]" * 100_000, what="x")
    with pytest.raises(JsonError, match="nested too deeply"):
        loads_bounded("[" * 70 + "]" * 70, what="x")   # parses, but deeper than 64
    assert loads_bounded('{"a": [[1]]}', what="x") == {"a": [[1]]}


def test_events_import_and_feed_refuse_a_deep_file(run_cli, tmp_path):
    path = tmp_path / "deep.json"
    path.write_text(DEEP, encoding="utf-8")
    line = _one_error_line(run_cli("events", "import", str(path)))
    assert "nested too deeply" in line
    with FaultServer(body=DEEP.encode(), content_type="application/json") as server:
        line = _one_error_line(run_cli("events", "update", server.url + "/feed.json"))
    assert "nested too deeply" in line and "nothing changed" in line
    assert [e for e in json.loads(run_cli("events", "list", "--json").stdout)["events"]
            if e.get("origin") != "shipped"] == []


def test_reserve_data_refuses_a_deep_reply():
    with FaultServer(body=("[" * 100_000 + "]" * 100_000).encode()) as server, \
            pytest.raises(ReserveFetchError, match="nested too deeply"):
        fetch_protocol_json("okx", base_url=server.url, timeout=10)


def test_a_deep_settings_file_is_reported_not_a_crash(run_cli, data_dir):
    (data_dir / "settings.json").write_text("[" * 100_000 + "]" * 100_000)
    result = run_cli("settings", "show")
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert "nested too deeply" in result.stderr


def test_deep_json_on_the_command_line_and_stdin_is_not_a_crash(run_cli):
    deep = "[" * 5000 + "]" * 5000
    result = run_cli("settings", "set", "base_currency", deep)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    added = run_cli("accounts", "add-exchange", "X", "--exchange", "binance", "--secrets-stdin",
                    "--no-check", input=deep)
    assert added.returncode == 1 and "Traceback" not in added.stderr
