"""What people read for the domain's ids: account kinds, exchange wallets, where figures
come from.

One table per kind of id, declared here (the lowest layer) so the GUI and the CLI say
the same thing ("Custodian (manual)", "Earn (flexible)", "entered by hand"), in the GUI's
tables and the CLI's text listings. Storage, ``--json`` output and
CSV reports keep the ids themselves: they are the documented values scripts read.

Threading: constant tables and pure functions.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import MappingProxyType

from exposure_app.domain.chains import CHAINS, chain_spec
from exposure_app.domain.models import Account, AccountKind, Snapshot, SnapshotSource
from exposure_app.domain.watch_only import TargetKind, WatchTarget, watch_target_of

ACCOUNT_KIND_LABELS = MappingProxyType({
    AccountKind.EXCHANGE_API: "Exchange (API)",
    AccountKind.MANUAL_CUSTODIAL: "Custodian (manual)",
    AccountKind.SELF_CUSTODY: "Self-custody",
})

WALLET_LABELS = MappingProxyType({
    "spot": "Spot",
    "funding": "Funding",
    "margin": "Margin",
    "margin_isolated": "Margin (isolated)",
    "cross_margin": "Margin (cross)",
    "futures": "Futures",
    "futures_coinm": "Futures (COIN-M)",
    "delivery": "Futures (delivery)",
    "options": "Options",
    "swap": "Perpetual swaps",
    "earn_flexible": "Earn (flexible)",
    "earn_locked": "Earn (locked)",
    "staking": "Staking",
    "vault": "Vault",
})
"""The wallets exchange adapters read (``exchanges/adapters``), by the app's wallet id; each
label at most 18 characters, the width of the CLI's wallet column (``holdings list``)."""


def account_kind_label(kind: AccountKind) -> str:
    """``Custodian (manual)`` for ``manual_custodial``."""
    return ACCOUNT_KIND_LABELS[kind]


OTHER_WALLET_PREFIX = "other:"
"""Starts the id of a wallet an exchange reports but no adapter reads (``other:Trading
Bots`` from Binance's wallet overview): it only ever appears among a snapshot's missing
wallets, with the reason."""


def wallet_label(wallet: str) -> str:
    """``Earn (flexible)`` for ``earn_flexible``; a watched address's wallet, named after its
    chain (``bitcoin``), by the chain's name in :data:`~exposure_app.domain.chains.CHAINS`
    (``Bitcoin``); an unread wallet the exchange named, by that name (``Trading Bots`` for
    ``other:Trading Bots``). A wallet none of these know (one a person named in an import)
    is shown as it was written."""
    if wallet.startswith(OTHER_WALLET_PREFIX) and len(wallet) > len(OTHER_WALLET_PREFIX):
        return wallet.removeprefix(OTHER_WALLET_PREFIX)
    label = WALLET_LABELS.get(wallet)
    if label is None:
        chain = CHAINS.get(wallet)
        label = chain.name if chain is not None else wallet
    return label


def wallet_list(wallets: Iterable[str]) -> str:
    """``Spot, Earn (flexible)``: the wallets an account's capture read, by their labels."""
    return ", ".join(wallet_label(w) for w in wallets)


ENTERED_BY_HAND = "entered by hand"
IMPORTED = "imported from a file"
HAND_OR_IMPORTED = "entered by hand or imported"
"""Where a hand-recorded account's figures come from: no wallet of it was read. The last
when the capture does not tell (re-valued at market prices, the demo's)."""

_HAND_SOURCES = MappingProxyType({SnapshotSource.MANUAL: ENTERED_BY_HAND,
                                  SnapshotSource.IMPORT: IMPORTED})


def watch_source_label(target: WatchTarget) -> str:
    """``Bitcoin address bc1qar0srr…wf5mdq``: what a watched wallet reads, on which chain."""
    what = "extended public key" if target.kind is TargetKind.XPUB else "address"
    return f"{chain_spec(target.chain).name} {what} {target.short}"


def coverage_label(account: Account, snapshot: Snapshot | None) -> str:
    """What an account's figures were read from: an exchange account's wallets (``Spot,
    Earn (flexible)``), a watched wallet's address or key, or for an account recorded by
    hand how its holdings were recorded (its one wallet, ``main``, was never read). ``—``
    when nothing was read or recorded yet."""
    target = watch_target_of(account.options)
    if target is not None:
        return watch_source_label(target)
    if snapshot is None:
        return "—"
    if account.kind is AccountKind.EXCHANGE_API:
        return wallet_list(snapshot.coverage) if snapshot.coverage else "—"
    return _HAND_SOURCES.get(snapshot.source, HAND_OR_IMPORTED)
