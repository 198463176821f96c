"""Whether a watched address received what a checklist withdrawal sent.

A withdrawal item is confirmed by a *confirmed* transaction to the chosen
address, of the item's asset, in a block timed after the plan was made (less
:data:`BLOCK_TIME_SLACK`, block times being loose), whose
amount is the item's amount within the network fee (an exchange deducts its
withdrawal fee from what arrives). When the fee is unknown,
:data:`DEFAULT_TOLERANCE` of the amount is allowed.

The custodian's side is confirmed when, at a sync after the arrival, what the
custodian still holds of the asset has fallen by at least the amount received.

Pure functions; no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from exposure_app.domain.watch_only import Receipt

BLOCK_TIME_SLACK = timedelta(hours=2)
"""Block timestamps are loose (a block may carry a time up to two hours off the real
one), so a transaction counts if its block time is no earlier than this before the plan."""
DEFAULT_TOLERANCE = Decimal("0.01")
"""Share of the amount allowed as the network fee when the exchange's fee is unknown."""


def tolerance_for(amount: Decimal, fee: Decimal | None) -> Decimal:
    return fee if fee is not None and fee >= 0 else abs(amount) * DEFAULT_TOLERANCE


def matching_arrival(receipts: Iterable[Receipt], *, address: str, asset: str,
                     amount: Decimal, fee: Decimal | None, after: datetime) -> Receipt | None:
    """The earliest confirmed receipt that completes the withdrawal, or ``None``."""
    tolerance = tolerance_for(amount, fee)
    candidates = [
        r for r in receipts
        if r.confirmed and r.address == address and r.asset == asset
        and r.at >= after - BLOCK_TIME_SLACK
        and abs(r.amount - amount) <= tolerance
    ]
    return min(candidates, key=lambda r: r.at) if candidates else None


def custodian_side_done(planned: Decimal, held_now: Decimal | None, received: Decimal) -> bool:
    """Whether the custodian's balance fell by at least what arrived (it sent that plus its fee)."""
    return held_now is not None and planned - held_now >= received


@dataclass(frozen=True, slots=True)
class WithdrawalEvidence:
    """A withdrawal item's destination and, once it arrived, the chain's evidence."""

    chain: str
    address: str
    account_name: str | None
    txid: str | None = None
    received_at: datetime | None = None
    amount: Decimal | None = None
    custodian_confirmed_at: datetime | None = None

    @property
    def confirmed(self) -> bool:
        return self.txid is not None

    @property
    def destination_text(self) -> str:
        named = f" ({self.account_name})" if self.account_name else ""
        return f"{self.chain}:{self.address}{named}"
