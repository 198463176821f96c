"""Kraken spot REST emulator (``/0/public/*``, ``/0/private/*``).

Wire format from docs.kraken.com (REST API): every answer is HTTP 200 with
``{"error": [...], "result": {...}}``; private calls are form-encoded POSTs
signed with ``API-Key`` and ``API-Sign`` = base64(HMAC-SHA512(base64-decoded
secret, path + SHA256(nonce + postdata))). The nonce must increase for each
key, or the answer is ``EAPI:Invalid nonce``.

Kraken does not compare the nonce with its clock, so a CLOCK_SKEW fault is
emulated the way it shows up for users: a nonce "from the future" was already
used with the key (``server_time_ms`` ahead of the client), so the client's
clock-based nonce is rejected until ccxt adjusts it with ``/0/public/Time``.

Balances: ``BalanceEx`` lists each asset by Kraken's id (``XXBT``, ``ZUSD``,
``DOT``) and the earn/staking balances as separate ids with a suffix:
``.F`` flexible earn (wallet ``earn_flexible``), ``.S`` staked (``staking``)
and ``.B`` bonded earn (``earn_locked``). Open-order holds are ``hold_trade``.

Withdrawal methods: ``WithdrawMethods`` lists, for each asset the account holds,
the methods in :data:`DEFAULT_WITHDRAW_METHODS` (or ``withdraw_methods`` set per
test) as Kraken documents them: ``asset`` (Kraken's id), ``method``, ``network``
(``null`` for a bank method) and ``minimum``; the optional ``asset`` field of
the request filters them. As on Kraken, only a key allowed to query *and*
withdraw funds gets them; any other gets ``EGeneral:Permission denied``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from datetime import timedelta
from decimal import Decimal
from email.utils import formatdate
from functools import partial
from urllib.parse import parse_qsl

from aiohttp import web

from exposure_app.emulator.base import ExchangeEmulator, Fault, FaultKind
from exposure_app.emulator.market_tape import day_of_ms, day_start_ms
from exposure_app.emulator.number_text import fixed_places
from exposure_app.emulator.routes import route

# unified code -> Kraken's asset id (X/Z-prefixed for the oldest assets)
_NATIVE_IDS = {
    "BTC": "XXBT", "ETH": "XETH", "LTC": "XLTC", "XRP": "XXRP", "XLM": "XXLM",
    "DOGE": "XXDG", "ETC": "XETC", "USD": "ZUSD", "EUR": "ZEUR", "GBP": "ZGBP",
    "CAD": "ZCAD", "JPY": "ZJPY",
}
# unified code -> Kraken's altname (used with suffixes: XBT.F, XDG.S)
_ALTNAMES = {"BTC": "XBT", "DOGE": "XDG"}
_WALLET_SUFFIX = {"spot": "", "earn_flexible": ".F", "staking": ".S", "earn_locked": ".B"}

# unified code -> (method, network, minimum) rows, in the shape of Kraken's own example
DEFAULT_WITHDRAW_METHODS: dict[str, tuple[tuple[str, str | None, str], ...]] = {
    "BTC": (("Bitcoin", "Bitcoin", "0.0004"), ("Bitcoin Lightning", "Lightning", "0.00001")),
    "ETH": (("Ether", "Ethereum", "0.004"), ("Ether (Arbitrum One)", "Arbitrum One", "0.002")),
    "USDT": (("Tether USD (ERC20)", "Ethereum", "10.00"), ("Tether USD (TRC20)", "Tron", "6.00"),
             ("Tether USD (SPL)", "Solana", "2.00")),
    "USDC": (("USDC", "Ethereum", "10.00"), ("USDC (SPL)", "Solana", "2.00")),
    "SOL": (("Solana", "Solana", "0.02"),),
    "USD": (("Bank wire", None, "20.00"),),
}

_ERRORS = {
    FaultKind.AUTH: "EAPI:Invalid key",
    FaultKind.PERMISSION_DENIED: "EGeneral:Permission denied",
    FaultKind.IP_NOT_WHITELISTED: "EGeneral:Permission denied",
    FaultKind.RATE_LIMIT: "EAPI:Rate limit exceeded",
    FaultKind.BAN: "EGeneral:Temporary lockout",
    FaultKind.MAINTENANCE: "EService:Unavailable",
}


def kraken_asset_id(code: str, wallet: str = "spot") -> str:
    suffix = _WALLET_SUFFIX.get(wallet)
    if suffix is None:
        raise ValueError(f"Kraken has no wallet called {wallet!r}")
    if suffix:
        return _ALTNAMES.get(code, code) + suffix
    return _NATIVE_IDS.get(code, code)


# Kraken writes amounts with 10 decimals
_text = partial(fixed_places, places=10)


class KrakenEmulator(ExchangeEmulator):
    exchange_id = "kraken"
    wallet_names = ("spot", "earn_flexible", "staking", "earn_locked")

    @classmethod
    def sample(cls, *, latency: float = 0.0) -> ExchangeEmulator:
        emulator = super().sample(latency=latency)
        # Kraken secrets are base64: the HMAC key is the decoded bytes
        emulator.account.secret = kraken_secret(emulator.account.secret)
        return emulator

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.last_nonce = 0
        self.withdraw_methods = dict(DEFAULT_WITHDRAW_METHODS)

    # -- wire helpers ----------------------------------------------------------

    @staticmethod
    def _answer(result=None, errors: list[str] | None = None, status: int = 200) -> web.Response:
        body = {"error": errors or []}
        if result is not None:
            body["result"] = result
        return web.json_response(body, status=status)

    def is_private(self, request: web.Request) -> bool:
        return request.path.startswith("/0/private/")

    def fault_response(self, fault: Fault, request: web.Request) -> web.StreamResponse:
        return self._answer(errors=[_ERRORS.get(fault.kind, "EGeneral:Internal error")])

    async def authenticate(self, request: web.Request, *,
                           needs: str = "read") -> web.Response | None:
        """Key, signature, nonce and IP whitelist; Kraken's permission checks are the
        handlers' own (``needs`` is not used)."""
        body = await request.text()
        nonce = dict(parse_qsl(body, keep_blank_values=True)).get("nonce", "")
        account = self.account
        if request.headers.get("API-Key") != account.api_key:
            return self._answer(errors=["EAPI:Invalid key"])
        try:
            secret = base64.b64decode(account.secret)
        except ValueError:
            return self._answer(errors=["EAPI:Invalid key"])
        digest = hashlib.sha256((nonce + body).encode()).digest()
        expected = base64.b64encode(
            hmac.new(secret, request.path.encode() + digest, hashlib.sha512).digest()
        ).decode()
        if not hmac.compare_digest(expected, request.headers.get("API-Sign", "")):
            return self._answer(errors=["EAPI:Invalid key"])
        if not nonce.isdigit():
            return self._answer(errors=["EAPI:Invalid nonce"])
        floor = self.last_nonce
        if self.clock_skew_active():
            floor = max(floor, self.server_time_ms() - 5000)
        if int(nonce) <= floor:
            return self._answer(errors=["EAPI:Invalid nonce"])
        self.last_nonce = int(nonce)
        if account.ip_whitelist and request.remote not in account.ip_whitelist:
            return self._answer(errors=["EGeneral:Permission denied"])
        return None

    # -- routes ----------------------------------------------------------------

    @route("/0/public/Time")
    async def time(self, request: web.Request) -> web.Response:
        seconds = self.server_time_ms() // 1000
        return self._answer({"unixtime": seconds, "rfc1123": formatdate(seconds, usegmt=True)})

    @route("/0/public/SystemStatus")
    async def system_status(self, request: web.Request) -> web.Response:
        maintenance = any(f.kind is FaultKind.MAINTENANCE for f in self.faults)
        status = "maintenance" if maintenance else "online"
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        return self._answer({"status": status, "timestamp": stamp})

    def _pairs(self) -> dict[str, dict]:
        pairs = {}
        for symbol in self.tickers:
            base, quote = symbol.split("/")
            base_id, quote_id = kraken_asset_id(base), kraken_asset_id(quote)
            alt_base, alt_quote = _ALTNAMES.get(base, base), _ALTNAMES.get(quote, quote)
            pairs[base_id + quote_id] = {
                "altname": alt_base + alt_quote,
                "wsname": f"{alt_base}/{alt_quote}",
                "aclass_base": "currency",
                "base": base_id,
                "aclass_quote": "currency",
                "quote": quote_id,
                "lot": "unit",
                "cost_decimals": 5,
                "pair_decimals": 1,
                "lot_decimals": 8,
                "lot_multiplier": 1,
                "leverage_buy": [],
                "leverage_sell": [],
                "fees": [[0, 0.26]],
                "fees_maker": [[0, 0.16]],
                "fee_volume_currency": "ZUSD",
                "margin_call": 80,
                "margin_stop": 40,
                "ordermin": "0.0001",
                "costmin": "0.5",
                "tick_size": "0.1",
                "status": "online",
            }
        return pairs

    @route("/0/public/Assets")
    async def assets(self, request: web.Request) -> web.Response:
        codes = {b.asset for b in self.account.balances}
        for symbol in self.tickers:
            codes.update(symbol.split("/"))
        result = {
            kraken_asset_id(code): {
                "aclass": "currency",
                "altname": _ALTNAMES.get(code, code),
                "decimals": 10,
                "display_decimals": 5,
                "status": "enabled",
            }
            for code in sorted(codes)
        }
        return self._answer(result)

    @route("/0/public/AssetPairs")
    async def asset_pairs(self, request: web.Request) -> web.Response:
        return self._answer(self._pairs())

    @route("/0/public/Ticker")
    async def ticker(self, request: web.Request) -> web.Response:
        pairs = self._pairs()
        wanted = request.query.get("pair")
        result = {}
        for (pair_id, pair), price in zip(pairs.items(), self.tickers.values(), strict=True):
            if wanted and pair_id not in wanted.split(",") and pair["altname"] not in wanted.split(","):
                continue
            last = _text(price)
            result[pair_id] = {
                "a": [last, "1", "1.000"], "b": [last, "1", "1.000"], "c": [last, "0.1"],
                "v": ["10.0", "100.0"], "p": [last, last], "t": [10, 100],
                "l": [last, last], "h": [last, last], "o": last,
            }
        if wanted and not result:
            return self._answer(errors=["EQuery:Unknown asset pair"])
        return self._answer(result)

    @route("/0/public/OHLC")
    async def ohlc(self, request: web.Request) -> web.Response:
        """Daily candles (``interval=1440``) of the attached market tape, newer than
        ``since`` (seconds), at most 720, as Kraken documents: rows of time, open,
        high, low, close, vwap, volume, count, and ``last``."""
        wanted = request.query.get("pair", "")
        pairs = self._pairs()
        found = [(pid, p) for pid, p in pairs.items() if wanted in (pid, p["altname"])]
        if not found:
            return self._answer(errors=["EQuery:Unknown asset pair"])
        pair_id = found[0][0]
        rows: list[list[object]] = []
        if request.query.get("interval", "1") == "1440" and self.market is not None:
            since = int(request.query.get("since", "0"))
            start = (day_of_ms(since * 1000) + timedelta(days=1) if since
                     else self.market.today - timedelta(days=719))
            symbol = next(s for s in self.tickers if
                          kraken_asset_id(s.split("/")[0]) + kraken_asset_id(s.split("/")[1])
                          == pair_id)
            for day, open_, close in self.market.candles(symbol, start, 720):
                rows.append([day_start_ms(day) // 1000, _text(open_), _text(max(open_, close)),
                             _text(min(open_, close)), _text(close), _text(close),
                             "10.00000000", 5])
        last = rows[-1][0] if rows else int(time.time()) // 86400 * 86400
        return self._answer({pair_id: rows, "last": last})

    @route("/0/private/BalanceEx", method="POST", signed=True)
    async def balance_ex(self, request: web.Request) -> web.Response:
        if "read" not in self.account.permissions:
            return self._answer(errors=["EGeneral:Permission denied"])
        result: dict[str, dict[str, str]] = {}
        for balance in self.account.balances:
            asset_id = kraken_asset_id(balance.asset, balance.wallet)
            zero = _text(Decimal(0))
            entry = result.setdefault(asset_id, {"balance": zero, "hold_trade": zero})
            total = Decimal(entry["balance"]) + balance.free + balance.locked
            hold = Decimal(entry["hold_trade"])
            if balance.wallet == "spot":
                hold += balance.locked
            entry["balance"] = _text(total)
            entry["hold_trade"] = _text(hold)
        return self._answer(result)

    @route("/0/private/GetApiKeyInfo", method="POST", signed=True)
    async def api_key_info(self, request: web.Request) -> web.Response:
        granted = self.account.permissions
        permissions = []
        if "read" in granted:
            permissions += ["query-funds", "query-open-trades", "query-closed-trades", "query-ledger"]
        if "trade" in granted:
            permissions += ["modify-trades", "cancel-close-trades"]
        if "transfer" in granted:
            permissions += ["deposit-funds", "earn-funds"]
        if "withdraw" in granted:
            permissions += ["withdraw-funds"]
        created = str(int(time.time()) - 86400)
        return self._answer({
            "apiKeyName": "exposure",
            "apiKey": self.account.api_key,
            "nonce": str(self.last_nonce),
            "nonceWindow": 0,
            "permissions": permissions,
            "iban": "AA88 N84G WOAK NMOI",
            "validUntil": "0",
            "queryFrom": "0",
            "queryTo": "0",
            "createdTime": created,
            "modifiedTime": created,
            "ipAllowlist": list(self.account.ip_whitelist),
            "lastUsed": str(int(time.time())),
        })

    @route("/0/private/WithdrawMethods", method="POST", signed=True)
    async def withdraw_methods_route(self, request: web.Request) -> web.Response:
        if not {"read", "withdraw"} <= set(self.account.permissions):
            return self._answer(errors=["EGeneral:Permission denied"])
        wanted = dict(parse_qsl(await request.text())).get("asset")
        result = []
        for code in sorted({b.asset for b in self.account.balances}):
            asset_id = kraken_asset_id(code)
            if wanted and wanted not in (asset_id, _ALTNAMES.get(code, code), code):
                continue
            for method, network, minimum in self.withdraw_methods.get(code, ()):
                result.append({"asset": asset_id, "method": method, "network": network,
                               "minimum": minimum})
        return self._answer(result)

    @route("/0/private/Earn/Allocations", method="POST", signed=True)
    async def earn_allocations(self, request: web.Request) -> web.Response:
        """Allocations per strategy; a staked balance with ``unlock_at`` is
        shown as unbonding until then (its ``expires``)."""
        items = []
        for index, balance in enumerate(self.account.balances):
            if balance.wallet == "spot":
                continue
            native = _text(balance.free + balance.locked)
            allocation: dict[str, object] = {"total": {"native": native, "converted": native}}
            if balance.wallet != "earn_flexible" and balance.unlock_at and balance.locked:
                locked = _text(balance.locked)
                allocation["unbonding"] = {
                    "native": locked, "converted": locked, "allocation_count": 1,
                    "allocations": [{
                        "created_at": "2026-01-01T00:00:00Z", "expires": balance.unlock_at,
                        "native": locked, "converted": locked,
                    }],
                }
            items.append({
                "strategy_id": f"ESTRAT-{index:04d}",
                "native_asset": _ALTNAMES.get(balance.asset, balance.asset),
                "amount_allocated": allocation,
                "total_rewarded": {"native": "0", "converted": "0"},
            })
        return self._answer({"converted_asset": "USD", "total_allocated": "0",
                             "total_rewarded": "0", "items": items})


def kraken_secret(seed: str = "exposure") -> str:
    """A Kraken-style (base64) API secret for tests and the demo."""
    return base64.b64encode(hashlib.sha512(seed.encode()).digest()).decode()


__all__ = ["KrakenEmulator", "kraken_asset_id", "kraken_secret"]
