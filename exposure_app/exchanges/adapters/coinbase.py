"""Coinbase: the v2 account list (every wallet, paginated), key permissions from v3.

Coinbase keeps one "account" per currency wallet, plus separate accounts for
staked assets ("Staked SOL", and the older ``ETH2`` wallet for staked ether)
and vaults (withdrawals delayed by 48 h). The v2 list is used, not ccxt's
default-able v3 brokerage list, because staked wallets are missing from v3
(ccxt issue #23853), and it is paged here with ``starting_after`` until
``next_starting_after`` is empty: ccxt's own ``fetch_balance`` reads only the
first 250 accounts.

========================  ===========  ================================
account                   wallet       locked
========================  ===========  ================================
wallet / fiat             spot         the v3 ``hold`` (open orders)
"Staked X" / ETH2         staking      all of it (unstaking takes days)
vault                     vault        all of it (time-delayed withdrawals)
========================  ===========  ================================

v2 does not report what open orders hold, so the spot wallet's locked part
comes from the Advanced Trade list (``GET /api/v3/brokerage/accounts``,
cursor-paged), whose ``hold`` is summed per currency. Both lists are read
once per sync and shared by the three wallet readers.

Key permissions: ``GET /api/v3/brokerage/key_permissions`` answers
``can_view``, ``can_trade`` and ``can_transfer`` for the key that signs it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from exposure_app.domain.balances import KeyPermissions, WalletBalance
from exposure_app.domain.money import ZERO
from exposure_app.exchanges.adapters.base import ExchangeAdapter, WalletSpec, permission_level
from exposure_app.exchanges.balance_rows import numbered_entries, row, sum_rows
from exposure_app.exchanges.errors import BadResponseError, ErrorKind
from exposure_app.exchanges.validation import (
    Envelope,
    list_at,
    mapping_at,
    quantity_at,
    require_key,
    require_mapping,
)

# Bare JSON bodies; account lists in pages of 250, at most 200 pages (50,000
# accounts: far beyond any real user; stops a cursor loop).
# ccxt raises AuthenticationError for the scope error and for an expired
# timestamp (it matches the id, authentication_error, before the message), and a
# plain ExchangeError for any other "errors" body, maintenance included.
ENVELOPE = Envelope("Coinbase", code_key=None, data_key=None, page_size=250, max_pages=200,
                    error_words={"timestamp expired": ErrorKind.CLOCK_SKEW,
                                 "invalid_scope": ErrorKind.PERMISSION,
                                 "maintenance": ErrorKind.MAINTENANCE})


def classify_account(account: Any, what: str) -> tuple[str, str, bool, str | None]:
    """``(wallet, currency code, all locked, lock reason)`` for one v2 account."""
    account = require_mapping(account, f"Coinbase {what}")
    currency = require_key(account, "currency", f"Coinbase {what}")
    if isinstance(currency, dict):
        code = require_key(currency, "code", f"Coinbase {what}.currency")
    else:
        code = currency   # very old answers had the bare code here
    if not isinstance(code, str) or not code:
        raise BadResponseError(f"Coinbase: {what} has no currency code")
    name = str(account.get("name") or "")
    kind = str(account.get("type") or "")
    if code == "ETH2":
        return "staking", "ETH", True, "staking"
    if name.lower().startswith("staked "):
        return "staking", code, True, "staking"
    if kind == "vault":
        return "vault", code, True, "vault_withdrawal_delay"
    return "spot", code, False, None


def parse_holds(accounts: list[Any]) -> dict[str, Decimal]:
    """Currency -> amount held for open orders, from v3 brokerage accounts."""
    holds: dict[str, Decimal] = {}
    for what, account in numbered_entries(accounts, "Coinbase", "brokerage accounts"):
        hold = mapping_at(account, "hold", f"Coinbase {what}")
        value = quantity_at(hold, "value", f"Coinbase {what}.hold")
        currency = hold.get("currency") or account.get("currency")
        if not isinstance(currency, str) or not currency:
            raise BadResponseError(f"Coinbase: {what} has no currency")
        holds[currency] = holds.get(currency, ZERO) + value
    return holds


def apply_holds(rows: list[WalletBalance], holds: dict[str, Decimal]) -> list[WalletBalance]:
    """The spot rows with what open orders hold marked as locked."""
    result = []
    for item in rows:
        held = holds.get(item.asset, ZERO)
        if item.wallet == "spot" and held > 0:
            item = row("spot", item.asset, total=item.total, locked=held,
                       lock_reason="open_orders")
        result.append(item)
    return result


def parse_accounts(accounts: list[Any]) -> list[WalletBalance]:
    rows = []
    for index, account in enumerate(accounts):
        what = f"accounts[{index}]"
        wallet, code, all_locked, reason = classify_account(account, what)
        balance = mapping_at(account, "balance", f"Coinbase {what}")
        total = quantity_at(balance, "amount", f"Coinbase {what}.balance")
        rows.append(row(wallet, code, total=total, locked=total if all_locked else ZERO,
                        lock_reason=reason))
    return sum_rows(rows)


def parse_key_permissions(response: Any) -> KeyPermissions:
    body = require_mapping(response, "Coinbase key_permissions")
    flags = {}
    for name in ("can_view", "can_trade", "can_transfer"):
        value = require_key(body, name, "Coinbase key_permissions")
        if not isinstance(value, bool):
            raise BadResponseError(f"Coinbase: key_permissions.{name} is not true/false")
        flags[name] = value
    return KeyPermissions(
        level=permission_level(can_withdraw=flags["can_transfer"], can_trade=flags["can_trade"]),
        can_trade=flags["can_trade"],
        can_withdraw=flags["can_transfer"],
        can_transfer=flags["can_transfer"],
        source="key_permissions",
        detail=f"portfolio {body.get('portfolio_type', '?')}",
    )


class CoinbaseAdapter(ExchangeAdapter):
    """Reads every Coinbase wallet from the paginated v2 account list.

    Threading: its coroutines run on the sync service's loop; the one shared
    account-list call per sync is keyed by client.
    """

    exchange_id: ClassVar[str] = "coinbase"
    envelope: ClassVar[Envelope] = ENVELOPE

    @property
    def coverage_note(self) -> str:
        return ("Coinbase: the wallets this API key can see (Coinbase ties each key to "
                "one portfolio)")

    def ccxt_options(self, cached: dict[str, Any]) -> dict[str, Any]:
        # The readers call the implicit endpoints directly, so no markets or
        # currencies are loaded. ``advanced`` keeps ccxt from rejecting v3
        # answers (which have no "data" field) as malformed.
        return {"advanced": True, "fetchBalance": "v2PrivateGetAccounts"}

    def wallets(self) -> list[WalletSpec]:
        def only(wallet: str):
            return lambda rows: [r for r in rows if r.wallet == wallet]

        return [
            WalletSpec(wallet, self.shared_wallet("accounts", self.read_accounts, only(wallet)))
            for wallet in ("spot", "staking", "vault")
        ]

    async def read_accounts(self, client: Any) -> list[WalletBalance]:
        """Every wallet's rows: the v2 account list with the v3 holds applied."""
        rows = await self.read_v2_accounts(client)
        return apply_holds(rows, await self.read_holds(client))

    async def read_holds(self, client: Any) -> dict[str, Decimal]:
        """Open-order holds per currency from every page of the v3 account list."""
        accounts: list[Any] = []
        cursor: str | None = None
        for _ in range(self.envelope.max_pages):
            params: dict[str, Any] = {"limit": self.envelope.page_size}
            if cursor:
                params["cursor"] = cursor
            page = require_mapping(await client.v3_private_get_brokerage_accounts(params),
                                   "Coinbase brokerage accounts")
            accounts += list_at(page, "accounts", "Coinbase brokerage accounts")
            next_cursor = page.get("cursor")
            if not page.get("has_next") or not next_cursor:
                return parse_holds(accounts)
            if next_cursor == cursor:
                raise BadResponseError("Coinbase: the brokerage account list's pages repeat (cursor loop)")
            cursor = str(next_cursor)
        raise self.envelope.too_many_pages("Coinbase brokerage accounts")

    async def read_v2_accounts(self, client: Any) -> list[WalletBalance]:
        """Every account on every page of ``GET /v2/accounts``."""
        accounts: list[Any] = []
        cursor: str | None = None
        seen: set[str] = set()
        for _ in range(self.envelope.max_pages):
            params: dict[str, Any] = {"limit": self.envelope.page_size}
            if cursor:
                params["starting_after"] = cursor
            page = require_mapping(await client.v2_private_get_accounts(params), "Coinbase accounts")
            accounts += list_at(page, "data", "Coinbase accounts")
            pagination = page.get("pagination")
            cursor = pagination.get("next_starting_after") if isinstance(pagination, dict) else None
            if not cursor:
                return parse_accounts(accounts)
            if cursor in seen:
                raise BadResponseError("Coinbase: the account list's pages repeat (cursor loop)")
            seen.add(cursor)
        raise self.envelope.too_many_pages("Coinbase accounts")

    async def read_permissions(self, client: Any) -> KeyPermissions:
        return parse_key_permissions(await client.v3_private_get_brokerage_key_permissions())
