"""After a full session, the known key and secret appear in no file the app wrote and no output.

The session runs the real CLI (in the test process, as a child would run it:
``tests/cli_in_process.py``): ``accounts add-exchange`` with
``--secrets-stdin``, manual holdings, ``sync`` (a good one and one that the
exchange rejects, whose error message is stored), exposure and warnings,
every ``export`` report, the checklist as JSON, CSV and Markdown (with a
tick), events add/export, then a short run of the desktop app on the profile
(a subprocess).
Then the whole profile folder (database, ``-wal``/``-shm``, settings, logs,
lock) and every output file, stdout and stderr are searched for the API key
and the secret, raw and as base64, URL-safe base64 and hex.

The only place the credentials are allowed is the test keyring file, which
lives outside the profile (it stands in for the OS keyring).
"""

from __future__ import annotations

import base64
import json
import signal
import subprocess
import sys
import time

from exposure_app.emulator.base import FaultKind
from tests.cli_in_process import run_cli_in_process
from tests.conftest import REPO_ROOT
from tests.hardening.sync_fixtures import API_KEY, SECRET, big_binance, keyring_env

REPORTS = ("exposure", "holdings", "history", "warnings", "checklist", "events")


def encodings(value: str) -> dict[str, bytes]:
    raw = value.encode()
    return {
        "raw": raw,
        "base64": base64.b64encode(raw).rstrip(b"="),
        "urlsafe-base64": base64.urlsafe_b64encode(raw).rstrip(b"="),
        "hex": raw.hex().encode(),
        "HEX": raw.hex().upper().encode(),
        "json-escaped": json.dumps(value).encode()[1:-1],
    }


def test_no_secret_in_any_file_or_output_after_a_full_session(tmp_path, emulator_server):
    data_dir = tmp_path / "profile"
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    keyring_file = tmp_path / "keyring" / "entries.json"
    keyring_file.parent.mkdir()
    emulator = big_binance(5)
    emulator_server.add(emulator)
    env = keyring_env(keyring_file)
    outputs: list[str] = []

    def cli(*args: str, stdin: str | None = None, ok: tuple[int, ...] = (0,)):
        done = run_cli_in_process(["--data-dir", str(data_dir), *args], env=env, input=stdin)
        outputs.extend([done.stdout, done.stderr])
        assert done.returncode in ok, (args, done.returncode, done.stderr)
        return done

    cli("settings", "set", "base_currency", "USD")
    cli("accounts", "add-exchange", "Binance", "--exchange", "binance", "--api-url",
        emulator.base_url, "--timeout", "5", "--secrets-stdin",
        stdin=json.dumps({"apiKey": API_KEY, "secret": SECRET}))
    assert SECRET in keyring_file.read_text()        # it did reach the (test) keyring
    cli("accounts", "add-manual", "Celsius", "--custodian", "celsius")
    cli("accounts", "add-wallet", "Ledger")
    cli("holdings", "set", "Celsius", "ETH", "2")
    cli("holdings", "set", "Ledger", "BTC", "1")
    cli("sync")
    cli("sync", "--json")
    emulator.inject(FaultKind.AUTH)
    assert "FAILED" in cli("sync", ok=(1,)).stdout
    emulator.faults.clear()
    cli("sync", "Binance")
    for command in (("exposure",), ("exposure", "--json"), ("warnings", "--json"),
                    ("accounts", "list", "--json"), ("holdings", "list"), ("settings", "show")):
        cli(*command)
    for report in REPORTS:
        cli("export", report, "--out", str(out_dir / f"{report}.csv"))
    cli("export", "holdings", "--all-snapshots", "--out", str(out_dir / "all-holdings.csv"))
    cli("checklist", "binance", "--json")
    cli("checklist", "binance", "--tick", "1", "--note", "tx 0xabc")
    cli("checklist", "binance", "--csv", str(out_dir / "plan.csv"))
    cli("checklist", "binance", "--markdown", str(out_dir / "plan.md"))
    cli("checklist", "--all", "--json")
    cli("events", "add", "my-binance-test-action", "--date", "2024-01-02", "--counterparty", "binance", "--category",
        "regulatory", "--title", "Test action", "--summary", "A test event.",
        "--source", "https://example.org/a")
    cli("events", "export", str(out_dir / "events.json"))
    cli("events", "export", str(out_dir / "events.csv"))
    cli("events", "export", "--all", str(out_dir / "all-events.json"))

    # A short run of the desktop app on the same profile (its log file, settings).
    gui = subprocess.Popen([sys.executable, "-m", "exposure_app", "--data-dir", str(data_dir)],
                           env=env, cwd=REPO_ROOT, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    time.sleep(6)
    gui.send_signal(signal.SIGTERM)
    try:
        gui_out, gui_err = gui.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        gui.kill()
        gui_out, gui_err = gui.communicate()
    outputs.extend([gui_out, gui_err])

    written = [p for p in [*data_dir.rglob("*"), *out_dir.rglob("*")] if p.is_file()]
    names = {p.name for p in written}
    assert {"exposure.sqlite3", "settings.json", "plan.md", "plan.csv", "events.json",
            "exposure.csv", "history.csv", "exposure.log"} <= names, names
    assert all((out_dir / f"{report}.csv").stat().st_size > 0 for report in REPORTS)
    needles = {f"{name} {how}": data for name, value in (("api key", API_KEY), ("secret", SECRET))
               for how, data in encodings(value).items()}
    for path in written:
        data = path.read_bytes()
        for label, needle in needles.items():
            assert needle not in data, f"{label} found in {path}"
    for text in outputs:
        for label, needle in needles.items():
            assert needle.decode() not in text, f"{label} found in command output"
