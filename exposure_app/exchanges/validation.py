"""The adapter toolkit: checks every exchange response before anything is read from it.

ccxt does not raise for a 200 answer whose body is an HTML page (captive
portal, WAF) or broken JSON: the implicit methods return the raw string and
``fetch_balance`` returns an empty balance. Reading that as "the wallet is
empty" would store a false zero, so every reader goes through these helpers,
which raise :class:`~exposure_app.exchanges.errors.BadResponseError` instead.

Every helper takes ``what``: the whole description of the part being read,
exchange name first ("OKX funding account balance", "HTX accounts[2]"), which
the error message begins with. Adapters read raw exchange bodies (not ccxt's
float-based unified structures) so amounts stay exact ``Decimal``.

An exchange's answer envelope (the success code, where the data sits, which
error codes mean what, page limits) is declared once per adapter as an
:class:`Envelope`, the way a ccxt exchange class declares ``describe()``.
Turning checked answers into wallet rows is :mod:`exposure_app.exchanges.balance_rows`.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from exposure_app.domain.balances import WalletBalance
from exposure_app.domain.money import ZERO, AmountError, parse_decimal
from exposure_app.exchanges.errors import BadResponseError, ErrorKind


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
    """``value`` as a dict, or :class:`BadResponseError` naming ``what``.

    An HTML page, an empty or a broken body is named as such.
    """
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


def mapping_at(obj: Mapping[str, Any], key: str, what: str) -> dict[str, Any]:
    """``obj[key]`` as a dict (``what`` names ``obj``)."""
    return require_mapping(require_key(obj, key, what), f"{what}.{key}")


def list_at(obj: Mapping[str, Any], key: str, what: str) -> list[Any]:
    """``obj[key]`` as a list (``what`` names ``obj``)."""
    return require_list(require_key(obj, key, what), f"{what}.{key}")


def quantity_at(obj: Mapping[str, Any], key: str, what: str) -> Decimal:
    """``obj[key]``, present, as a :func:`quantity` (``what`` names ``obj``)."""
    return quantity(require_key(obj, key, what), f"{what}.{key}")


def amount(value: Any, what: str, *, default: Decimal | None = None) -> Decimal:
    """A strict decimal from an exchange field; missing only if ``default`` is given.

    Negative values are allowed (equity, a net margin balance with debt).
    """
    if value is None or value == "":
        if default is not None:
            return default
        raise BadResponseError(f"{what}: a required amount is missing")
    try:
        return parse_decimal(value, field=what)
    except AmountError as exc:
        raise BadResponseError(str(exc)) from None


def quantity(value: Any, what: str) -> Decimal:
    """An amount that must be present and not negative (a balance, a hold)."""
    if value is None or value == "":
        raise BadResponseError(f"{what}: is not a number ({value!r})")
    result = amount(value, what)
    if result < 0:
        raise BadResponseError(f"{what}: is negative ({value!r})")
    return result


def optional_quantity(obj: Mapping[str, Any], key: str, what: str) -> Decimal:
    """``obj[key]`` as a :func:`quantity`; a missing or empty field is zero."""
    value = obj.get(key)
    if value is None or value == "":
        return ZERO
    return quantity(value, f"{what}.{key}")


def asset_code(client: Any, currency_id: Any, what: str,
               aliases: Mapping[str, str] | None = None) -> str:
    """The unified code of an exchange's currency id (``aliases`` first, then ccxt's)."""
    if not isinstance(currency_id, str) or not currency_id:
        raise BadResponseError(f"{what}: a row has no currency")
    if aliases and currency_id in aliases:
        return aliases[currency_id]
    return client.safe_currency_code(currency_id)


@dataclass(frozen=True, slots=True)
class Envelope:
    """How one exchange wraps its answers, declared on its adapter.

    ``code_key``/``success``: the field telling success and its value(s)
    (compared as text); ``data_key``: where the payload sits; ``error_codes``:
    exchange codes ccxt does not map, read from an error's text, with the kind
    they mean; ``error_words``: words of an error's text (any case) that tell
    its kind where ccxt's class does not, checked in order; ``never_opened``:
    the words (or ccxt error class names) of the exchange's explicit answer for
    an account the user never opened, read as an empty wallet;
    ``page_size``/``max_pages``: the page limits of its paged lists
    (``max_pages`` stops a cursor loop). An exchange answering bare bodies
    (Binance, Gate, Coinbase) declares ``code_key`` and ``data_key`` None.
    """

    exchange: str
    code_key: str | None = "code"
    success: tuple[str, ...] = ()
    data_key: str | None = "data"
    error_codes: Mapping[str, ErrorKind] = field(default_factory=dict)
    error_words: Mapping[str, ErrorKind] = field(default_factory=dict)
    never_opened: tuple[str, ...] = ()
    page_size: int = 100
    max_pages: int = 50

    def data(self, response: Any, what: str) -> Any:
        """The payload of a successful answer; anything else is a bad response."""
        body = require_mapping(response, what)
        if self.code_key is not None:
            code = require_key(body, self.code_key, what)
            if str(code) not in self.success:
                raise BadResponseError(f"{what}: the exchange answered {self.code_key} {code}")
        return body if self.data_key is None else require_key(body, self.data_key, what)

    def data_mapping(self, response: Any, what: str) -> dict[str, Any]:
        return require_mapping(self.data(response, what), f"{what} {self.data_key}")

    def data_list(self, response: Any, what: str) -> list[Any]:
        return require_list(self.data(response, what), f"{what} {self.data_key}")

    def error_kind(self, exc: BaseException) -> ErrorKind | None:
        """The kind of an error whose text carries one of ``error_words``, else
        one of ``error_codes``."""
        lowered = str(exc).lower()
        for words, kind in self.error_words.items():
            if words.lower() in lowered:
                return kind
        if self.code_key is None:
            return None
        text = str(exc).replace(" ", "")
        for code, kind in self.error_codes.items():
            if re.search(rf'"{re.escape(self.code_key)}":"?{re.escape(code)}(?!\d)', text):
                return kind
        return None

    def says_never_opened(self, exc: BaseException) -> bool:
        """Whether ``exc`` is the exchange's answer for an account never opened."""
        text, classes = str(exc), {klass.__name__ for klass in type(exc).__mro__}
        return any(words in text or words in classes for words in self.never_opened)

    def too_many_pages(self, what: str) -> BadResponseError:
        return BadResponseError(f"{what}: more than {self.max_pages} pages")


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
