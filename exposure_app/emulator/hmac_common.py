"""Helpers shared by the HMAC-signed emulators (OKX, Bybit, Bitget, KuCoin).

These exchanges all sign with HMAC-SHA256 over a text built from the
timestamp, method, path and body, answer JSON envelopes with their own error
codes, and check the request's IP against the key's whitelist. What differs
(header names, the signed text, the words of each error) stays in each
emulator; this module only holds the arithmetic and small response helpers.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from aiohttp import web

from exposure_app.domain.money import to_text
from exposure_app.domain.timeutil import parse_instant
from exposure_app.emulator.base import EmulatedAccount, EmulatedBalance


def hmac_sha256_base64(secret: str, payload: str) -> str:
    digest = hmac.new(secret.encode(), payload.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def hmac_sha256_hex(secret: str, payload: str) -> str:
    return hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()


def same_text(a: str | None, b: str | None) -> bool:
    """Constant-time comparison that tolerates missing values."""
    if a is None or b is None:
        return False
    return hmac.compare_digest(a.encode(), b.encode())


def json_response(
    body: object, *, status: int = 200, headers: Mapping[str, str] | None = None
) -> web.Response:
    return web.Response(
        status=status,
        text=json.dumps(body, separators=(",", ":")),
        content_type="application/json",
        headers=dict(headers or {}),
    )


def amount(value: Decimal) -> str:
    """The plain decimal text exchanges use for amounts ("0.5", never "5E-1")."""
    return to_text(value)


def ip_allowed(account: EmulatedAccount, request: web.Request) -> bool:
    """Whether the request's source address is on the key's whitelist (if any)."""
    if not account.ip_whitelist:
        return True
    return (request.remote or "") in account.ip_whitelist


def unlock_ms(balance: EmulatedBalance) -> int | None:
    """``unlock_at`` as epoch milliseconds, or ``None``."""
    if not balance.unlock_at:
        return None
    return int(parse_instant(balance.unlock_at).timestamp() * 1000)


@dataclass(frozen=True, slots=True)
class AssetTotals:
    asset: str
    free: Decimal
    locked: Decimal

    @property
    def total(self) -> Decimal:
        return self.free + self.locked


def totals_by_asset(balances: Iterable[EmulatedBalance]) -> list[AssetTotals]:
    """Free and locked summed per asset, in first-seen order."""
    free: dict[str, Decimal] = {}
    locked: dict[str, Decimal] = {}
    for balance in balances:
        free[balance.asset] = free.get(balance.asset, Decimal(0)) + balance.free
        locked[balance.asset] = locked.get(balance.asset, Decimal(0)) + balance.locked
    return [AssetTotals(asset, free[asset], locked[asset]) for asset in free]
