"""One bounded HTTP GET for every feed, page and public data source.

Every fetch has a deadline for the *whole* download (connect, redirects,
headers and body together — a server dripping one byte every few seconds
cannot hold it open) and a size cap on the decoded body (a compressed bomb
stops at the cap). Redirects are followed by hand, at most
:data:`MAX_REDIRECTS` times, and only to ``https`` URLs or to an origin the
caller lists in ``allowed_origins`` (loopback servers in tests); a redirect
to any other scheme (``ftp:``, ``file:``...) or to plain http elsewhere is
refused. The proxy, if any, is validated (:func:`validate_proxy_url`) and
used for every request, SOCKS5 through aiohttp-socks.

Exchange clients (ccxt) do not come through here; they take the same proxy
through :mod:`exposure_app.exchanges.client_factory`.

Threading: :func:`fetch` blocks the calling thread. It runs its own short
asyncio loop; when called from a thread that already runs a loop it runs on a
helper thread instead, so it never blocks someone else's loop re-entrantly.
Async callers on their own loop use :func:`fetch_async`.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from exposure_app.domain.urls import (
    ProxyUrlError,
    origin_of,
    strip_credentials,
    validate_proxy_url,
)

__all__ = ["MAX_REDIRECTS", "FetchError", "Fetched", "fetch", "fetch_async", "origin_of",
           "validate_proxy_url"]

MAX_REDIRECTS = 5
USER_AGENT = "Exposure (https://github.com/exposure-app)"
_REDIRECTS = (301, 302, 303, 307, 308)
_CHUNK = 64 * 1024


class FetchError(Exception):
    """The fetch failed; ``str(exc)`` is one line a user can read."""


@dataclass(frozen=True)
class Fetched:
    url: str
    final_url: str
    status: int
    content_type: str
    body: bytes


def _check_start(url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise FetchError(f"{strip_credentials(url)!r} is not an http(s) URL")


def _check_redirect(source: str, target: str, allowed_origins: tuple[str, ...]) -> None:
    parts = urlsplit(target)
    scheme = parts.scheme.lower()
    if origin_of(target) in {o.rstrip("/").lower() for o in allowed_origins}:
        return
    if scheme == "https" and parts.hostname:
        return
    raise FetchError(f"{strip_credentials(source)}: refused a redirect to {strip_credentials(target)} "
                     "(only https redirects are followed)")


async def fetch_async(url: str, *, max_bytes: int, total_timeout: float, proxy: str | None = None,
                      accept: str = "*/*", allowed_origins: tuple[str, ...] = ()) -> Fetched:
    """The coroutine behind :func:`fetch`, for callers already on an asyncio loop."""
    _check_start(url)
    try:
        proxy = validate_proxy_url(proxy)
    except ProxyUrlError as exc:
        raise FetchError(str(exc)) from None
    try:
        async with asyncio.timeout(total_timeout):
            return await _download(url, max_bytes, proxy, accept, allowed_origins)
    except TimeoutError:
        raise FetchError(f"{strip_credentials(url)}: no complete answer within {total_timeout:g} s") from None


async def _download(url: str, max_bytes: int, proxy: str | None, accept: str,
                    allowed_origins: tuple[str, ...]) -> Fetched:
    import aiohttp

    connector = None
    request_proxy = None
    if proxy and proxy.startswith("socks"):
        from aiohttp_socks import ProxyConnector

        remote_dns = proxy.startswith("socks5h://")    # socks5h: the proxy resolves names
        connector = ProxyConnector.from_url(proxy.replace("socks5h://", "socks5://", 1),
                                            rdns=remote_dns)
    else:
        request_proxy = proxy
    headers = {"User-Agent": USER_AGENT, "Accept": accept}
    current = url
    try:
        async with aiohttp.ClientSession(connector=connector, trust_env=False) as session:
            for _ in range(MAX_REDIRECTS + 1):
                async with session.get(current, headers=headers, proxy=request_proxy,
                                       allow_redirects=False) as response:
                    if response.status in _REDIRECTS:
                        location = response.headers.get("Location")
                        if not location:
                            raise FetchError(f"{strip_credentials(current)}: redirect without a location")
                        target = urljoin(current, location)
                        _check_redirect(current, target, allowed_origins)
                        current = target
                        continue
                    if response.status >= 400:
                        raise FetchError(f"{strip_credentials(current)}: HTTP {response.status} "
                                         f"{response.reason or ''}".rstrip())
                    declared = response.content_length
                    if declared is not None and declared > max_bytes:
                        raise FetchError(f"{strip_credentials(current)}: answer larger than "
                                         f"{max_bytes} bytes")
                    body = bytearray()
                    async for chunk in response.content.iter_chunked(_CHUNK):
                        body += chunk
                        if len(body) > max_bytes:
                            raise FetchError(f"{strip_credentials(current)}: answer larger than "
                                             f"{max_bytes} bytes")
                    return Fetched(url, current, response.status,
                                   response.headers.get("Content-Type", ""), bytes(body))
            raise FetchError(f"{strip_credentials(url)}: more than {MAX_REDIRECTS} redirects")
    except FetchError:
        raise
    except (aiohttp.ClientError, OSError, ValueError) as exc:
        raise FetchError(f"{strip_credentials(current)}: {_reason(exc)}") from None
    except Exception as exc:  # aiohttp-socks errors do not share a base with aiohttp's
        if type(exc).__module__.startswith(("python_socks", "aiohttp_socks")):
            raise FetchError(f"{strip_credentials(current)}: proxy failed ({_reason(exc)})") from None
        raise


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:200]


def fetch(url: str, *, max_bytes: int, total_timeout: float, proxy: str | None = None,
          accept: str = "*/*", allowed_origins: tuple[str, ...] = ()) -> Fetched:
    """GET ``url`` within ``total_timeout`` seconds and ``max_bytes`` bytes.

    Raises :class:`FetchError` (one readable line) on a bad URL or proxy, a
    network failure, an HTTP error status, a refused redirect, a body over
    the cap or the deadline passing.
    """
    def run() -> Fetched:
        return asyncio.run(fetch_async(url, max_bytes=max_bytes, total_timeout=total_timeout,
                                       proxy=proxy, accept=accept,
                                       allowed_origins=tuple(allowed_origins)))

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return run()
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()
