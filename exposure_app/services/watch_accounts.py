"""Adding a watch-only account: an address or extended public key on one chain.

The input is checked by ``domain.watch_only`` before anything is written:
secret material (private key, xprv, seed phrase) is refused with a warning
that does not repeat it, so nothing of it reaches the database, the settings
or a log. The server URL (Esplora for Bitcoin, JSON-RPC for EVM chains) is
kept in the account's options; the user's own node is the private choice
(a public server learns which addresses are asked about, and from which IP).

Threading: the thread that owns ``store``.
"""

from __future__ import annotations

from exposure_app.chains.pool import check_api_url, check_proxy_url
from exposure_app.chains.reader import api_url_of
from exposure_app.domain.chains import chain_spec
from exposure_app.domain.models import Account, AccountKind
from exposure_app.domain.watch_only import SecretMaterialError, parse_watch_input, watch_target_of
from exposure_app.storage.errors import ConflictError, NotFoundError
from exposure_app.storage.store import ProfileStore

__all__ = ["PRIVACY_NOTE", "SecretMaterialError", "WatchInputError", "add_watch_account",
           "api_url_of", "chain_api_urls", "set_watch_server"]

PRIVACY_NOTE = (
    "Balances are read from the server URL. A public server learns which addresses you "
    "ask about and from which IP address; your own node (electrs/Esplora for Bitcoin, "
    "an Ethereum node for EVM chains) keeps that private."
)


def chain_api_urls(text: str) -> dict[str, str]:
    """The ``chain_api_urls`` setting as ``{chain: url}``; ``ValueError`` names a bad entry."""
    urls: dict[str, str] = {}
    for entry in filter(None, (part.strip() for part in text.split(","))):
        chain, sep, url = entry.partition("=")
        if not sep:
            raise ValueError(f"chain_api_urls: {entry!r} is not CHAIN=URL")
        spec = chain_spec(chain)
        urls[spec.id] = check_api_url(url)
    return urls


class WatchInputError(ValueError):
    """The chain, address or URL is not usable; one line, never quoting a secret."""


def add_watch_account(store: ProfileStore, name: str, chain: str, text: str,
                      api_url: str | None = None, proxy: str | None = None,
                      script: str | None = None) -> Account:
    """Validate and store a watch-only account; raises :class:`SecretMaterialError`
    (a secret was pasted) or :class:`WatchInputError` and then writes nothing.
    ``script``: an extended key's address type when its prefix does not say it."""
    try:
        target = parse_watch_input(chain, text, script)
    except SecretMaterialError:
        raise
    except ValueError as exc:
        raise WatchInputError(str(exc)) from None
    options: dict[str, object] = {**target.to_options(), **_server_options(api_url, proxy)}
    for account in store.accounts.list():
        existing = watch_target_of(account.options)
        if existing is not None and (existing.chain, existing.value) == (target.chain,
                                                                         target.value):
            raise WatchInputError(f"{chain_spec(target.chain).name} {target.short} is already "
                                  f"watched as {account.name!r}")
    try:
        return store.accounts.add(name, AccountKind.SELF_CUSTODY, options=options)
    except (ValueError, ConflictError) as exc:   # empty or taken name
        raise WatchInputError(str(exc)) from None


def set_watch_server(store: ProfileStore, name: str, api_url: str | None,
                     proxy: str | None = None) -> Account:
    """Point a watch-only account at another server (``None``: the profile's or the default)
    and proxy (``None`` or empty: none); :class:`WatchInputError` changes nothing."""
    try:
        account = store.accounts.by_name(name)
    except NotFoundError as exc:
        raise WatchInputError(str(exc)) from None
    if watch_target_of(account.options) is None:
        raise WatchInputError(f"{account.name!r} is not a watch-only address")
    options = {k: v for k, v in account.options.items() if k not in ("api_url", "proxy")}
    return store.accounts.update_options(account.id,
                                         {**options, **_server_options(api_url, proxy)})


def _server_options(api_url: str | None, proxy: str | None) -> dict[str, str]:
    """An account's own server and proxy (each only when given), checked;
    :class:`WatchInputError` says which is not usable."""
    options = {}
    try:
        if api_url:
            options["api_url"] = check_api_url(api_url)
        if proxy:
            options["proxy"] = check_proxy_url(proxy)
    except ValueError as exc:
        raise WatchInputError(str(exc)) from None
    return options
