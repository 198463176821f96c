"""Logins inside API and proxy URLs live in the keyring, beside the API key, never in the database."""

from __future__ import annotations

import json

import pytest

from exposure_app.domain.models import AccountKind
from exposure_app.exchanges.client_factory import ConnectionOptions
from exposure_app.services.exchange_accounts import ExchangeAccountError, set_connection
from exposure_app.services.network_proxy import proxy_for_requests, set_proxy
from exposure_app.services.settings import Settings
from exposure_app.storage.secrets import SecretStore, memory_keyring


@pytest.fixture
def keyring():
    return SecretStore(memory_keyring())


def _account(store, keyring):
    keyring.save("ref-1", {"apiKey": "k", "secret": "s"})
    return store.accounts.add("B", AccountKind.EXCHANGE_API, counterparty="binance",
                              exchange_id="binance", options={"secret_ref": "ref-1"})


def test_set_connection_moves_logins_to_the_keyring_and_keeps_the_key(store, keyring):
    account = _account(store, keyring)
    account = set_connection(store, keyring, account, ConnectionOptions(
        api_url="http://u1:p%40ss@127.0.0.1:8080", proxy="socks5://pu:pp@127.0.0.1:1080"))
    row = store.db.execute("SELECT options FROM accounts").fetchone()[0]
    assert "p%40ss" not in row and "pp@" not in row and "u1" not in row
    assert json.loads(row)["api_url"] == "http://127.0.0.1:8080"
    entry = keyring.load("ref-1")
    assert entry["apiKey"] == "k" and entry["api_url_credentials"] == "u1:p%40ss"
    rebuilt = ConnectionOptions.from_mapping(account.options).with_credentials(entry)
    assert rebuilt.api_url == "http://u1:p%40ss@127.0.0.1:8080"
    assert rebuilt.proxy == "socks5://pu:pp@127.0.0.1:1080"
    # the same bare URL keeps its login; another proxy drops the old proxy login
    account = set_connection(store, keyring, account, ConnectionOptions(
        api_url="http://127.0.0.1:8080", proxy="http://127.0.0.1:3128"))
    entry = keyring.load("ref-1")
    assert "api_url_credentials" in entry and "proxy_credentials" not in entry
    assert account.options["url_logins"] == ["api_url"]


@pytest.mark.parametrize("proxy", ["not a url", "file:///etc/passwd", "ftp://h:21"])
def test_set_connection_refuses_a_bad_proxy_and_changes_nothing(store, keyring, proxy):
    account = _account(store, keyring)
    with pytest.raises(ExchangeAccountError, match="proxy"):
        set_connection(store, keyring, account, ConnectionOptions(proxy=proxy))
    assert store.accounts.get(account.id).options == account.options


def test_profile_proxy_login_goes_to_the_keyring(data_dir, keyring):
    settings = Settings.load(data_dir)
    set_proxy(settings, "http://me:secret@127.0.0.1:3128", keyring)
    settings.save()
    text = (data_dir / "settings.json").read_text()
    assert "secret" not in text and "me:" not in text
    again = Settings.load(data_dir)
    assert again.proxy == "http://127.0.0.1:3128"
    assert proxy_for_requests(again, keyring) == "http://me:secret@127.0.0.1:3128"
    set_proxy(again, "", keyring)
    assert proxy_for_requests(again, keyring) is None and again.proxy_keyring_entry == ""


def test_a_login_typed_into_settings_json_is_refused_not_used(data_dir):
    (data_dir / "settings.json").write_text('{"proxy": "http://me:secret@127.0.0.1:3128"}')
    settings = Settings.load(data_dir)
    with pytest.raises(ValueError, match="proxy"):
        proxy_for_requests(settings)


def test_prices_never_go_out_directly_when_the_proxy_setting_is_unusable(store, data_dir):
    import asyncio

    from exposure_app.services.prices import refresh_prices

    (data_dir / "settings.json").write_text('{"proxy": "file:///etc/passwd", '
                                            '"price_sources": "binance=http://127.0.0.1:9"}')
    settings = Settings.load(data_dir)
    report = asyncio.run(refresh_prices(store, settings, timeout=2))
    assert report.sources and all(not o.ok and "proxy" in o.message for o in report.sources)
