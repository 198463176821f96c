"""The CLI's text listings say what the GUI says: kinds by their labels, ages first.

The labels and the age wording come from one place (``domain.labels``,
``domain.timeutil.format_age``) that the Accounts page reads too; ``--json`` keeps
the ids scripts rely on (docs/json.md)."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from decimal import Decimal

import pytest

from exposure_app.cli.main import run_cli
from exposure_app.domain.models import AccountKind
from exposure_app.domain.timeutil import utc_now
from exposure_app.services.manual_holdings import set_holding
from exposure_app.storage.store import ProfileStore

pytestmark = pytest.mark.cli_in_process   # what commands do, not the process


def _cli(data_dir, *args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_cli(["--data-dir", str(data_dir), *args], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_accounts_list_names_kinds_as_the_gui_does_and_says_how_old_the_snapshot_is(data_dir):
    store = ProfileStore.open(data_dir)
    try:
        celsius = store.accounts.add("Celsius", AccountKind.MANUAL_CUSTODIAL,
                                     counterparty="celsius")
        store.accounts.add("Ledger", AccountKind.SELF_CUSTODY)
        set_holding(store, celsius, "BTC", Decimal("1"), value=Decimal("30000"),
                    when=utc_now() - timedelta(hours=3, minutes=5))
    finally:
        store.close()
    code, out, err = _cli(data_dir, "accounts", "list")
    assert code == 0, err
    lines = {line.split()[0]: line for line in out.splitlines()[1:]}
    assert "Custodian (manual)" in lines["Celsius"] and "Self-custody" in lines["Ledger"]
    assert "manual_custodial" not in out and "self_custody" not in out
    assert "3 h ago (" in lines["Celsius"] and lines["Celsius"].endswith(" UTC)")
    assert lines["Ledger"].rstrip().endswith("never")
    # the header still lines up with the longest label
    header = out.splitlines()[0]
    assert lines["Celsius"].index("celsius") == header.index("CUSTODIAN")

    code, out, _ = _cli(data_dir, "accounts", "list", "--json")
    kinds = {a["account"]: a["kind"] for a in json.loads(out)["accounts"]}
    assert kinds == {"Celsius": "manual_custodial", "Ledger": "self_custody"}


def test_holdings_list_names_wallets_by_their_labels_and_json_keeps_the_ids(data_dir):
    from datetime import UTC, datetime

    from exposure_app.domain.models import Holding, Snapshot, SnapshotStatus

    store = ProfileStore.open(data_dir)
    try:
        kraken = store.accounts.add("Kraken", AccountKind.EXCHANGE_API, counterparty="kraken")
        store.snapshots.save(Snapshot(None, kraken.id, datetime(2026, 3, 1, tzinfo=UTC),
                                      SnapshotStatus.OK, (
            Holding.simple("USDT", Decimal("5250"), wallet="earn_flexible", price=Decimal(1)),
            Holding.simple("BTC", Decimal("1"), wallet="futures_coinm", price=Decimal(9)),
        ), ("earn_flexible", "futures_coinm")))
    finally:
        store.close()
    code, out, err = _cli(data_dir, "holdings", "list")
    assert code == 0, err
    header, *lines = out.splitlines()
    assert {line[23:41].rstrip() for line in lines} == {"Earn (flexible)", "Futures (COIN-M)"}
    assert {line[header.index("ASSET"):].split()[0] for line in lines} == {"USDT", "BTC"}
    assert "earn_flexible" not in out
    code, out, _ = _cli(data_dir, "holdings", "list", "--json")
    assert {h["wallet"] for h in json.loads(out)["holdings"]} == {"earn_flexible", "futures_coinm"}


def test_the_gui_and_the_cli_read_one_label_table_and_one_age_formatter():
    from exposure_app.domain import labels, timeutil
    from exposure_app.ui import formatting
    from exposure_app.ui.models import accounts_model, freshness_model

    assert formatting.format_age is timeutil.format_age
    for module in (accounts_model, freshness_model):
        assert not hasattr(module, "KIND_LABELS"), module.__name__
        assert module.account_kind_label is labels.account_kind_label



def test_exposure_words_a_tiny_share_as_the_gui_does_not_as_nothing(data_dir):
    """A custodian holding 0.02 % reads ``<0.1%`` on the command line, as on the pages."""
    from exposure_app.ui.formatting import format_share

    store = ProfileStore.open(data_dir)
    try:
        ledger = store.accounts.add("Ledger", AccountKind.SELF_CUSTODY)
        kraken = store.accounts.add("Kraken dust", AccountKind.MANUAL_CUSTODIAL,
                                    counterparty="kraken")
        set_holding(store, ledger, "BTC", Decimal("1"), value=Decimal("99980"))
        set_holding(store, kraken, "USDC", Decimal("20"), value=Decimal("20"))
    finally:
        store.close()
    code, out, _err = _cli(data_dir, "exposure")
    assert code == 0
    kraken_line = next(line for line in out.splitlines() if line.strip().startswith("Kraken"))
    assert kraken_line.rstrip().endswith("<0.1%"), kraken_line
    assert format_share(Decimal("0.0002")) == "<0.1%"
