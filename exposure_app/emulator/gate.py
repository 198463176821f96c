"""Gate (API v4) REST emulator.

Signed requests carry ``KEY``, ``Timestamp`` (seconds) and ``SIGN`` = hex
HMAC-SHA512 of ``METHOD\\n/api/v4/path\\nquery\\nhex(SHA512(body))\\ntimestamp``
(gate.com/docs/developers/apiv4, "Authentication"). A timestamp more than 60 s
from the server clock is ``REQUEST_EXPIRED``. Errors are
``{"label": ..., "message": ...}`` with the documented statuses; every
private answer has the ``X-Gate-RateLimit-*`` headers.

Wallets (``EmulatedBalance.wallet``): ``spot``; ``margin`` (isolated, one
pair ``<ASSET>_USDT`` per asset); ``cross_margin``; ``futures`` (perpetual
account per settle currency: USDT or BTC); ``delivery`` (USDT); ``options``
(USDT); ``earn_flexible`` (Uni lending); ``earn_locked`` (dual investment
orders, settled at ``unlock_at``); ``staking`` (on-chain earn). A
futures, delivery or options account the user never funded answers
``USER_NOT_FOUND``, as Gate does.
"""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, datetime
from decimal import Decimal
from functools import partial
from typing import ClassVar

from aiohttp import web

from exposure_app.emulator.base import (
    EmulatedBalance,
    ErrorSpec,
    ExchangeEmulator,
    FaultKind,
    json_response,
)
from exposure_app.emulator.number_text import fixed_places
from exposure_app.emulator.routes import route
from exposure_app.emulator.signing import hmac_hex, same, sha512_hex

ZERO = Decimal(0)
_LIMIT = 200

# label -> (HTTP status, message), as Gate words them; the fault answers below use
# them (Gate words a rate limit and a ban alike).
ERRORS: dict[str | int, tuple[int, str]] = {
    "INVALID_KEY": (401, "Invalid key provided"),
    "INVALID_SIGNATURE": (401, "Signature mismatch"),
    "MISSING_REQUIRED_HEADER": (401, "Timestamp header is not valid"),
    "REQUEST_EXPIRED": (401, "Gap between request Timestamp and server time exceeds 60"),
    "IP_FORBIDDEN": (403, "Request IP {ip} not in whitelist"),
    "FORBIDDEN": (403, "API key lacks the permission for this request"),
    "TOO_MANY_REQUESTS": (429, "Request Rate Limit Exceeded"),
    "SERVER_ERROR": (503, "System under maintenance, please retry later"),
}


# Gate writes amounts with 8 decimals
_text = partial(fixed_places, places=8)


class GateEmulator(ExchangeEmulator):
    exchange_id = "gate"
    wallet_names = (
        "spot", "margin", "cross_margin", "futures", "delivery", "options",
        "earn_flexible", "earn_locked", "staking",
    )
    error_spec: ClassVar[ErrorSpec] = ErrorSpec(ERRORS, {
        FaultKind.AUTH: "INVALID_KEY", FaultKind.PERMISSION_DENIED: "FORBIDDEN",
        FaultKind.IP_NOT_WHITELISTED: "IP_FORBIDDEN", FaultKind.RATE_LIMIT: "TOO_MANY_REQUESTS",
        FaultKind.BAN: "TOO_MANY_REQUESTS", FaultKind.MAINTENANCE: "SERVER_ERROR"},
        retry_faults=frozenset({FaultKind.RATE_LIMIT, FaultKind.BAN}))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.remaining = _LIMIT

    # -- errors ---------------------------------------------------------------

    def error_body(self, code: str | int, message: str) -> object:
        return {"label": code, "message": message}

    def _error(self, status: int, label: str, message: str) -> web.Response:
        """An answer worded apart from :data:`ERRORS` (the handler names the detail)."""
        return json_response(self.error_body(label, message), status=status)

    def is_private(self, request: web.Request) -> bool:
        return "KEY" in request.headers or not self._is_public_path(request.path)

    @staticmethod
    def _is_public_path(path: str) -> bool:
        return path.startswith(("/api/v4/spot/tickers", "/api/v4/spot/currency_pairs",
                                "/api/v4/spot/currencies", "/api/v4/margin/currency_pairs",
                                "/api/v4/spot/time"))

    def _rate_headers(self) -> dict[str, str]:
        self.remaining = self.remaining - 1 if self.remaining > 1 else _LIMIT
        reset = int(time.time()) + 10
        return {
            "X-Gate-RateLimit-Requests-Remain": str(self.remaining),
            "X-Gate-RateLimit-Limit": str(_LIMIT),
            "X-Gate-RateLimit-Reset-Timestamp": str(reset),
        }

    def _ok(self, body) -> web.Response:
        return web.json_response(body, headers=self._rate_headers())

    async def authenticate(self, request: web.Request, *,
                           needs: str = "read") -> web.Response | None:
        account = self.account
        if request.headers.get("KEY") != account.api_key:
            return self.error("INVALID_KEY")
        timestamp = request.headers.get("Timestamp", "")
        body = await request.text()
        payload = "\n".join([
            request.method, request.path, request.query_string, sha512_hex(body), timestamp,
        ])
        if not same(hmac_hex(account.secret, payload, hashlib.sha512), request.headers.get("SIGN")):
            return self.error("INVALID_SIGNATURE")
        now = self.server_time_ms() / 1000
        try:
            stamp = float(timestamp)
        except ValueError:
            return self.error("MISSING_REQUIRED_HEADER")
        if abs(stamp - now) > 60:
            return self.error("REQUEST_EXPIRED")
        if account.ip_whitelist and request.remote not in account.ip_whitelist:
            return self.error("IP_FORBIDDEN", ip=str(request.remote))
        if not account.can(needs):
            return self.error("FORBIDDEN")
        return None

    # -- routes ---------------------------------------------------------------

    @route("/api/v4/spot/time")
    async def server_time(self, request: web.Request) -> web.Response:
        return web.json_response({"server_time": self.server_time_ms()})

    @route("/api/v4/spot/tickers")
    async def spot_tickers(self, request: web.Request) -> web.Response:
        wanted = request.query.get("currency_pair")
        rows = []
        for symbol, price in self.tickers.items():
            pair = symbol.replace("/", "_")
            if wanted and wanted != pair:
                continue
            last = _text(price)
            rows.append({
                "currency_pair": pair, "last": last, "lowest_ask": last, "highest_bid": last,
                "change_percentage": "0", "base_volume": "10", "quote_volume": "100",
                "high_24h": last, "low_24h": last,
            })
        if wanted and not rows:
            return self._error(400, "INVALID_CURRENCY_PAIR", f"Invalid currency pair {wanted}")
        return web.json_response(rows)

    def _codes(self) -> list[str]:
        codes = {b.asset for b in self.account.balances}
        for symbol in self.tickers:
            codes.update(symbol.split("/"))
        return sorted(codes)

    @route("/api/v4/spot/currencies")
    async def spot_currencies(self, request: web.Request) -> web.Response:
        return web.json_response([
            {"currency": code, "name": code, "delisted": False, "withdraw_disabled": False,
             "withdraw_delayed": False, "deposit_disabled": False, "trade_disabled": False,
             "chains": [{"name": code, "addr": "", "withdraw_disabled": False,
                         "withdraw_delayed": False, "deposit_disabled": False}]}
            for code in self._codes()
        ])

    @route("/api/v4/spot/currency_pairs")
    async def spot_currency_pairs(self, request: web.Request) -> web.Response:
        return web.json_response([
            {"id": symbol.replace("/", "_"), "base": symbol.split("/")[0],
             "base_name": symbol.split("/")[0], "quote": symbol.split("/")[1],
             "quote_name": symbol.split("/")[1], "fee": "0.2", "min_base_amount": "0.0001",
             "min_quote_amount": "1", "max_quote_amount": "5000000", "amount_precision": 4,
             "precision": 2, "trade_status": "tradable", "sell_start": 0, "buy_start": 0,
             "type": "normal"}
            for symbol in self.tickers
        ])

    @route("/api/v4/margin/currency_pairs")
    async def margin_currency_pairs(self, request: web.Request) -> web.Response:
        return web.json_response([])

    @route("/api/v4/spot/accounts", signed=True)
    async def spot_accounts(self, request: web.Request) -> web.Response:
        rows = [
            {"currency": b.asset, "available": _text(b.free), "locked": _text(b.locked),
             "update_id": 1}
            for b in self.account.wallet("spot")
        ]
        return self._ok(rows)

    @staticmethod
    def _margin_side(currency: str, balance: EmulatedBalance | None) -> dict[str, str]:
        free = balance.free if balance else ZERO
        locked = balance.locked if balance else ZERO
        return {"currency": currency, "available": _text(free), "locked": _text(locked),
                "borrowed": "0", "interest": "0"}

    @route("/api/v4/margin/accounts", signed=True)
    async def margin_accounts(self, request: web.Request) -> web.Response:
        rows = []
        for b in self.account.wallet("margin"):
            if b.asset == "USDT":
                pair, base, quote = "BTC_USDT", self._margin_side("BTC", None), \
                    self._margin_side("USDT", b)
            else:
                pair, base, quote = f"{b.asset}_USDT", self._margin_side(b.asset, b), \
                    self._margin_side("USDT", None)
            rows.append({"currency_pair": pair, "account_type": "margin", "leverage": "3",
                         "locked": False, "risk": "999", "mmr": "999", "base": base,
                         "quote": quote})
        return self._ok(rows)

    @route("/api/v4/margin/cross/accounts", signed=True)
    async def cross_margin_accounts(self, request: web.Request) -> web.Response:
        balances = {
            b.asset: {"available": _text(b.free), "freeze": _text(b.locked), "borrowed": "0",
                      "interest": "0"}
            for b in self.account.wallet("cross_margin")
        }
        return self._ok({"user_id": 10001, "refresh_time": self.server_time_ms(),
                         "locked": False, "balances": balances, "total": "0",
                         "borrowed": "0", "interest": "0", "risk": "999"})

    def _contract_account(self, wallet: str, currency: str) -> dict[str, object] | None:
        held = [b for b in self.account.wallet(wallet) if b.asset == currency]
        if not held:
            return None
        free = sum((b.free for b in held), ZERO)
        locked = sum((b.locked for b in held), ZERO)
        return {
            "total": _text(free + locked), "unrealised_pnl": "0",
            "position_margin": _text(locked), "order_margin": "0", "available": _text(free),
            "point": "0", "currency": currency, "in_dual_mode": False, "enable_credit": False,
            "bonus": "0",
        }

    @route("/api/v4/futures/{settle}/accounts", signed=True)
    @route("/api/v4/delivery/{settle}/accounts", signed=True)
    async def futures_accounts(self, request: web.Request) -> web.Response:
        settle = request.match_info["settle"]
        wallet = "futures" if request.path.startswith("/api/v4/futures/") else "delivery"
        if settle not in ("usdt", "btc"):
            return self._error(400, "INVALID_PARAM_VALUE", f"invalid settle {settle}")
        account = self._contract_account(wallet, settle.upper())
        if account is None:
            return self._error(400, "USER_NOT_FOUND",
                               "please transfer funds first to create futures account")
        return self._ok(account)

    @route("/api/v4/options/accounts", signed=True)
    async def options_accounts(self, request: web.Request) -> web.Response:
        account = self._contract_account("options", "USDT")
        if account is None:
            return self._error(400, "USER_NOT_FOUND", "please open the options account first")
        return self._ok({"user": 10001, "total": account["total"], "short_enabled": False,
                         "unrealised_pnl": "0", "init_margin": account["position_margin"],
                         "maint_margin": "0", "order_margin": "0",
                         "available": account["available"], "point": "0", "currency": "USDT"})

    @route("/api/v4/earn/uni/lends", signed=True)
    async def uni_lends(self, request: web.Request) -> web.Response:
        now = int(time.time())
        rows = [
            {"currency": b.asset, "current_amount": _text(b.free + b.locked),
             "amount": _text(b.free + b.locked), "lent_amount": _text(b.free),
             "frozen_amount": _text(b.locked), "min_rate": "0.0001",
             "interest_status": "interest_dividend", "reinvest_left_amount": "0",
             "create_time": now - 86400, "update_time": now}
            for b in self.account.wallet("earn_flexible")
        ]
        return self._ok(rows)

    @route("/api/v4/wallet/total_balance", signed=True)
    async def total_balance(self, request: web.Request) -> web.Response:
        """Gate's own valuation of each account, in USDT (approximate).

        Wallets map to Gate's account names; a balance in a wallet Gate has
        but the app does not read (``quant`` bots, say) shows up here only.
        """
        names = {"spot": "spot", "margin": "margin", "cross_margin": "cross_margin",
                 "futures": "futures", "delivery": "delivery", "options": "options",
                 "earn_flexible": "finance", "earn_locked": "finance", "staking": "finance"}
        details: dict[str, Decimal] = {name: ZERO for name in set(names.values())}
        for b in self.account.balances:
            price = Decimal(1) if b.asset == "USDT" else self.tickers.get(f"{b.asset}/USDT", ZERO)
            name = names.get(b.wallet, b.wallet)
            details[name] = details.get(name, ZERO) + (b.free + b.locked) * price
        total = sum(details.values(), ZERO)
        return self._ok({
            "total": {"currency": "USDT", "amount": _text(total), "unrealised_pnl": "0",
                      "borrowed": "0"},
            "details": {name: {"currency": "USDT", "amount": _text(value),
                               "unrealised_pnl": "0", "borrowed": "0"}
                        for name, value in sorted(details.items())},
        })

    @route("/api/v4/earn/dual/orders", signed=True)
    async def dual_orders(self, request: web.Request) -> web.Response:
        """Dual investment orders, paged with ``page``/``limit``; a settled one
        stays in the list (the adapter must skip it)."""
        now = int(time.time())
        orders = [{
            "id": 9000, "plan_id": 1, "copies": "1", "invest_amount": "100",
            "settlement_amount": "101", "create_time": now - 86400 * 30,
            "complete_time": now - 86400 * 23, "status": "SETTLEMENT_SUCCESS",
            "invest_currency": "USDT", "exercise_currency": "BTC", "exercise_price": "50000",
            "settlement_price": "51000", "settlement_currency": "USDT", "apy_display": "0.2",
            "apy_settlement": "0.2", "delivery_time": now - 86400 * 23, "text": "",
        }]
        for index, b in enumerate(self.account.wallet("earn_locked")):
            due = b.unlock_at or "2027-01-01"
            delivery = int(datetime.fromisoformat(due).replace(tzinfo=UTC).timestamp())
            orders.append({
                "id": 9001 + index, "plan_id": 2, "copies": "1",
                "invest_amount": _text(b.free + b.locked), "settlement_amount": "",
                "create_time": now - 86400, "complete_time": 0, "status": "INIT",
                "invest_currency": b.asset, "exercise_currency": "USDT",
                "exercise_price": "1", "settlement_price": "", "settlement_currency": "",
                "apy_display": "0.3", "apy_settlement": "", "delivery_time": delivery,
                "text": "",
            })
        try:
            page = max(1, int(request.query.get("page", "1")))
            limit = max(1, min(100, int(request.query.get("limit", "100"))))
        except ValueError:
            return self._error(400, "INVALID_PARAM_VALUE", "invalid page or limit")
        return self._ok(orders[(page - 1) * limit: page * limit])

    @route("/api/v4/earn/staking/assets", signed=True)
    async def staking_assets(self, request: web.Request) -> web.Response:
        rows: list[dict[str, object]] = [
            {"pid": index + 1, "mortgage_coin": b.asset, "mortgage_amount": _text(b.free + b.locked),
             "createStamp": int(time.time()) - 86400, "extra_income": "0",
             "freeze_amount": "0", "move_income": "0", "type": 1 if b.locked else 0,
             "status": 1, "income_total": "0", "yesterday_income_multi": [],
             "reward_coins": []}
            for index, b in enumerate(self.account.wallet("staking"))
        ]
        return self._ok(rows)
