"""Helpers for hardening tests that run ``exposure-app sync``: in a subprocess
(:func:`sync_argv`, for the tests that kill it) or in the test process
(:func:`run_sync`, :func:`run_cli_with_keyring_file`).

Either reads credentials through :mod:`tests.hardening.file_keyring` (a
plain-text JSON keyring in tmp, for tests only), selected by the environment
as a child process would select it; the emulator is served by the test
process on loopback.
"""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

from exposure_app.emulator.base import EmulatedAccount, EmulatedBalance
from exposure_app.emulator.binance import BinanceEmulator
from exposure_app.exchanges.client_factory import ConnectionOptions
from exposure_app.services.exchange_accounts import create_exchange_account
from exposure_app.storage.secrets import SecretStore
from exposure_app.storage.store import ProfileStore
from tests.cli_in_process import run_cli_in_process
from tests.conftest import cli_env
from tests.hardening.file_keyring import BACKEND_NAME, FAIL_VARIABLE, FILE_VARIABLE, FileKeyring

API_KEY = "hardening-api-key-7Qx2Lm9Vb4"
SECRET = "hardening-secret-Zr8Kp3Wd6Ny1Tf5H"
PRICE = Decimal("3")


def big_binance(assets: int, *, api_key: str = API_KEY, secret: str = SECRET) -> BinanceEmulator:
    """A Binance account with ``assets`` spot balances T0..Tn (amount i+1), each priced 3 USDT."""
    balances = [EmulatedBalance("spot", f"T{i}", Decimal(i + 1)) for i in range(assets)]
    tickers = {f"T{i}/USDT": PRICE for i in range(assets)}
    return BinanceEmulator(EmulatedAccount(api_key, secret, balances=balances), tickers=tickers)


def expected_total(assets: int) -> Decimal:
    return sum((Decimal(i + 1) for i in range(assets)), Decimal(0)) * PRICE


def add_account(data_dir: Path, keyring_file: Path, name: str, emulator: BinanceEmulator) -> int:
    """Adds an exchange account with the real service; its key goes to the file keyring."""
    with ProfileStore.open(data_dir) as store:
        account = create_exchange_account(
            store, SecretStore(FileKeyring(keyring_file)), name=name, exchange_id="binance",
            credentials=emulator.account.credentials(),
            connection=ConnectionOptions(api_url=emulator.base_url, timeout_seconds=5),
        )
    return account.id


def keyring_env(keyring_file: Path, fail: str = "") -> dict[str, str]:
    return cli_env(PYTHON_KEYRING_BACKEND=BACKEND_NAME, **{FILE_VARIABLE: str(keyring_file),
                                                          FAIL_VARIABLE: fail})


def sync_argv(data_dir: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "exposure_app", "--data-dir", str(data_dir), "sync", *extra]


def run_sync(data_dir: Path, keyring_file: Path, *extra: str, fail: str = ""
             ) -> subprocess.CompletedProcess[str]:
    """``sync`` run by the real entry point in this process, keyring from ``keyring_file``."""
    return run_cli_in_process(["--data-dir", str(data_dir), "sync", *extra],
                              env=keyring_env(keyring_file, fail))
