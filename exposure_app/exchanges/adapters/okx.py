"""OKX: trading (unified) account, funding account, Simple Earn and On-chain Earn.

Every wallet is read with ccxt's implicit v5 endpoints rather than the unified
``fetch_balance``: the raw strings stay exact ``Decimal`` and no market
loading happens (``fetch_balance`` would first load instruments of four
types). Endpoints (www.okx.com/docs-v5/en):

* ``spot``: ``GET /api/v5/account/balance``, the trading account. In OKX's
  unified account this one account holds spot, margin and derivatives
  collateral; ``eq`` (equity, liabilities and unrealised PnL included) is the
  total and ``frozenBal`` (open orders and other freezes) the locked part.
* ``funding``: ``GET /api/v5/asset/balances`` (``bal``, ``frozenBal``).
* ``earn_flexible``: ``GET /api/v5/finance/savings/balance`` (``amt``, which
  includes earnings).
* ``staking``: ``GET /api/v5/finance/staking-defi/orders-active`` (On-chain
  Earn). A fixed-term order (``term`` > 0) is locked until ``purchasedTime``
  plus ``term`` days; an order being redeemed (``state`` 2) is locked too.

Not read, on purpose: ETH and SOL staking balances
(``/finance/staking-defi/eth|sol/balance``) report BETH/OKSOL, which already
sit in the funding or trading account as tokens; reading them again would
count them twice. Likewise Stable Rewards (``/finance/stable-rewards/balance``)
reports stablecoins held "across the account (trading account, funding
account, and in-progress redemptions combined)". OKX Simple Earn Fixed
(fixed-term lending) has no read endpoint in ccxt 4.5.90 and is not covered.

Key permissions come from ``GET /api/v5/account/config`` (``perm``:
``read_only``, ``trade``, ``withdraw``; ``ip`` lists bound addresses).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any, ClassVar

from exposure_app.domain.balances import KeyPermissions, WalletBalance
from exposure_app.domain.money import ZERO
from exposure_app.domain.timeutil import to_storage
from exposure_app.exchanges.adapters.base import ExchangeAdapter, permission_level, reads_wallet
from exposure_app.exchanges.balance_rows import BalanceFields, merge_rows, nested_entries
from exposure_app.exchanges.errors import BadResponseError, ErrorKind
from exposure_app.exchanges.validation import (
    Envelope,
    amount,
    require_key,
    require_list,
    require_mapping,
)

# Every v5 answer: {"code": "0", "msg": "", "data": [...]}. 50030 "You don't
# have permission to use this API endpoint" is not in ccxt's OKX error map, so
# it arrives as a plain ExchangeError.
ENVELOPE = Envelope("OKX", success=("0",), error_codes={"50030": ErrorKind.PERMISSION})
okx_data = ENVELOPE.data_list
# Balance lines: the trading account's equity (eq) nets liabilities; frozenBal is locked.
TRADING = BalanceFields("ccy", total="eq", locked=("frozenBal",), lock_reason="open_orders")
FUNDING = BalanceFields("ccy", total="bal", locked=("frozenBal",), lock_reason="frozen")
SAVINGS = BalanceFields("ccy", total="amt")
# An On-chain Earn order's legs read like savings lines (a flexible order's are free);
# a fixed-term order's are locked whole, as are a flexible one's being redeemed.
FIXED_LEG = replace(SAVINGS, all_locked=True, lock_reason="locked_earn")
REDEEMING_LEG = replace(FIXED_LEG, lock_reason="redeeming")


class OkxAdapter(ExchangeAdapter):
    """Reads OKX wallets; stateless, runs on the sync service's loop."""

    exchange_id: ClassVar[str] = "okx"
    envelope: ClassVar[Envelope] = ENVELOPE

    def ccxt_options(self, cached: dict[str, Any]) -> dict[str, Any]:
        # The readers use implicit endpoints and never load markets; should
        # anything call load_markets (prices through fetch_tickers), only spot
        # instruments are fetched, not futures, swaps and two option families.
        return {"fetchMarkets": {"types": ["spot"]}}

    @reads_wallet("spot", may_owe=True)   # eq nets liabilities
    async def read_trading(self, client: Any) -> list[WalletBalance]:
        what = "OKX trading account balance"
        accounts = okx_data(await client.private_get_account_balance(), what)
        return TRADING.rows(client, nested_entries(accounts, "details", what, list_what="details"),
                            "spot", what)

    @reads_wallet("funding")
    async def read_funding(self, client: Any) -> list[WalletBalance]:
        what = "OKX funding account balance"
        return FUNDING.rows(client, okx_data(await client.private_get_asset_balances(), what),
                            "funding", what)

    @reads_wallet("earn_flexible")
    async def read_savings(self, client: Any) -> list[WalletBalance]:
        what = "OKX Simple Earn balance"
        return SAVINGS.rows(client,
                            okx_data(await client.private_get_finance_savings_balance(), what),
                            "earn_flexible", what)

    @reads_wallet("staking")
    async def read_onchain_earn(self, client: Any) -> list[WalletBalance]:
        what = "OKX On-chain Earn orders"
        rows = []
        data = okx_data(await client.private_get_finance_staking_defi_orders_active(), what)
        for order in data:
            order = require_mapping(order, what)
            term = int(amount(order.get("term"), f"{what} term", default=ZERO))
            redeeming = str(order.get("state")) == "2"
            unlock_at = None
            if term > 0:
                purchased = amount(order.get("purchasedTime"), f"{what} purchasedTime")
                start = datetime.fromtimestamp(int(purchased) / 1000, UTC)
                unlock_at = to_storage(start + timedelta(days=term))
            invested = require_list(require_key(order, "investData", what), f"{what} investData")
            leg_fields = FIXED_LEG if term > 0 else (REDEEMING_LEG if redeeming else SAVINGS)
            for leg in invested:
                rows.append(leg_fields.row(client, require_mapping(leg, what), "staking", what,
                                           unlock_at=unlock_at))
        return merge_rows(rows)

    async def read_permissions(self, client: Any) -> KeyPermissions:
        what = "OKX account configuration"
        data = okx_data(await client.private_get_account_config(), what)
        if not data:
            raise BadResponseError(f"{what}: empty")
        config = require_mapping(data[0], what)
        perm = require_key(config, "perm", what)
        if not isinstance(perm, str):
            raise BadResponseError(f"{what}: 'perm' is not text")
        granted = {p.strip() for p in perm.split(",") if p.strip()}
        can_trade = "trade" in granted
        can_withdraw = "withdraw" in granted
        ip = config.get("ip")
        return KeyPermissions(
            level=permission_level(can_withdraw=can_withdraw, can_trade=can_trade,
                                   read_only=granted == {"read_only"}),
            can_trade=can_trade,
            can_withdraw=can_withdraw,
            ip_restricted=bool(ip) if isinstance(ip, str) else None,
            source="GET /api/v5/account/config",
            detail=f"perm={perm}",
        )

