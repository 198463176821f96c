"""``python -m exposure_app.emulator`` serves the emulators and prints how to use them."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import urllib.request

from tests.conftest import REPO_ROOT, cli_env


def test_the_emulator_command_serves_binance_with_its_credentials():
    proc = subprocess.Popen(
        [sys.executable, "-m", "exposure_app.emulator", "--exchange", "binance", "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=cli_env(),
        cwd=REPO_ROOT,
    )
    try:
        assert proc.stdout is not None
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if line.rstrip() == "]":
                break
        endpoints = json.loads("".join(lines))
        assert [e["exchange"] for e in endpoints] == ["binance"]
        creds = endpoints[0]["credentials"]
        assert set(creds) == {"apiKey", "secret"}
        with urllib.request.urlopen(endpoints[0]["base_url"] + "/api/v3/time", timeout=10) as r:
            assert "serverTime" in json.loads(r.read())
    finally:
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=20) == 0


def test_an_unknown_exchange_is_a_usage_error():
    proc = subprocess.run([sys.executable, "-m", "exposure_app.emulator", "--exchange", "nope"],
                          capture_output=True, text=True, env=cli_env(), cwd=REPO_ROOT,
                          timeout=60)
    assert proc.returncode == 2 and "no emulator for: nope" in proc.stderr
