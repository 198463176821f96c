"""Logins that older versions stored inside URLs move to the keyring when the profile opens.

Versions before URL logins were kept in the keyring stored
``accounts add-exchange --api-url http://user:pass@host`` and ``--proxy
http://user:pass@host`` as typed, in ``accounts.options``. This version keeps
such a login in the account's keyring entry beside its API key, and only the
bare URL (and, under ``url_logins``, which URLs have one) in the database
(:func:`exposure_app.services.exchange_accounts.set_connection`).

:func:`move_stored_url_logins` runs every time a writable profile database is
opened (:meth:`exposure_app.services.profile.Profile.open_store`), so the
first command or window of this version moves them, before any sync. Without
such a login it only reads the accounts table. With one, each login goes to
the keyring, and then no copy of the old text is left in the profile folder:
the rows are rewritten with ``PRAGMA secure_delete``, the database is rebuilt
(``VACUUM``: an older version's earlier copies of the row sit in free pages
and unused space inside pages) and its WAL checkpointed and truncated, and
the backups in ``backups/`` (copies taken before schema upgrades, which hold
the old text too) get the same rewrite.

When the keyring cannot take a login (no Secret Service in this session, a
locked or broken keyring), that login stays where it is, in the database, and
the outcome says so (:attr:`UrlLoginMove.notice`; the CLI prints it on every
command, the GUI shows it in its notice area) until a later open succeeds.
Why not refuse to open, or drop the login: refusing would lock people out of
their own portfolio over a keyring they may not be able to fix right now, and
dropping the login could lose a password they have nowhere else; the account
keeps working exactly as it did with the older version, and the sync (which
needs the keyring for the API key anyway) tries the same move again
(:func:`exposure_app.services.exchange_accounts.move_url_logins`).

Threading: runs on the thread that owns ``store``; keyring calls block briefly.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from exposure_app.domain.models import Account, AccountKind
from exposure_app.exchanges.client_factory import ConnectionOptions
from exposure_app.services.network_proxy import set_proxy
from exposure_app.services.settings import SETTINGS_NAME, Settings
from exposure_app.storage.database_file import (
    erase_freed_text,
    rewrite_account_options_in_backups,
)
from exposure_app.storage.secrets import SecretStore, SecretStoreError
from exposure_app.storage.store import ProfileStore

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class UrlLoginMove:
    """What one open did with the logins found inside stored URLs."""

    moved: tuple[str, ...] = ()
    """Accounts whose login went to the keyring now."""
    waiting: tuple[str, ...] = ()
    """Accounts whose login is still in the database (the keyring refused it)."""
    reason: str = ""
    backups_left: tuple[str, ...] = ()
    """Backups that could not be rewritten (they still hold the old text)."""

    @property
    def notice(self) -> str | None:
        """One line for the user when something is still stored in plain text."""
        parts = []
        if self.waiting:
            names = ", ".join(repr(n) for n in self.waiting)
            parts.append(
                f"The user name and password inside the API or proxy URL of {names} are still "
                f"in the profile's database: the keyring did not take them ({self.reason}). "
                "They keep working; Exposure moves them to the keyring when it is available.")
        if self.backups_left:
            parts.append(f"These backups still hold URL logins in plain text and could not be "
                         f"rewritten: {', '.join(self.backups_left)}.")
        return " ".join(parts) or None


def has_url_login(options: dict[str, Any]) -> bool:
    try:
        return bool(ConnectionOptions.from_mapping(options).without_credentials()[1])
    except (TypeError, ValueError):
        return False


def options_without_logins(options: dict[str, Any]) -> dict[str, Any] | None:
    """``options`` with the logins taken out of its URLs (and marked under ``url_logins``,
    as :func:`set_connection` stores them), or ``None`` when there is none."""
    try:
        bare, found = ConnectionOptions.from_mapping(options).without_credentials()
    except (TypeError, ValueError):
        return None
    if not found:
        return None
    from exposure_app.services.exchange_accounts import URL_LOGINS_OPTION, found_fields

    marked = options.get(URL_LOGINS_OPTION)
    fields = {str(f) for f in marked} if isinstance(marked, list) else set()
    new = {k: v for k, v in options.items() if k not in ("api_url", "proxy")}
    new.update({k: v for k, v in bare.to_mapping().items() if k in ("api_url", "proxy")})
    new[URL_LOGINS_OPTION] = sorted(fields | found_fields(found))
    return new


def _with_url_logins(store: ProfileStore) -> list[Account]:
    return [a for a in store.accounts.list()
            if a.kind is AccountKind.EXCHANGE_API and has_url_login(dict(a.options))]


def move_stored_url_logins(store: ProfileStore,
                           secret_store: SecretStore | None = None) -> UrlLoginMove:
    """Move every login found inside a stored URL to the keyring (see the module docstring).
    Never raises for a keyring problem: the login stays and the outcome says why."""
    if store.read_only or store.path is None:
        return UrlLoginMove()
    pending = _with_url_logins(store)
    if not pending:
        return UrlLoginMove()
    # here, not at import: every start imports this module, few have a login to move
    from exposure_app.services.exchange_accounts import ExchangeAccountError, move_url_logins

    secrets = secret_store or SecretStore()
    moved: list[str] = []
    waiting: list[str] = []
    reason = ""
    for account in pending:
        try:
            move_url_logins(store, secrets, account)
        except (SecretStoreError, ExchangeAccountError) as exc:
            waiting.append(account.name)
            reason = str(exc)
            continue
        moved.append(account.name)
    left: list[str] = []
    if moved:
        if not erase_freed_text(store.db.conn):
            log.warning("the database file could not be rebuilt now (another connection "
                        "kept it busy): the old URL text may stay in its free space until the "
                        "next VACUUM")
        left = [str(p) for p in rewrite_account_options_in_backups(store.path.parent,
                                                                   options_without_logins)]
    outcome = UrlLoginMove(tuple(moved), tuple(waiting), reason, tuple(left))
    if moved:
        log.info("moved the URL logins of %d account(s) to the keyring", len(moved))
    if outcome.notice:
        log.warning("%s", outcome.notice)
    return outcome


def settings_may_hold_proxy_login(data_dir: Path) -> bool:
    """A cheap look before :func:`move_settings_proxy_login`: ``@`` anywhere in settings.json."""
    try:
        return b"@" in (data_dir / SETTINGS_NAME).read_bytes()
    except OSError:
        return False


def move_settings_proxy_login(data_dir: Path,
                              secret_store: SecretStore | None = None) -> str | None:
    """Move a proxy login an older version wrote into ``settings.json`` to the keyring.

    Older versions stored ``settings set proxy http://user:pass@host`` as typed. This
    version refuses such a value when settings load (it is never used from the file), so
    here it is moved the way ``settings set proxy`` stores one now
    (:func:`~exposure_app.services.network_proxy.set_proxy`: the login in the keyring,
    the bare URL in the file) and the file is rewritten, leaving no login text in it.
    A proxy value refused for another reason (not a URL, another scheme) is left for
    the load's own message. Returns a one-line notice when the keyring could not take
    the login (the file is then left as it is), else ``None``. Never raises for that.
    """
    settings = Settings.load(data_dir)
    raw = settings.refused_values.get("proxy")
    if not isinstance(raw, str) or "@" not in raw:
        return None
    try:
        set_proxy(settings, raw, secret_store)
        settings.save()
    except ValueError:
        return None
    except (SecretStoreError, OSError) as exc:
        return (f"The proxy's user name and password are still in {SETTINGS_NAME}, where an "
                f"older version put them: they could not be moved to the keyring ({exc}). "
                "The proxy is not used until they are; Exposure tries again at every start.")
    log.info("moved the proxy's login from %s to the keyring", SETTINGS_NAME)
    return None
