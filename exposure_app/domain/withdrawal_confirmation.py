"""Whether a watched address received what a checklist withdrawal sent.

A withdrawal item is confirmed by a *confirmed* transaction to the chosen
address, of the item's asset, in a block timed after the plan was made (less
:data:`BLOCK_TIME_SLACK`, block times being loose), whose
amount is the item's amount within the network fee (an exchange deducts its
withdrawal fee from what arrives). When the fee is unknown,
:data:`DEFAULT_TOLERANCE` of the amount is allowed.

A native coin sent to an EVM address (ETH, POL, BNB) leaves no log, so it is
found from the address's balance (``chains.evm_native``): as a transaction
(a :class:`Receipt`, matched as above) when the server keeps past state, else
as a :class:`BalanceRise`: the balance rose by the amount, in one known block
(an internal transfer: no transaction to the address) or between two syncs'
blocks (a server without past state). A rise confirms the item the same way,
and its evidence says which it was and names the blocks, never a transaction id.

The custodian's side is confirmed when, at a sync after the arrival, what the
custodian still holds of the asset has fallen by at least the amount received.

Pure functions; no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields
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


@dataclass(frozen=True, slots=True)
class ExpectedArrival:
    """What a waiting withdrawal should bring to a watched address (for the chain reader)."""

    address: str
    amount: Decimal
    tolerance: Decimal
    after: datetime
    """When the plan was made; an arrival must be later (less :data:`BLOCK_TIME_SLACK`)."""

    def matches(self, received: Decimal) -> bool:
        return abs(received - self.amount) <= self.tolerance


@dataclass(frozen=True, slots=True)
class BalanceRise:
    """A native coin arrival seen in the balance, without a transaction id.

    ``first_block == last_block``: the block where the balance rose is known and ``at``
    is its time, but no transaction in it goes to the address (an internal transfer
    through a contract). Otherwise the rise happened somewhere in ``first_block`` ..
    ``last_block`` (the server keeps no past state to narrow it), between the syncs of
    ``since`` and ``at``.
    """

    address: str
    asset: str
    amount: Decimal
    at: datetime
    first_block: int
    last_block: int
    since: datetime | None = None
    unread: str = ""
    """Why the block's transactions could not be read (too large an answer); empty when
    they were read and none of them goes to the address."""

    @property
    def block_known(self) -> bool:
        return self.first_block == self.last_block

    def describe(self) -> str:
        """One line of evidence that says what was seen and what was not."""
        rose = f"balance rose by {self.amount.normalize():f} {self.asset}"
        if self.block_known and self.unread:
            return (f"{rose} in block {self.first_block} ({self.at:%Y-%m-%d %H:%M} UTC); the "
                    f"block's transactions could not be read ({self.unread}), so there is no "
                    "transaction id")
        if self.block_known:
            return (f"{rose} in block {self.first_block} ({self.at:%Y-%m-%d %H:%M} UTC); no "
                    "transaction in that block goes to the address (an internal transfer "
                    "through a contract), so there is no transaction id")
        since = f" (syncs of {self.since:%Y-%m-%d %H:%M} and {self.at:%Y-%m-%d %H:%M} UTC)" \
            if self.since is not None else ""
        return (f"{rose} between blocks {self.first_block} and {self.last_block}{since}; the "
                "server keeps no state for past blocks, so the transaction was not identified "
                "and there is no transaction id")


def matching_rise(rises: Iterable[BalanceRise], *, address: str, asset: str, amount: Decimal,
                  fee: Decimal | None, after: datetime) -> BalanceRise | None:
    """The earliest balance rise that completes the withdrawal, or ``None``.

    A rise between two syncs counts when the later sync came after the plan was made.
    """
    tolerance = tolerance_for(amount, fee)
    candidates = [r for r in rises
                  if r.address == address and r.asset == asset
                  and r.at >= (after - BLOCK_TIME_SLACK if r.block_known else after)
                  and abs(r.amount - amount) <= tolerance]
    return min(candidates, key=lambda r: r.at) if candidates else None


def custodian_side_done(planned: Decimal, held_now: Decimal | None, received: Decimal) -> bool:
    """Whether the custodian's balance fell by at least what arrived (it sent that plus its fee)."""
    return held_now is not None and planned - held_now >= received


@dataclass(frozen=True, slots=True)
class WithdrawalDestination:
    """Where a checklist withdrawal item is sent, and the chain's evidence once it arrived.

    As stored (``storage.watch``, migration 12). The evidence (``txid``, ``received_at``,
    ``amount`` and ``confirmed_at``, when the app saw it) is recorded at once and cleared
    at once when the destination changes; ``txid`` stays empty for a native coin seen only
    as a :class:`BalanceRise`.
    """

    plan_id: int
    item_key: str
    account_id: int | None
    chain: str
    address: str
    set_at: datetime
    txid: str | None = None
    received_at: datetime | None = None
    amount: Decimal | None = None
    confirmed_at: datetime | None = None
    custodian_confirmed_at: datetime | None = None

    @property
    def confirmed(self) -> bool:
        """Arrived: by a transaction (``txid``) or by the balance rise alone (no ``txid``)."""
        return self.received_at is not None


@dataclass(frozen=True, slots=True)
class WithdrawalEvidence(WithdrawalDestination):
    """A destination as the checklist shows it: with the watched account's name and, for
    an arrival without a transaction id, how it was seen."""

    account_name: str | None = None
    basis: str | None = None
    """How an arrival without a transaction id was seen (:meth:`BalanceRise.describe`)."""

    @classmethod
    def of(cls, destination: WithdrawalDestination, account_name: str | None,
           basis: str | None = None) -> WithdrawalEvidence:
        stored = {f.name: getattr(destination, f.name) for f in fields(WithdrawalDestination)}
        return cls(**stored, account_name=account_name, basis=basis)

    @property
    def destination_text(self) -> str:
        named = f" ({self.account_name})" if self.account_name else ""
        return f"{self.chain}:{self.address}{named}"
