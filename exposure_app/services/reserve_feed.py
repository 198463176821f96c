"""Fetches DefiLlama reserve history for held custodians and caches it in the store.

``GET {base}/protocol/<slug>`` (free, no key) returns per-token amounts and USD
values over time (shape in :mod:`exposure_app.risk.reserve_data`). The reply is
validated as a whole; a failure (network, HTTP status, bad JSON, wrong shape)
is recorded with its reason and the previous cache stays as it was, so the
app works offline from the last good copy.

Threading: blocking ``urllib`` calls; run on a worker thread (the GUI uses
its task runner), each thread with its own :class:`ProfileStore`.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from exposure_app.domain.timeutil import utc_now
from exposure_app.risk.reserve_data import ReserveDataError, parse_protocol_payload
from exposure_app.storage.store import ProfileStore

DEFAULT_BASE_URL = "https://api.llama.fi"
MAX_BYTES = 200 * 1024 * 1024
USER_AGENT = "Exposure (https://github.com/exposure-app) reserve-data client"


class ReserveFetchError(Exception):
    """One slug could not be fetched or parsed; the message says why."""


@dataclass(frozen=True, slots=True)
class FetchResult:
    slug: str
    ok: bool
    points: int = 0
    error: str | None = None
    fetched_at: datetime | None = None


def _opener(proxy: str | None) -> urllib.request.OpenerDirector:
    handlers: list[urllib.request.BaseHandler] = []
    if proxy:
        handlers.append(urllib.request.ProxyHandler({"http": proxy, "https": proxy}))
    return urllib.request.build_opener(*handlers)


def fetch_protocol_json(slug: str, *, base_url: str = DEFAULT_BASE_URL, timeout: float = 30,
                        proxy: str | None = None) -> object:
    url = f"{base_url.rstrip('/')}/protocol/{urllib.request.quote(slug, safe='.-_')}"
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT,
                                                   "Accept": "application/json"})
    try:
        with _opener(proxy).open(request, timeout=timeout) as response:
            body = response.read(MAX_BYTES + 1)
    except urllib.error.HTTPError as exc:
        raise ReserveFetchError(f"{url}: HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ReserveFetchError(f"{url}: {reason}") from None
    if len(body) > MAX_BYTES:
        raise ReserveFetchError(f"{url}: reply larger than {MAX_BYTES} bytes")
    try:
        return json.loads(body)
    except ValueError as exc:
        raise ReserveFetchError(f"{url}: not JSON ({exc})") from None


def refresh_slug(store: ProfileStore, slug: str, *, base_url: str = DEFAULT_BASE_URL,
                 timeout: float = 30, proxy: str | None = None) -> FetchResult:
    """Fetch one slug and replace its cache only if the whole reply is valid."""
    fetched_at = utc_now()
    try:
        payload = fetch_protocol_json(slug, base_url=base_url, timeout=timeout, proxy=proxy)
        series = parse_protocol_payload(payload, slug, fetched_at)
    except (ReserveFetchError, ReserveDataError) as exc:
        store.risk.record_series_failure(slug, str(exc))
        return FetchResult(slug, False, error=str(exc))
    source = f"{base_url.rstrip('/')}/protocol/{slug}"
    store.risk.save_series(series, fetched_at=fetched_at, source_url=source)
    return FetchResult(slug, True, points=len(series.points), fetched_at=fetched_at)


def refresh_slugs(store: ProfileStore, slugs: Iterable[str], **kwargs) -> list[FetchResult]:
    return [refresh_slug(store, slug, **kwargs) for slug in sorted(set(slugs))]
