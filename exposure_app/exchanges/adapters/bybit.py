"""Bybit (v5, unified trading account): unified, funding and Earn wallets.

Read with ccxt's implicit v5 endpoints so amounts stay exact and nothing is
loaded first (``fetch_balance`` would call ``/v5/user/query-api`` and
``/v5/account/info`` to detect the account mode, then load markets):

* ``spot``: ``GET /v5/account/wallet-balance?accountType=UNIFIED``. The
  unified account holds spot, margin and derivatives collateral; per coin
  ``equity`` (wallet balance plus unrealised PnL) is the total and ``locked``
  (spot open orders) the locked part.
* ``funding``: ``GET /v5/asset/transfer/query-account-coins-balance?accountType=FUND``;
  ``walletBalance`` minus ``transferBalance`` cannot be moved now.
* ``earn_flexible``: ``GET /v5/earn/position?category=FlexibleSaving``.
* ``staking``: ``GET /v5/earn/position?category=OnChain``; a position with a
  ``settlementTime`` is a fixed-term product, locked until then; one still
  ``Processing`` is locked too.

Classic (pre-UTA) accounts: the mode is learnt once from ``uta`` in
``GET /v5/user/query-api`` and cached as a fact. A classic account's wallet
balance is read per account type: ``SPOT`` is the ``spot`` wallet and
``CONTRACT`` the ``futures`` wallet (locked: what exceeds
``availableToWithdraw``). In a unified account futures collateral is part of
the unified wallet, so ``futures`` holds nothing of its own. A cached
"classic" that proved stale (Bybit: ``10001`` "accountType only support
UNIFIED") is learnt again and the account read once more.

Key permissions: ``GET /v5/user/query-api`` (``readOnly``, ``permissions``,
``ips``; "any permission can access this endpoint").
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, ClassVar

from exposure_app.domain.balances import AccountReading, KeyPermissions, PermissionLevel, WalletBalance
from exposure_app.exchanges.adapters.account_mode import AccountMode, UnifiedModeAdapter
from exposure_app.exchanges.adapters.base import reads_wallet
from exposure_app.exchanges.balance_rows import BalanceFields, merge_rows, nested_entries, unlock_from_ms
from exposure_app.exchanges.errors import BadResponseError, ErrorKind
from exposure_app.exchanges.validation import (
    Envelope,
    require_key,
    require_list,
    require_mapping,
)

UTA_FACT = "bybit_uta"
TRADE_GROUPS = ("ContractTrade", "Spot", "Options", "Derivatives", "Exchange", "CopyTrading",
                "BlockTrade", "Earn")


# Every v5 answer: {"retCode": 0, "retMsg": "OK", "result": {...}}. 10016
# "Service is restarting" is Bybit's answer while it is down for an upgrade;
# ccxt maps it to a plain ExchangeError.
ENVELOPE = Envelope("Bybit", code_key="retCode", success=("0",), data_key="result",
                    error_codes={"10016": ErrorKind.MAINTENANCE})
bybit_result = ENVELOPE.data_mapping
# Balance lines: a unified or spot coin's equity with its open-order lock; a contract
# coin's equity, of which what exceeds availableToWithdraw is margin; a funding coin's
# walletBalance, of which what exceeds transferBalance cannot move now.
UNIFIED_COIN = BalanceFields("coin", total="equity", locked=("locked",), lock_reason="open_orders")
CONTRACT_COIN = BalanceFields("coin", total="equity", movable="availableToWithdraw",
                              lock_reason="margin")
FUND_COIN = BalanceFields("coin", total="walletBalance", movable="transferBalance",
                          lock_reason="frozen")
POSITION = BalanceFields("coin", total="amount")
# an On-chain Earn position with a settlement time, or one being processed: all locked
FIXED_POSITION = BalanceFields("coin", total="amount", all_locked=True, lock_reason="locked_earn")
PROCESSING_POSITION = replace(FIXED_POSITION, lock_reason="processing")


class BybitAdapter(UnifiedModeAdapter):
    """Reads Bybit wallets; stateless, runs on the sync service's loop."""

    exchange_id: ClassVar[str] = "bybit"
    envelope: ClassVar[Envelope] = ENVELOPE

    def __init__(self) -> None:
        # ccxt's own option: with it set, ccxt never probes the mode itself
        self.mode = AccountMode(UTA_FACT, self._probe_mode, option="enableUnifiedAccount")
        self._key_info: dict[str, Any] | None = None

    def ccxt_options(self, cached: dict[str, Any]) -> dict[str, Any]:
        # With the account mode set ccxt never probes it; should anything load
        # markets (prices through fetch_tickers), only spot instruments.
        options: dict[str, Any] = {"enableUnifiedMargin": False,
                                   "fetchMarkets": {"types": ["spot"]}}
        return {**options, **super().ccxt_options(cached)}

    async def read_balances(self, client: Any) -> AccountReading:
        self._key_info = None   # only an answer from this read may stand in for the key check
        return await super().read_balances(client)

    async def _probe_mode(self, client: Any) -> bool:
        what = "Bybit API key information"
        result = bybit_result(await client.private_get_v5_user_query_api(), what)
        self._key_info = result   # read_permissions uses it instead of asking again
        uta = require_key(result, "uta", what)
        if str(uta) not in ("0", "1"):
            raise BadResponseError(f"{what}: unknown uta value {uta!r}")
        client.options["enableUnifiedMargin"] = False
        return str(uta) == "1"

    async def _wallet_balance(self, client: Any, account_type: str) -> list[WalletBalance]:
        """Rows of one wallet-balance account type; re-learns a stale cached mode."""
        try:
            response = await client.private_get_v5_account_wallet_balance(
                {"accountType": account_type}
            )
        except Exception as exc:
            text = str(exc).replace(" ", "")
            if account_type != "UNIFIED" and '"retCode":10001' in text and "UNIFIED" in text:
                self.mode.forget(client)   # stale: learn it again
            raise
        wallet = "futures" if account_type == "CONTRACT" else "spot"
        return self._coin_rows(client, response, wallet, f"Bybit {account_type} wallet balance")

    @reads_wallet("spot", may_owe=True)   # unified equity
    async def read_spot(self, client: Any) -> list[WalletBalance]:
        account_type = "UNIFIED" if await self.is_unified(client) else "SPOT"
        try:
            return await self._wallet_balance(client, account_type)
        except Exception:
            if client.options.get("enableUnifiedAccount") is None:   # mode was stale
                return await self._wallet_balance(
                    client, "UNIFIED" if await self.is_unified(client) else "SPOT"
                )
            raise

    @reads_wallet("futures")
    async def read_futures(self, client: Any) -> list[WalletBalance]:
        if await self.is_unified(client):
            return []   # futures collateral is part of the unified account
        try:
            return await self._wallet_balance(client, "CONTRACT")
        except Exception:
            if client.options.get("enableUnifiedAccount") is None and await self.is_unified(
                client
            ):
                return []
            raise

    def _coin_rows(self, client: Any, response: Any, wallet: str,
                   what: str) -> list[WalletBalance]:
        result = bybit_result(response, what)
        accounts = require_list(require_key(result, "list", what), f"{what} list")
        coins = nested_entries(accounts, "coin", what, list_what="coins")
        fields = CONTRACT_COIN if wallet == "futures" else UNIFIED_COIN
        return fields.rows(client, coins, wallet, what)

    @reads_wallet("funding")
    async def read_funding(self, client: Any) -> list[WalletBalance]:
        what = "Bybit funding account balance"
        result = bybit_result(
            await client.private_get_v5_asset_transfer_query_account_coins_balance(
                {"accountType": "FUND"}
            ),
            what,
        )
        return FUND_COIN.rows(client, require_list(require_key(result, "balance", what),
                                                   f"{what} balance"), "funding", what)

    async def _positions(self, client: Any, category: str, what: str) -> list[dict[str, Any]]:
        result = bybit_result(await client.private_get_v5_earn_position({"category": category}),
                              what)
        return [require_mapping(p, what)
                for p in require_list(require_key(result, "list", what), f"{what} list")]

    @reads_wallet("earn_flexible")
    async def read_flexible_saving(self, client: Any) -> list[WalletBalance]:
        what = "Bybit Flexible Savings positions"
        return POSITION.rows(client, await self._positions(client, "FlexibleSaving", what),
                             "earn_flexible", what)

    @reads_wallet("staking")
    async def read_onchain_earn(self, client: Any) -> list[WalletBalance]:
        what = "Bybit On-chain Earn positions"
        rows = []
        for position in await self._positions(client, "OnChain", what):
            settlement = position.get("settlementTime")
            if settlement not in (None, ""):
                unlock = unlock_from_ms(settlement, f"{what} settlementTime")
                rows.append(FIXED_POSITION.row(client, position, "staking", what,
                                               unlock_at=unlock))
            elif position.get("status") == "Processing":
                rows.append(PROCESSING_POSITION.row(client, position, "staking", what))
            else:
                rows.append(POSITION.row(client, position, "staking", what))
        return merge_rows(rows)

    async def read_permissions(self, client: Any) -> KeyPermissions:
        what = "Bybit API key information"
        result, self._key_info = self._key_info, None
        if result is None:
            result = bybit_result(await client.private_get_v5_user_query_api(), what)
        read_only = require_key(result, "readOnly", what)
        permissions = require_mapping(require_key(result, "permissions", what),
                                      f"{what} permissions")
        wallet = permissions.get("Wallet") or []
        can_withdraw = "Withdraw" in wallet
        can_transfer = any(p in wallet for p in ("AccountTransfer", "SubMemberTransfer"))
        can_trade = any(permissions.get(group) for group in TRADE_GROUPS)
        if str(read_only) == "1" and not can_withdraw:
            level, can_trade = PermissionLevel.READ_ONLY, False
        elif can_withdraw:
            level = PermissionLevel.WITHDRAW
        else:
            level, can_trade = PermissionLevel.TRADE, True
        ips = result.get("ips")
        return KeyPermissions(
            level=level,
            can_trade=can_trade,
            can_withdraw=can_withdraw,
            can_transfer=can_transfer,
            ip_restricted=(ips != ["*"] and bool(ips)) if isinstance(ips, list) else None,
            source="GET /v5/user/query-api",
            detail=f"readOnly={read_only}",
        )
