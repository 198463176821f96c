"""Kraken: every wallet comes from one ``BalanceEx`` call.

Kraken lists earn and staking balances as separate asset ids with a suffix
(``XBT.F``, ``DOT.S``, ``USDC.M``, ``SOL.B``, ``DOT.P``, and ``ETH2``/``ETH2.S``
for staked ether). They are folded into the base asset (``BTC``, ``ETH``) for
exposure but kept in their own wallet, so the same coin is never counted
twice and what is staked shows as locked:

========  ===============  ===========================================
suffix    wallet           locked
========  ===============  ===========================================
(none)    spot             ``hold_trade`` (open orders)
.F, .M    earn_flexible    ``hold_trade`` (flexible: withdrawable)
.S, .P    staking          all of it (bonded staking)
.B        earn_locked      all of it (bonded earn)
ETH2      staking          all of it (ETH waiting to unstake)
.HOLD     spot             all of it (held, e.g. pending fiat)
========  ===============  ===========================================

The balance is read with the implicit ``private_post_balanceex`` call and the
raw body is parsed into exact decimals, so no market or currency list is
loaded first (ccxt's ``fetch_balance`` would call ``AssetPairs`` and
``Assets`` before it).

Unlock dates: when something is staked, ``Earn/Allocations`` tells what is
*unbonding* (on its way back to spot) and when it ``expires``. That part of
the staking or bonded-earn row gets its own row with ``unlock_at``; the rest
stays locked with no date (it is locked until the user deallocates). The
dates are an enrichment: if the allocations call fails, the balances are
still stored, without dates.

Key permissions come from ``GetApiKeyInfo`` (docs.kraken.com: "API Key
Permissions Required: None"), whose ``permissions`` list names
``withdraw-funds``, ``modify-trades``... for the key that signs the request.

Withdrawal networks: ccxt's ``fetch_currencies`` reads Kraken's public
``Assets``, which names no network, fee or minimum. They come from
``WithdrawMethods`` (docs.kraken.com, "Get Withdrawal Methods"): one entry per
method with ``asset``, ``method``, ``network`` and ``minimum`` ("minimum net
amount that can be withdrawn right now"); the answer has no fee, so the fee
stays unknown. Kraken answers it only for a key with the Funds permissions
*Query and Withdraw*: a read-only key is refused, and the checklist then says
so instead of "unknown".
"""

from __future__ import annotations

import asyncio
import logging
from decimal import Decimal
from typing import Any, ClassVar

from exposure_app.domain.balances import KeyPermissions, WalletBalance
from exposure_app.domain.money import ZERO
from exposure_app.exchanges.adapters.base import ExchangeAdapter, WalletSpec, permission_level
from exposure_app.exchanges.balance_rows import numbered_entries, row, sum_rows
from exposure_app.exchanges.errors import BadResponseError, ErrorKind, SyncError
from exposure_app.exchanges.validation import (
    Envelope,
    list_at,
    mapping_at,
    quantity,
    quantity_at,
    require_key,
    require_mapping,
)

log = logging.getLogger(__name__)

# suffix -> (wallet, everything locked?, lock reason)
_SUFFIX_WALLETS: dict[str, tuple[str, bool, str]] = {
    "": ("spot", False, "open_orders"),
    "F": ("earn_flexible", False, "open_orders"),
    "M": ("earn_flexible", False, "open_orders"),
    "S": ("staking", True, "staking"),
    "P": ("staking", True, "staking"),
    "B": ("earn_locked", True, "locked_earn"),
    "HOLD": ("spot", True, "held"),   # e.g. USD.HOLD: cash held pending settlement
}

_TRADE_PERMISSIONS = frozenset({"modify-trades", "cancel-close-trades"})
_WITHDRAW_PERMISSIONS = frozenset({"withdraw-funds"})
_TRANSFER_PERMISSIONS = frozenset({"earn-funds"})


# Every answer: {"error": [], "result": {...}}; a non-empty error list is a
# failure (ccxt has raised for the ones it knows already).
# "EService:Unavailable" is Kraken's answer while its API is offline for
# maintenance (its status page then says "maintenance").
ENVELOPE = Envelope("Kraken", code_key=None, data_key="result",
                    error_words={"EService:Unavailable": ErrorKind.MAINTENANCE})


def _check_envelope(response: Any, what: str) -> Any:
    """The ``result`` of a Kraken answer whose error list is empty."""
    body = require_mapping(response, f"Kraken {what}")
    errors = list_at(body, "error", f"Kraken {what}")
    if errors:
        raise BadResponseError(f"Kraken: {what} reported errors: {', '.join(map(str, errors))}")
    return ENVELOPE.data(body, f"Kraken {what}")


def split_asset_id(client: Any, asset_id: str) -> tuple[str, str, bool, str]:
    """``(unified code, wallet, all locked, lock reason)`` for a BalanceEx id."""
    base_id, _, suffix = asset_id.partition(".")
    code = client.safe_currency_code(base_id)
    if code == "ETH2":  # Kraken's staked-ether ids: ETH2 (unstaking) and ETH2.S
        return "ETH", "staking", True, "staking"
    if suffix not in _SUFFIX_WALLETS:
        # An unknown suffix is still an asset the user holds: keep it as
        # locked earn rather than dropping it or guessing it is spot.
        return code, "earn_locked", True, "unknown_earn_product"
    wallet, all_locked, reason = _SUFFIX_WALLETS[suffix]
    return code, wallet, all_locked, reason


def parse_balance_ex(client: Any, response: Any) -> list[WalletBalance]:
    result = require_mapping(_check_envelope(response, "BalanceEx"), "Kraken BalanceEx.result")
    rows = []
    for asset_id, entry in result.items():
        what = f"BalanceEx.result[{asset_id!r}]"
        entry = require_mapping(entry, f"Kraken {what}")
        total = quantity_at(entry, "balance", f"Kraken {what}")
        hold = entry.get("hold_trade")
        held = ZERO if hold in (None, "") else quantity(hold, f"Kraken {what}.hold_trade")
        code, wallet, all_locked, reason = split_asset_id(client, asset_id)
        locked = total if all_locked else held
        rows.append(row(wallet, code, total=total, locked=locked, lock_reason=reason))
    return sum_rows(rows)


def parse_unbonding(client: Any, response: Any) -> dict[str, list[tuple[Decimal, str]]]:
    """Unified code -> [(amount, unlock date)] of what is unbonding."""
    result = require_mapping(_check_envelope(response, "Earn/Allocations"), "Kraken Earn/Allocations.result")
    items = list_at(result, "items", "Kraken Earn/Allocations.result")
    unbonding: dict[str, list[tuple[Decimal, str]]] = {}
    for what, item in numbered_entries(items, "Kraken", "Earn/Allocations.items"):
        code = client.safe_currency_code(str(require_key(item, "native_asset", f"Kraken {what}")))
        allocated = mapping_at(item, "amount_allocated", f"Kraken {what}")
        for state in ("unbonding", "exit_queue"):
            part = allocated.get(state)
            if not isinstance(part, dict):
                continue
            for entry in part.get("allocations") or []:
                entry = require_mapping(entry, f"Kraken {what}.{state}.allocations[]")
                native = quantity_at(entry, "native", f"Kraken {what}.{state}")
                expires = entry.get("expires")
                if native > 0 and isinstance(expires, str) and expires:
                    unbonding.setdefault(code, []).append((native, expires))
    return unbonding


def apply_unlock_dates(rows: list[WalletBalance],
                       unbonding: dict[str, list[tuple[Decimal, str]]]) -> list[WalletBalance]:
    """Splits the unbonding part of a staked asset into dated rows.

    Only when the asset is staked in exactly one wallet (the allocation does
    not say which suffix it belongs to) and the dated amounts fit in it.
    """
    locked_wallets = {"staking", "earn_locked"}
    result: list[WalletBalance] = []
    for item in rows:
        dated = unbonding.get(item.asset, [])
        same_asset = [r for r in rows if r.asset == item.asset and r.wallet in locked_wallets]
        dated_total = sum((amount for amount, _ in dated), ZERO)
        if (item.wallet not in locked_wallets or not dated or len(same_asset) != 1
                or dated_total > item.total):
            result.append(item)
            continue
        for native, expires in dated:
            result.append(row(item.wallet, item.asset, total=native, locked=native,
                              lock_reason="unbonding", unlock_at=expires))
        rest = item.total - dated_total
        if rest > 0:
            result.append(row(item.wallet, item.asset, total=rest, locked=rest,
                              lock_reason=item.lock_reason))
    return sum_rows(result)


def parse_api_key_info(response: Any) -> KeyPermissions:
    info = require_mapping(_check_envelope(response, "GetApiKeyInfo"), "Kraken GetApiKeyInfo.result")
    granted = list_at(info, "permissions", "Kraken GetApiKeyInfo.result")
    names = {str(name) for name in granted}
    can_trade = bool(names & _TRADE_PERMISSIONS)
    can_withdraw = bool(names & _WITHDRAW_PERMISSIONS)
    allow_list = info.get("ipAllowlist")
    return KeyPermissions(
        level=permission_level(can_withdraw=can_withdraw, can_trade=can_trade),
        can_trade=can_trade,
        can_withdraw=can_withdraw,
        can_transfer=bool(names & _TRANSFER_PERMISSIONS),
        ip_restricted=bool(allow_list) if isinstance(allow_list, list) else None,
        source="GetApiKeyInfo",
        detail=", ".join(sorted(names)),
    )


READ_ONLY_KEY_HAS_NO_METHODS = (
    "Kraken lists withdrawal networks only to API keys that may also withdraw, so a "
    "read-only key cannot read them; see them on Kraken's withdrawal page")


def parse_withdraw_methods(client: Any, response: Any) -> dict[str, dict[str, Any]]:
    """``WithdrawMethods`` as ccxt's unified currencies: code -> {"networks": {network:
    {"id": method, "withdraw": True, "fee": None, "limits": {"withdraw": {"min": ...}}}}}.

    A listed method is one the account can use now (``withdraw`` True); what Kraken does
    not say (fee, deposits, memo) stays ``None``."""
    methods = _check_envelope(response, "WithdrawMethods")
    currencies: dict[str, dict[str, Any]] = {}
    for what, entry in numbered_entries(methods, "Kraken", "WithdrawMethods.result"):
        asset = str(require_key(entry, "asset", f"Kraken {what}"))
        method = str(require_key(entry, "method", f"Kraken {what}"))
        network = entry.get("network") or method     # fiat methods name no network
        minimum = entry.get("minimum")
        code = client.safe_currency_code(asset)
        networks = currencies.setdefault(code, {"networks": {}})["networks"]
        networks[str(network)] = {
            "id": method, "network": str(network), "withdraw": True, "deposit": None,
            "fee": None, "limits": {"withdraw": {"min": minimum, "max": None}},
            "info": dict(entry),
        }
    return currencies


def _rows_of(wallet: str):
    return lambda rows: [r for r in rows if r.wallet == wallet]


class KrakenAdapter(ExchangeAdapter):
    """Reads Kraken's spot, earn and staking wallets (one ``BalanceEx`` call).

    Threading: stateless; its coroutines run on the sync service's loop with
    the client created there.
    """

    exchange_id: ClassVar[str] = "kraken"
    envelope: ClassVar[Envelope] = ENVELOPE

    def ccxt_options(self, cached: dict[str, Any]) -> dict[str, Any]:
        # The readers call implicit endpoints directly: no markets, currencies
        # or server time are fetched, so there is nothing to switch off.
        return {}

    def wallets(self) -> list[WalletSpec]:
        # BalanceEx answers for all four wallets at once: one call per sync,
        # each wallet's reader takes its rows from it
        return [
            WalletSpec(name, self.shared_wallet("BalanceEx", self.read_balance_ex, _rows_of(name)))
            for name in ("spot", "earn_flexible", "staking", "earn_locked")
        ]

    async def read_balance_ex(self, client: Any) -> list[WalletBalance]:
        """Every wallet's rows from one ``BalanceEx`` call, with unlock dates."""
        rows = parse_balance_ex(client, await client.private_post_balanceex())
        if not any(r.wallet in ("staking", "earn_locked") for r in rows):
            return rows
        try:
            response = await client.private_post_earn_allocations({"hide_zero_allocations": True})
            unbonding = parse_unbonding(client, response)
        except asyncio.CancelledError:
            raise
        except Exception as exc:   # dates are an enrichment; the balances stand
            log.info("Kraken unlock dates unavailable: %s", type(exc).__name__)
            return rows
        return apply_unlock_dates(rows, unbonding)

    async def read_permissions(self, client: Any) -> KeyPermissions:
        return parse_api_key_info(await client.private_post_getapikeyinfo())

    async def withdrawal_currencies(self, client: Any) -> dict[str, dict[str, Any]]:
        """Withdrawal networks from ``WithdrawMethods`` (see the module docstring)."""
        try:
            response = await client.private_post_withdrawmethods()
        except Exception as exc:
            error = self.classify(exc, client)
            if error.kind is ErrorKind.PERMISSION:
                raise SyncError(ErrorKind.PERMISSION, READ_ONLY_KEY_HAS_NO_METHODS) from None
            raise error from None
        return parse_withdraw_methods(client, response)
