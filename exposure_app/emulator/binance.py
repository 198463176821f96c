"""A loopback Binance: spot, funding, cross margin, USDⓈ-M and COIN-M futures,
Simple Earn (flexible and locked), staking, key restrictions, tickers.

Wire format from Binance's public API documentation (developers.binance.com):

* Signed ("USER_DATA") endpoints need the ``X-MBX-APIKEY`` header and a
  ``signature`` = HMAC-SHA256(secret, totalParams) in hex, where totalParams
  is the query string (without ``signature``) concatenated with the body.
  ``timestamp`` must lie within ``recvWindow`` (default 5000 ms) of the server
  clock and at most 1000 ms ahead of it.
* Errors are ``{"code": -NNNN, "msg": "..."}``: -2015 invalid key, IP or
  permissions (HTTP 401), -2014 key format invalid, -1022 bad signature,
  -1021 timestamp outside recvWindow, -1002 not authorized, -1003 too many
  requests (HTTP 429, or 418 once banned) with ``Retry-After``.
* Every answer carries the used-weight headers (``X-MBX-USED-WEIGHT-1M`` on
  ``/api``, ``X-SAPI-USED-IP-WEIGHT-1M`` on ``/sapi``).

Wallet names in :class:`EmulatedAccount`: spot, funding, margin,
margin_isolated (asset written "BTC/USDT:BTC": the pair, then the asset),
futures (USDⓈ-M), futures_coinm, earn_flexible, earn_locked, staking. A flexible Simple
Earn position also shows in the spot account as its ``LD<asset>`` receipt,
as on the real exchange.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any, ClassVar
from urllib.parse import parse_qsl

from aiohttp import web

from exposure_app.domain.money import to_text
from exposure_app.emulator.base import (
    EmulatedBalance,
    ExchangeEmulator,
    Fault,
    FaultKind,
    totals_by_asset,
)
from exposure_app.emulator.binance_bodies import (
    DEFAULT_COIN_NETWORKS,
    margin_asset,
    ms,
    network_entry,
    page,
    wallet_overview,
)
from exposure_app.emulator.market_tape import day_of_ms, day_start_ms
from exposure_app.emulator.routes import route
from exposure_app.emulator.signing import hmac_hex, same, strip_param

# A signed endpoint's body: (emulator, the request's parameters) -> the JSON answer.
Handler = Callable[[Any, dict[str, str]], object]

_PRIVATE_PREFIXES = ("/sapi/", "/fapi/v2/account", "/fapi/v3/account", "/dapi/v1/account",
                     "/api/v3/account", "/api/v3/openOrders")

MSG_INVALID_KEY = "Invalid API-key, IP, or permissions for action."
MSG_BAD_SIGNATURE = "Signature for this request is not valid."
MSG_RECV_WINDOW = "Timestamp for this request is outside of the recvWindow."
MSG_AHEAD = "Timestamp for this request was 1000ms ahead of the server's time."
MSG_NOT_AUTHORIZED = "You are not authorized to execute this request."


class BinanceEmulator(ExchangeEmulator):
    exchange_id: ClassVar[str] = "binance"
    wallet_names: ClassVar[tuple[str, ...]] = (
        "spot", "funding", "margin", "margin_isolated", "futures", "futures_coinm",
        "earn_flexible", "earn_locked", "staking",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.used_weight = 0

    # -- framework hooks ---------------------------------------------------------

    def is_private(self, request: web.Request) -> bool:
        return request.path.startswith(_PRIVATE_PREFIXES)

    def fault_response(self, fault: Fault, request: web.Request) -> web.StreamResponse:
        kind = fault.kind
        if kind in (FaultKind.AUTH, FaultKind.IP_NOT_WHITELISTED):
            return self._error(401, -2015, MSG_INVALID_KEY)
        if kind is FaultKind.PERMISSION_DENIED:
            return self._error(401, -1002, MSG_NOT_AUTHORIZED)
        if kind is FaultKind.RATE_LIMIT:
            return self._error(
                429, -1003,
                "Too many requests; current limit of IP(127.0.0.1) is 6000 requests per "
                "minute. Please use WebSocket Streams for live updates to avoid polling the API.",
                retry_after=fault.retry_after,
            )
        if kind is FaultKind.BAN:
            until = self.server_time_ms() + fault.retry_after * 1000
            return self._error(
                418, -1003,
                f"Way too much request weight used; IP banned until {until}. Please use "
                "WebSocket Streams for live updates to avoid bans.",
                retry_after=fault.retry_after,
            )
        if kind is FaultKind.MAINTENANCE:
            return self._error(503, 1, "System is under maintenance.")
        raise ValueError(f"unsupported fault {kind}")  # pragma: no cover

    # -- responses -----------------------------------------------------------------

    def _headers(self, path: str, weight: int) -> dict[str, str]:
        self.used_weight += weight
        header = "X-SAPI-USED-IP-WEIGHT-1M" if path.startswith("/sapi") else "X-MBX-USED-WEIGHT-1M"
        return {header: str(self.used_weight)}

    def _ok(self, request: web.Request, data: object, weight: int = 1) -> web.Response:
        return web.json_response(data, headers=self._headers(request.path, weight))

    def _error(self, status: int, code: int, msg: str, *, retry_after: int | None = None
               ) -> web.Response:
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
        return web.json_response({"code": code, "msg": msg}, status=status, headers=headers)

    async def _authenticate(self, request: web.Request) -> tuple[dict[str, str], web.Response | None]:
        """Checks key, IP, signature and timestamp; returns (params, error response)."""
        body = await request.text()
        key = request.headers.get("X-MBX-APIKEY", "")
        if not key.strip():
            return {}, self._error(400, -2014, "API-key format invalid.")
        if key != self.account.api_key:
            return {}, self._error(401, -2015, MSG_INVALID_KEY)
        if self.account.ip_whitelist and request.remote not in self.account.ip_whitelist:
            return {}, self._error(401, -2015, MSG_INVALID_KEY)
        query, query_sig = strip_param(request.query_string, "signature")
        body_rest, body_sig = strip_param(body, "signature")
        signature = query_sig or body_sig
        if signature is None:
            return {}, self._error(400, -1102, "Mandatory parameter 'signature' was not sent, "
                                               "was empty/null, or malformed.")
        expected = hmac_hex(self.account.secret, query + body_rest)
        if not same(expected, signature):
            return {}, self._error(400, -1022, MSG_BAD_SIGNATURE)
        params = dict(parse_qsl(query)) | dict(parse_qsl(body_rest))
        try:
            timestamp = int(params["timestamp"])
            recv_window = int(params.get("recvWindow", 5000))
        except (KeyError, ValueError):
            return {}, self._error(400, -1102, "Mandatory parameter 'timestamp' was not sent, "
                                               "was empty/null, or malformed.")
        now = self.server_time_ms()
        if timestamp > now + 1000:
            return {}, self._error(400, -1021, MSG_AHEAD)
        if now - timestamp > recv_window:
            return {}, self._error(400, -1021, MSG_RECV_WINDOW)
        if not self.account.can("read"):
            return {}, self._error(401, -2015, MSG_INVALID_KEY)
        return params, None

    @staticmethod
    def _signed(weight: int) -> Callable[[Handler], Callable[..., Awaitable[web.StreamResponse]]]:
        """Decorator factory used in the class body: a signed, weighted endpoint."""
        def wrap(handler: Handler) -> Callable[..., Awaitable[web.StreamResponse]]:
            async def run(self: BinanceEmulator, request: web.Request) -> web.StreamResponse:
                params, error = await self._authenticate(request)
                if error is not None:
                    return error
                return self._ok(request, handler(self, params), weight)

            return run

        return wrap

    # -- routes ------------------------------------------------------------------------

    # public

    def _symbols(self) -> dict[str, tuple[str, str]]:
        symbols = {}
        for unified in self.tickers:
            base, quote = unified.split("/")
            symbols[base + quote] = (base, quote)
        return symbols

    @route("/api/v3/ping")
    async def ping(self, request: web.Request) -> web.Response:
        return self._ok(request, {})

    @route("/api/v3/time")
    async def time(self, request: web.Request) -> web.Response:
        return self._ok(request, {"serverTime": self.server_time_ms()})

    @route("/api/v3/exchangeInfo")
    async def exchange_info(self, request: web.Request) -> web.Response:
        symbols = [
            {
                "symbol": sid, "status": "TRADING", "baseAsset": base, "baseAssetPrecision": 8,
                "quoteAsset": quote, "quotePrecision": 8, "quoteAssetPrecision": 8,
                "orderTypes": ["LIMIT", "MARKET"], "icebergAllowed": True,
                "ocoAllowed": True, "isSpotTradingAllowed": True,
                "isMarginTradingAllowed": True, "filters": [],
                "permissions": [], "permissionSets": [["SPOT", "MARGIN"]],
            }
            for sid, (base, quote) in self._symbols().items()
        ]
        return self._ok(request, {
            "timezone": "UTC", "serverTime": self.server_time_ms(), "rateLimits": [],
            "exchangeFilters": [], "symbols": symbols,
        }, weight=20)

    # what ccxt's default load_markets also asks for (the generic adapter's path)
    @route("/fapi/v1/exchangeInfo")
    @route("/dapi/v1/exchangeInfo")
    async def derivatives_info(self, request: web.Request) -> web.Response:
        return self._ok(request, {"timezone": "UTC", "serverTime": self.server_time_ms(),
                                  "rateLimits": [], "exchangeFilters": [], "assets": [],
                                  "symbols": []}, weight=1)

    @route("/sapi/v1/margin/allPairs")
    @route("/sapi/v1/margin/isolated/allPairs")
    async def margin_pairs(self, request: web.Request) -> web.Response:
        return self._ok(request, [], weight=1)

    def _ticker_rows(self, request: web.Request, full: bool) -> list[dict[str, object]]:
        wanted, one = request.query.get("symbols"), request.query.get("symbol")
        ids = set(json.loads(wanted)) if wanted else {one} if one else None
        now = self.server_time_ms()
        rows: list[dict[str, object]] = []
        for sid, (base, quote) in self._symbols().items():
            if ids is not None and sid not in ids:
                continue
            price = to_text(self.tickers[f"{base}/{quote}"])
            if not full:
                rows.append({"symbol": sid, "price": price})
                continue
            rows.append({
                "symbol": sid, "priceChange": "0", "priceChangePercent": "0",
                "weightedAvgPrice": price, "prevClosePrice": price, "lastPrice": price,
                "lastQty": "1", "bidPrice": price, "bidQty": "1", "askPrice": price,
                "askQty": "1", "openPrice": price, "highPrice": price, "lowPrice": price,
                "volume": "100", "quoteVolume": "100", "openTime": now - 86_400_000,
                "closeTime": now, "firstId": 1, "lastId": 2, "count": 2,
            })
        return rows

    def _ticker_answer(self, request: web.Request, full: bool, weight: int) -> web.Response:
        """All tickers or those of ``symbols`` (a list); one ``symbol`` gets its object alone,
        or -1121 when the exchange does not list it (as Binance answers)."""
        rows = self._ticker_rows(request, full)
        if "symbol" not in request.query:
            return self._ok(request, rows, weight=weight)
        if not rows:
            return self._error(400, -1121, "Invalid symbol.")
        return self._ok(request, rows[0], weight=2)   # one symbol weighs 2 on both

    @route("/api/v3/ticker/24hr")
    async def ticker_24hr(self, request: web.Request) -> web.Response:
        return self._ticker_answer(request, True, weight=40)

    @route("/api/v3/ticker/price")
    async def ticker_price_route(self, request: web.Request) -> web.Response:
        return self._ticker_answer(request, False, weight=4)

    @route("/api/v3/klines")
    async def klines(self, request: web.Request) -> web.Response:
        """Daily candles of the attached market tape (only ``interval=1d``), in the
        documented row shape: open time, OHLC, volume, close time, quote volume,
        trades, taker volumes, ignore."""
        symbols = self._symbols()
        sid = request.query.get("symbol", "")
        if sid not in symbols:
            return self._error(400, -1121, "Invalid symbol.")
        if request.query.get("interval") != "1d" or self.market is None:
            return self._ok(request, [], weight=2)
        limit = min(int(request.query.get("limit", "500")), 1000)
        start_ms = int(request.query.get("startTime", "0"))
        start = day_of_ms(start_ms) if start_ms else self.market.today - timedelta(days=limit - 1)
        if start_ms and day_start_ms(start) < start_ms:
            start += timedelta(days=1)
        base, quote = symbols[sid]
        rows = []
        for day, open_, close in self.market.candles(f"{base}/{quote}", start, limit):
            opened = day_start_ms(day)
            high, low = to_text(max(open_, close)), to_text(min(open_, close))
            rows.append([opened, to_text(open_), high, low, to_text(close), "100", opened + 86_399_999,
                         "100", 10, "50", "50", "0"])
        return self._ok(request, rows, weight=2)

    # signed

    def _wallet_rows(self, wallet: str) -> list[EmulatedBalance]:
        """One row per asset of ``wallet`` (its balances summed)."""
        return totals_by_asset(self.account.wallet(wallet))

    @route("/api/v3/account")
    @_signed(20)
    def spot_account(self, params: dict[str, str]) -> object:
        # flexible earn shows in spot as its LD receipt token, all of it free
        receipts = [EmulatedBalance("spot", "LD" + b.asset, b.total)
                    for b in self.account.wallet("earn_flexible")]
        rows = totals_by_asset([*self.account.wallet("spot"), *receipts])
        perms = self.account.permissions
        return {
            "makerCommission": 10, "takerCommission": 10, "buyerCommission": 0,
            "sellerCommission": 0, "canTrade": "trade" in perms,
            "canWithdraw": "withdraw" in perms, "canDeposit": True, "brokered": False,
            "requireSelfTradePrevention": False, "preventSor": False,
            "updateTime": self.server_time_ms(), "accountType": "SPOT",
            "balances": [
                {"asset": b.asset, "free": to_text(b.free), "locked": to_text(b.locked)} for b in rows
            ],
            "permissions": ["SPOT"], "uid": 354937868,
        }

    @route("/sapi/v1/asset/get-funding-asset", method="POST")
    @_signed(1)
    def funding_assets(self, params: dict[str, str]) -> object:
        return [
            {"asset": b.asset, "free": to_text(b.free), "locked": to_text(b.locked), "freeze": "0",
             "withdrawing": "0", "btcValuation": "0"}
            for b in self._wallet_rows("funding")
        ]

    @route("/sapi/v1/margin/account")
    @_signed(10)
    def margin_account(self, params: dict[str, str]) -> object:
        assets = [
            {"asset": b.asset, "borrowed": "0", "free": to_text(b.free), "interest": "0",
             "locked": to_text(b.locked), "netAsset": to_text(b.total)}
            for b in self._wallet_rows("margin")
        ]
        return {
            "created": True, "borrowEnabled": True, "marginLevel": "999", "collateralMarginLevel":
            "999", "totalAssetOfBtc": "0", "totalLiabilityOfBtc": "0", "totalNetAssetOfBtc": "0",
            "totalCollateralValueInUSDT": "0", "tradeEnabled": True, "transferInEnabled": True,
            "transferOutEnabled": True, "accountType": "MARGIN_1", "userAssets": assets,
        }

    @route("/sapi/v1/margin/isolated/account")
    @_signed(10)
    def isolated_margin_account(self, params: dict[str, str]) -> object:
        """One pair per balance; ``asset`` is "BASE/QUOTE:ASSET" (e.g. "BTC/USDT:USDT")."""
        pairs: dict[str, dict[str, dict[str, str | bool]]] = {}
        for b in self.account.wallet("margin_isolated"):
            pair, _, asset = b.asset.partition(":")
            base, quote = pair.split("/")
            sides = pairs.setdefault(pair, {a: margin_asset(a, 0, 0) for a in (base, quote)})
            sides[asset] = margin_asset(asset, b.free, b.locked)
        assets = [{"symbol": pair.replace("/", ""), "isolatedCreated": True, "enabled": True,
                   "marginLevel": "999", "marginRatio": "5", "tradeEnabled": True,
                   "baseAsset": sides[pair.split("/")[0]],
                   "quoteAsset": sides[pair.split("/")[1]]} for pair, sides in pairs.items()]
        return {"assets": assets, "totalAssetOfBtc": "0", "totalLiabilityOfBtc": "0",
                "totalNetAssetOfBtc": "0"}

    def _futures_assets(self, wallet: str) -> list[dict[str, object]]:
        return [
            {"asset": b.asset, "walletBalance": to_text(b.total), "unrealizedProfit": "0",
             "marginBalance": to_text(b.total), "maintMargin": "0", "initialMargin": to_text(b.locked),
             "positionInitialMargin": to_text(b.locked), "openOrderInitialMargin": "0",
             "crossWalletBalance": to_text(b.total), "crossUnPnl": "0", "availableBalance": to_text(b.free),
             "maxWithdrawAmount": to_text(b.free), "updateTime": self.server_time_ms()}
            for b in self._wallet_rows(wallet)
        ]

    @route("/fapi/v2/account")
    @route("/fapi/v3/account")
    @_signed(5)
    def usdm_account(self, params: dict[str, str]) -> object:
        return {"totalWalletBalance": "0", "availableBalance": "0",
                "assets": self._futures_assets("futures"), "positions": []}

    @route("/dapi/v1/account")
    @_signed(5)
    def coinm_account(self, params: dict[str, str]) -> object:
        return {"canDeposit": True, "canTrade": True, "canWithdraw": True, "feeTier": 0,
                "updateTime": 0, "assets": self._futures_assets("futures_coinm"),
                "positions": []}

    @route("/sapi/v1/simple-earn/flexible/position")
    @_signed(150)
    def flexible_positions(self, params: dict[str, str]) -> object:
        rows = [
            {"totalAmount": to_text(b.total), "tierAnnualPercentageRate": {}, "latestAnnualPercentageRate":
             "0.05", "asset": b.asset, "canRedeem": True, "collateralAmount": "0",
             "productId": f"{b.asset}001", "yesterdayRealTimeRewards": "0", "cumulativeBonusRewards":
             "0", "cumulativeRealTimeRewards": "0", "cumulativeTotalRewards": "0",
             "autoSubscribe": True}
            for b in self._wallet_rows("earn_flexible")
        ]
        return page(rows, params)

    def _locked_rows(self, wallet: str) -> list[dict[str, object]]:
        rows = []
        for n, b in enumerate(self.account.wallet(wallet), start=1):
            rows.append({
                "positionId": n, "parentPositionId": n, "projectId": f"{b.asset}*120",
                "asset": b.asset, "amount": to_text(b.free + b.locked), "purchaseTime": "1700000000000",
                "duration": "120", "accrualDays": "4", "rewardAsset": b.asset, "APY": "0.05",
                "rewardAmt": "0", "nextPay": "0", "nextPayDate": "0", "payPeriod": "1",
                "rewardsAmt": "0", "redeemDate": str(ms(b.unlock_at) or 0),
                "status": "HOLDING", "canRedeemEarly": False, "type": "NORMAL",
                "isRenewable": False, "isAutoRenew": False,
            })
        return rows

    @route("/sapi/v1/simple-earn/locked/position")
    @_signed(150)
    def locked_positions(self, params: dict[str, str]) -> object:
        return page(self._locked_rows("earn_locked"), params)

    @route("/sapi/v1/staking/position")
    @_signed(1)
    def staking_positions(self, params: dict[str, str]) -> object:
        return self._locked_rows("staking") if params.get("product", "STAKING") == "STAKING" else []

    @route("/sapi/v1/asset/wallet/balance")
    @_signed(60)
    def wallet_balance(self, params: dict[str, str]) -> object:
        return wallet_overview(self.account.balances, self.tickers)

    @route("/sapi/v1/account/apiRestrictions")
    @_signed(1)
    def api_restrictions(self, params: dict[str, str]) -> object:
        perms = self.account.permissions
        return {
            "ipRestrict": bool(self.account.ip_whitelist), "createTime": 1700000000000,
            "enableInternalTransfer": "transfer" in perms,
            "enableFutures": "trade" in perms, "enablePortfolioMarginTrading": False,
            "enableVanillaOptions": False, "permitsUniversalTransfer": "transfer" in perms,
            "enableReading": "read" in perms, "enableSpotAndMarginTrading": "trade" in perms,
            "enableWithdrawals": "withdraw" in perms, "enableMargin": "trade" in perms,
        }

    # withdrawal networks (GET /sapi/v1/capital/config/getall, "All Coins' Information")

    @route("/sapi/v1/capital/config/getall")
    @_signed(10)
    def capital_config(self, params: dict[str, str]) -> object:
        """Per-coin network list; ``coin_networks`` overrides the defaults per test."""
        table = getattr(self, "coin_networks", None) or DEFAULT_COIN_NETWORKS
        held = {b.asset: b for b in totals_by_asset(self.account.balances)}
        coins = []
        for coin, networks in table.items():
            mine = held.get(coin) or EmulatedBalance("spot", coin, Decimal(0))
            coins.append({
                "coin": coin, "depositAllEnable": any(n.get("deposit", True) for n in networks),
                "withdrawAllEnable": any(n.get("withdraw", True) for n in networks),
                "name": coin, "free": to_text(mine.free), "locked": to_text(mine.locked), "freeze": "0",
                "withdrawing": "0", "ipoing": "0", "ipoable": "0", "storage": "0",
                "isLegalMoney": False, "trading": True,
                "networkList": [network_entry(coin, i, n) for i, n in enumerate(networks)],
            })
        return coins
