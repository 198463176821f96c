"""Body helpers shared by the HMAC-signed emulators (OKX, Bybit, Bitget, KuCoin).

These exchanges all sign with HMAC-SHA256 over a text built from the
timestamp, method, path and body, answer JSON envelopes with their own error
codes, and check the request's IP against the key's whitelist. What differs
(header names, the signed text, the words of each error) stays in each
emulator; this module only holds small body helpers (unlock times; amount text is
:mod:`exposure_app.emulator.number_text`).
Summing an asset's balances is :func:`exposure_app.emulator.base.totals_by_asset`.
Signing is in :mod:`exposure_app.emulator.signing`, error answers in
:class:`exposure_app.emulator.base.ErrorSpec`.
"""

from __future__ import annotations

from exposure_app.domain.timeutil import parse_instant
from exposure_app.emulator.base import EmulatedBalance


def unlock_ms(balance: EmulatedBalance) -> int | None:
    """``unlock_at`` as epoch milliseconds, or ``None``."""
    if not balance.unlock_at:
        return None
    return int(parse_instant(balance.unlock_at).timestamp() * 1000)
