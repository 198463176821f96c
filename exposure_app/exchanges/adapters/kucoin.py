"""KuCoin (classic account): funding, trading, margin, futures and Earn.

Read with ccxt's implicit endpoints (exact amounts, no market loading, no
``/api/ua/v1/account/mode`` probe: ``options.uta`` is set):

* ``spot`` and ``funding``: one ``GET /api/v1/accounts`` (all account types):
  ``trade`` and ``trade_hf`` accounts are the spot wallet, ``main`` the
  funding wallet; ``holds`` is locked. (``margin`` accounts listed there are
  read with their debt below instead.)
* ``margin``: ``GET /api/v3/margin/accounts`` (cross) and
  ``GET /api/v3/isolated/accounts``; the total is ``total`` minus
  ``liability`` (negative for a borrowed coin), ``hold`` is locked.
* ``futures``: ``GET /api/v1/account-overview-all`` on the futures host
  through the same client (the ``kucoin`` class has the futures endpoints;
  no separate ``kucoinfutures`` client is needed). ``accountEquity`` is the
  total; what exceeds ``availableBalance`` (position and order margin,
  frozen funds) is locked. ``XBT`` is Bitcoin.
* ``earn_flexible`` / ``earn_locked`` / ``staking``: ``GET /api/v1/earn/hold-assets``
  (all pages, read once per sync and split): STAKING, KCS_STAKING and ETH2
  products are staking; other fixed-term (``productType`` TIME) products are
  locked earn; the rest flexible. Fixed-term holdings are locked until
  ``lockEndTime``; amounts being redeemed are locked too.

Unified Trading Account (UTA): the mode is read once from
``GET /api/ua/v1/account/mode`` (``selfAccountMode``) and cached as a fact. In
a UTA account ``spot`` is the unified account
(``GET /api/ua/v1/unified/account/balance``: ``equity`` total, ``hold``
locked) and ``funding`` the FUNDING account
(``GET /api/ua/v1/account/balance?accountType=FUNDING``); margin and futures
collateral live in the unified account, so those wallets hold nothing of
their own. Earn is read the same way in both modes.

Key permissions: ``GET /api/v1/user/api-key`` (``permission`` such as
``General,Spot,Margin,Futures,Earn,InnerTransfer,Transfer``; ``General`` alone
is read-only, ``Transfer``/``Withdrawal`` allow withdrawals).
"""

from __future__ import annotations

from typing import Any, ClassVar

from exposure_app.domain.balances import KeyPermissions, WalletBalance
from exposure_app.domain.money import ZERO
from exposure_app.exchanges.adapters.account_mode import AccountMode, UnifiedModeAdapter
from exposure_app.exchanges.adapters.base import permission_level, reads_wallet
from exposure_app.exchanges.balance_rows import BalanceFields, merge_rows, nested_entries, unlock_from_ms
from exposure_app.exchanges.errors import BadResponseError
from exposure_app.exchanges.validation import (
    Envelope,
    amount,
    require_key,
    require_list,
    require_mapping,
)

UTA_FACT = "kucoin_uta"
STAKING_CATEGORIES = frozenset({"STAKING", "KCS_STAKING", "ETH2"})
TRADE_PERMISSIONS = frozenset({"Spot", "Margin", "Futures", "Earn", "LeveragedToken"})
WITHDRAW_PERMISSIONS = frozenset({"Transfer", "Withdrawal", "Withdraw"})
TRANSFER_PERMISSIONS = frozenset({"InnerTransfer", "FlexTransfers"})
# Every answer: {"code": "200000", "data": ...}; Earn holdings come in pages of 500.
ENVELOPE = Envelope("KuCoin", success=("200000",), page_size=500, max_pages=50)
kucoin_data = ENVELOPE.data
# the futures host names Bitcoin XBT
ALIASES = {"XBT": "BTC"}
# Balance lines: an account's balance with its holds; a unified currency's equity (its
# balance where no equity is given) with its hold kept within it; a margin currency's
# total less its liability (negative for a borrowed coin), hold locked; a futures
# currency's accountEquity, of which what exceeds availableBalance is margin.
ACCOUNT_LINE = BalanceFields("currency", total="balance", locked=("holds",),
                             lock_reason="open_orders", aliases=ALIASES)
UNIFIED_LINE = BalanceFields("currency", total="equity", total_else="balance", locked=("hold",),
                             clamp=True, lock_reason="open_orders", aliases=ALIASES)
MARGIN_LINE = BalanceFields("currency", total="total", debt="liability", locked=("hold",),
                            clamp=True, lock_reason="open_orders", aliases=ALIASES)
FUTURES_LINE = BalanceFields("currency", total="accountEquity", movable="availableBalance",
                             lock_reason="margin", aliases=ALIASES)
# An Earn holding: what is being redeemed is locked; a fixed-term one is locked whole.
EARN_ITEM = BalanceFields("currency", total="holdAmount", locked=("redeemingAmount",), clamp=True,
                          lock_reason="redeeming", aliases=ALIASES)
FIXED_EARN_ITEM = BalanceFields("currency", total="holdAmount", all_locked=True,
                                lock_reason="locked_earn", aliases=ALIASES)


def _mappings(value: Any, what: str) -> list[dict[str, Any]]:
    return [require_mapping(item, what) for item in require_list(value, f"{what} list")]


class KucoinAdapter(UnifiedModeAdapter):
    """Reads KuCoin wallets on the sync service's loop.

    Two wallets share one ``/api/v1/accounts`` answer and three share the Earn
    holdings: each is fetched once per :meth:`read_balances` (a future kept
    for that call only), so a sync makes one request per endpoint.
    """

    exchange_id: ClassVar[str] = "kucoin"
    envelope: ClassVar[Envelope] = ENVELOPE

    def __init__(self) -> None:
        self.mode = AccountMode(UTA_FACT, self._probe_mode)

    def ccxt_options(self, cached: dict[str, Any]) -> dict[str, Any]:
        options: dict[str, Any] = {
            "uta": False,
            "hf": False,   # our readers list every account type; skips ccxt's hf probe
            "fetchMarkets": {"types": ["spot"], "fetchTickersFees": False},
        }
        return {**options, **super().ccxt_options(cached)}

    async def _probe_mode(self, client: Any) -> bool:
        what = "KuCoin account mode"
        data = require_mapping(kucoin_data(await client.utaprivate_get_account_mode(), what),
                               what)
        mode = require_key(data, "selfAccountMode", what)
        if mode not in ("UNIFIED", "CLASSIC"):
            raise BadResponseError(f"{what}: unknown mode {mode!r}")
        return mode == "UNIFIED"

    # -- spot and funding ------------------------------------------------------------

    async def _accounts(self, client: Any) -> list[dict[str, Any]]:
        what = "KuCoin accounts"

        async def fetch() -> list[dict[str, Any]]:
            return _mappings(kucoin_data(await client.private_get_accounts(), what), what)

        return await self.once_per_read("accounts", fetch)

    def _account_rows(self, client: Any, accounts, types: tuple[str, ...], wallet: str):
        return ACCOUNT_LINE.rows(client, [e for e in accounts if e.get("type") in types],
                                 wallet, f"KuCoin {wallet} accounts")

    @reads_wallet("spot")
    async def read_spot(self, client: Any) -> list[WalletBalance]:
        if await self.is_unified(client):
            what = "KuCoin unified account balance"
            response = await client.utaprivate_get_accountmode_account_balance(
                {"accountMode": "unified"}
            )
            return self._uta_rows(client, response, "spot", what)
        return self._account_rows(client, await self._accounts(client), ("trade", "trade_hf"),
                                  "spot")

    @reads_wallet("funding")
    async def read_funding(self, client: Any) -> list[WalletBalance]:
        if await self.is_unified(client):
            what = "KuCoin funding account balance"
            response = await client.utaprivate_get_account_balance({"accountType": "FUNDING"})
            return self._uta_rows(client, response, "funding", what)
        return self._account_rows(client, await self._accounts(client), ("main",), "funding")

    def _uta_rows(self, client: Any, response: Any, wallet: str, what: str):
        data = require_mapping(kucoin_data(response, what), what)
        accounts = _mappings(require_key(data, "accounts", what), what)
        currencies = nested_entries(accounts, "currencies", what, list_what="list",
                                    allow_empty=True)
        return UNIFIED_LINE.rows(client, currencies, wallet, what)

    # -- margin and futures --------------------------------------------------------------

    @reads_wallet("margin")
    async def read_margin(self, client: Any) -> list[WalletBalance]:
        if await self.is_unified(client):
            return []   # cross margin is part of the unified account
        what = "KuCoin cross margin account"
        cross = require_mapping(kucoin_data(await client.private_get_margin_accounts(), what), what)
        rows = MARGIN_LINE.rows(client, _mappings(require_key(cross, "accounts", what), what),
                                "margin", what)
        what = "KuCoin isolated margin accounts"
        isolated = require_mapping(kucoin_data(await client.private_get_isolated_accounts(), what),
                                   what)
        sides = [require_key(pair, side, what)
                 for pair in _mappings(require_key(isolated, "assets", what), what)
                 for side in ("baseAsset", "quoteAsset")]
        return merge_rows(rows + MARGIN_LINE.rows(client, sides, "margin", what))

    @reads_wallet("futures")
    async def read_futures(self, client: Any) -> list[WalletBalance]:
        if await self.is_unified(client):
            return []   # futures collateral is part of the unified account
        what = "KuCoin futures account overview"
        data = require_mapping(
            kucoin_data(await client.futuresprivate_get_account_overview_all(), what), what
        )
        return FUTURES_LINE.rows(client, _mappings(require_key(data, "accounts", what), what),
                                 "futures", what)

    # -- earn ------------------------------------------------------------------------------

    async def _earn_items(self, client: Any) -> list[dict[str, Any]]:
        what = "KuCoin Earn holdings"

        async def page(number: int) -> tuple[list[Any], int | None]:
            data = self.envelope.data_mapping(await client.earn_get_earn_hold_assets(
                {"currentPage": number, "pageSize": self.envelope.page_size}), what)
            items = _mappings(require_key(data, "items", what), what)
            total_pages = int(amount(data.get("totalPage"), f"{what} totalPage", default=ZERO))
            return items, None if number >= total_pages else number + 1

        return await self.once_per_read("earn",
                                        lambda: self.envelope.all_pages(page, what, first=1))

    def _earn_rows(self, client: Any, items, wallet: str) -> list[WalletBalance]:
        what = f"KuCoin Earn holdings ({wallet})"
        rows = []
        for item in items:
            staking = item.get("productCategory") in STAKING_CATEGORIES
            fixed = item.get("productType") == "TIME"
            item_wallet = "staking" if staking else ("earn_locked" if fixed else "earn_flexible")
            if item_wallet != wallet:
                continue
            lock_end = item.get("lockEndTime")
            if fixed or lock_end:
                unlock = None
                if lock_end not in (None, ""):
                    unlock = unlock_from_ms(lock_end, f"{what} lockEndTime")
                rows.append(FIXED_EARN_ITEM.row(client, item, wallet, what, unlock_at=unlock))
            else:
                rows.append(EARN_ITEM.row(client, item, wallet, what))
        return merge_rows(rows)

    @reads_wallet("earn_flexible")
    async def read_earn_flexible(self, client: Any) -> list[WalletBalance]:
        return self._earn_rows(client, await self._earn_items(client), "earn_flexible")

    @reads_wallet("earn_locked")
    async def read_earn_locked(self, client: Any) -> list[WalletBalance]:
        return self._earn_rows(client, await self._earn_items(client), "earn_locked")

    @reads_wallet("staking")
    async def read_staking(self, client: Any) -> list[WalletBalance]:
        return self._earn_rows(client, await self._earn_items(client), "staking")

    # -- permissions -------------------------------------------------------------------------

    async def read_permissions(self, client: Any) -> KeyPermissions:
        what = "KuCoin API key information"
        data = require_mapping(kucoin_data(await client.private_get_user_api_key(), what), what)
        permission = require_key(data, "permission", what)
        if not isinstance(permission, str):
            raise BadResponseError(f"{what}: 'permission' is not text")
        granted = {p.strip() for p in permission.split(",") if p.strip()}
        can_trade = bool(granted & TRADE_PERMISSIONS)
        can_withdraw = bool(granted & WITHDRAW_PERMISSIONS)
        can_transfer = bool(granted & TRANSFER_PERMISSIONS) or can_withdraw
        known = {"General"} | TRADE_PERMISSIONS | WITHDRAW_PERMISSIONS | TRANSFER_PERMISSIONS
        # a permission name we do not know leaves the level unknown
        read_only = granted <= known and "General" in granted
        whitelist = data.get("ipWhitelist")
        return KeyPermissions(
            level=permission_level(can_withdraw=can_withdraw, can_trade=can_trade,
                                   read_only=read_only),
            can_trade=can_trade,
            can_withdraw=can_withdraw,
            can_transfer=can_transfer,
            ip_restricted=bool(whitelist) if isinstance(whitelist, str) else None,
            source="GET /api/v1/user/api-key",
            detail=f"permission={permission}",
        )
