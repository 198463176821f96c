"""Adding an exchange account: credentials to the keyring, options to the database.

The flow for ``accounts add-exchange`` (and later the GUI's dialog):

1. :func:`required_credential_names` says what to ask for (ccxt's
   ``requiredCredentials``: apiKey, secret, password, uid...).
2. :func:`check_key` reads one wallet and the key's permissions with a
   throw-away client, so a wrong key is caught before anything is stored and a
   key that can trade or withdraw is flagged.
3. :func:`create_exchange_account` stores the account row (non-secret
   connection options and a random ``secret_ref``) and the credentials in the
   keyring. If the keyring refuses, the row is removed again.

:func:`replace_credentials` puts a new key on an existing account (a rotated
key, or a keyring that lost its entry), keeping the account's history.

Threading: :func:`check_key` runs its own short-lived event loop and must not
be called on a thread that already runs one (the CLI's main thread is fine;
the GUI runs it on a worker thread).
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from exposure_app.domain.balances import KeyPermissions, PermissionLevel
from exposure_app.domain.models import Account, AccountKind
from exposure_app.domain.urls import URL_CREDENTIAL_NAMES
from exposure_app.exchanges.adapters.base import ExchangeAdapter, WalletSpec
from exposure_app.exchanges.adapters.registry import adapter_for
from exposure_app.exchanges.client_factory import (
    ConnectionOptions,
    build_client,
    exchange_ids,
    required_credentials,
)
from exposure_app.exchanges.errors import ErrorKind, SyncError, describe_exception
from exposure_app.risk.catalog import load_directory
from exposure_app.storage.secrets import (
    SECRET_REF_OPTION,
    SecretNotFound,
    SecretStore,
    new_secret_ref,
    secret_ref_of,
    tidy_credential,
    validate_credentials,
)
from exposure_app.storage.store import ProfileStore

READ_ONLY_ADVICE = (
    "This API key can {what}. Exposure only reads balances: create a read-only key "
    "(reading enabled, trading and withdrawals disabled) and use that instead."
)

# Key test failures that mean the key itself is unusable (not a passing outage).
KEY_PROBLEMS = frozenset(
    {ErrorKind.AUTH, ErrorKind.PERMISSION, ErrorKind.IP_NOT_WHITELISTED, ErrorKind.CONFIG}
)


class ExchangeAccountError(ValueError):
    """A problem with the requested account; the message says how to fix it."""


@dataclass(frozen=True, slots=True)
class KeyCheck:
    """What testing a key found. ``error`` is set when the test read failed."""

    permissions: KeyPermissions
    wallet_read: str | None
    error: SyncError | None = None

    @property
    def key_unusable(self) -> bool:
        return self.error is not None and self.error.kind in KEY_PROBLEMS

    @property
    def warning(self) -> str | None:
        return permission_warning(self.permissions)


def permission_warning(permissions: KeyPermissions | None) -> str | None:
    """The prominent "use a read-only key" warning, or ``None`` for a safe/unknown key."""
    if permissions is None:
        return None
    if permissions.level is PermissionLevel.WITHDRAW:
        return "WARNING: " + READ_ONLY_ADVICE.format(what="WITHDRAW funds")
    if permissions.level is PermissionLevel.TRADE:
        return "WARNING: " + READ_ONLY_ADVICE.format(what="TRADE")
    return None


def validate_exchange_id(exchange_id: str) -> str:
    exchange_id = exchange_id.strip().lower()
    known = exchange_ids()
    if exchange_id not in known:
        import difflib

        close = difflib.get_close_matches(exchange_id, known, n=3, cutoff=0.6)
        hint = f"; did you mean {' or '.join(close)}?" if close else (
            "; use the ccxt id, e.g. binance, kraken, coinbase, okx")
        raise ExchangeAccountError(f"{exchange_id!r} is not an exchange ccxt supports{hint}")
    return exchange_id


def required_credential_names(exchange_id: str) -> list[str]:
    return required_credentials(validate_exchange_id(exchange_id))


def check_credentials(exchange_id: str, credentials: Mapping[str, str]) -> dict[str, str]:
    """Exactly the credentials the exchange needs: none missing, none unknown."""
    needed = required_credential_names(exchange_id)
    clean = validate_credentials(credentials)
    missing = [name for name in needed if name not in clean]
    if missing:
        raise ExchangeAccountError(
            f"{exchange_id} needs {', '.join(needed)}; missing: {', '.join(missing)}"
        )
    extra = [name for name in clean if name not in needed]
    if extra:
        raise ExchangeAccountError(
            f"{exchange_id} does not use {', '.join(extra)} (it needs {', '.join(needed)})"
        )
    return clean


def check_key(
    exchange_id: str, credentials: Mapping[str, str], connection: ConnectionOptions
) -> KeyCheck:
    """Read the primary wallet and the key's permissions once (a blocking call).

    The key is tested as it would be stored (``tidy_credential``), so a test
    that passes is a test of the stored key.
    """
    tidy = {name: tidy_credential(value) if isinstance(value, str) else value
            for name, value in credentials.items()}
    return asyncio.run(_check_key(exchange_id, tidy, connection))


async def _check_key(
    exchange_id: str, credentials: dict[str, str], connection: ConnectionOptions
) -> KeyCheck:
    adapter = adapter_for(exchange_id)
    try:
        client = build_client(exchange_id, credentials, connection,
                              adapter.client_options({}), adapter.ccxt_config())
    except Exception as exc:
        return KeyCheck(KeyPermissions.unknown("the key could not be tested"), None,
                        describe_exception(exc, exchange_id))
    try:
        prepare = getattr(adapter, "prepare", None)
        if prepare is not None:
            prepare(client)
        primary = adapter.wallets()[0]
        error = await _read_primary(adapter, client, primary)
        if error is not None and error.kind is ErrorKind.CLOCK_SKEW:
            # as a sync would: turn on ccxt's time adjustment and try once more
            client.options["adjustForTimeDifference"] = True
            try:
                await client.load_time_difference()
                error = await _read_primary(adapter, client, primary)
            except Exception as exc:
                error = adapter.classify(exc, client)
        if error is not None:
            return KeyCheck(KeyPermissions.unknown("the key could not be tested"), None, error)
        return KeyCheck(await adapter.read_permissions_safely(client), primary.name)
    finally:
        await client.close()


async def _read_primary(adapter: ExchangeAdapter, client: Any, primary: WalletSpec
                        ) -> SyncError | None:
    try:
        await primary.read(client)
    except Exception as exc:
        return exc if isinstance(exc, SyncError) else adapter.classify(exc, client)
    return None


def counterparty_for(exchange_id: str) -> str:
    """The custodian id: sibling ccxt ids (binanceusdm...) roll up to one custodian."""
    return load_directory().resolve(exchange_id)


def create_exchange_account(
    store: ProfileStore,
    secret_store: SecretStore,
    *,
    name: str,
    exchange_id: str,
    credentials: Mapping[str, str],
    connection: ConnectionOptions,
) -> Account:
    """Store the account and its credentials; nothing is left behind on failure."""
    exchange_id = validate_exchange_id(exchange_id)
    clean = check_credentials(exchange_id, credentials)
    try:
        connection, url_secrets = connection.validated().without_credentials()
    except ValueError as exc:
        raise ExchangeAccountError(str(exc)) from None
    clean.update(url_secrets)     # user:password of the API URL or proxy: keyring only
    secret_store.check_available()
    ref = new_secret_ref()
    options = {**connection.to_mapping(), SECRET_REF_OPTION: ref}
    if url_secrets:
        options[URL_LOGINS_OPTION] = sorted(found_fields(url_secrets))
    account = store.accounts.add(
        name, AccountKind.EXCHANGE_API, counterparty=counterparty_for(exchange_id),
        exchange_id=exchange_id, options=options,
    )
    try:
        secret_store.save(ref, clean)
    except BaseException:
        store.accounts.remove(account.id)
        raise
    return account


def replace_credentials(
    store: ProfileStore,
    secret_store: SecretStore,
    account: Account,
    credentials: Mapping[str, str],
) -> Account:
    """Give an exchange account a new API key; its history and options stay.

    The new key is written over the account's keyring entry in one
    ``set_password`` call, so a refusal leaves the old key in place and the
    database untouched. An account whose entry reference is missing (a damaged
    or hand-edited profile) gets a new reference, stored only after the
    keyring has accepted the key. What was learnt through the old key (its
    permissions, the account facts) is forgotten: it described another key.
    """
    if account.kind is not AccountKind.EXCHANGE_API or not account.exchange_id:
        raise ExchangeAccountError(f"{account.name!r} is not an exchange account; it has no API key")
    clean = check_credentials(account.exchange_id, credentials)
    secret_store.check_available()
    ref = account.options.get(SECRET_REF_OPTION)
    if isinstance(ref, str) and ref:
        clean.update(_url_secrets_in(secret_store, account, ref))   # the key changes, the URLs' logins stay
        secret_store.save(ref, clean)
    else:
        ref = new_secret_ref()
        secret_store.save(ref, clean)
        try:
            account = store.accounts.update_options(
                account.id, {**account.options, SECRET_REF_OPTION: ref}
            )
        except BaseException:
            secret_store.delete(ref)
            raise
    store.exchange_state.forget_key_state(account.id)
    return account


def _url_secrets_in(secret_store: SecretStore, account: Account, ref: str) -> dict[str, str]:
    if not account.options.get(URL_LOGINS_OPTION):
        return {}
    try:
        stored = secret_store.load(ref)
    except SecretNotFound:
        return {}
    return {k: v for k, v in stored.items() if k in URL_CREDENTIAL_NAMES.values()}


def set_connection(store: ProfileStore, secret_store: SecretStore, account: Account,
                   connection: ConnectionOptions) -> Account:
    """Change an exchange account's connection options (API URL, sandbox, proxy, timeout).

    The URLs are validated (``ExchangeAccountError``, nothing changed). A
    user name and password inside a URL go into the account's keyring entry
    beside its API key; the database keeps the bare URL and, under
    ``url_logins``, only which URLs have a login. A bare URL equal to the
    stored one keeps its login; another URL drops it. The keyring is touched
    only when a login is added or dropped.
    """
    try:
        bare, found = connection.validated().without_credentials()
    except ValueError as exc:
        raise ExchangeAccountError(str(exc)) from None
    old = connection_of(account)
    stored = account.options.get(URL_LOGINS_OPTION)   # the URL fields whose login is kept
    had = {str(f) for f in stored} if isinstance(stored, list | tuple) else set()
    keep = {f for f in had if f not in found_fields(found)
            and getattr(bare, f) == getattr(old, f)}
    logins = keep | found_fields(found)
    if logins != had or found:
        ref = secret_ref_of(account)
        if ref is None:
            raise ExchangeAccountError("this account has no keyring entry to keep the URL's "
                                       "user name and password in; set its API key first")
        stored = secret_store.load(ref)
        updated = {k: v for k, v in stored.items()
                   if k not in URL_CREDENTIAL_NAMES.values()
                   or _field_of(k) in keep}
        updated.update(found)
        secret_store.save(ref, updated)
    options = {k: v for k, v in account.options.items()
               if k not in (*CONNECTION_KEYS, URL_LOGINS_OPTION)}
    options.update(bare.to_mapping())
    if logins:
        options[URL_LOGINS_OPTION] = sorted(logins)
    return store.accounts.update_options(account.id, options)


def move_url_logins(store: ProfileStore, secret_store: SecretStore, account: Account) -> Account:
    """Move a login an older version stored inside the account's API URL or proxy URL
    into its keyring entry; the database keeps the bare URL (with ``secure_delete`` on,
    so the old text is overwritten, not just unlinked). A no-op without such a login."""
    connection = connection_of(account)
    if not connection.without_credentials()[1]:
        return account
    store.db.execute("PRAGMA secure_delete = ON")
    try:
        return set_connection(store, secret_store, account, connection)
    finally:
        store.db.execute("PRAGMA secure_delete = OFF")


def found_fields(url_secrets: Mapping[str, str]) -> set[str]:
    """The option names (``api_url``, ``proxy``) whose login is in ``url_secrets``."""
    return {_field_of(name) for name in url_secrets}


def _field_of(secret_name: str) -> str:
    return next(f for f, s in URL_CREDENTIAL_NAMES.items() if s == secret_name)


URL_LOGINS_OPTION = "url_logins"
CONNECTION_KEYS = ("api_url", "sandbox", "proxy", "timeout_seconds")


def connection_of(account: Account) -> ConnectionOptions:
    return ConnectionOptions.from_mapping(account.options)
