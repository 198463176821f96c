"""Builds ccxt async clients for accounts; imports ccxt lazily.

Importing ``ccxt.async_support`` costs about 0.6 s and 100 MB, so nothing on
the GUI start-up path imports this module's ccxt parts at import time: the
import happens on the sync thread the first time a client is built.

Threading: call :func:`build_client` on the sync service's asyncio loop
thread; the client binds to that loop on first request and must be closed
(``await client.close()``) on it too.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from exposure_app.domain.urls import (
    URL_CREDENTIAL_NAMES,
    UrlCredentials,
    join_credentials,
    split_credentials,
    validate_api_url,
    validate_proxy_url,
)
from exposure_app.exchanges.answer_limits import ACCOUNT_ANSWERS, AnswerLimit, cap_client_answers
from exposure_app.exchanges.errors import UnusableSecretError
from exposure_app.exchanges.validation import note_answer

_ORIGIN = re.compile(r"^(https?|wss?)://[^/]+")


@dataclass(frozen=True, slots=True)
class ConnectionOptions:
    """Non-secret per-account connection options (stored in ``accounts.options``)."""

    api_url: str | None = None     # origin override: http://127.0.0.1:8080, a regional host...
    sandbox: bool = False
    proxy: str | None = None       # http://, https:// or socks5:// URL
    timeout_seconds: float = 30.0

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any]) -> ConnectionOptions:
        return cls(
            api_url=raw.get("api_url") or None,
            sandbox=bool(raw.get("sandbox", False)),
            proxy=raw.get("proxy") or None,
            timeout_seconds=float(raw.get("timeout_seconds", 30.0)),
        )

    def validated(self) -> ConnectionOptions:
        """The same options with the API URL and proxy checked (``ValueError``, one line)."""
        return ConnectionOptions(api_url=validate_api_url(self.api_url), sandbox=self.sandbox,
                                 proxy=validate_proxy_url(self.proxy),
                                 timeout_seconds=self.timeout_seconds)

    def without_credentials(self) -> tuple[ConnectionOptions, dict[str, str]]:
        """``(options with bare URLs, {credential name: "user:password"})``.

        The options are what may be stored in the database; the credentials
        go into the account's keyring entry beside its API key, under the
        names in :data:`URL_CREDENTIAL_NAMES`.
        """
        secrets: dict[str, str] = {}
        urls: dict[str, str | None] = {}
        for field_name, secret_name in URL_CREDENTIAL_NAMES.items():
            url = getattr(self, field_name)
            if url:
                url, found = split_credentials(url)
                if found is not None:
                    secrets[secret_name] = found.to_text()
            urls[field_name] = url
        return (ConnectionOptions(api_url=urls["api_url"], sandbox=self.sandbox,
                                  proxy=urls["proxy"], timeout_seconds=self.timeout_seconds),
                secrets)

    def with_credentials(self, credentials: Mapping[str, str]) -> ConnectionOptions:
        """The options with any stored URL credentials put back (for the client only)."""
        urls: dict[str, str | None] = {}
        for field_name, secret_name in URL_CREDENTIAL_NAMES.items():
            url = getattr(self, field_name)
            text = credentials.get(secret_name)
            urls[field_name] = (join_credentials(url, UrlCredentials.from_text(text))
                                if url and text else url)
        return ConnectionOptions(api_url=urls["api_url"], sandbox=self.sandbox,
                                 proxy=urls["proxy"], timeout_seconds=self.timeout_seconds)

    def to_mapping(self) -> dict[str, Any]:
        data: dict[str, Any] = {"sandbox": self.sandbox, "timeout_seconds": self.timeout_seconds}
        if self.api_url:
            data["api_url"] = self.api_url
        if self.proxy:
            data["proxy"] = self.proxy
        return data


def rewrite_api_urls(urls: Any, base_url: str, implode_hostname) -> Any:
    """Swap the origin of every URL in ccxt's ``urls['api']``, keeping paths.

    Walks nested dicts and lists, expands ``{hostname}`` templates first
    (okx, bybit, bitget, htx), and replaces scheme and host with ``base_url``.
    """
    base = base_url.rstrip("/")

    def walk(node: Any) -> Any:
        if isinstance(node, str):
            return _ORIGIN.sub(base, implode_hostname(node))
        if isinstance(node, dict):
            return {key: walk(value) for key, value in node.items()}
        if isinstance(node, list):
            return [walk(value) for value in node]
        return node

    return walk(urls)


def _retry_after_value(headers: Any) -> float | None:
    for key, value in (headers or {}).items():
        if str(key).lower() == "retry-after":
            try:
                return max(0.0, float(value))
            except (TypeError, ValueError):
                return None
    return None


def _record_retry_after(client: Any) -> None:
    """Keep the ``Retry-After`` of a 418/429/503 answer on ``client.exposure_retry_after``.

    ccxt raises before the caller could look at the answer's headers, and
    ``last_response_headers`` is overwritten by concurrent requests, so the
    value is captured in ccxt's per-response hook as the answer arrives.
    """
    client.exposure_retry_after = None
    original = client.on_rest_response

    def on_rest_response(code, reason, url, method, headers, body, *rest):
        note_answer(body)   # for readers that check raw answers (validation.answers_received)
        if code in (418, 429, 503):
            value = _retry_after_value(headers)
            if value is not None:
                client.exposure_retry_after = max(value, client.exposure_retry_after or 0.0)
        return original(code, reason, url, method, headers, body, *rest)

    client.on_rest_response = on_rest_response


def _guard_signing(client: Any) -> None:
    """Raise :class:`UnusableSecretError` when the secret itself cannot sign.

    ccxt signs inside ``sign()`` before anything is sent; a malformed secret
    fails there with a plain Python error. ccxt's own errors (a missing
    credential) pass through unchanged.
    """
    from ccxt.base.errors import BaseError

    original = client.sign

    def sign(*args, **kwargs):
        try:
            return original(*args, **kwargs)
        except BaseError:
            raise
        except Exception as exc:
            raise UnusableSecretError(type(exc).__name__) from None

    client.sign = sign


def ccxt_async_module():
    """``ccxt.async_support``, imported on first use."""
    import ccxt.async_support as ccxt_async

    _quiet_ccxt_debug_logs()
    return ccxt_async


def _quiet_ccxt_debug_logs() -> None:
    """ccxt logs every request and response at DEBUG, headers included, and the
    headers carry API keys (``X-MBX-APIKEY``, ``OK-ACCESS-KEY``...). Keep its
    loggers at INFO or above so a debug log file can never receive a key."""
    logger = logging.getLogger("ccxt")
    if logger.level < logging.INFO:   # NOTSET (0) would inherit a DEBUG root later
        logger.setLevel(logging.INFO)


def exchange_ids() -> list[str]:
    """Every exchange id this ccxt supports (imports ccxt)."""
    import ccxt

    return list(ccxt.exchanges)


def required_credentials(exchange_id: str) -> list[str]:
    """The ccxt credential names this exchange needs (apiKey, secret, password, uid...)."""
    import ccxt

    cls = getattr(ccxt, exchange_id)
    required = cls().requiredCredentials
    return [name for name, needed in required.items() if needed]


def build_client(
    exchange_id: str,
    credentials: Mapping[str, str],
    connection: ConnectionOptions,
    options: Mapping[str, Any] | None = None,
    extra_config: Mapping[str, Any] | None = None,
    *,
    answer_limit: AnswerLimit = ACCOUNT_ANSWERS,
):
    """A configured ``ccxt.async_support`` client for one account.

    ``credentials`` are ccxt credential names (apiKey, secret, password, uid)
    read from the keyring by the caller; they go only into the client. URL
    credentials among them (:data:`URL_CREDENTIAL_NAMES`) are put back into
    the API URL and proxy. The API URL and the proxy are validated (http,
    https, socks5 proxies only); a bad one raises ``ValueError``. Every
    request of the client goes through the proxy when one is set.
    ``extra_config`` adds top-level ccxt settings (e.g. the rate limiter
    algorithm) chosen by the exchange's adapter.

    Every answer is bounded in time (``connection.timeout_seconds``, for the
    whole request, body included) and in size (``answer_limit``, one of the
    kinds in :mod:`exposure_app.exchanges.answer_limits`; a larger answer raises
    :class:`~exposure_app.exchanges.answer_limits.AnswerTooLargeError`).
    """
    ccxt_async = ccxt_async_module()
    try:
        cls = getattr(ccxt_async, exchange_id)
    except AttributeError:
        raise ValueError(f"ccxt does not support an exchange called {exchange_id!r}") from None
    url_secrets = set(URL_CREDENTIAL_NAMES.values())
    connection = connection.validated().with_credentials(credentials)
    config: dict[str, Any] = {
        "enableRateLimit": True,
        "timeout": int(connection.timeout_seconds * 1000),
        "options": dict(options or {}),
        **dict(extra_config or {}),
        **{name: value for name, value in credentials.items() if name not in url_secrets},
    }
    if connection.proxy:
        if connection.proxy.startswith("socks"):
            config["socksProxy"] = connection.proxy
        elif connection.proxy.startswith("https"):
            config["httpsProxy"] = connection.proxy
        else:
            config["httpProxy"] = connection.proxy
    client = cls(config)
    cap_client_answers(client, answer_limit)
    _record_retry_after(client)
    _guard_signing(client)
    if connection.sandbox:
        client.set_sandbox_mode(True)
    if connection.api_url:
        client.urls["api"] = rewrite_api_urls(
            client.urls["api"], connection.api_url, client.implode_hostname
        )
    return client
