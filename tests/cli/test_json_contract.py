"""Every data-printing command's --json against its documented schema (docs/json.md).

One small profile is built in the test through the CLI itself (a wallet, a
manual FTX account, a CSV import, an exchange account on the Binance
emulator, a recorded withdrawal test), then each command prints JSON that is
validated against tests/cli/json_schemas.py. Errors under --json are JSON
too, with the same exit status as without it.
"""

from __future__ import annotations

import io
import json
import sys
from decimal import Decimal

import jsonschema
import pytest

from exposure_app.cli.main import run_cli
from exposure_app.emulator.base import EmulatedAccount, EmulatedBalance
from exposure_app.emulator.binance import BinanceEmulator
from exposure_app.services.checklist_service import ALL
from tests.risk.helpers import FTX_HOLDINGS

from .json_schemas import SCHEMAS


class Cli:
    def __init__(self, data_dir, monkeypatch):
        self.data_dir, self.monkeypatch = data_dir, monkeypatch

    def __call__(self, *args: str, stdin: str = "") -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        self.monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = run_cli(["--data-dir", str(self.data_dir), *args], stdout=out, stderr=err)
        return code, out.getvalue(), err.getvalue()

    def json(self, schema: str, *args: str, stdin: str = "", status: int = 0) -> dict:
        code, out, err = self(*args, "--json", stdin=stdin)
        assert code == status, (args, out, err)
        document = json.loads(out)
        jsonschema.validate(document, SCHEMAS[schema])
        return document


@pytest.fixture
def cli(data_dir, monkeypatch):
    import keyring

    from exposure_app.storage.secrets import memory_keyring

    previous = keyring.get_keyring()
    keyring.set_keyring(memory_keyring())
    try:
        yield Cli(data_dir, monkeypatch)
    finally:
        keyring.set_keyring(previous)


@pytest.fixture
def binance():
    from exposure_app.emulator.base import EmulatorServer

    emu = BinanceEmulator(
        EmulatedAccount("json-key-1234", "json-secret-5678", permissions=frozenset({"read"}),
                        balances=[EmulatedBalance("spot", "BTC", Decimal("0.5"), Decimal(0)),
                                  EmulatedBalance("spot", "SOL", Decimal("3"), Decimal(0))]),
        tickers={"BTC/USDT": Decimal("60000"), "SOL/USDT": Decimal("150")})
    server = EmulatorServer()
    server.add(emu)
    try:
        yield emu
    finally:
        server.stop()


def test_every_command_prints_its_documented_json(cli, binance, tmp_path):
    assert cli("accounts", "add-manual", "FTX main", "--custodian", "ftx")[0] == 0
    assert cli("accounts", "add-wallet", "Ledger")[0] == 0
    csv = tmp_path / "holdings.csv"
    csv.write_text(FTX_HOLDINGS, encoding="utf-8")
    assert cli.json("import holdings", "import", "holdings", str(csv))["rows"] == 4
    added = cli.json("accounts add-exchange", "accounts", "add-exchange", "Binance main",
                     "--exchange", "binance", "--api-url", binance.base_url, "--timeout", "5",
                     "--secrets-stdin",
                     stdin=json.dumps({"apiKey": "json-key-1234", "secret": "json-secret-5678"}))
    assert added["account"] == "Binance main" and added["key_tested"] is True

    synced = cli.json("sync", "sync")
    result = synced["accounts"][0]
    assert result["account"] == "Binance main" and result["value"] == "30450"
    # the note says per asset what the USDT quote meant, never that BTC is worth 1 USD
    assert "BTC priced through BTC/USDT, with USDT assumed worth 1 USD" in result["notes"]

    accounts = cli.json("accounts list", "accounts", "list")["accounts"]
    assert {a["account"] for a in accounts} == {"FTX main", "Ledger", "Binance main"}
    exposure = cli.json("exposure", "exposure", "--as-of", "2022-11-12")
    assert exposure["net_worth"] == "47500"
    assert {a["account"] for a in exposure["accounts"]} >= {"FTX main", "Ledger"}
    holdings = cli.json("holdings list", "holdings", "list", "Ledger")["holdings"]
    assert {h["asset"] for h in holdings} == {"BTC", "FTT"}

    warnings = cli.json("warnings", "warnings", "--as-of", "2022-11-12")
    ftx = next(w for w in warnings["warnings"] if w["counterparty"] == "ftx")
    assert ftx["level"] == "critical" and all("resolved" in e for e in ftx["events"])
    events = cli.json("events list", "events", "list", "--counterparty", "ftx",
                      "--as-of", "2022-11-09")["events"]
    assert events and all(e["published"][:10] <= "2022-11-09" for e in events)
    catalogue = cli.json("counterparties list", "counterparties", "list")["counterparties"]
    assert any(c["counterparty"] == "binance" for c in catalogue)

    plan = cli.json("checklist", "checklist")                 # no argument: every custodian
    assert plan["scope"] == ALL
    btc = next(i for i in plan["items"] if i["item"] == "asset:binance:BTC")
    assert btc["networks"] is None or all(isinstance(n["memo"], dict) for n in btc["networks"])
    assert btc["memo"]["needed"] in ("required", "likely", "none", "unknown")
    assert all(isinstance(c["withdrawals_blocked"], bool) for c in plan["custodians"])
    assert all(isinstance(c["unpriced_assets"], list) for c in plan["custodians"])

    assert cli("reminders", "set", "binance", "30")[0] == 0
    cli.json("reminders record", "reminders", "record", "binance", "worked", "--asset", "USDT")
    reminders = cli.json("reminders list", "reminders", "list")["reminders"]
    assert all(isinstance(r["withdrawals_blocked"], bool) for r in reminders)
    tests = cli.json("reminders history", "reminders", "history", "binance")["tests"]
    assert tests[0]["result"] == "worked"

    out = tmp_path / "exposure.csv"
    assert cli.json("export", "export", "exposure", "--out", str(out))["rows"] > 0
    cli.json("data-folder show", "data-folder", "show")
    assert cli.json("settings show", "settings", "show")["base_currency"] == "USD"
    assert cli.json("events suggestions", "events", "suggestions")["suggestions"] == []
    assert cli.json("feeds list", "feeds", "list")["feeds"] == []
    usdc = cli.json("prices show", "prices", "show", "usdc")
    assert usdc["asset"] == "USDC" and usdc["assumed"] is True


def test_errors_under_json_are_json_with_the_same_exit_status(cli):
    assert cli("accounts", "add-wallet", "Ledger")[0] == 0
    cases = [
        (("holdings", "list", "Ledgr"), 1, "not_found", "did you mean 'Ledger'"),
        (("exposure", "--as-of", "2022-13-01"), 2, "usage", "YYYY-MM-DD"),
        (("events", "list", "--counterparty", "ftxx"), 1, "not_found", "did you mean 'ftx'"),
        (("checklist", "binanse"), 1, "not_found", "did you mean 'binance'"),
        (("holdings", "list", "--bogus"), 2, "usage", "--bogus"),
    ]
    for args, status, code, words in cases:
        plain = cli(*args)
        assert plain[0] == status and plain[1] == "" and words in plain[2], (args, plain)
        document = cli.json("error", *args, status=status)
        assert document["error"]["code"] == code and words in document["error"]["message"]
