"""Builds the "release 1" profile fixture. Run once, before the first release; NEVER again after.

    .venv/bin/python -m tests.hardening.make_v1_fixture

Writes, under ``tests/hardening/fixtures/``:

* ``profile_release1.sql``: ``sqlite3 iterdump`` of a profile at the current
  latest schema (plus its ``PRAGMA user_version``, which iterdump omits);
* ``profile_release1_settings.json``: the profile's settings file;
* ``profile_release1_expected.json``: what the profile held, read through the
  repositories and services (:mod:`tests.hardening.profile_observation`) at
  a fixed ``as_of``.

The profile is made the way a user makes one, through the CLI in this
process (an in-memory keyring, a loopback Binance emulator): an exchange
account synced ``ok``, then ``partial`` (one wallet failing), then
``failed`` (key rejected); a manual custodial account with a priced and an
unpriced asset; a self-custody wallet with imported history; stored prices;
a user event; checklist ticks with notes; a reminder interval and a recorded
withdrawal test. No secret is in the dump (the key lived in memory only).

Once a release has shipped with this schema the files are frozen: the
upgrade test proves that every later version still opens what release 1
wrote. Regenerating them would silently drop that proof.
"""

from __future__ import annotations

import io
import json
import sqlite3
import sys
import tempfile
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SQL_NAME = "profile_release1.sql"
SETTINGS_NAME = "profile_release1_settings.json"
EXPECTED_NAME = "profile_release1_expected.json"


def build(data_dir: Path) -> str:
    """Fills ``data_dir`` with the representative profile; returns the as-of used."""
    import keyring

    from exposure_app.cli.main import run_cli
    from exposure_app.domain.timeutil import utc_now
    from exposure_app.emulator.base import (
        EmulatedAccount,
        EmulatedBalance,
        EmulatorServer,
        FaultKind,
    )
    from exposure_app.emulator.binance import BinanceEmulator
    from exposure_app.storage.secrets import memory_keyring

    keyring.set_keyring(memory_keyring())
    balances = [
        EmulatedBalance("spot", "BTC", Decimal("0.25"), Decimal("0.05")),
        EmulatedBalance("spot", "NOPRICE", Decimal("1000")),          # no market: unpriced
        EmulatedBalance("funding", "USDT", Decimal("1500.5")),
        EmulatedBalance("earn_locked", "ETH", Decimal(0), Decimal("1"), unlock_at="2027-02-01"),
    ]
    emulator = BinanceEmulator(
        EmulatedAccount("release1-api-key", "release1-secret-value", balances=balances),
        tickers={"BTC/USDT": Decimal("60000"), "ETH/USDT": Decimal("3000")},
    )
    server = EmulatorServer()
    server.add(emulator)

    def cli(*args: str, stdin: str = "", ok: tuple[int, ...] = (0,)) -> str:
        out, err = io.StringIO(), io.StringIO()
        previous = sys.stdin
        sys.stdin = io.StringIO(stdin)
        try:
            code = run_cli(["--data-dir", str(data_dir), *args], stdout=out, stderr=err)
        finally:
            sys.stdin = previous
        if code not in ok:
            raise SystemExit(f"{args}: exit {code}\n{err.getvalue()}")
        return out.getvalue()

    try:
        cli("settings", "set", "base_currency", "USD")
        cli("accounts", "add-exchange", "Binance Main", "--exchange", "binance", "--api-url",
            emulator.base_url, "--timeout", "5", "--secrets-stdin",
            stdin=json.dumps(emulator.account.credentials()))
        cli("sync")                                                    # ok
        emulator.inject(FaultKind.SERVER_ERROR, path_prefix="/sapi/v1/asset/get-funding-asset")
        cli("sync", ok=(0, 1))                                         # partial
        emulator.faults.clear()
        emulator.inject(FaultKind.AUTH)
        cli("sync", ok=(1,))                                           # failed
        emulator.faults.clear()
        cli("accounts", "add-manual", "Celsius Earn", "--custodian", "celsius")
        cli("holdings", "set", "Celsius Earn", "ETH", "2.5")
        cli("holdings", "set", "Celsius Earn", "CEL", "12000")
        cli("accounts", "add-wallet", "Ledger")
        history = data_dir.parent / "ledger-history.csv"
        history.write_text(
            "date,account,asset,amount,price\n"
            "2023-01-15,Ledger,BTC,0.5,21000\n"
            "2023-01-15,Ledger,DOGE,1000,\n"
            "2024-03-01,Ledger,BTC,0.75,62000\n", encoding="utf-8")
        cli("import", "holdings", str(history))
        cli("holdings", "set", "Ledger", "BTC", "1")
        cli("events", "add", "user-2024-binance-notice", "--date", "2024-05-01",
            "--counterparty", "binance", "--category", "regulatory",
            "--title", "Local regulator notice", "--summary", "A notice I want to track.",
            "--source", "https://example.org/notice", "--magnitude-usd", "1000000")
        cli("checklist", "binance")
        cli("checklist", "binance", "--tick", "1", "--note", "moved test amount, tx 0xabc")
        cli("checklist", "binance", "--tick", "2")
        cli("checklist", "binance", "--item", "3", "--note", "waiting for the unlock")
        cli("reminders", "set", "binance", "30")
        cli("reminders", "set", "celsius", "off")
        cli("reminders", "record", "binance", "worked", "--date", "2026-01-10T12:00:00Z",
            "--asset", "USDT", "--network", "TRC20", "--note", "tx 0xdef")
    finally:
        server.stop()
    # the next whole second: after every capture above
    return (utc_now().replace(microsecond=0) + timedelta(seconds=1)).isoformat()


def dump(db_path: Path) -> str:
    conn = sqlite3.connect(db_path)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        lines = list(conn.iterdump())
    finally:
        conn.close()
    return "\n".join(lines) + f"\nPRAGMA user_version={version};\n"


def main() -> int:
    from exposure_app.services.settings import Settings
    from exposure_app.storage.store import DB_NAME, ProfileStore
    from tests.hardening.profile_observation import observe

    if (FIXTURES / SQL_NAME).exists() and "--overwrite-unreleased" not in sys.argv:
        print(f"{FIXTURES / SQL_NAME} exists; it is frozen once released. Pass "
              "--overwrite-unreleased only if no release has shipped with it.", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "profile"
        as_of = build(data_dir)
        with ProfileStore.open(data_dir) as store:
            expected = observe(store, Settings.load(data_dir), as_of)
        FIXTURES.mkdir(exist_ok=True)
        (FIXTURES / SQL_NAME).write_text(dump(data_dir / DB_NAME), encoding="utf-8")
        (FIXTURES / SETTINGS_NAME).write_text(
            (data_dir / "settings.json").read_text(encoding="utf-8"), encoding="utf-8")
        (FIXTURES / EXPECTED_NAME).write_text(
            json.dumps({"as_of": as_of, "observed": expected}, indent=1, sort_keys=True) + "\n",
            encoding="utf-8")
    print(f"wrote {SQL_NAME}, {SETTINGS_NAME} and {EXPECTED_NAME} in {FIXTURES}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
