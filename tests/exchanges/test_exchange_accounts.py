"""Adding exchange accounts: the key test, the stored row, the keyring entry."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from exposure_app.domain.balances import KeyPermissions, PermissionLevel
from exposure_app.domain.timeutil import utc_now
from exposure_app.emulator.base import EmulatedAccount, EmulatedBalance, FaultKind
from exposure_app.emulator.binance import BinanceEmulator
from exposure_app.exchanges.client_factory import ConnectionOptions
from exposure_app.exchanges.errors import ErrorKind
from exposure_app.services.exchange_accounts import (
    ExchangeAccountError,
    check_key,
    counterparty_for,
    create_exchange_account,
    replace_credentials,
    required_credential_names,
)
from exposure_app.storage.secrets import SERVICE_NAME, SecretStore, SecretStoreError

CREDS = {"apiKey": "acc-key-1", "secret": "acc-secret-1"}


def served(emulator_server, permissions=frozenset({"read"})) -> BinanceEmulator:
    emu = BinanceEmulator(EmulatedAccount(CREDS["apiKey"], CREDS["secret"],
                                          balances=[EmulatedBalance("spot", "BTC", Decimal(1))],
                                          permissions=permissions))
    emulator_server.add(emu)
    return emu


def conn(emu) -> ConnectionOptions:
    return ConnectionOptions(api_url=emu.base_url, timeout_seconds=3)


def test_required_credentials_follow_ccxt():
    assert required_credential_names("binance") == ["apiKey", "secret"]
    assert required_credential_names("okx") == ["apiKey", "secret", "password"]
    with pytest.raises(ExchangeAccountError):
        required_credential_names("not-an-exchange")
    with pytest.raises(ExchangeAccountError, match="did you mean kraken"):
        required_credential_names("krakn")


def test_sibling_ids_roll_up_to_one_custodian():
    assert counterparty_for("binanceusdm") == counterparty_for("binance") == "binance"


@pytest.mark.parametrize(
    ("permissions", "level", "warned"),
    [(frozenset({"read"}), PermissionLevel.READ_ONLY, False),
     (frozenset({"read", "trade"}), PermissionLevel.TRADE, True),
     (frozenset({"read", "withdraw"}), PermissionLevel.WITHDRAW, True)],
)
def test_check_key_reads_once_and_reports_permissions(emulator_server, permissions, level,
                                                      warned):
    emu = served(emulator_server, permissions)
    result = check_key("binance", CREDS, conn(emu))
    assert result.error is None and result.wallet_read == "spot"
    assert result.permissions.level is level
    assert (result.warning is not None) == warned
    assert [p for _, p in emu.requests] == ["/api/v3/account", "/sapi/v1/account/apiRestrictions"]


def test_check_key_recovers_from_clock_skew_and_flags_a_bad_key(emulator_server):
    emu = served(emulator_server)
    emu.inject(FaultKind.CLOCK_SKEW, skew_ms=30_000)
    assert check_key("binance", CREDS, conn(emu)).error is None
    bad = check_key("binance", dict(CREDS, secret="nope"), conn(emu))
    assert bad.key_unusable and bad.error.kind is ErrorKind.AUTH
    emu.clear_faults()
    emu.inject(FaultKind.MAINTENANCE)
    down = check_key("binance", CREDS, conn(emu))
    assert down.error.kind is ErrorKind.MAINTENANCE and not down.key_unusable


def test_the_account_row_holds_options_and_a_ref_never_the_secret(store, secret_store,
                                                                  memory_keyring,
                                                                  emulator_server):
    emu = served(emulator_server)
    account = create_exchange_account(store, secret_store, name="B", exchange_id="Binance",
                                      credentials=CREDS, connection=conn(emu))
    assert account.exchange_id == "binance" and account.counterparty == "binance"
    assert account.options["api_url"] == emu.base_url
    ref = account.options["secret_ref"]
    assert json.loads(memory_keyring.entries[(SERVICE_NAME, ref)]) == CREDS
    raw = json.dumps(dict(account.options))
    assert CREDS["secret"] not in raw and CREDS["apiKey"] not in raw


def test_a_keyring_failure_leaves_no_account_behind(store, memory_keyring, emulator_server):
    class Refusing(type(memory_keyring)):
        def set_password(self, service, username, password):
            raise OSError("locked")

    emu = served(emulator_server)
    with pytest.raises(SecretStoreError):
        create_exchange_account(store, SecretStore(Refusing()), name="B", exchange_id="binance",
                                credentials=CREDS, connection=conn(emu))
    assert store.accounts.list() == []


NEW_CREDS = {"apiKey": "acc-key-2", "secret": "acc-secret-2"}


def _refusing(memory_keyring):
    class Refusing(type(memory_keyring)):
        def set_password(self, service, username, password):
            raise OSError("locked")

    refusing = Refusing()
    refusing.entries = memory_keyring.entries      # the same entries, read-only now
    return refusing


def test_replacing_a_key_overwrites_its_entry_and_forgets_what_the_old_key_taught(
        store, secret_store, memory_keyring, emulator_server):
    emu = served(emulator_server)
    account = create_exchange_account(store, secret_store, name="B", exchange_id="binance",
                                      credentials=CREDS, connection=conn(emu))
    store.exchange_state.save_permissions(account.id, KeyPermissions.unknown("old"), utc_now())
    store.exchange_state.save_facts(account.id, {"unified": True})
    after = replace_credentials(store, secret_store, account, NEW_CREDS)
    assert after.options == account.options                       # same ref, same options
    ref = account.options["secret_ref"]
    assert json.loads(memory_keyring.entries[(SERVICE_NAME, ref)]) == NEW_CREDS
    assert len(memory_keyring.entries) == 1
    assert store.exchange_state.permissions(account.id) is None
    assert store.exchange_state.facts(account.id) == {}


def test_a_refused_replacement_changes_nothing(store, secret_store, memory_keyring,
                                               emulator_server):
    emu = served(emulator_server)
    account = create_exchange_account(store, secret_store, name="B", exchange_id="binance",
                                      credentials=CREDS, connection=conn(emu))
    store.exchange_state.save_permissions(account.id, KeyPermissions.unknown("old"), utc_now())
    before = dict(memory_keyring.entries)
    with pytest.raises(SecretStoreError):
        replace_credentials(store, SecretStore(_refusing(memory_keyring)), account, NEW_CREDS)
    assert memory_keyring.entries == before
    assert store.exchange_state.permissions(account.id) is not None
    assert store.accounts.get(account.id).options == account.options


def test_an_account_without_a_keyring_reference_gets_one_only_once_the_key_is_stored(
        store, secret_store, memory_keyring, emulator_server):
    emu = served(emulator_server)
    account = create_exchange_account(store, secret_store, name="B", exchange_id="binance",
                                      credentials=CREDS, connection=conn(emu))
    damaged = store.accounts.update_options(
        account.id, {k: v for k, v in account.options.items() if k != "secret_ref"})
    memory_keyring.entries.clear()
    with pytest.raises(SecretStoreError):
        replace_credentials(store, SecretStore(_refusing(memory_keyring)), damaged, NEW_CREDS)
    assert "secret_ref" not in store.accounts.get(account.id).options
    assert memory_keyring.entries == {}
    repaired = replace_credentials(store, secret_store, damaged, NEW_CREDS)
    ref = repaired.options["secret_ref"]
    assert ref != account.options["secret_ref"]
    assert store.accounts.get(account.id).options["secret_ref"] == ref
    assert json.loads(memory_keyring.entries[(SERVICE_NAME, ref)]) == NEW_CREDS


def test_only_exchange_accounts_take_a_key_and_only_the_credentials_they_need(
        store, secret_store, memory_keyring, emulator_server):
    from exposure_app.domain.models import AccountKind

    wallet = store.accounts.add("Ledger", AccountKind.SELF_CUSTODY)
    with pytest.raises(ExchangeAccountError, match="not an exchange account"):
        replace_credentials(store, secret_store, wallet, NEW_CREDS)
    emu = served(emulator_server)
    account = create_exchange_account(store, secret_store, name="B", exchange_id="binance",
                                      credentials=CREDS, connection=conn(emu))
    with pytest.raises(ExchangeAccountError, match="missing: secret"):
        replace_credentials(store, secret_store, account, {"apiKey": "x"})
    ref = account.options["secret_ref"]
    assert json.loads(memory_keyring.entries[(SERVICE_NAME, ref)]) == CREDS
