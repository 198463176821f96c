"""`events update` against hostile servers: whole-download deadline, size cap, redirect policy."""

from __future__ import annotations

import json
import time

import pytest

from exposure_app.emulator.http_faults import FaultServer

pytestmark = pytest.mark.cli_in_process   # what commands do, not the process

FEED = json.dumps({"version": 1, "events": []}).encode()


def _one_error_line(result) -> str:
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture
def server():
    with FaultServer(body=FEED, content_type="application/json") as s:
        yield s


def test_a_dripping_server_is_given_up_on_as_a_whole(run_cli, server):
    server.drip_interval = 0.5
    assert run_cli("settings", "set", "sync_timeout_seconds", "3").returncode == 0
    started = time.monotonic()
    line = _one_error_line(run_cli("events", "update", server.url + "/drip"))
    assert time.monotonic() - started < 25
    assert "no complete answer within 3 s" in line and "nothing changed" in line


def test_an_endless_body_stops_at_the_cap(run_cli, server):
    line = _one_error_line(run_cli("events", "update", server.url + "/huge"))
    assert "larger than" in line


def test_redirects_stay_on_https_or_the_feed_origin(run_cli, server):
    same = run_cli("events", "update", f"{server.url}/redirect?to={server.url}/feed.json")
    assert same.returncode == 0, same.stderr
    with FaultServer(body=FEED) as other:
        line = _one_error_line(run_cli("events", "update",
                                       f"{server.url}/redirect?to={other.url}/feed.json"))
        assert "refused a redirect" in line and other.paths == []
    line = _one_error_line(run_cli("events", "update",
                                   f"{server.url}/redirect?to=ftp://127.0.0.1/feed.json"))
    assert "refused a redirect" in line
