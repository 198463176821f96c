"""Logins an older version stored inside URLs move to the keyring when the profile opens.

The release-1 profile (``fixtures/profile_release1.sql``, schema 4) is loaded
into a real SQLite file, and its exchange account's API URL and proxy are
given logins the way older versions stored them: as typed, in
``accounts.options``, updated once so an earlier copy of the row sits in the
file's free space too. The first command of this version (``accounts list``,
nothing to do with syncing) must move both logins into the account's keyring
entry and leave none of their text anywhere in the profile folder: database,
WAL, shared memory or the backup taken before the schema upgrade.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from exposure_app.exchanges.client_factory import ConnectionOptions
from exposure_app.storage.database_file import list_backups
from exposure_app.storage.secrets import SecretStore
from exposure_app.storage.store import DB_NAME
from tests.conftest import REPO_ROOT
from tests.hardening.file_keyring import FileKeyring
from tests.hardening.make_v1_fixture import FIXTURES, SETTINGS_NAME, SQL_NAME
from tests.hardening.sync_fixtures import keyring_env

REF = "account-3674c907840c4260ade859ff60ac5269"     # release 1's Binance Main
BARE_API = "http://127.0.0.1:34765"
BARE_PROXY = "http://127.0.0.1:3128"
API_LOGIN = "olduser:oldpass-Api9x2"
PROXY_LOGIN = "pxolduser:oldpass-Prx7k4"
EARLIER_LOGIN = "olduser:oldpass-Earlier1"
SECRET_TEXTS = ("oldpass-Api9x2", "oldpass-Prx7k4", "oldpass-Earlier1", "pxolduser", "olduser")


def _with_login(url: str, login: str) -> str:
    return url.replace("http://", f"http://{login}@")


def _bytes_of_profile(data_dir: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in data_dir.rglob("*") if p.is_file()}


def _account_options(path: Path) -> dict:
    db = sqlite3.connect(path)
    try:
        return json.loads(db.execute("SELECT options FROM accounts WHERE id = 1").fetchone()[0])
    finally:
        db.close()


@pytest.fixture
def old_profile(tmp_path: Path, data_dir: Path):
    """Release 1's profile with URL logins stored the old way, and its API key in a
    test keyring (a file, shared with the CLI subprocess)."""
    db = sqlite3.connect(data_dir / DB_NAME)
    # as SQLite builds without SECURE_DELETE by default (macOS, Windows, python.org) write:
    # freed space keeps the text it held
    db.execute("PRAGMA secure_delete = OFF")
    db.executescript((FIXTURES / SQL_NAME).read_text(encoding="utf-8"))
    options = json.loads(db.execute("SELECT options FROM accounts WHERE id = 1").fetchone()[0])
    # edited once: the earlier, longer row stays in the page's free space (the shorter
    # new row takes the end of the space it leaves)
    for api_login, padding in ((EARLIER_LOGIN, {"note": "x" * 400}), (API_LOGIN, {})):
        with db:
            db.execute("UPDATE accounts SET options = ? WHERE id = 1", [json.dumps(
                {**options, "api_url": _with_login(BARE_API, api_login),
                 "proxy": _with_login(BARE_PROXY, PROXY_LOGIN), **padding})])
    db.close()
    shutil.copy(FIXTURES / SETTINGS_NAME, data_dir / "settings.json")
    raw = (data_dir / DB_NAME).read_bytes()
    assert b"oldpass-Earlier1" in raw and b"oldpass-Api9x2" in raw   # the old text is there
    keyring_file = tmp_path / "keyring.json"
    SecretStore(FileKeyring(keyring_file)).save(REF, {"apiKey": "release1-key",
                                                      "secret": "release1-secret"})
    return data_dir, keyring_file


def assert_no_login_text(data_dir: Path) -> None:
    files = _bytes_of_profile(data_dir)
    assert any(p.parent.name == "backups" for p in files)   # the backups were looked at too
    for path, content in files.items():
        for text in SECRET_TEXTS:
            assert text.encode() not in content, (text, path)


def test_the_first_command_moves_old_url_logins_to_the_keyring(old_profile, run_cli):
    data_dir, keyring_file = old_profile
    result = run_cli("accounts", "list", env=keyring_env(keyring_file))
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr.lower()
    assert "Binance Main" in result.stdout
    stored = SecretStore(FileKeyring(keyring_file)).load(REF)
    assert stored == {"apiKey": "release1-key", "secret": "release1-secret",
                      "api_url_credentials": API_LOGIN, "proxy_credentials": PROXY_LOGIN}
    options = _account_options(data_dir / DB_NAME)
    assert (options["api_url"], options["proxy"]) == (BARE_API, BARE_PROXY)
    assert options["url_logins"] == ["api_url", "proxy"]
    # the client gets the URLs back with their logins, as before the upgrade
    client_side = ConnectionOptions.from_mapping(options).with_credentials(stored)
    assert client_side.api_url == _with_login(BARE_API, API_LOGIN)
    assert client_side.proxy == _with_login(BARE_PROXY, PROXY_LOGIN)
    [backup] = list_backups(data_dir)     # taken before the schema upgrade, rewritten since
    assert _account_options(backup)["api_url"] == BARE_API
    db = sqlite3.connect(data_dir / DB_NAME)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()
    assert_no_login_text(data_dir)


def test_with_the_keyring_unavailable_the_login_stays_and_the_user_is_told(old_profile,
                                                                           run_cli):
    data_dir, keyring_file = old_profile
    locked = run_cli("accounts", "list", env=keyring_env(keyring_file, fail="all"))
    assert locked.returncode == 0, locked.stderr
    warnings = [line for line in locked.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 1 and "'Binance Main'" in warnings[0]
    assert "keyring" in warnings[0] and "Traceback" not in locked.stderr
    assert "Binance Main" in locked.stdout
    # nothing lost: the login is where the older version put it
    options = _account_options(data_dir / DB_NAME)
    assert options["api_url"] == _with_login(BARE_API, API_LOGIN)
    assert options["proxy"] == _with_login(BARE_PROXY, PROXY_LOGIN)
    # the keyring back: the next command moves it
    again = run_cli("accounts", "list", env=keyring_env(keyring_file))
    assert again.returncode == 0 and "warning" not in again.stderr.lower(), again.stderr
    assert SecretStore(FileKeyring(keyring_file)).load(REF)["proxy_credentials"] == PROXY_LOGIN
    assert_no_login_text(data_dir)


@pytest.mark.secret_service
def test_the_logins_move_into_a_real_secret_service(old_profile, tmp_path):
    """The same move with keyring's Secret Service backend on a private gnome-keyring."""
    from tests.test_secrets_secret_service import (
        PRIVATE_BUS_CONFIG,
        _require_tools,
        private_session_env,
    )

    _require_tools()
    data_dir, _keyring_file = old_profile
    env = private_session_env(tmp_path)
    proc = subprocess.run(
        ["dbus-run-session", f"--config-file={PRIVATE_BUS_CONFIG}", "--", sys.executable,
         str(REPO_ROOT / "tests" / "hardening" / "url_login_secret_service_helper.py"),
         str(data_dir), REF],
        capture_output=True, text=True, env=env, timeout=240, cwd=REPO_ROOT)
    assert proc.returncode == 0, proc.stderr[-3000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["backend"] == "keyring.backends.SecretService.Keyring"
    code, stdout, stderr = out["list"]
    assert code == 0 and "warning" not in stderr.lower(), stderr
    assert "Binance Main" in stdout
    assert out["stored"]["api_url_credentials"] == API_LOGIN
    assert out["stored"]["proxy_credentials"] == PROXY_LOGIN
    assert out["stored"]["apiKey"] == "release1-key"
    assert_no_login_text(data_dir)


OLD_SETTINGS_PROXY = "http://proxyuser:oldpass-Settings7@127.0.0.1:3128"


def _with_settings_proxy(data_dir: Path) -> Path:
    """settings.json as an older version wrote ``settings set proxy`` with a login."""
    path = data_dir / "settings.json"
    settings = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps({**settings, "proxy": OLD_SETTINGS_PROXY}), encoding="utf-8")
    return path


def test_a_proxy_login_in_old_settings_moves_to_the_keyring(old_profile, run_cli):
    data_dir, keyring_file = old_profile
    path = _with_settings_proxy(data_dir)
    result = run_cli("accounts", "list", env=keyring_env(keyring_file))
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr.lower() and "oldpass" not in result.stdout
    assert "oldpass-Settings7" not in path.read_text(encoding="utf-8")
    written = json.loads(path.read_text(encoding="utf-8"))
    assert written["proxy"] == "http://127.0.0.1:3128" and written["proxy_keyring_entry"]
    stored = SecretStore(FileKeyring(keyring_file)).load(written["proxy_keyring_entry"])
    assert "proxyuser" in json.dumps(stored) and "oldpass-Settings7" in json.dumps(stored)
    # the other settings the older version wrote are kept
    assert {k: v for k, v in written.items() if k not in ("proxy", "proxy_keyring_entry")} \
        == {k: v for k, v in json.loads((FIXTURES / SETTINGS_NAME).read_text()).items()
            if k not in ("proxy", "proxy_keyring_entry")}


def test_with_the_keyring_unavailable_the_settings_proxy_login_stays_and_is_reported(
        old_profile, run_cli):
    data_dir, keyring_file = old_profile
    path = _with_settings_proxy(data_dir)
    before = path.read_bytes()
    locked = run_cli("accounts", "list", env=keyring_env(keyring_file, fail="all"))
    assert locked.returncode == 0 and "Traceback" not in locked.stderr, locked.stderr
    assert "settings.json" in locked.stderr and "keyring" in locked.stderr
    assert path.read_bytes() == before       # nothing lost while the keyring is away
