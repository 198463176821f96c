"""Checks every exchange response before anything is read from it.

ccxt does not raise for a 200 answer whose body is an HTML page (captive
portal, WAF) or broken JSON: the implicit methods return the raw string and
``fetch_balance`` returns an empty balance. Reading that as "the wallet is
empty" would store a false zero, so every reader goes through these helpers,
which raise :class:`~exposure_app.exchanges.errors.BadResponseError` instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from exposure_app.domain.balances import WalletBalance
from exposure_app.domain.money import ZERO, AmountError, parse_decimal
from exposure_app.exchanges.errors import BadResponseError


def _describe_non_json(value: Any) -> str:
    if value is None:
        return "an empty answer"
    if isinstance(value, str | bytes):
        text = value.decode("utf-8", "replace") if isinstance(value, bytes) else value
        stripped = text.lstrip().lower()
        if not stripped:
            return "an empty answer"
        if stripped.startswith(("<!doctype", "<html", "<")):
            return "a web page (HTML) instead of data"
        return "malformed data (not valid JSON)"
    return f"a {type(value).__name__} where an object was expected"


def require_mapping(value: Any, what: str) -> dict[str, Any]:
    """``value`` as a dict, or :class:`BadResponseError` naming ``what``."""
    if isinstance(value, dict):
        return value
    raise BadResponseError(f"{what}: {_describe_non_json(value)}")


def require_list(value: Any, what: str) -> list[Any]:
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        raise BadResponseError(f"{what}: an object where a list was expected")
    raise BadResponseError(f"{what}: {_describe_non_json(value)}")


def require_key(mapping: Mapping[str, Any], key: str, what: str) -> Any:
    if key not in mapping:
        raise BadResponseError(f"{what}: the field {key!r} is missing")
    return mapping[key]


def amount(value: Any, what: str, *, default: Decimal | None = None) -> Decimal:
    """A strict decimal from an exchange field; missing only if ``default`` is given."""
    if value is None or value == "":
        if default is not None:
            return default
        raise BadResponseError(f"{what}: a required amount is missing")
    try:
        return parse_decimal(value, field=what)
    except AmountError as exc:
        raise BadResponseError(str(exc)) from None


def unified_balance_rows(balance: Any, wallet: str, what: str) -> list[WalletBalance]:
    """Rows from a ccxt unified balance (``fetch_balance``), after validating it.

    A balance whose ``info`` is text (an HTML page or broken JSON parsed as a
    string) or that lacks the ``total`` mapping is rejected. Zero rows are
    dropped (ccxt lists every currency the exchange knows on some venues).
    """
    data = require_mapping(balance, what)
    info = data.get("info")
    if info is None or isinstance(info, str | bytes):
        raise BadResponseError(f"{what}: {_describe_non_json(info)}")
    totals = data.get("total")
    if not isinstance(totals, dict):
        raise BadResponseError(f"{what}: the balance has no totals")
    rows: list[WalletBalance] = []
    for asset, total_raw in totals.items():
        entry = data.get(asset)
        if not isinstance(entry, dict):
            raise BadResponseError(f"{what}: no entry for {asset}")
        free = amount(entry.get("free"), f"{what} {asset} free", default=ZERO)
        used = amount(entry.get("used"), f"{what} {asset} used", default=ZERO)
        total = amount(total_raw, f"{what} {asset} total", default=free + used)
        if total == 0 and free == 0 and used == 0:
            continue
        rows.append(WalletBalance(
            wallet=wallet, asset=str(asset), free=free, locked=used, total=total,
            lock_reason="open_orders" if used else None,
        ))
    return rows


def merge_rows(rows: list[WalletBalance]) -> list[WalletBalance]:
    """Sum rows with the same (wallet, asset, lock_reason, unlock_at)."""
    merged: dict[tuple, WalletBalance] = {}
    for row in rows:
        key = (row.wallet, row.asset, row.lock_reason, row.unlock_at)
        prev = merged.get(key)
        if prev is None:
            merged[key] = row
        else:
            merged[key] = WalletBalance(
                row.wallet, row.asset, prev.free + row.free, prev.locked + row.locked,
                prev.total + row.total, row.lock_reason, row.unlock_at,
            )
    return list(merged.values())
