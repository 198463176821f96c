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

Classic (non-unified) Bybit accounts are not read here: Bybit upgraded them
to the unified account, and the unified endpoint answers them with an error,
which the sync reports as a failed ``spot`` wallet rather than an empty one.

Key permissions: ``GET /v5/user/query-api`` (``readOnly``, ``permissions``,
``ips``; "any permission can access this endpoint").
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from exposure_app.domain.balances import KeyPermissions, PermissionLevel, WalletBalance
from exposure_app.domain.money import ZERO
from exposure_app.domain.timeutil import to_storage
from exposure_app.exchanges.adapters.base import ExchangeAdapter, WalletSpec
from exposure_app.exchanges.errors import BadResponseError, ErrorKind, SyncError, make_error
from exposure_app.exchanges.validation import (
    amount,
    merge_rows,
    require_key,
    require_list,
    require_mapping,
)

TRADE_GROUPS = ("ContractTrade", "Spot", "Options", "Derivatives", "Exchange", "CopyTrading",
                "BlockTrade", "Earn")


def bybit_result(response: Any, what: str) -> dict[str, Any]:
    """The ``result`` object of a successful Bybit envelope (``retCode`` 0)."""
    body = require_mapping(response, what)
    code = require_key(body, "retCode", what)
    if str(code) != "0":
        raise BadResponseError(f"{what}: the exchange answered retCode {code}")
    return require_mapping(require_key(body, "result", what), f"{what} result")


def _asset(client: Any, coin: Any, what: str) -> str:
    if not isinstance(coin, str) or not coin:
        raise BadResponseError(f"{what}: a row has no coin")
    return client.safe_currency_code(coin)


class BybitAdapter(ExchangeAdapter):
    """Reads Bybit wallets; stateless, runs on the sync service's loop."""

    exchange_id: ClassVar[str] = "bybit"

    def ccxt_options(self, cached: dict[str, Any]) -> dict[str, Any]:
        # Set the account mode so ccxt never probes it; should anything load
        # markets (prices through fetch_tickers), only spot instruments.
        return {
            "enableUnifiedAccount": True,
            "enableUnifiedMargin": False,
            "fetchMarkets": {"types": ["spot"]},
        }

    def wallets(self) -> list[WalletSpec]:
        return [
            WalletSpec("spot", self.read_unified),
            WalletSpec("funding", self.read_funding),
            WalletSpec("earn_flexible", self.read_flexible_saving),
            WalletSpec("staking", self.read_onchain_earn),
        ]

    def classify(self, exc: BaseException, client: Any) -> SyncError:
        # 10016 "Service is restarting" is Bybit's answer while it is down for
        # an upgrade; ccxt maps it to a plain ExchangeError.
        if '"retCode":10016' in str(exc).replace(" ", ""):
            return make_error(ErrorKind.MAINTENANCE, self.exchange_id)
        return super().classify(exc, client)

    async def read_unified(self, client: Any) -> list[WalletBalance]:
        what = "Bybit unified account balance"
        result = bybit_result(
            await client.private_get_v5_account_wallet_balance({"accountType": "UNIFIED"}), what
        )
        accounts = require_list(require_key(result, "list", what), f"{what} list")
        if not accounts:
            raise BadResponseError(f"{what}: no account in the answer")
        rows = []
        for account in accounts:
            coins = require_list(require_key(require_mapping(account, what), "coin", what),
                                 f"{what} coins")
            for coin in coins:
                coin = require_mapping(coin, what)
                asset = _asset(client, coin.get("coin"), what)
                total = amount(coin.get("equity"), f"{what} {asset} equity")
                locked = amount(coin.get("locked"), f"{what} {asset} locked", default=ZERO)
                rows.append(WalletBalance("spot", asset, total - locked, locked, total,
                                          "open_orders" if locked else None))
        return merge_rows(rows)

    async def read_funding(self, client: Any) -> list[WalletBalance]:
        what = "Bybit funding account balance"
        result = bybit_result(
            await client.private_get_v5_asset_transfer_query_account_coins_balance(
                {"accountType": "FUND"}
            ),
            what,
        )
        rows = []
        for coin in require_list(require_key(result, "balance", what), f"{what} balance"):
            coin = require_mapping(coin, what)
            asset = _asset(client, coin.get("coin"), what)
            total = amount(coin.get("walletBalance"), f"{what} {asset} walletBalance")
            movable = amount(coin.get("transferBalance"), f"{what} {asset} transferBalance",
                             default=total)
            locked = max(total - movable, ZERO)
            rows.append(WalletBalance("funding", asset, total - locked, locked, total,
                                      "frozen" if locked else None))
        return merge_rows(rows)

    async def _positions(self, client: Any, category: str, what: str) -> list[dict[str, Any]]:
        result = bybit_result(await client.private_get_v5_earn_position({"category": category}),
                              what)
        return [require_mapping(p, what)
                for p in require_list(require_key(result, "list", what), f"{what} list")]

    async def read_flexible_saving(self, client: Any) -> list[WalletBalance]:
        what = "Bybit Flexible Savings positions"
        rows = []
        for position in await self._positions(client, "FlexibleSaving", what):
            asset = _asset(client, position.get("coin"), what)
            total = amount(position.get("amount"), f"{what} {asset} amount")
            rows.append(WalletBalance("earn_flexible", asset, total, ZERO, total))
        return merge_rows(rows)

    async def read_onchain_earn(self, client: Any) -> list[WalletBalance]:
        what = "Bybit On-chain Earn positions"
        rows = []
        for position in await self._positions(client, "OnChain", what):
            asset = _asset(client, position.get("coin"), what)
            total = amount(position.get("amount"), f"{what} {asset} amount")
            settlement = position.get("settlementTime")
            if settlement not in (None, ""):
                ms = int(amount(settlement, f"{what} settlementTime"))
                unlock = to_storage(datetime.fromtimestamp(ms / 1000, UTC))
                rows.append(WalletBalance("staking", asset, ZERO, total, total, "locked_earn",
                                          unlock))
            elif position.get("status") == "Processing":
                rows.append(WalletBalance("staking", asset, ZERO, total, total, "processing"))
            else:
                rows.append(WalletBalance("staking", asset, total, ZERO, total))
        return merge_rows(rows)

    async def read_permissions(self, client: Any) -> KeyPermissions:
        what = "Bybit API key information"
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
