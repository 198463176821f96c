"""The proxy setting is validated and carries every request; URL logins stay in the keyring.

A loopback HTTP proxy counts what passes through it: an exchange sync (ccxt
async, aiohttp proxy settings), the events feed and reserve data all go
through it when the profile's proxy is set, and nothing goes out directly.
"""

from __future__ import annotations

import json
import os
import sqlite3
import stat

import pytest

from exposure_app.emulator.http_faults import CountingHttpProxy, FaultServer
from exposure_app.storage.store import DB_NAME
from tests.hardening.sync_fixtures import add_account, big_binance, keyring_env, run_sync

pytestmark = pytest.mark.cli_in_process   # what commands do, not the process


def _settings(data_dir, **values) -> None:
    path = data_dir / "settings.json"
    current = json.loads(path.read_text()) if path.exists() else {}
    path.write_text(json.dumps({**current, **values}))


@pytest.mark.parametrize("bad", ["not a url", "file:///etc/passwd", "ftp://127.0.0.1:21"])
def test_settings_set_proxy_refuses_what_is_not_a_proxy(run_cli, data_dir, bad):
    result = run_cli("settings", "set", "proxy", bad)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "proxy" in result.stderr
    assert not (data_dir / "settings.json").exists()


def test_warnings_refresh_with_an_unusable_proxy_is_one_line(run_cli, data_dir):
    assert run_cli("accounts", "add-manual", "K", "--custodian", "kraken").returncode == 0
    _settings(data_dir, proxy="not a url")
    result = run_cli("warnings", "--refresh")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "proxy" in errors[0]


def test_events_update_and_reserve_data_go_through_the_proxy(run_cli, data_dir):
    feed = json.dumps({"version": 1, "events": []}).encode()
    with FaultServer(body=feed, content_type="application/json") as server, \
            CountingHttpProxy() as proxy:
        assert run_cli("settings", "set", "proxy", proxy.url).returncode == 0
        result = run_cli("events", "update", server.url + "/feed.json")
        assert result.returncode == 0, result.stderr
        assert proxy.targets == [f"GET {server.url}/feed.json"]
        assert run_cli("accounts", "add-manual", "K", "--custodian", "okx").returncode == 0
        assert run_cli("holdings", "set", "K", "USDT", "100", "--value", "100").returncode == 0
        assert run_cli("settings", "set", "reserve_data_url", server.url).returncode == 0
        refreshed = run_cli("warnings", "--refresh")
        assert refreshed.returncode == 0, refreshed.stderr
        assert any("/protocol/" in t for t in proxy.targets[1:]), proxy.targets
        assert len(server.paths) == proxy.requests   # nothing reached the server directly


def test_exchange_sync_goes_through_the_profile_proxy(tmp_path, data_dir, emulator_server, run_cli):
    keyring_file = tmp_path / "keyring.json"
    emulator = big_binance(3)
    emulator_server.add(emulator)
    add_account(data_dir, keyring_file, "Binance", emulator)
    with CountingHttpProxy() as proxy:
        _settings(data_dir, proxy=proxy.url)
        result = run_sync(data_dir, keyring_file)
        assert result.returncode == 0, result.stderr
        assert proxy.requests >= 2
        assert all(t.split()[1].startswith(emulator.base_url) for t in proxy.targets)
    # the proxy gone: the sync fails instead of going direct
    _settings(data_dir, proxy="http://127.0.0.1:1")
    failed = run_sync(data_dir, keyring_file)
    assert failed.returncode != 0 and "Traceback" not in failed.stderr
    # a proxy setting that cannot be used fails the sync with its reason
    _settings(data_dir, proxy="file:///etc/passwd")
    refused = run_sync(data_dir, keyring_file)
    assert refused.returncode != 0 and "proxy" in refused.stdout + refused.stderr
    assert "Traceback" not in refused.stderr


def test_url_logins_go_to_the_keyring_and_the_profile_is_owner_only(
        tmp_path, data_dir, emulator_server, run_cli):
    keyring_file = tmp_path / "keyring.json"
    emulator = big_binance(2)
    emulator_server.add(emulator)
    env = keyring_env(keyring_file)
    with CountingHttpProxy() as proxy:
        api_url = emulator.base_url.replace("http://", "http://apiuser:apipass-9f2@")
        proxy_url = proxy.url.replace("http://", "http://pxuser:pxpass-4k7@")
        added = run_cli("accounts", "add-exchange", "Binance", "--exchange", "binance",
                        "--api-url", api_url, "--proxy", proxy_url, "--secrets-stdin",
                        input=json.dumps(emulator.account.credentials()), env=env)
        assert added.returncode == 0, added.stderr
        assert run_cli("settings", "set", "proxy", "http://setuser:setpass-3z@127.0.0.1:9",
                       env=env).returncode == 0
        synced = run_sync(data_dir, keyring_file)
        assert synced.returncode == 0, synced.stderr
        assert proxy.requests >= 1     # the account's own proxy, with its login put back
        assert set(proxy.logins) == {"pxuser:pxpass-4k7"}
    database = (data_dir / DB_NAME).read_bytes()
    settings = (data_dir / "settings.json").read_text()
    for secret in ("apipass-9f2", "pxpass-4k7", "apiuser", "pxuser", "setpass-3z", "setuser"):
        assert secret.encode() not in database
        assert secret not in settings
    db = sqlite3.connect(data_dir / DB_NAME)
    options = json.loads(db.execute("SELECT options FROM accounts").fetchone()[0])
    db.close()
    assert options["api_url"] == emulator.base_url and options["proxy"] == proxy.url
    stored = json.loads(keyring_file.read_text())
    assert "apipass-9f2" in json.dumps(stored) and "setpass-3z" in json.dumps(stored)
    assert stat.S_IMODE(os.stat(data_dir).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(data_dir / DB_NAME).st_mode) == 0o600


def test_a_login_stored_in_the_database_by_an_older_version_moves_to_the_keyring(
        tmp_path, data_dir, emulator_server):
    keyring_file = tmp_path / "keyring.json"
    emulator = big_binance(2)
    emulator_server.add(emulator)
    account_id = add_account(data_dir, keyring_file, "Binance", emulator)
    with CountingHttpProxy() as proxy:
        old_style = proxy.url.replace("http://", "http://olduser:oldpass-8q@")
        db = sqlite3.connect(data_dir / DB_NAME)
        with db:
            options = json.loads(db.execute("SELECT options FROM accounts").fetchone()[0])
            db.execute("UPDATE accounts SET options = ? WHERE id = ?",
                       [json.dumps({**options, "proxy": old_style}), account_id])
        db.close()
        synced = run_sync(data_dir, keyring_file)
        assert synced.returncode == 0, synced.stderr
        assert set(proxy.logins) == {"olduser:oldpass-8q"}
    db = sqlite3.connect(data_dir / DB_NAME)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    assert b"oldpass-8q" not in (data_dir / DB_NAME).read_bytes()
    assert "oldpass-8q" in keyring_file.read_text()
