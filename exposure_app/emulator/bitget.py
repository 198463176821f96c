"""Bitget v2 REST emulator (classic account).

Wire format from Bitget's API documentation (www.bitget.com/api-doc):

* Private requests carry ``ACCESS-KEY``, ``ACCESS-SIGN``, ``ACCESS-TIMESTAMP``
  (ms) and ``ACCESS-PASSPHRASE``; the signature is base64(HMAC-SHA256(secret,
  timestamp + METHOD + requestPath + "?" + queryString + body)). A timestamp
  more than 30 seconds off is ``40008`` "Request timestamp expired".
* Answers are ``{"code": "00000", "msg": "success", "requestTime": ms,
  "data": ...}``; errors carry Bitget's code (``40006`` invalid key, ``40009``
  bad signature, ``40012`` wrong passphrase, ``40014`` permissions, ``40018``
  IP, ``429`` too many requests, ``40200`` server upgrade).

Wallet mapping: ``spot`` -> ``/api/v2/spot/account/assets``; ``futures`` ->
``/api/v2/mix/account/accounts`` (USDT-, USDC- or COIN-FUTURES by margin
coin); ``margin`` -> cross margin ``/api/v2/margin/crossed/account/assets``;
``earn_flexible`` / ``earn_locked`` -> Savings ``/api/v2/earn/savings/assets``
with ``periodType`` flexible / fixed (a fixed product's ``period`` and
``holdDays`` put its end at ``unlock_at``); an ``earn_locked`` balance without
``unlock_at`` stands for another Earn product (Shark Fin...) and shows only in
the Earn account totals (``/api/v2/earn/account/assets``).

``unified=True`` emulates a Unified Trading Account: ``spot`` is then the
unified account (``/api/v3/account/assets``) and ``funding`` the funding
account (``/api/v3/account/funding-assets``); the classic v2 account
endpoints answer ``40085`` and, on a classic account, the v3 ones ``40084``.
"""

from __future__ import annotations

from typing import ClassVar

from aiohttp import web

from exposure_app.emulator.base import ErrorSpec, ExchangeEmulator, FaultKind, json_response
from exposure_app.emulator.hmac_common import amount, totals_by_asset, unlock_ms
from exposure_app.emulator.signing import hmac_b64, same

TIMESTAMP_WINDOW_MS = 30_000
DAY_MS = 86_400_000

ERRORS: dict[str | int, tuple[int, str]] = {
    "40001": (401, "ACCESS_KEY cannot be empty"),
    "40002": (401, "SECRET_KEY cannot be empty"),
    "40003": (401, "Signature cannot be empty"),
    "40005": (400, "Invalid ACCESS_TIMESTAMP"),
    "40006": (401, "Invalid ACCESS_KEY"),
    "40008": (400, "Request timestamp expired"),
    "40009": (401, "sign signature error"),
    "40011": (401, "ACCESS_PASSPHRASE cannot be empty"),
    "40012": (401, "apikey/password is incorrect"),
    "40014": (403, "Incorrect permissions"),
    "40018": (403, "Invalid IP"),
    "40084": (400, "You are in Classic Account mode, and the Unified Account API is not "
                   "supported at this time"),
    "40085": (400, "You are in Unified Account mode, and the Classic Account API is not "
                   "supported at this time"),
    "40200": (503, "Server upgrade, please try again later"),
    "429": (429, "Too Many Requests"),
}


def product_type(margin_coin: str) -> str:
    if margin_coin == "USDT":
        return "USDT-FUTURES"
    if margin_coin == "USDC":
        return "USDC-FUTURES"
    return "COIN-FUTURES"


class BitgetEmulator(ExchangeEmulator):
    """Serves the Bitget endpoints the app calls; see the module docstring."""

    exchange_id: ClassVar[str] = "bitget"
    error_spec: ClassVar[ErrorSpec] = ErrorSpec(ERRORS, {
        FaultKind.AUTH: "40009", FaultKind.PERMISSION_DENIED: "40014",
        FaultKind.IP_NOT_WHITELISTED: "40018", FaultKind.RATE_LIMIT: "429",
        FaultKind.BAN: "429", FaultKind.MAINTENANCE: "40200"})
    needs_password: ClassVar[bool] = True
    wallet_names: ClassVar[tuple[str, ...]] = ("spot", "futures", "margin", "earn_flexible", "earn_locked")

    def __init__(self, *args, unified: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.unified = unified

    async def guard(self, request: web.Request, *, unified_api: bool) -> web.Response | None:
        """Authentication, then the account-mode check for v2 classic / v3 unified APIs."""
        if (denied := await self.authenticate(request)) is not None:
            return denied
        if unified_api and not self.unified:
            return self.error("40084")
        if not unified_api and self.unified:
            return self.error("40085")
        return None

    def envelope(self, code: str, msg: str, data: object) -> dict:
        return {"code": code, "msg": msg, "requestTime": self.server_time_ms(), "data": data}

    def error_body(self, code: str | int, message: str) -> object:
        return self.envelope(str(code), message, None)

    def ok(self, data: object) -> web.Response:
        return json_response(self.envelope("00000", "success", data))


    def is_private(self, request: web.Request) -> bool:
        return not ("/market/" in request.path or "/public/" in request.path
                    or request.path == "/api/v2/margin/currencies")

    async def authenticate(self, request: web.Request, *, needs: str = "read") -> web.Response | None:
        headers = request.headers
        key = headers.get("ACCESS-KEY")
        sign = headers.get("ACCESS-SIGN")
        stamp = headers.get("ACCESS-TIMESTAMP")
        passphrase = headers.get("ACCESS-PASSPHRASE")
        if not key:
            return self.error("40001")
        if not sign:
            return self.error("40003")
        if not passphrase:
            return self.error("40011")
        if not stamp:
            return self.error("40005")
        try:
            sent = int(stamp)
        except ValueError:
            return self.error("40005")
        if abs(self.server_time_ms() - sent) > TIMESTAMP_WINDOW_MS:
            return self.error("40008")
        if not same(key, self.account.api_key):
            return self.error("40006")
        if not same(passphrase, self.account.password):
            return self.error("40012")
        body = await request.text()
        expected = hmac_b64(self.account.secret,
                                      stamp + request.method + request.raw_path + body)
        return self.refusal(request, signed=same(sign, expected), needs=needs)

    # -- routes ----------------------------------------------------------------------

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get("/api/v2/public/time", self.public_time)
        app.router.add_get("/api/v2/spot/public/symbols", self.symbols)
        app.router.add_get("/api/v2/spot/public/coins", self.coins)
        app.router.add_get("/api/v2/margin/currencies", self.margin_currencies)
        app.router.add_get("/api/v2/spot/market/tickers", self.tickers_route)
        app.router.add_get("/api/v2/spot/account/assets", self.spot_assets)
        app.router.add_get("/api/v2/mix/account/accounts", self.mix_accounts)
        app.router.add_get("/api/v2/margin/crossed/account/assets", self.crossed_assets)
        app.router.add_get("/api/v2/margin/isolated/account/assets", self.isolated_assets)
        app.router.add_get("/api/v2/earn/savings/assets", self.savings_assets)
        app.router.add_get("/api/v2/earn/account/assets", self.earn_account_assets)
        app.router.add_get("/api/v3/account/settings", self.uta_settings)
        app.router.add_get("/api/v3/account/assets", self.uta_assets)
        app.router.add_get("/api/v3/account/funding-assets", self.uta_funding_assets)

    def _pairs(self):
        for symbol, price in self.tickers.items():
            base, quote = symbol.split("/")
            yield base, quote, price

    async def public_time(self, request: web.Request) -> web.Response:
        return self.ok({"serverTime": str(self.server_time_ms())})

    async def symbols(self, request: web.Request) -> web.Response:
        data = [
            {
                "symbol": f"{base}{quote}", "baseCoin": base, "quoteCoin": quote,
                "minTradeAmount": "0", "maxTradeAmount": "10000000000", "takerFeeRate": "0.002",
                "makerFeeRate": "0.002", "pricePrecision": "2", "quantityPrecision": "6",
                "quotePrecision": "8", "status": "online", "minTradeUSDT": "1",
                "buyLimitPriceRatio": "0.05", "sellLimitPriceRatio": "0.05",
                "areaSymbol": "no", "orderQuantity": "200", "openTime": "1532454360000",
                "offTime": "",
            }
            for base, quote, _ in self._pairs()
        ]
        return self.ok(data)

    async def margin_currencies(self, request: web.Request) -> web.Response:
        data = [
            {
                "symbol": f"{base}{quote}", "baseCoin": base, "quoteCoin": quote,
                "maxCrossedLeverage": "3", "maxIsolatedLeverage": "10",
                "warningRiskRatio": "0.8", "liquidationRiskRatio": "1", "minTradeAmount": "0",
                "maxTradeAmount": "10000000", "takerFeeRate": "0.001", "makerFeeRate": "0.001",
                "pricePrecision": "2", "quantityPrecision": "6", "minTradeUSDT": "5",
                "isBorrowable": True, "userMinBorrow": "0", "status": "1",
                "isIsolatedBaseBorrowable": True, "isIsolatedQuoteBorrowable": True,
                "isCrossBorrowable": True,
            }
            for base, quote, _ in self._pairs()
        ]
        return self.ok(data)

    async def coins(self, request: web.Request) -> web.Response:
        codes = sorted({b.asset for b in self.account.balances}
                       | {c for base, quote, _ in self._pairs() for c in (base, quote)})
        data: list[dict[str, object]] = [
            {"coinId": str(n), "coin": c, "transfer": "true", "areaCoin": "no", "chains": []}
            for n, c in enumerate(codes, start=1)]
        return self.ok(data)

    async def tickers_route(self, request: web.Request) -> web.Response:
        now = str(self.server_time_ms())
        data = []
        for base, quote, price in self._pairs():
            last = amount(price)
            data.append(
                {
                    "symbol": f"{base}{quote}", "high24h": last, "open": last, "low24h": last,
                    "lastPr": last, "quoteVolume": "0", "baseVolume": "0", "usdtVolume": "0",
                    "bidPr": last, "askPr": last, "bidSz": "1", "askSz": "1", "openUtc": last,
                    "ts": now, "changeUtc24h": "0", "change24h": "0",
                }
            )
        return self.ok(data)

    async def spot_assets(self, request: web.Request) -> web.Response:
        if (denied := await self.guard(request, unified_api=False)) is not None:
            return denied
        now = str(self.server_time_ms())
        data = [
            {
                "coin": row.asset, "available": amount(row.free), "frozen": amount(row.locked),
                "locked": "0", "limitAvailable": "0", "uTime": now,
            }
            for row in totals_by_asset(self.account.wallet("spot"))
        ]
        return self.ok(data)

    async def mix_accounts(self, request: web.Request) -> web.Response:
        if (denied := await self.guard(request, unified_api=False)) is not None:
            return denied
        wanted = request.query.get("productType", "")
        data = []
        for row in totals_by_asset(self.account.wallet("futures")):
            if product_type(row.asset) != wanted:
                continue
            total = amount(row.total)
            data.append(
                {
                    "marginCoin": row.asset, "locked": amount(row.locked),
                    "available": amount(row.free), "crossedMaxAvailable": amount(row.free),
                    "isolatedMaxAvailable": amount(row.free), "maxTransferOut": amount(row.free),
                    "accountEquity": total, "usdtEquity": total, "btcEquity": "0",
                    "crossedRiskRate": "0", "unrealizedPL": "0", "coupon": "0",
                    "unionTotalMargin": total, "unionAvailable": amount(row.free),
                    "unionMm": "0", "assetList": [], "isolatedMargin": "0",
                    "crossedMargin": amount(row.locked), "crossedUnrealizedPL": "0",
                    "isolatedUnrealizedPL": "0", "assetMode": "single",
                }
            )
        return self.ok(data)

    async def crossed_assets(self, request: web.Request) -> web.Response:
        if (denied := await self.guard(request, unified_api=False)) is not None:
            return denied
        now = str(self.server_time_ms())
        data = [
            {
                "coin": row.asset, "totalAmount": amount(row.total),
                "available": amount(row.free), "frozen": amount(row.locked), "borrow": "0",
                "interest": "0", "net": amount(row.total), "coupon": "0", "cTime": now,
                "uTime": now,
            }
            for row in totals_by_asset(self.account.wallet("margin"))
        ]
        return self.ok(data)

    async def isolated_assets(self, request: web.Request) -> web.Response:
        if (denied := await self.guard(request, unified_api=False)) is not None:
            return denied
        return self.ok([])

    async def savings_assets(self, request: web.Request) -> web.Response:
        if (denied := await self.authenticate(request)) is not None:
            return denied
        period_type = request.query.get("periodType")
        if period_type not in ("flexible", "fixed"):
            return json_response(self.envelope("40017", "Parameter verification failed", None),
                                 status=400)
        now = self.server_time_ms()
        rows = []
        if period_type == "flexible":
            for n, row in enumerate(totals_by_asset(self.account.wallet("earn_flexible"))):
                rows.append(self._asset_row(n, row.asset, amount(row.total), "flexible", "", "3"))
        else:
            for n, balance in enumerate(self.account.wallet("earn_locked")):
                unlock = unlock_ms(balance)
                if unlock is None:
                    continue   # not a savings product (Shark Fin...): earn account only
                hold_days = 1
                remaining = max(1, -(-(unlock - now) // DAY_MS))
                rows.append(self._asset_row(100 + n, balance.asset,
                                            amount(balance.locked + balance.free), "fixed",
                                            str(remaining + hold_days), str(hold_days)))
        return self.ok({"resultList": rows, "endId": rows[-1]["orderId"] if rows else ""})

    async def earn_account_assets(self, request: web.Request) -> web.Response:
        """Everything in the Earn account per coin (savings and other products)."""
        if (denied := await self.authenticate(request)) is not None:
            return denied
        balances = self.account.wallet("earn_flexible") + self.account.wallet("earn_locked")
        return self.ok([{"coin": row.asset, "amount": amount(row.total)}
                        for row in totals_by_asset(balances)])

    def _asset_row(self, n: int, coin: str, amt: str, period_type: str, period: str,
                   hold_days: str) -> dict:
        return {
            "productId": str(1000 + n), "orderId": str(5000 + n), "productCoin": coin,
            "interestCoin": coin, "periodType": period_type, "period": period,
            "holdAmount": amt, "lastProfit": "0", "totalProfit": "0", "holdDays": hold_days,
            "status": "in_holding", "allowRedemption": "yes" if period_type == "flexible" else "no",
            "productLevel": "normal",
            "apy": [{"rateLevel": "0", "minApy": "1", "maxApy": "5", "currentApy": "3"}],
        }


    # -- unified trading account (v3) ---------------------------------------------------

    async def uta_settings(self, request: web.Request) -> web.Response:
        if (denied := await self.guard(request, unified_api=True)) is not None:
            return denied
        return self.ok({"assetMode": "union", "holdMode": "one_way_mode",
                        "stpMode": "none", "symbolConfigList": [], "coinConfigList": []})

    async def uta_assets(self, request: web.Request) -> web.Response:
        if (denied := await self.guard(request, unified_api=True)) is not None:
            return denied
        assets = [
            {
                "coin": row.asset, "equity": amount(row.total), "usdValue": "0",
                "balance": amount(row.total), "available": amount(row.free), "debt": "0",
                "locked": amount(row.locked),
            }
            for row in totals_by_asset(self.account.wallet("spot"))
        ]
        return self.ok({"accountEquity": "0", "usdtEquity": "0", "btcEquity": "0",
                        "unrealisedPnl": "0", "usdtUnrealisedPnl": "0", "btcUnrealizedPnl": "0",
                        "effEquity": "0", "mmr": "0", "imr": "0", "mgnRatio": "0",
                        "positionMgnRatio": "0", "assets": assets})

    async def uta_funding_assets(self, request: web.Request) -> web.Response:
        if (denied := await self.guard(request, unified_api=True)) is not None:
            return denied
        return self.ok([
            {"coin": row.asset, "available": amount(row.free), "frozen": amount(row.locked),
             "balance": amount(row.total)}
            for row in totals_by_asset(self.account.wallet("funding"))
        ])
