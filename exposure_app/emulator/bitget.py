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

from exposure_app.domain.money import to_text
from exposure_app.emulator.base import ErrorSpec, FaultKind, json_response, totals_by_asset
from exposure_app.emulator.hmac_common import unlock_ms
from exposure_app.emulator.passphrase_auth import PassphraseAuth, PassphraseSignedEmulator
from exposure_app.emulator.routes import route

TIMESTAMP_WINDOW_MS = 30_000
DAY_MS = 86_400_000
# the v3 unified-account API and the v2 classic account APIs, refused in the other mode
UNIFIED_API = "/api/v3/"
CLASSIC_API = ("/api/v2/spot/account/", "/api/v2/mix/account/", "/api/v2/margin/crossed/",
               "/api/v2/margin/isolated/")

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


class BitgetEmulator(PassphraseSignedEmulator):
    """Serves the Bitget endpoints the app calls; see the module docstring."""

    exchange_id: ClassVar[str] = "bitget"
    error_spec: ClassVar[ErrorSpec] = ErrorSpec(ERRORS, {
        FaultKind.AUTH: "40009", FaultKind.PERMISSION_DENIED: "40014",
        FaultKind.IP_NOT_WHITELISTED: "40018", FaultKind.RATE_LIMIT: "429",
        FaultKind.BAN: "429", FaultKind.MAINTENANCE: "40200"})
    passphrase_auth: ClassVar[PassphraseAuth] = PassphraseAuth(
        "ACCESS-", bad_timestamp="40005", expired="40008", window_ms=TIMESTAMP_WINDOW_MS,
        unknown_key="40006", wrong_passphrase="40012",
        missing=(("KEY", "40001"), ("SIGN", "40003"), ("PASSPHRASE", "40011"),
                 ("TIMESTAMP", "40005")))
    wallet_names: ClassVar[tuple[str, ...]] = ("spot", "futures", "margin", "earn_flexible", "earn_locked")

    def __init__(self, *args, unified: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.unified = unified

    def envelope(self, code: str, msg: str, data: object) -> dict:
        return {"code": code, "msg": msg, "requestTime": self.server_time_ms(), "data": data}

    def error_body(self, code: str | int, message: str) -> object:
        return self.envelope(str(code), message, None)

    def ok(self, data: object) -> web.Response:
        return json_response(self.envelope("00000", "success", data))


    def is_private(self, request: web.Request) -> bool:
        return not ("/market/" in request.path or "/public/" in request.path
                    or request.path == "/api/v2/margin/currencies")

    async def authenticate(self, request: web.Request, *,
                           needs: str = "read") -> web.Response | None:
        """The signature, then the account mode: a classic account refuses the v3
        unified-account API (``40084``), a unified one the v2 account APIs (``40085``)."""
        if (denied := await super().authenticate(request, needs=needs)) is not None:
            return denied
        if request.path.startswith(UNIFIED_API) and not self.unified:
            return self.error("40084")
        if request.path.startswith(CLASSIC_API) and self.unified:
            return self.error("40085")
        return None

    # -- routes ----------------------------------------------------------------------

    @route("/api/v2/public/time")
    async def public_time(self, request: web.Request) -> web.Response:
        return self.ok({"serverTime": str(self.server_time_ms())})

    @route("/api/v2/spot/public/symbols")
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
            for base, quote, _ in self.ticker_pairs()
        ]
        return self.ok(data)

    @route("/api/v2/margin/currencies")
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
            for base, quote, _ in self.ticker_pairs()
        ]
        return self.ok(data)

    @route("/api/v2/spot/public/coins")
    async def coins(self, request: web.Request) -> web.Response:
        codes = sorted({b.asset for b in self.account.balances}
                       | {c for base, quote, _ in self.ticker_pairs() for c in (base, quote)})
        data: list[dict[str, object]] = [
            {"coinId": str(n), "coin": c, "transfer": "true", "areaCoin": "no", "chains": []}
            for n, c in enumerate(codes, start=1)]
        return self.ok(data)

    @route("/api/v2/spot/market/tickers")
    async def tickers_route(self, request: web.Request) -> web.Response:
        now = str(self.server_time_ms())
        data = []
        for base, quote, price in self.ticker_pairs():
            last = to_text(price)
            data.append(
                {
                    "symbol": f"{base}{quote}", "high24h": last, "open": last, "low24h": last,
                    "lastPr": last, "quoteVolume": "0", "baseVolume": "0", "usdtVolume": "0",
                    "bidPr": last, "askPr": last, "bidSz": "1", "askSz": "1", "openUtc": last,
                    "ts": now, "changeUtc24h": "0", "change24h": "0",
                }
            )
        return self.ok(data)

    @route("/api/v2/spot/account/assets", signed=True)
    async def spot_assets(self, request: web.Request) -> web.Response:
        now = str(self.server_time_ms())
        data = [
            {
                "coin": row.asset, "available": to_text(row.free), "frozen": to_text(row.locked),
                "locked": "0", "limitAvailable": "0", "uTime": now,
            }
            for row in totals_by_asset(self.account.wallet("spot"))
        ]
        return self.ok(data)

    @route("/api/v2/mix/account/accounts", signed=True)
    async def mix_accounts(self, request: web.Request) -> web.Response:
        wanted = request.query.get("productType", "")
        data = []
        for row in totals_by_asset(self.account.wallet("futures")):
            if product_type(row.asset) != wanted:
                continue
            total = to_text(row.total)
            data.append(
                {
                    "marginCoin": row.asset, "locked": to_text(row.locked),
                    "available": to_text(row.free), "crossedMaxAvailable": to_text(row.free),
                    "isolatedMaxAvailable": to_text(row.free), "maxTransferOut": to_text(row.free),
                    "accountEquity": total, "usdtEquity": total, "btcEquity": "0",
                    "crossedRiskRate": "0", "unrealizedPL": "0", "coupon": "0",
                    "unionTotalMargin": total, "unionAvailable": to_text(row.free),
                    "unionMm": "0", "assetList": [], "isolatedMargin": "0",
                    "crossedMargin": to_text(row.locked), "crossedUnrealizedPL": "0",
                    "isolatedUnrealizedPL": "0", "assetMode": "single",
                }
            )
        return self.ok(data)

    @route("/api/v2/margin/crossed/account/assets", signed=True)
    async def crossed_assets(self, request: web.Request) -> web.Response:
        now = str(self.server_time_ms())
        data = [
            {
                "coin": row.asset, "totalAmount": to_text(row.total),
                "available": to_text(row.free), "frozen": to_text(row.locked), "borrow": "0",
                "interest": "0", "net": to_text(row.total), "coupon": "0", "cTime": now,
                "uTime": now,
            }
            for row in totals_by_asset(self.account.wallet("margin"))
        ]
        return self.ok(data)

    @route("/api/v2/margin/isolated/account/assets", signed=True)
    async def isolated_assets(self, request: web.Request) -> web.Response:
        return self.ok([])

    @route("/api/v2/earn/savings/assets", signed=True)
    async def savings_assets(self, request: web.Request) -> web.Response:
        period_type = request.query.get("periodType")
        if period_type not in ("flexible", "fixed"):
            return json_response(self.envelope("40017", "Parameter verification failed", None),
                                 status=400)
        now = self.server_time_ms()
        rows = []
        if period_type == "flexible":
            for n, row in enumerate(totals_by_asset(self.account.wallet("earn_flexible"))):
                rows.append(self._asset_row(n, row.asset, to_text(row.total), "flexible", "", "3"))
        else:
            for n, balance in enumerate(self.account.wallet("earn_locked")):
                unlock = unlock_ms(balance)
                if unlock is None:
                    continue   # not a savings product (Shark Fin...): earn account only
                hold_days = 1
                remaining = max(1, -(-(unlock - now) // DAY_MS))
                rows.append(self._asset_row(100 + n, balance.asset,
                                            to_text(balance.locked + balance.free), "fixed",
                                            str(remaining + hold_days), str(hold_days)))
        return self.ok({"resultList": rows, "endId": rows[-1]["orderId"] if rows else ""})

    @route("/api/v2/earn/account/assets", signed=True)
    async def earn_account_assets(self, request: web.Request) -> web.Response:
        """Everything in the Earn account per coin (savings and other products)."""
        balances = self.account.wallet("earn_flexible") + self.account.wallet("earn_locked")
        return self.ok([{"coin": row.asset, "amount": to_text(row.total)}
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

    @route("/api/v3/account/settings", signed=True)
    async def uta_settings(self, request: web.Request) -> web.Response:
        return self.ok({"assetMode": "union", "holdMode": "one_way_mode",
                        "stpMode": "none", "symbolConfigList": [], "coinConfigList": []})

    @route("/api/v3/account/assets", signed=True)
    async def uta_assets(self, request: web.Request) -> web.Response:
        assets = [
            {
                "coin": row.asset, "equity": to_text(row.total), "usdValue": "0",
                "balance": to_text(row.total), "available": to_text(row.free), "debt": "0",
                "locked": to_text(row.locked),
            }
            for row in totals_by_asset(self.account.wallet("spot"))
        ]
        return self.ok({"accountEquity": "0", "usdtEquity": "0", "btcEquity": "0",
                        "unrealisedPnl": "0", "usdtUnrealisedPnl": "0", "btcUnrealizedPnl": "0",
                        "effEquity": "0", "mmr": "0", "imr": "0", "mgnRatio": "0",
                        "positionMgnRatio": "0", "assets": assets})

    @route("/api/v3/account/funding-assets", signed=True)
    async def uta_funding_assets(self, request: web.Request) -> web.Response:
        return self.ok([
            {"coin": row.asset, "available": to_text(row.free), "frozen": to_text(row.locked),
             "balance": to_text(row.total)}
            for row in totals_by_asset(self.account.wallet("funding"))
        ])
