"""Checks every exchange response before anything is read from it.

ccxt does not raise for a 200 answer whose body is an HTML page (captive
portal, WAF) or broken JSON: the implicit methods return the raw string and
``fetch_balance`` returns an empty balance. Reading that as "the wallet is
empty" would store a false zero, so every reader goes through these helpers,
which raise :class:`~exposure_app.exchanges.errors.BadResponseError` instead.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
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


# The raw bodies of the answers received by the current task while it is inside
# :func:`answers_received` (``None`` elsewhere). ccxt's per-answer hook, set up
# by the client factory, calls :func:`note_answer`; each wallet reader runs in
# its own asyncio task, so concurrent readers on one client see only their own.
_ANSWERS: ContextVar[list[str] | None] = ContextVar("exposure_answers", default=None)


def note_answer(body: Any) -> None:
    """Record one raw answer body for the task collecting them, if any."""
    answers = _ANSWERS.get()
    if answers is not None and len(answers) < 64:
        answers.append(body if isinstance(body, str) else "" if body is None else str(body)[:64])


@contextlib.contextmanager
def answers_received() -> Iterator[list[str]]:
    """The raw bodies of the answers received inside the ``with`` block (this task)."""
    answers: list[str] = []
    token = _ANSWERS.set(answers)
    try:
        yield answers
    finally:
        _ANSWERS.reset(token)


def require_json_answers(answers: list[str], what: str) -> None:
    """:class:`BadResponseError` unless every answer body is a JSON object or array.

    For ccxt methods whose result does not keep the raw answer (a balance
    parsed without ``info``): a captive portal's HTML page must not read as
    an empty wallet.
    """
    for body in answers:
        text = body.strip()
        if text[:1] in ("{", "["):
            continue
        if text and len(text) <= 64:   # a bare JSON value (a server time, "ok")
            try:
                json.loads(text)
                continue
            except ValueError:
                pass
        raise BadResponseError(f"{what}: {_describe_non_json(body)}")


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
    string) or that lacks the ``total`` mapping is rejected. Some exchanges'
    parsers keep no ``info`` at all (whitebit, backpack, krakenfutures in ccxt
    4.5.90); their raw answers are checked with :func:`require_json_answers`
    by the caller instead. Zero rows are dropped (ccxt lists every currency
    the exchange knows on some venues).
    """
    data = require_mapping(balance, what)
    info = data.get("info")
    if isinstance(info, str | bytes) or ("info" in data and info is None):
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
