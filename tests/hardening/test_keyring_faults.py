"""The keyring unavailable, locked, or failing half-way: clear messages, no plaintext, nothing lost.

Every step runs the real CLI (in the test process, as a child would run it:
``tests/cli_in_process.py``) with the test file keyring
(:mod:`tests.hardening.file_keyring`), which can be told to refuse reads or
writes like a locked Secret Service; "unavailable" is keyring's own ``fail``
backend. After each fault the profile is searched for the credentials.
"""

from __future__ import annotations

import json
import sqlite3
from decimal import Decimal

import pytest

from exposure_app.emulator.base import EmulatedAccount, EmulatedBalance
from exposure_app.emulator.binance import BinanceEmulator
from exposure_app.storage.store import DB_NAME, ProfileStore
from tests.cli_in_process import run_cli_in_process
from tests.conftest import cli_env
from tests.hardening.sync_fixtures import (
    API_KEY,
    SECRET,
    add_account,
    big_binance,
    keyring_env,
    run_sync,
)

OTHER_KEY = "second-api-key-Hh3Jj4Kk5"
OTHER_SECRET = "second-secret-Pp6Qq7Rr8Ss9"
SECRETS = (API_KEY, SECRET, OTHER_KEY, OTHER_SECRET)


def cli(data_dir, *args, env, stdin=None):
    return run_cli_in_process(["--data-dir", str(data_dir), *args], env=env, input=stdin)


def assert_no_plaintext(data_dir, *outputs):
    for path in data_dir.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for secret in SECRETS:
                assert secret.encode() not in data, (path, secret)
    for text in outputs:
        for secret in SECRETS:
            assert secret not in text


def account_names(data_dir):
    with ProfileStore.open(data_dir) as store:
        return sorted(a.name for a in store.accounts.list())


@pytest.fixture
def profile(tmp_path, emulator_server):
    """Two exchange accounts synced once, plus a manual account with a holding."""
    data_dir = tmp_path / "profile"
    keyring_file = tmp_path / "keyring.json"
    first = big_binance(3)
    second = BinanceEmulator(
        EmulatedAccount(OTHER_KEY, OTHER_SECRET,
                        balances=[EmulatedBalance("spot", "BTC", Decimal("0.5"))]),
        tickers={"BTC/USDT": Decimal("60000")})
    emulator_server.add(first, key="first")
    emulator_server.add(second, key="second")
    add_account(data_dir, keyring_file, "First", first)
    add_account(data_dir, keyring_file, "Second", second)
    env = cli_env()
    assert cli(data_dir, "accounts", "add-manual", "Celsius", "--custodian", "celsius",
               env=env).returncode == 0
    assert cli(data_dir, "holdings", "set", "Celsius", "ETH", "2", env=env).returncode == 0
    done = run_sync(data_dir, keyring_file, "--json")
    assert done.returncode == 0, done.stderr
    return data_dir, keyring_file, first


def exposure_json(data_dir):
    done = cli(data_dir, "exposure", "--json", env=cli_env())
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_locked_keyring_during_sync_fails_each_account_clearly_and_loses_nothing(profile):
    data_dir, keyring_file, _ = profile
    before = exposure_json(data_dir)
    done = run_sync(data_dir, keyring_file, "--json", fail="get")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    results = {r["account"]: r for r in json.loads(done.stdout)["accounts"]}
    assert set(results) == {"First", "Second"}
    for result in results.values():
        assert result["status"] == "failed"
        assert "keyring could not be read" in result["error"] and "locked" in result["error"]
        assert result["stale_since"] is not None          # the last good snapshot is kept
    # The exposure (manual account included) still reads from the last good snapshots.
    after = exposure_json(data_dir)
    for key in ("net_worth", "counterparties", "unpriced"):
        assert json.loads(after)[key] == json.loads(before)[key], key
    assert json.loads(after)["net_worth"] == "30018"       # 0.5 BTC x 60000 + 6 T x 3
    assert json.loads(after)["unpriced"][0]["account"] == "Celsius"
    assert run_sync(data_dir, keyring_file).returncode == 0   # unlocked again: syncs
    assert_no_plaintext(data_dir, done.stdout, done.stderr)


def test_one_missing_keyring_entry_fails_only_that_account(profile):
    data_dir, keyring_file, _ = profile
    entries = json.loads(keyring_file.read_text())
    with ProfileStore.open(data_dir) as store:
        ref = store.accounts.by_name("First").options["secret_ref"]
    del entries[next(k for k in entries if k.endswith(ref))]
    keyring_file.write_text(json.dumps(entries))
    done = run_sync(data_dir, keyring_file, "--json")
    assert done.returncode == 1
    results = {r["account"]: r for r in json.loads(done.stdout)["accounts"]}
    assert results["Second"]["status"] == "ok"
    assert results["First"]["status"] == "failed"
    assert "not in the keyring" in results["First"]["error"]
    assert "accounts set-key" in results["First"]["error"]   # the way back, history kept
    assert account_names(data_dir) == ["Celsius", "First", "Second"]
    assert_no_plaintext(data_dir, done.stdout, done.stderr)


def test_no_keyring_at_all_fails_exchange_accounts_with_a_remedy(profile):
    data_dir, _, _ = profile
    done = cli(data_dir, "sync", "--json",
               env=cli_env(PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring"))
    assert done.returncode == 1
    for result in json.loads(done.stdout)["accounts"]:
        assert result["status"] == "failed" and "No usable keyring" in result["error"]
        assert "plain text" in result["error"]
    # Manual accounts do not need the keyring at all.
    assert cli(data_dir, "holdings", "set", "Celsius", "ETH", "3", env=cli_env()).returncode == 0


def test_keyring_refusing_the_write_after_the_key_check_leaves_no_orphan(tmp_path, emulator_server):
    data_dir = tmp_path / "profile"
    keyring_file = tmp_path / "keyring.json"
    emulator = big_binance(2)
    emulator_server.add(emulator)
    done = cli(data_dir, "accounts", "add-exchange", "Binance", "--exchange", "binance",
               "--api-url", emulator.base_url, "--timeout", "5", "--secrets-stdin",
               env=keyring_env(keyring_file, fail="set"),
               stdin=json.dumps({"apiKey": API_KEY, "secret": SECRET}))
    assert done.returncode == 1
    assert "keyring refused to store the credentials" in done.stderr
    assert "Traceback" not in done.stderr
    assert not keyring_file.exists()
    assert account_names(data_dir) == []           # the row written before the save is gone
    conn = sqlite3.connect(data_dir / DB_NAME)
    assert conn.execute("SELECT count(*) FROM accounts").fetchone()[0] == 0
    conn.close()
    assert_no_plaintext(data_dir, done.stdout, done.stderr)


def test_removing_an_account_while_the_keyring_is_locked_keeps_it(profile):
    data_dir, keyring_file, _ = profile
    done = cli(data_dir, "accounts", "remove", "First", "--yes", env=keyring_env(keyring_file, fail="set"))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "keyring" in done.stderr.lower()
    # Kept rather than leaving its secret orphaned in the keyring; it still syncs.
    assert account_names(data_dir) == ["Celsius", "First", "Second"]
    assert run_sync(data_dir, keyring_file).returncode == 0
    assert cli(data_dir, "accounts", "remove", "First", "--yes",
               env=keyring_env(keyring_file)).returncode == 0
    assert len(json.loads(keyring_file.read_text())) == 1
