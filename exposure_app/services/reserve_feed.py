"""Fetches DefiLlama reserve history for held custodians and caches it in the store.

``GET {base}/protocol/<slug>`` (free, no key) returns per-token amounts and USD
values over time (shape in :mod:`exposure_app.risk.reserve_data`). The reply is
validated as a whole; a failure (network, HTTP status, bad JSON, wrong shape)
is recorded with its reason and the previous cache stays as it was, so the
app works offline from the last good copy.

Each download is bounded as a whole in time and size
(:mod:`exposure_app.services.http_fetch`).

Threading: blocking calls; run on a worker thread (the GUI uses
its task runner), each thread with its own :class:`ProfileStore`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

from exposure_app.domain.json_limits import JsonError, loads_bounded
from exposure_app.domain.timeutil import utc_now
from exposure_app.risk.reserve_data import ReserveDataError, parse_protocol_payload
from exposure_app.services.http_fetch import FetchError, fetch, origin_of
from exposure_app.storage.store import ProfileStore

DEFAULT_BASE_URL = "https://api.llama.fi"
MAX_BYTES = 200 * 1024 * 1024


class ReserveFetchError(Exception):
    """One slug could not be fetched or parsed; the message says why."""


@dataclass(frozen=True, slots=True)
class FetchResult:
    slug: str
    ok: bool
    points: int = 0
    error: str | None = None
    fetched_at: datetime | None = None


def fetch_protocol_json(slug: str, *, base_url: str = DEFAULT_BASE_URL, timeout: float = 30,
                        proxy: str | None = None) -> object:
    """The parsed reply for one slug; ``timeout`` bounds the whole download."""
    url = f"{base_url.rstrip('/')}/protocol/{quote(slug, safe='.-_')}"
    try:
        body = fetch(url, max_bytes=MAX_BYTES, total_timeout=timeout, proxy=proxy,
                     accept="application/json", allowed_origins=(origin_of(url),)).body
    except FetchError as exc:
        raise ReserveFetchError(str(exc)) from None
    try:
        return loads_bounded(body, what=url)
    except JsonError as exc:
        raise ReserveFetchError(str(exc)) from None


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


def refresh_slugs(store: ProfileStore, slugs: Iterable[str], *, base_url: str = DEFAULT_BASE_URL,
                  timeout: float = 30, proxy: str | None = None) -> list[FetchResult]:
    return [refresh_slug(store, slug, base_url=base_url, timeout=timeout, proxy=proxy)
            for slug in sorted(set(slugs))]
