"""What exchanges say about withdrawing an asset over a network, and memo/tag rules.

* **Networks.** Per network: fee, minimum, withdrawal enabled; ``None`` means
  the exchange did not say and is shown as "unknown".
* **Memo or tag.** The exchange's own flag when it gives one; otherwise the
  documented :data:`MEMO_NETWORKS` list (networks whose deposit addresses are
  shared and told apart by a memo, tag or comment).

Used by the move-to-self-custody plan (:mod:`exposure_app.domain.checklist`).

Threading: pure functions over frozen dataclasses; safe anywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from exposure_app.domain.money import to_text

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
        fee = "fee unknown" if self.fee is None else f"fee {to_text(self.fee)}"
        minimum = "min unknown" if self.minimum is None else f"min {to_text(self.minimum)}"
        memo = ""
        if self.memo is Memo.REQUIRED:
            memo = f", needs {self.memo_label or 'memo'}"
        elif self.memo is Memo.LIKELY:
            memo = f", may need {self.memo_label or 'memo'}"
        return f"{self.network} ({enabled}, {fee}, {minimum}{memo})"


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
