"""``accounts add-exchange NAME --exchange ID``: connect an exchange with a read-only key;
``accounts set-key NAME``: give an exchange account a new key, keeping its history.

Secrets are never taken from the command line (argv is visible to every
process on the machine and lands in shell history): they are read from a
hidden prompt, or with ``--secrets-stdin`` as one JSON object of ccxt
credential names on standard input. They go to the OS keyring only.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from exposure_app.cli.context import CliContext, UserError, user_errors
from exposure_app.cli.options import Action, add_action
from exposure_app.domain.account_names import clean_account_name
from exposure_app.domain.json_limits import loads_bounded
from exposure_app.domain.models import AccountKind
from exposure_app.domain.timeutil import utc_now
from exposure_app.exchanges.client_factory import ConnectionOptions
from exposure_app.services.exchange_accounts import (
    ExchangeAccountError,
    KeyCheck,
    check_credentials,
    check_key,
    connection_of,
    create_exchange_account,
    replace_credentials,
    required_credential_names,
)
from exposure_app.services.network_proxy import connection_with_default_proxy, proxy_for_requests
from exposure_app.storage.errors import ConflictError
from exposure_app.storage.secrets import SecretStore

MAX_PEM_LINES = 100
PROMPTS = {
    "apiKey": "API key",
    "secret": "API secret",
    "password": "API passphrase (password)",
    "uid": "user id (uid)",
    "login": "login",
    "privateKey": "private key",
    "walletAddress": "wallet address",
    "token": "token",
    "twofa": "2FA secret",
    "accountId": "account id",
}


def register_add_exchange(sub: argparse._SubParsersAction) -> None:
    """Adds the ``add-exchange`` action to the ``accounts`` command."""
    add_action(sub, Action(
        "add-exchange", "connect an exchange account with a read-only API key", add_exchange,
        ('accounts add-exchange "Binance main" --exchange binance',
         "echo '{\"apiKey\": \"...\", \"secret\": \"...\"}' | exposure-app accounts "
         'add-exchange "Kraken" --exchange kraken --secrets-stdin',
         'accounts add-exchange "Emulated" --exchange binance --api-url http://127.0.0.1:8801'),
        json="the result", arguments=_add_exchange_arguments,
        description=(
            "Connect an exchange account through ccxt. Asks for exactly the credentials the "
            "exchange needs with a hidden prompt (or reads one JSON object such as "
            '{"apiKey": "...", "secret": "..."} from stdin with --secrets-stdin) and stores '
            "them in the OS keyring. The key is tested once (a balance read and a permission "
            "check) and nothing is stored if the test fails, unless --no-check is given; "
            "use a key that can only read."
        ),
    ))


def _add_exchange_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", help="a name for the account, e.g. 'Binance main'")
    p.add_argument("--exchange", required=True, metavar="ID", help="ccxt exchange id (binance)")
    p.add_argument("--api-url", metavar="URL",
                   help="replace the origin of every API URL (regional host, testnet, emulator)")
    p.add_argument("--sandbox", action="store_true", help="use the exchange's sandbox/testnet")
    p.add_argument("--proxy", metavar="URL", help="http://, https:// or socks5:// proxy")
    p.add_argument("--timeout", type=float, default=30.0, metavar="S",
                   help="request timeout in seconds (default 30)")
    p.add_argument("--secrets-stdin", action="store_true",
                   help="read the credentials as one JSON object from stdin")
    p.add_argument("--no-check", action="store_true",
                   help="store the key without testing it (e.g. while the exchange is down); "
                        "without it an exchange that cannot be reached is refused")


def register_set_key(sub: argparse._SubParsersAction) -> None:
    """Adds the ``set-key`` action to the ``accounts`` command."""
    add_action(sub, Action(
        "set-key", "give an exchange account a new API key (its history stays)", set_key,
        ('accounts set-key "Binance main"',), json="the result", arguments=_set_key_arguments,
        description=(
            "Replace the API key of an exchange account, for a rotated key or a keyring that "
            "lost its entry. Asks for the credentials the way add-exchange does, tests the new "
            "key with the account's connection options, and only then writes it over the old "
            "one in the OS keyring. The account's snapshots and settings are kept."
        ),
    ))


def _set_key_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", help="the account's name (see 'accounts list')")
    p.add_argument("--secrets-stdin", action="store_true",
                   help="read the credentials as one JSON object from stdin")
    p.add_argument("--no-check", action="store_true",
                   help="store the key without testing it (e.g. while the exchange is down)")


def _connection(args: argparse.Namespace) -> ConnectionOptions:
    """The options as typed (a login inside a URL is kept here, in memory, for the key
    test; storing the account moves it to the keyring)."""
    if not 0 < args.timeout <= 600:
        raise UserError("--timeout must be between 0 and 600 seconds")
    try:
        return ConnectionOptions(api_url=args.api_url, sandbox=args.sandbox, proxy=args.proxy,
                                 timeout_seconds=args.timeout).validated()
    except ValueError as exc:
        raise UserError(str(exc).replace("API URL:", "--api-url:").replace("proxy:", "--proxy:",
                                                                          1)) from None


def _read_secrets(args: argparse.Namespace, needed: list[str]) -> dict[str, str]:
    if args.secrets_stdin:
        raw = sys.stdin.read(1 << 20)
        try:
            data = loads_bounded(raw, what="--secrets-stdin", max_depth=2)
        except ValueError:
            raise UserError("--secrets-stdin: stdin is not one JSON object") from None
        if not isinstance(data, dict):
            raise UserError("--secrets-stdin: expected one JSON object of credential names")
        return data
    if not sys.stdin.isatty():
        raise UserError("no terminal to ask for the API key; pipe the credentials as JSON "
                        "with --secrets-stdin")
    return {name: _ask_hidden(PROMPTS.get(name, name)) for name in needed}


def _ask_hidden(label: str) -> str:
    """One hidden answer; a pasted multi-line PEM key (Coinbase CDP) is read to its END line.

    ``getpass`` keeps one line and, when it turns echo off and on, discards
    whatever else was typed ahead (``TCSAFLUSH``), so the rest of a pasted PEM
    key would be lost and the stored key could never sign. On a POSIX terminal
    the answer is therefore read here: echo off once, lines read until a line
    that starts a PEM block reaches its END line, echo back on. Elsewhere
    (Windows) it is ``getpass``, and a PEM key goes through ``--secrets-stdin``.
    """
    try:
        import termios
        tty = open("/dev/tty", "r+b", buffering=0)  # noqa: SIM115 - closed below
    except (ImportError, OSError):
        return getpass.getpass(f"{label}: ")
    with tty:
        fd = tty.fileno()
        saved = termios.tcgetattr(fd)
        quiet = termios.tcgetattr(fd)
        quiet[3] &= ~termios.ECHO
        termios.tcsetattr(fd, termios.TCSADRAIN, quiet)   # not TCSAFLUSH: keep a paste's lines
        try:
            tty.write(f"{label}: ".encode())
            lines = [_read_line(fd)]
            if lines[0].startswith("-----BEGIN"):
                while "-----END" not in lines[-1]:
                    if len(lines) >= MAX_PEM_LINES:
                        raise UserError(f"{label}: no END line after {MAX_PEM_LINES} lines "
                                        "of a PEM key")
                    line = _read_line(fd)
                    if not line:
                        raise UserError(f"{label}: the PEM key ended before its END line")
                    lines.append(line)
        finally:
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)
            tty.write(b"\n")
    return "\n".join(lines)


def _read_line(fd: int) -> str:
    """One line from the terminal (canonical mode hands over a line per read)."""
    data = b""
    while not data.endswith(b"\n"):
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        data += chunk
    return data.decode("utf-8", errors="replace").strip()


def _test_key(ctx: CliContext, exchange_id: str, credentials: dict[str, str],
              connection: ConnectionOptions) -> KeyCheck:
    """Test the key once; nothing is stored unless the test read succeeded.

    An unusable key is refused outright; an exchange that could not be reached
    (or answered with an error) is refused with the reason and the way to
    store the key untested, ``--no-check``, so a mistyped API URL or proxy
    does not leave an account that never syncs. An account without a proxy of
    its own is tested through the profile's proxy, as its syncs will be.
    """
    with user_errors(ValueError, prefix="the key was not stored: "):
        default_proxy = proxy_for_requests(ctx.settings)
    result = check_key(exchange_id, credentials,
                       connection_with_default_proxy(connection, default_proxy))
    if result.key_unusable:
        raise UserError(f"the key was not stored: {result.error}")
    if result.error is not None:
        raise UserError(f"the key was not stored, it could not be tested: {result.error} "
                        "To store it untested (e.g. while the exchange is down), "
                        "run the command again with --no-check.")
    return result


def _shout(ctx: CliContext, warning: str | None) -> None:
    if warning:
        ctx.warn("")
        ctx.warn("!" * 72)
        ctx.warn(warning)
        ctx.warn("!" * 72)
        ctx.warn("")


def add_exchange(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.lock_for_writing()
    connection = _connection(args)
    with user_errors(ExchangeAccountError):
        needed = required_credential_names(args.exchange)
    secret_store = SecretStore()
    secret_store.check_available()          # before asking for anything
    with user_errors(ValueError):
        name = clean_account_name(args.name)   # before asking for anything
    if ctx.store.accounts.find(name) is not None:
        raise UserError(f"an account named {name!r} already exists")
    exchange_id = args.exchange.strip().lower()
    with user_errors(ExchangeAccountError, ValueError):
        credentials = check_credentials(exchange_id, _read_secrets(args, needed))
    permissions = None
    warning = None
    tested = False
    if not args.no_check:
        result = _test_key(ctx, exchange_id, credentials, connection)
        tested = result.error is None
        permissions = result.permissions
        warning = result.warning
    with user_errors(ConflictError, ExchangeAccountError, ValueError):
        account = create_exchange_account(
            ctx.store, secret_store, name=name, exchange_id=exchange_id,
            credentials=credentials, connection=connection,
        )
    _shout(ctx, warning)
    level = permissions.level.value if permissions else "not checked"
    if args.json:
        ctx.emit_json({
            "account": account.name, "exchange": account.exchange_id,
            "counterparty": account.counterparty, "key_tested": tested,
            "permissions": level, "warning": warning,
        })
    else:
        ctx.out(f"Added exchange account {account.name!r} ({account.exchange_id}, custodian "
                f"{account.counterparty}). Key permissions: {level}.")
    return 0


def set_key(args: argparse.Namespace, ctx: CliContext) -> int:
    ctx.lock_for_writing()
    account = ctx.account(args.name)
    if account.kind is not AccountKind.EXCHANGE_API or not account.exchange_id:
        raise UserError(f"{account.name!r} is not an exchange account; it has no API key")
    secret_store = SecretStore()
    secret_store.check_available()          # before asking for anything
    needed = required_credential_names(account.exchange_id)
    with user_errors(ExchangeAccountError, ValueError):
        credentials = check_credentials(account.exchange_id, _read_secrets(args, needed))
    result = None
    if not args.no_check:
        result = _test_key(ctx, account.exchange_id, credentials, connection_of(account))
    with user_errors(ExchangeAccountError):
        account = replace_credentials(ctx.store, secret_store, account, credentials)
    tested = result is not None and result.error is None
    if result is not None and tested:
        ctx.store.exchange_state.save_permissions(account.id, result.permissions, utc_now())
    warning = result.warning if result is not None else None
    _shout(ctx, warning)
    level = result.permissions.level.value if result is not None else "not checked"
    if args.json:
        ctx.emit_json({"account": account.name, "exchange": account.exchange_id,
                       "key_tested": tested, "permissions": level, "warning": warning})
    else:
        ctx.out(f"Replaced the API key of {account.name!r} ({account.exchange_id}); its history "
                f"is kept. Key permissions: {level}.")
    return 0
