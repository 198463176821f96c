"""``accounts add-exchange`` and ``sync`` through the real CLI entry (in process,
so the in-memory keyring applies), against the Binance emulator."""

from __future__ import annotations

import dataclasses
import io
import json
import logging
import sys
from decimal import Decimal

import pytest

from exposure_app.cli.main import run_cli
from exposure_app.emulator.base import EmulatedAccount, EmulatedBalance, FaultKind
from exposure_app.emulator.binance import BinanceEmulator
from exposure_app.storage.store import ProfileStore

API_KEY = "cli-key-0a9b8c7d6e"
SECRET = "cli-secret-f1e2d3c4b5a69788"


def make_emulator(permissions=frozenset({"read"})) -> BinanceEmulator:
    balances = [EmulatedBalance("spot", "BTC", Decimal("0.25"), Decimal("0.05")),
                EmulatedBalance("earn_locked", "ETH", Decimal(0), Decimal("1"),
                                unlock_at="2027-02-01")]
    return BinanceEmulator(EmulatedAccount(API_KEY, SECRET, balances=balances,
                                           permissions=permissions),
                           tickers={"BTC/USDT": Decimal("60000"), "ETH/USDT": Decimal("3000")})


class Cli:
    def __init__(self, data_dir, monkeypatch):
        self.data_dir = data_dir
        self.monkeypatch = monkeypatch
        self.outputs: list[str] = []

    def __call__(self, *args: str, stdin: str = "") -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        self.monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = run_cli(["--data-dir", str(self.data_dir), *args], stdout=out, stderr=err)
        self.outputs += [out.getvalue(), err.getvalue()]
        return code, out.getvalue(), err.getvalue()

    def add(self, emu: BinanceEmulator, name: str = "Binance", creds: dict | None = None,
            *extra: str):
        creds = creds if creds is not None else {"apiKey": API_KEY, "secret": SECRET}
        return self("accounts", "add-exchange", name, "--exchange", "binance", "--api-url",
                    emu.base_url, "--timeout", "3", "--secrets-stdin", *extra,
                    stdin=json.dumps(creds))


@pytest.fixture
def cli(data_dir, monkeypatch, memory_keyring):
    return Cli(data_dir, monkeypatch)


@pytest.fixture
def debug_log_file(data_dir):
    """Everything logged at DEBUG into the profile's logs folder during the test."""
    log_dir = data_dir / "logs"
    log_dir.mkdir()
    handler = logging.FileHandler(log_dir / "exposure.log", encoding="utf-8")
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield log_dir / "exposure.log"
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)
        handler.close()


def test_add_then_sync_and_the_secret_is_nowhere_but_the_keyring(
        cli, data_dir, emulator_server, memory_keyring, debug_log_file):
    emu = make_emulator()
    emulator_server.add(emu)
    assert cli("settings", "set", "base_currency", "USD")[0] == 0
    code, out, err = cli.add(emu)
    assert code == 0, err
    assert "Key permissions: read_only" in out and "WARNING" not in err
    assert len(memory_keyring.entries) == 1
    code, out, err = cli("sync", "--json")
    assert code == 0, err
    report = json.loads(out)["accounts"][0]
    assert report["status"] == "ok"
    assert report["coverage"][0] == "spot" and "earn_locked" in report["coverage"]
    assert report["total_value"] == "21000"          # 0.3 BTC x 60000 + 1 ETH x 3000
    assert report["permissions"]["level"] == "read_only"
    assert report["timings"]["read_seconds"] > 0
    code, text, _ = cli("sync")
    assert code == 0 and "Binance (binance): OK" in text and "key permissions: read-only" in text
    code, _, _ = cli("accounts", "list", "--json")
    assert code == 0
    # the known secret (and key) appear in no file of the profile and no output
    emu.inject(FaultKind.AUTH)            # an error path too: its message is logged/stored
    assert cli("sync")[0] == 1
    files = [p for p in data_dir.rglob("*") if p.is_file()]
    names = {p.name for p in files}
    assert {"exposure.sqlite3", "settings.json", "exposure.log"} <= names
    assert debug_log_file.stat().st_size > 0
    for path in files:
        data = path.read_bytes()
        assert SECRET.encode() not in data, path
        assert API_KEY.encode() not in data, path
    for text in cli.outputs:
        assert SECRET not in text and API_KEY not in text


def test_a_key_that_can_trade_or_withdraw_gets_a_prominent_warning(cli, emulator_server):
    emu = make_emulator(frozenset({"read", "trade", "withdraw"}))
    emulator_server.add(emu)
    code, out, err = cli.add(emu)
    assert code == 0
    assert "WARNING" in err and "WITHDRAW" in err and "read-only key" in err
    assert "Key permissions: withdraw" in out
    code, out, _ = cli("sync")
    assert code == 0 and "!!!" in out and "read-only key" in out


def test_a_wrong_key_is_refused_and_nothing_is_stored(cli, data_dir, emulator_server,
                                                      memory_keyring):
    emu = make_emulator()
    emulator_server.add(emu)
    code, _, err = cli.add(emu, "Binance", {"apiKey": API_KEY, "secret": "not-the-secret"})
    assert code == 1
    assert "rejected the API key" in err and "not-the-secret" not in err
    assert memory_keyring.entries == {}
    with ProfileStore.open(data_dir) as store:
        assert store.accounts.list() == []


def test_without_a_usable_keyring_nothing_is_asked_or_stored(data_dir, monkeypatch,
                                                             emulator_server):
    import keyring
    from keyring.backends import fail

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        emu = make_emulator()
        emulator_server.add(emu)
        code, _, err = Cli(data_dir, monkeypatch).add(emu)
    finally:
        keyring.set_keyring(previous)
    assert code == 1
    assert "No usable keyring" in err and "gnome-keyring" in err.lower()
    with ProfileStore.open(data_dir) as store:
        assert store.accounts.list() == []


@pytest.mark.parametrize(
    ("creds", "words"),
    [
        ({"apiKey": API_KEY}, "missing: secret"),
        ({"apiKey": API_KEY, "secret": SECRET, "password": "x"}, "does not use password"),
        ({"apiKey": API_KEY, "secret": ""}, "empty"),
    ],
)
def test_exactly_the_needed_credentials(cli, emulator_server, creds, words):
    emu = make_emulator()
    emulator_server.add(emu)
    code, _, err = cli.add(emu, "Binance", creds)
    assert code == 1 and words in err


def test_secrets_are_never_read_from_argv_or_a_missing_terminal(cli, emulator_server):
    emu = make_emulator()
    emulator_server.add(emu)
    code, _, err = cli("accounts", "add-exchange", "B", "--exchange", "binance",
                       "--api-url", emu.base_url)
    assert code == 1 and "--secrets-stdin" in err
    with pytest.raises(SystemExit) as info:
        cli("accounts", "add-exchange", "B", "--exchange", "binance", "--secret", SECRET)
    assert info.value.code == 2


def test_unknown_exchange_and_bad_options(cli):
    code, _, err = cli("accounts", "add-exchange", "X", "--exchange", "nosuchexchange",
                       "--secrets-stdin", stdin="{}")
    assert code == 1 and "not an exchange ccxt supports" in err
    code, _, err = cli("accounts", "add-exchange", "X", "--exchange", "binance",
                       "--api-url", "ftp://x", "--secrets-stdin", stdin="{}")
    assert code == 1 and "--api-url" in err


def test_sync_reports_a_failed_account_as_stale_with_exit_status_1(cli, emulator_server):
    emu = make_emulator()
    emulator_server.add(emu)
    assert cli.add(emu)[0] == 0
    assert cli("sync")[0] == 0
    emu.inject(FaultKind.MAINTENANCE)
    code, out, _ = cli("sync", "Binance")
    assert code == 1
    assert "FAILED: Binance is under maintenance" in out
    assert "showing the last good snapshot from" in out and "(stale)" in out
    code, out, _ = cli("accounts", "list")
    assert "STALE" in out


def test_sync_rejects_non_exchange_accounts(cli):
    assert cli("accounts", "add-manual", "Celsius", "--custodian", "celsius")[0] == 0
    code, _, err = cli("sync", "Celsius")
    assert code == 1 and "not an exchange account" in err
    code, _, err = cli("sync")
    assert code == 1 and "no exchange accounts" in err


def test_hidden_prompt_asks_for_exactly_the_needed_credentials(cli, emulator_server,
                                                               monkeypatch, memory_keyring):
    import getpass

    emu = make_emulator()
    emulator_server.add(emu)
    asked: list[str] = []
    answers = {"API key: ": API_KEY, "API secret: ": SECRET}

    def fake_getpass(prompt: str = "") -> str:
        asked.append(prompt)
        return answers[prompt]

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.setattr(getpass, "getpass", fake_getpass)
    out, err = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stdin", Tty(""))
    code = run_cli(["--data-dir", str(cli.data_dir), "accounts", "add-exchange", "Binance",
                    "--exchange", "binance", "--api-url", emu.base_url], stdout=out, stderr=err)
    assert code == 0, err.getvalue()
    assert asked == ["API key: ", "API secret: "]
    assert SECRET not in out.getvalue() + err.getvalue()
    assert len(memory_keyring.entries) == 1


# -- accounts set-key: a new key on an existing account ------------------------------------

NEW_KEY = "cli-key-rotated-5e6f7a8b"
NEW_SECRET = "cli-secret-rotated-0c1d2e3f4a5b"


def _rotate_at_the_exchange(emu: BinanceEmulator) -> None:
    """The user made a new key on the exchange and revoked the old one."""
    emu.account = dataclasses.replace(emu.account, api_key=NEW_KEY, secret=NEW_SECRET)


def _snapshot_count(data_dir) -> int:
    with ProfileStore.open(data_dir) as store:
        return store.db.execute("SELECT count(*) FROM snapshots").fetchone()[0]


def test_a_rotated_key_replaces_the_old_one_and_the_history_stays(cli, data_dir, emulator_server,
                                                                   memory_keyring):
    emu = make_emulator()
    emulator_server.add(emu)
    assert cli.add(emu)[0] == 0
    assert cli("sync")[0] == 0
    (ref,) = memory_keyring.entries
    _rotate_at_the_exchange(emu)
    code, out, _ = cli("sync", "Binance")
    assert code == 1 and "rejected the API key" in out and "(stale)" in out
    history = _snapshot_count(data_dir)

    # a wrong replacement is tested first and refused: the old entry stays as it was
    before = dict(memory_keyring.entries)
    code, _, err = cli("accounts", "set-key", "Binance", "--secrets-stdin",
                       stdin=json.dumps({"apiKey": NEW_KEY, "secret": "not-the-secret"}))
    assert code == 1 and "the key was not stored" in err and "not-the-secret" not in err
    assert memory_keyring.entries == before

    code, out, err = cli("accounts", "set-key", "Binance", "--secrets-stdin", "--json",
                         stdin=json.dumps({"apiKey": NEW_KEY, "secret": NEW_SECRET}))
    assert code == 0, err
    result = json.loads(out)
    assert result == {"name": "Binance", "exchange": "binance", "key_tested": True,
                      "permissions": "read_only", "warning": None}
    assert list(memory_keyring.entries) == [ref]             # the same entry, overwritten
    stored = json.loads(next(iter(memory_keyring.entries.values())))
    assert stored == {"apiKey": NEW_KEY, "secret": NEW_SECRET}
    with ProfileStore.open(data_dir) as store:
        (account,) = store.accounts.list()
        assert store.exchange_state.permissions(account.id)[0].level.value == "read_only"
    assert _snapshot_count(data_dir) == history                # nothing of the history went
    code, out, _ = cli("sync", "Binance")
    assert code == 0 and "Binance (binance): OK" in out
    assert _snapshot_count(data_dir) == history + 1
    for text in cli.outputs:
        assert NEW_SECRET not in text and NEW_KEY not in text


def test_set_key_brings_back_an_account_whose_keyring_entry_was_lost(cli, emulator_server,
                                                                     memory_keyring):
    emu = make_emulator()
    emulator_server.add(emu)
    assert cli.add(emu)[0] == 0
    memory_keyring.entries.clear()                         # a reset keyring
    code, out, _ = cli("sync", "Binance")
    assert code == 1 and "accounts set-key NAME" in out
    code, out, err = cli("accounts", "set-key", "Binance", "--secrets-stdin",
                         stdin=json.dumps({"apiKey": API_KEY, "secret": SECRET}))
    assert code == 0, err
    assert "Replaced the API key of 'Binance' (binance); its history is kept" in out
    assert cli("sync", "Binance")[0] == 0


def test_set_key_refuses_accounts_without_a_key_and_unknown_names(cli, memory_keyring):
    assert cli("accounts", "add-wallet", "Ledger")[0] == 0
    code, _, err = cli("accounts", "set-key", "Ledger", "--secrets-stdin",
                       stdin=json.dumps({"apiKey": "k", "secret": "s"}))
    assert code == 1 and "'Ledger' is not an exchange account" in err
    code, _, err = cli("accounts", "set-key", "Nope", "--secrets-stdin", stdin="{}")
    assert code == 1 and "no account named 'Nope'" in err
    assert memory_keyring.entries == {}


def test_set_key_asks_for_exactly_what_the_exchange_needs(cli, emulator_server, memory_keyring):
    emu = make_emulator()
    emulator_server.add(emu)
    assert cli.add(emu)[0] == 0
    before = dict(memory_keyring.entries)
    code, _, err = cli("accounts", "set-key", "Binance", "--secrets-stdin",
                       stdin=json.dumps({"apiKey": NEW_KEY}))
    assert code == 1 and "missing: secret" in err
    code, _, err = cli("accounts", "set-key", "Binance", "--secrets-stdin",
                       stdin=json.dumps({"apiKey": NEW_KEY, "secret": NEW_SECRET, "uid": "7"}))
    assert code == 1 and "does not use uid" in err
    assert memory_keyring.entries == before


def test_an_unreachable_exchange_is_refused_unless_no_check(cli, data_dir, memory_keyring):
    import socket

    with socket.socket() as probe:   # a loopback port nothing listens on
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
    args = ("accounts", "add-exchange", "Binance", "--exchange", "binance", "--api-url", dead,
            "--timeout", "3", "--secrets-stdin")
    creds = json.dumps({"apiKey": API_KEY, "secret": SECRET})
    code, _out, err = cli(*args, stdin=creds)
    assert code == 1
    assert "could not be tested" in err and "Could not reach Binance" in err
    assert "--no-check" in err and "Traceback" not in err
    assert memory_keyring.entries == {}
    with ProfileStore.open(data_dir) as store:
        assert store.accounts.list() == []
    code, out, err = cli(*args, "--no-check", stdin=creds)
    assert code == 0, err
    assert "Key permissions: not checked" in out


def test_an_unusable_account_name_is_refused_before_anything_is_asked(cli, memory_keyring):
    code, _out, err = cli("accounts", "add-exchange", "B" * 100, "--exchange", "binance",
                          "--no-check", "--secrets-stdin", stdin="not even JSON")
    assert code == 1 and "at most 64 characters" in err and "Traceback" not in err
    assert memory_keyring.entries == {}
