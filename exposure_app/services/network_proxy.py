"""The profile's proxy: set it, and get the URL every outgoing request uses.

``settings.json`` keeps the bare proxy URL; a user name and password typed
with it (``http://user:pass@host:3128``) go to the OS keyring, in an entry
named by the ``proxy_keyring_entry`` setting, in the same form as an
exchange account's URL logins (``{"proxy_credentials": "user:password"}``).

:func:`proxy_for_requests` is what callers hand to
:func:`exposure_app.services.http_fetch.fetch` (feeds, reserve data, prices)
and, through :func:`connection_with_default_proxy`, to the ccxt client
factory (exchange syncs and key checks). A proxy setting that could not be
read is *not* treated as "no proxy": it raises, so nothing goes out directly
behind the user's back.

Threading: any thread; keyring calls block briefly.
"""

from __future__ import annotations

from dataclasses import replace

from exposure_app.domain.urls import (
    URL_CREDENTIAL_NAMES,
    ProxyUrlError,
    UrlCredentials,
    join_credentials,
    split_credentials,
    validate_proxy_url,
)
from exposure_app.exchanges.client_factory import ConnectionOptions
from exposure_app.services.settings import Settings
from exposure_app.storage.secrets import SecretNotFound, SecretStore, new_secret_ref

_SECRET_NAME = URL_CREDENTIAL_NAMES["proxy"]


def set_proxy(settings: Settings, url: str, secret_store: SecretStore | None = None) -> None:
    """Validate ``url`` (``""`` = no proxy) and set it; a login goes to the keyring.

    Raises ``ValueError`` (one line; nothing changed) for a bad URL, and
    :class:`~exposure_app.storage.secrets.SecretStoreError` when a login must
    be stored and the keyring refuses. The caller saves ``settings``.
    """
    try:
        checked = validate_proxy_url(url)
    except ProxyUrlError as exc:
        raise ValueError(str(exc)) from None
    bare, login = split_credentials(checked) if checked else ("", None)
    entry = settings.proxy_keyring_entry
    if login is not None:
        store = secret_store or SecretStore()
        entry = entry or f"proxy-{new_secret_ref()}"
        store.save(entry, {_SECRET_NAME: login.to_text()})
        settings.set("proxy_keyring_entry", entry)
    elif entry:
        (secret_store or SecretStore()).delete(entry)
        settings.set("proxy_keyring_entry", "")
    settings.set("proxy", bare)


def proxy_for_requests(settings: Settings, secret_store: SecretStore | None = None) -> str | None:
    """The proxy URL to use (login included), or ``None`` for a direct connection.

    Raises ``ValueError`` with a one-line reason when the stored proxy setting
    was refused, or its login cannot be read from the keyring.
    """
    if "proxy" in settings.refused:
        raise ValueError(f"the proxy setting is not usable ({settings.refused['proxy']}); "
                         "fix it with `settings set proxy URL` (or \"\" for none)")
    bare = settings.proxy or None
    if bare is None or not settings.proxy_keyring_entry:
        return bare
    try:
        stored = (secret_store or SecretStore()).load(settings.proxy_keyring_entry)
    except SecretNotFound:
        raise ValueError("the proxy's user name and password are not in the keyring; set the "
                         "proxy again with `settings set proxy URL`") from None
    except Exception as exc:   # SecretStoreError: its message is safe to show
        raise ValueError(f"the proxy's login could not be read: {exc}") from None
    text = stored.get(_SECRET_NAME)
    return join_credentials(bare, UrlCredentials.from_text(text)) if text else bare


def connection_with_default_proxy(connection: ConnectionOptions,
                                  default_proxy: str | None) -> ConnectionOptions:
    """An account's own proxy wins; without one, the profile's proxy is used."""
    if connection.proxy or not default_proxy:
        return connection
    return replace(connection, proxy=default_proxy)
