"""What people read for the domain's ids: account kinds and exchange wallets.

One table per kind of id, declared here (the lowest layer) so the GUI and the CLI say
the same thing ("Custodian (manual)", "Earn (flexible)"), in the GUI's tables and the
CLI's text listings. Storage, ``--json`` output and
CSV reports keep the ids themselves: they are the documented values scripts read.

Threading: constant tables and pure functions.
"""

from __future__ import annotations

from collections.abc import Iterable
from types import MappingProxyType

from exposure_app.domain.chains import CHAINS
from exposure_app.domain.models import AccountKind

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
})
"""The wallets exchange adapters read (``exchanges/adapters``), by the app's wallet id; each
label at most 18 characters, the width of the CLI's wallet column (``holdings list``)."""


def account_kind_label(kind: AccountKind) -> str:
    """``Custodian (manual)`` for ``manual_custodial``."""
    return ACCOUNT_KIND_LABELS[kind]


def wallet_label(wallet: str) -> str:
    """``Earn (flexible)`` for ``earn_flexible``; a watched address's wallet, named after its
    chain (``bitcoin``), by the chain's name in :data:`~exposure_app.domain.chains.CHAINS`
    (``Bitcoin``). A wallet neither knows (one a person named in an import) is shown as it
    was written."""
    label = WALLET_LABELS.get(wallet)
    if label is None:
        chain = CHAINS.get(wallet)
        label = chain.name if chain is not None else wallet
    return label


def wallet_list(wallets: Iterable[str]) -> str:
    """``Spot, Earn (flexible)``: the wallets an account's capture read, by their labels."""
    return ", ".join(wallet_label(w) for w in wallets)
