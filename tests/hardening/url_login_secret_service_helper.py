"""Runs inside ``dbus-run-session``: an older profile's URL logins meet a real gnome-keyring.

Usage: ``python url_login_secret_service_helper.py DATA_DIR REF``. Starts an
unlocked gnome-keyring on the private session bus (as
``tests/secret_service_helper.py`` does), stores the account's API key under
``REF`` through keyring's Secret Service backend, runs ``accounts list``
(the first command of this version on that profile) and prints one JSON
object: the command's outcome and the keyring entry afterwards. Not a test module.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))

from tests.secret_service_helper import KeyringDaemon


def main() -> int:
    data_dir, ref = sys.argv[1], sys.argv[2]
    daemon = KeyringDaemon()
    out: dict[str, object] = {}
    try:
        from keyring.backends.SecretService import Keyring

        from exposure_app.storage.secrets import SecretStore

        backend = Keyring()
        SecretStore(backend).save(ref, {"apiKey": "release1-key", "secret": "release1-secret"})
        env = dict(os.environ, PYTHON_KEYRING_BACKEND="keyring.backends.SecretService.Keyring")
        listed = subprocess.run(
            [sys.executable, "-m", "exposure_app", "--data-dir", data_dir, "accounts", "list"],
            capture_output=True, text=True, env=env, timeout=120)
        out["list"] = [listed.returncode, listed.stdout, listed.stderr]
        out["stored"] = SecretStore(backend).load(ref)
        out["backend"] = f"{type(backend).__module__}.{type(backend).__name__}"
    finally:
        daemon.stop()
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
