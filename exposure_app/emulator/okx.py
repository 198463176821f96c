"""OKX v5 REST emulator.

Wire format from the OKX v5 API documentation (www.okx.com/docs-v5/en):

* Private requests carry ``OK-ACCESS-KEY``, ``OK-ACCESS-SIGN``,
  ``OK-ACCESS-TIMESTAMP`` (ISO 8601 with milliseconds, UTC) and
  ``OK-ACCESS-PASSPHRASE``; the signature is base64(HMAC-SHA256(secret,
  timestamp + METHOD + requestPath[?query] + body)). A timestamp more than
  30 seconds from the server clock is rejected with ``50102``.
* Every answer is ``{"code": "0", "msg": "", "data": [...]}``; errors put the
  code in ``code`` with the documented HTTP status (401 for the ``501xx``
  authentication family, 429 for ``50011``, 503 for ``50001``).

Wallet mapping (the app's wallet names -> OKX accounts): ``spot`` is the
trading account (``/account/balance``, unified), ``funding`` the funding
account (``/asset/balances``), ``earn_flexible`` Simple Earn Flexible
(``/finance/savings/balance``) and ``staking`` On-chain Earn orders
(``/finance/staking-defi/orders-active``; a locked balance becomes a
fixed-term order ending at ``unlock_at``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from aiohttp import web

from exposure_app.domain.money import to_text
from exposure_app.emulator.base import ErrorSpec, FaultKind, json_response, totals_by_asset
from exposure_app.emulator.hmac_common import unlock_ms
from exposure_app.emulator.passphrase_auth import PassphraseAuth, PassphraseSignedEmulator
from exposure_app.emulator.routes import route

TIMESTAMP_WINDOW_MS = 30_000
DAY_MS = 86_400_000

# code -> (HTTP status, message) as documented in OKX's error code table.
ERRORS: dict[str | int, tuple[int, str]] = {
    "50001": (503, "Service temporarily unavailable. Please try again later."),
    "50011": (429, "Too Many Requests"),
    "50030": (200, "You don't have permission to use this API endpoint"),
    "50102": (401, "Timestamp request expired."),
    "50103": (401, "Request header \"OK-ACCESS-KEY\" cannot be empty."),
    "50104": (401, "Request header \"OK-ACCESS-PASSPHRASE\" cannot be empty."),
    "50105": (401, "Request header \"OK-ACCESS-PASSPHRASE\" incorrect."),
    "50106": (401, "Request header \"OK-ACCESS-SIGN\" cannot be empty."),
    "50107": (401, "Request header \"OK-ACCESS-TIMESTAMP\" cannot be empty."),
    "50110": (401, "Your IP {ip} is not included in your API key's IP whitelist."),
    "50111": (401, "Invalid OK-ACCESS-KEY."),
    "50112": (401, "Invalid OK-ACCESS-TIMESTAMP."),
    "50113": (401, "Invalid Sign."),
}


class OkxEmulator(PassphraseSignedEmulator):
    """Serves the OKX endpoints the app calls; see the module docstring."""

    exchange_id: ClassVar[str] = "okx"
    error_spec: ClassVar[ErrorSpec] = ErrorSpec(ERRORS, {
        FaultKind.AUTH: "50113", FaultKind.PERMISSION_DENIED: "50030",
        FaultKind.IP_NOT_WHITELISTED: "50110", FaultKind.RATE_LIMIT: "50011",
        FaultKind.BAN: "50011", FaultKind.MAINTENANCE: "50001"})
    passphrase_auth: ClassVar[PassphraseAuth] = PassphraseAuth(
        "OK-ACCESS-", bad_timestamp="50112", expired="50102", window_ms=TIMESTAMP_WINDOW_MS,
        unknown_key="50111", wrong_passphrase="50105", iso_timestamp=True,
        missing=(("KEY", "50103"), ("PASSPHRASE", "50104"), ("SIGN", "50106"),
                 ("TIMESTAMP", "50107")))
    wallet_names: ClassVar[tuple[str, ...]] = ("spot", "funding", "earn_flexible", "staking")

    # -- errors ------------------------------------------------------------------

    def error_body(self, code: str | int, message: str) -> object:
        return {"code": code, "msg": message, "data": []}

    def is_private(self, request: web.Request) -> bool:
        return not request.path.startswith(("/api/v5/public/", "/api/v5/market/"))

    def ok(self, data: list) -> web.Response:
        return json_response({"code": "0", "msg": "", "data": data})

    # -- routes ----------------------------------------------------------------------

    @route("/api/v5/public/time")
    async def public_time(self, request: web.Request) -> web.Response:
        return self.ok([{"ts": str(self.server_time_ms())}])

    @route("/api/v5/public/instruments")
    async def instruments(self, request: web.Request) -> web.Response:
        if request.query.get("instType", "SPOT") != "SPOT":
            return self.ok([])
        data = [
            {
                "alias": "", "baseCcy": base, "category": "1", "ctMult": "", "ctType": "",
                "ctVal": "", "ctValCcy": "", "expTime": "", "instFamily": "",
                "instId": f"{base}-{quote}", "instType": "SPOT", "lever": "10",
                "listTime": "1606468572000", "lotSz": "0.00000001", "maxIcebergSz": "9999999999",
                "maxLmtAmt": "1000000", "maxLmtSz": "9999999999", "maxMktAmt": "1000000",
                "maxMktSz": "1000000", "maxStopSz": "1000000", "maxTriggerSz": "9999999999",
                "maxTwapSz": "9999999999", "minSz": "0.00001", "optType": "", "quoteCcy": quote,
                "settleCcy": "", "state": "live", "stk": "", "tickSz": "0.01", "uly": "",
            }
            for base, quote, _ in self.ticker_pairs()
        ]
        return self.ok(data)

    @route("/api/v5/market/tickers")
    async def market_tickers(self, request: web.Request) -> web.Response:
        now = str(self.server_time_ms())
        data = []
        for base, quote, price in self.ticker_pairs():
            last = to_text(price)
            data.append(
                {
                    "instType": "SPOT", "instId": f"{base}-{quote}", "last": last, "lastSz": "0.1",
                    "askPx": last, "askSz": "1", "bidPx": last, "bidSz": "1", "open24h": last,
                    "high24h": last, "low24h": last, "volCcy24h": "0", "vol24h": "0",
                    "sodUtc0": last, "sodUtc8": last, "ts": now,
                }
            )
        return self.ok(data)

    @route("/api/v5/account/balance", signed=True)
    async def trading_balance(self, request: web.Request) -> web.Response:
        now = str(self.server_time_ms())
        details = []
        for row in totals_by_asset(self.account.wallet("spot")):
            details.append(
                {
                    "availBal": to_text(row.free), "availEq": to_text(row.free),
                    "cashBal": to_text(row.total), "ccy": row.asset, "crossLiab": "0",
                    "disEq": "0", "eq": to_text(row.total), "eqUsd": "0",
                    "fixedBal": "0", "frozenBal": to_text(row.locked), "interest": "0",
                    "isoEq": "0", "isoLiab": "0", "isoUpl": "0", "liab": "0", "maxLoan": "0",
                    "mgnRatio": "", "notionalLever": "0", "ordFrozen": to_text(row.locked),
                    "stgyEq": "0", "twap": "0", "uTime": now, "upl": "0", "uplLiab": "0",
                }
            )
        return self.ok(
            [
                {
                    "adjEq": "", "borrowFroz": "", "details": details, "imr": "", "isoEq": "0",
                    "mgnRatio": "", "mmr": "", "notionalUsd": "", "ordFroz": "",
                    "totalEq": "0", "uTime": now, "upl": "0",
                }
            ]
        )

    @route("/api/v5/asset/balances", signed=True)
    async def funding_balance(self, request: web.Request) -> web.Response:
        data = [
            {
                "availBal": to_text(row.free), "bal": to_text(row.total), "ccy": row.asset,
                "frozenBal": to_text(row.locked),
            }
            for row in totals_by_asset(self.account.wallet("funding"))
        ]
        return self.ok(data)

    @route("/api/v5/finance/savings/balance", signed=True)
    async def savings_balance(self, request: web.Request) -> web.Response:
        data = [
            {
                "ccy": row.asset, "amt": to_text(row.total), "earnings": "0",
                "loanAmt": to_text(row.total), "pendingAmt": "0", "rate": "0.01",
                "redemptAmt": "",
            }
            for row in totals_by_asset(self.account.wallet("earn_flexible"))
        ]
        return self.ok(data)

    @route("/api/v5/finance/staking-defi/orders-active", signed=True)
    async def onchain_orders(self, request: web.Request) -> web.Response:
        now = self.server_time_ms()
        data: list[dict[str, object]] = []
        for number, balance in enumerate(self.account.wallet("staking"), start=1):
            parts: list[tuple[Decimal, bool]] = [(balance.free, False)] if balance.free else []
            if balance.locked:
                parts.append((balance.locked, True))
            for amt, locked in parts:
                unlock = unlock_ms(balance) if locked else None
                if unlock is not None:
                    term_days = max(1, -(-(unlock - now) // DAY_MS) + 1)
                    term, purchased = str(term_days), unlock - term_days * DAY_MS
                elif locked:
                    term, purchased = "30", now - DAY_MS   # fixed term, end date not given
                else:
                    term, purchased = "0", now - DAY_MS    # flexible
                data.append(
                    {
                        "ordId": str(2413000 + number * 10 + len(data)), "ccy": balance.asset,
                        "productId": "101", "state": "1", "protocol": f"{balance.asset} staking",
                        "protocolType": "defi", "term": term, "apy": "0.05",
                        "investData": [{"ccy": balance.asset, "amt": to_text(amt)}],
                        "earningData": [
                            {"ccy": balance.asset, "earningType": "0", "earnings": "0"}
                        ],
                        "purchasedTime": str(purchased), "tag": "", "estSettlementTime": "",
                        "cancelRedemptionDeadline": "", "fastRedemptionData": [],
                    }
                )
        return self.ok(data)

    @route("/api/v5/asset/currencies", signed=True)
    async def currencies(self, request: web.Request) -> web.Response:
        """Funding currencies (ccxt's load_markets asks for them when keys are set)."""
        codes = sorted({b.asset for b in self.account.balances}
                       | {part for symbol in self.tickers for part in symbol.split("/")})
        table = getattr(self, "coin_networks", None) or {}
        data = []
        for code in codes:
            # one row per chain, as OKX documents for GET /api/v5/asset/currencies
            for chain in table.get(code) or [{"chain": code}]:
                data.append({
                    "ccy": code, "name": code, "chain": f"{code}-{chain['chain']}",
                    "canDep": chain.get("deposit", True), "canWd": chain.get("withdraw", True),
                    "canInternal": True, "minDep": "0.00000001",
                    "minWd": chain.get("min", "0.001"), "maxWd": "1000000", "wdTickSz": "8",
                    "fee": chain.get("fee", "0.0001"), "minFee": chain.get("fee", "0.0001"),
                    "maxFee": chain.get("fee", "0.0001"), "mainNet": chain.get("main", True),
                    "needTag": chain.get("tag", False), "logoLink": "",
                })
        return self.ok(data)

    @route("/api/v5/account/config", signed=True)
    async def account_config(self, request: web.Request) -> web.Response:
        perms = ["read_only"]
        if "withdraw" in self.account.permissions:
            perms.append("withdraw")
        if "trade" in self.account.permissions:
            perms.append("trade")
        return self.ok(
            [
                {
                    "acctLv": "2", "acctStpMode": "cancel_maker", "autoLoan": False,
                    "ctIsoMode": "automatic", "enableSpotBorrow": False, "greeksType": "PA",
                    "ip": ",".join(self.account.ip_whitelist), "type": "0", "kycLv": "2",
                    "label": "exposure", "level": "Lv1", "levelTmp": "", "liquidationGear": "-1",
                    "mainUid": self.account.uid or "44705892343619584", "mgnIsoMode": "automatic",
                    "opAuth": "0", "perm": ",".join(perms), "posMode": "net_mode", "roleType": "0",
                    "spotBorrowAutoRepay": False, "spotOffsetType": "", "spotRoleType": "0",
                    "spotTraderInsts": [], "traderInsts": [],
                    "uid": self.account.uid or "44705892343619584", "settleCcy": "USDT",
                    "settleCcyList": ["USD", "USDC", "USDG"],
                }
            ]
        )
