"""Exchange failures in plain language, with a remedy, and never a secret.

ccxt raises a class hierarchy (``AuthenticationError``, ``DDoSProtection``,
``InvalidNonce``...) whose messages carry the exchange's raw body and the
request URL. Those are not fit for people and may echo request parameters, so
:func:`describe_exception` maps an exception to an :class:`ErrorKind` and a
fixed, friendly message; the raw text is only used to pick the kind, and any
detail kept is scrubbed of the account's credentials.

The mapping works on the exception's class *names* (its MRO), so this module
does not import ccxt and stays cheap to import.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from enum import StrEnum


class ErrorKind(StrEnum):
    AUTH = "auth"
    PERMISSION = "permission"
    IP_NOT_WHITELISTED = "ip"
    RATE_LIMIT = "rate_limit"
    MAINTENANCE = "maintenance"
    UNAVAILABLE = "unavailable"
    TIMEOUT = "timeout"
    NETWORK = "network"
    CLOCK_SKEW = "clock_skew"
    BAD_RESPONSE = "bad_response"
    NOT_SUPPORTED = "not_supported"
    EXCHANGE = "exchange"
    CONFIG = "config"


# Kinds that concern the whole account (the key, the address, the clock), as
# opposed to one wallet endpoint: if one wallet call fails with one of these,
# the account fails rather than being stored as partial. A timeout, outage or
# bad answer on one endpoint while others answered makes a partial snapshot.
ACCOUNT_LEVEL = frozenset(
    {
        ErrorKind.AUTH,
        ErrorKind.IP_NOT_WHITELISTED,
        ErrorKind.RATE_LIMIT,
        ErrorKind.CLOCK_SKEW,
        ErrorKind.CONFIG,
    }
)

# Kinds that say the exchange itself cannot be asked right now (the key, the way
# there, its limits, an outage), as opposed to one request it refused (a market it
# no longer lists): when one ticker of many fails with one of these, asking for the
# next one would fail the same way, so the whole read fails.
EXCHANGE_WIDE = frozenset(
    {
        ErrorKind.AUTH,
        ErrorKind.PERMISSION,
        ErrorKind.IP_NOT_WHITELISTED,
        ErrorKind.RATE_LIMIT,
        ErrorKind.MAINTENANCE,
        ErrorKind.UNAVAILABLE,
        ErrorKind.TIMEOUT,
        ErrorKind.NETWORK,
        ErrorKind.CLOCK_SKEW,
        ErrorKind.CONFIG,
    }
)

_MESSAGES: dict[ErrorKind, str] = {
    ErrorKind.AUTH: (
        "{name} rejected the API key or its signature. Check that the key and secret "
        "(and passphrase, if the exchange uses one) were copied exactly and that the key "
        "has not been deleted or expired."
    ),
    ErrorKind.PERMISSION: (
        "{name} refused this request: the API key lacks the read permission it needs. "
        "Enable reading (only reading) for the key on the exchange's API management page."
    ),
    ErrorKind.IP_NOT_WHITELISTED: (
        "{name} refused the request because this computer's IP address is not on the API "
        "key's whitelist. Add your current IP address to the key, or use a key without "
        "an IP restriction."
    ),
    ErrorKind.RATE_LIMIT: (
        "{name} is rate-limiting or temporarily banning requests from this address. "
        "Exposure backs off; try again later{retry}."
    ),
    ErrorKind.MAINTENANCE: (
        "{name} is under maintenance. Your balances will be refreshed when it is back."
    ),
    ErrorKind.UNAVAILABLE: (
        "{name} is not available right now (server error). Try again later."
    ),
    ErrorKind.TIMEOUT: (
        "{name} did not answer in time. The exchange may be slow or your connection "
        "unreliable; try again, or raise the account's timeout."
    ),
    ErrorKind.NETWORK: (
        "Could not reach {name}. Check your internet connection, proxy setting and the "
        "account's API URL."
    ),
    ErrorKind.CLOCK_SKEW: (
        "{name} rejected the request's timestamp even after adjusting for the time "
        "difference. Make sure this computer's clock is set automatically (NTP)."
    ),
    ErrorKind.BAD_RESPONSE: (
        "{name} sent an answer Exposure could not understand{detail}. Nothing was stored "
        "from it. This happens behind captive portals, firewalls or during outages; "
        "try again later."
    ),
    ErrorKind.NOT_SUPPORTED: "{name} does not offer this through its API{detail}.",
    ErrorKind.EXCHANGE: "{name} reported an error{detail}.",
    ErrorKind.CONFIG: "The account is not set up correctly{detail}.",
}


class SyncError(Exception):
    """A classified failure; ``message`` is safe to show and store."""

    def __init__(self, kind: ErrorKind, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.retry_after = retry_after

    def __str__(self) -> str:
        return self.message

    @property
    def account_level(self) -> bool:
        return self.kind in ACCOUNT_LEVEL


class BadResponseError(Exception):
    """A response without the expected structure (HTML, empty, malformed, wrong shape).

    The message names what was wrong, never the body itself (it may be large
    or echo request parameters).
    """


class ConfigurationError(Exception):
    """The account cannot be synced as configured (unknown exchange, no credentials)."""


class UnusableSecretError(Exception):
    """The key's secret could not sign a request, so nothing was sent.

    Raised in place of the plain Python error (``ValueError`` for a PEM block
    cut short, ``binascii.Error`` for a secret that is not base64) that ccxt's
    signing code throws; that error would otherwise read as a garbled answer
    from the exchange. The message holds only the error's class name: the
    original text may quote the secret. It is reported as an ``auth`` problem:
    the key is unusable as entered.
    """


UNUSABLE_SECRET = (
    "The API secret for {name} cannot sign requests: it is not in the form {name} issues, "
    "so nothing was sent. Copy it again exactly (for a key given as a PEM block, every line "
    "from -----BEGIN to -----END) and enter it again; for an account already added, use "
    "Replace API key… (or `accounts set-key`)."
)


def friendly_name(exchange_id: str) -> str:
    special = {"htx": "HTX", "okx": "OKX", "kucoin": "KuCoin", "bitget": "Bitget"}
    return special.get(exchange_id, exchange_id[:1].upper() + exchange_id[1:])


def message_for(
    kind: ErrorKind, exchange_id: str, *, detail: str = "", retry_after: float | None = None
) -> str:
    retry = f" (the exchange asks to wait {retry_after:g} s)" if retry_after else ""
    detail_text = f": {detail}" if detail else ""
    return _MESSAGES[kind].format(name=friendly_name(exchange_id), retry=retry, detail=detail_text)


def make_error(
    kind: ErrorKind, exchange_id: str, *, detail: str = "", retry_after: float | None = None
) -> SyncError:
    return SyncError(kind, message_for(kind, exchange_id, detail=detail, retry_after=retry_after),
                     retry_after)


_IP_PATTERNS = re.compile(
    r"\bIP\b|ip address|whitelist|ip.?restrict|not in the ip|unmatched ip", re.IGNORECASE
)
_PERMISSION_PATTERNS = re.compile(
    r"permission|not authori[sz]ed|no operation privilege|forbidden|access denied",
    re.IGNORECASE,
)
# ccxt's HTTP-status errors read "<id> GET <url> 404 Not Found <body>"
_NOT_FOUND_STATUS = re.compile(r"\s404\s+Not Found\b", re.IGNORECASE)
_MAINTENANCE_PATTERNS = re.compile(r"maintenance|upgrad|cancel_only|post_only", re.IGNORECASE)


def _class_names(exc: BaseException) -> set[str]:
    return {cls.__name__ for cls in type(exc).__mro__}


_CONNECTION_CAUSES = frozenset({
    "ClientConnectionError", "ServerDisconnectedError", "ClientOSError", "ConnectionError",
    "ClientConnectorError", "gaierror",
})


def _caused_by_connection(exc: BaseException) -> bool:
    """Whether ccxt wrapped a dropped or refused connection (it reports those as
    ExchangeNotAvailable, like a 5xx answer)."""
    cause = exc.__cause__
    depth = 0
    while cause is not None and depth < 5:
        if _class_names(cause) & _CONNECTION_CAUSES:
            return True
        cause, depth = cause.__cause__, depth + 1
    return False


def scrub(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every credential value (and any ``signature=...``) removed."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return re.sub(r"(signature|sign|apiKey|api_key)=[^&\s\"']+", r"\1=***", text)


def describe_exception(
    exc: BaseException,
    exchange_id: str,
    *,
    retry_after: float | None = None,
    secrets: Iterable[str] = (),
) -> SyncError:
    """Classify ``exc`` (ccxt, asyncio, aiohttp or ours) into a :class:`SyncError`."""
    if isinstance(exc, SyncError):
        return exc
    if isinstance(exc, BadResponseError):
        return make_error(ErrorKind.BAD_RESPONSE, exchange_id, detail=scrub(str(exc), secrets))
    if isinstance(exc, ConfigurationError):
        return make_error(ErrorKind.CONFIG, exchange_id, detail=scrub(str(exc), secrets))
    if isinstance(exc, UnusableSecretError):
        return SyncError(ErrorKind.AUTH, UNUSABLE_SECRET.format(name=friendly_name(exchange_id)))
    names = _class_names(exc)
    raw = str(exc)
    if "TimeoutError" in names or "RequestTimeout" in names:
        return make_error(ErrorKind.TIMEOUT, exchange_id)
    if "InvalidNonce" in names:
        return make_error(ErrorKind.CLOCK_SKEW, exchange_id)
    if names & {"DDoSProtection", "RateLimitExceeded"}:
        return make_error(ErrorKind.RATE_LIMIT, exchange_id, retry_after=retry_after)
    if "OnMaintenance" in names or ("ExchangeNotAvailable" in names
                                    and _MAINTENANCE_PATTERNS.search(raw)):
        return make_error(ErrorKind.MAINTENANCE, exchange_id)
    if names & {"PermissionDenied", "AccountNotEnabled"}:
        if _IP_PATTERNS.search(raw):
            return make_error(ErrorKind.IP_NOT_WHITELISTED, exchange_id)
        return make_error(ErrorKind.PERMISSION, exchange_id)
    if "AuthenticationError" in names or "AccountSuspended" in names:
        if _IP_PATTERNS.search(raw):
            return make_error(ErrorKind.IP_NOT_WHITELISTED, exchange_id)
        if _PERMISSION_PATTERNS.search(raw):
            return make_error(ErrorKind.PERMISSION, exchange_id)
        return make_error(ErrorKind.AUTH, exchange_id)
    if names & {"BadResponse", "NullResponse"}:
        return make_error(ErrorKind.BAD_RESPONSE, exchange_id, detail="malformed answer")
    if "ExchangeNotAvailable" in names and _NOT_FOUND_STATUS.search(raw):
        # ccxt files a 404 under ExchangeNotAvailable like a 5xx; it is no server error
        return make_error(ErrorKind.NOT_SUPPORTED, exchange_id,
                          detail="this endpoint was not found (HTTP 404)")
    if "ExchangeNotAvailable" in names:
        if _caused_by_connection(exc) or _looks_unreachable(raw):
            return make_error(ErrorKind.NETWORK, exchange_id)
        return make_error(ErrorKind.UNAVAILABLE, exchange_id)
    if "NetworkError" in names or names & {
        "ClientConnectorError", "ConnectionError", "OSError", "ProxyError",
        "ProxyConnectionError", "ProxyTimeoutError",
    }:
        return make_error(ErrorKind.NETWORK, exchange_id)
    if names & {"NotSupported", "BadRequest"}:
        return make_error(ErrorKind.NOT_SUPPORTED, exchange_id, detail=_short(raw, secrets))
    if names & {"AttributeError", "TypeError", "KeyError", "IndexError", "ValueError"}:
        # ccxt's parsers assume the documented shape; a different body (an HTML
        # page where markets were expected...) breaks them with a Python error
        return make_error(ErrorKind.BAD_RESPONSE, exchange_id,
                          detail=f"unexpected structure ({type(exc).__name__})")
    if "ExchangeError" in names:
        return make_error(ErrorKind.EXCHANGE, exchange_id, detail=_short(raw, secrets))
    return make_error(ErrorKind.EXCHANGE, exchange_id,
                      detail=f"unexpected {type(exc).__name__}: {_short(raw, secrets)}")


def _looks_unreachable(raw: str) -> bool:
    lowered = raw.lower()
    return any(word in lowered for word in (
        "cannot connect", "connection refused", "connect call failed", "name or service",
        "server disconnected", "connection reset", "nodename", "temporary failure",
    ))


def _short(raw: str, secrets: Iterable[str], limit: int = 160) -> str:
    text = scrub(raw, secrets)
    # ccxt prefixes the exchange id and may add the method and URL; keep the message part
    text = re.sub(r"https?://\S+", "", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"
