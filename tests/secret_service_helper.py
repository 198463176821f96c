"""Runs inside ``dbus-run-session``: a real gnome-keyring, the real CLI.

Usage: ``python secret_service_helper.py DATA_DIR BASE_URL`` with the
credentials as JSON on stdin. Starts ``gnome-keyring-daemon --unlock
--components=secrets`` on the private session bus (its keyrings live under the
caller's temporary ``XDG_DATA_HOME``), then runs ``accounts add-exchange``,
``sync --json`` and ``accounts remove`` through ``python -m exposure_app``
with keyring's Secret Service backend, inspecting the keyring between steps.
Prints one JSON object with what it saw (:func:`report_with_secret_service`,
also used by ``secret_service_sync_helper.py``). Not a test module.

The daemon can die under us. gnome-keyring 42 aborts now and then when a new
client's first message is a property read (its log: ``gkd_secret_service_get_
pkcs11_session: assertion 'client' failed``, then GIO's ``invoke_get_property_
in_idle_cb`` assertion), which keyring's Secret Service backend sends on every
fresh D-Bus connection; seen about twice in 10,000 reads on a loaded 2-core
machine. The test's session bus has no service files to start anything from
(``tests/dbus-session.conf``), so a dead daemon is not silently replaced by a
locked one: :class:`KeyringDaemon` notices the death, keeps its log, and starts
it again on the same (unlocked) keyring.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from typing import IO

LOGIN_PASSWORD = b"exposure-test-login\n"


class KeyringDaemon:
    """An unlocked gnome-keyring on this session bus; its control variable is set in
    ``os.environ``. ``crashes`` holds the log of every death seen by :meth:`restart_if_dead`."""

    def __init__(self) -> None:
        self.crashes: list[str] = []
        # the daemon's stderr for its whole life; closed by stop()
        self._log: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115
        self._process = self._start()

    def _start(self) -> subprocess.Popen[bytes]:
        self._log.seek(0)
        self._log.truncate()
        daemon = subprocess.Popen(
            ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._log,
        )
        assert daemon.stdin is not None and daemon.stdout is not None
        daemon.stdin.write(LOGIN_PASSWORD)
        daemon.stdin.close()
        line = daemon.stdout.readline().decode().strip()
        key, _, value = line.partition("=")
        if key:
            os.environ[key] = value
        self._wait_until_on_the_bus(daemon)
        return daemon

    @staticmethod
    def _wait_until_on_the_bus(daemon: subprocess.Popen[bytes], seconds: float = 20) -> None:
        """Returns once the Secret Service's name has an owner (nothing else would start one)."""
        import secretstorage

        deadline = time.monotonic() + seconds
        with secretstorage.dbus_init() as bus:
            while not secretstorage.check_service_availability(bus):
                if daemon.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("gnome-keyring did not come up on the session bus")
                time.sleep(0.05)

    def _log_text(self) -> str:
        self._log.seek(0)
        return self._log.read().decode(errors="replace")[-3000:]

    def restart_if_dead(self) -> bool:
        """``True`` (and the death's log kept) when the daemon had died and was started again."""
        code = self._process.poll()
        if code is None:
            return False
        self.crashes.append(f"exit {code}: {self._log_text()}")
        self._process = self._start()
        return True

    def stop(self) -> None:
        self._process.terminate()
        self._process.wait(timeout=10)
        self._log.close()


def report_with_secret_service(session: Callable[[dict[str, object], KeyringDaemon], None]) -> int:
    """Runs ``session(out, daemon)`` with a Secret Service up, stops it, prints ``out``
    (with ``daemon_crashes``: the log of each death of the daemon) as one JSON line (the
    test reads the last line of stdout)."""
    daemon = KeyringDaemon()
    out: dict[str, object] = {}
    try:
        session(out, daemon)
    finally:
        daemon.restart_if_dead()
        out["daemon_crashes"] = daemon.crashes
        daemon.stop()
    print(json.dumps(out))
    return 0


def add_sync_remove(out: dict[str, object], daemon: KeyringDaemon) -> None:
    """``accounts add-exchange``, ``sync --json``, ``accounts remove``, the keyring read between."""
    data_dir, base_url = sys.argv[1], sys.argv[2]
    credentials = sys.stdin.read()
    env = dict(os.environ, PYTHON_KEYRING_BACKEND="keyring.backends.SecretService.Keyring")

    def cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "exposure_app", "--data-dir", data_dir, *args],
            input=stdin, capture_output=True, text=True, env=env, timeout=120,
        )

    add = cli("accounts", "add-exchange", "Binance SS", "--exchange", "binance",
              "--api-url", base_url, "--timeout", "5", "--secrets-stdin", stdin=credentials)
    out["add"] = [add.returncode, add.stdout, add.stderr]
    from keyring.backends.SecretService import Keyring

    from exposure_app.storage.secrets import SERVICE_NAME

    backend = Keyring()
    import sqlite3

    db = sqlite3.connect(os.path.join(data_dir, "exposure.sqlite3"))
    options = json.loads(db.execute("SELECT options FROM accounts").fetchone()[0])
    db.close()
    ref = options["secret_ref"]
    out["stored"] = backend.get_password(SERVICE_NAME, ref)
    sync = cli("sync", "--json")
    out["sync"] = [sync.returncode, sync.stdout, sync.stderr]
    remove = cli("accounts", "remove", "Binance SS", "--yes")
    out["remove"] = [remove.returncode, remove.stdout, remove.stderr]
    out["after_remove"] = backend.get_password(SERVICE_NAME, ref)
    out["backend"] = f"{type(backend).__module__}.{type(backend).__name__}"


if __name__ == "__main__":
    raise SystemExit(report_with_secret_service(add_sync_remove))
