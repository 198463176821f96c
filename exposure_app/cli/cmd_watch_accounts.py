"""``accounts add-address NAME --chain CHAIN ADDRESS_OR_XPUB [--api-url URL]`` and
``accounts set-server NAME [URL] [--proxy URL]``.

The address or extended public key may be given as ``-`` to read it from
standard input (kept out of the shell history). Words after the name are
joined, so a seed phrase pasted without quotes is recognised and refused
like any other secret, without being repeated in the message.
"""

from __future__ import annotations

import argparse
import sys

from exposure_app.cli.context import CliContext, user_errors
from exposure_app.cli.options import Action, add_action
from exposure_app.domain.chains import CHAINS, chain_spec
from exposure_app.domain.labels import watch_source_label
from exposure_app.domain.watch_only import ScriptType, watch_target_of
from exposure_app.services.watch_accounts import (
    PRIVACY_NOTE,
    SecretMaterialError,
    WatchInputError,
    add_watch_account,
    api_url_of,
    chain_api_urls,
    set_watch_server,
)


def register_add_address(sub: argparse._SubParsersAction) -> None:
    add_action(sub, Action(
        "add-address", "watch a self-custody address or xpub/ypub/zpub (read-only)", add_address,
        ('accounts add-address "Cold BTC" --chain bitcoin bc1q...',
         'accounts add-address "Vault" --chain ethereum 0x...'),
        arguments=_add_address_arguments,
        description="Watch an address or an account's extended PUBLIC key on a chain; its "
                    "balances sync with the other accounts and count as self-custody. "
                    "Never give a private key or seed phrase: it is refused. " + PRIVACY_NOTE,
    ))


def _add_address_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", help="a name for the wallet, e.g. 'Cold BTC'")
    p.add_argument("--chain", required=True, choices=sorted(CHAINS), metavar="CHAIN",
                   help="one of: " + ", ".join(CHAINS))
    p.add_argument("target", nargs="+", metavar="ADDRESS_OR_XPUB",
                   help="the address or xpub/ypub/zpub; '-' reads it from standard input")
    p.add_argument("--api-url", metavar="URL",
                   help="Esplora API (Bitcoin) or JSON-RPC URL (EVM); default: a public server")
    p.add_argument("--script", choices=[s.value for s in ScriptType],
                   help="address type of an extended key when its prefix does not say it "
                        "(e.g. an 'xpub' exported for a native segwit account: p2wpkh)")
    p.add_argument("--proxy", metavar="URL",
                   help="http://, https:// or socks5:// proxy for this server (e.g. Tor)")


def register_set_server(sub: argparse._SubParsersAction) -> None:
    add_action(sub, Action(
        "set-server", "change the server a watched address is read from", set_server,
        ('accounts set-server "Cold BTC" http://127.0.0.1:3002', 'accounts set-server "Cold BTC"'),
        arguments=_set_server_arguments,
        description="Point a watch-only account at another Esplora or JSON-RPC server; without "
                    "URL it goes back to the profile's server for its chain (chain_api_urls) or "
                    "the public default.",
    ))


def _set_server_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", help="the watch-only account's name (see 'accounts list')")
    p.add_argument("url", nargs="?", metavar="URL",
                   help="the Esplora or JSON-RPC server, e.g. http://127.0.0.1:3002 "
                        "(default: the profile's server for the chain)")
    p.add_argument("--proxy", metavar="URL",
                   help="http://, https:// or socks5:// proxy (none when left out)")


def set_server(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.lock_for_writing()
    with user_errors(WatchInputError):
        account = set_watch_server(ctx.store, args.name, args.url, args.proxy)
    target = watch_target_of(account.options)
    assert target is not None
    try:
        profile_urls = chain_api_urls(ctx.settings.chain_api_urls)
    except ValueError:
        profile_urls = {}
    ctx.warn(f"{account.name!r} is read from {api_url_of(target, account.options, profile_urls)}"
             + (f" through {account.options['proxy']}" if account.options.get("proxy") else ""))
    return 0


def add_address(args: argparse.Namespace, ctx: CliContext) -> int:
    text = " ".join(args.target)
    if text == "-":
        text = sys.stdin.read(4096)
    ctx.lock_for_writing()
    with user_errors(SecretMaterialError, WatchInputError):
        account = add_watch_account(ctx.store, args.name, args.chain, text, args.api_url,
                                    args.proxy, args.script)
    target = watch_target_of(account.options)
    assert target is not None
    spec = chain_spec(target.chain)
    script = f" ({target.script.value} addresses)" if target.script else ""
    try:
        profile_urls = chain_api_urls(ctx.settings.chain_api_urls)
    except ValueError as exc:
        profile_urls = {}
        ctx.warn(f"The setting {exc}: this address will not sync until it is fixed.")
    server = api_url_of(target, account.options, profile_urls)
    ctx.warn(f"Watching {watch_source_label(target)}{script} as {account.name!r} "
             f"(self-custody); balances from {server}. Run 'sync' to read them.")
    if server == spec.default_api_url:
        ctx.warn(PRIVACY_NOTE)
    return 0
