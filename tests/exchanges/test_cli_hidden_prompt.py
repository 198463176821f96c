"""The hidden key prompt of ``accounts add-exchange``, on a real pseudo-terminal.

A Coinbase CDP key's secret is a multi-line PEM block. Pasted at the hidden
prompt, every line must reach the keyring (``getpass`` would keep the first
line and throw the rest away), nothing may be echoed, and the key is tested
against the loopback Coinbase emulator by the real ccxt client, which can
only sign with the whole PEM key. POSIX only: it needs a terminal.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
from decimal import Decimal

import pytest

from exposure_app.emulator.base import EmulatedAccount, EmulatedBalance
from exposure_app.emulator.coinbase import CoinbaseEmulator, new_ec_secret
from exposure_app.storage.secrets import SERVICE_NAME
from tests.conftest import REPO_ROOT
from tests.hardening.sync_fixtures import keyring_env

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX terminal")

KEY_NAME = "organizations/5c7e-pty/apiKeys/9d1a-pty"
# the child makes the terminal its controlling one (it is a new session), then runs the CLI
CHILD = ("import fcntl, os, sys, termios; fcntl.ioctl(0, termios.TIOCSCTTY, 0); "
         "os.execv(sys.executable, [sys.executable, '-m', 'exposure_app', *sys.argv[1:]])")


class Terminal:
    """The test's end of a pseudo-terminal whose other end is the CLI's."""

    def __init__(self, argv: list[str], env: dict[str, str]) -> None:
        self.master, slave = os.openpty()
        self.proc = subprocess.Popen([sys.executable, "-c", CHILD, *argv], stdin=slave,
                                     stdout=slave, stderr=slave, env=env, cwd=REPO_ROOT,
                                     start_new_session=True)
        os.close(slave)
        self.seen = b""

    def read_until(self, text: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while text.encode() not in self.seen:
            assert time.monotonic() < deadline, f"no {text!r} in {self.seen!r}"
            ready, _, _ = select.select([self.master], [], [], 0.2)
            if ready:
                try:
                    self.seen += os.read(self.master, 4096)
                except OSError:        # the child closed its end
                    break

    def write(self, text: str) -> None:
        os.write(self.master, text.encode())

    def finish(self, timeout: float = 60) -> int:
        code = self.proc.wait(timeout)
        while True:
            ready, _, _ = select.select([self.master], [], [], 0.2)
            try:
                chunk = os.read(self.master, 4096) if ready else b""
            except OSError:
                chunk = b""
            if not chunk:
                break
            self.seen += chunk
        os.close(self.master)
        return code


def test_a_pasted_multi_line_pem_key_is_stored_whole_and_never_echoed(
        tmp_path, emulator_server):
    pem = new_ec_secret().strip()
    assert pem.count("\n") >= 3
    emulator = CoinbaseEmulator(
        EmulatedAccount(KEY_NAME, pem, balances=[EmulatedBalance("spot", "BTC", Decimal("0.2"))]),
        tickers={"BTC/USD": Decimal("60000")})
    emulator_server.add(emulator)
    keyring_file = tmp_path / "keyring.json"
    terminal = Terminal(["--data-dir", str(tmp_path / "profile"), "accounts", "add-exchange",
                         "Coinbase", "--exchange", "coinbase", "--api-url", emulator.base_url,
                         "--timeout", "10"], keyring_env(keyring_file))
    terminal.read_until("API key: ")
    terminal.write(KEY_NAME + "\n")
    terminal.read_until("API secret: ")
    terminal.write(pem + "\n")                       # one paste: every line at once
    code = terminal.finish()
    output = terminal.seen.decode(errors="replace")
    assert code == 0, output
    assert "Coinbase" in output
    for line in pem.splitlines()[1:-1]:              # the key's body was never echoed
        assert line not in output
    assert KEY_NAME not in output
    stored = json.loads(keyring_file.read_text())
    (entry,) = [json.loads(v) for k, v in stored.items() if k.startswith(SERVICE_NAME)]
    assert entry == {"apiKey": KEY_NAME, "secret": pem}
