"""Runs inside ``dbus-run-session``: a real gnome-keyring, the real CLI.

Usage: ``python secret_service_helper.py DATA_DIR BASE_URL`` with the
credentials as JSON on stdin. Starts ``gnome-keyring-daemon --unlock
--components=secrets`` on the private session bus (its keyrings live under the
caller's temporary ``XDG_DATA_HOME``), then runs ``accounts add-exchange``,
``sync --json`` and ``accounts remove`` through ``python -m exposure_app``
with keyring's Secret Service backend, inspecting the keyring between steps.
Prints one JSON object with what it saw (:func:`report_with_secret_service`,
also used by ``secret_service_sync_helper.py``). Not a test module.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable


def start_secret_service() -> subprocess.Popen:
    """An unlocked gnome-keyring on this session bus; its control variable is set
    in ``os.environ``. The caller terminates the returned daemon."""
    daemon = subprocess.Popen(
        ["gnome-keyring-daemon", "--foreground", "--unlock", "--components=secrets"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
    )
    assert daemon.stdin is not None and daemon.stdout is not None
    daemon.stdin.write(b"exposure-test-login\n")
    daemon.stdin.close()
    line = daemon.stdout.readline().decode().strip()
    key, _, value = line.partition("=")
    if key:
        os.environ[key] = value
    return daemon


def report_with_secret_service(session: Callable[[dict[str, object]], None]) -> int:
    """Runs ``session(out)`` with a Secret Service up, stops it, prints ``out`` as one
    JSON line (the test reads the last line of stdout)."""
    daemon = start_secret_service()
    out: dict[str, object] = {}
    try:
        session(out)
    finally:
        daemon.terminate()
        daemon.wait(timeout=10)
    print(json.dumps(out))
    return 0


def add_sync_remove(out: dict[str, object]) -> None:
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
