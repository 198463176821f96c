"""Bitget (classic account): spot, futures, cross/isolated margin and Savings.

Read with ccxt's implicit v2 endpoints (exact amounts, no market loading, no
``/api/v3/account/settings`` probe: ``options.uta`` is set):

* ``spot``: ``GET /api/v2/spot/account/assets``; total = ``available`` +
  ``frozen`` (open orders, Launchpad) + ``locked`` (e.g. fiat merchant
  deposit); the last two are locked.
* ``futures``: ``GET /api/v2/mix/account/accounts`` for each product type
  (USDT-, USDC- and COIN-FUTURES); per margin coin ``accountEquity`` is the
  total and what exceeds ``maxTransferOut`` (margin in positions and orders)
  is locked.
* ``margin``: ``GET /api/v2/margin/crossed/account/assets`` and
  ``.../isolated/account/assets``; the total is ``net`` (assets minus debt
  and interest, negative for a borrowed coin), ``frozen`` is locked.
* ``earn_flexible`` / ``earn_locked``: ``GET /api/v2/earn/savings/assets``
  with ``periodType`` flexible / fixed, paged by ``idLessThan``. Bitget gives
  a fixed product's ``period`` and ``holdDays`` but no end date, so
  ``unlock_at`` is estimated as the start of today plus the remaining days.
  Other Earn products (Shark Fin, ...) are found by difference: what the Earn
  account holds per coin (``GET /api/v2/earn/account/assets``) beyond both
  savings is added to ``earn_locked`` as ``earn_other_products`` (locked, end
  date unknown), so no Earn holding is left out.

Unified Trading Account (UTA): Bitget answers the classic v2 account
endpoints of a UTA account with ``40085`` and the v3 ones of a classic account
with ``40084``. The mode is learnt once from ``GET /api/v3/account/settings``
(success: unified; ``40084``: classic; any other failure is raised, never
guessed) and cached as a fact, so later syncs make no probe. In a UTA account
``spot`` is the unified account (``/api/v3/account/assets``: spot, margin and
futures collateral together; ``equity`` total, ``locked`` locked) and
``funding`` the funding account (``/api/v3/account/funding-assets``); the
classic ``futures`` and ``margin`` wallets then hold nothing of their own and
read as empty. A classic account has no separate funding wallet.

Key permissions: Bitget has no documented endpoint that ccxt exposes to read
a key's permissions, so they are reported as unknown.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any, ClassVar

from exposure_app.domain.balances import KeyPermissions, WalletBalance
from exposure_app.domain.money import ZERO
from exposure_app.domain.timeutil import start_of_day, to_storage, utc_now
from exposure_app.exchanges.adapters.account_mode import AccountMode, UnifiedModeAdapter
from exposure_app.exchanges.adapters.base import reads_wallet
from exposure_app.exchanges.balance_rows import BalanceFields, merge_rows
from exposure_app.exchanges.validation import (
    Envelope,
    amount,
    asset_code,
    require_key,
    require_list,
    require_mapping,
)

UTA_FACT = "bitget_uta"
PRODUCT_TYPES = ("USDT-FUTURES", "USDC-FUTURES", "COIN-FUTURES")
# Every answer: {"code": "00000", "msg": "success", "data": ...}; savings in pages of 100.
ENVELOPE = Envelope("Bitget", success=("00000",), page_size=100, max_pages=50)
bitget_data = ENVELOPE.data
bitget_list = ENVELOPE.data_list
# Balance lines. Classic spot: available plus frozen (open orders, Launchpad) and
# locked (e.g. a fiat merchant deposit). Unified: equity with its lock kept within
# it. Futures: accountEquity, of which what exceeds maxTransferOut is margin.
# Margin: net (assets less debt and interest), frozen locked.
SPOT_COIN = BalanceFields("coin", free="available", locked=("frozen", "locked"),
                          lock_reason="open_orders")
UNIFIED_COIN = BalanceFields("coin", total="equity", locked=("locked",), clamp=True,
                             lock_reason="open_orders")
FUNDING_COIN = BalanceFields("coin", total="balance", locked=("frozen",), lock_reason="frozen")
FUTURES_COIN = BalanceFields("marginCoin", total="accountEquity", movable="maxTransferOut",
                             lock_reason="margin")
MARGIN_COIN = BalanceFields("coin", total="net", locked=("frozen",), clamp=True,
                            lock_reason="open_orders")
SAVINGS_ITEM = BalanceFields("productCoin", total="holdAmount")
FIXED_SAVINGS_ITEM = BalanceFields("productCoin", total="holdAmount", all_locked=True,
                                   lock_reason="locked_earn")


async def _nothing(client: Any) -> list[WalletBalance]:
    return []


def _rows(data: Any, what: str) -> list[dict[str, Any]]:
    return [require_mapping(item, what) for item in require_list(data, f"{what} data")]


class BitgetAdapter(UnifiedModeAdapter):
    """Reads Bitget wallets; stateless, runs on the sync service's loop."""

    exchange_id: ClassVar[str] = "bitget"
    envelope: ClassVar[Envelope] = ENVELOPE

    def __init__(self) -> None:
        self.mode = AccountMode(UTA_FACT, self._probe_mode)

    def ccxt_options(self, cached: dict[str, Any]) -> dict[str, Any]:
        # ccxt's uta option pinned (account_mode.OWN_OPTION keeps the mode)
        return {"uta": False, "fetchMarkets": {"types": ["spot"]}, **super().ccxt_options(cached)}

    async def _probe_mode(self, client: Any) -> bool:
        try:
            bitget_data(await client.private_uta_get_v3_account_settings(),
                        "Bitget account settings")
            unified = True
        except Exception as exc:
            if '"40084"' not in str(exc):
                raise
            unified = False
        return unified

    async def _by_mode(self, client: Any, classic, unified) -> list[WalletBalance]:
        """Runs the reader for the account's mode; if Bitget says the mode changed
        (``40084``/``40085``), learns the mode again and retries once."""
        for attempt in (1, 2):
            reader = unified if await self.is_unified(client) else classic
            try:
                return await reader(client)
            except Exception as exc:
                text = str(exc)
                if attempt == 1 and ('"40084"' in text or '"40085"' in text):
                    self.mode.forget(client)
                    continue
                raise
        raise AssertionError("unreachable")  # pragma: no cover

    @reads_wallet("spot", may_owe=True)   # UTA equity
    async def read_spot(self, client: Any) -> list[WalletBalance]:
        return await self._by_mode(client, self._classic_spot, self._unified_spot)

    @reads_wallet("funding")
    async def read_funding(self, client: Any) -> list[WalletBalance]:
        # classic accounts keep funding in the spot account
        return await self._by_mode(client, _nothing, self._unified_funding)

    @reads_wallet("futures")
    async def read_futures(self, client: Any) -> list[WalletBalance]:
        # in a unified account futures collateral is part of the unified wallet
        return await self._by_mode(client, self._classic_futures, _nothing)

    @reads_wallet("margin")
    async def read_margin(self, client: Any) -> list[WalletBalance]:
        # in a unified account margin balances are part of the unified wallet
        return await self._by_mode(client, self._classic_margin, _nothing)

    async def _classic_spot(self, client: Any) -> list[WalletBalance]:
        what = "Bitget spot assets"
        return SPOT_COIN.rows(client, bitget_list(
            await client.private_spot_get_v2_spot_account_assets(), what), "spot", what)

    async def _unified_spot(self, client: Any) -> list[WalletBalance]:
        what = "Bitget unified account assets"
        data = require_mapping(
            bitget_data(await client.private_uta_get_v3_account_assets(), what), what
        )
        assets = require_list(require_key(data, "assets", what), f"{what} data")
        return UNIFIED_COIN.rows(client, assets, "spot", what)

    async def _unified_funding(self, client: Any) -> list[WalletBalance]:
        what = "Bitget funding assets"
        return FUNDING_COIN.rows(client, bitget_list(
            await client.private_uta_get_v3_account_funding_assets(), what), "funding", what)

    async def _classic_futures(self, client: Any) -> list[WalletBalance]:
        rows = []
        for product in PRODUCT_TYPES:
            what = f"Bitget {product} account"
            response = await client.private_mix_get_v2_mix_account_accounts(
                {"productType": product}
            )
            rows += FUTURES_COIN.rows(client, bitget_list(response, what), "futures", what)
        return merge_rows(rows)

    async def _classic_margin(self, client: Any) -> list[WalletBalance]:
        rows = []
        sources = (
            ("Bitget cross margin assets", client.private_margin_get_v2_margin_crossed_account_assets),
            ("Bitget isolated margin assets",
             client.private_margin_get_v2_margin_isolated_account_assets),
        )
        for what, call in sources:
            rows += MARGIN_COIN.rows(client, bitget_list(await call(), what), "margin", what)
        return merge_rows(rows)

    async def _savings(self, client: Any, period_type: str, what: str) -> list[dict[str, Any]]:
        return await self.once_per_read(f"savings-{period_type}",
                                lambda: self._fetch_savings(client, period_type, what))

    async def _fetch_savings(self, client: Any, period_type: str,
                             what: str) -> list[dict[str, Any]]:
        size = self.envelope.page_size

        async def page(before: Any) -> tuple[list[Any], Any]:
            params: dict[str, Any] = {"periodType": period_type, "limit": str(size)}
            if before is not None:
                params["idLessThan"] = str(before)
            data = require_mapping(
                bitget_data(await client.private_earn_get_v2_earn_savings_assets(params), what),
                what,
            )
            items = _rows(require_key(data, "resultList", what), what)
            end_id = data.get("endId")
            return items, None if len(items) < size or not end_id else end_id

        return await self.envelope.all_pages(page, what)

    @reads_wallet("earn_flexible")
    async def read_flexible_savings(self, client: Any) -> list[WalletBalance]:
        what = "Bitget flexible savings"
        return SAVINGS_ITEM.rows(client, await self._savings(client, "flexible", what),
                                 "earn_flexible", what)

    @reads_wallet("earn_locked")
    async def read_fixed_savings(self, client: Any) -> list[WalletBalance]:
        what = "Bitget fixed savings"
        today = start_of_day(utc_now())
        rows = []
        for item in await self._savings(client, "fixed", what):
            period = amount(item.get("period"), f"{what} period", default=ZERO)
            held = amount(item.get("holdDays"), f"{what} holdDays", default=ZERO)
            unlock_at = None
            if period > 0:
                unlock_at = to_storage(today + timedelta(days=int(max(period - held, ZERO))))
            rows.append(FIXED_SAVINGS_ITEM.row(client, item, "earn_locked", what,
                                               unlock_at=unlock_at))
        # whatever else the Earn account holds (Shark Fin and other products)
        savings: dict[str, Decimal] = {}
        for row in rows + await self.read_flexible_savings(client):
            savings[row.asset] = savings.get(row.asset, ZERO) + row.total
        what = "Bitget Earn account assets"
        response = await client.private_earn_get_v2_earn_account_assets()
        for entry in _rows(bitget_data(response, what), what):
            asset = asset_code(client, entry.get("coin"), what)
            held = amount(entry.get("amount"), f"{what} {asset} amount")
            other = held - savings.get(asset, ZERO)
            if other > 0:
                rows.append(WalletBalance("earn_locked", asset, ZERO, other, other,
                                          "earn_other_products"))
        return merge_rows(rows)

    async def read_permissions(self, client: Any) -> KeyPermissions:
        return KeyPermissions.unknown(
            "Bitget does not report an API key's permissions through its API"
        )
