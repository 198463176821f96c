"""One HTTP session for a sync run's chain reads, with a concurrency limit per server.

Every answer is bounded: a timeout for the whole request, body included
(aiohttp's ``total``), a size cap on the body (:data:`MAX_BODY_BYTES`, read to
the end in chunks by :func:`~exposure_app.exchanges.answer_limits.read_capped`),
JSON only. Failures become :class:`~exposure_app.exchanges.errors.SyncError` with
the same kinds and messages exchanges get (rate limit with its Retry-After,
server error, timeout, unreachable, bad answer), named after the server.

Requests to one origin (scheme, host and port) share one semaphore, so a
large extended key cannot flood the user's node or a public server beyond
:data:`DEFAULT_CONCURRENCY` requests in flight.

Threading: created, used and closed on the sync loop (an aiohttp session is
bound to its loop).
"""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    import aiohttp

from exposure_app.domain.urls import origin_of, validate_api_url, validate_proxy_url
from exposure_app.exchanges.answer_limits import AnswerTooLargeError, read_capped
from exposure_app.exchanges.errors import (
    BadResponseError,
    ErrorKind,
    SyncError,
    describe_exception,
    make_error,
)

DEFAULT_CONCURRENCY = 16
MAX_BODY_BYTES = 2 * 1024 * 1024
REQUEST_TIMEOUT = 20.0


class OversizedAnswerError(SyncError):
    """A ``BAD_RESPONSE``: the answer was over the size cap of its request, and nothing of it
    was kept. Raised apart from other bad answers so a caller can ask for less instead."""


def check_proxy_url(url: str) -> str:
    """``url`` checked as every proxy is (:func:`~exposure_app.domain.urls.validate_proxy_url`),
    and without a login (a watch-only account keeps none); ``ValueError`` otherwise."""
    return _without_login(validate_proxy_url(url), "proxy")


def check_api_url(url: str) -> str:
    """``url`` checked as every API origin is (:func:`~exposure_app.domain.urls.validate_api_url`),
    without a login and a trailing slash; ``ValueError`` otherwise."""
    return _without_login(validate_api_url(url, what="server URL"), "server URL").rstrip("/")


def _without_login(url: str | None, what: str) -> str:
    if url is None:
        raise ValueError(f"{what}: empty")
    parts = urlsplit(url)
    if parts.username or parts.password:
        raise ValueError(f"the {what} must not contain a user name or password")
    return url


class ChainPool:
    """Threading: sync loop only (see module docstring)."""

    def __init__(self, *, concurrency: int = DEFAULT_CONCURRENCY,
                 request_timeout: float = REQUEST_TIMEOUT) -> None:
        self.concurrency = concurrency
        self.request_timeout = request_timeout
        self._sessions: dict[str | None, aiohttp.ClientSession] = {}
        self._limits: dict[str, asyncio.Semaphore] = {}

    def _client(self, proxy: str | None) -> aiohttp.ClientSession:
        """One session per proxy: a SOCKS proxy lives in the connector, HTTP ones per request."""
        key = proxy if proxy and proxy.startswith("socks") else None
        session = self._sessions.get(key)
        if session is None:
            import aiohttp  # here, not at import: the CLI's other commands start without it

            if key is not None:
                from aiohttp_socks import ProxyConnector

                connector: aiohttp.BaseConnector = ProxyConnector.from_url(
                    key, limit=self.concurrency * 4)
            else:
                connector = aiohttp.TCPConnector(limit=self.concurrency * 4)
            session = self._sessions[key] = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self.request_timeout), connector=connector)
        return session

    async def close(self) -> None:
        sessions, self._sessions = self._sessions, {}
        for session in sessions.values():
            await session.close()

    async def request_json(self, method: str, url: str, *, name: str,
                           payload: Any = None, proxy: str | None = None,
                           max_bytes: int = MAX_BODY_BYTES) -> Any:
        """The JSON body of one request; :class:`SyncError` for any failure
        (:class:`OversizedAnswerError` for a body over ``max_bytes``)."""
        origin = origin_of(url)
        limit = self._limits.setdefault(origin, asyncio.Semaphore(self.concurrency))
        async with limit:
            try:
                return await self._request(method, url, name, payload, proxy, max_bytes)
            except SyncError:
                raise
            except AnswerTooLargeError as exc:
                error = describe_exception(exc, name)
                raise OversizedAnswerError(error.kind, error.message) from None
            except Exception as exc:
                raise describe_exception(exc, name) from None

    async def _request(self, method: str, url: str, name: str, payload: Any,
                       proxy: str | None, max_bytes: int) -> Any:
        kwargs: dict[str, Any] = {"allow_redirects": False,
                                  "headers": {"Accept": "application/json"}}
        if payload is not None:
            kwargs["json"] = payload
        if proxy and not proxy.startswith("socks"):
            kwargs["proxy"] = proxy
        async with self._client(proxy).request(method, url, **kwargs) as response:
            if response.status == 429:
                retry = _retry_after(response.headers.get("Retry-After"))
                raise make_error(ErrorKind.RATE_LIMIT, name, retry_after=retry)
            if response.status >= 500:
                raise make_error(ErrorKind.UNAVAILABLE, name)
            if response.status == 404 or response.status == 400:
                raise make_error(ErrorKind.BAD_RESPONSE, name,
                                 detail=f"HTTP {response.status} for this request")
            if response.status != 200:
                raise make_error(ErrorKind.BAD_RESPONSE, name, detail=f"HTTP {response.status}")
            body = await read_capped(response, max_bytes)
        try:
            return json.loads(body)
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise BadResponseError("not JSON") from None


def _retry_after(value: str | None) -> float | None:
    try:
        seconds = float(value) if value else None
    except ValueError:
        return None
    return None if seconds is None or seconds < 0 else min(seconds, 3600.0)
