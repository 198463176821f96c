"""How the emulated exchanges write numbers in their answers.

Most venues write amounts and prices as plain decimal text with no exponent and
no trailing zeros ("0.5", never "5E-1" or "0.50000000"): that is
:func:`exposure_app.domain.money.to_text`, used as it is. The Coinbase, Gate
and HTX emulators pad to a fixed 8 decimals and Kraken's to 10 (each declares its
places once, with :func:`fixed_places`).
"""

from __future__ import annotations

from decimal import Decimal


def fixed_places(value: Decimal, places: int) -> str:
    """``value`` written with exactly ``places`` decimals ("0.50000000" for 8)."""
    return f"{value:.{places}f}"
