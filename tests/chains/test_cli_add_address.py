"""``accounts add-address`` through the real entry point: watching, and refusing secrets
with nothing of them left on disk."""

from __future__ import annotations

import json

import pytest

from .test_watch_input import MNEMONIC, XPRV_44, ZPUB_84

pytestmark = pytest.mark.cli_in_process   # what commands do, not the process

WIF = "KwdMAjGmerYanjeui5SHS7JkmpZvVipYvB2LJGU1ZxJwYvP98617"
HEX_KEY = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"


def _files_containing(roots, needle: str) -> list[str]:
    found = []
    for root in roots:
        for path in root.rglob("*"):
            if path.is_file() and needle.encode() in path.read_bytes():
                found.append(str(path))
    return found


def test_add_address_then_listed_as_self_custody(run_cli):
    done = run_cli("accounts", "add-address", "Cold", "--chain", "bitcoin", ZPUB_84,
                   "--api-url", "http://127.0.0.1:3002/api")
    assert done.returncode == 0, done.stderr
    assert "extended public key" in done.stderr and "Cold" in done.stderr
    listed = json.loads(run_cli("accounts", "list", "--json").stdout)["accounts"]
    assert [(a["account"], a["kind"], a["counterparty"]) for a in listed] == [
        ("Cold", "self_custody", None)]


@pytest.mark.parametrize(("chain", "secret", "via_stdin"), [
    ("bitcoin", XPRV_44, False),
    ("bitcoin", WIF, True),
    ("ethereum", HEX_KEY, False),
    ("ethereum", "0x" + HEX_KEY, True),
])
def test_a_pasted_secret_is_refused_and_absent_from_disk(run_cli, data_dir, isolated_config_dir,
                                                         chain, secret, via_stdin):
    args = ["accounts", "add-address", "Oops", "--chain", chain]
    done = run_cli(*args, "-", input=secret) if via_stdin else run_cli(*args, secret)
    assert done.returncode != 0
    assert "Refused" in done.stderr and "Traceback" not in done.stderr
    assert secret not in done.stderr + done.stdout
    assert json.loads(run_cli("accounts", "list", "--json").stdout)["accounts"] == []
    assert _files_containing([data_dir, isolated_config_dir], secret) == []
    assert _files_containing([data_dir, isolated_config_dir], secret[-20:]) == []


def test_an_unquoted_seed_phrase_is_refused_without_echo(run_cli, data_dir):
    done = run_cli("accounts", "add-address", "Oops", "--chain", "bitcoin", *MNEMONIC.split())
    assert done.returncode != 0 and "seed phrase" in done.stderr
    assert "abandon" not in done.stderr + done.stdout
    assert _files_containing([data_dir], "abandon") == []


def test_bad_address_is_one_clear_line(run_cli):
    done = run_cli("accounts", "add-address", "X", "--chain", "ethereum",
                   "0xdAC17F958D2ee523a2206206994597C13D831Ec7")
    assert done.returncode != 0 and "EIP-55" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_sync_reads_watched_addresses_from_the_cli(run_cli, emulator_server):
    from exposure_app.emulator.esplora import EsploraEmulator

    esplora = EsploraEmulator()
    url = emulator_server.add(esplora, key="esplora")
    esplora.receive("bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu", 12_345_678)
    assert run_cli("accounts", "add-address", "Cold", "--chain", "bitcoin",
                   "bc1qcr8te4kr609gcawutmrza0j4xv80jy8z306fyu", "--api-url", url).returncode == 0
    done = run_cli("sync", "--json")
    assert done.returncode == 0, done.stderr
    [result] = json.loads(done.stdout)["accounts"]
    assert (result["account"], result["exchange"], result["status"]) == ("Cold", "bitcoin", "ok")
    assert result["coverage"] == ["bitcoin"] and result["coverage_note"] == "one address"
    holdings = json.loads(run_cli("holdings", "list", "Cold", "--json").stdout)["holdings"]
    assert [(h["asset"], h["total"]) for h in holdings] == [("BTC", "0.12345678")]


def test_a_missing_key_library_is_one_clear_line_and_nothing_is_stored(run_cli, monkeypatch):
    # an incomplete install or bundle: bip-utils cannot be imported when it is first needed
    import sys

    monkeypatch.setitem(sys.modules, "bip_utils", None)
    done = run_cli("accounts", "add-address", "Cold", "--chain", "bitcoin", ZPUB_84,
                   "--api-url", "http://127.0.0.1:3002/api")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "could not be loaded (bip_utils)" in done.stderr
    monkeypatch.undo()
    assert json.loads(run_cli("accounts", "list", "--json").stdout)["accounts"] == []
