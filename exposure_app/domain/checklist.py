"""The move-to-self-custody plan: pure plan building.

Given what each custodian holds (the as-of account states), what the
exchanges say about withdrawals (per asset and network) and optionally the
risk level of each custodian, :func:`build_plan` lists what to move, in the
order to move it, and what has to happen first for each asset.

Rules (documented in ``docs/reports.md`` and the plan text itself):

* **Order.** Custodians by risk level (most severe first), then by value;
  within a custodian, the custodian's own tokens first (they fall with it),
  then by value, unpriced assets last (never dropped).
* **Unlocking.** Derived from the wallet name and the locked amount: open
  orders in spot, margin and futures positions, flexible and locked earn,
  staking; the lock end is shown where the exchange told it.
* **Networks and memo or tag**: see :mod:`exposure_app.domain.withdrawal_networks`.
* **Dust.** A holding worth less than the dust threshold, below every
  enabled network's minimum, or worth no more than the cheapest fee.
* **Affiliated tokens** of the custodian held elsewhere (self-custody
  included) are a separate exposure: listed apart, to reduce by other means.

The app never withdraws: it only plans. Keys are read-only by design.
Progress on a plan is in :mod:`~exposure_app.domain.checklist_progress`; the
plan as rows for tables and exports in :mod:`~exposure_app.domain.checklist_rows`.

Threading: pure functions over frozen dataclasses; safe anywhere.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import ClassVar

from exposure_app.domain.balances import WalletBalance
from exposure_app.domain.counterparties import CounterpartyDirectory
from exposure_app.domain.levels import Level
from exposure_app.domain.models import AccountState, captured
from exposure_app.domain.money import ZERO, add, mul, to_text
from exposure_app.domain.withdrawal_networks import (
    Memo,
    NetworkInfo,
    NetworkOption,
    asset_memo,
    network_options,
)

NEVER_WITHDRAWS = (
    "Exposure never withdraws or moves funds: it only plans. Your exchange keys are "
    "read-only by design; every withdrawal below is made by you, on the exchange."
)


@dataclass(frozen=True, slots=True)
class LockDetail:
    """Why part of a holding is locked, and until when (``unlock_at`` ISO text)."""

    wallet: str
    asset: str
    lock_reason: str | None
    unlock_at: str | None
    locked: Decimal


@dataclass(frozen=True, slots=True)
class WalletPart(WalletBalance):
    """One wallet's share of an asset at a custodian: its balance and lock, and the account."""

    account: str = field(kw_only=True)


@dataclass(frozen=True, slots=True)
class CustodianAssetItem:
    """A plan item about one asset of one custodian; its ``key`` (``KIND:counterparty:asset``)
    is how progress on it is stored, its ``title`` the kind's ``TITLE`` filled in."""

    KIND: ClassVar[str]
    TITLE: ClassVar[str]
    counterparty: str
    asset: str

    @property
    def key(self) -> str:
        return f"{self.KIND}:{self.counterparty}:{self.asset}"

    @property
    def title(self) -> str:
        return self.TITLE.format(asset=self.asset, counterparty=self.counterparty)


@dataclass(frozen=True, slots=True)
class AssetItem(CustodianAssetItem):
    KIND = "asset"
    TITLE = "Withdraw {asset} from {counterparty}"
    free: Decimal
    locked: Decimal
    total: Decimal
    price: Decimal | None
    value: Decimal | None
    parts: tuple[WalletPart, ...]
    unlock_steps: tuple[str, ...]
    networks: tuple[NetworkOption, ...]
    networks_known: bool
    memo: Memo
    memo_label: str | None
    dust_reason: str | None
    own_token: bool
    stale_reason: str | None = None


@dataclass(frozen=True, slots=True)
class AffiliatedItem(CustodianAssetItem):
    KIND = "affiliated"
    TITLE = "Reduce {asset} (value depends on {counterparty})"
    held_at: tuple[str, ...]
    amount: Decimal
    value: Decimal | None


@dataclass(frozen=True, slots=True)
class GeneralStep:
    KIND: ClassVar[str] = "step"
    key: str
    title: str
    detail: str


@dataclass(frozen=True, slots=True)
class CustodianSection:
    counterparty: str
    name: str
    level: str | None
    value: Decimal
    unpriced_assets: int
    assets: tuple[AssetItem, ...]
    affiliated: tuple[AffiliatedItem, ...]
    withdrawal_info_note: str = ""
    withdrawals_blocked: str = ""
    """Why withdrawals there cannot be expected to work (an unresolved halt or
    insolvency, or the custodian is defunct); empty when nothing is known."""
    read_from_exchange: bool = False
    """Some of the holdings come from an exchange account, so withdrawal networks are read
    from the exchange; False when every account there is recorded by hand."""


@dataclass(frozen=True, slots=True)
class ChecklistPlan:
    scope: str
    as_of: datetime
    base_currency: str
    steps: tuple[GeneralStep, ...]
    sections: tuple[CustodianSection, ...]
    notice: str = NEVER_WITHDRAWS

    def items(self) -> list[GeneralStep | AssetItem | AffiliatedItem]:
        """Every tickable item in plan order."""
        out: list[GeneralStep | AssetItem | AffiliatedItem] = list(self.steps)
        for section in self.sections:
            out.extend(section.assets)
            out.extend(section.affiliated)
        return out


GENERAL_STEPS: tuple[GeneralStep, ...] = (
    GeneralStep(
        "step:wallet", "Set up a self-custody wallet and back up its seed offline",
        "Use a hardware wallet if you can. Write the recovery phrase on paper or metal, keep it "
        "offline and private; never type it into a website or a computer.",
    ),
    GeneralStep(
        "step:verify-address", "Verify the receive address on the device",
        "Compare the address shown on the wallet's own screen with the one you paste into the "
        "exchange, character by character, for every asset and network.",
    ),
    GeneralStep(
        "step:whitelist", "Add the address to the exchange's withdrawal whitelist",
        "Whitelisting (address book with withdrawal lock) makes a stolen login unable to withdraw "
        "elsewhere. Some exchanges delay new addresses for 24-48 hours.",
    ),
    GeneralStep(
        "step:test", "Send a small test withdrawal and confirm it arrived",
        "Pick the network listed below, send a small amount above the minimum, and wait until "
        "the wallet shows it before sending more.",
    ),
    GeneralStep(
        "step:withdraw", "Withdraw the rest, larger amounts in tranches",
        "Unlock what is locked first (see each asset). Send large amounts in several tranches, "
        "confirming each on the wallet.",
    ),
    GeneralStep(
        "step:record", "Record the transaction ids",
        "Note each withdrawal's transaction id (tick the asset and paste it as the note) so you "
        "can prove and trace every transfer.",
    ),
)


CLAIM_STEPS: tuple[GeneralStep, ...] = (
    GeneralStep(
        "step:claim-records", "Keep records of what the custodian owes you",
        "Save statements, balance screenshots and the account's transaction history now, while "
        "the account can still be opened; a claim rests on them.",
    ),
    GeneralStep(
        "step:claim", "Follow the official claims process",
        "Claims go through the administrator or court named in the custodian's official "
        "announcements. Ignore messages offering to speed up or buy your claim unless you "
        "verified the sender.",
    ),
    GeneralStep(
        "step:wallet", "Set up a self-custody wallet for what is paid back",
        "Use a hardware wallet if you can. Write the recovery phrase on paper or metal, keep it "
        "offline and private; never type it into a website or a computer.",
    ),
)


def unlock_steps(parts: Iterable[WalletPart]) -> tuple[str, ...]:
    """What to do before the asset can be withdrawn, from wallet names and locks."""
    steps: list[str] = []
    for p in parts:
        amount = _num(p.locked)
        until = f" (locked until {p.unlock_at[:10]})" if p.unlock_at else ""
        wallet = p.wallet.lower()
        reason = (p.lock_reason or "").lower()
        if wallet.startswith("earn_locked") or reason in ("locked_earn", "fixed_term", "savings_locked"):
            text = (f"Redeem locked earn in {p.account} ({amount}){until}; early redemption may "
                    "forfeit rewards" if p.locked else f"Redeem earn in {p.account}")
        elif wallet.startswith("staking") or reason in ("staking", "unbonding"):
            after = until or "; an unbonding period may apply"
            text = f"Unstake in {p.account} ({_num(p.locked or p.total)}){after}"
        elif wallet.startswith("earn"):
            text = f"Redeem flexible earn/savings in {p.account} ({_num(p.total)}), usually instant"
        elif wallet.startswith("margin"):
            text = (f"Repay any borrowing and close margin positions in {p.account}, then transfer "
                    f"{_num(p.total)} to the spot wallet")
        elif wallet.startswith(("futures", "swap", "derivatives", "contract", "future")):
            text = (f"Close futures positions in {p.account}, then transfer {_num(p.total)} to the "
                    "spot wallet")
        elif p.locked and (reason == "open_orders" or wallet in ("spot", "trading", "main", "trade")):
            text = f"Cancel open orders in {p.account} to free {amount}"
        elif p.locked:
            why = reason or "reason not told"
            text = f"Free {amount} locked in the {p.wallet} wallet of {p.account} ({why})"
        elif wallet in ("spot", "funding", "main", "trading", "trade"):
            continue
        else:
            text = f"Transfer {_num(p.total)} from the {p.wallet} wallet of {p.account} to spot"
        if text not in steps:
            steps.append(text)
    return tuple(steps)


def dust_reason(
    total: Decimal, value: Decimal | None, price: Decimal | None,
    options: tuple[NetworkOption, ...], dust_threshold: Decimal,
) -> str | None:
    """Why moving this holding is not worth it, or ``None``."""
    if total <= 0:
        return None
    if value is not None and value < dust_threshold:
        return f"dust: worth less than the dust threshold ({_num(dust_threshold)})"
    enabled = [o for o in options if o.withdraw_enabled is not False]
    minimums = [o.minimum for o in enabled if o.minimum is not None]
    if enabled and len(minimums) == len(enabled) and total < min(minimums):
        return f"dust: below the smallest withdrawal minimum ({_num(min(minimums))})"
    fees = [o.fee for o in enabled if o.fee is not None]
    if enabled and len(fees) == len(enabled) and total <= min(fees):
        return f"dust: not worth the fee (cheapest fee {_num(min(fees))} >= amount)"
    if price is not None and fees and len(fees) == len(enabled) and value is not None:
        cheapest = mul(min(fees), price)
        if value <= cheapest:
            return "dust: not worth the fee"
    return None


def build_plan(
    states: Iterable[AccountState],
    *,
    scope: str,
    as_of: datetime,
    base_currency: str,
    directory: CounterpartyDirectory,
    networks: Mapping[tuple[str, str], Iterable[NetworkInfo]] | None = None,
    locks: Mapping[int, Iterable[LockDetail]] | None = None,
    levels: Mapping[str, str] | None = None,
    dust_threshold: Decimal = Decimal(1),
    withdrawal_info_notes: Mapping[str, str] | None = None,
    withdrawals_blocked: Mapping[str, str] | None = None,
) -> ChecklistPlan:
    """Build the plan for one custodian (``scope`` = its id) or all (``"all"``).

    ``networks`` maps ``(exchange_id, asset)`` to what that exchange said;
    ``locks`` maps a snapshot id to its lock details; ``levels`` maps a
    counterparty id to its current warning level; ``withdrawals_blocked``
    maps a counterparty id to why its withdrawals cannot be expected to work
    (its items then ask for a claim, not a withdrawal).
    """
    states = tuple(states)
    networks = networks or {}
    locks = locks or {}
    levels = levels or {}
    notes = withdrawal_info_notes or {}
    wanted = None if scope == "all" else directory.resolve(scope)

    # (counterparty, asset) -> parts and money
    parts: dict[tuple[str, str], list[WalletPart]] = defaultdict(list)
    values: dict[tuple[str, str], list[Decimal | None]] = defaultdict(list)
    exchanges: dict[str, set[str]] = defaultdict(set)
    stale: dict[str, str] = {}
    elsewhere: dict[tuple[str, str], list[tuple[str, Decimal, Decimal | None]]] = defaultdict(list)

    for state, snap in captured(states):
        account = state.account
        holder = directory.holder(account.counterparty)
        lock_index: dict[tuple[str, str], LockDetail] = {}
        if snap.id is not None:
            for detail in locks.get(snap.id, ()):
                lock_index[(detail.wallet, detail.asset)] = detail
        for h in snap.holdings:
            if h.total == 0:
                continue
            owner = directory.affiliated_owner(h.asset)
            if owner is not None and owner != holder:
                elsewhere[(owner, h.asset.upper())].append((account.name, h.total, h.value))
            if not account.is_custodial or holder is None:
                continue
            if wanted is not None and holder != wanted:
                continue
            lock = lock_index.get((h.wallet, h.asset))
            parts[(holder, h.asset)].append(WalletPart(
                h.wallet, h.asset, h.free, h.locked, h.total,
                lock.lock_reason if lock else None, lock.unlock_at if lock else None,
                account=account.name,
            ))
            values[(holder, h.asset)].append(h.value)
            if account.exchange_id:
                exchanges[holder].add(account.exchange_id)
            if state.stale_reason:
                stale[holder] = state.stale_reason

    sections_assets: dict[str, list[AssetItem]] = defaultdict(list)
    for (cp, asset), wallet_parts in parts.items():
        vals = values[(cp, asset)]
        value = None if any(v is None for v in vals) else add(*[v for v in vals if v is not None])
        free = add(*(p.free for p in wallet_parts))
        locked = add(*(p.locked for p in wallet_parts))
        total = add(*(p.total for p in wallet_parts))
        price = None if value is None or total == 0 else value / total
        infos: list[NetworkInfo] = []
        for exchange_id in sorted(exchanges.get(cp, ())):
            infos.extend(networks.get((exchange_id, asset), ()))
        options = network_options(asset, infos)
        memo, memo_label = asset_memo(asset, options)
        sections_assets[cp].append(AssetItem(
            counterparty=cp, asset=asset,
            free=free, locked=locked, total=total, price=price, value=value,
            parts=tuple(sorted(wallet_parts, key=lambda p: (p.account, p.wallet))),
            unlock_steps=unlock_steps(wallet_parts),
            networks=options, networks_known=bool(options), memo=memo, memo_label=memo_label,
            dust_reason=dust_reason(total, value, price, options, dust_threshold),
            own_token=directory.affiliated_owner(asset) == cp,
            stale_reason=stale.get(cp),
        ))

    sections_affiliated: dict[str, list[AffiliatedItem]] = defaultdict(list)
    for (owner, asset), rows in elsewhere.items():
        if wanted is not None and owner != wanted:
            continue
        vals = [v for _, _, v in rows]
        sections_affiliated[owner].append(AffiliatedItem(
            counterparty=owner, asset=asset,
            held_at=tuple(sorted({name for name, _, _ in rows})),
            amount=add(*(t for _, t, _ in rows)),
            value=None if any(v is None for v in vals) else add(*[v for v in vals if v is not None]),
        ))

    sections = []
    for cp in set(sections_assets) | set(sections_affiliated):
        assets = sorted(sections_assets.get(cp, ()), key=_asset_order)
        affiliated = sorted(sections_affiliated.get(cp, ()),
                            key=lambda a: (a.value is None, -(a.value or ZERO), a.asset))
        priced_value = add(*(a.value for a in assets if a.value is not None))
        sections.append(CustodianSection(
            counterparty=cp, name=directory.name(cp), level=levels.get(cp),
            value=priced_value, unpriced_assets=sum(1 for a in assets if a.value is None),
            assets=tuple(assets), affiliated=tuple(affiliated),
            withdrawal_info_note=notes.get(cp, ""),
            withdrawals_blocked=(withdrawals_blocked or {}).get(cp, ""),
            read_from_exchange=bool(exchanges.get(cp)),
        ))
    sections.sort(key=lambda s: (-_level_rank(s.level), -s.value, s.counterparty))
    return ChecklistPlan(
        scope=wanted or "all", as_of=as_of, base_currency=base_currency,
        steps=general_steps(sections), sections=tuple(sections),
    )


def general_steps(sections: Iterable[CustodianSection]) -> tuple[GeneralStep, ...]:
    """The general steps that apply: withdrawing ones only where a withdrawal is possible.

    A plan whose every custodian with assets has blocked withdrawals (an
    insolvent or halted one) gets the claim step instead: a whitelist or a test
    withdrawal cannot be used there.
    """
    with_assets = [s for s in sections if s.assets]
    if with_assets and all(s.withdrawals_blocked for s in with_assets):
        return CLAIM_STEPS
    return GENERAL_STEPS


def _level_rank(level: str | None) -> int:
    """A section's order of severity: its level's rank; without a known level, below all."""
    return _LEVEL_RANKS.get(level or "", -1)


_LEVEL_RANKS: Mapping[str, int] = {level.value: level.rank for level in Level}


def _asset_order(item: AssetItem) -> tuple[bool, bool, Decimal, str]:
    return (not item.own_token, item.value is None, -(item.value or ZERO), item.asset)


def _num(value: Decimal) -> str:
    return to_text(value)
