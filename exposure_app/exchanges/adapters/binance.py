"""Binance: every wallet a user can hold, read through ccxt's implicit endpoints.

Wallets (stored names): ``spot`` (GET api/v3/account), ``funding`` (POST
sapi/v1/asset/get-funding-asset), ``margin`` (cross margin, GET
sapi/v1/margin/account), ``margin_isolated`` (GET sapi/v1/margin/isolated/account,
every pair's base and quote summed per asset), ``futures`` (USDⓈ-M, GET fapi/v3/account),
``futures_coinm`` (GET dapi/v1/account), ``earn_flexible`` and ``earn_locked``
(Simple Earn positions) and ``staking`` (sapi/v1/staking/position).

The implicit endpoints are used rather than unified ``fetch_balance`` because
they need no market list (no ``exchangeInfo`` pre-call), keep the exchange's
exact decimal strings, and reach the earn and staking wallets that unified
balances do not cover. Binance's own per-wallet valuation
(sapi/v1/asset/wallet/balance) is read alongside: a wallet it lists with value
that none of the above reads (Options, Trading Bots, Copy Trading...) makes the
snapshot partial, naming it, so the total is never silently short.

Flexible Simple Earn shows in the spot account as an ``LD<asset>`` receipt;
those receipts are dropped from spot so the position is counted once, in
``earn_flexible``.

Key permissions come from GET sapi/v1/account/apiRestrictions.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, ClassVar

from exposure_app.domain.balances import AccountReading, KeyPermissions, WalletBalance
from exposure_app.domain.labels import OTHER_WALLET_PREFIX
from exposure_app.domain.money import ZERO
from exposure_app.exchanges.adapters.base import ExchangeAdapter, WalletSpec, permission_level
from exposure_app.exchanges.balance_rows import BalanceFields, merge_rows
from exposure_app.exchanges.errors import ErrorKind, SyncError, make_error
from exposure_app.exchanges.validation import (
    Envelope,
    amount,
    require_key,
    require_list,
    require_mapping,
)

# Binance's wallet names in sapi/v1/asset/wallet/balance that the wallets above
# read; any other wallet holding value is reported as not covered.
OVERVIEW_WALLETS = frozenset({
    "Spot", "Funding", "Cross Margin", "Isolated Margin", "USDⓈ-M Futures", "COIN-M Futures",
    "Earn",
})

# Our wallet -> its line in that overview ("Earn" covers all three earn wallets).
OVERVIEW_NAMES = {
    "funding": "Funding", "margin": "Cross Margin", "margin_isolated": "Isolated Margin",
    "futures": "USDⓈ-M Futures", "futures_coinm": "COIN-M Futures",
    "earn_flexible": "Earn", "earn_locked": "Earn", "staking": "Earn",
}

# Real tokens whose symbol happens to start with "LD" (not earn receipts).
REAL_LD_TOKENS = frozenset({"LDO"})

MSG_2015 = (
    "Binance rejected the API key: the key or secret is wrong, this computer's IP address "
    "is not on the key's IP whitelist, or the key lacks a needed permission. Check the key "
    "on Binance's API Management page (IP access restrictions and 'Enable Reading')."
)

# Bare JSON bodies (errors: {"code": -2015, "msg": ...}, mapped by ccxt); Simple
# Earn and staking positions in pages of 100.
ENVELOPE = Envelope("Binance", code_key=None, data_key=None, page_size=100)


# Where each wallet's lines keep their figures. Margin lines are net of debt
# (netAsset), their open orders kept within it; a futures line's locked part is
# the margin balance it cannot withdraw.
SPOT_LINE = BalanceFields("asset", free="free", locked=("locked",), lock_reason="open_orders")
FUNDING_LINE = BalanceFields("asset", free="free", locked=("locked", "freeze", "withdrawing"),
                             lock_reason="frozen")
MARGIN_LINE = BalanceFields("asset", total="netAsset", locked=("locked",), clamp=True,
                            lock_reason="open_orders")
FUTURES_LINE = BalanceFields("asset", total="marginBalance", movable="maxWithdrawAmount",
                             lock_reason="margin")
FLEXIBLE_POSITION = BalanceFields("asset", total="totalAmount")
LOCKED_POSITION = BalanceFields("asset", total="amount", all_locked=True, lock_reason="locked_earn")
STAKING_POSITION = replace(LOCKED_POSITION, lock_reason="staking")


def _held(rows: list[WalletBalance]) -> list[WalletBalance]:
    """The rows that hold anything (Binance lists empty lines too)."""
    return [r for r in rows if r.free or r.locked]


def _unlock_date(value: Any) -> str | None:
    try:
        ms = int(str(value))
    except (TypeError, ValueError):
        return None
    if ms <= 0:
        return None
    return datetime.fromtimestamp(ms / 1000, UTC).date().isoformat()


class BinanceAdapter(ExchangeAdapter):
    exchange_id = "binance"
    envelope: ClassVar[Envelope] = ENVELOPE
    sibling_ids = ("binanceusdm", "binancecoinm")

    def ccxt_options(self, cached: dict[str, Any]) -> dict[str, Any]:
        # markets are only needed for pricing; keep that load to one exchangeInfo call
        return {
            "fetchCurrencies": False,
            "fetchMargins": False,
            "fetchMarkets": {"types": ["spot"]},
            "defaultType": "spot",
        }

    def ccxt_config(self) -> dict[str, Any]:
        # Binance limits request *weight per minute*; ccxt's default leaky bucket
        # spaces every call by weight x 50 ms (two Simple Earn calls alone take
        # 1.5 s). The rolling window keeps the same per-minute budget but lets
        # one sync's dozen calls go out together.
        return {"rateLimiterAlgorithm": "rollingWindow", "rollingWindowSize": 60000}

    def wallets(self) -> list[WalletSpec]:
        return [
            WalletSpec("spot", self.read_spot),
            WalletSpec("funding", self._guard("funding", self.read_funding)),
            WalletSpec("margin", self._guard("margin", self.read_margin)),
            WalletSpec("margin_isolated", self._guard("margin_isolated", self.read_isolated)),
            WalletSpec("futures", self._guard("futures", self.read_usdm)),
            WalletSpec("futures_coinm", self._guard("futures_coinm", self.read_coinm)),
            WalletSpec("earn_flexible", self._guard("earn_flexible", self.read_flexible)),
            WalletSpec("earn_locked", self._guard("earn_locked", self.read_locked)),
            WalletSpec("staking", self._guard("staking", self.read_staking)),
        ]

    def classify(self, exc: BaseException, client: Any) -> SyncError:
        text = str(exc)
        if '"code":-2015' in text.replace(" ", ""):
            return SyncError(ErrorKind.AUTH, MSG_2015)
        return super().classify(exc, client)

    def _guard(self, wallet: str, reader):
        """A -2015 on a secondary wallet means that wallet is not allowed for the
        key (the spot call tells whether the key as a whole is bad)."""

        async def read(client: Any) -> list[WalletBalance]:
            try:
                return await reader(client)
            except SyncError:
                raise
            except Exception as exc:
                error = self.classify(exc, client)
                if error.kind is ErrorKind.AUTH:
                    raise make_error(
                        ErrorKind.PERMISSION, self.exchange_id,
                    ) from None
                raise error from None

        return read

    # -- wallets -----------------------------------------------------------------

    async def read_spot(self, client: Any) -> list[WalletBalance]:
        data = require_mapping(
            await client.private_get_account({"omitZeroBalances": "true"}), "spot account"
        )
        balances = require_list(require_key(data, "balances", "spot account"), "spot balances")
        return _held(SPOT_LINE.rows(client, balances, "spot", "spot"))

    async def read_funding(self, client: Any) -> list[WalletBalance]:
        data = require_list(await client.sapi_post_asset_get_funding_asset(), "funding wallet")
        return _held(FUNDING_LINE.rows(client, data, "funding", "funding"))

    async def read_margin(self, client: Any) -> list[WalletBalance]:
        data = require_mapping(await client.sapi_get_margin_account(), "margin account")
        assets = require_list(require_key(data, "userAssets", "margin account"), "margin")
        return _held(MARGIN_LINE.rows(client, assets, "margin", "margin"))

    async def read_isolated(self, client: Any) -> list[WalletBalance]:
        data = require_mapping(await client.sapi_get_margin_isolated_account(),
                               "isolated margin account")
        sides = []
        for pair in require_list(require_key(data, "assets", "isolated margin"), "isolated"):
            pair = require_mapping(pair, "isolated margin pair")
            sides += [require_key(pair, side, "isolated margin pair")
                      for side in ("baseAsset", "quoteAsset")]
        return _held(MARGIN_LINE.rows(client, sides, "margin_isolated", "isolated margin"))

    @staticmethod
    def _futures(client: Any, response: Any, wallet: str) -> list[WalletBalance]:
        data = require_mapping(response, f"{wallet} account")
        assets = require_list(require_key(data, "assets", f"{wallet} account"), wallet)
        return _held(FUTURES_LINE.rows(client, assets, wallet, wallet))

    async def read_usdm(self, client: Any) -> list[WalletBalance]:
        return self._futures(client, await client.fapiprivatev3_get_account(), "futures")

    async def read_coinm(self, client: Any) -> list[WalletBalance]:
        return self._futures(client, await client.dapiprivate_get_account(), "futures_coinm")

    async def _paged(self, call, what: str) -> list[dict[str, Any]]:
        size = self.envelope.page_size
        count = 0

        async def page(number: int) -> tuple[list[Any], int | None]:
            nonlocal count
            data = require_mapping(await call({"current": number, "size": size}), what)
            batch = [require_mapping(r, what)
                     for r in require_list(require_key(data, "rows", what), what)]
            count += len(batch)
            total = int(amount(data.get("total"), f"{what} total", default=Decimal(count)))
            return batch, None if len(batch) < size or count >= total else number + 1

        return await self.envelope.all_pages(page, what, first=1)

    async def read_flexible(self, client: Any) -> list[WalletBalance]:
        positions = await self._paged(client.sapi_get_simple_earn_flexible_position,
                                      "flexible earn positions")
        return _held(FLEXIBLE_POSITION.rows(client, positions, "earn_flexible", "flexible earn"))

    @staticmethod
    def _locked_row(client: Any, fields: BalanceFields, wallet: str,
                    entry: dict[str, Any]) -> WalletBalance:
        unlock = _unlock_date(entry.get("redeemDate") or entry.get("endTime"))
        return fields.row(client, entry, wallet, wallet, unlock_at=unlock)

    async def read_locked(self, client: Any) -> list[WalletBalance]:
        entries = await self._paged(client.sapi_get_simple_earn_locked_position,
                                    "locked earn positions")
        return merge_rows([self._locked_row(client, LOCKED_POSITION, "earn_locked", e)
                           for e in entries])

    async def read_staking(self, client: Any) -> list[WalletBalance]:
        data = require_list(
            await client.sapi_get_staking_position({"product": "STAKING",
                                                    "size": self.envelope.page_size}),
            "staking positions",
        )
        entries = [require_mapping(e, "staking position") for e in data]
        return merge_rows([self._locked_row(client, STAKING_POSITION, "staking", e)
                           for e in entries])

    # -- receipts ------------------------------------------------------------------

    async def wallet_overview(self, client: Any) -> dict[str, Decimal] | None:
        """Binance's own per-wallet BTC valuation (sapi/v1/asset/wallet/balance), or
        ``None`` when it cannot be read (it only cross-checks; never fails a sync)."""
        try:
            data = require_list(await client.sapi_get_asset_wallet_balance(), "wallet overview")
            return {
                str(require_key(e, "walletName", "wallet overview")):
                    amount(e.get("balance"), "wallet overview balance", default=ZERO)
                for e in (require_mapping(x, "wallet overview") for x in data)
            }
        except Exception:   # the wallets themselves were read; this is only a check
            return None

    async def read_balances(self, client: Any) -> AccountReading:
        results = await asyncio.gather(
            super().read_balances(client), self.wallet_overview(client), return_exceptions=True
        )
        if isinstance(results[0], BaseException):
            raise results[0]
        reading: AccountReading = results[0]
        overview = results[1] if isinstance(results[1], dict) else None
        missing = dict(reading.missing)
        skipped = dict(reading.skipped)
        for wallet in list(missing):
            # Binance answers -2015 for wallets a key may not open (futures on keys
            # made before the futures account existed...). Its own overview tells
            # whether such a wallet holds anything: if it is empty, nothing is missing.
            name = OVERVIEW_NAMES.get(wallet)
            if overview is not None and name in overview and overview[name] == 0:
                skipped[wallet] = (f"not readable with this key ({missing.pop(wallet)}); "
                                   f"Binance's wallet overview shows '{name}' empty")
        for name, btc in sorted((overview or {}).items()):
            if name not in OVERVIEW_WALLETS and btc > 0:
                missing[f"{OTHER_WALLET_PREFIX}{name}"] = (
                    f"Binance reports about {btc.normalize():f} BTC in its '{name}' wallet, "
                    "which Exposure cannot read; it is not in the total."
                )

        def is_receipt(row: WalletBalance) -> bool:
            # With the flexible wallet read, its positions are the truth; when it
            # failed, its rows are carried forward from the last snapshot. Either
            # way a receipt kept in spot would count the position twice.
            return (row.wallet == "spot" and row.asset.startswith("LD")
                    and row.asset not in REAL_LD_TOKENS)

        balances = tuple(b for b in reading.balances if not is_receipt(b))
        return AccountReading(
            balances=balances, coverage=reading.coverage, missing=missing,
            permissions=reading.permissions, skipped=skipped,
            coverage_note=reading.coverage_note,
        )

    # -- permissions -------------------------------------------------------------------

    async def read_permissions(self, client: Any) -> KeyPermissions:
        data = require_mapping(await client.sapi_get_account_apirestrictions(),
                               "API key restrictions")
        if "enableReading" not in data:
            raise SyncError(ErrorKind.BAD_RESPONSE, "Binance's key restrictions lack enableReading")
        trade = any(bool(data.get(k)) for k in (
            "enableSpotAndMarginTrading", "enableMargin", "enableFutures",
            "enableVanillaOptions", "enablePortfolioMarginTrading",
        ))
        withdraw = bool(data.get("enableWithdrawals"))
        transfer = bool(data.get("enableInternalTransfer") or data.get("permitsUniversalTransfer"))
        level = permission_level(can_withdraw=withdraw, can_trade=trade)
        enabled = [k for k, v in sorted(data.items()) if k.startswith(("enable", "permits")) and v]
        return KeyPermissions(
            level=level, can_trade=trade, can_withdraw=withdraw, can_transfer=transfer,
            ip_restricted=bool(data.get("ipRestrict")),
            source="sapi/v1/account/apiRestrictions",
            detail="enabled: " + (", ".join(enabled) if enabled else "nothing"),
        )
