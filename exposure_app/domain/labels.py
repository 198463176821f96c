"""What people read for the domain's ids: account kinds.

One table per kind of id, declared here (the lowest layer) so the GUI and the CLI say
the same thing ("Custodian (manual)"). Storage, ``--json`` output and
CSV reports keep the ids themselves: they are the documented values scripts read.

Threading: constant tables and pure functions.
"""

from __future__ import annotations

from types import MappingProxyType

from exposure_app.domain.models import AccountKind

ACCOUNT_KIND_LABELS = MappingProxyType({
    AccountKind.EXCHANGE_API: "Exchange (API)",
    AccountKind.MANUAL_CUSTODIAL: "Custodian (manual)",
    AccountKind.SELF_CUSTODY: "Self-custody",
})


def account_kind_label(kind: AccountKind) -> str:
    """``Custodian (manual)`` for ``manual_custodial``."""
    return ACCOUNT_KIND_LABELS[kind]

