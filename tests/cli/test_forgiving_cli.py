"""The CLI forgives slips and speaks one dialect (in-process calls of run_cli).

Typos get "did you mean", usage errors exit 2 with the expected format,
--data-dir works after the command words, a new profile is announced,
destructive commands ask, every argument has help and every command has
examples, output files take --out (``-`` = stdout), colour only on a TTY.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from decimal import Decimal

import pytest

from exposure_app.cli.main import build_parser, run_cli

pytestmark = pytest.mark.cli_in_process   # what commands do, not the process

HOLDINGS = """date,account,asset,amount,price
2022-11-01,FTX main,BTC,1,20000
2022-11-01,Ledger,BTC,1,20000
"""


class Cli:
    def __init__(self, data_dir, monkeypatch):
        self.data_dir, self.monkeypatch = data_dir, monkeypatch

    def __call__(self, *args: str, stdin: str = "", data_dir=None) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        self.monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = run_cli(["--data-dir", str(data_dir or self.data_dir), *args], stdout=out,
                       stderr=err)
        return code, out.getvalue(), err.getvalue()


@pytest.fixture
def cli(data_dir, monkeypatch, tmp_path):
    c = Cli(data_dir, monkeypatch)
    assert c("accounts", "add-manual", "FTX main", "--custodian", "ftx")[0] == 0
    assert c("accounts", "add-wallet", "Ledger")[0] == 0
    csv = tmp_path / "h.csv"
    csv.write_text(HOLDINGS, encoding="utf-8")
    assert c("import", "holdings", str(csv))[0] == 0
    return c


def test_typed_names_get_the_closest_matches_and_change_nothing(cli):
    code, _, err = cli("reminders", "set", "binanse", "30")
    assert code == 1 and "did you mean 'binance'" in err
    code, _, err = cli("reminders", "record", "ftz", "worked")
    assert code == 1 and "did you mean 'ftx'" in err
    assert json.loads(cli("reminders", "history", "--json")[1])["tests"] == []
    code, _, err = cli("holdings", "list", "Ledgr")
    assert code == 1 and "did you mean 'Ledger'" in err
    code, _, err = cli("sync", "FTX mian")
    assert code == 1 and "did you mean 'FTX main'" in err
    code, _, err = cli("settings", "set", "base_curency", "EUR")
    assert code == 1 and "did you mean 'base_currency'" in err
    code, _, err = cli("export", "exposur", "--out", "-")
    assert code == 2 and "did you mean 'exposure'" in err
    code, _, err = cli("accounts", "lst")
    assert code == 2 and "did you mean 'list'" in err
    code, _, err = cli("events", "list", "--counterparty", "ftxx")
    assert code == 1 and "did you mean 'ftx'" in err
    code, _, err = cli("events", "add", "x-1", "--date", "2024-01-01", "--counterparty", "krakn",
                       "--category", "hack", "--title", "t", "--summary", "s",
                       "--source", "https://example.org/1")
    assert code == 1 and "did you mean 'kraken'" in err
    code, _, err = cli("checklist", "--tick", "asset:ftx:BTX")
    assert code == 1 and "did you mean 'asset:ftx:BTC'" in err
    # holdings remove of something not held is an error, and nothing is written
    before = json.loads(cli("holdings", "list", "--json")[1])["holdings"]
    code, _, err = cli("holdings", "remove", "Ledger", "DOGE")
    assert code == 1 and "does not hold DOGE" in err and "BTC" in err
    assert json.loads(cli("holdings", "list", "--json")[1])["holdings"] == before
    assert cli("holdings", "remove", "Ledger", "btc")[0] == 0


def test_usage_errors_dates_and_case(cli):
    for args in (("exposure", "--as-of", "2022-11-31"), ("events", "list", "--since", "soon"),
                 ("holdings", "set", "Ledger", "ETH", "1", "--date", "11/01/2022"),
                 ("reminders", "record", "ftx", "worked", "--date", "x")):
        code, out, err = cli(*args)
        assert code == 2 and "YYYY-MM-DD" in err and out == "", args
    # date-times are accepted wherever dates are
    assert cli("exposure", "--as-of", "2022-11-01T12:00:00Z")[0] == 0
    assert cli("events", "list", "--since", "2022-11-01T00:00Z")[0] == 0
    assert cli("settings", "set", "base_currency", "usd")[0] == 0
    assert json.loads(cli("settings", "show", "--json")[1])["base_currency"] == "USD"


def test_data_dir_after_the_command_and_a_new_profile_is_announced(cli, data_dir, tmp_path):
    code, out, _ = run_in(cli, "accounts", "list", "--json", "--data-dir", str(data_dir))
    assert code == 0 and len(json.loads(out)["accounts"]) == 2
    typo = tmp_path / "profle"
    code, out, err = run_in(cli, "exposure", "--data-dir", str(typo))
    assert code == 0 and f"created a new, empty profile in {typo}" in err
    code, _, err = run_in(cli, "exposure", "--data-dir", str(typo))
    assert code == 0 and "new, empty profile" not in err        # only the first time


def run_in(cli, *args):
    out, err = io.StringIO(), io.StringIO()
    return run_cli(list(args), stdout=out, stderr=err), out.getvalue(), err.getvalue()


def test_checklist_defaults_to_all_remove_asks_and_out_dash(cli, tmp_path):
    code, out, _ = cli("checklist")
    assert code == 0 and "all custodians" in out.lower()
    code, out, _ = cli("checklist", "--out", "-", "--format", "markdown")
    assert code == 0 and out.startswith("#")
    code, out, _ = cli("export", "exposure", "--out", "-")
    assert code == 0 and out.splitlines()[0].startswith("as_of,")
    old = tmp_path / "plan.csv"
    assert cli("checklist", "--csv", str(old))[0] == 0 and old.read_text().startswith("as_of,scope,")
    code, _, err = cli("accounts", "remove", "Ledger")          # no terminal: --yes is required
    assert code == 2 and "--yes" in err
    assert "Ledger" in cli("accounts", "list")[1]
    assert cli("accounts", "remove", "Ledger", "--yes")[0] == 0
    assert "Ledger" not in cli("accounts", "list")[1]


def test_text_listings_have_headers_and_no_colour_off_a_terminal(cli, monkeypatch):
    assert cli("accounts", "list")[1].startswith("ACCOUNT ")
    assert cli("holdings", "list")[1].startswith("ACCOUNT ")
    assert cli("counterparties", "list")[1].startswith("COUNTERPARTY ")
    assert cli("settings", "show")[1].startswith("SETTING ")
    assert "DATE" in cli("events", "list", "--counterparty", "ftx")[1].splitlines()[0]
    assert "\033[" not in cli("warnings", "--as-of", "2022-11-12")[1]
    from exposure_app.cli.style import paint

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    assert paint("[HIGH]", "high", Tty()).startswith("\033[")
    monkeypatch.setenv("NO_COLOR", "1")
    assert paint("[HIGH]", "high", Tty()) == "[HIGH]"


def test_events_import_reads_what_export_events_writes(cli, tmp_path):
    assert cli("events", "add", "my-halt-1", "--date", "2024-05-02", "--counterparty", "kraken",
               "--category", "withdrawal_halt", "--title", "My halt", "--summary", "Stuck.",
               "--source", "https://example.org/1", "--source", "https://example.org/2",
               "--published", "2024-05-02T10:00:00Z")[0] == 0
    report = tmp_path / "events.csv"
    assert cli("export", "events", "--out", str(report))[0] == 0
    assert cli("events", "remove", "my-halt-1")[0] == 0
    code, _, err = cli("events", "import", str(report))
    assert code == 0, err
    mine = [e for e in json.loads(cli("events", "list", "--counterparty", "kraken", "--json")[1])
            ["events"] if e["id"] == "my-halt-1"]
    assert mine and mine[0]["sources"] == ["https://example.org/1", "https://example.org/2"]
    assert mine[0]["origin"] == "user"
    dumped = cli("events", "export", "--out", "-")[1]
    assert [e["id"] for e in json.loads(dumped)["events"]] == ["my-halt-1"]


def test_help_command_and_every_argument_explained_with_examples(cli):
    code, out, _ = cli("help", "accounts", "remove")
    assert code == 0 and "--yes" in out and "examples:" in out
    code, _, err = cli("help", "acounts")
    assert code == 2 and "did you mean 'accounts'" in err
    parser = build_parser()
    missing = []
    for path, sub in _leaves(parser, ()):
        if path == ("help",):
            continue
        if not (sub.epilog or "").startswith("examples:"):
            missing.append(f"{' '.join(path)}: no examples")
        for action in sub._actions:
            if isinstance(action, argparse._HelpAction):
                continue
            if not action.help:
                missing.append(f"{' '.join(path)} {action.dest}: no help")
    assert missing == []


def _leaves(parser, path):
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    if not subs:
        yield path, parser
        return
    for name, sub in subs[0].choices.items():
        yield from _leaves(sub, (*path, name))


def test_data_folder_move_leaves_no_partial_files(cli, tmp_path):
    target = tmp_path / "moved"
    assert cli("data-folder", "move", str(target))[0] == 0
    assert sorted(p.name for p in target.iterdir() if "partial" in p.name) == []


def test_sync_note_per_asset():
    from exposure_app.domain.models import Holding
    from exposure_app.services.sync_run import assumed_price_note

    btc = Holding.simple("BTC", Decimal(1), wallet="spot", price=Decimal(60000),
                         value=Decimal(60000),
                         price_source="binance BTC/USDT × USDT taken as 1 USD (assumed, stablecoin)")
    usdc = Holding.simple("USDC", Decimal(5), wallet="spot", price=Decimal(1), value=Decimal(5),
                          price_source="assumed 1 USDC = 1 USD (stablecoin; no market price found)")
    assert assumed_price_note("BTC", [btc, usdc]) == (
        "BTC priced through BTC/USDT, with USDT assumed worth 1 USD")
    assert assumed_price_note("USDC", [btc, usdc]).startswith("USDC assumed worth 1 USD")


def test_a_failed_sync_shows_no_earlier_key_check_as_current(data_dir, monkeypatch):
    import keyring

    from exposure_app.emulator.base import (
        EmulatedAccount,
        EmulatedBalance,
        EmulatorServer,
        FaultKind,
    )
    from exposure_app.emulator.binance import BinanceEmulator
    from exposure_app.storage.secrets import memory_keyring

    emu = BinanceEmulator(
        EmulatedAccount("k-1234567", "s-7654321", permissions=frozenset({"read"}),
                        balances=[EmulatedBalance("spot", "BTC", Decimal("1"), Decimal(0))]),
        tickers={"BTC/USDT": Decimal("60000")})
    server = EmulatorServer()
    previous = keyring.get_keyring()
    keyring.set_keyring(memory_keyring())
    try:
        server.add(emu)
        cli = Cli(data_dir, monkeypatch)
        assert cli("accounts", "add-exchange", "Bin", "--exchange", "binance", "--api-url",
                   emu.base_url, "--timeout", "5", "--secrets-stdin",
                   stdin=json.dumps({"apiKey": "k-1234567", "secret": "s-7654321"}))[0] == 0
        code, out, _ = cli("sync")
        assert code == 0 and "key permissions: read-only" in out
        emu.inject(FaultKind.AUTH)
        code, out, _ = cli("sync")
        assert code == 1 and "FAILED" in out and "key permissions" not in out
        code, out, _ = cli("sync", "--json")
        assert code == 1 and json.loads(out)["accounts"][0]["permissions"] is None
    finally:
        server.stop()
        keyring.set_keyring(previous)


def test_refresh_without_a_cached_copy_says_there_is_none(cli):
    assert cli("settings", "set", "reserve_data_url", "http://127.0.0.1:9")[0] == 0
    assert cli("accounts", "add-manual", "Bin", "--custodian", "binance")[0] == 0
    assert cli("holdings", "set", "Bin", "USDT", "100", "--price", "1")[0] == 0
    code, _, err = cli("warnings", "--refresh")
    assert code == 0 and "reserve data" in err
    assert "no cached copy yet" in err and "using the cached copy" not in err


def test_shell_completion_answers_from_the_cli_parser(tmp_path):
    """argcomplete's protocol: the entry point answers with the CLI's words, never the GUI."""
    import subprocess

    from tests.conftest import REPO_ROOT, cli_env

    answer = tmp_path / "completions"
    env = cli_env(_ARGCOMPLETE="1", _ARGCOMPLETE_IFS="\n", COMP_LINE="exposure-app accounts re",
                  COMP_POINT="24", _ARGCOMPLETE_STDOUT_FILENAME=str(answer))
    done = subprocess.run([sys.executable, "-m", "exposure_app"], env=env, cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert answer.read_text().split() == ["remove"]
