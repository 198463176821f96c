"""Account life cycle that spans the database and the keyring.

Threading: call on the thread that owns ``store``; the keyring calls block
briefly (a Secret Service round trip).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from exposure_app.domain.models import Account, AccountKind
from exposure_app.storage.secrets import SecretStore
from exposure_app.storage.store import ProfileStore


@dataclass(frozen=True, slots=True)
class Removal:
    key_kept_for: Path | None = None
    """Another copy of this profile that still uses the account's keyring entry, which
    was therefore kept; ``None`` when the entry was deleted (or there was none)."""


def remove_account_everywhere(store: ProfileStore, account: Account,
                              secret_store: SecretStore | None = None) -> Removal:
    """Remove the account's keyring entry (exchange accounts), then its rows.

    The keyring entry goes first: if the keyring refuses, the account stays
    and the error says why, rather than leaving an orphaned secret behind.
    The entry is kept when another copy of this profile (made by moving the
    data folder, see ``services.profile_location``) still refers to it, so
    removing an account in one copy never breaks the other.
    """
    kept_for = key_shared_with(store, account)
    if account.kind is AccountKind.EXCHANGE_API and kept_for is None:
        from exposure_app.storage import secrets

        secrets.delete_credentials(account, secret_store)
    store.accounts.remove(account.id)
    return Removal(kept_for)


def key_shared_with(store: ProfileStore, account: Account) -> Path | None:
    """Another copy of this profile that uses the account's keyring entry, if any
    (so the entry must stay when the account is removed here)."""
    if account.kind is not AccountKind.EXCHANGE_API or store.path is None:
        return None
    from exposure_app.services.profile_location import other_copy_using
    from exposure_app.storage.secrets import secret_ref_of

    ref = secret_ref_of(account)
    return None if ref is None else other_copy_using(ref, store.path.parent)
