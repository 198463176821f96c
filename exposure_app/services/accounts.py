"""Account life cycle that spans the database and the keyring.

Threading: call on the thread that owns ``store``; the keyring calls block
briefly (a Secret Service round trip).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from exposure_app.domain.counterparties import CounterpartyKind
from exposure_app.domain.models import Account, AccountKind
from exposure_app.risk.catalog import parse_counterparty
from exposure_app.storage.secrets import SecretStore
from exposure_app.storage.store import ProfileStore


class UnknownCustodianError(ValueError):
    """A custodian id that is neither in the catalogue nor already in use; the
    message names the closest known ids. ``suggestions`` holds them."""

    def __init__(self, message: str, suggestions: list[str]) -> None:
        super().__init__(message)
        self.suggestions = suggestions


_SLUG = re.compile(r"[^a-z0-9]+")


def custodian_slug(name: str) -> str:
    """The id a new custodian named ``name`` gets (``Acme Lend`` -> ``acme_lend``)."""
    return _SLUG.sub("_", name.strip().lower()).strip("_")[:64]


def custodian_for_account(store: ProfileStore, custodian: str | None = None, *,
                          new_custodian: str | None = None) -> str:
    """The counterparty id for a new custodial account.

    ``custodian`` must be known: a catalogue id, ccxt id or alias, or the
    custodian of an existing account. An unknown one (a typo such as
    ``celsus``) raises :class:`UnknownCustodianError` with the closest
    matches, because a new custodian has no history and would read as
    low-risk where the intended one may be critical. Creating one is an
    explicit choice: ``new_custodian`` (a name) gives its id, refused when
    that id is already known (then the known one is meant), and is kept with
    its name among the profile's own custodians (``store.risk.directory()``).
    """
    directory = store.risk.directory()
    in_use = {a.counterparty for a in store.accounts.list() if a.counterparty}
    if new_custodian is not None:
        slug = custodian_slug(new_custodian)
        if not slug:
            raise ValueError(f"{new_custodian!r} cannot name a custodian (use letters or digits)")
        if directory.knows(slug) or slug in in_use:
            known = directory.resolve(slug)
            raise ValueError(f"{directory.name(known)} is already known as {known!r}; "
                             f"use --custodian {known}")
        # kept as one of the profile's own custodians, so it is shown by the name given
        # ("eToro Money (EU)"), not one made from its id ("Etoro Money Eu")
        entry = {"id": slug, "name": " ".join(new_custodian.split()),
                 "kind": CounterpartyKind.CUSTODIAN.value}
        parse_counterparty(entry)   # the catalogue's own check: raises if it could not load
        store.risk.import_user_counterparties([entry])
        return slug
    text = (custodian or "").strip()
    if not text or any(ch.isspace() for ch in text):
        raise ValueError(f"{custodian!r} is not a custodian id (use e.g. binance, kraken, celsius)")
    if directory.knows(text):
        return directory.resolve(text)
    if text.lower() in in_use:
        return text.lower()
    close = directory.closest(text, extra_ids=in_use)
    hint = f"did you mean {' or '.join(close)}? " if close else ""
    raise UnknownCustodianError(
        f"unknown custodian {text!r}: {hint}To record one that is not in the catalogue, "
        "create it with --new-custodian NAME", close)


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
