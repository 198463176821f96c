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
* **Networks.** Per network: fee, minimum, withdrawal enabled; ``None``
  means the exchange did not say and is shown as "unknown".
* **Memo or tag.** The exchange's own flag when it gives one; otherwise the
  documented :data:`MEMO_NETWORKS` list (networks whose deposit addresses
  are shared and told apart by a memo, tag or comment).
* **Dust.** A holding worth less than the dust threshold, below every
  enabled network's minimum, or worth no more than the cheapest fee.
* **Affiliated tokens** of the custodian held elsewhere (self-custody
  included) are a separate exposure: listed apart, to reduce by other means.

The app never withdraws: it only plans. Keys are read-only by design.

Threading: pure functions over frozen dataclasses; safe anywhere.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from exposure_app.domain.counterparties import CounterpartyDirectory
from exposure_app.domain.models import AccountState
from exposure_app.domain.money import ZERO, add, mul, to_text

NEVER_WITHDRAWS = (
    "Exposure never withdraws or moves funds: it only plans. Your exchange keys are "
    "read-only by design; every withdrawal below is made by you, on the exchange."
)

# Networks whose deposit addresses are shared by many users on an exchange and
# told apart by a memo, tag or comment. Keys are ccxt unified network codes and
# the chain's native code. A withdrawal to an exchange without it is lost or
# needs a support ticket; a withdrawal to your own wallet usually needs none,
# but some wallets (hardware XRP and XLM accounts) still show one.
MEMO_NETWORKS: Mapping[str, str] = {
    "XRP": "destination tag",
    "XLM": "memo",
    "EOS": "memo",
    "ATOM": "memo",
    "HBAR": "memo",
    "TON": "memo (comment)",
    "BEP2": "memo",          # BNB Beacon Chain
    "BNB": "memo",           # BNB Beacon Chain's native code on some exchanges
    "KAVA": "memo",
    "IOST": "memo",
    "STX": "memo",
    "XEM": "message",
    "LUNA": "memo",
    "LUNC": "memo",
    "OSMO": "memo",
    "INJ": "memo",
    "SEI": "memo",
    "TIA": "memo",
    "ALGO": "note (only some exchanges)",
    "XMR": "payment id (legacy exchanges)",
}

# Assets that, when the exchange does not list its networks, most likely
# travel on a memo network (their native chain).
MEMO_ASSETS: Mapping[str, str] = {
    "XRP": "XRP", "XLM": "XLM", "EOS": "EOS", "ATOM": "ATOM", "HBAR": "HBAR", "TON": "TON",
    "KAVA": "KAVA", "IOST": "IOST", "STX": "STX", "XEM": "XEM", "LUNC": "LUNC", "OSMO": "OSMO",
}


class Memo(StrEnum):
    REQUIRED = "required"     # the exchange says so
    LIKELY = "likely"         # from MEMO_NETWORKS / MEMO_ASSETS
    NONE = "none"             # the exchange says none is used, or not a memo network
    UNKNOWN = "unknown"


LEVEL_RANK: Mapping[str, int] = {"critical": 5, "high": 4, "medium": 3, "low": 2, "info": 1}


@dataclass(frozen=True, slots=True)
class NetworkInfo:
    """What an exchange says about withdrawing ``asset`` over ``network``.

    ``None`` in any field means the exchange did not say ("unknown").
    """

    exchange_id: str
    asset: str
    network: str
    network_id: str | None = None
    withdraw_enabled: bool | None = None
    deposit_enabled: bool | None = None
    fee: Decimal | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    memo_required: bool | None = None
    fetched_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class LockDetail:
    """Why part of a holding is locked, and until when (``unlock_at`` ISO text)."""

    wallet: str
    asset: str
    lock_reason: str | None
    unlock_at: str | None
    locked: Decimal


@dataclass(frozen=True, slots=True)
class NetworkOption:
    network: str
    network_id: str | None
    withdraw_enabled: bool | None
    fee: Decimal | None
    minimum: Decimal | None
    memo: Memo
    memo_label: str | None

    def describe(self) -> str:
        enabled = {True: "enabled", False: "DISABLED", None: "enabled: unknown"}[self.withdraw_enabled]
        fee = "fee unknown" if self.fee is None else f"fee {_num(self.fee)}"
        minimum = "min unknown" if self.minimum is None else f"min {_num(self.minimum)}"
        memo = ""
        if self.memo is Memo.REQUIRED:
            memo = f", needs {self.memo_label or 'memo'}"
        elif self.memo is Memo.LIKELY:
            memo = f", may need {self.memo_label or 'memo'}"
        return f"{self.network} ({enabled}, {fee}, {minimum}{memo})"


@dataclass(frozen=True, slots=True)
class WalletPart:
    """One wallet's share of an asset at a custodian."""

    account: str
    wallet: str
    free: Decimal
    locked: Decimal
    total: Decimal
    lock_reason: str | None = None
    unlock_at: str | None = None


@dataclass(frozen=True, slots=True)
class AssetItem:
    key: str
    counterparty: str
    asset: str
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

    @property
    def title(self) -> str:
        return f"Withdraw {self.asset} from {self.counterparty}"


@dataclass(frozen=True, slots=True)
class AffiliatedItem:
    key: str
    counterparty: str
    asset: str
    held_at: tuple[str, ...]
    amount: Decimal
    value: Decimal | None

    @property
    def title(self) -> str:
        return f"Reduce {self.asset} (value depends on {self.counterparty})"


@dataclass(frozen=True, slots=True)
class GeneralStep:
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


def memo_for(asset: str, network: str, exchange_flag: bool | None) -> tuple[Memo, str | None]:
    label = MEMO_NETWORKS.get(network.upper())
    if exchange_flag is True:
        return Memo.REQUIRED, label or "memo"
    if exchange_flag is False:
        return Memo.NONE, None
    if label is not None:
        return Memo.LIKELY, label
    return Memo.NONE, None   # a known network that is not a memo network


def network_options(asset: str, infos: Iterable[NetworkInfo]) -> tuple[NetworkOption, ...]:
    options = []
    for info in sorted(infos, key=lambda i: i.network):
        memo, label = memo_for(asset, info.network, info.memo_required)
        options.append(NetworkOption(info.network, info.network_id, info.withdraw_enabled,
                                     info.fee, info.minimum, memo, label))
    return tuple(options)


def asset_memo(asset: str, options: tuple[NetworkOption, ...]) -> tuple[Memo, str | None]:
    """The asset's memo flag: required if any usable network needs one, else likely..."""
    usable = [o for o in options if o.withdraw_enabled is not False] or list(options)
    for wanted in (Memo.REQUIRED, Memo.LIKELY):
        for o in usable:
            if o.memo is wanted:
                return wanted, o.memo_label
    if options and all(o.memo is Memo.NONE for o in usable):
        return Memo.NONE, None
    if not options and asset.upper() in MEMO_ASSETS:
        return Memo.LIKELY, MEMO_NETWORKS[MEMO_ASSETS[asset.upper()]]
    return Memo.UNKNOWN, None


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
) -> ChecklistPlan:
    """Build the plan for one custodian (``scope`` = its id) or all (``"all"``).

    ``networks`` maps ``(exchange_id, asset)`` to what that exchange said;
    ``locks`` maps a snapshot id to its lock details; ``levels`` maps a
    counterparty id to its current warning level.
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

    for state in states:
        snap = state.snapshot
        if snap is None:
            continue
        account = state.account
        holder = directory.resolve(account.counterparty) if account.counterparty else None
        lock_index: dict[tuple[str, str], LockDetail] = {}
        if snap.id is not None:
            for lock in locks.get(snap.id, ()):
                lock_index[(lock.wallet, lock.asset)] = lock
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
                account.name, h.wallet, h.free, h.locked, h.total,
                lock.lock_reason if lock else None, lock.unlock_at if lock else None,
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
            key=f"asset:{cp}:{asset}", counterparty=cp, asset=asset,
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
            key=f"affiliated:{owner}:{asset}", counterparty=owner, asset=asset,
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
        ))
    sections.sort(key=lambda s: (-LEVEL_RANK.get(s.level or "", 0), -s.value, s.counterparty))
    return ChecklistPlan(
        scope=wanted or "all", as_of=as_of, base_currency=base_currency,
        steps=GENERAL_STEPS, sections=tuple(sections),
    )


def _asset_order(item: AssetItem) -> tuple:
    return (not item.own_token, item.value is None, -(item.value or ZERO), item.asset)


def _num(value: Decimal) -> str:
    return to_text(value)


@dataclass(frozen=True, slots=True)
class ItemProgress:
    """A tick and note on one plan item; ``done_by`` is ``user`` or ``sync``."""

    item_key: str
    done: bool
    done_at: datetime | None = None
    done_by: str | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class PlanProgress:
    plan_id: int
    items: Mapping[str, ItemProgress] = field(default_factory=dict)

    def get(self, key: str) -> ItemProgress:
        return self.items.get(key) or ItemProgress(key, False)


def still_held(states: Iterable[AccountState], directory: CounterpartyDirectory,
               counterparty: str, asset: str) -> bool | None:
    """Whether ``counterparty`` still holds ``asset`` in the latest snapshots.

    ``None`` when no account of that custodian has a usable snapshot (nothing
    to judge from: the item stays as it is).
    """
    seen = False
    for state in states:
        account = state.account
        if not account.is_custodial or not account.counterparty:
            continue
        if directory.resolve(account.counterparty) != counterparty or state.snapshot is None:
            continue
        seen = True
        if any(h.asset == asset and h.total > 0 for h in state.snapshot.holdings):
            return True
    return False if seen else None


def held_elsewhere(states: Iterable[AccountState], directory: CounterpartyDirectory,
                   owner: str, asset: str) -> bool:
    """Whether the affiliated ``asset`` of ``owner`` is still held outside ``owner``."""
    for state in states:
        if state.snapshot is None:
            continue
        account = state.account
        holder = directory.resolve(account.counterparty) if account.counterparty else None
        if holder == owner:
            continue
        if any(h.asset.upper() == asset and h.total > 0 for h in state.snapshot.holdings):
            return True
    return False


@dataclass(frozen=True, slots=True)
class ChecklistRow:
    """One tickable line of a plan, flattened for tables, CSV and Markdown.

    Text fields are already worded for people; amounts stay Decimal.
    ``done``/``done_at``/``done_by``/``note`` come from the stored progress.
    ``listed`` is false for an item the plan listed earlier but the latest
    data no longer shows (the asset has gone from the custodian).
    """

    position: int
    item_key: str
    kind: str                     # step, asset or affiliated
    counterparty: str | None
    counterparty_name: str | None
    level: str | None
    asset: str | None
    title: str
    detail: str
    free: Decimal | None = None
    locked: Decimal | None = None
    total: Decimal | None = None
    value: Decimal | None = None
    unlock: str = ""
    networks: str = ""
    memo: str = ""
    dust: str = ""
    done: bool = False
    done_at: datetime | None = None
    done_by: str | None = None
    note: str = ""
    listed: bool = True


def _asset_detail(item: AssetItem) -> str:
    parts = "; ".join(
        f"{p.account}/{p.wallet}: {_num(p.free)} free, {_num(p.locked)} locked" for p in item.parts
    )
    extra = []
    if item.value is None:
        extra.append("unpriced (not in the totals)")
    if item.stale_reason:
        extra.append(f"figures may be out of date: {item.stale_reason}")
    return parts + ("; " + "; ".join(extra) if extra else "")


def flatten(plan: ChecklistPlan) -> list[ChecklistRow]:
    """The plan as rows, in plan order (positions from 1)."""
    rows: list[ChecklistRow] = []
    for step in plan.steps:
        rows.append(ChecklistRow(len(rows) + 1, step.key, "step", None, None, None, None,
                                 step.title, step.detail))
    for section in plan.sections:
        for a in section.assets:
            if a.networks:
                networks = "; ".join(o.describe() for o in a.networks)
            else:
                networks = "unknown (the exchange did not say)"
            memo = {
                Memo.REQUIRED: f"required: {a.memo_label}",
                Memo.LIKELY: f"likely: {a.memo_label}",
                Memo.NONE: "none",
                Memo.UNKNOWN: "unknown",
            }[a.memo]
            title = f"Withdraw {a.asset} from {section.name}"
            if a.own_token:
                title += f" ({section.name}'s own token: falls with it)"
            rows.append(ChecklistRow(
                len(rows) + 1, a.key, "asset", section.counterparty, section.name, section.level,
                a.asset, title, _asset_detail(a), a.free, a.locked, a.total, a.value,
                unlock="; ".join(a.unlock_steps) or "nothing locked", networks=networks, memo=memo,
                dust=a.dust_reason or "",
            ))
        for f in section.affiliated:
            rows.append(ChecklistRow(
                len(rows) + 1, f.key, "affiliated", section.counterparty, section.name,
                section.level, f.asset,
                f"Reduce {f.asset} held outside {section.name} (separate exposure)",
                f"{f.asset} is {section.name}'s own token; its value depends on {section.name} even "
                f"in self-custody. Held in: {', '.join(f.held_at)}.",
                None, None, f.amount, f.value,
            ))
    return rows
