"""KuCoin REST emulator (classic account; spot, margin, futures and Earn hosts).

Wire format from KuCoin's API documentation (www.kucoin.com/docs-new):

* Private requests carry ``KC-API-KEY``, ``KC-API-SIGN``, ``KC-API-TIMESTAMP``
  (ms), ``KC-API-PASSPHRASE`` and ``KC-API-KEY-VERSION``. The signature is
  base64(HMAC-SHA256(secret, timestamp + METHOD + endpoint[?query] + body));
  with key version 2 the passphrase header is itself
  base64(HMAC-SHA256(secret, passphrase)). A timestamp more than 5 seconds
  from the server clock is ``400002``.
* Answers are ``{"code": "200000", "data": ...}``; errors are
  ``{"code": "4000xx", "msg": ...}`` with HTTP 401/403, ``429000`` with 429.
  Every answer carries the ``gw-ratelimit-limit``, ``gw-ratelimit-remaining``
  and ``gw-ratelimit-reset`` headers.

The futures host (api-futures.kucoin.com) is served on the same origin: the
app's URL override points every ``urls['api']`` entry here, and the paths do
not collide.

Wallet mapping: ``funding`` = main accounts and ``spot`` = trade accounts
(``/api/v1/accounts``), ``margin`` = cross margin (``/api/v3/margin/accounts``),
``futures`` = ``/api/v1/account-overview-all``, ``earn_flexible`` /
``earn_locked`` / ``staking`` = ``/api/v1/earn/hold-assets`` (DEMAND,
fixed-term and STAKING products; locked ones end at ``unlock_at``).

``unified=True`` emulates a Unified Trading Account (``/api/ua/v1/account/mode``
says ``UNIFIED``): ``spot`` is then the unified account
(``/api/ua/v1/unified/account/balance``) and ``funding`` the FUNDING account
(``/api/ua/v1/account/balance?accountType=FUNDING``). A classic account asking
the unified balance gets ``112010`` "Invalid Unified Account user.".
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from aiohttp import web

from exposure_app.domain.money import to_text
from exposure_app.emulator.base import ErrorSpec, Fault, FaultKind, json_response, totals_by_asset
from exposure_app.emulator.hmac_common import unlock_ms
from exposure_app.emulator.passphrase_auth import PassphraseAuth, PassphraseSignedEmulator
from exposure_app.emulator.routes import route

TIMESTAMP_WINDOW_MS = 5_000
RATE_LIMIT = 4000

ERRORS: dict[str | int, tuple[int, str]] = {
    "400001": (401, "Any of KC-API-KEY, KC-API-SIGN, KC-API-TIMESTAMP, KC-API-PASSPHRASE "
                    "is missing in your request header."),
    "400002": (401, "KC-API-TIMESTAMP Invalid -- Time differs from server time by more "
                    "than 5 seconds"),
    "400003": (401, "KC-API-KEY not exists"),
    "400004": (401, "KC-API-PASSPHRASE error"),
    "400005": (401, "Signature error -- Please check your signature"),
    "400006": (403, "The IP address is not in the API whitelist"),
    "400007": (403, "Access Denied -- Your api key does not have sufficient permissions "
                    "to access the URI"),
    "112010": (400, "Invalid Unified Account user."),
    "429000": (429, "Too Many Requests -- Rate limit exceeded"),
    "503": (503, "Service Unavailable -- We're temporarily offline for maintenance. "
                 "Please try again later."),
}



class KucoinEmulator(PassphraseSignedEmulator):
    """Serves the KuCoin endpoints the app calls; see the module docstring."""

    exchange_id: ClassVar[str] = "kucoin"
    error_spec: ClassVar[ErrorSpec] = ErrorSpec(ERRORS, {
        FaultKind.AUTH: "400005", FaultKind.PERMISSION_DENIED: "400007",
        FaultKind.IP_NOT_WHITELISTED: "400006", FaultKind.RATE_LIMIT: "429000",
        FaultKind.BAN: "429000", FaultKind.MAINTENANCE: "503"})
    passphrase_auth: ClassVar[PassphraseAuth] = PassphraseAuth(
        "KC-API-", bad_timestamp="400002", expired="400002", window_ms=TIMESTAMP_WINDOW_MS,
        unknown_key="400003", wrong_passphrase="400004", missing_code="400001",
        key_version=True)
    wallet_names: ClassVar[tuple[str, ...]] = (
        "spot", "funding", "margin", "futures", "earn_flexible", "earn_locked", "staking",
    )

    def __init__(self, *args, unified: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.unified = unified

    def limit_headers(self, remaining: int = RATE_LIMIT - 1) -> dict[str, str]:
        return {"gw-ratelimit-limit": str(RATE_LIMIT),
                "gw-ratelimit-remaining": str(remaining), "gw-ratelimit-reset": "30000"}

    def error_body(self, code: str | int, message: str) -> object:
        return {"code": code, "msg": message}

    def error_headers(self, fault: Fault | None) -> dict[str, str]:
        limited = fault is not None and fault.kind in (FaultKind.RATE_LIMIT, FaultKind.BAN)
        return self.limit_headers(0) if limited else self.limit_headers()

    def ok(self, data: object) -> web.Response:
        return json_response({"code": "200000", "data": data}, headers=self.limit_headers())


    def is_private(self, request: web.Request) -> bool:
        public = ("/api/v1/timestamp", "/api/v2/symbols", "/api/v3/currencies",
                  "/api/v1/market/")
        return not request.path.startswith(public)

    # -- routes ----------------------------------------------------------------------

    def _codes(self) -> list[str]:
        return sorted({b.asset for b in self.account.balances}
                      | {c for base, quote, _ in self.ticker_pairs() for c in (base, quote)})

    @route("/api/v1/timestamp")
    async def timestamp(self, request: web.Request) -> web.Response:
        return self.ok(self.server_time_ms())

    def _symbol(self, base: str, quote: str) -> dict:
        return {
            "symbol": f"{base}-{quote}", "name": f"{base}-{quote}", "baseCurrency": base,
            "quoteCurrency": quote, "feeCurrency": quote, "market": quote,
            "baseMinSize": "0.00001", "quoteMinSize": "0.1", "baseMaxSize": "10000000000",
            "quoteMaxSize": "99999999", "baseIncrement": "0.00000001",
            "quoteIncrement": "0.000001", "priceIncrement": "0.1", "priceLimitRate": "0.1",
            "minFunds": "0.1", "isMarginEnabled": True, "enableTrading": True,
            "feeCategory": 1, "makerFeeCoefficient": "1.00", "takerFeeCoefficient": "1.00",
            "st": False,
        }

    @route("/api/v2/symbols")
    async def symbols(self, request: web.Request) -> web.Response:
        return self.ok([self._symbol(base, quote) for base, quote, _ in self.ticker_pairs()])

    @route("/api/v3/currencies")
    async def currencies(self, request: web.Request) -> web.Response:
        return self.ok([
            {"currency": c, "name": c, "fullName": c, "precision": 8, "confirms": None,
             "contractAddress": None, "isMarginEnabled": True, "isDebitEnabled": True,
             "chains": []}
            for c in self._codes()
        ])

    @route("/api/v1/market/allTickers")
    async def all_tickers(self, request: web.Request) -> web.Response:
        rows = []
        for base, quote, price in self.ticker_pairs():
            last = to_text(price)
            rows.append(
                {
                    "symbol": f"{base}-{quote}", "symbolName": f"{base}-{quote}", "buy": last,
                    "bestBidSize": "1", "sell": last, "bestAskSize": "1", "changeRate": "0",
                    "changePrice": "0", "high": last, "low": last, "vol": "0",
                    "volValue": "0", "last": last, "averagePrice": last,
                    "takerFeeRate": "0.001", "makerFeeRate": "0.001",
                    "takerCoefficient": "1", "makerCoefficient": "1",
                }
            )
        return self.ok({"time": self.server_time_ms(), "ticker": rows})

    @route("/api/v3/margin/symbols", signed=True)
    async def margin_symbols(self, request: web.Request) -> web.Response:
        return self.ok({"timestamp": self.server_time_ms(),
                        "items": [self._symbol(b, q) for b, q, _ in self.ticker_pairs()]})

    @route("/api/v1/isolated/symbols", signed=True)
    async def isolated_symbols(self, request: web.Request) -> web.Response:
        return self.ok([])

    @route("/api/v1/hf/accounts/opened", signed=True)
    async def hf_opened(self, request: web.Request) -> web.Response:
        return self.ok(False)

    @route("/api/v1/accounts", signed=True)
    async def accounts(self, request: web.Request) -> web.Response:
        wanted = request.query.get("type")
        data = []
        for wallet, kind in (("funding", "main"), ("spot", "trade")):
            if wanted and wanted != kind:
                continue
            for row in totals_by_asset(self.account.wallet(wallet)):
                data.append(
                    {
                        "id": f"{kind}-{row.asset}", "currency": row.asset, "type": kind,
                        "balance": to_text(row.total), "available": to_text(row.free),
                        "holds": to_text(row.locked),
                    }
                )
        return self.ok(data)

    @route("/api/v3/margin/accounts", signed=True)
    async def margin_accounts(self, request: web.Request) -> web.Response:
        accounts = [
            {
                "currency": row.asset, "total": to_text(row.total), "available": to_text(row.free),
                "hold": to_text(row.locked), "liability": "0", "maxBorrowSize": "0",
                "borrowEnabled": True, "transferInEnabled": True,
            }
            for row in totals_by_asset(self.account.wallet("margin"))
        ]
        return self.ok({"totalAssetOfQuoteCurrency": "0", "totalLiabilityOfQuoteCurrency": "0",
                        "debtRatio": "0", "status": "EFFECTIVE", "accounts": accounts})

    @route("/api/v3/isolated/accounts", signed=True)
    async def isolated_accounts(self, request: web.Request) -> web.Response:
        return self.ok({"totalAssetOfQuoteCurrency": "0", "totalLiabilityOfQuoteCurrency": "0",
                        "timestamp": self.server_time_ms(), "assets": []})

    @route("/api/v1/account-overview-all", signed=True)
    async def futures_overview(self, request: web.Request) -> web.Response:
        accounts = []
        for row in totals_by_asset(self.account.wallet("futures")):
            accounts.append(
                {
                    "currency": "XBT" if row.asset == "BTC" else row.asset,
                    "accountEquity": float(row.total), "unrealisedPNL": 0.0,
                    "marginBalance": float(row.total), "positionMargin": float(row.locked),
                    "orderMargin": 0.0, "frozenFunds": 0.0,
                    "availableBalance": float(row.free), "riskRatio": 0.0,
                }
            )
        summary = {"accountEquityTotal": 0.0, "unrealisedPNLTotal": 0.0,
                   "marginBalanceTotal": 0.0, "positionMarginTotal": 0.0,
                   "orderMarginTotal": 0.0, "frozenFundsTotal": 0.0,
                   "availableBalanceTotal": 0.0, "currency": "USDT"}
        return self.ok({"summary": summary, "accounts": accounts})

    @route("/api/v1/earn/hold-assets", signed=True)
    async def earn_hold_assets(self, request: web.Request) -> web.Response:
        now = self.server_time_ms()
        items: list[dict[str, object]] = []
        for wallet in ("earn_flexible", "earn_locked", "staking"):
            for balance in self.account.wallet(wallet):
                category = "STAKING" if wallet == "staking" else (
                    "ACTIVITY" if wallet == "earn_locked" else "DEMAND")
                parts: list[tuple[Decimal, int | None]] = [(balance.free, None)] if balance.free else []
                if balance.locked:
                    parts.append((balance.locked, unlock_ms(balance) or now + 30 * 86_400_000))
                for amt, lock_end in parts:
                    n = len(items)
                    items.append(
                        {
                            "orderId": str(2155441 + n), "productId": str(2611 + n),
                            "productCategory": category,
                            "productType": "TIME" if lock_end else "DEMAND",
                            "currency": balance.asset, "incomeCurrency": balance.asset,
                            "returnRate": "0.05", "holdAmount": to_text(amt),
                            "redeemedAmount": "0", "redeemingAmount": "0",
                            "lockStartTime": now - 86_400_000,
                            "lockEndTime": lock_end, "purchaseTime": now - 86_400_000,
                            "redeemPeriod": 3 if lock_end else 0,
                            "status": "LOCKED", "earlyRedeemSupported": 0 if lock_end else 1,
                        }
                    )
        page = max(1, int(request.query.get("currentPage", "1")))
        size = max(1, min(500, int(request.query.get("pageSize", "15"))))
        pages = max(1, -(-len(items) // size))
        chunk = items[(page - 1) * size: page * size]
        return self.ok({"totalNum": len(items), "totalPage": pages, "currentPage": page,
                        "pageSize": size, "items": chunk})

    @route("/api/v1/user/api-key", signed=True)
    async def api_key_info(self, request: web.Request) -> web.Response:
        perms = ["General"]
        if "trade" in self.account.permissions:
            perms += ["Spot", "Margin", "Futures", "Earn"]
        if "transfer" in self.account.permissions:
            perms.append("InnerTransfer")
        if "withdraw" in self.account.permissions:
            perms.append("Transfer")
        return self.ok(
            {
                "remark": "exposure", "apiKey": self.account.api_key, "apiVersion": 3,
                "permission": ",".join(perms),
                "ipWhitelist": ",".join(self.account.ip_whitelist),
                "createdAt": 1728443843000, "uid": 165111215, "isMaster": True,
            }
        )

    # -- unified trading account ------------------------------------------------------

    @route("/api/ua/v1/account/mode", signed=True)
    async def account_mode(self, request: web.Request) -> web.Response:
        uid = "165111215"
        return self.ok({
            "selfAccountMode": "UNIFIED" if self.unified else "CLASSIC",
            "unifiedSubAccount": [uid] if self.unified else [],
            "classicSubAccount": [] if self.unified else [uid],
        })

    def _uta_currencies(self, wallet: str) -> list[dict]:
        return [
            {"currency": row.asset, "equity": to_text(row.total), "hold": to_text(row.locked),
             "balance": to_text(row.total), "available": to_text(row.free), "liability": "0"}
            for row in totals_by_asset(self.account.wallet(wallet))
        ]

    @route("/api/ua/v1/{mode}/account/balance", signed=True)
    async def uta_mode_balance(self, request: web.Request) -> web.Response:
        if not self.unified or request.match_info["mode"] != "unified":
            return self.error("112010")
        return self.ok({"accountType": "UNIFIED", "ts": self.server_time_ms(),
                        "accounts": [{"currencies": self._uta_currencies("spot")}]})

    @route("/api/ua/v1/account/balance", signed=True)
    async def uta_account_balance(self, request: web.Request) -> web.Response:
        kind = request.query.get("accountType", "")
        wallet = {"FUNDING": "funding"}.get(kind)
        currencies = self._uta_currencies(wallet) if wallet else []
        return self.ok({"accountType": kind, "ts": self.server_time_ms(),
                        "accounts": [{"currencies": currencies}]})
