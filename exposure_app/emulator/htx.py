"""HTX (Huobi) REST emulator: the spot host API and the USDT-M contract v5 account.

Signed requests (huobiapi.github.io/docs/spot/v1/en, "Authentication") carry
``AccessKeyId``, ``SignatureMethod=HmacSHA256``, ``SignatureVersion=2`` and
``Timestamp`` (UTC ``YYYY-MM-DDThh:mm:ss``) as query parameters, sorted, and
``Signature`` = base64 HMAC-SHA256 of ``METHOD\\nhost\\npath\\nsorted query``.
The host in the signed text is the exchange's own (``api.huobi.pro`` for the
spot API, ``api.hbdm.vn`` for contracts, the hosts ccxt signs for), not the
loopback address. A timestamp more than 5 minutes off is rejected.

Errors: spot ``{"status": "error", "err-code": ..., "err-msg": ..., "data":
null}``, contracts the same with ``err_code``/``err_msg``; v2 ``{"code": ...,
"message": ...}``.

Wallets: ``spot``, ``funding`` (the OTC account), ``earn_flexible`` (the
``deposit-earning`` account), ``margin`` (isolated, ``<asset>usdt``),
``cross_margin`` (``super-margin``), ``futures`` (USDT-M unified account,
``/v5/account/balance``) and ``futures_coinm`` (coin-margined swaps; the
coin-margined delivery account answers with no positions).

Rate-limit headers ``X-HB-RateLimit-Requests-Remain`` and
``X-HB-RateLimit-Requests-Expire`` come with every signed answer.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from datetime import UTC, datetime
from decimal import Decimal
from functools import partial
from urllib.parse import unquote

from aiohttp import web

from exposure_app.emulator.base import ExchangeEmulator, Fault, FaultKind
from exposure_app.emulator.number_text import fixed_places
from exposure_app.emulator.routes import route
from exposure_app.emulator.signing import same, strip_param

SPOT_HOST = "api.huobi.pro"
CONTRACT_HOST = "api.hbdm.vn"
ZERO = Decimal(0)
_ACCOUNT_IDS = {"spot": 10001, "otc": 10002, "deposit-earning": 10003, "super-margin": 10004,
                "point": 10005}
_ACCOUNT_WALLETS = {"spot": "spot", "otc": "funding", "deposit-earning": "earn_flexible"}

_FAULTS = {
    FaultKind.AUTH: (200, "api-signature-not-valid",
                     "Signature not valid: Incorrect Access key [Access key错误]"),
    FaultKind.PERMISSION_DENIED: (200, "api-signature-not-valid",
                                  "Signature not valid: API key has no permission [API Key没有权限]"),
    FaultKind.IP_NOT_WHITELISTED: (200, "api-signature-not-valid",
                                   "Signature not valid: Incorrect IP address [IP地址错误]"),
    FaultKind.RATE_LIMIT: (429, "rate-too-many-requests", "exceeded rate limit"),
    FaultKind.BAN: (429, "base-request-exceed-frequency-limit",
                    "Frequency of requests has exceeded the limit, please try again later"),
    FaultKind.MAINTENANCE: (200, "system-maintenance", "System is in maintenance!"),
}


# HTX writes amounts with 8 decimals
_text = partial(fixed_places, places=8)


def _is_contract(path: str) -> bool:
    return path.startswith(("/v5/", "/linear-swap-api/", "/api/v1/contract", "/swap-api/"))


class HtxEmulator(ExchangeEmulator):
    exchange_id = "htx"
    wallet_names = ("spot", "funding", "earn_flexible", "margin", "cross_margin", "futures",
                    "futures_coinm")
    uid = 55501234

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.remaining = 100

    # -- errors ---------------------------------------------------------------

    def _error(self, request: web.Request, code: str, message: str, status: int = 200,
               headers: dict[str, str] | None = None) -> web.Response:
        if request.path.startswith("/v2/"):
            body: dict[str, object] = {"code": 1003 if "signature" in code else 500,
                                       "message": message, "ok": False}
        elif _is_contract(request.path):
            body = {"status": "error", "err_code": code, "err_msg": message,
                    "ts": int(time.time() * 1000)}
        else:
            body = {"status": "error", "err-code": code, "err-msg": message, "data": None}
        return web.json_response(body, status=status, headers=headers)

    def is_private(self, request: web.Request) -> bool:
        return "AccessKeyId" in request.query

    def fault_response(self, fault: Fault, request: web.Request) -> web.StreamResponse:
        status, code, message = _FAULTS.get(fault.kind, (500, "system-busy", "system busy"))
        headers = {"Retry-After": str(fault.retry_after)} if status == 429 else None
        return self._error(request, code, message, status, headers)

    async def authenticate(self, request: web.Request, *,
                           needs: str = "read") -> web.Response | None:
        account = self.account
        query = request.query
        if query.get("AccessKeyId") != account.api_key:
            return self._error(request, "api-signature-not-valid",
                               "Signature not valid: Incorrect Access key [Access key错误]")
        if query.get("SignatureMethod") != "HmacSHA256" or query.get("SignatureVersion") != "2":
            return self._error(request, "api-signature-not-valid",
                               "Signature not valid: Incorrect signature method or version")
        # the raw (still percent-encoded) query: aiohttp's query_string is decoded
        unsigned, signature = strip_param(request.rel_url.raw_query_string, "Signature")
        keys = [part.partition("=")[0] for part in unsigned.split("&")]
        host = CONTRACT_HOST if _is_contract(request.path) else SPOT_HOST
        payload = "\n".join([request.method, host, request.path, unsigned])
        expected = base64.b64encode(
            hmac.new(account.secret.encode(), payload.encode(), hashlib.sha256).digest()
        ).decode()
        if keys != sorted(keys) or not same(expected, unquote(signature or "")):
            return self._error(request, "api-signature-not-valid",
                               "Signature not valid: Verification failure [校验失败]")
        try:
            stamp = datetime.strptime(query.get("Timestamp", ""), "%Y-%m-%dT%H:%M:%S")
        except ValueError:
            return self._error(request, "invalid-parameter", "invalid timestamp")
        skew = abs(stamp.replace(tzinfo=UTC).timestamp() - self.server_time_ms() / 1000)
        if skew > 300:
            return self._error(request, "api-signature-not-valid",
                               "Signature not valid: Timestamp expired, check the clock")
        if account.ip_whitelist and request.remote not in account.ip_whitelist:
            return self._error(request, "api-signature-not-valid",
                               "Signature not valid: Incorrect IP address [IP地址错误]")
        if not account.can(needs):
            return self._error(request, "api-signature-not-valid",
                               "Signature not valid: API key has no permission [API Key没有权限]")
        return None

    def _rate_headers(self) -> dict[str, str]:
        self.remaining = self.remaining - 1 if self.remaining > 1 else 100
        return {"X-HB-RateLimit-Requests-Remain": str(self.remaining),
                "X-HB-RateLimit-Requests-Expire": str(int(time.time() * 1000) + 3000)}

    def _ok(self, data) -> web.Response:
        return web.json_response({"status": "ok", "data": data}, headers=self._rate_headers())

    # -- routes ---------------------------------------------------------------

    @route("/v1/common/timestamp")
    async def timestamp(self, request: web.Request) -> web.Response:
        return self._ok(self.server_time_ms())

    @route("/market/tickers")
    async def market_tickers(self, request: web.Request) -> web.Response:
        rows = []
        for symbol, price in self.tickers.items():
            last = float(price)
            rows.append({"symbol": symbol.replace("/", "").lower(), "open": last, "high": last,
                         "low": last, "close": last, "amount": 10.0, "vol": 10 * last,
                         "count": 100, "bid": last, "bidSize": 1.0, "ask": last, "askSize": 1.0})
        return web.json_response({"status": "ok", "ts": int(time.time() * 1000), "data": rows})

    @route("/v1/common/symbols")
    async def common_symbols(self, request: web.Request) -> web.Response:
        rows = []
        for symbol in self.tickers:
            base, quote = (part.lower() for part in symbol.split("/"))
            rows.append({
                "base-currency": base, "quote-currency": quote, "price-precision": 2,
                "amount-precision": 6, "symbol-partition": "main", "symbol": base + quote,
                "state": "online", "value-precision": 8, "min-order-amt": 0.0001,
                "max-order-amt": 1000, "min-order-value": 5, "limit-order-min-order-amt": 0.0001,
                "limit-order-max-order-amt": 1000, "sell-market-min-order-amt": 0.0001,
                "sell-market-max-order-amt": 100, "buy-market-max-order-value": 1000000,
                "api-trading": "enabled",
            })
        return self._ok(rows)

    @route("/v2/reference/currencies")
    async def reference_currencies(self, request: web.Request) -> web.Response:
        codes = {b.asset for b in self.account.balances}
        for symbol in self.tickers:
            codes.update(symbol.split("/"))
        data = [{
            "currency": code.lower(), "assetType": 1, "instStatus": "normal",
            "chains": [{
                "chain": code.lower(), "displayName": code, "baseChain": code,
                "baseChainProtocol": "", "isDynamic": False, "numOfConfirmations": 12,
                "numOfFastConfirmations": 6, "depositStatus": "allowed",
                "minDepositAmt": "0.0001", "withdrawStatus": "allowed", "minWithdrawAmt": "0.001",
                "withdrawPrecision": 8, "maxWithdrawAmt": "1000", "withdrawQuotaPerDay": "1000",
                "withdrawFeeType": "fixed", "transactFeeWithdraw": "0.0005",
            }],
        } for code in sorted(codes)]
        return web.json_response({"code": 200, "data": data})

    @route("/v1/account/accounts", signed=True)
    async def accounts(self, request: web.Request) -> web.Response:
        rows = [{"id": account_id, "type": kind, "subtype": "", "state": "working"}
                for kind, account_id in _ACCOUNT_IDS.items()]
        for index, balance in enumerate(self.account.wallet("margin")):
            rows.append({"id": 20000 + index, "type": "margin",
                         "subtype": f"{balance.asset.lower()}usdt", "state": "working"})
        return self._ok(rows)

    @staticmethod
    def _list(balances) -> list[dict[str, str]]:
        rows = []
        for b in balances:
            rows.append({"currency": b.asset.lower(), "type": "trade", "balance": _text(b.free),
                         "seq-num": "1", "debt": "", "available": _text(b.free)})
            rows.append({"currency": b.asset.lower(), "type": "frozen",
                         "balance": _text(b.locked), "seq-num": "1", "debt": "", "available": ""})
        return rows

    @route("/v1/account/accounts/{account_id}/balance", signed=True)
    async def account_balance(self, request: web.Request) -> web.Response:
        try:
            account_id = int(request.match_info["account_id"])
        except ValueError:
            account_id = -1
        kinds = {v: k for k, v in _ACCOUNT_IDS.items()}
        if account_id not in kinds:
            return self._error(request, "account-frozen-account-inexistent-error",
                               f"account for id `{request.match_info['account_id']}` and "
                               f"user id `{self.uid}` does not exist")
        kind = kinds[account_id]
        wallet = _ACCOUNT_WALLETS.get(kind)
        balances = self.account.wallet(wallet) if wallet else []
        return self._ok({"id": account_id, "type": kind, "state": "working",
                         "list": self._list(balances)})

    @route("/v1/margin/accounts/balance", signed=True)
    async def isolated_margin(self, request: web.Request) -> web.Response:
        rows = []
        for index, b in enumerate(self.account.wallet("margin")):
            rows.append({"id": 20000 + index, "type": "margin", "state": "working",
                         "symbol": f"{b.asset.lower()}usdt", "fl-price": "0", "fl-type": "safe",
                         "risk-rate": "10", "list": self._list([b])})
        return self._ok(rows)

    @route("/v1/cross-margin/accounts/balance", signed=True)
    async def cross_margin(self, request: web.Request) -> web.Response:
        balances = self.account.wallet("cross_margin")
        if not balances:
            return self._error(request, "account-get-accounts-inexistent-error",
                               "The account does not exist")
        return self._ok({"id": _ACCOUNT_IDS["super-margin"], "type": "cross-margin",
                         "state": "working", "risk-rate": "10", "acct-balance-sum": "0",
                         "debt-balance-sum": "0", "list": self._list(balances)})

    @route("/v5/account/balance", signed=True)
    async def contract_balance(self, request: web.Request) -> web.Response:
        now = int(time.time() * 1000)
        if not self.account.wallet("futures"):
            return web.json_response({"status": "error", "err_code": 1010,
                                      "err_msg": "Account doesnt exist.", "ts": now})
        details = []
        for b in self.account.wallet("futures"):
            equity = _text(b.free + b.locked)
            details.append({
                "currency": b.asset, "equity": equity, "available": _text(b.free),
                "profit_unreal": "0", "initial_margin": _text(b.locked),
                "maintenance_margin": "0", "maintenance_margin_rate": "0",
                "initial_margin_rate": "0", "available_margin": _text(b.free), "voucher": "0",
                "voucher_value": "0", "withdraw_available": _text(b.free),
                "created_time": now, "updated_time": now, "isolated_equity": "0",
                "isolated_profit_unreal": "0",
            })
        body = {"code": 200, "message": "Success", "data": {
            "state": "normal", "equity": "0", "details": details, "initial_margin": "0",
            "maintenance_margin": "0", "profit_unreal": "0", "available_margin": "0",
            "voucher_value": "0", "created_time": now, "updated_time": now,
        }, "ts": now}
        return web.json_response(body, headers=self._rate_headers())

    @route("/swap-api/v1/swap_account_info", method="POST", signed=True)
    async def coin_margined_swap(self, request: web.Request) -> web.Response:
        rows = []
        for b in self.account.wallet("futures_coinm"):
            rows.append({
                "symbol": b.asset, "margin_balance": _text(b.free + b.locked),
                "margin_position": _text(b.locked), "margin_frozen": "0",
                "margin_available": _text(b.free), "profit_real": "0", "profit_unreal": "0",
                "risk_rate": None, "withdraw_available": _text(b.free),
                "liquidation_price": None, "lever_rate": 5, "adjust_factor": "0.025",
                "margin_static": _text(b.free + b.locked), "contract_code": f"{b.asset}-USD",
                "transfer_profit_ratio": None,
            })
        return web.json_response({"status": "ok", "data": rows, "ts": int(time.time() * 1000)},
                                 headers=self._rate_headers())

    @route("/api/v1/contract_account_info", method="POST", signed=True)
    async def coin_margined_delivery(self, request: web.Request) -> web.Response:
        return web.json_response({"status": "ok", "data": [], "ts": int(time.time() * 1000)},
                                 headers=self._rate_headers())

    @route("/v2/user/uid", signed=True)
    async def user_uid(self, request: web.Request) -> web.Response:
        return web.json_response({"code": 200, "data": self.uid, "ok": True})

    @route("/v2/user/api-key", signed=True)
    async def user_api_key(self, request: web.Request) -> web.Response:
        if request.query.get("uid") != str(self.uid):
            return web.json_response({"code": 2002, "message": "invalid field value in `uid`",
                                      "ok": False})
        granted = ["readOnly"]
        if self.account.can("trade"):
            granted.append("trade")
        if self.account.can("withdraw"):
            granted.append("withdraw")
        created = int(time.time() * 1000) - 86_400_000
        return web.json_response({"code": 200, "message": "success", "ok": True, "data": [{
            "accessKey": self.account.api_key, "note": "exposure",
            "permission": ",".join(granted),
            "ipAddresses": ",".join(self.account.ip_whitelist), "validDays": -1,
            "status": "normal", "createTime": created, "updateTime": created,
        }]})
