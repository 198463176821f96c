"""Body helpers shared by the HMAC-signed emulators (OKX, Bybit, Bitget, KuCoin).

These exchanges all sign with HMAC-SHA256 over a text built from the
timestamp, method, path and body, answer JSON envelopes with their own error
codes, and check the request's IP against the key's whitelist. What differs
(header names, the signed text, the words of each error) stays in each
emulator; this module only holds small body helpers (amount text, unlock times).
Summing an asset's balances is :func:`exposure_app.emulator.base.totals_by_asset`.
Signing is in :mod:`exposure_app.emulator.signing`, error answers in
:class:`exposure_app.emulator.base.ErrorSpec`.
"""

from __future__ import annotations

from decimal import Decimal

from exposure_app.domain.money import to_text
from exposure_app.domain.timeutil import parse_instant
from exposure_app.emulator.base import EmulatedBalance


def amount(value: Decimal) -> str:
    """The plain decimal text exchanges use for amounts ("0.5", never "5E-1")."""
    return to_text(value)


def unlock_ms(balance: EmulatedBalance) -> int | None:
    """``unlock_at`` as epoch milliseconds, or ``None``."""
    if not balance.unlock_at:
        return None
    return int(parse_instant(balance.unlock_at).timestamp() * 1000)
