"""Bybit v5 REST emulator (unified trading account).

Wire format from the Bybit v5 documentation (bybit-exchange.github.io/docs/v5):

* Private requests carry ``X-BAPI-API-KEY``, ``X-BAPI-TIMESTAMP`` (ms),
  ``X-BAPI-RECV-WINDOW`` and ``X-BAPI-SIGN`` = hex(HMAC-SHA256(secret,
  timestamp + apiKey + recvWindow + queryString)) for GET. The server accepts
  ``server_time - recv_window <= timestamp < server_time + 1000`` and answers
  ``10002`` otherwise.
* Every answer is ``{"retCode": 0, "retMsg": "OK", "result": {...},
  "retExtInfo": {}, "time": ms}``; errors set ``retCode``. Private answers
  carry the ``X-Bapi-Limit``, ``X-Bapi-Limit-Status`` and
  ``X-Bapi-Limit-Reset-Timestamp`` rate-limit headers.

Wallet mapping: ``spot`` is the UNIFIED account (``/v5/account/wallet-balance``),
``funding`` the FUND account (``/v5/asset/transfer/query-account-coins-balance``),
``earn_flexible`` Flexible Savings and ``staking`` On-chain Earn positions
(``/v5/earn/position``; a locked balance is a fixed product settling at
``unlock_at``).

``unified=False`` emulates a classic (pre-UTA) account: ``/v5/user/query-api``
says ``uta: 0`` and the wallet balance is asked per account type, ``SPOT``
(the ``spot`` wallet) and ``CONTRACT`` (the ``futures`` wallet). A unified
account asked for another account type answers ``10001`` "accountType only
support UNIFIED.".
"""

from __future__ import annotations

from typing import ClassVar

from aiohttp import web

from exposure_app.domain.money import to_text
from exposure_app.emulator.base import (
    ErrorSpec,
    ExchangeEmulator,
    Fault,
    FaultKind,
    json_response,
    totals_by_asset,
)
from exposure_app.emulator.hmac_common import unlock_ms
from exposure_app.emulator.routes import route
from exposure_app.emulator.signing import hmac_hex, same

RATE_LIMIT = 50

# retCode -> (HTTP status, retMsg), wording from Bybit's v5 error code table.
ERRORS: dict[str | int, tuple[int, str]] = {
    10002: (200, "invalid request, please check your server timestamp or recv_window param. "
                 "req_timestamp[{ts}],server_timestamp[{server}],recv_window[{window}]"),
    10003: (200, "API key is invalid."),
    10004: (200, "Error sign, please check your signature generation algorithm."),
    10005: (200, "Permission denied, please check your API key permissions."),
    10006: (429, "Too many visits. Exceeded the API Rate Limit."),
    10010: (200, "Unmatched IP, please check your API key's bound IP addresses."),
    10016: (503, "Service is restarting. Please try again later."),
    10018: (403, "Exceeded the IP Rate Limit."),
}


class BybitEmulator(ExchangeEmulator):
    """Serves the Bybit endpoints the app calls; see the module docstring."""

    exchange_id: ClassVar[str] = "bybit"
    wallet_names: ClassVar[tuple[str, ...]] = ("spot", "funding", "earn_flexible", "staking")
    error_spec: ClassVar[ErrorSpec] = ErrorSpec(ERRORS, {
        FaultKind.AUTH: 10003, FaultKind.PERMISSION_DENIED: 10005,
        FaultKind.IP_NOT_WHITELISTED: 10010, FaultKind.RATE_LIMIT: 10006,
        FaultKind.BAN: 10018, FaultKind.MAINTENANCE: 10016}, bad_signature=10004)

    def __init__(self, *args, unified: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.unified = unified

    def limit_headers(self) -> dict[str, str]:
        return {
            "X-Bapi-Limit": str(RATE_LIMIT),
            "X-Bapi-Limit-Status": str(RATE_LIMIT - 1),
            "X-Bapi-Limit-Reset-Timestamp": str(self.server_time_ms() + 1000),
        }

    def envelope(self, code: int, message: str, result: object) -> dict:
        return {"retCode": code, "retMsg": message, "result": result, "retExtInfo": {},
                "time": self.server_time_ms()}

    def error_body(self, code: str | int, message: str) -> object:
        return self.envelope(int(code), message, {})

    def error_headers(self, fault: Fault | None) -> dict[str, str]:
        # an injected retry fault also carries the rate-limit counters (spent on RATE_LIMIT)
        if fault is None or fault.kind not in self.error_spec.retry_faults:
            return {}
        exhausted = {"X-Bapi-Limit-Status": "0"} if fault.kind is FaultKind.RATE_LIMIT else {}
        return {**self.limit_headers(), **exhausted}

    def ok(self, result: object, *, private: bool = True) -> web.Response:
        return json_response(self.envelope(0, "OK", result),
                             headers=self.limit_headers() if private else None)

    def is_private(self, request: web.Request) -> bool:
        return not request.path.startswith("/v5/market/")

    async def authenticate(self, request: web.Request, *, needs: str = "read") -> web.Response | None:
        headers = request.headers
        key = headers.get("X-BAPI-API-KEY", "")
        stamp = headers.get("X-BAPI-TIMESTAMP", "")
        window_text = headers.get("X-BAPI-RECV-WINDOW", "5000")
        sign = headers.get("X-BAPI-SIGN", "")
        if not same(key, self.account.api_key):
            return self.error(10003)
        try:
            sent, window = int(stamp), int(window_text)
        except ValueError:
            return self.error(10002, ts=stamp, server=str(self.server_time_ms()), window=window_text)
        server = self.server_time_ms()
        if not (server - window <= sent < server + 1000):
            return self.error(10002, ts=stamp, server=str(server), window=window_text)
        payload = stamp + key + window_text + (request.raw_path.partition("?")[2] if request.method == "GET"
                                               else await request.text())
        return self.refusal(request, signed=same(sign, hmac_hex(self.account.secret, payload)),
                            needs=needs)

    # -- routes ----------------------------------------------------------------------

    @route("/v5/market/time")
    async def market_time(self, request: web.Request) -> web.Response:
        now = self.server_time_ms()
        return self.ok({"timeSecond": str(now // 1000), "timeNano": str(now * 1_000_000)},
                       private=False)

    @route("/v5/market/instruments-info")
    async def instruments(self, request: web.Request) -> web.Response:
        category = request.query.get("category", "spot")
        rows = []
        if category == "spot":
            rows = [
                {
                    "symbol": f"{base}{quote}", "baseCoin": base, "quoteCoin": quote,
                    "innovation": "0", "status": "Trading", "marginTrading": "both",
                    "stTag": "0",
                    "lotSizeFilter": {"basePrecision": "0.000001", "quotePrecision": "0.00000001",
                                      "minOrderQty": "0.000048", "maxOrderQty": "71.73956243",
                                      "minOrderAmt": "1", "maxOrderAmt": "2000000"},
                    "priceFilter": {"tickSize": "0.01"},
                    "riskParameters": {"priceLimitRatioX": "0.01", "priceLimitRatioY": "0.02"},
                }
                for base, quote, _ in self.ticker_pairs()
            ]
        return self.ok({"category": category, "list": rows, "nextPageCursor": ""}, private=False)

    @route("/v5/market/tickers")
    async def market_tickers(self, request: web.Request) -> web.Response:
        category = request.query.get("category", "spot")
        rows = []
        if category == "spot":
            for base, quote, price in self.ticker_pairs():
                last = to_text(price)
                rows.append(
                    {
                        "symbol": f"{base}{quote}", "bid1Price": last, "bid1Size": "1",
                        "ask1Price": last, "ask1Size": "1", "lastPrice": last,
                        "prevPrice24h": last, "price24hPcnt": "0", "highPrice24h": last,
                        "lowPrice24h": last, "turnover24h": "0", "volume24h": "0",
                        "usdIndexPrice": last,
                    }
                )
        return self.ok({"category": category, "list": rows}, private=False)

    @route("/v5/asset/coin/query-info", signed=True)
    async def coin_info(self, request: web.Request) -> web.Response:
        coins = sorted({b.asset for b in self.account.balances}
                       | {c for base, quote, _ in self.ticker_pairs() for c in (base, quote)})
        rows: list[dict[str, object]] = [
            {"name": c, "coin": c, "remainAmount": "1000000", "chains": []} for c in coins]
        return self.ok({"rows": rows})

    @route("/v5/account/wallet-balance", signed=True)
    async def wallet_balance(self, request: web.Request) -> web.Response:
        account_type = request.query.get("accountType")
        if self.unified and account_type != "UNIFIED":
            return json_response(self.envelope(10001, "accountType only support UNIFIED.", {}))
        classic_wallets = {"SPOT": "spot", "CONTRACT": "futures"}
        if not self.unified and account_type not in classic_wallets:
            return json_response(self.envelope(10001, "accountType only support SPOT, CONTRACT.",
                                               {}))
        wallet = "spot" if self.unified else classic_wallets[account_type or ""]
        coins = []
        for row in totals_by_asset(self.account.wallet(wallet)):
            total = to_text(row.total)
            coins.append(
                {
                    "coin": row.asset, "equity": total, "usdValue": "0", "walletBalance": total,
                    "free": to_text(row.free) if account_type == "SPOT" else "",
                    "locked": to_text(row.locked) if wallet == "spot" else "0",
                    "spotHedgingQty": "0", "borrowAmount": "0",
                    "availableToWithdraw": to_text(row.free) if account_type == "CONTRACT" else "",
                    "accruedInterest": "0",
                    "totalOrderIM": "0", "totalPositionIM": "0", "totalPositionMM": "0",
                    "unrealisedPnl": "0", "cumRealisedPnl": "0", "bonus": "0",
                    "marginCollateral": True, "collateralSwitch": True,
                    "availableToBorrow": "",
                }
            )
        account = {
            "accountType": account_type, "accountIMRate": "0", "accountMMRate": "0",
            "accountLTV": "0", "totalEquity": "0", "totalWalletBalance": "0",
            "totalMarginBalance": "0", "totalAvailableBalance": "0", "totalPerpUPL": "0",
            "totalInitialMargin": "0", "totalMaintenanceMargin": "0", "coin": coins,
        }
        return self.ok({"list": [account]})

    @route("/v5/asset/transfer/query-account-coins-balance", signed=True)
    async def fund_balance(self, request: web.Request) -> web.Response:
        account_type = request.query.get("accountType", "")
        if account_type != "FUND":
            return self.ok({"memberId": "1", "accountType": account_type, "balance": []})
        balance = [
            {
                "coin": row.asset, "walletBalance": to_text(row.total),
                "transferBalance": to_text(row.free), "bonus": "0",
                "transferSafeAmount": "", "ltvTransferSafeAmount": "",
            }
            for row in totals_by_asset(self.account.wallet("funding"))
        ]
        return self.ok({"memberId": self.account.uid or "533285", "accountType": "FUND",
                        "balance": balance})

    @route("/v5/earn/position", signed=True)
    async def earn_position(self, request: web.Request) -> web.Response:
        category = request.query.get("category")
        if category not in ("FlexibleSaving", "OnChain"):
            return json_response(self.envelope(10001, "category is invalid", {}))
        rows = []
        if category == "FlexibleSaving":
            for row in totals_by_asset(self.account.wallet("earn_flexible")):
                rows.append(self._position(row.asset, to_text(row.total), "1", ""))
        else:
            for n, balance in enumerate(self.account.wallet("staking")):
                if balance.free:
                    rows.append(self._position(balance.asset, to_text(balance.free), str(100 + n),
                                               "", onchain=True))
                if balance.locked:
                    settle = unlock_ms(balance) or self.server_time_ms() + 30 * 86_400_000
                    rows.append(self._position(balance.asset, to_text(balance.locked),
                                               str(200 + n), str(settle), onchain=True))
        return self.ok({"list": rows})

    def _position(self, coin: str, amt: str, product: str, settlement: str, *,
                  onchain: bool = False) -> dict:
        return {
            "coin": coin, "productId": product, "amount": amt, "totalPnl": "0",
            "claimableYield": "0", "id": f"{product}-1" if onchain else "",
            "status": "Active" if onchain else "", "orderId": f"o-{product}" if onchain else "",
            "estimateRedeemTime": "", "estimateStakeTime": "",
            "estimateInterestCalculationTime": "", "settlementTime": settlement,
        }

    @route("/v5/user/query-api", signed=True)
    async def query_api(self, request: web.Request) -> web.Response:
        """The key's information; "Any permission can access this endpoint"."""
        perms = self.account.permissions
        trade = "trade" in perms
        wallet = ["AccountTransfer", "SubMemberTransfer"] if "transfer" in perms or trade else []
        if "withdraw" in perms:
            wallet.append("Withdraw")
        result = {
            "id": "13770661", "note": "exposure", "apiKey": self.account.api_key,
            "readOnly": 0 if trade or "withdraw" in perms else 1, "secret": "",
            "permissions": {
                "ContractTrade": ["Order", "Position"] if trade else [],
                "Spot": ["SpotTrade"] if trade else [], "Wallet": wallet,
                "Options": ["OptionsTrade"] if trade else [], "Derivatives": [],
                "CopyTrading": [], "BlockTrade": [], "Exchange": [], "NFT": [],
                "Affiliate": [], "Earn": ["Earn"] if trade else [],
            },
            "ips": list(self.account.ip_whitelist) or ["*"], "type": 1, "deadlineDay": 66,
            "expiredAt": "2027-01-01T00:00:00Z", "createdAt": "2026-01-01T00:00:00Z",
            "unified": 0, "uta": 1 if self.unified else 0, "userID": 24617703,
            "inviterID": 0, "vipLevel": "No VIP",
            "mktMakerLevel": "0", "affiliateID": 0, "rsaPublicKey": "", "isMaster": True,
            "parentUid": "0", "kycLevel": "LEVEL_1", "kycRegion": "",
        }
        return self.ok(result)
