"""DefiLlama reserve data through a loopback server: cache, failures, offline use."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from exposure_app.domain.models import AccountKind, Holding, Snapshot, SnapshotSource, SnapshotStatus
from exposure_app.risk.events import Category
from exposure_app.risk.reserve_data import ReserveDataError, parse_protocol_payload
from exposure_app.services import risk_service
from exposure_app.services.reserve_feed import refresh_slug
from exposure_app.services.settings import Settings

from .helpers import as_json_bytes, daily_series, loopback_server, protocol_payload


def kucoin_like_series():
    amounts = [{"BTC": 1000.0, "USDT": 2e8, "KCS": 1e6}] * 40
    amounts += [{"BTC": 800.0, "USDT": 1.6e8, "KCS": 1e6}] * 3      # -20% on day 40
    return daily_series("kucoin", date(2024, 2, 16), amounts,
                        lambda i, t: {"BTC": 60000 + 100 * i, "USDT": 1.0, "KCS": 10 - i / 10}[t])


def test_payload_shape_round_trips_through_the_parser():
    series = kucoin_like_series()
    parsed = parse_protocol_payload(json.loads(json.dumps(protocol_payload(series))), "kucoin")
    assert len(parsed.points) == len(series.points)
    first = parsed.points[0]
    assert first.amounts["BTC"] == 1000.0 and first.usd["KCS"] == 10_000_000.0


def test_top_level_token_lists_are_used_when_present():
    payload = {"tokens": [{"date": 1700000000, "tokens": {"btc": 2}}],
               "tokensInUsd": [{"date": 1700000000, "tokens": {"btc": 70000}}],
               "chainTvls": {}}
    parsed = parse_protocol_payload(payload, "x")
    assert parsed.points[0].amounts == {"BTC": 2.0}


@pytest.mark.parametrize("payload", [
    [], {}, {"chainTvls": {"Ethereum": {"tokens": "x", "tokensInUsd": []}}},
    {"tokens": [{"date": "yesterday", "tokens": {}}], "tokensInUsd": [{"date": 1, "tokens": {}}]},
    {"tokens": [{"date": 1, "tokens": {"BTC": "NaN"}}], "tokensInUsd": [{"date": 1, "tokens": {}}]},
])
def test_malformed_payloads_are_refused(payload):
    with pytest.raises(ReserveDataError):
        parse_protocol_payload(payload, "x")


def hold_at_kucoin(store, day="2024-03-01"):
    account = store.accounts.add("KuCoin main", AccountKind.MANUAL_CUSTODIAL, counterparty="kucoin")
    store.snapshots.save(Snapshot(
        None, account.id, datetime.fromisoformat(day + "T00:00:00+00:00"), SnapshotStatus.OK,
        (Holding.simple("USDT", Decimal(1000), price=Decimal(1)),), source=SnapshotSource.MANUAL,
    ))


def test_refresh_caches_and_failures_keep_the_last_good_copy(store):
    series = kucoin_like_series()
    routes = {"/protocol/kucoin": (200, as_json_bytes(protocol_payload(series)))}
    with loopback_server(routes) as base:
        result = refresh_slug(store, "kucoin", base_url=base)
        assert result.ok and result.points == len(series.points)
        cached = store.risk.cached_series("kucoin")
        assert cached is not None and cached.source_url == f"{base}/protocol/kucoin"
        assert len(cached.series.points) == len(series.points)

        routes["/protocol/kucoin"] = (502, b"bad gateway")
        failed = refresh_slug(store, "kucoin", base_url=base)
        assert not failed.ok and "HTTP 502" in failed.error
        assert store.risk.series_error("kucoin") == failed.error
        assert store.risk.cached_series("kucoin").fetched_at == cached.fetched_at

        routes["/protocol/kucoin"] = (200, b'{"chainTvls": {}}')
        assert not refresh_slug(store, "kucoin", base_url=base).ok
        assert len(store.risk.cached_series("kucoin").series.points) == len(series.points)

    # Server gone: a refresh fails cleanly and the cache still serves.
    offline = refresh_slug(store, "kucoin", base_url=base, timeout=2)
    assert not offline.ok
    assert store.risk.cached_series("kucoin") is not None


def test_warnings_use_derived_outflows_from_the_cache_offline_without_look_ahead(store):
    hold_at_kucoin(store)
    with loopback_server({"/protocol/kucoin": (200, as_json_bytes(
            protocol_payload(kucoin_like_series())))}) as base:
        assert refresh_slug(store, "kucoin", base_url=base).ok
    settings = Settings()
    drop_day = date(2024, 3, 27)
    before = risk_service.warnings_as_of(store, settings, datetime(2024, 3, 26, 23, tzinfo=UTC))
    after = risk_service.warnings_as_of(store, settings, datetime(2024, 3, 27, 23, tzinfo=UTC))

    def derived(report):
        w = report.for_counterparty("kucoin")
        return [] if w is None else [e for e in w.events if e.is_derived]

    assert derived(before) == []
    found = derived(after)
    assert [e.date for e in found] == [drop_day]
    assert found[0].category is Category.OUTFLOW_SURGE
    assert "defillama" in found[0].sources[0]

    settings.outflow_signals_enabled = False
    assert derived(risk_service.warnings_as_of(store, settings,
                                               datetime(2024, 3, 27, 23, tzinfo=UTC))) == []
