"""A custodian the user creates or imports is shown by its own name, everywhere the
catalogue's custodians are named: not a name made from its id ("Etoro Money Eu")."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from exposure_app.domain.models import AccountKind
from exposure_app.services.accounts import custodian_for_account
from exposure_app.services.manual_holdings import set_holding

NAME = "eToro Money (EU)"
WHEN = datetime(2026, 11, 1, 12, tzinfo=UTC)


def _own_custodian_account(store) -> str:
    custodian = custodian_for_account(store, new_custodian=f"  {NAME} ")
    account = store.accounts.add("My eToro", AccountKind.MANUAL_CUSTODIAL,
                                 counterparty=custodian)
    set_holding(store, account, "BTC", Decimal(1), price=Decimal(50000), when=WHEN)
    return custodian


def test_a_new_custodian_keeps_its_name_in_the_profile(store):
    custodian = _own_custodian_account(store)
    assert custodian == "etoro_money_eu"
    assert store.risk.directory().name(custodian) == NAME
    with pytest.raises(ValueError, match="already known"):
        custodian_for_account(store, new_custodian=NAME)


def test_reports_and_the_cli_name_it_as_given(store, data_dir, run_cli):
    from exposure_app.services.exposure_as_of import exposure_as_of
    from exposure_app.services.settings import Settings

    _own_custodian_account(store)
    report = exposure_as_of(store, Settings(), WHEN)
    assert [c.name for c in report.counterparties] == [NAME]
    store.close()
    listed = run_cli("exposure")
    assert listed.returncode == 0, listed.stderr
    assert NAME in listed.stdout and "Etoro Money Eu" not in listed.stdout



def test_a_refused_account_leaves_no_new_custodian_behind(store, data_dir, run_cli):
    store.close()
    assert run_cli("accounts", "add-manual", "Broker", "--custodian", "kraken").returncode == 0
    refused = run_cli("accounts", "add-manual", "Broker", "--new-custodian", NAME)
    assert refused.returncode != 0 and "already exists" in refused.stderr
    added = run_cli("accounts", "add-manual", "Broker 2", "--new-custodian", NAME)
    assert added.returncode == 0, added.stderr
    assert NAME in added.stderr
