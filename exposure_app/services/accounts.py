"""Account life cycle that spans the database and the keyring."""

from __future__ import annotations

from exposure_app.domain.models import Account, AccountKind
from exposure_app.storage.store import ProfileStore


def remove_account_everywhere(store: ProfileStore, account: Account) -> None:
    """Remove the account's keyring entry (exchange accounts), then its rows.

    The keyring entry goes first: if the keyring refuses, the account stays
    and the error says why, rather than leaving an orphaned secret behind.
    """
    if account.kind is AccountKind.EXCHANGE_API:
        from exposure_app.storage import secrets

        secrets.delete_credentials(account)
    store.accounts.remove(account.id)
