"""Coinbase (Coinbase App v2 + Advanced Trade v3) REST emulator.

Authentication is checked the three ways ccxt 4.5.90 signs, chosen by the
shape of the secret exactly as ccxt's ``coinbase.sign()`` chooses:

* CDP ECDSA keys (secret is a PEM EC private key, key name
  ``organizations/.../apiKeys/...``): ``Authorization: Bearer <JWT>`` signed
  ES256, ``kid``/``sub`` = key name, ``uri`` = "METHOD host/path", valid
  between ``nbf`` and ``exp`` (120 s);
* CDP Ed25519 keys (secret is 64 bytes in base64): a JWT signed EdDSA with
  ``uris`` instead of ``uri``;
* legacy keys: ``CB-ACCESS-KEY``, ``CB-ACCESS-TIMESTAMP`` and
  ``CB-ACCESS-SIGN`` = hex HMAC-SHA256 of timestamp + method + path (+ query
  for v2) + body, the timestamp within 30 s of the server clock.

Errors use the v2 envelope ``{"errors": [{"id": ..., "message": ...}]}`` with
the documented ids and statuses (401 ``authentication_error``, 403
``invalid_scope``, 429 ``rate_limit_exceeded``).

Accounts (GET /v2/accounts) are one per currency wallet plus a "Staked X"
wallet per staked asset, paginated with ``starting_after``/``next_uri``.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from decimal import Decimal
from functools import partial
from typing import ClassVar

from aiohttp import web
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from exposure_app.emulator.base import ErrorSpec, ExchangeEmulator, FaultKind, json_response
from exposure_app.emulator.number_text import fixed_places
from exposure_app.emulator.routes import route
from exposure_app.emulator.signing import hmac_hex, same

_FIAT = frozenset({"USD", "EUR", "GBP", "CAD", "AUD", "CHF", "JPY", "SGD"})

# error id -> (HTTP status, message), the ids and statuses Coinbase documents; the
# fault answers below use them (Coinbase words a rate limit and a ban alike).
ERRORS: dict[str | int, tuple[int, str]] = {
    "authentication_error": (401, "invalid signature"),
    "invalid_scope": (403, "Key does not have the required scope"),
    "unauthorized": (401, "IP address is not allowlisted for this key"),
    "rate_limit_exceeded": (429, "Too many requests"),
    "internal_server_error": (503, "Coinbase is down for scheduled maintenance"),
}


def _b64url_decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


# Coinbase writes amounts with 8 decimals
_text = partial(fixed_places, places=8)


def new_ec_secret() -> str:
    """A PEM EC (P-256) private key as a CDP API secret, for tests and the demo."""
    from cryptography.hazmat.primitives.serialization import (
        Encoding,
        NoEncryption,
        PrivateFormat,
    )

    key = ec.generate_private_key(ec.SECP256R1())
    return key.private_bytes(Encoding.PEM, PrivateFormat.TraditionalOpenSSL, NoEncryption()).decode()


def new_ed25519_secret() -> str:
    """A CDP Ed25519 API secret (seed + public key, base64: 88 characters)."""
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    key = ed25519.Ed25519PrivateKey.generate()
    seed = key.private_bytes_raw()
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return base64.b64encode(seed + public).decode()


class CoinbaseEmulator(ExchangeEmulator):
    exchange_id = "coinbase"
    wallet_names = ("spot", "staking")
    error_spec: ClassVar[ErrorSpec] = ErrorSpec(ERRORS, {
        FaultKind.AUTH: "authentication_error", FaultKind.PERMISSION_DENIED: "invalid_scope",
        FaultKind.IP_NOT_WHITELISTED: "unauthorized", FaultKind.RATE_LIMIT: "rate_limit_exceeded",
        FaultKind.BAN: "rate_limit_exceeded", FaultKind.MAINTENANCE: "internal_server_error"},
        retry_faults=frozenset({FaultKind.RATE_LIMIT, FaultKind.BAN}))
    page_size = 250   # tests lower it to exercise pagination

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.auth_schemes: list[str] = []   # which scheme each private request used

    @classmethod
    def sample(cls, *, latency: float = 0.0) -> ExchangeEmulator:
        emulator = super().sample(latency=latency)
        emulator.account.api_key = "organizations/demo-org/apiKeys/demo-coinbase-key"
        emulator.account.secret = new_ec_secret()
        return emulator

    # -- errors -----------------------------------------------------------------

    def error_body(self, code: str | int, message: str) -> object:
        return {"errors": [{"id": code, "message": message}]}

    def _error(self, status: int, error_id: str, message: str) -> web.Response:
        """An answer worded apart from :data:`ERRORS` (the handler names the detail)."""
        return json_response(self.error_body(error_id, message), status=status)

    def is_private(self, request: web.Request) -> bool:
        return request.path.startswith("/v2/accounts") or (request.path.startswith(
            "/api/v3/brokerage/"
        ) and not request.path.startswith("/api/v3/brokerage/market/"))

    # -- authentication ----------------------------------------------------------

    async def authenticate(self, request: web.Request, *,
                           needs: str = "read") -> web.Response | None:
        account = self.account
        authorization = request.headers.get("Authorization", "")
        now = self.server_time_ms() // 1000
        if authorization.startswith("Bearer "):
            error = self._check_jwt(request, authorization[len("Bearer "):], now)
        else:
            error = await self._check_hmac(request, now)
        if error is not None:
            return error
        if account.ip_whitelist and request.remote not in account.ip_whitelist:
            return self.error("unauthorized")
        return None

    def _check_jwt(self, request: web.Request, token: str, now: int) -> web.Response | None:
        account = self.account
        invalid = self.error("authentication_error")
        try:
            header_part, payload_part, signature_part = token.split(".")
            header = json.loads(_b64url_decode(header_part))
            claims = json.loads(_b64url_decode(payload_part))
            signature = _b64url_decode(signature_part)
        except (ValueError, json.JSONDecodeError):
            return invalid
        signed = f"{header_part}.{payload_part}".encode()
        if header.get("kid") != account.api_key or claims.get("sub") != account.api_key:
            return invalid
        try:
            if header.get("alg") == "ES256" and account.secret.startswith("-----BEGIN"):
                key = load_pem_private_key(account.secret.encode(), password=None)
                if not isinstance(key, ec.EllipticCurvePrivateKey) or len(signature) != 64:
                    return invalid
                der = encode_dss_signature(
                    int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big")
                )
                key.public_key().verify(der, signed, ec.ECDSA(SHA256()))
                uris = [claims.get("uri")]
                self.auth_schemes.append("jwt-es256")
            elif header.get("alg") == "EdDSA":
                seed = base64.b64decode(account.secret)[:32]
                key = ed25519.Ed25519PrivateKey.from_private_bytes(seed)
                key.public_key().verify(signature, signed)
                uris = claims.get("uris") or []
                self.auth_schemes.append("jwt-eddsa")
            else:
                return invalid
        except (InvalidSignature, ValueError):
            return invalid
        wanted = f"{request.method} "
        if not any(isinstance(u, str) and u.startswith(wanted) and u.endswith(request.path)
                   for u in uris):
            return invalid
        nbf, exp = claims.get("nbf"), claims.get("exp")
        if not isinstance(nbf, int) or not isinstance(exp, int) or not nbf - 5 <= now <= exp:
            return self._error(401, "authentication_error", "request timestamp expired")
        return None

    async def _check_hmac(self, request: web.Request, now: int) -> web.Response | None:
        account = self.account
        if request.headers.get("CB-ACCESS-KEY") != account.api_key:
            return self._error(401, "authentication_error", "invalid api key")
        timestamp = request.headers.get("CB-ACCESS-TIMESTAMP", "")
        body = await request.text()
        path = request.path
        raw_query = request.rel_url.raw_query_string   # as sent (query_string is decoded)
        if request.path.startswith("/v2/") and raw_query:
            path += "?" + raw_query
        expected = hmac_hex(account.secret, f"{timestamp}{request.method}{path}{body}")
        if not same(expected, request.headers.get("CB-ACCESS-SIGN")):
            return self.error("authentication_error")
        if not timestamp.isdigit() or abs(int(timestamp) - now) > 30:
            return self._error(401, "authentication_error", "request timestamp expired")
        self.auth_schemes.append("hmac")
        return None

    # -- routes -------------------------------------------------------------------

    @route("/v2/time")
    async def time(self, request: web.Request) -> web.Response:
        seconds = self.server_time_ms() / 1000
        iso = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(seconds))
        return web.json_response({"data": {"iso": iso, "epoch": int(seconds)}})

    # -- public market data (what ccxt's load_markets and fetch_tickers read) ----

    def _codes(self) -> set[str]:
        codes = {b.asset for b in self.account.balances}
        for symbol in self.tickers:
            codes.update(symbol.split("/"))
        return codes

    @route("/v2/currencies")
    async def fiat_currencies(self, request: web.Request) -> web.Response:
        fiat = sorted(self._codes() & _FIAT) or ["USD"]
        return web.json_response({"data": [{"id": code, "name": code, "min_size": "0.01"}
                                           for code in fiat]})

    @route("/v2/currencies/crypto")
    async def crypto_currencies(self, request: web.Request) -> web.Response:
        crypto = sorted(self._codes() - _FIAT)
        return web.json_response({"data": [
            {"code": code, "name": code, "color": "#0052FF", "sort_index": index,
             "exponent": 8, "type": "crypto", "address_regex": "", "asset_id": code.lower()}
            for index, code in enumerate(crypto)
        ]})

    @route("/v2/exchange-rates")
    async def exchange_rates(self, request: web.Request) -> web.Response:
        rates = {"USD": "1"}
        for symbol, price in self.tickers.items():
            base, quote = symbol.split("/")
            if quote == "USD" and price:
                rates[base] = f"{Decimal(1) / price:.12f}"
        return web.json_response({"data": {"currency": "USD", "rates": rates}})

    @route("/api/v3/brokerage/market/products")
    async def market_products(self, request: web.Request) -> web.Response:
        if request.query.get("product_type", "SPOT") != "SPOT":
            return web.json_response({"products": [], "num_products": 0})
        wanted = set(request.query.getall("product_ids", []))
        products = []
        for symbol, price in self.tickers.items():
            base, quote = symbol.split("/")
            product_id = f"{base}-{quote}"
            if wanted and product_id not in wanted:
                continue
            products.append({
                "product_id": product_id, "price": _text(price),
                "price_percentage_change_24h": "0", "volume_24h": "10",
                "volume_percentage_change_24h": "0", "base_increment": "0.00000001",
                "quote_increment": "0.01", "quote_min_size": "1", "quote_max_size": "10000000",
                "base_min_size": "0.00000001", "base_max_size": "1000", "base_name": base,
                "quote_name": quote, "watched": False, "is_disabled": False, "new": False,
                "status": "online", "cancel_only": False, "limit_only": False,
                "post_only": False, "trading_disabled": False, "auction_mode": False,
                "product_type": "SPOT", "quote_currency_id": quote, "base_currency_id": base,
                "fcm_trading_session_details": None, "mid_market_price": "", "alias": "",
                "alias_to": [], "base_display_symbol": base, "quote_display_symbol": quote,
                "view_only": False, "price_increment": "0.01", "display_name": product_id,
                "product_venue": "CBE",
            })
        return web.json_response({"products": products, "num_products": len(products)})

    @route("/api/v3/brokerage/transaction_summary", signed=True)
    async def transaction_summary(self, request: web.Request) -> web.Response:
        return web.json_response({
            "total_volume": 0, "total_fees": 0,
            "fee_tier": {"pricing_tier": "Advanced 1", "usd_from": "0", "usd_to": "10000",
                         "taker_fee_rate": "0.012", "maker_fee_rate": "0.006",
                         "aop_from": "", "aop_to": ""},
            "margin_rate": None, "goods_and_services_tax": None,
            "advanced_trade_only_volume": 0, "advanced_trade_only_fees": 0,
            "coinbase_pro_volume": 0, "coinbase_pro_fees": 0,
        })

    def _account_records(self) -> list[dict]:
        records = []
        namespace = uuid.uuid5(uuid.NAMESPACE_URL, self.account.api_key)
        for index, balance in enumerate(self.account.balances):
            code = balance.asset
            staked = balance.wallet == "staking"
            name = f"Staked {code}" if staked else f"{code} Wallet"
            account_id = str(uuid.uuid5(namespace, f"{index}:{balance.wallet}:{code}"))
            records.append({
                "id": account_id,
                "name": name,
                "primary": index == 0,
                "type": "fiat" if code in _FIAT else "wallet",
                "currency": {
                    "code": code, "name": code, "color": "#0052FF", "sort_index": index,
                    "exponent": 8, "type": "fiat" if code in _FIAT else "crypto",
                    "address_regex": "", "asset_id": str(uuid.uuid5(namespace, code)),
                    "slug": code.lower(),
                },
                # v2 reports the whole wallet, holds for open orders included
                "balance": {"amount": _text(balance.free + balance.locked), "currency": code},
                "created_at": "2024-01-01T00:00:00Z",
                "updated_at": "2026-01-01T00:00:00Z",
                "resource": "account",
                "resource_path": f"/v2/accounts/{account_id}",
                "allow_deposits": not staked,
                "allow_withdrawals": not staked,
            })
        return records

    @route("/v2/accounts", signed=True)
    async def accounts(self, request: web.Request) -> web.Response:
        if not self.account.can("read"):
            return self._error(403, "invalid_scope", "Key does not have the wallet:accounts:read scope")
        records = self._account_records()
        try:
            limit = min(int(request.query.get("limit", "25")), 250, self.page_size)
        except ValueError:
            return self._error(400, "invalid_request", "limit must be a number")
        start = 0
        after = request.query.get("starting_after")
        if after:
            ids = [r["id"] for r in records]
            if after not in ids:
                return self._error(404, "not_found", "Not found")
            start = ids.index(after) + 1
        page = records[start:start + limit]
        more = start + limit < len(records)
        next_after = page[-1]["id"] if more and page else None
        pagination = {
            "ending_before": None,
            "starting_after": after,
            "previous_ending_before": None,
            "next_starting_after": next_after,
            "limit": limit,
            "order": "desc",
            "previous_uri": None,
            "next_uri": f"/v2/accounts?limit={limit}&starting_after={next_after}" if next_after else None,
        }
        return web.json_response({"pagination": pagination, "data": page})

    @route("/api/v3/brokerage/accounts", signed=True)
    async def brokerage_accounts(self, request: web.Request) -> web.Response:
        """Advanced Trade accounts: ``available_balance`` and ``hold`` (open orders).

        Staked wallets are not listed here (ccxt issue #23853), only trading
        wallets; cursor pagination with ``has_next``/``cursor``.
        """
        if not self.account.can("read"):
            return self._error(403, "invalid_scope", "Key does not have the view permission")
        namespace = uuid.uuid5(uuid.NAMESPACE_URL, "v3:" + self.account.api_key)
        records = []
        for index, balance in enumerate(self.account.balances):
            if balance.wallet != "spot":
                continue
            code = balance.asset
            records.append({
                "uuid": str(uuid.uuid5(namespace, f"{index}:{code}")),
                "name": f"{code} Wallet", "currency": code,
                "available_balance": {"value": _text(balance.free), "currency": code},
                "default": True, "active": True, "created_at": "2024-01-01T00:00:00.000Z",
                "updated_at": "2026-01-01T00:00:00.000Z", "deleted_at": None,
                "type": "ACCOUNT_TYPE_FIAT" if code in _FIAT else "ACCOUNT_TYPE_CRYPTO",
                "ready": True, "hold": {"value": _text(balance.locked), "currency": code},
                "retail_portfolio_id": "", "platform": "ACCOUNT_PLATFORM_CONSUMER",
            })
        try:
            limit = min(int(request.query.get("limit", "49")), 250, self.page_size)
            start = int(request.query.get("cursor") or 0)
        except ValueError:
            return self._error(400, "INVALID_ARGUMENT", "invalid limit or cursor")
        page = records[start:start + limit]
        more = start + limit < len(records)
        return web.json_response({"accounts": page, "has_next": more,
                                  "cursor": str(start + limit) if more else "",
                                  "size": len(page)})

    @route("/api/v3/brokerage/key_permissions", signed=True)
    async def key_permissions(self, request: web.Request) -> web.Response:
        return web.json_response({
            "can_view": self.account.can("read"),
            "can_trade": self.account.can("trade"),
            "can_transfer": self.account.can("withdraw") or self.account.can("transfer"),
            "portfolio_uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, "portfolio:" + self.account.api_key)),
            "portfolio_type": "DEFAULT",
        })
