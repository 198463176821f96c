"""The keyring wrapper: one entry per account, no plaintext fallback, clear errors."""

from __future__ import annotations

import json

import pytest
from keyring.backends import chainer, fail, null

from exposure_app.domain.models import AccountKind
from exposure_app.services.accounts import remove_account_everywhere
from exposure_app.storage.secrets import (
    SERVICE_NAME,
    SecretNotFound,
    SecretStore,
    SecretStoreError,
    SecretStoreUnavailable,
    delete_credentials,
    memory_keyring,
    new_secret_ref,
    validate_credentials,
)

CREDS = {"apiKey": "k-123456", "secret": "s3cr3t-value-xyz", "password": "pass-phrase-1"}


def test_round_trip_one_entry_per_account_under_the_service_name():
    backend = memory_keyring()
    store = SecretStore(backend)
    a, b = new_secret_ref(), new_secret_ref()
    assert a != b
    store.save(a, CREDS)
    store.save(b, {"apiKey": "other", "secret": "other-secret"})
    assert store.load(a) == CREDS
    assert set(backend.entries) == {(SERVICE_NAME, a), (SERVICE_NAME, b)}
    assert json.loads(backend.entries[(SERVICE_NAME, a)]) == CREDS
    assert store.delete(a) is True
    assert store.delete(a) is False
    with pytest.raises(SecretNotFound) as info:
        store.load(a)
    assert "accounts set-key" in str(info.value) and "Replace API key" in str(info.value)
    assert store.load(b)["apiKey"] == "other"


@pytest.mark.parametrize(
    "backend",
    [fail.Keyring(), null.Keyring(), chainer.ChainerBackend()],
    ids=["fail", "null", "empty-chainer"],
)
def test_an_unusable_keyring_is_refused_with_what_to_install(backend, monkeypatch):
    if isinstance(backend, chainer.ChainerBackend):
        monkeypatch.setattr(chainer.ChainerBackend, "backends", property(lambda self: []))
    store = SecretStore(backend)
    with pytest.raises(SecretStoreUnavailable) as info:
        store.save(new_secret_ref(), CREDS)
    message = str(info.value)
    assert "plain text" in message
    assert "gnome-keyring" in message.lower() or "keychain" in message.lower() \
        or "credential manager" in message.lower()
    assert CREDS["secret"] not in message
    with pytest.raises(SecretStoreUnavailable):
        store.load("anything")


def test_the_default_backend_is_the_platform_keyring(monkeypatch):
    import keyring

    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        with pytest.raises(SecretStoreUnavailable):
            SecretStore().check_available()
    finally:
        keyring.set_keyring(previous)


@pytest.mark.parametrize(
    ("creds", "words"),
    [
        ({"apiKey": "k", "token2": "x"}, "not a ccxt credential name"),
        ({"apiKey": "  "}, "empty"),
        ({"apiKey": 5}, "not text"),
    ],
)
def test_only_known_non_empty_credentials_are_accepted(creds, words):
    with pytest.raises(SecretStoreError) as info:
        validate_credentials(creds)
    assert words in str(info.value)


def test_a_damaged_entry_is_an_error_not_an_empty_key():
    backend = memory_keyring()
    backend.set_password(SERVICE_NAME, "account-x", "{not json")
    with pytest.raises(SecretStoreError) as info:
        SecretStore(backend).load("account-x")
    assert "damaged" in str(info.value)


def test_a_failing_backend_never_echoes_the_secret():
    class Broken(type(memory_keyring())):
        def set_password(self, service, username, password):
            raise RuntimeError(f"backend exploded with {password}")

    with pytest.raises(SecretStoreError) as info:
        SecretStore(Broken()).save("account-y", CREDS)
    assert CREDS["secret"] not in str(info.value)
    assert info.value.__cause__ is None


def test_removing_an_account_removes_its_keyring_entry(store, monkeypatch):
    import keyring

    backend = memory_keyring()
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        ref = new_secret_ref()
        SecretStore().save(ref, CREDS)
        account = store.accounts.add("Ex", AccountKind.EXCHANGE_API, counterparty="binance",
                                     exchange_id="binance", options={"secret_ref": ref})
        manual = store.accounts.add("Manual", AccountKind.MANUAL_CUSTODIAL,
                                    counterparty="celsius")
        remove_account_everywhere(store, account)
        assert backend.entries == {}
        assert store.accounts.find("Ex") is None
        # a manual account needs no keyring at all
        keyring.set_keyring(fail.Keyring())
        remove_account_everywhere(store, manual)
        assert store.accounts.find("Manual") is None
    finally:
        keyring.set_keyring(previous)


def test_delete_credentials_without_a_ref_does_nothing():
    from types import SimpleNamespace

    no_ref = SimpleNamespace(options={})
    assert delete_credentials(no_ref, SecretStore(memory_keyring())) is False


def test_a_pem_key_copied_out_of_a_json_file_gets_its_line_breaks_back():
    from exposure_app.storage.secrets import tidy_credential

    pem = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIB\nAwEHoUQD\n-----END EC PRIVATE KEY-----"
    escaped = pem.replace("\n", "\\n") + "\\n"            # as in Coinbase's cdp_api_key.json
    assert tidy_credential(escaped) == pem
    assert tidy_credential(f'  "{escaped}" ') == pem        # with the JSON string's quotes
    assert tidy_credential(pem + "\n") == pem               # a real PEM is left as it is
    assert validate_credentials({"apiKey": "k", "secret": escaped})["secret"] == pem
    # anything that is not a PEM block keeps its characters, backslashes and quotes too
    for text in ('abc\\ndef', '"quoted-secret"', "-----BEGIN but one line"):
        assert tidy_credential(text) == text
